import type { Kysely } from "kysely";
import type { Dialect } from "../dialect.ts";

/**
 * The memorial, second step: what a listing shows of each public person's
 * story (the act that sums it up) is derived beside the search facets, so a
 * search shows its 25 people without reading every act of each. The facets'
 * mark is dropped so that the next freshness check derives both for everyone.
 */
// Migrations are frozen in time: untyped Kysely, no app imports.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>, _dialect: Dialect): Promise<void> {
  await db.schema
    .createTable("memorial_summaries")
    .addColumn("person_id", "text", (c) => c.primaryKey())
    .addColumn("term", "text", (c) => c.notNull())
    .addColumn("place_id", "text")
    .addColumn("date_text", "text")
    .addColumn("date_calendar", "text")
    .addColumn("date_precision", "text")
    .addColumn("date_value", "text")
    .addColumn("date_earliest", "text")
    .addColumn("date_latest", "text")
    .execute();
  await db.deleteFrom("memorial_state").where("key", "=", "facets_seq").execute();
}
