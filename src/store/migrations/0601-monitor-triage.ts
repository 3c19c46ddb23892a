import type { Kysely } from "kysely";
import type { Dialect } from "../dialect.ts";

/**
 * Monitoring, second step: what a triage decision produced (the Source and
 * records made from an item, the vault capture requested, or why it was
 * dismissed), who made a subscription and when it last changed (its webhook
 * secret is now stored encrypted), and a lease on deliveries being sent.
 */
// Migrations are frozen in time: untyped Kysely, no app imports.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>, _dialect: Dialect): Promise<void> {
  await db.schema.alterTable("monitor_items").addColumn("decision", "text").execute();
  await db.schema.alterTable("monitor_subscriptions").addColumn("created_by", "text").execute();
  await db.schema.alterTable("monitor_subscriptions").addColumn("updated_at", "text").execute();
  await db.schema.alterTable("monitor_watches").addColumn("created_by", "text").execute();
  await db.schema.createIndex("monitor_items_source").on("monitor_items").columns(["source_id", "fetched_at"]).execute();
  await db.schema.createIndex("monitor_deliveries_subscription").on("monitor_deliveries").columns(["subscription_id", "created_at"]).execute();
}
