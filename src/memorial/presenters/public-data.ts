import { sql } from "kysely";
import type { FuzzyDate } from "../../core/dates.ts";
import { dateFromColumns, type RecordType } from "../../records/index.ts";
import { QueryShape } from "../../store/query-shape.ts";
import type { MemorialDb, MemorialSchema } from "../schema.ts";

/**
 * The memorial's only door into the records: explicit column lists and the
 * public gate in every query. A record is public when it is published and its
 * confidentiality is public; a claim when it is active and public and its
 * subject is public; a citation names its source only when that source is
 * public too. Nothing else (staff notes, who changed what, restricted names,
 * drafts, editorial data) is ever selected here, so it cannot reach a page.
 */

/** A public record as pages may show it: both public labels, never a staff one. */
export interface PubRef {
  id: string;
  type: RecordType;
  kind: string | null;
  /** Public label in Latin script (or the Persian one when there is no Latin one). */
  label: string | null;
  labelFa: string | null;
  synthetic: boolean;
  date: FuzzyDate | null;
  /** Public parent (for places: the place it is in), when that parent is itself public. */
  parentId: string | null;
  placeId: string | null;
  /** Whitelisted editorial notes: a public web address and a note on the date. */
  url: string | null;
  dateNote: string | null;
  updatedAt: string;
}

export interface PubCitation {
  /** The public source, or null for "a source not public" (no label, no locator, no quote). */
  sourceId: string | null;
  locator: string | null;
  quote: string | null;
  connection: string | null;
}

/** A public claim, its value reduced to the fields its property defines. */
export interface PubClaim {
  id: string;
  subjectId: string;
  property: string;
  term: string | null;
  text: string | null;
  nameKind: string | null;
  script: string | null;
  age: number | null;
  count: number | null;
  identifier: { scheme: string; value: string } | null;
  coordinates: { lat: number; lon: number; precisionM: number | null } | null;
  victimStatus: string | null;
  charges: string[];
  date: FuzzyDate | null;
  /** Public place, or null (a place that is not public is not named). */
  placeId: string | null;
  /** Public record (or public act claim for involvements and charges), or null. */
  objectId: string | null;
  confidence: string;
  citations: PubCitation[];
}

export const PUBLIC_RECORD_COLUMNS = [
  "id",
  "type",
  "kind",
  "synthetic",
  "label_public",
  "label_public_fa",
  "parent_id",
  "place_id",
  "data",
  "date_text",
  "date_calendar",
  "date_precision",
  "date_value",
  "date_earliest",
  "date_latest",
  "updated_at",
] as const;

export const PUBLIC_CLAIM_COLUMNS = [
  "id",
  "subject_id",
  "property",
  "term",
  "value",
  "value_text",
  "object_id",
  "place_id",
  "date_text",
  "date_calendar",
  "date_precision",
  "date_value",
  "date_earliest",
  "date_latest",
  "confidence",
] as const;

type RecordRow = {
  id: string;
  type: string;
  kind: string | null;
  synthetic: number;
  label_public: string | null;
  label_public_fa: string | null;
  parent_id: string | null;
  place_id: string | null;
  data: string;
  date_text: string | null;
  date_calendar: string | null;
  date_precision: string | null;
  date_value: string | null;
  date_earliest: string | null;
  date_latest: string | null;
  updated_at: string;
};

type ClaimRow = {
  id: string;
  subject_id: string;
  property: string;
  term: string | null;
  value: string;
  value_text: string | null;
  object_id: string | null;
  place_id: string | null;
  date_text: string | null;
  date_calendar: string | null;
  date_precision: string | null;
  date_value: string | null;
  date_earliest: string | null;
  date_latest: string | null;
  confidence: string;
};

function json(s: string): Record<string, unknown> {
  try {
    const v: unknown = JSON.parse(s);
    return v && typeof v === "object" && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

const str = (v: unknown): string | null => (typeof v === "string" && v.trim() ? v.trim() : null);
const safeUrl = (v: unknown): string | null => {
  const s = str(v);
  if (!s) return null;
  try {
    const u = new URL(s);
    return u.protocol === "https:" || u.protocol === "http:" ? u.href : null;
  } catch {
    return null;
  }
};

/** Builds the public view of a record row (the row was selected through the public gate). */
export function refFromRow(r: RecordRow): PubRef {
  const data = json(r.data);
  return {
    id: r.id,
    type: r.type as RecordType,
    kind: r.kind,
    label: r.label_public,
    labelFa: r.label_public_fa,
    synthetic: Boolean(r.synthetic),
    date: dateFromColumns(r),
    parentId: r.parent_id,
    placeId: r.place_id,
    url: safeUrl(data.url),
    dateNote: str(data.date_note),
    updatedAt: r.updated_at,
  };
}

const CHUNK = 400;

/** The public gate of records: published and public. */
const gatedRecords = (db: MemorialDb) => db.selectFrom("records").where("status", "=", "published").where("confidentiality", "=", "public");

/** The public gate of claims: active and public, of a subject through the records' gate. */
const gatedClaims = (db: MemorialDb) =>
  db
    .selectFrom("claims")
    .innerJoin("records as s", "s.id", "claims.subject_id")
    .where("claims.status", "=", "active")
    .where("claims.confidentiality", "=", "public")
    .where("s.status", "=", "published")
    .where("s.confidentiality", "=", "public");

// The reads every public page makes, built once per shape (store/query-shape.ts).
const recordsById = new QueryShape<MemorialSchema, RecordRow>((db, [ids]) => gatedRecords(db).select(PUBLIC_RECORD_COLUMNS).where("id", "in", ids!));
const publicIdsById = new QueryShape<MemorialSchema, { id: string }>((db, [ids]) => gatedRecords(db).select("id").where("id", "in", ids!));

/** Public records by id (published, public, not merged); ids that fail the gate are simply absent. */
export async function publicRecords(db: MemorialDb, ids: Iterable<string>): Promise<Map<string, PubRef>> {
  const all = [...new Set(ids)].filter(Boolean);
  const out = new Map<string, PubRef>();
  for (let i = 0; i < all.length; i += CHUNK) {
    const rows = await recordsById.execute(db, [all.slice(i, i + CHUNK)]);
    for (const r of rows) out.set(r.id, refFromRow(r));
  }
  // Links to a parent or place that is not public are dropped here, once.
  const linked = new Set<string>();
  for (const r of out.values()) for (const id of [r.parentId, r.placeId]) if (id && !out.has(id)) linked.add(id);
  const visible = linked.size ? await publicIds(db, linked) : new Set<string>();
  for (const r of out.values()) {
    if (r.parentId && !out.has(r.parentId) && !visible.has(r.parentId)) r.parentId = null;
    if (r.placeId && !out.has(r.placeId) && !visible.has(r.placeId)) r.placeId = null;
  }
  return out;
}

/** What a listing shows of a public record: a link with its public labels. */
export type ListedRecord = Pick<PubRef, "id" | "type" | "kind" | "label" | "labelFa" | "synthetic">;

/** A listing's columns of records, through the public gate (published and public). */
export const listedQuery = (db: MemorialDb) => gatedRecords(db).select(["id", "type", "kind", "synthetic", "label_public", "label_public_fa"]);

export function listedFromRow(r: { id: string; type: string; kind: string | null; synthetic: number | boolean; label_public: string | null; label_public_fa: string | null }): ListedRecord {
  return { id: r.id, type: r.type as RecordType, kind: r.kind, label: r.label_public, labelFa: r.label_public_fa, synthetic: Boolean(r.synthetic) };
}

/** Which of these ids are public records. */
export async function publicIds(db: MemorialDb, ids: Iterable<string>): Promise<Set<string>> {
  const all = [...new Set(ids)].filter(Boolean);
  const out = new Set<string>();
  for (let i = 0; i < all.length; i += CHUNK) for (const r of await publicIdsById.execute(db, [all.slice(i, i + CHUNK)])) out.add(r.id);
  return out;
}

/** One public record of a type. */
export async function publicRecord(db: MemorialDb, id: string, types: readonly RecordType[]): Promise<PubRef | undefined> {
  const r = (await publicRecords(db, [id])).get(id);
  return r && types.includes(r.type) ? r : undefined;
}

/**
 * Where a merged id leads: the survivor's id when the record was merged and
 * the survivor is public; undefined otherwise (an unknown or non-public id).
 */
export async function mergedTarget(db: MemorialDb, id: string): Promise<string | undefined> {
  let current = id;
  for (let i = 0; i < 32; i++) {
    const row = await db.selectFrom("records").select(["status", "merged_into"]).where("id", "=", current).executeTakeFirst();
    if (!row || row.status !== "merged" || !row.merged_into) return current === id ? undefined : (await publicIds(db, [current])).has(current) ? current : undefined;
    current = row.merged_into;
  }
  return undefined;
}

function claimFromRow(r: ClaimRow): PubClaim {
  const v = json(r.value);
  const num = (x: unknown): number | null => (typeof x === "number" && Number.isFinite(x) ? x : null);
  const charges = r.property === "act" && Array.isArray(v.charges) ? v.charges.filter((c): c is string => typeof c === "string") : [];
  const coordinates = r.property === "coordinates" && num(v.lat) !== null && num(v.lon) !== null ? { lat: num(v.lat)!, lon: num(v.lon)!, precisionM: num(v.precision_m) } : null;
  const identifier = r.property === "identifier" && str(v.scheme) && str(v.value) ? { scheme: str(v.scheme)!, value: str(v.value)! } : null;
  const hasText = ["name", "occupation", "affiliation", "residence", "description", "at_risk", "act", "membership", "statement", "organiser"].includes(r.property);
  return {
    id: r.id,
    subjectId: r.subject_id,
    property: r.property,
    term: r.term,
    text: hasText ? str(v.text) : null,
    nameKind: r.property === "name" ? str(v.kind) : null,
    script: r.property === "name" ? str(v.script) : null,
    age: r.property === "age" ? num(v.age) : null,
    count: r.property === "count" ? num(v.count) : null,
    identifier,
    coordinates,
    victimStatus: r.property === "act" ? str(v.victim_status) : null,
    charges,
    date: dateFromColumns(r),
    placeId: r.place_id,
    objectId: r.object_id,
    confidence: r.confidence,
    citations: [],
  };
}

export interface ClaimQuery {
  subjects?: readonly string[];
  objects?: readonly string[];
  places?: readonly string[];
  ids?: readonly string[];
  properties?: readonly string[];
  /** Only claims with one of these terms (the acts that sum up what happened, for listings). */
  terms?: readonly string[];
  /** Most rows to read (large events list their acts in pages). */
  limit?: number;
  offset?: number;
  /** Leave citations out (listings show no sources). */
  withoutCitations?: boolean;
}

type ClaimColumn = "subject_id" | "object_id" | "place_id" | "id";

/** Public claims (active, public, of a public subject) by one column, in date order. */
function claimsQuery(db: MemorialDb, column: ClaimColumn, values: readonly string[], properties: readonly string[], terms: readonly string[]) {
  let query = gatedClaims(db)
    .select(PUBLIC_CLAIM_COLUMNS.map((c) => `claims.${c}` as const))
    .where(`claims.${column}`, "in", values);
  if (properties.length) query = query.where("claims.property", "in", properties);
  // An expression, not the column: the planner must keep to the subjects' index, not scan every act with the term.
  if (terms.length) query = query.where(sql<string>`${sql.ref("claims.term")} || ''`, "in", terms);
  return query.orderBy("claims.date_earliest").orderBy("claims.id");
}

const claimShape = (column: ClaimColumn): QueryShape<MemorialSchema, ClaimRow> => new QueryShape((db, [values, properties, terms]) => claimsQuery(db, column, values!, properties!, terms!));
const claimShapes: Record<ClaimColumn, QueryShape<MemorialSchema, ClaimRow>> = { subject_id: claimShape("subject_id"), object_id: claimShape("object_id"), place_id: claimShape("place_id"), id: claimShape("id") };

/** A citation with its source's gate, read in the same query. */
type CitationRow = { claim_id: string; source_id: string; locator: string | null; quote: string | null; connection: string | null; status: string | null; confidentiality: string | null };

const citationsOf = new QueryShape<MemorialSchema, CitationRow>((db, [ids]) =>
  db
    .selectFrom("citations")
    .leftJoin("records as src", "src.id", "citations.source_id")
    .select(["citations.claim_id", "citations.source_id", "citations.locator", "citations.quote", "citations.connection", "src.status", "src.confidentiality"])
    .where("citations.claim_id", "in", ids!)
    .orderBy("citations.claim_id")
    .orderBy("citations.source_id"),
);

const publicActIds = new QueryShape<MemorialSchema, { id: string }>((db, [ids]) => gatedClaims(db).select("claims.id").where("claims.id", "in", ids!));

/**
 * Public claims (active, public) whose subject is a public record, with their
 * citations reduced to public sources and their place and object checked.
 */
export async function publicClaims(db: MemorialDb, q: ClaimQuery): Promise<PubClaim[]> {
  const keys: [keyof ClaimQuery, ClaimColumn][] = [
    ["subjects", "subject_id"],
    ["objects", "object_id"],
    ["places", "place_id"],
    ["ids", "id"],
  ];
  const [filterKey, column] = keys.find(([k]) => q[k] !== undefined) ?? [];
  if (!filterKey || !column) throw new Error("publicClaims needs subjects, objects, places or ids");
  const values = q[filterKey] as readonly string[];
  if (values.length === 0) return [];
  const rows: ClaimRow[] = [];
  if (q.limit !== undefined) rows.push(...(await claimsQuery(db, column, values, q.properties ?? [], q.terms ?? []).limit(q.limit).offset(q.offset ?? 0).execute()));
  else for (let i = 0; i < values.length; i += CHUNK) rows.push(...(await claimShapes[column].execute(db, [values.slice(i, i + CHUNK), q.properties ?? [], q.terms ?? []])));
  const claims = rows.map(claimFromRow);
  if (!q.withoutCitations) await attachCitations(db, claims);
  await checkLinks(db, claims);
  return claims;
}

async function attachCitations(db: MemorialDb, claims: PubClaim[]): Promise<void> {
  if (!claims.length) return;
  const byId = new Map(claims.map((c) => [c.id, c]));
  const rows: CitationRow[] = [];
  const ids = [...byId.keys()];
  for (let i = 0; i < ids.length; i += CHUNK) rows.push(...(await citationsOf.execute(db, [ids.slice(i, i + CHUNK)])));
  for (const r of rows) {
    // The source's own gate, read in the same query: published and public, or not named.
    const visible = r.status === "published" && r.confidentiality === "public";
    byId.get(r.claim_id)?.citations.push(visible ? { sourceId: r.source_id, locator: r.locator, quote: r.quote, connection: r.connection } : { sourceId: null, locator: null, quote: null, connection: null });
  }
  // Public sources first; several hidden ones read as one.
  for (const c of claims) {
    const shown = c.citations.filter((x) => x.sourceId);
    c.citations = shown.length < c.citations.length ? [...shown, { sourceId: null, locator: null, quote: null, connection: null }] : shown;
  }
}

/** Drops places and objects that are not public (an object may be a record or, for involvements and charges, an act claim). */
async function checkLinks(db: MemorialDb, claims: PubClaim[]): Promise<void> {
  const recordIds = new Set<string>();
  const claimIds = new Set<string>();
  for (const c of claims) {
    if (c.placeId) recordIds.add(c.placeId);
    if (c.objectId) (c.property === "involvement" || c.property === "charge" ? claimIds : recordIds).add(c.objectId);
  }
  const records = await publicIds(db, recordIds);
  const acts = new Set<string>();
  const ids = [...claimIds];
  for (let i = 0; i < ids.length; i += CHUNK) for (const r of await publicActIds.execute(db, [ids.slice(i, i + CHUNK)])) acts.add(r.id);
  for (const c of claims) {
    if (c.placeId && !records.has(c.placeId)) c.placeId = null;
    if (c.objectId && !(c.property === "involvement" || c.property === "charge" ? acts : records).has(c.objectId)) c.objectId = null;
  }
}

/** Every record a set of claims points to or cites, looked up through the public gate. */
export async function referencedRecords(db: MemorialDb, claims: PubClaim[], extra: Iterable<string> = []): Promise<Map<string, PubRef>> {
  const ids = new Set<string>(extra);
  for (const c of claims) {
    // The subject too: an event's page names its victims, a statement its speaker.
    ids.add(c.subjectId);
    if (c.placeId) ids.add(c.placeId);
    if (c.objectId && c.property !== "involvement" && c.property !== "charge") ids.add(c.objectId);
    for (const s of c.citations) if (s.sourceId) ids.add(s.sourceId);
  }
  return publicRecords(db, ids);
}
