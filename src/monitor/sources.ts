import { authorize } from "../accounts/index.ts";
import { audit, nowIso, withTransaction, type Ctx } from "../core/context.ts";
import { Problems, VigilError } from "../core/errors.ts";
import { monitorId } from "./ids.ts";
import type { SourceFailure, SourceKind, SourceState } from "./poller.ts";
import type { Label } from "./lexicon.ts";
import type { Entity } from "./extract.ts";
import type { LabelReason } from "./detect.ts";
import { schedulePollJob } from "./schedule.ts";
import type { MonitorItemsTable, MonitorTables } from "./schema.ts";
import { sourceFromRow } from "./store-repository.ts";
import type { Kysely } from "kysely";

/** The monitoring tables through the caller's database handle (its open transaction, if any). */
const mdb = (ctx: Ctx): Kysely<MonitorTables> => ctx.db.withTables<MonitorTables>();

export interface NewSource {
  url: string;
  kind?: SourceKind;
  intervalMinutes?: number;
  /** Permit a private or loopback address for this source (an intranet server). Operators only (the command line). */
  allowPrivate?: boolean;
  title?: string;
}

function checkSource(input: { url?: string; kind?: string; intervalMinutes?: number; title?: string }, p: Problems): URL | undefined {
  let url: URL | undefined;
  if (input.url !== undefined) {
    try {
      url = new URL(input.url.trim());
      if (url.protocol !== "http:" && url.protocol !== "https:") {
        p.add("url", `only http and https sources can be watched, not ${url.protocol}`);
        url = undefined;
      } else if (url.username || url.password) {
        p.add("url", "a source address may not carry a user name or password");
        url = undefined;
      }
    } catch {
      p.add("url", `not a valid URL: ${JSON.stringify(input.url.slice(0, 200))}`);
    }
  }
  if (input.kind !== undefined && input.kind !== "feed" && input.kind !== "page") p.add("kind", "a source is a feed or a page");
  const interval = input.intervalMinutes;
  if (interval !== undefined && (!Number.isInteger(interval) || interval < 1 || interval > 7 * 24 * 60)) p.add("interval", "the interval must be a whole number of minutes from 1 to 10080");
  if (input.title !== undefined && input.title.length > 300) p.add("title", "a title is at most 300 characters");
  return url;
}

/**
 * Adds a feed or page to watch and schedules its first poll. The URL must be
 * http(s); the same URL twice is a conflict.
 */
export async function addSource(ctx: Ctx, input: NewSource): Promise<SourceState> {
  authorize(ctx.actor, "monitor.sources");
  if (input.allowPrivate && ctx.actor.role !== "system") throw new VigilError("forbidden", "only the server's operator may allow a private address for a source (vigil monitor add-feed --allow-private, or VIGIL_MONITOR_ALLOW_PRIVATE_HOSTS)");
  const p = new Problems();
  const url = checkSource(input, p);
  p.throwIfAny("the source has errors");
  const db = mdb(ctx);
  const existing = await db.selectFrom("monitor_sources").select("id").where("url", "=", url!.href).executeTakeFirst();
  if (existing) throw new VigilError("conflict", `${url!.href} is already watched (source ${existing.id})`, { where: { field: "url" } });
  const row = {
    id: monitorId("msrc"),
    url: url!.href,
    kind: input.kind ?? "feed",
    title: input.title?.trim() || null,
    interval_minutes: input.intervalMinutes ?? 30,
    enabled: 1,
    allow_private: input.allowPrivate ? 1 : 0,
    etag: null,
    last_modified: null,
    last_polled_at: null,
    last_success_at: null,
    next_poll_at: null,
    consecutive_failures: 0,
    last_failure: null,
    last_warnings: null,
    content_hash: null,
    created_at: nowIso(ctx),
    created_by: ctx.actor.id,
  };
  await withTransaction(ctx, async (tx) => {
    await tx.db.withTables<MonitorTables>().insertInto("monitor_sources").values(row).execute();
    await schedulePollJob(tx.db, tx.now(), `source-${row.id}`);
    await audit(tx, { action: "monitor.source.add", targetType: "monitor_source", targetId: row.id, detail: { url: row.url, kind: row.kind } });
  });
  return sourceFromRow(row);
}

/** Every watched source with its state and last failure. */
export async function listSources(ctx: Ctx): Promise<SourceState[]> {
  authorize(ctx.actor, "monitor.read");
  const rows = await mdb(ctx).selectFrom("monitor_sources").selectAll().orderBy("created_at").orderBy("id").execute();
  return rows.map(sourceFromRow);
}

/** One source with its recent failures, newest first. */
export async function getSource(ctx: Ctx, id: string): Promise<SourceState & { failures: SourceFailure[]; items: number; labelled: number }> {
  authorize(ctx.actor, "monitor.read");
  const db = mdb(ctx);
  const row = await db.selectFrom("monitor_sources").selectAll().where("id", "=", id).executeTakeFirst();
  if (!row) throw new VigilError("not_found", `source ${id} not found`);
  const failures = await db.selectFrom("monitor_source_failures").selectAll().where("source_id", "=", id).orderBy("at", "desc").limit(20).execute();
  const counts = await db
    .selectFrom("monitor_items")
    .select((eb) => [eb.fn.countAll<number>().as("n"), eb.fn.sum<number>(eb.case().when("labels", "!=", "[]").then(1).else(0).end()).as("labelled")])
    .where("source_id", "=", id)
    .executeTakeFirst();
  return {
    ...sourceFromRow(row),
    failures: failures.map((f) => ({ at: f.at, kind: f.kind as SourceFailure["kind"], message: f.message, url: f.url, ...(f.http_status !== null ? { httpStatus: f.http_status } : {}) })),
    items: Number(counts?.n ?? 0),
    labelled: Number(counts?.labelled ?? 0),
  };
}

export interface SourcePatch {
  url?: string;
  kind?: SourceKind;
  title?: string | null;
  intervalMinutes?: number;
  /** false pauses polling; true resumes it (due at once). */
  enabled?: boolean;
}

/** Edits, pauses or resumes a source. A new URL or kind starts afresh (validators and page hash dropped). */
export async function updateSource(ctx: Ctx, id: string, patch: SourcePatch): Promise<SourceState> {
  authorize(ctx.actor, "monitor.sources");
  const p = new Problems();
  const url = checkSource({ ...(patch.url !== undefined ? { url: patch.url } : {}), ...(patch.kind !== undefined ? { kind: patch.kind } : {}), ...(patch.intervalMinutes !== undefined ? { intervalMinutes: patch.intervalMinutes } : {}), ...(patch.title ? { title: patch.title } : {}) }, p);
  p.throwIfAny("the source has errors");
  return withTransaction(ctx, async (tx) => {
    const db = tx.db.withTables<MonitorTables>();
    const row = await db.selectFrom("monitor_sources").selectAll().where("id", "=", id).executeTakeFirst();
    if (!row) throw new VigilError("not_found", `source ${id} not found`);
    if (url && url.href !== row.url) {
      const other = await db.selectFrom("monitor_sources").select("id").where("url", "=", url.href).executeTakeFirst();
      if (other) throw new VigilError("conflict", `${url.href} is already watched (source ${other.id})`, { where: { field: "url" } });
    }
    const fresh = (url && url.href !== row.url) || (patch.kind !== undefined && patch.kind !== row.kind);
    const resumed = patch.enabled === true && row.enabled === 0;
    await db
      .updateTable("monitor_sources")
      .set({
        ...(url ? { url: url.href } : {}),
        ...(patch.kind !== undefined ? { kind: patch.kind } : {}),
        ...(patch.title !== undefined ? { title: patch.title?.trim() || null } : {}),
        ...(patch.intervalMinutes !== undefined ? { interval_minutes: patch.intervalMinutes } : {}),
        ...(patch.enabled !== undefined ? { enabled: patch.enabled ? 1 : 0 } : {}),
        ...(fresh ? { etag: null, last_modified: null, content_hash: null } : {}),
        ...(fresh || resumed ? { next_poll_at: null, consecutive_failures: 0 } : {}),
      })
      .where("id", "=", id)
      .execute();
    if (fresh || resumed) await schedulePollJob(tx.db, tx.now(), `source-${id}-${tx.now().getTime()}`);
    const action = patch.enabled === false ? "monitor.source.pause" : resumed ? "monitor.source.resume" : "monitor.source.update";
    await audit(tx, { action, targetType: "monitor_source", targetId: id, detail: { fields: Object.keys(patch) } });
    return sourceFromRow((await db.selectFrom("monitor_sources").selectAll().where("id", "=", id).executeTakeFirstOrThrow()));
  });
}

/** Makes a source due now and wakes the poller (failures' back-off is kept unless the source is fixed). */
export async function pollSourceNow(ctx: Ctx, id: string): Promise<void> {
  authorize(ctx.actor, "monitor.sources");
  await withTransaction(ctx, async (tx) => {
    const db = tx.db.withTables<MonitorTables>();
    const res = await db.updateTable("monitor_sources").set({ next_poll_at: nowIso(tx) }).where("id", "=", id).where("enabled", "=", 1).executeTakeFirst();
    if (Number(res.numUpdatedRows) === 0) {
      const exists = await db.selectFrom("monitor_sources").select("enabled").where("id", "=", id).executeTakeFirst();
      if (!exists) throw new VigilError("not_found", `source ${id} not found`);
      throw new VigilError("conflict", "this source is paused: resume it first");
    }
    await schedulePollJob(tx.db, tx.now(), `now-${id}-${tx.now().getTime()}`);
    await audit(tx, { action: "monitor.source.poll_now", targetType: "monitor_source", targetId: id });
  });
}

/** One item of the triage queue as staff see it. */
export interface TriageItem {
  id: string;
  sourceId: string;
  url?: string;
  title: string;
  text: string;
  published?: string;
  fetchedAt: string;
  lang: string;
  labels: Label[];
  reasons: LabelReason[];
  entities: Entity[];
  status: "new" | "confirmed" | "dismissed";
  reviewedBy?: string;
  reviewedAt?: string;
  decision?: TriageDecision;
}

/** What a triage decision produced, or why the item was dismissed. */
export interface TriageDecision {
  reason?: string;
  sourceId?: string;
  recordIds?: string[];
  captureId?: string;
  /** Why no capture was requested (no URL, or the vault could not take it). */
  captureNote?: string;
}

export function triageItemFromRow(r: MonitorItemsTable): TriageItem {
  return {
    id: r.id,
    sourceId: r.source_id,
    ...(r.url !== null ? { url: r.url } : {}),
    title: r.title,
    text: r.text,
    ...(r.published !== null ? { published: r.published } : {}),
    fetchedAt: r.fetched_at,
    lang: r.lang,
    labels: JSON.parse(r.labels) as Label[],
    reasons: JSON.parse(r.reasons) as LabelReason[],
    entities: JSON.parse(r.entities) as Entity[],
    status: r.status as TriageItem["status"],
    ...(r.reviewed_by !== null ? { reviewedBy: r.reviewed_by } : {}),
    ...(r.reviewed_at !== null ? { reviewedAt: r.reviewed_at } : {}),
    ...(r.decision !== null ? { decision: JSON.parse(r.decision) as TriageDecision } : {}),
  };
}

export interface TriageQuery {
  status?: TriageItem["status"] | "all";
  labelledOnly?: boolean;
  label?: Label;
  sourceId?: string;
  limit?: number;
  /** Items fetched before this (paging back). */
  before?: string;
}

/**
 * The triage queue: collected items, newest first, by default only those
 * with at least one label and not yet reviewed.
 */
export async function listTriage(ctx: Ctx, options: TriageQuery = {}): Promise<TriageItem[]> {
  authorize(ctx.actor, "monitor.read");
  let q = mdb(ctx).selectFrom("monitor_items").selectAll();
  const status = options.status ?? "new";
  if (status !== "all") q = q.where("status", "=", status);
  if (options.labelledOnly ?? true) q = q.where("labels", "!=", "[]");
  if (options.label) q = q.where("labels", "like", `%"${options.label}"%`);
  if (options.sourceId) q = q.where("source_id", "=", options.sourceId);
  if (options.before) q = q.where("fetched_at", "<", options.before);
  const rows = await q.orderBy("fetched_at", "desc").orderBy("id", "desc").limit(Math.min(options.limit ?? 100, 1000)).execute();
  return rows.map(triageItemFromRow);
}

/** How many items wait for triage, per label. */
export async function triageCounts(ctx: Ctx): Promise<{ waiting: number; byLabel: Partial<Record<Label, number>> }> {
  authorize(ctx.actor, "monitor.read");
  const rows = await mdb(ctx).selectFrom("monitor_items").select("labels").where("status", "=", "new").where("labels", "!=", "[]").execute();
  const byLabel: Partial<Record<Label, number>> = {};
  for (const r of rows) for (const l of JSON.parse(r.labels) as Label[]) byLabel[l] = (byLabel[l] ?? 0) + 1;
  return { waiting: rows.length, byLabel };
}

/** One collected item. */
export async function getTriageItem(ctx: Ctx, id: string): Promise<TriageItem> {
  authorize(ctx.actor, "monitor.read");
  const row = await mdb(ctx).selectFrom("monitor_items").selectAll().where("id", "=", id).executeTakeFirst();
  if (!row) throw new VigilError("not_found", `item ${id} not found`);
  return triageItemFromRow(row);
}

/** Records a triage decision on an item (the triage use cases in triage.ts call this within their transaction). */
export async function setItemStatus(ctx: Ctx, id: string, status: "confirmed" | "dismissed", decision?: TriageDecision): Promise<void> {
  authorize(ctx.actor, "monitor.triage");
  const res = await ctx.db
    .withTables<MonitorTables>()
    .updateTable("monitor_items")
    .set({ status, reviewed_by: ctx.actor.id, reviewed_at: nowIso(ctx), ...(decision ? { decision: JSON.stringify(decision) } : {}) })
    .where("id", "=", id)
    .executeTakeFirst();
  if (Number(res.numUpdatedRows) === 0) throw new VigilError("not_found", `item ${id} not found`);
}
