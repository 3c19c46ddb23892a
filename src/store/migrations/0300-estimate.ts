import type { Kysely } from "kysely";
import type { Dialect } from "../dialect.ts";

/**
 * Saved estimates: every run keeps what it was asked (lists, method,
 * settings), the exact capture table(s) it was given, where the table came
 * from, and its report or the reason it was refused, so that any estimate can
 * be read again, exported and reproduced. Long runs are computed by the job
 * worker; `status` and the progress columns show where they are. JSON is text.
 */
// Migrations are frozen in time: untyped Kysely, no app imports.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>, _dialect: Dialect): Promise<void> {
  await db.schema
    .createTable("estimate_runs")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("title", "text", (c) => c.notNull())
    .addColumn("status", "text", (c) => c.notNull())
    .addColumn("origin", "text", (c) => c.notNull())
    .addColumn("input", "text", (c) => c.notNull())
    .addColumn("tables", "text", (c) => c.notNull())
    .addColumn("provenance", "text", (c) => c.notNull())
    .addColumn("report", "text")
    .addColumn("error", "text")
    .addColumn("progress_done", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("progress_total", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("includes_restricted", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("reproduces", "text")
    .addColumn("job_id", "text")
    .addColumn("created_by", "text", (c) => c.notNull())
    .addColumn("created_at", "text", (c) => c.notNull())
    .addColumn("started_at", "text")
    .addColumn("finished_at", "text")
    .execute();
  await db.schema.createIndex("estimate_runs_created").on("estimate_runs").columns(["created_at", "id"]).execute();
}
