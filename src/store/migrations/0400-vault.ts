import { sql, type Kysely } from "kysely";
import type { Dialect } from "../dialect.ts";

/**
 * The evidence vault in the database. The transparency log lives here
 * (`vault_log`, one row per leaf, with its signed checkpoints) so that an
 * item, its custody records, its Source and the log leaves are committed in
 * one transaction. `vault_custody` indexes the leaves by item: each of its
 * rows is exactly one leaf (same index). The log and its checkpoints refuse
 * UPDATE and DELETE, so no code path can rewrite history by accident; a
 * deliberate rewrite by someone with database access is caught by the
 * signed checkpoints.
 */
// Migrations are frozen in time: they use untyped Kysely and never import app code.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>, dialect: Dialect): Promise<void> {
  const bytes = dialect === "postgres" ? "bytea" : "blob";

  await db.schema
    .createTable("vault_meta")
    .addColumn("key", "text", (c) => c.primaryKey())
    .addColumn("value", "text", (c) => c.notNull())
    .execute();

  // One row: the log's size. Appenders update it first, which serialises them on both databases.
  await db.schema
    .createTable("vault_log_head")
    .addColumn("id", "integer", (c) => c.primaryKey())
    .addColumn("size", "integer", (c) => c.notNull())
    .execute();
  await db.insertInto("vault_log_head").values({ id: 1, size: 0 }).execute();

  await db.schema
    .createTable("vault_log")
    .addColumn("idx", "integer", (c) => c.primaryKey())
    .addColumn("entry", bytes, (c) => c.notNull())
    .addColumn("leaf_hash", bytes, (c) => c.notNull())
    .execute();

  await db.schema
    .createTable("vault_checkpoints")
    .addColumn("size", "integer", (c) => c.primaryKey())
    .addColumn("note", "text", (c) => c.notNull())
    .addColumn("created_at", "text", (c) => c.notNull())
    .execute();

  await db.schema
    .createTable("vault_items")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("kind", "text", (c) => c.notNull())
    .addColumn("title", "text")
    .addColumn("source_url", "text")
    .addColumn("original_digest", "text", (c) => c.notNull())
    .addColumn("original_size", "bigint", (c) => c.notNull())
    .addColumn("original_media_type", "text", (c) => c.notNull())
    .addColumn("original_filename", "text")
    .addColumn("derived", "text", (c) => c.notNull().defaultTo("[]"))
    .addColumn("flags", "text", (c) => c.notNull().defaultTo("[]"))
    .addColumn("confidentiality", "text", (c) => c.notNull().defaultTo("staff"))
    .addColumn("created_at", "text", (c) => c.notNull())
    .addColumn("created_by", "text", (c) => c.notNull())
    .execute();
  await db.schema.createIndex("vault_items_url").on("vault_items").column("source_url").execute();
  await db.schema.createIndex("vault_items_original").on("vault_items").column("original_digest").execute();

  await db.schema
    .createTable("vault_custody")
    .addColumn("log_index", "integer", (c) => c.primaryKey().references("vault_log.idx"))
    .addColumn("item_id", "text", (c) => c.notNull())
    .addColumn("type", "text", (c) => c.notNull())
    .addColumn("at", "text", (c) => c.notNull())
    .addColumn("actor", "text", (c) => c.notNull())
    .execute();
  await db.schema.createIndex("vault_custody_item").on("vault_custody").columns(["item_id", "log_index"]).execute();

  // Which Source records rely on which items: the evidence of a Source.
  await db.schema
    .createTable("vault_evidence")
    .addColumn("source_id", "text", (c) => c.notNull().references("records.id"))
    .addColumn("item_id", "text", (c) => c.notNull().references("vault_items.id"))
    .addColumn("linked_at", "text", (c) => c.notNull())
    .addColumn("linked_by", "text", (c) => c.notNull())
    .addPrimaryKeyConstraint("vault_evidence_pk", ["source_id", "item_id"])
    .execute();
  await db.schema.createIndex("vault_evidence_item").on("vault_evidence").column("item_id").execute();

  // Capture requests run by the worker: what was asked, by whom, and how it ended.
  await db.schema
    .createTable("vault_captures")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("url", "text", (c) => c.notNull())
    .addColumn("options", "text", (c) => c.notNull().defaultTo("{}"))
    .addColumn("status", "text", (c) => c.notNull())
    .addColumn("requested_by", "text", (c) => c.notNull())
    .addColumn("requested_at", "text", (c) => c.notNull())
    .addColumn("updated_at", "text", (c) => c.notNull())
    .addColumn("attempts", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("item_id", "text")
    .addColumn("source_id", "text")
    .addColumn("flags", "text", (c) => c.notNull().defaultTo("[]"))
    .addColumn("error", "text")
    .execute();
  await db.schema.createIndex("vault_captures_status").on("vault_captures").columns(["status", "requested_at"]).execute();

  if (dialect === "sqlite") {
    for (const table of ["vault_log", "vault_checkpoints"]) {
      for (const op of ["UPDATE", "DELETE"]) {
        await sql
          .raw(`CREATE TRIGGER ${table}_no_${op.toLowerCase()} BEFORE ${op} ON ${table} BEGIN SELECT RAISE(ABORT, '${table} is append-only'); END`)
          .execute(db);
      }
    }
  } else {
    await sql
      .raw(`CREATE FUNCTION vault_append_only() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION '% is append-only', TG_TABLE_NAME; END $$`)
      .execute(db);
    for (const table of ["vault_log", "vault_checkpoints"]) {
      await sql.raw(`CREATE TRIGGER ${table}_append_only BEFORE UPDATE OR DELETE ON ${table} FOR EACH ROW EXECUTE FUNCTION vault_append_only()`).execute(db);
      await sql.raw(`CREATE TRIGGER ${table}_no_truncate BEFORE TRUNCATE ON ${table} FOR EACH STATEMENT EXECUTE FUNCTION vault_append_only()`).execute(db);
    }
  }
}
