import { mayRead } from "../accounts/index.ts";
import type { Actor } from "../core/context.ts";
import type { Claim, Confidentiality, VRecord } from "../records/index.ts";

/**
 * What a reader may see: which records may be named, which claims shown.
 * Every view in this capability is built through one lens, so a page, an
 * export and a dossier for the same reader show the same things.
 */
export interface Lens {
  name: string;
  /** Confidentiality levels this lens admits at most. */
  levels: readonly Confidentiality[];
  /** May the record be shown and named? */
  record(r: VRecord): boolean;
  /** May the claim be shown (its subject already admitted)? */
  claim(c: Claim, subject: VRecord): boolean;
  /** The record's name for this reader, in a language (empty when it has none this reader may see). */
  label(r: VRecord, lang: "en" | "fa"): string;
}

const staffLabel = (r: VRecord, lang: "en" | "fa"): string => (lang === "fa" ? r.labelFa || r.label : r.label || r.labelFa);
const publicLabel = (r: VRecord, lang: "en" | "fa"): string => (lang === "fa" ? (r.labelPublicFa ?? r.labelPublic ?? "") : (r.labelPublic ?? r.labelPublicFa ?? ""));

/** The memorial's rule: public claims of published, public records; nothing else exists. */
export const PUBLIC_LENS: Lens = {
  name: "public",
  levels: ["public"],
  record: (r) => r.status === "published" && r.confidentiality === "public",
  claim: (c, subject) => c.status === "active" && c.confidentiality === "public" && subject.status === "published" && subject.confidentiality === "public",
  label: publicLabel,
};

/** A staff member's view: whatever their role and grants let them read. */
export function staffLens(actor: Actor): Lens {
  return {
    name: "staff",
    levels: actor.role === "system" || actor.restrictedByRole ? ["public", "staff", "restricted"] : ["public", "staff"],
    record: (r) => r.status !== "merged" && mayRead(actor, r.confidentiality, [r.id]),
    claim: (c, subject) => c.status === "active" && mayRead(actor, c.confidentiality, [c.id, subject.id]),
    label: staffLabel,
  };
}

/**
 * A lens that admits at most the given levels, and within them only what
 * the actor may read. Drafts are admitted unless `publishedOnly`.
 */
export function levelLens(name: string, actor: Actor, levels: readonly Confidentiality[], publishedOnly = false): Lens {
  if (publishedOnly && levels.length === 1 && levels[0] === "public") return { ...PUBLIC_LENS, name };
  const staff = staffLens(actor);
  return {
    name,
    levels,
    record: (r) => levels.includes(r.confidentiality) && staff.record(r) && (!publishedOnly || r.status === "published"),
    claim: (c, subject) => levels.includes(c.confidentiality) && staff.claim(c, subject),
    label: staffLabel,
  };
}
