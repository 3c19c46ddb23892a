import { randomBytes } from "node:crypto";
import { sql, type Kysely } from "kysely";
import type { Store } from "../../src/store/index.ts";
import type { LoadedSyntheticLists } from "../../src/estimate/index.ts";

/**
 * The list tables (list imports, entries linked to people, the linkage
 * review queue) filled for fictional lists loaded by `loadSyntheticLists`,
 * as the list import and record linkage leave them. Where the list tables'
 * migration has not run, they are created here with the same columns.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Db = Kysely<any>;

async function ensureTables(db: Db): Promise<void> {
  try {
    await sql`select id from list_entries where 1 = 0`.execute(db);
    return;
  } catch {
    // created below
  }
  await db.schema
    .createTable("list_imports")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("source_id", "text", (c) => c.notNull().references("records.id"))
    .addColumn("list_name", "text", (c) => c.notNull().unique())
    .addColumn("file_name", "text", (c) => c.notNull())
    .addColumn("sha256", "text", (c) => c.notNull())
    .addColumn("mapping", "text", (c) => c.notNull())
    .addColumn("row_count", "integer", (c) => c.notNull())
    .addColumn("skipped", "text", (c) => c.notNull().defaultTo("[]"))
    .addColumn("created_at", "text", (c) => c.notNull())
    .addColumn("created_by", "text", (c) => c.notNull())
    .execute();
  await db.schema
    .createTable("list_entries")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("import_id", "text", (c) => c.notNull().references("list_imports.id"))
    .addColumn("list_name", "text", (c) => c.notNull())
    .addColumn("row_number", "integer", (c) => c.notNull())
    .addColumn("line", "integer", (c) => c.notNull())
    .addColumn("row_id", "text", (c) => c.notNull())
    .addColumn("raw", "text", (c) => c.notNull())
    .addColumn("person", "text", (c) => c.notNull())
    .addColumn("person_id", "text", (c) => c.references("records.id"))
    .addColumn("cluster", "integer")
    .addColumn("match_probability", "real")
    .execute();
  await db.schema
    .createTable("linkage_reviews")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("position", "integer", (c) => c.notNull())
    .addColumn("kind", "text", (c) => c.notNull())
    .addColumn("entry_ids", "text", (c) => c.notNull())
    .addColumn("probability", "real", (c) => c.notNull())
    .addColumn("reason", "text", (c) => c.notNull())
    .addColumn("detail", "text", (c) => c.notNull())
    .addColumn("created_at", "text", (c) => c.notNull())
    .execute();
}

export interface ListTablesFixture {
  entries: number;
  /** Entry ids put in the review queue. */
  inReview: string[];
}

/**
 * One entry per person and list. People with `index % unlinkedEvery === 0`
 * are left as linkage clusters not yet accepted (no person id); every
 * `reviewEvery`-th entry waits in the review queue.
 */
export async function fillListTables(store: Store, gen: LoadedSyntheticLists, opts: { unlinkedEvery?: number; reviewEvery?: number } = {}): Promise<ListTablesFixture> {
  const db = store.db as unknown as Db;
  await ensureTables(db);
  const at = new Date().toISOString();
  const imports = new Map<string, string>();
  for (const [name, sourceId] of gen.sources) {
    const id = `imp_${randomBytes(6).toString("hex")}`;
    imports.set(name, id);
    await db.insertInto("list_imports").values({ id, source_id: sourceId, list_name: `synthetic-${sourceId}`, file_name: `${name}.csv`, sha256: "0".repeat(64), mapping: "{}", row_count: 0, skipped: "[]", created_at: at, created_by: "system:test" }).execute();
  }
  const rows: Record<string, unknown>[] = [];
  const inReview: string[] = [];
  for (const p of gen.observed) {
    const unlinked = opts.unlinkedEvery ? p.index % opts.unlinkedEvery === 0 : false;
    for (const l of p.lists) {
      const id = `ent_${randomBytes(8).toString("hex")}`;
      rows.push({
        id,
        import_id: imports.get(l)!,
        list_name: `synthetic-${gen.sources.get(l)!}`,
        row_number: p.index,
        line: p.index + 1,
        row_id: String(p.index),
        raw: JSON.stringify({ name: `Fictional person ${p.index}` }),
        person: JSON.stringify({ list: l, rowId: String(p.index), sex: p.sex, death: { earliest: `${p.deathYear}-08-01`, latest: `${p.deathYear}-08-31` } }),
        person_id: unlinked ? null : gen.personIds.get(p.index)!,
        cluster: p.index,
        match_probability: 0.99,
      });
      if (opts.reviewEvery && rows.length % opts.reviewEvery === 0) inReview.push(id);
    }
  }
  for (let i = 0; i < rows.length; i += 200) await db.insertInto("list_entries").values(rows.slice(i, i + 200)).execute();
  for (let i = 0; i < inReview.length; i += 2) {
    await db.insertInto("linkage_reviews").values({ id: `rev_${i}`, position: i, kind: "pair", entry_ids: JSON.stringify(inReview.slice(i, i + 2)), probability: 0.6, reason: "uncertain", detail: "{}", created_at: at }).execute();
  }
  return { entries: rows.length, inReview };
}
