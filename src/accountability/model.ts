import type { FuzzyDate } from "../core/dates.ts";
import type { Claim, VRecord } from "../records/index.ts";
import type { Holds, Span } from "./tenure.ts";

/** A record as this capability's views name it (through a lens: labels it may show). */
export interface Ref {
  id: string;
  type: string;
  kind: string | null;
  label: string;
  labelFa: string;
  synthetic: boolean;
  date: FuzzyDate | null;
}

export function refOf(r: VRecord, label: (r: VRecord, lang: "en" | "fa") => string): Ref {
  return { id: r.id, type: r.type, kind: r.kind, label: label(r, "en"), labelFa: label(r, "fa"), synthetic: r.synthetic, date: r.date };
}

/** One post or membership held over time. */
export interface Posting {
  claim: Claim;
  role: string;
  /** The organisation: the membership's object, or the post's organisation. */
  organisation: Ref | null;
  post: Ref | null;
  span: Span;
}

/** One act (done to one victim) with what it belongs to. */
export interface Act {
  claim: Claim;
  victim: Ref;
  event: Ref | null;
  place: Ref | null;
}

/** A person's or unit's part in one act. */
export interface Involvement {
  claim: Claim;
  actor: Ref;
  act: Act;
}

export interface Career {
  person: Ref;
  postings: Posting[];
  involvements: Involvement[];
  /** First and last day the acts the person was involved in may have happened. */
  actsFrom: string | null;
  actsTo: string | null;
  /** Postings that began after the last of those acts: what came after. */
  laterPostingIds: string[];
}

/** Roles that head an organisation, that deputise, and the rest. */
export const HEAD_ROLES: ReadonlySet<string> = new Set(["head", "minister", "prosecutor", "prison_governor", "religious_judge"]);
export const DEPUTY_ROLES: ReadonlySet<string> = new Set(["deputy", "deputy_prosecutor"]);

export function rankOf(role: string): 0 | 1 | 2 {
  return HEAD_ROLES.has(role) ? 0 : DEPUTY_ROLES.has(role) ? 1 : 2;
}

/** A link "superior is above subordinate" at a date, with the claims it rests on. */
export interface CommandLink {
  superior: string;
  subordinate: string;
  /** Organisations from the subordinate's up to the superior's. */
  via: string[];
  holds: Exclude<Holds, "no" | "undated">;
  /** Membership and parent claims the link is derived from. */
  basis: string[];
  sources: string[];
}

export interface Seat {
  person: Ref;
  organisation: Ref;
  post: Ref | null;
  role: string;
  rank: 0 | 1 | 2;
  holds: Exclude<Holds, "no" | "undated">;
  claim: Claim;
}

export interface CommandChain {
  /** The date asked about, as given, and the days it covers. */
  at: FuzzyDate;
  focus: Ref;
  seats: Seat[];
  links: CommandLink[];
  /** Claims referred to by the links, for sources and confidence. */
  claims: Map<string, Claim>;
  organisations: Map<string, Ref>;
}

/** A problem between claims, or a claim marked disputed: shown, never hidden. */
export interface Contradiction {
  kind: "disputed" | "conflicting_values" | "conflicting_dates" | "conflicting_places" | "outside_organisation_dates";
  subjectId: string;
  property: string;
  claimIds: string[];
  reason: string;
}
