import { authorize } from "../accounts/index.ts";
import { nowIso, type Ctx } from "../core/context.ts";
import { VigilError } from "../core/errors.ts";
import { monitorId } from "./ids.ts";
import type { SourceKind, SourceState } from "./poller.ts";
import type { Label } from "./lexicon.ts";
import type { Entity } from "./extract.ts";
import type { LabelReason } from "./detect.ts";
import { monitorDb, sourceFromRow } from "./store-repository.ts";

export interface NewSource {
  url: string;
  kind?: SourceKind;
  intervalMinutes?: number;
  /** Permit a private or loopback address for this source (an intranet server). */
  allowPrivate?: boolean;
  title?: string;
}

/** Adds a feed or page to watch. The URL must be http(s); the same URL twice is a conflict. */
export async function addSource(ctx: Ctx, input: NewSource): Promise<SourceState> {
  authorize(ctx.actor, "record.create");
  let url: URL;
  try {
    url = new URL(input.url);
  } catch {
    throw new VigilError("validation", `not a valid URL: ${JSON.stringify(input.url.slice(0, 200))}`, { where: { field: "url" } });
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") throw new VigilError("validation", `only http and https sources can be watched, not ${url.protocol}`, { where: { field: "url" } });
  const interval = input.intervalMinutes ?? 30;
  if (!Number.isInteger(interval) || interval < 1 || interval > 7 * 24 * 60) throw new VigilError("validation", "the interval must be a whole number of minutes from 1 to 10080", { where: { field: "interval" } });
  const db = monitorDb(ctx.store);
  const existing = await db.selectFrom("monitor_sources").select("id").where("url", "=", url.href).executeTakeFirst();
  if (existing) throw new VigilError("conflict", `${url.href} is already watched (source ${existing.id})`);
  const row = {
    id: monitorId("msrc"),
    url: url.href,
    kind: input.kind ?? "feed",
    title: input.title ?? null,
    interval_minutes: interval,
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
  await db.insertInto("monitor_sources").values(row).execute();
  return sourceFromRow(row);
}

/** Every watched source with its state and last failure. */
export async function listSources(ctx: Ctx): Promise<SourceState[]> {
  authorize(ctx.actor, "record.read");
  const rows = await monitorDb(ctx.store).selectFrom("monitor_sources").selectAll().orderBy("created_at").orderBy("id").execute();
  return rows.map(sourceFromRow);
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
}

/**
 * The triage queue: collected items, newest first, by default only those
 * with at least one label and not yet reviewed. Confirming an item into
 * records is the records core's job; `setItemStatus` records the decision.
 */
export async function listTriage(ctx: Ctx, options: { status?: TriageItem["status"] | "all"; labelledOnly?: boolean; limit?: number } = {}): Promise<TriageItem[]> {
  authorize(ctx.actor, "record.read");
  let q = monitorDb(ctx.store).selectFrom("monitor_items").selectAll();
  const status = options.status ?? "new";
  if (status !== "all") q = q.where("status", "=", status);
  if (options.labelledOnly ?? true) q = q.where("labels", "!=", "[]");
  const rows = await q.orderBy("fetched_at", "desc").orderBy("id", "desc").limit(Math.min(options.limit ?? 100, 1000)).execute();
  return rows.map((r) => ({
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
  }));
}

/** Records a triage decision on an item. */
export async function setItemStatus(ctx: Ctx, id: string, status: "confirmed" | "dismissed"): Promise<void> {
  authorize(ctx.actor, "record.update");
  const res = await monitorDb(ctx.store).updateTable("monitor_items").set({ status, reviewed_by: ctx.actor.id, reviewed_at: nowIso(ctx) }).where("id", "=", id).executeTakeFirst();
  if (Number(res.numUpdatedRows) === 0) throw new VigilError("not_found", `item ${id} not found`);
}
