import type { Claim, VRecord } from "../records/index.ts";
import type { DossierData } from "./dossier-data.ts";
import type { EvidenceEntry } from "./evidence.ts";

export const DOSSIER_FORMAT = "vigil-dossier/1";

function recordOut(r: VRecord, d: DossierData): Record<string, unknown> {
  const ref = d.refs.get(r.id);
  return {
    id: r.id,
    type: r.type,
    kind: r.kind,
    status: r.status,
    confidentiality: r.confidentiality,
    synthetic: r.synthetic,
    label: ref?.label ?? "",
    label_fa: ref?.labelFa ?? "",
    ...(r.parentId && d.records.has(r.parentId) ? { parent_id: r.parentId } : {}),
    ...(r.placeId && d.records.has(r.placeId) ? { place_id: r.placeId } : {}),
    date: r.date,
    // People carry nothing in data; other records' data shares their confidentiality.
    data: r.type === "person" ? {} : r.data,
  };
}

function claimOut(c: Claim): Record<string, unknown> {
  return {
    id: c.id,
    subject_id: c.subjectId,
    property: c.property,
    term: c.term,
    value: c.value,
    object_id: c.objectId,
    place_id: c.placeId,
    date: c.date,
    confidence: c.confidence,
    confidentiality: c.confidentiality,
    note: c.note,
    version: c.version,
    citations: c.citations.map((s) => ({ source_id: s.sourceId, locator: s.locator, quote: s.quote, reliability: s.reliability, connection: s.connection })),
  };
}

/**
 * The dossier's records as JSON (docs/accountability.md): every record and
 * claim it rests on, the command links, contradictions and single-source
 * claims, and the evidence index. Sorted, so the same contents give the same bytes.
 */
export function dossierJson(d: DossierData, evidence: EvidenceEntry[]): string {
  const byId = <T extends { id: string }>(a: T, b: T): number => a.id.localeCompare(b.id);
  const doc = {
    format: DOSSIER_FORMAT,
    id: d.id,
    profile: d.profile,
    lang: d.lang,
    built_at: d.builtAt,
    built_by: d.builtBy,
    kind: d.kind,
    subject_id: d.subject.id,
    synthetic: d.synthetic,
    withheld_claims: d.withheld,
    records: [...d.records.values()].sort(byId).map((r) => recordOut(r, d)),
    claims: [...d.claims.values()].sort(byId).map(claimOut),
    later_postings: d.career?.laterPostingIds ?? [],
    command_chain: d.chain
      ? { at: d.chain.at, focus_id: d.chain.focus.id, links: d.chain.links.map((l) => ({ superior_id: l.superior, subordinate_id: l.subordinate, via: l.via, holds: l.holds, basis: l.basis, sources: l.sources })) }
      : null,
    contradictions: d.contradictions.map((x) => ({ kind: x.kind, subject_id: x.subjectId, property: x.property, claim_ids: x.claimIds, reason: x.reason })),
    single_source_claims: d.single.map((c) => c.id).sort(),
    evidence: evidence.map((e) => ({ item_id: e.item.id, title: e.item.title ?? null, source_ids: e.sourceIds, original: e.item.original, derived: e.item.derived, custody: e.custody.map((c) => ({ log_index: c.index, ...c.event })) })),
  };
  return JSON.stringify(doc, null, 1) + "\n";
}
