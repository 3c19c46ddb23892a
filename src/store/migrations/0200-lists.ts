import type { Kysely } from "kysely";
import type { Dialect } from "../dialect.ts";

/**
 * Victim lists and their linkage. Each imported list is a source record;
 * each row is kept verbatim as a list entry (with what was read from it), so
 * that a person built from several lists cites every row. Reviewers'
 * decisions are appended, never edited; the review queue is replaced by each
 * linkage run.
 */
// Migrations are frozen in time: they use untyped Kysely and never import app code.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>, _dialect: Dialect): Promise<void> {
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
    .addUniqueConstraint("list_entries_row", ["list_name", "row_id"])
    .execute();
  await db.schema.createIndex("list_entries_import").on("list_entries").column("import_id").execute();
  await db.schema.createIndex("list_entries_person").on("list_entries").column("person_id").execute();
  await db.schema.createIndex("list_entries_cluster").on("list_entries").column("cluster").execute();

  await db.schema
    .createTable("linkage_decisions")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("seq", "integer", (c) => c.notNull().unique())
    .addColumn("action", "text", (c) => c.notNull())
    .addColumn("payload", "text", (c) => c.notNull())
    .addColumn("at", "text", (c) => c.notNull())
    .addColumn("by", "text", (c) => c.notNull())
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
