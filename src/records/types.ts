import type { FuzzyDate } from "../core/dates.ts";

export const RECORD_TYPES = ["person", "organisation", "place", "event", "source", "post"] as const;
export type RecordType = (typeof RECORD_TYPES)[number];

export const CONFIDENTIALITIES = ["public", "staff", "restricted"] as const;
export type Confidentiality = (typeof CONFIDENTIALITIES)[number];

export const CONFIDENCES = ["confirmed", "probable", "possible", "disputed"] as const;
export type Confidence = (typeof CONFIDENCES)[number];

export const RECORD_STATUSES = ["draft", "published", "merged"] as const;
export type RecordStatus = (typeof RECORD_STATUSES)[number];

export type ClaimStatus = "active" | "retracted";

/** Which vocabulary a record's `kind` comes from, per record type. */
export const KIND_VOCABULARY: Record<RecordType, string | undefined> = {
  person: undefined,
  organisation: "organisation_type",
  place: "place_type",
  event: "event_type",
  source: "source_type",
  post: "post_role",
};

export type JsonValue = string | number | boolean | null | JsonValue[] | { [k: string]: JsonValue };
export type JsonObject = { [k: string]: JsonValue };

/** A person, organisation, place, event, source or post. Facts about it are claims. */
export interface VRecord {
  id: string;
  type: RecordType;
  /** For people: `individual` or `group`; otherwise a term of KIND_VOCABULARY. */
  kind: string | null;
  status: RecordStatus;
  confidentiality: Confidentiality;
  /** Fictional demo data: always shown as such. */
  synthetic: boolean;
  mergedInto: string | null;
  /** Display labels derived from names (or given, for non-person records). */
  label: string;
  labelFa: string;
  labelPublic: string | null;
  labelPublicFa: string | null;
  parentId: string | null;
  placeId: string | null;
  /** For events their span, for sources their publication date, for organisations their founding. */
  date: FuzzyDate | null;
  data: JsonObject;
  version: number;
  createdAt: string;
  updatedAt: string;
  createdBy: string;
  updatedBy: string;
}

export interface Citation {
  sourceId: string;
  /** Page, paragraph, timestamp or row where the source says it. */
  locator: string | null;
  quote: string | null;
  /** Reliability of this piece of information (separate from the source's). */
  reliability: string | null;
  /** The source's connection to the information (witness, relative, …). */
  connection: string | null;
}

/** One sourced fact: (subject, property, value, date range) with confidence and confidentiality. */
export interface Claim {
  id: string;
  subjectId: string;
  property: string;
  term: string | null;
  value: JsonObject;
  valueText: string | null;
  lang: string | null;
  objectId: string | null;
  placeId: string | null;
  date: FuzzyDate | null;
  confidence: Confidence;
  confidentiality: Confidentiality;
  status: ClaimStatus;
  note: string | null;
  version: number;
  createdAt: string;
  updatedAt: string;
  createdBy: string;
  updatedBy: string;
  citations: Citation[];
}

/** What a caller gives to make a claim. */
export interface ClaimInput {
  property: string;
  term?: string | null;
  value?: JsonObject;
  lang?: string | null;
  objectId?: string | null;
  placeId?: string | null;
  /** A FuzzyDate, or text to parse (Jalali, Gregorian, approximate…). */
  date?: FuzzyDate | string | null;
  confidence: string;
  confidentiality: string;
  note?: string | null;
  citations: CitationInput[];
  /** Id to use (imports keep ids); otherwise a new one. */
  id?: string;
}

export interface CitationInput {
  sourceId: string;
  locator?: string | null;
  quote?: string | null;
  reliability?: string | null;
  connection?: string | null;
}

export interface RecordInput {
  type: string;
  kind?: string | null;
  status?: string;
  confidentiality?: string;
  synthetic?: boolean;
  /** Editorial labels for records other than people (people are named by name claims). */
  label?: string;
  labelFa?: string;
  parentId?: string | null;
  placeId?: string | null;
  date?: FuzzyDate | string | null;
  data?: JsonObject;
  /** Source text, for sources: indexed for full-text search. */
  text?: string | null;
  textLang?: string | null;
  claims?: ClaimInput[];
  id?: string;
}

export interface RecordPatch {
  kind?: string | null;
  status?: string;
  confidentiality?: string;
  label?: string;
  labelFa?: string;
  parentId?: string | null;
  placeId?: string | null;
  date?: FuzzyDate | string | null;
  data?: JsonObject;
  text?: string | null;
  textLang?: string | null;
}

export interface ClaimPatch {
  term?: string | null;
  value?: JsonObject;
  lang?: string | null;
  objectId?: string | null;
  placeId?: string | null;
  date?: FuzzyDate | string | null;
  confidence?: string;
  confidentiality?: string;
  note?: string | null;
  citations?: CitationInput[];
}
