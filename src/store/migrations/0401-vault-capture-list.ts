import type { Kysely } from "kysely";
import type { Dialect } from "../dialect.ts";

/**
 * The vault, second step: capture requests are listed newest first a page at
 * a time (by request time, then id), without sorting every request there is.
 */
// Migrations are frozen in time: untyped Kysely, no app imports.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>, _dialect: Dialect): Promise<void> {
  await db.schema.createIndex("vault_captures_requested").on("vault_captures").columns(["requested_at", "id"]).execute();
}
