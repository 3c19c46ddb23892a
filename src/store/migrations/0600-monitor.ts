import type { Kysely } from "kysely";
import type { Dialect } from "../dialect.ts";

/**
 * Monitoring: watched sources with their polling state and failure history,
 * collected items with their labels, reasons and entities (the triage queue),
 * the watchlist of prisoners at risk with a sourced status timeline, alert
 * subscriptions and the delivery outbox. Times are ISO 8601 text; lists and
 * explanations are JSON text.
 */
// Migrations are frozen in time: untyped Kysely, no app imports.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>, dialect: Dialect): Promise<void> {
  const serial = dialect === "postgres" ? "bigserial" : "integer";

  await db.schema
    .createTable("monitor_sources")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("url", "text", (c) => c.notNull().unique())
    .addColumn("kind", "text", (c) => c.notNull())
    .addColumn("title", "text")
    .addColumn("interval_minutes", "integer", (c) => c.notNull())
    .addColumn("enabled", "integer", (c) => c.notNull().defaultTo(1))
    .addColumn("allow_private", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("etag", "text")
    .addColumn("last_modified", "text")
    .addColumn("last_polled_at", "text")
    .addColumn("last_success_at", "text")
    .addColumn("next_poll_at", "text")
    .addColumn("consecutive_failures", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("last_failure", "text")
    .addColumn("last_warnings", "text")
    .addColumn("content_hash", "text")
    .addColumn("created_at", "text", (c) => c.notNull())
    .addColumn("created_by", "text", (c) => c.notNull())
    .execute();
  await db.schema.createIndex("monitor_sources_due").on("monitor_sources").columns(["enabled", "next_poll_at"]).execute();

  await db.schema
    .createTable("monitor_source_failures")
    .addColumn("id", serial, (c) => (dialect === "postgres" ? c.primaryKey() : c.primaryKey().autoIncrement()))
    .addColumn("source_id", "text", (c) => c.notNull().references("monitor_sources.id").onDelete("cascade"))
    .addColumn("at", "text", (c) => c.notNull())
    .addColumn("kind", "text", (c) => c.notNull())
    .addColumn("message", "text", (c) => c.notNull())
    .addColumn("url", "text", (c) => c.notNull())
    .addColumn("http_status", "integer")
    .execute();
  await db.schema.createIndex("monitor_source_failures_source").on("monitor_source_failures").columns(["source_id", "at"]).execute();

  await db.schema
    .createTable("monitor_items")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("source_id", "text", (c) => c.notNull().references("monitor_sources.id").onDelete("cascade"))
    .addColumn("item_key", "text", (c) => c.notNull())
    .addColumn("url", "text")
    .addColumn("title", "text", (c) => c.notNull())
    .addColumn("text", "text", (c) => c.notNull())
    .addColumn("published", "text")
    .addColumn("fetched_at", "text", (c) => c.notNull())
    .addColumn("lang", "text", (c) => c.notNull())
    .addColumn("labels", "text", (c) => c.notNull())
    .addColumn("reasons", "text", (c) => c.notNull())
    .addColumn("entities", "text", (c) => c.notNull())
    // Triage: new → confirmed (turned into records) or dismissed.
    .addColumn("status", "text", (c) => c.notNull().defaultTo("new"))
    .addColumn("reviewed_by", "text")
    .addColumn("reviewed_at", "text")
    .addUniqueConstraint("monitor_items_key", ["source_id", "item_key"])
    .execute();
  await db.schema.createIndex("monitor_items_triage").on("monitor_items").columns(["status", "fetched_at"]).execute();

  await db.schema
    .createTable("monitor_watches")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("person_id", "text")
    .addColumn("names", "text", (c) => c.notNull())
    .addColumn("province", "text")
    .addColumn("status", "text")
    .addColumn("status_date", "text")
    .addColumn("created_at", "text", (c) => c.notNull())
    .addColumn("updated_at", "text", (c) => c.notNull())
    .execute();

  await db.schema
    .createTable("monitor_watch_steps")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("watch_id", "text", (c) => c.notNull().references("monitor_watches.id").onDelete("cascade"))
    .addColumn("kind", "text", (c) => c.notNull())
    .addColumn("date", "text", (c) => c.notNull())
    .addColumn("date_earliest", "text")
    .addColumn("sources", "text", (c) => c.notNull())
    .addColumn("note", "text")
    .addColumn("recorded_at", "text", (c) => c.notNull())
    .addColumn("recorded_by", "text", (c) => c.notNull())
    .execute();
  await db.schema.createIndex("monitor_watch_steps_watch").on("monitor_watch_steps").columns(["watch_id"]).execute();

  await db.schema
    .createTable("monitor_subscriptions")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("name", "text", (c) => c.notNull())
    .addColumn("channel", "text", (c) => c.notNull())
    .addColumn("address", "text", (c) => c.notNull())
    .addColumn("secret", "text")
    .addColumn("topics", "text", (c) => c.notNull())
    .addColumn("persons", "text", (c) => c.notNull())
    .addColumn("provinces", "text", (c) => c.notNull())
    .addColumn("mode", "text", (c) => c.notNull())
    .addColumn("digest_minutes", "integer")
    .addColumn("lang", "text", (c) => c.notNull())
    .addColumn("active", "integer", (c) => c.notNull().defaultTo(1))
    .addColumn("created_at", "text", (c) => c.notNull())
    .execute();

  await db.schema
    .createTable("monitor_deliveries")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("subscription_id", "text", (c) => c.notNull().references("monitor_subscriptions.id").onDelete("cascade"))
    .addColumn("event_key", "text", (c) => c.notNull())
    .addColumn("event", "text", (c) => c.notNull())
    .addColumn("status", "text", (c) => c.notNull())
    .addColumn("due_at", "text", (c) => c.notNull())
    .addColumn("attempts", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("last_error", "text")
    .addColumn("delivered_at", "text")
    .addColumn("created_at", "text", (c) => c.notNull())
    .addUniqueConstraint("monitor_deliveries_once", ["subscription_id", "event_key"])
    .execute();
  await db.schema.createIndex("monitor_deliveries_due").on("monitor_deliveries").columns(["status", "due_at"]).execute();
}
