import { sql } from "kysely";
import type { MemorialDb } from "../schema.ts";

/**
 * Search facets of public people, derived from public claims of public
 * records only: years of their acts, the provinces and prisons where acts
 * took place (a place counts for every public place it lies in), charges,
 * age at the time and sex. Kept in `memorial_facets` and refreshed from the
 * change log, so filtering 100,000 people is an index lookup.
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

/** Facet rows for these people (only public people get any). */
export async function facetRows(db: MemorialDb, personIds: string[], tree: Map<string, PlaceNode>): Promise<{ person_id: string; facet: string; value: string }[]> {
  const out: { person_id: string; facet: string; value: string }[] = [];
  for (let i = 0; i < personIds.length; i += 500) {
    const chunk = personIds.slice(i, i + 500);
    const rows = await db
      .selectFrom("claims")
      .innerJoin("records as s", "s.id", "claims.subject_id")
      .select(["claims.subject_id", "claims.property", "claims.term", "claims.value", "claims.place_id", "claims.date_earliest", "claims.date_latest"])
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
    for (const r of rows) {
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
  }
  return out;
}

/** Replaces the facets of these people (or of everyone) in one transaction. */
export async function refreshFacets(db: MemorialDb, personIds: string[] | "all"): Promise<number> {
  const tree = await placeTree(db);
  if (personIds === "all") {
    await db.deleteFrom("memorial_facets").execute();
    let after = "";
    let n = 0;
    for (;;) {
      const batch = await db.selectFrom("records").select("id").where("type", "=", "person").where("status", "=", "published").where("confidentiality", "=", "public").where("id", ">", after).orderBy("id").limit(2000).execute();
      if (!batch.length) break;
      after = batch[batch.length - 1]!.id;
      const rows = await facetRows(db, batch.map((b) => b.id), tree);
      for (let i = 0; i < rows.length; i += 300) await db.insertInto("memorial_facets").values(rows.slice(i, i + 300)).execute();
      n += rows.length;
    }
    return n;
  }
  let n = 0;
  for (let i = 0; i < personIds.length; i += 500) {
    const chunk = personIds.slice(i, i + 500);
    await db.deleteFrom("memorial_facets").where("person_id", "in", chunk).execute();
    const rows = await facetRows(db, chunk, tree);
    for (let j = 0; j < rows.length; j += 300) await db.insertInto("memorial_facets").values(rows.slice(j, j + 300)).execute();
    n += rows.length;
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
