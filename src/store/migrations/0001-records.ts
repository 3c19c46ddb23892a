import { sql, type Kysely } from "kysely";
import type { Dialect } from "../dialect.ts";

/**
 * The records core. One `records` table for people, organisations, places,
 * events, sources and posts keeps history, merging, publication and
 * confidentiality in one place; every fact about a record is a row of
 * `claims`, which cannot exist without at least one row of `citations`.
 * Dates are stored as text in their written form plus a Gregorian interval
 * of ISO days, never as timestamps.
 */
// Migrations are frozen in time: they use untyped Kysely and never import app code.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>, dialect: Dialect): Promise<void> {
  const dateColumns = <T extends { addColumn: (name: string, type: "text") => T }>(t: T, prefix: string): T =>
    t
      .addColumn(`${prefix}_text`, "text")
      .addColumn(`${prefix}_calendar`, "text")
      .addColumn(`${prefix}_precision`, "text")
      .addColumn(`${prefix}_value`, "text")
      .addColumn(`${prefix}_earliest`, "text")
      .addColumn(`${prefix}_latest`, "text");

  await db.schema
    .createTable("vocab_terms")
    .addColumn("vocabulary", "text", (c) => c.notNull())
    .addColumn("code", "text", (c) => c.notNull())
    .addColumn("label_en", "text", (c) => c.notNull())
    .addColumn("label_fa", "text", (c) => c.notNull())
    .addColumn("description", "text")
    .addColumn("parent_code", "text")
    .addColumn("esf_ref", "text")
    .addColumn("sort", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("retired", "integer", (c) => c.notNull().defaultTo(0))
    .addPrimaryKeyConstraint("vocab_terms_pk", ["vocabulary", "code"])
    .execute();

  let records = db.schema
    .createTable("records")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("type", "text", (c) => c.notNull())
    .addColumn("kind", "text")
    .addColumn("status", "text", (c) => c.notNull().defaultTo("draft"))
    .addColumn("confidentiality", "text", (c) => c.notNull().defaultTo("staff"))
    .addColumn("synthetic", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("merged_into", "text")
    .addColumn("label", "text", (c) => c.notNull().defaultTo(""))
    .addColumn("label_fa", "text", (c) => c.notNull().defaultTo(""))
    .addColumn("label_public", "text")
    .addColumn("label_public_fa", "text")
    .addColumn("parent_id", "text")
    .addColumn("place_id", "text")
    .addColumn("data", "text", (c) => c.notNull().defaultTo("{}"));
  records = dateColumns(records, "date");
  await records
    .addColumn("version", "integer", (c) => c.notNull().defaultTo(1))
    .addColumn("created_at", "text", (c) => c.notNull())
    .addColumn("updated_at", "text", (c) => c.notNull())
    .addColumn("created_by", "text", (c) => c.notNull())
    .addColumn("updated_by", "text", (c) => c.notNull())
    .execute();
  await db.schema.createIndex("records_type_status").on("records").columns(["type", "status", "updated_at"]).execute();
  await db.schema.createIndex("records_merged_into").on("records").column("merged_into").execute();
  await db.schema.createIndex("records_parent").on("records").column("parent_id").execute();
  await db.schema.createIndex("records_place").on("records").column("place_id").execute();
  await db.schema.createIndex("records_date").on("records").columns(["type", "date_earliest"]).execute();

  await db.schema
    .createTable("source_texts")
    .addColumn("source_id", "text", (c) => c.primaryKey().references("records.id").onDelete("cascade"))
    .addColumn("lang", "text")
    .addColumn("text", "text", (c) => c.notNull())
    .execute();

  let claims = db.schema
    .createTable("claims")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("subject_id", "text", (c) => c.notNull().references("records.id"))
    .addColumn("property", "text", (c) => c.notNull())
    .addColumn("term", "text")
    .addColumn("value", "text", (c) => c.notNull().defaultTo("{}"))
    .addColumn("value_text", "text")
    .addColumn("lang", "text")
    .addColumn("object_id", "text")
    .addColumn("place_id", "text", (c) => c.references("records.id"));
  claims = dateColumns(claims, "date");
  await claims
    .addColumn("confidence", "text", (c) => c.notNull())
    .addColumn("confidentiality", "text", (c) => c.notNull())
    .addColumn("status", "text", (c) => c.notNull().defaultTo("active"))
    .addColumn("note", "text")
    .addColumn("version", "integer", (c) => c.notNull().defaultTo(1))
    .addColumn("created_at", "text", (c) => c.notNull())
    .addColumn("updated_at", "text", (c) => c.notNull())
    .addColumn("created_by", "text", (c) => c.notNull())
    .addColumn("updated_by", "text", (c) => c.notNull())
    .execute();
  await db.schema.createIndex("claims_subject").on("claims").columns(["subject_id", "property"]).execute();
  await db.schema.createIndex("claims_object").on("claims").columns(["object_id", "property"]).execute();
  await db.schema.createIndex("claims_property_term").on("claims").columns(["property", "term"]).execute();
  await db.schema.createIndex("claims_place").on("claims").column("place_id").execute();

  await db.schema
    .createTable("citations")
    .addColumn("claim_id", "text", (c) => c.notNull().references("claims.id").onDelete("cascade"))
    .addColumn("source_id", "text", (c) => c.notNull().references("records.id"))
    .addColumn("locator", "text")
    .addColumn("quote", "text")
    .addColumn("reliability", "text")
    .addColumn("connection", "text")
    .addPrimaryKeyConstraint("citations_pk", ["claim_id", "source_id"])
    .execute();
  await db.schema.createIndex("citations_source").on("citations").column("source_id").execute();

  // History: every change to a record or claim, with the whole before and after.
  await db.schema
    .createTable("changes")
    .addColumn("seq", dialect === "postgres" ? "bigserial" : "integer", (c) => (dialect === "postgres" ? c.primaryKey() : c.primaryKey().autoIncrement()))
    .addColumn("entity_type", "text", (c) => c.notNull())
    .addColumn("entity_id", "text", (c) => c.notNull())
    .addColumn("record_id", "text", (c) => c.notNull())
    .addColumn("version", "integer", (c) => c.notNull())
    .addColumn("action", "text", (c) => c.notNull())
    .addColumn("actor", "text", (c) => c.notNull())
    .addColumn("at", "text", (c) => c.notNull())
    .addColumn("reason", "text")
    .addColumn("before", "text")
    .addColumn("after", "text")
    .execute();
  await db.schema.createIndex("changes_entity").on("changes").columns(["entity_id", "version"]).execute();
  await db.schema.createIndex("changes_record").on("changes").columns(["record_id", "seq"]).execute();

  await db.schema
    .createTable("merges")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("survivor_id", "text", (c) => c.notNull().references("records.id"))
    .addColumn("merged_id", "text", (c) => c.notNull().references("records.id"))
    .addColumn("moved_claims", "text", (c) => c.notNull())
    .addColumn("moved_references", "text", (c) => c.notNull())
    .addColumn("reason", "text")
    .addColumn("actor", "text", (c) => c.notNull())
    .addColumn("at", "text", (c) => c.notNull())
    .addColumn("undone_at", "text")
    .addColumn("undone_by", "text")
    .execute();

  await db.schema
    .createTable("jobs")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("kind", "text", (c) => c.notNull())
    .addColumn("payload", "text", (c) => c.notNull())
    .addColumn("status", "text", (c) => c.notNull().defaultTo("queued"))
    .addColumn("run_at", "text", (c) => c.notNull())
    .addColumn("attempts", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("max_attempts", "integer", (c) => c.notNull().defaultTo(5))
    .addColumn("locked_until", "text")
    .addColumn("locked_by", "text")
    .addColumn("last_error", "text")
    .addColumn("created_at", "text", (c) => c.notNull())
    .addColumn("updated_at", "text", (c) => c.notNull())
    .execute();
  await db.schema.createIndex("jobs_ready").on("jobs").columns(["status", "run_at"]).execute();

  // Search over names in both scripts and over source text. The same
  // normalisation (src/core/names.ts) fills `norm` and `keys` and is applied to queries.
  await db.schema
    .createTable("search_entries")
    .addColumn("id", dialect === "postgres" ? "bigserial" : "integer", (c) => (dialect === "postgres" ? c.primaryKey() : c.primaryKey().autoIncrement()))
    .addColumn("record_id", "text", (c) => c.notNull())
    .addColumn("record_type", "text", (c) => c.notNull())
    .addColumn("claim_id", "text")
    .addColumn("field", "text", (c) => c.notNull())
    .addColumn("visibility", "text", (c) => c.notNull())
    .addColumn("norm", "text", (c) => c.notNull())
    .addColumn("keys", "text", (c) => c.notNull())
    .execute();
  await db.schema.createIndex("search_entries_record").on("search_entries").column("record_id").execute();
  await db.schema.createIndex("search_entries_claim").on("search_entries").column("claim_id").execute();

  if (dialect === "sqlite") {
    await sql`CREATE VIRTUAL TABLE search_fts USING fts5(norm, keys, content='search_entries', content_rowid='id', tokenize='unicode61 remove_diacritics 2', prefix='2 3')`.execute(db);
    await sql`CREATE TRIGGER search_entries_ai AFTER INSERT ON search_entries BEGIN
      INSERT INTO search_fts(rowid, norm, keys) VALUES (new.id, new.norm, new.keys); END`.execute(db);
    await sql`CREATE TRIGGER search_entries_ad AFTER DELETE ON search_entries BEGIN
      INSERT INTO search_fts(search_fts, rowid, norm, keys) VALUES ('delete', old.id, old.norm, old.keys); END`.execute(db);
    await sql`CREATE TRIGGER search_entries_au AFTER UPDATE ON search_entries BEGIN
      INSERT INTO search_fts(search_fts, rowid, norm, keys) VALUES ('delete', old.id, old.norm, old.keys);
      INSERT INTO search_fts(rowid, norm, keys) VALUES (new.id, new.norm, new.keys); END`.execute(db);
  } else {
    // pg_trgm is a trusted extension: a database owner may create it. Its operator
    // class is qualified by whichever schema holds it.
    await sql`CREATE EXTENSION IF NOT EXISTS pg_trgm WITH SCHEMA public`.execute(db);
    const { rows } = await sql<{ nspname: string }>`SELECT n.nspname FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace WHERE e.extname = 'pg_trgm'`.execute(db);
    const trgmSchema = rows[0]?.nspname ?? "public";
    await sql`ALTER TABLE search_entries ADD COLUMN tsv tsvector GENERATED ALWAYS AS (to_tsvector('simple', norm || ' ' || keys)) STORED`.execute(db);
    await sql`CREATE INDEX search_entries_tsv ON search_entries USING gin (tsv)`.execute(db);
    await sql`CREATE INDEX search_entries_trgm ON search_entries USING gin (norm ${sql.id(trgmSchema, "gin_trgm_ops")})`.execute(db);
  }
}
