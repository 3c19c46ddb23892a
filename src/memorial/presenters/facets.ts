import { sql } from "kysely";
import type { FuzzyDate } from "../../core/dates.ts";
import type { MemorialDb, MemorialSummariesTable } from "../schema.ts";
import { byDate } from "./person.ts";

/**
 * Search facets of public people, derived from public claims of public
 * records only: years of their acts, the provinces and prisons where acts
 * took place (a place counts for every public place it lies in), charges,
 * age at the time and sex. Kept in `memorial_facets` and refreshed from the
 * change log, so filtering 100,000 people is an index lookup. Beside them,
 * in `memorial_summaries`, the act that sums up each public person's story
 * for listings: the last of their public acts of a listed kind, in date order.
 */
export const FACETS = ["year", "province", "prison", "charge", "age", "sex"] as const;
export type Facet = (typeof FACETS)[number];

/** Age bands: what a reader asks ("was he a minor?") rather than every number. */
export const AGE_BANDS = ["under18", "18to25", "26to35", "36to50", "over50"] as const;
export function ageBand(age: number): (typeof AGE_BANDS)[number] {
  if (age < 18) return "under18";
  if (age <= 25) return "18to25";
  if (age <= 35) return "26to35";
  if (age <= 50) return "36to50";
  return "over50";
}

const PRISON_KINDS = new Set(["prison", "detention_centre"]);

/** The act that sums up a person's story in a listing: its kind, its date, and its place when public. */
export interface ListedAct {
  term: string | null;
  date: FuzzyDate | null;
  placeId: string | null;
}

/** Kinds of act that sum up a person's story in a listing, the last one in date order. */
export const LISTED_ACTS: readonly string[] = ["execution", "death_in_custody", "enforced_disappearance", "death_sentence", "sentence_upheld", "transfer_solitary"];

interface PlaceNode {
  kind: string | null;
  parents: string[];
}

/** Public places with their public parents (record parent and public `located_in` claims). */
export async function placeTree(db: MemorialDb): Promise<Map<string, PlaceNode>> {
  const rows = await db.selectFrom("records").select(["id", "kind", "parent_id"]).where("type", "=", "place").where("status", "=", "published").where("confidentiality", "=", "public").execute();
  const tree = new Map<string, PlaceNode>(rows.map((r) => [r.id, { kind: r.kind, parents: r.parent_id ? [r.parent_id] : [] }]));
  const located = await db
    .selectFrom("claims")
    .select(["subject_id", "object_id"])
    .where("property", "=", "located_in")
    .where("status", "=", "active")
    .where("confidentiality", "=", "public")
    .execute();
  for (const l of located) if (l.object_id && tree.has(l.subject_id) && tree.has(l.object_id)) tree.get(l.subject_id)!.parents.push(l.object_id);
  for (const node of tree.values()) node.parents = node.parents.filter((p) => tree.has(p));
  return tree;
}

/** A place and every public place it lies in. */
export function placeAndAncestors(tree: Map<string, PlaceNode>, id: string): string[] {
  const out: string[] = [];
  const queue = [id];
  while (queue.length && out.length < 32) {
    const p = queue.shift()!;
    if (out.includes(p) || !tree.has(p)) continue;
    out.push(p);
    queue.push(...tree.get(p)!.parents);
  }
  return out;
}

type FacetRow = { person_id: string; facet: string; value: string };

/** Facet rows and summaries for these people (only public people get any). */
export async function facetRows(db: MemorialDb, personIds: string[], tree: Map<string, PlaceNode>): Promise<{ facets: FacetRow[]; summaries: MemorialSummariesTable[] }> {
  const out: FacetRow[] = [];
  const summaries: MemorialSummariesTable[] = [];
  for (let i = 0; i < personIds.length; i += 500) {
    const chunk = personIds.slice(i, i + 500);
    const rows = await db
      .selectFrom("claims")
      .innerJoin("records as s", "s.id", "claims.subject_id")
      .select(["claims.id", "claims.subject_id", "claims.property", "claims.term", "claims.value", "claims.place_id", "claims.date_text", "claims.date_calendar", "claims.date_precision", "claims.date_value", "claims.date_earliest", "claims.date_latest"])
      .where("claims.subject_id", "in", chunk)
      .where("claims.property", "in", ["act", "charge", "age", "sex"])
      .where("claims.status", "=", "active")
      .where("claims.confidentiality", "=", "public")
      .where("s.type", "=", "person")
      .where("s.status", "=", "published")
      .where("s.confidentiality", "=", "public")
      .execute();
    const seen = new Set<string>();
    const add = (person: string, facet: Facet, value: string): void => {
      const k = `${person}|${facet}|${value}`;
      if (seen.has(k)) return;
      seen.add(k);
      out.push({ person_id: person, facet, value });
    };
    const listed = new Map<string, (typeof rows)[number]>();
    // The same order as a person's page: by earliest date (undated last), then id.
    const later = (a: (typeof rows)[number], b: (typeof rows)[number]): boolean => byDate({ id: a.id, date: a.date_earliest ? { earliest: a.date_earliest } : null }, { id: b.id, date: b.date_earliest ? { earliest: b.date_earliest } : null }) > 0;
    for (const r of rows) {
      if (r.property === "act" && r.term && LISTED_ACTS.includes(r.term)) {
        const prev = listed.get(r.subject_id);
        if (!prev || later(r, prev)) listed.set(r.subject_id, r);
      }
      let value: Record<string, unknown> = {};
      try {
        value = JSON.parse(r.value) as Record<string, unknown>;
      } catch {
        value = {};
      }
      if (r.property === "sex" && r.term) add(r.subject_id, "sex", r.term);
      if (r.property === "charge" && r.term) add(r.subject_id, "charge", r.term);
      if (r.property === "age" && typeof value.age === "number") add(r.subject_id, "age", ageBand(value.age));
      if (r.property !== "act") continue;
      if (Array.isArray(value.charges)) for (const c of value.charges) if (typeof c === "string") add(r.subject_id, "charge", c);
      // A date spanning more than two years says little about "when": it gives no year.
      if (r.date_earliest && r.date_latest && Number(r.date_latest.slice(0, 4)) - Number(r.date_earliest.slice(0, 4)) <= 1) add(r.subject_id, "year", r.date_earliest.slice(0, 4));
      if (r.place_id && tree.has(r.place_id)) {
        for (const p of placeAndAncestors(tree, r.place_id)) {
          const kind = tree.get(p)!.kind ?? "";
          if (kind === "province") add(r.subject_id, "province", p);
          if (PRISON_KINDS.has(kind)) add(r.subject_id, "prison", p);
        }
      }
    }
    for (const [person, a] of listed) {
      summaries.push({
        person_id: person,
        term: a.term!,
        // A place that is not public is not named.
        place_id: a.place_id && tree.has(a.place_id) ? a.place_id : null,
        date_text: a.date_text,
        date_calendar: a.date_calendar,
        date_precision: a.date_precision,
        date_value: a.date_value,
        date_earliest: a.date_earliest,
        date_latest: a.date_latest,
      });
    }
  }
  return { facets: out, summaries };
}

async function insertDerived(db: MemorialDb, rows: { facets: FacetRow[]; summaries: MemorialSummariesTable[] }): Promise<void> {
  for (let i = 0; i < rows.facets.length; i += 300) await db.insertInto("memorial_facets").values(rows.facets.slice(i, i + 300)).execute();
  for (let i = 0; i < rows.summaries.length; i += 100) await db.insertInto("memorial_summaries").values(rows.summaries.slice(i, i + 100)).execute();
}

/** Replaces the facets and summaries of these people (or of everyone); the caller holds the transaction. */
export async function refreshFacets(db: MemorialDb, personIds: string[] | "all"): Promise<number> {
  const tree = await placeTree(db);
  if (personIds === "all") {
    await db.deleteFrom("memorial_facets").execute();
    await db.deleteFrom("memorial_summaries").execute();
    let after = "";
    let n = 0;
    for (;;) {
      const batch = await db.selectFrom("records").select("id").where("type", "=", "person").where("status", "=", "published").where("confidentiality", "=", "public").where("id", ">", after).orderBy("id").limit(2000).execute();
      if (!batch.length) break;
      after = batch[batch.length - 1]!.id;
      const rows = await facetRows(db, batch.map((b) => b.id), tree);
      await insertDerived(db, rows);
      n += rows.facets.length;
    }
    return n;
  }
  let n = 0;
  for (let i = 0; i < personIds.length; i += 500) {
    const chunk = personIds.slice(i, i + 500);
    await db.deleteFrom("memorial_facets").where("person_id", "in", chunk).execute();
    await db.deleteFrom("memorial_summaries").where("person_id", "in", chunk).execute();
    const rows = await facetRows(db, chunk, tree);
    await insertDerived(db, rows);
    n += rows.facets.length;
  }
  return n;
}

export type FacetFilter = Partial<Record<Facet, string>>;

/** Facet counts over a set of people (ids), or over everyone matching the filter. */
export async function facetCounts(db: MemorialDb, scope: { ids: string[] } | { filter: FacetFilter }): Promise<Record<Facet, { value: string; n: number }[]>> {
  let q = db.selectFrom("memorial_facets").select(["facet", "value", sql<number>`count(*)`.as("n")]);
  if ("ids" in scope) {
    if (!scope.ids.length) return emptyCounts();
    q = q.where("person_id", "in", scope.ids);
  } else {
    for (const [facet, value] of Object.entries(scope.filter)) {
      if (!value) continue;
      q = q.where("person_id", "in", db.selectFrom("memorial_facets as f").select("f.person_id").where("f.facet", "=", facet).where("f.value", "=", value));
    }
  }
  const rows = await q.groupBy(["facet", "value"]).execute();
  const out = emptyCounts();
  for (const r of rows) if ((FACETS as readonly string[]).includes(r.facet)) out[r.facet as Facet].push({ value: r.value, n: Number(r.n) });
  return sortFacetCounts(out);
}

/** Facet values as the search page lists them: years and ages in order, the rest most frequent first. */
export function sortFacetCounts(out: Record<Facet, { value: string; n: number }[]>): Record<Facet, { value: string; n: number }[]> {
  for (const f of FACETS) out[f].sort((a, b) => (f === "year" || f === "age" ? order(f, a.value) - order(f, b.value) : b.n - a.n || a.value.localeCompare(b.value)));
  return out;
}

function order(f: Facet, v: string): number {
  return f === "age" ? AGE_BANDS.indexOf(v as (typeof AGE_BANDS)[number]) : Number(v);
}

function emptyCounts(): Record<Facet, { value: string; n: number }[]> {
  return { year: [], province: [], prison: [], charge: [], age: [], sex: [] };
}

/** People matching every facet of a filter (a subquery per facet). */
export function matchingPeople(db: MemorialDb, filter: FacetFilter) {
  let q = db.selectFrom("records").where("type", "=", "person").where("status", "=", "published").where("confidentiality", "=", "public");
  for (const [facet, value] of Object.entries(filter)) {
    if (!value) continue;
    q = q.where("id", "in", db.selectFrom("memorial_facets as f").select("f.person_id").where("f.facet", "=", facet).where("f.value", "=", value));
  }
  return q;
}
