import { mayOverlap } from "../core/dates.ts";
import type { Claim, VRecord } from "../records/index.ts";
import type { Contradiction, Posting } from "./model.ts";

/** Acts that happen to a person once: two claims of one of these with different dates or places disagree. */
const ONCE: ReadonlySet<string> = new Set(["execution", "death_in_custody"]);

/** Distinct sources a claim cites. */
export function sourceCount(c: Claim): number {
  return new Set(c.citations.map((s) => s.sourceId)).size;
}

/** Claims that rest on a single source: listed so a reader can weigh them. */
export function singleSource(claims: Claim[]): Claim[] {
  return claims.filter((c) => sourceCount(c) === 1);
}

function pairs<T>(list: T[]): [T, T][] {
  const out: [T, T][] = [];
  for (let i = 0; i < list.length; i++) for (let j = i + 1; j < list.length; j++) out.push([list[i]!, list[j]!]);
  return out;
}

function group(claims: Claim[], key: (c: Claim) => string | null): Map<string, Claim[]> {
  const out = new Map<string, Claim[]>();
  for (const c of claims) {
    const k = key(c);
    if (k !== null) out.set(k, [...(out.get(k) ?? []), c]);
  }
  return out;
}

const describe = (c: Claim): string => `${c.id} (${c.date?.text || "undated"}${c.valueText ? `, ${c.valueText}` : ""})`;

/**
 * Disagreements between claims about one subject, and claims marked
 * disputed. Two sources that disagree are two claims; this names each pair,
 * with the reason, so that neither is silently preferred.
 */
export function contradictions(claims: Claim[]): Contradiction[] {
  const out: Contradiction[] = [];
  for (const c of claims) if (c.confidence === "disputed") out.push({ kind: "disputed", subjectId: c.subjectId, property: c.property, claimIds: [c.id], reason: `marked disputed${c.note ? `: ${c.note}` : ""}` });
  const active = claims.filter((c) => c.status === "active");
  for (const [, list] of group(active, (c) => (c.property === "sex" ? c.subjectId : null))) {
    const terms = [...new Set(list.map((c) => c.term))];
    if (terms.length > 1) out.push({ kind: "conflicting_values", subjectId: list[0]!.subjectId, property: "sex", claimIds: list.map((c) => c.id), reason: `sources give different values: ${terms.join(", ")}` });
  }
  for (const [, list] of group(active, (c) => (c.property === "birth" || c.property === "death" ? `${c.subjectId}|${c.property}` : null))) {
    for (const [a, b] of pairs(list)) {
      if (a.date && b.date && !mayOverlap(a.date, b.date)) out.push({ kind: "conflicting_dates", subjectId: a.subjectId, property: a.property, claimIds: [a.id, b.id], reason: `different dates: ${describe(a)} and ${describe(b)}` });
      else if (a.placeId && b.placeId && a.placeId !== b.placeId) out.push({ kind: "conflicting_places", subjectId: a.subjectId, property: a.property, claimIds: [a.id, b.id], reason: `different places: ${a.placeId} and ${b.placeId}` });
    }
  }
  for (const [, list] of group(active, (c) => (c.property === "age" ? c.subjectId : null))) {
    for (const [a, b] of pairs(list)) {
      const sameTime = (!a.date && !b.date) || (a.date && b.date && mayOverlap(a.date, b.date));
      if (sameTime && a.value.age !== b.value.age) out.push({ kind: "conflicting_values", subjectId: a.subjectId, property: "age", claimIds: [a.id, b.id], reason: `different ages at the same time: ${describe(a)} and ${describe(b)}` });
    }
  }
  for (const [, list] of group(active, (c) => (c.property === "act" && c.term && ONCE.has(c.term) ? `${c.subjectId}|${c.term}` : null))) {
    for (const [a, b] of pairs(list)) {
      if (a.date && b.date && !mayOverlap(a.date, b.date)) out.push({ kind: "conflicting_dates", subjectId: a.subjectId, property: `act:${a.term ?? ""}`, claimIds: [a.id, b.id], reason: `the same act on different dates: ${describe(a)} and ${describe(b)}` });
      else if (a.placeId && b.placeId && a.placeId !== b.placeId) out.push({ kind: "conflicting_places", subjectId: a.subjectId, property: `act:${a.term ?? ""}`, claimIds: [a.id, b.id], reason: `the same act at different places: ${a.placeId} and ${b.placeId}` });
    }
  }
  return out;
}

/** Postings dated outside their organisation's own existence (founded after the post ended, dissolved before it began). */
export function postingsOutsideOrganisation(postings: Posting[], organisations: Map<string, VRecord>): Contradiction[] {
  const out: Contradiction[] = [];
  for (const p of postings) {
    const org = p.organisation ? organisations.get(p.organisation.id) : undefined;
    if (!org || p.span.from === null || p.span.to === null) continue;
    const founded = org.date?.earliest ?? null;
    const dissolved = typeof org.data.dissolved === "object" && org.data.dissolved !== null && !Array.isArray(org.data.dissolved) && typeof org.data.dissolved.latest === "string" ? org.data.dissolved.latest : null;
    if (founded && p.span.to < founded) out.push({ kind: "outside_organisation_dates", subjectId: p.claim.subjectId, property: "membership", claimIds: [p.claim.id], reason: `the post ends (${p.span.to}) before ${org.id} was founded (${founded})` });
    if (dissolved && p.span.from > dissolved) out.push({ kind: "outside_organisation_dates", subjectId: p.claim.subjectId, property: "membership", claimIds: [p.claim.id], reason: `the post starts (${p.span.from}) after ${org.id} was dissolved (${dissolved})` });
  }
  return out;
}
