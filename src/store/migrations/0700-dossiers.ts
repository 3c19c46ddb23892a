import type { Kysely } from "kysely";
import type { Dialect } from "../dialect.ts";

/**
 * Accountability: a register of every dossier built, so that an organisation
 * can say what it handed to whom, when, tied to which checkpoint of its
 * evidence log, and find the files again.
 */
// Migrations are frozen in time: they use untyped Kysely and never import app code.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>, _dialect: Dialect): Promise<void> {
  await db.schema
    .createTable("dossiers")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("subject_id", "text", (c) => c.notNull())
    .addColumn("subject_type", "text", (c) => c.notNull())
    .addColumn("profile", "text", (c) => c.notNull())
    .addColumn("lang", "text", (c) => c.notNull())
    .addColumn("built_by", "text", (c) => c.notNull())
    .addColumn("built_at", "text", (c) => c.notNull())
    .addColumn("dir", "text", (c) => c.notNull())
    .addColumn("claims", "integer", (c) => c.notNull())
    .addColumn("withheld", "integer", (c) => c.notNull())
    .addColumn("evidence", "integer", (c) => c.notNull())
    .addColumn("checkpoint_origin", "text", (c) => c.notNull())
    .addColumn("checkpoint_size", "integer", (c) => c.notNull())
    .addColumn("checkpoint_root", "text", (c) => c.notNull())
    .addColumn("bundle_sha256", "text", (c) => c.notNull())
    .addColumn("records_sha256", "text", (c) => c.notNull())
    .execute();
  await db.schema.createIndex("dossiers_subject").on("dossiers").columns(["subject_id", "built_at"]).execute();
}
