import { sql } from "kysely";
import { dateFromColumns } from "../../records/index.ts";
import type { Store } from "../../store/index.ts";
import type { PublicFacetIndex } from "../facet-index.ts";
import type { PublicNameIndex } from "../name-index.ts";
import { memorialDb, type MemorialDb } from "../schema.ts";
import { FACETS, facetCounts, matchingPeople, type Facet, type FacetFilter, type ListedAct } from "./facets.ts";
import { PUBLIC_RECORD_COLUMNS, publicRecords, refFromRow, type ListedRecord, type PubRef } from "./public-data.ts";

export interface SearchParams {
  q: string;
  filter: FacetFilter;
  page: number;
}

export interface PersonHit {
  person: ListedRecord;
  /** The act that sums up what happened to them, when public. */
  act: ListedAct | null;
}

export interface SearchResult {
  people: PersonHit[];
  /** People matching (exact, or the size of the best-match window when `capped`). */
  total: number;
  /** The name search found more than it ranks; facets and totals cover the best CANDIDATE_CAP. */
  capped: boolean;
  /** Events, places, organisations and sources whose names match. */
  others: PubRef[];
  facets: Record<Facet, { value: string; n: number }[]>;
  /** Labels for facet values that are records (provinces, prisons) and hit places. */
  refs: Map<string, PubRef>;
  pageSize: number;
}

export const PAGE_SIZE = 25;
export const CANDIDATE_CAP = 200;

/** Reads a query string into search parameters, dropping anything unknown. */
export function parseSearchParams(query: Record<string, unknown>): SearchParams {
  const s = (v: unknown): string => (typeof v === "string" ? v : Array.isArray(v) && typeof v[0] === "string" ? v[0] : "").slice(0, 200).trim();
  const filter: FacetFilter = {};
  for (const f of FACETS) {
    const v = s(query[f]);
    if (v && /^[\p{L}\p{N}_-]{1,80}$/u.test(v)) filter[f] = v;
  }
  const page = Math.min(Math.max(Number.parseInt(s(query.page) || "1", 10) || 1, 1), 10_000) - 1;
  return { q: s(query.q), filter, page };
}

/**
 * What the memorial holds in memory for its search: public names, and the
 * facets of public people. The people's name index and the facet index share
 * their record numbers (public-renderer.tsx makes them so).
 */
export interface SearchIndexes {
  people: PublicNameIndex;
  others: PublicNameIndex;
  facets: PublicFacetIndex;
}

/**
 * Public search: names in either script through the memorial's in-memory
 * index of public names (name-index.ts), refined and counted by the facets
 * held in memory beside it (facet-index.ts) with what a result shows of each
 * person: labels and summary act. Both hold public entries only, as of the
 * last change the memorial noticed. With no name, facets browse everyone in
 * name order, from the database.
 */
export async function searchMemorial(store: Store, params: SearchParams, indexes: SearchIndexes): Promise<SearchResult> {
  const db = memorialDb(store.db);
  let people: ListedRecord[] = [];
  let total = 0;
  let capped = false;
  let others: PubRef[] = [];
  let facets: SearchResult["facets"];
  /** The people shown, by record number, when found by name. */
  let shown: number[] | undefined;
  if (params.q) {
    if (indexes.people.numbers !== indexes.facets.numbers) throw new Error("the name and facet indexes must number records alike (searchIndexes)");
    const found = await indexes.people.searchNumbers(params.q, CANDIDATE_CAP);
    capped = found.total > CANDIDATE_CAP;
    const ordered = await indexes.facets.filterOf(found.numbers, params.filter);
    total = ordered.length;
    shown = ordered.slice(params.page * PAGE_SIZE, (params.page + 1) * PAGE_SIZE);
    people = await indexes.facets.listedOf(shown);
    facets = await indexes.facets.countsOf(ordered);
    if (params.page === 0) {
      const hits = (await indexes.others.search(params.q, 20)).hits;
      const found = await publicRecords(db, hits.map((h) => h.id));
      others = hits.flatMap((h) => (found.has(h.id) ? [found.get(h.id)!] : []));
    }
  } else {
    const base = matchingPeople(db, params.filter);
    const count = await base.select(sql<number>`count(*)`.as("n")).executeTakeFirst();
    total = Number(count?.n ?? 0);
    const rows = await base
      .select(PUBLIC_RECORD_COLUMNS)
      .orderBy(sql`coalesce(label_public, label_public_fa)`)
      .orderBy("id")
      .limit(PAGE_SIZE)
      .offset(params.page * PAGE_SIZE)
      .execute();
    people = rows.map(refFromRow);
    facets = await facetCounts(db, { filter: params.filter });
  }
  const lastAct = await indexes.facets.summariesOf(shown ?? (await indexes.facets.numbersOf(people.map((p) => p.id))));
  const refIds = new Set<string>([...facets.province.map((f) => f.value), ...facets.prison.map((f) => f.value), ...[...lastAct.values()].flatMap((a) => (a.placeId ? [a.placeId] : []))]);
  const refs = await indexes.facets.placesOf(refIds);
  // A facet value that is no longer a public place is not offered.
  facets.province = facets.province.filter((f) => refs.has(f.value));
  facets.prison = facets.prison.filter((f) => refs.has(f.value));
  return { people: people.map((p) => ({ person: p, act: lastAct.get(p.id) ?? null })), total, capped, others, facets, refs, pageSize: PAGE_SIZE };
}

/** Summaries (the act that sums up what happened, derived with the facets) for a list of people, for listings. */
export async function personSummaries(db: MemorialDb, people: PubRef[]): Promise<{ acts: Map<string, ListedAct>; refs: Map<string, PubRef> }> {
  const acts = new Map<string, ListedAct>();
  for (let i = 0; i < people.length; i += 400) {
    const chunk = people.slice(i, i + 400).map((p) => p.id);
    const rows = await db.selectFrom("memorial_summaries").selectAll().where("person_id", "in", chunk).execute();
    for (const r of rows) acts.set(r.person_id, { term: r.term, date: dateFromColumns(r), placeId: r.place_id });
  }
  const refs = await publicRecords(db, [...acts.values()].flatMap((a) => (a.placeId ? [a.placeId] : [])));
  return { acts, refs };
}
