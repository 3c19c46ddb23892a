import { sql } from "kysely";
import { authorize, visibleLevels } from "../accounts/index.ts";
import type { Ctx } from "../core/context.ts";
import { nameKeys, normaliseName } from "../core/names.ts";
import type { SearchEntriesTable } from "../store/schema.ts";
import type { Claim, Confidentiality, RecordType, VRecord } from "./types.ts";

/**
 * Full-text search over names in both scripts, their spelling-insensitive
 * keys, and source text. The same normalisation (core/names) is applied to
 * what is indexed and to queries. Each entry carries the visibility it may be
 * shown at, so public search never touches staff or restricted names.
 */
const ORDER: Confidentiality[] = ["public", "staff", "restricted"];
const stricter = (a: Confidentiality, b: Confidentiality): Confidentiality => (ORDER.indexOf(a) >= ORDER.indexOf(b) ? a : b);

/** The entries a record should have in the index, derived from it and its claims. */
export function searchEntriesFor(record: VRecord, claims: Claim[], sourceText: string | null): Omit<SearchEntriesTable, "id">[] {
  if (record.status === "merged") return [];
  const recordVisibility: Confidentiality = record.status === "published" ? record.confidentiality : stricter(record.confidentiality, "staff");
  const out: Omit<SearchEntriesTable, "id">[] = [];
  const add = (field: string, text: string, visibility: Confidentiality, claimId: string | null, withKeys: boolean): void => {
    const norm = normaliseName(text);
    if (!norm) return;
    out.push({ record_id: record.id, record_type: record.type, claim_id: claimId, field, visibility, norm, keys: withKeys ? nameKeys(text).join(" ") : "" });
  };
  for (const c of claims) {
    if (c.property !== "name" || c.status !== "active" || !c.valueText) continue;
    // A father's name identifies someone only together with their own: searchable, but apart.
    add(c.value.kind === "father" ? "father" : "name", c.valueText, stricter(recordVisibility, c.confidentiality), c.id, true);
  }
  if (record.type !== "person") {
    if (record.label) add("label", record.label, recordVisibility, null, true);
    if (record.labelFa && record.labelFa !== record.label) add("label", record.labelFa, recordVisibility, null, true);
  }
  if (sourceText) add("text", sourceText, recordVisibility, null, false);
  return out;
}

/** Replaces a record's index entries. Called in the same transaction as the change. */
export async function reindexRecord(ctx: Ctx, record: VRecord, claims: Claim[], sourceText: string | null): Promise<void> {
  await ctx.db.deleteFrom("search_entries").where("record_id", "=", record.id).execute();
  const rows = searchEntriesFor(record, claims, sourceText);
  if (rows.length) await ctx.db.insertInto("search_entries").values(rows).execute();
}

export interface SearchOptions {
  types?: readonly RecordType[];
  limit?: number;
  offset?: number;
  /** Only what the memorial may show, whoever asks. */
  publicOnly?: boolean;
  /** Search source text as well as names. */
  includeText?: boolean;
  /** Search fathers' names as well. */
  includeFathers?: boolean;
}

export interface SearchHit {
  id: string;
  type: RecordType;
  /** The text that matched (a name or a label; for text matches, the source's label). */
  matched: string;
  field: string;
  score: number;
}

const TOKEN = /^[\p{L}\p{N}]+$/u;

/** Splits a query into index tokens; anything that is not a letter or digit is a separator. */
export function queryWords(q: string): string[] {
  return normaliseName(q)
    .split(/[^\p{L}\p{N}]+/u)
    .filter((t) => t.length > 0 && TOKEN.test(t))
    .slice(0, 12);
}

/** The spelling key a query word matches by, when it has one worth matching (letters or digits, two or more). */
export function queryKey(word: string): string | undefined {
  const key = nameKeys(word)[0];
  return key && TOKEN.test(key) && key.length >= 2 ? key : undefined;
}

/** Finds records by name (either script, variant spellings) or source text. */
export async function searchRecords(ctx: Ctx, q: string, options: SearchOptions = {}): Promise<SearchHit[]> {
  if (!options.publicOnly) authorize(ctx.actor, "search.staff");
  const levels = options.publicOnly ? ["public"] : visibleLevels(ctx.actor);
  const tokens = queryWords(q);
  if (tokens.length === 0) return [];
  const limit = Math.min(Math.max(options.limit ?? 20, 1), 200);
  const offset = Math.max(options.offset ?? 0, 0);
  const fields = ["name", "label", ...(options.includeText ? ["text"] : []), ...(options.includeFathers ? ["father"] : [])];

  // Each word matches its normalised form (as a prefix when long enough) or its spelling key.
  const perToken = tokens.map((t) => ({ t, key: queryKey(t) }));

  let rows: { record_id: string; record_type: string; norm: string; field: string; score: number }[];
  if (ctx.store.dialect === "sqlite") {
    const quote = (s: string): string => `"${s.replace(/"/g, '""')}"`;
    const match = perToken
      .map(({ t, key }) => {
        const normPart = t.length >= 2 ? `norm:${quote(t)}*` : `norm:${quote(t)}`;
        return key ? `(${normPart} OR keys:${quote(key)})` : `(${normPart})`;
      })
      .join(" AND ");
    const result = await sql<{ record_id: string; record_type: string; norm: string; field: string; score: number }>`
      SELECT e.record_id, e.record_type, e.norm, e.field, min(f.rank) AS score
      FROM search_fts f JOIN search_entries e ON e.id = f.rowid
      WHERE search_fts MATCH ${match}
        AND e.visibility IN (${sql.join(levels)})
        AND e.field IN (${sql.join(fields)})
        ${options.types?.length ? sql`AND e.record_type IN (${sql.join(options.types)})` : sql``}
      GROUP BY e.record_id
      ORDER BY score
      LIMIT ${limit} OFFSET ${offset}`.execute(ctx.db);
    rows = result.rows;
  } else {
    const query = perToken.map(({ t, key }) => (key ? `(${t}:* | ${key})` : `${t}:*`)).join(" & ");
    const result = await sql<{ record_id: string; record_type: string; norm: string; field: string; score: number }>`
      SELECT DISTINCT ON (e.record_id) e.record_id, e.record_type, e.norm, e.field,
        -ts_rank(e.tsv, to_tsquery('simple', ${query})) - (CASE WHEN e.norm = ${tokens.join(" ")} THEN 1 ELSE 0 END) AS score
      FROM search_entries e
      WHERE e.tsv @@ to_tsquery('simple', ${query})
        AND e.visibility IN (${sql.join(levels)})
        AND e.field IN (${sql.join(fields)})
        ${options.types?.length ? sql`AND e.record_type IN (${sql.join(options.types)})` : sql``}
      ORDER BY e.record_id, score`.execute(ctx.db);
    rows = result.rows.sort((a, b) => Number(a.score) - Number(b.score)).slice(offset, offset + limit);
  }
  return rows.map((r) => ({ id: r.record_id, type: r.record_type as RecordType, matched: r.norm.length > 200 ? `${r.norm.slice(0, 200)}…` : r.norm, field: r.field, score: Number(r.score) }));
}
