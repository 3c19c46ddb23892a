import { sql } from "kysely";
import { PUBLIC_ACT_STATUS, publicRisk, publicWatchlist, RISK_RANK, type PublicRisk, type PublicWatchEntry } from "../../monitor/public.ts";
import type { RecordType } from "../../records/index.ts";
import type { MemorialDb } from "../schema.ts";
import { byDate, citedSources } from "./person.ts";
import { PUBLIC_RECORD_COLUMNS, publicClaims, publicRecord, publicRecords, referencedRecords, refFromRow, type PubClaim, type PubRef } from "./public-data.ts";

/** Listings of public records: home page, indexes, statements, prisoners at risk, sources. */

const publicOf = (db: MemorialDb, type: RecordType) =>
  db.selectFrom("records").where("type", "=", type).where("status", "=", "published").where("confidentiality", "=", "public");

/** Numbers of public records by type. */
export async function publicCounts(db: MemorialDb): Promise<Record<string, number>> {
  const rows = await db
    .selectFrom("records")
    .select(["type", sql<number>`count(*)`.as("n")])
    .where("status", "=", "published")
    .where("confidentiality", "=", "public")
    .groupBy("type")
    .execute();
  return Object.fromEntries(rows.map((r) => [r.type, Number(r.n)]));
}

/** Public records of a type, most recently added or changed first. */
export async function recentRecords(db: MemorialDb, type: RecordType, limit: number): Promise<PubRef[]> {
  const rows = await publicOf(db, type).select(PUBLIC_RECORD_COLUMNS).orderBy("updated_at", "desc").orderBy("id", "desc").limit(limit).execute();
  return rows.map(refFromRow);
}

/** Every public record of a type (for indexes, the map and the static mirror), in label order. */
export async function allRecords(db: MemorialDb, type: RecordType): Promise<PubRef[]> {
  const rows = await publicOf(db, type).select(PUBLIC_RECORD_COLUMNS).execute();
  const refs = rows.map(refFromRow);
  await fixLinks(db, refs);
  return refs;
}

/** Ids of every public record of a type, in batches (the static mirror walks 100,000 people this way). */
export async function* publicIdBatches(db: MemorialDb, type: RecordType, size = 1000): AsyncGenerator<string[]> {
  let after = "";
  for (;;) {
    const rows = await publicOf(db, type).select("id").where("id", ">", after).orderBy("id").limit(size).execute();
    if (!rows.length) return;
    yield rows.map((r) => r.id);
    after = rows[rows.length - 1]!.id;
  }
}

async function fixLinks(db: MemorialDb, refs: PubRef[]): Promise<void> {
  const ids = new Set(refs.map((r) => r.id));
  const outside = refs.flatMap((r) => [r.parentId, r.placeId]).filter((x): x is string => Boolean(x) && !ids.has(x!));
  const ok = outside.length ? await publicRecords(db, outside) : new Map<string, PubRef>();
  for (const r of refs) {
    if (r.parentId && !ids.has(r.parentId) && !ok.has(r.parentId)) r.parentId = null;
    if (r.placeId && !ids.has(r.placeId) && !ok.has(r.placeId)) r.placeId = null;
  }
}

/** Places with their public coordinates, for the map. */
export async function mappedPlaces(db: MemorialDb): Promise<{ place: PubRef; lat: number; lon: number }[]> {
  const places = await allRecords(db, "place");
  if (!places.length) return [];
  const coords = await publicClaims(db, { subjects: places.map((p) => p.id), properties: ["coordinates"] });
  const byPlace = new Map<string, PubClaim>();
  for (const c of coords) if (c.coordinates && !byPlace.has(c.subjectId)) byPlace.set(c.subjectId, c);
  return places.flatMap((p) => {
    const c = byPlace.get(p.id)?.coordinates;
    return c ? [{ place: p, lat: c.lat, lon: c.lon }] : [];
  });
}

/** Statements by officials and institutions, and public-statement events. */
export interface PublicStatements {
  statements: PubClaim[];
  events: PubRef[];
  refs: Map<string, PubRef>;
  sources: string[];
}

export async function presentStatements(db: MemorialDb): Promise<PublicStatements> {
  const speakers = await db
    .selectFrom("claims")
    .select("subject_id")
    .distinct()
    .where("property", "=", "statement")
    .where("status", "=", "active")
    .where("confidentiality", "=", "public")
    .execute();
  const statements = (await publicClaims(db, { subjects: speakers.map((s) => s.subject_id), properties: ["statement"] })).sort(byDate);
  const events = (await allRecords(db, "event")).filter((e) => e.kind === "public_statement");
  const refs = await referencedRecords(db, statements, events.map((e) => e.id));
  return { statements: statements.filter((s) => refs.has(s.subjectId)), events, refs, sources: citedSources([statements], refs) };
}

/** Act types after which a prisoner is in danger now. */
export const AT_RISK_ACTS = ["death_sentence", "sentence_upheld", "transfer_solitary"] as const;

/** How urgent, from public facts: the monitoring watchlist's scale. */
export type AtRiskLevel = Exclude<PublicRisk, "ended">;

export interface AtRiskEntry {
  person: PubRef;
  risk: AtRiskLevel;
  /** The latest public act (for people on the monitoring watchlist, whatever it is; for others, when it puts them at risk). */
  act: PubClaim | null;
  /** Public "at risk" claims. */
  notes: PubClaim[];
}

/** Act types the watchlist reads as steps of a prisoner's path. */
const STEP_ACTS = Object.keys(PUBLIC_ACT_STATUS);

/**
 * Prisoners at risk now, most urgent first. The monitoring watchlist decides
 * who of the people it follows is listed (`publicWatchlist`: published,
 * public people with public acts or at-risk claims, never the watchlist's
 * own steps); the facts shown are read again here through the memorial's
 * gate, with their sources. People not on the watchlist are listed from
 * their records: a latest public act that is a death sentence, a sentence
 * upheld or a transfer to solitary confinement, or a public "at risk" claim.
 */
export async function presentAtRisk(db: MemorialDb): Promise<{ entries: AtRiskEntry[]; refs: Map<string, PubRef>; sources: string[] }> {
  const watched = await publicWatchlist(db, { includeEnded: true });
  const watchedIds = new Set(watched.map((w) => w.personId));
  // Everyone watched is decided by the watchlist, also those whose path has ended (executed, released): they are not listed again from records.
  const followed = watched.filter((w): w is PublicWatchEntry & { risk: AtRiskLevel } => w.risk !== "ended");
  const candidates = await db
    .selectFrom("claims")
    .select("subject_id")
    .distinct()
    .where((eb) => eb.or([eb.and([eb("property", "=", "act"), eb("term", "in", AT_RISK_ACTS)]), eb("property", "=", "at_risk")]))
    .where("status", "=", "active")
    .where("confidentiality", "=", "public")
    .execute();
  const others = candidates.map((c) => c.subject_id).filter((id) => !watchedIds.has(id));
  const ids = [...followed.map((w) => w.personId), ...others];
  if (!ids.length) return { entries: [], refs: new Map(), sources: [] };
  const claims = await publicClaims(db, { subjects: ids, properties: ["act", "at_risk"] });
  const people = await publicRecords(db, ids);
  const entries: AtRiskEntry[] = [];
  const mineOf = (id: string) => {
    const mine = claims.filter((c) => c.subjectId === id);
    return { acts: mine.filter((c) => c.property === "act").sort(byDate), notes: mine.filter((c) => c.property === "at_risk") };
  };
  for (const w of followed) {
    const person = people.get(w.personId);
    if (person?.type !== "person") continue;
    const { acts, notes } = mineOf(person.id);
    const steps = acts.filter((a) => a.term && STEP_ACTS.includes(a.term));
    // As on the watchlist, nothing after an execution replaces it.
    const act = steps.find((a) => a.term === "execution") ?? steps[steps.length - 1] ?? null;
    if (act || notes.length) entries.push({ person, risk: w.risk, act, notes });
  }
  for (const id of others) {
    const person = people.get(id);
    if (person?.type !== "person") continue;
    const { acts, notes } = mineOf(id);
    const last = acts[acts.length - 1];
    const act = last?.term && (AT_RISK_ACTS as readonly string[]).includes(last.term) ? last : null;
    if (!act && !notes.length) continue;
    const risk = publicRisk(act?.term, notes.length > 0);
    entries.push({ person, risk: risk === "ended" ? "high" : risk, act, notes });
  }
  const latest = (e: AtRiskEntry): string => e.act?.date?.latest ?? e.notes[0]?.date?.latest ?? "";
  entries.sort((a, b) => RISK_RANK[a.risk] - RISK_RANK[b.risk] || latest(b).localeCompare(latest(a)) || a.person.id.localeCompare(b.person.id));
  const shown = entries.flatMap((e) => [...(e.act ? [e.act] : []), ...e.notes]);
  const refs = await referencedRecords(db, shown);
  return { entries, refs, sources: citedSources([shown], refs) };
}

/** A source page: what it is, what it supports on the memorial. */
export interface PublicSource {
  source: PubRef;
  /** Public records with public claims citing this source (one page). */
  citing: PubRef[];
  citingCount: number;
}

export const SOURCE_PAGE_SIZE = 200;

export async function presentSource(db: MemorialDb, id: string, page = 0): Promise<PublicSource | undefined> {
  const source = await publicRecord(db, id, ["source"]);
  if (!source) return undefined;
  const base = db
    .selectFrom("citations")
    .innerJoin("claims", "claims.id", "citations.claim_id")
    .innerJoin("records as s", "s.id", "claims.subject_id")
    .where("citations.source_id", "=", id)
    .where("claims.status", "=", "active")
    .where("claims.confidentiality", "=", "public")
    .where("s.status", "=", "published")
    .where("s.confidentiality", "=", "public");
  const count = await base.select(sql<number>`count(distinct s.id)`.as("n")).executeTakeFirst();
  const rows = await base.select("s.id").distinct().orderBy("s.id").limit(SOURCE_PAGE_SIZE).offset(page * SOURCE_PAGE_SIZE).execute();
  const citing = [...(await publicRecords(db, rows.map((r) => r.id))).values()];
  return { source, citing, citingCount: Number(count?.n ?? 0) };
}

/** An organisation page: its public facts, statements, members and what it took part in. */
export interface PublicOrganisation {
  organisation: PubRef;
  claims: PubClaim[];
  members: PubClaim[];
  refs: Map<string, PubRef>;
  sources: string[];
}

export async function presentOrganisation(db: MemorialDb, id: string): Promise<PublicOrganisation | undefined> {
  const organisation = await publicRecord(db, id, ["organisation"]);
  if (!organisation) return undefined;
  const own = (await publicClaims(db, { subjects: [id] })).filter((c) => c.property !== "involvement");
  const members = (await publicClaims(db, { objects: [id], properties: ["membership"] })).sort(byDate);
  const refs = await referencedRecords(db, [...own, ...members], organisation.parentId ? [organisation.parentId] : []);
  const shownMembers = members.filter((m) => refs.has(m.subjectId));
  return { organisation, claims: own, members: shownMembers, refs, sources: citedSources([own, shownMembers], refs) };
}
