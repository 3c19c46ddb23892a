import type { MemorialDb } from "../schema.ts";
import { publicClaims, publicRecord, referencedRecords, type PubClaim, type PubRef } from "./public-data.ts";

/** What a person's memorial page shows: public claims only, grouped for reading. */
export interface PublicPerson {
  person: PubRef;
  names: PubClaim[];
  /** Sex, birth, death, age, occupation, affiliation, residence, identifiers, count, descriptions, at risk. */
  facts: PubClaim[];
  /** What happened to them, in date order, each with who took part (public involvements). */
  acts: { act: PubClaim; involvements: PubClaim[]; charges: PubClaim[] }[];
  /** Posts and memberships (for officials: their career). */
  memberships: PubClaim[];
  statements: PubClaim[];
  /** This person's part in what was done to others. */
  involvements: { involvement: PubClaim; act: PubClaim }[];
  refs: Map<string, PubRef>;
  /** Every public source cited on the page, in order of first citation. */
  sources: string[];
  /** Whether they hold any public post or involvement claim: without one there is no career page to look for. */
  careerClaims: boolean;
}

const FACT_ORDER = ["sex", "birth", "age", "occupation", "affiliation", "residence", "identifier", "count", "death", "at_risk", "description"];
const TERMINAL = new Set(["execution", "death_in_custody", "enforced_disappearance"]);

/** Date order: by earliest date (undated last), then id. */
export const byDate = (a: { id: string; date: { earliest: string | null } | null }, b: { id: string; date: { earliest: string | null } | null }): number => {
  const x = a.date?.earliest ?? "9999";
  const y = b.date?.earliest ?? "9999";
  return x < y ? -1 : x > y ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
};

/** Orders sources by first citation on the page. */
export function citedSources(groups: PubClaim[][], refs: Map<string, PubRef>): string[] {
  const seen = new Set<string>();
  for (const list of groups) for (const c of list) for (const s of c.citations) if (s.sourceId && refs.has(s.sourceId)) seen.add(s.sourceId);
  return [...seen];
}

/** Presents a public person, or undefined when there is none by this id. */
export async function presentPerson(db: MemorialDb, id: string): Promise<PublicPerson | undefined> {
  const person = await publicRecord(db, id, ["person"]);
  if (!person) return undefined;
  const own = await publicClaims(db, { subjects: [id] });
  const actClaims = own.filter((c) => c.property === "act").sort(byDate);
  const onActs = actClaims.length ? await publicClaims(db, { objects: actClaims.map((a) => a.id), properties: ["involvement", "charge"] }) : [];
  const ownInvolvements = own.filter((c) => c.property === "involvement" && c.objectId);
  const theirActs = ownInvolvements.length ? await publicClaims(db, { ids: ownInvolvements.map((c) => c.objectId!), properties: ["act"] }) : [];
  const actById = new Map(theirActs.map((a) => [a.id, a]));
  const refs = await referencedRecords(db, [...own, ...onActs, ...theirActs], theirActs.map((a) => a.subjectId));
  // An involvement by someone not public, or in an act whose victim is not public, is not shown.
  const visibleOnActs = onActs.filter((c) => refs.has(c.subjectId));
  const involvements = ownInvolvements.flatMap((inv) => {
    const act = actById.get(inv.objectId!);
    return act && refs.has(act.subjectId) ? [{ involvement: inv, act }] : [];
  });
  const acts = actClaims.map((act) => ({
    act,
    involvements: visibleOnActs.filter((c) => c.property === "involvement" && c.objectId === act.id),
    charges: visibleOnActs.filter((c) => c.property === "charge" && c.objectId === act.id && c.subjectId === id),
  }));
  const facts = own.filter((c) => FACT_ORDER.includes(c.property)).sort((a, b) => FACT_ORDER.indexOf(a.property) - FACT_ORDER.indexOf(b.property) || byDate(a, b));
  const names = own.filter((c) => c.property === "name");
  const memberships = own.filter((c) => c.property === "membership").sort(byDate);
  const statements = own.filter((c) => c.property === "statement").sort(byDate);
  const unattachedCharges = own.filter((c) => c.property === "charge" && !c.objectId);
  return {
    person,
    names,
    facts: [...facts, ...unattachedCharges],
    acts,
    memberships,
    statements,
    involvements,
    refs,
    sources: citedSources([names, facts, unattachedCharges, ...acts.map((a) => [a.act, ...a.involvements, ...a.charges]), memberships, statements, ...involvements.map((i) => [i.involvement, i.act])], refs),
    careerClaims: memberships.length > 0 || ownInvolvements.length > 0,
  };
}

/** The act that sums up what happened (the last terminal act, else the latest act). */
export function summaryAct(p: PublicPerson): PubClaim | undefined {
  const acts = p.acts.map((a) => a.act);
  return [...acts].reverse().find((a) => a.term && TERMINAL.has(a.term)) ?? acts[acts.length - 1];
}
