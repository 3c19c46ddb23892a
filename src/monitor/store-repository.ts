import type { Kysely } from "kysely";
import type { Store } from "../store/index.ts";
import { monitorId } from "./ids.ts";
import type { CollectedItem, MonitorRepository, SourceFailure, SourceKind, SourceState } from "./poller.ts";
import type { MonitorSourcesTable, MonitorTables } from "./schema.ts";

const parse = <T>(s: string | null): T | undefined => (s === null ? undefined : (JSON.parse(s) as T));

/** A source row as the poller sees it. */
export function sourceFromRow(r: MonitorSourcesTable): SourceState {
  return {
    id: r.id,
    url: r.url,
    kind: r.kind as SourceKind,
    ...(r.title !== null ? { title: r.title } : {}),
    intervalMinutes: r.interval_minutes,
    enabled: r.enabled === 1,
    allowPrivate: r.allow_private === 1,
    ...(r.etag !== null ? { etag: r.etag } : {}),
    ...(r.last_modified !== null ? { lastModified: r.last_modified } : {}),
    ...(r.last_polled_at !== null ? { lastPolledAt: r.last_polled_at } : {}),
    ...(r.last_success_at !== null ? { lastSuccessAt: r.last_success_at } : {}),
    ...(r.next_poll_at !== null ? { nextPollAt: r.next_poll_at } : {}),
    consecutiveFailures: r.consecutive_failures,
    ...(r.last_failure !== null ? { lastFailure: parse<SourceFailure>(r.last_failure)! } : {}),
    ...(r.last_warnings !== null ? { lastWarnings: parse<string[]>(r.last_warnings)! } : {}),
    ...(r.content_hash !== null ? { contentHash: r.content_hash } : {}),
  };
}

/** The monitoring tables of a store. */
export function monitorDb(store: Store): Kysely<MonitorTables> {
  return store.db.withTables<MonitorTables>();
}

/** The poller's repository port on the store (SQLite or PostgreSQL). */
export class StoreMonitorRepository implements MonitorRepository {
  private readonly db: Kysely<MonitorTables>;
  private readonly store: Store;
  constructor(store: Store) {
    this.store = store;
    this.db = monitorDb(store);
  }

  async dueSources(now: Date): Promise<SourceState[]> {
    const rows = await this.db
      .selectFrom("monitor_sources")
      .selectAll()
      .where("enabled", "=", 1)
      .where((eb) => eb.or([eb("next_poll_at", "is", null), eb("next_poll_at", "<=", now.toISOString())]))
      .orderBy("next_poll_at")
      .orderBy("id")
      .execute();
    return rows.map(sourceFromRow);
  }

  async updateSource(id: string, patch: Partial<Omit<SourceState, "id">>): Promise<void> {
    const set: Partial<MonitorSourcesTable> = {};
    if (patch.url !== undefined) set.url = patch.url;
    if (patch.kind !== undefined) set.kind = patch.kind;
    if (patch.title !== undefined) set.title = patch.title;
    if (patch.intervalMinutes !== undefined) set.interval_minutes = patch.intervalMinutes;
    if (patch.enabled !== undefined) set.enabled = patch.enabled ? 1 : 0;
    if (patch.allowPrivate !== undefined) set.allow_private = patch.allowPrivate ? 1 : 0;
    if (patch.etag !== undefined) set.etag = patch.etag;
    if (patch.lastModified !== undefined) set.last_modified = patch.lastModified;
    if (patch.lastPolledAt !== undefined) set.last_polled_at = patch.lastPolledAt;
    if (patch.lastSuccessAt !== undefined) set.last_success_at = patch.lastSuccessAt;
    if (patch.nextPollAt !== undefined) set.next_poll_at = patch.nextPollAt;
    if (patch.consecutiveFailures !== undefined) set.consecutive_failures = patch.consecutiveFailures;
    if (patch.lastFailure !== undefined) set.last_failure = JSON.stringify(patch.lastFailure);
    if (patch.lastWarnings !== undefined) set.last_warnings = JSON.stringify(patch.lastWarnings);
    if (patch.contentHash !== undefined) set.content_hash = patch.contentHash;
    if (Object.keys(set).length === 0) return;
    await this.db.updateTable("monitor_sources").set(set).where("id", "=", id).execute();
  }

  async recordFailure(sourceId: string, f: SourceFailure): Promise<void> {
    await this.db
      .insertInto("monitor_source_failures")
      .values({ source_id: sourceId, at: f.at, kind: f.kind, message: f.message.slice(0, 2000), url: f.url.slice(0, 2000), http_status: f.httpStatus ?? null })
      .execute();
  }

  /** One transaction per batch: a source's items land together, with one disk sync. */
  async addItems(items: CollectedItem[]): Promise<CollectedItem[]> {
    if (items.length === 0) return [];
    return this.store.transaction(async (trx) => {
      const db = trx.withTables<MonitorTables>();
      const stored: CollectedItem[] = [];
      for (const it of items) {
        const res = await db
        .insertInto("monitor_items")
        .values({
          id: monitorId("mitm"),
          source_id: it.sourceId,
          item_key: it.key,
          url: it.url ?? null,
          title: it.title,
          text: it.text,
          published: it.published ?? null,
          fetched_at: it.fetchedAt,
          lang: it.classification.lang,
          labels: JSON.stringify(it.classification.labels),
          reasons: JSON.stringify(it.classification.reasons),
          entities: JSON.stringify(it.classification.entities),
          status: "new",
          reviewed_by: null,
          reviewed_at: null,
        })
        .onConflict((oc) => oc.columns(["source_id", "item_key"]).doNothing())
        .executeTakeFirst();
        if (Number(res.numInsertedOrUpdatedRows ?? 0) > 0) stored.push(it);
      }
      return stored;
    });
  }
}
