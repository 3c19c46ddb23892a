import type { Kysely } from "kysely";
import { authorize } from "../accounts/index.ts";
import { nowIso, withTransaction, type Ctx } from "../core/context.ts";
import type { FuzzyDate } from "../core/dates.ts";
import { VigilError } from "../core/errors.ts";
import type { CoreTables } from "../store/schema.ts";
import { validateSubscription, type AlertEvent, type Delivery, type Subscription, type Topic } from "./alerts.ts";
import { raiseAlerts, type AlertRepository } from "./dispatch.ts";
import { monitorId } from "./ids.ts";
import type { MonitorDeliveriesTable, MonitorSubscriptionsTable, MonitorTables } from "./schema.ts";
import { addStep, currentStatus, riskLevel, validateStep, type StatusChange, type Watch, type WatchSourceRef, type WatchStatus, type WatchStep, type WatchStepKind } from "./watchlist.ts";

const tables = (db: Kysely<CoreTables>): Kysely<MonitorTables> => db.withTables<MonitorTables>();

function subscriptionFromRow(r: MonitorSubscriptionsTable): Subscription {
  return {
    id: r.id,
    name: r.name,
    channel: r.channel as Subscription["channel"],
    address: r.address,
    ...(r.secret !== null ? { secret: r.secret } : {}),
    topics: JSON.parse(r.topics) as Topic[],
    persons: JSON.parse(r.persons) as string[],
    provinces: JSON.parse(r.provinces) as string[],
    mode: r.mode as Subscription["mode"],
    ...(r.digest_minutes !== null ? { digestMinutes: r.digest_minutes } : {}),
    lang: r.lang as Subscription["lang"],
    active: r.active === 1,
  };
}

function deliveryFromRow(r: MonitorDeliveriesTable): Delivery {
  return {
    id: r.id,
    subscriptionId: r.subscription_id,
    eventKey: r.event_key,
    event: JSON.parse(r.event) as AlertEvent,
    status: r.status as Delivery["status"],
    dueAt: r.due_at,
    attempts: r.attempts,
    ...(r.last_error !== null ? { lastError: r.last_error } : {}),
    ...(r.delivered_at !== null ? { deliveredAt: r.delivered_at } : {}),
  };
}

/** Subscriptions and the delivery outbox in the store; pass the open transaction's db to enqueue with the change. */
export class StoreAlertRepository implements AlertRepository {
  private readonly db: Kysely<MonitorTables>;
  constructor(db: Kysely<CoreTables>) {
    this.db = tables(db);
  }
  async activeSubscriptions(): Promise<Subscription[]> {
    return (await this.db.selectFrom("monitor_subscriptions").selectAll().where("active", "=", 1).orderBy("id").execute()).map(subscriptionFromRow);
  }
  async enqueue(deliveries: readonly Delivery[]): Promise<Delivery[]> {
    const stored: Delivery[] = [];
    for (const d of deliveries) {
      const res = await this.db
        .insertInto("monitor_deliveries")
        .values({ id: d.id, subscription_id: d.subscriptionId, event_key: d.eventKey, event: JSON.stringify(d.event), status: d.status, due_at: d.dueAt, attempts: d.attempts, last_error: null, delivered_at: null, created_at: new Date().toISOString() })
        .onConflict((oc) => oc.columns(["subscription_id", "event_key"]).doNothing())
        .executeTakeFirst();
      if (Number(res.numInsertedOrUpdatedRows ?? 0) > 0) stored.push(d);
    }
    return stored;
  }
  async due(now: Date): Promise<Delivery[]> {
    const rows = await this.db.selectFrom("monitor_deliveries").selectAll().where("status", "in", ["pending", "failed"]).where("due_at", "<=", now.toISOString()).orderBy("due_at").orderBy("id").limit(1000).execute();
    return rows.map(deliveryFromRow);
  }
  async markSent(ids: readonly string[], at: string): Promise<void> {
    if (ids.length) await this.db.updateTable("monitor_deliveries").set({ status: "sent", delivered_at: at }).where("id", "in", [...ids]).execute();
  }
  async markFailed(ids: readonly string[], error: string, attempts: number, retryAt: string | undefined): Promise<void> {
    if (!ids.length) return;
    await this.db
      .updateTable("monitor_deliveries")
      .set({ status: retryAt ? "failed" : "dead", last_error: error, attempts, ...(retryAt ? { due_at: retryAt } : {}) })
      .where("id", "in", [...ids])
      .execute();
  }
}

/** Creates a subscription after checking it (every problem at once). */
export async function createSubscription(ctx: Ctx, input: Omit<Subscription, "id" | "active"> & { active?: boolean }): Promise<Subscription> {
  authorize(ctx.actor, "record.update");
  const sub: Subscription = { ...input, id: monitorId("msub"), active: input.active ?? true };
  validateSubscription(sub);
  await tables(ctx.db)
    .insertInto("monitor_subscriptions")
    .values({
      id: sub.id,
      name: sub.name,
      channel: sub.channel,
      address: sub.address,
      secret: sub.secret ?? null,
      topics: JSON.stringify(sub.topics),
      persons: JSON.stringify(sub.persons),
      provinces: JSON.stringify(sub.provinces),
      mode: sub.mode,
      digest_minutes: sub.digestMinutes ?? null,
      lang: sub.lang,
      active: sub.active ? 1 : 0,
      created_at: nowIso(ctx),
    })
    .execute();
  return sub;
}

// ---------- watchlist ----------

export interface WatchSummary extends Watch {
  status?: WatchStatus;
  risk: ReturnType<typeof riskLevel>;
}

async function loadWatch(db: Kysely<MonitorTables>, id: string): Promise<Watch | undefined> {
  const row = await db.selectFrom("monitor_watches").selectAll().where("id", "=", id).executeTakeFirst();
  if (!row) return undefined;
  const steps = await db.selectFrom("monitor_watch_steps").selectAll().where("watch_id", "=", id).execute();
  return {
    id: row.id,
    ...(row.person_id !== null ? { personId: row.person_id } : {}),
    names: JSON.parse(row.names) as string[],
    ...(row.province !== null ? { province: row.province } : {}),
    steps: steps.map((s) => ({
      id: s.id,
      kind: s.kind as WatchStepKind,
      date: JSON.parse(s.date) as FuzzyDate,
      sources: JSON.parse(s.sources) as WatchSourceRef[],
      ...(s.note !== null ? { note: s.note } : {}),
      recordedAt: s.recorded_at,
      recordedBy: s.recorded_by,
    })),
  };
}

/** Puts a person on the watchlist. */
export async function createWatch(ctx: Ctx, input: { names: string[]; personId?: string; province?: string }): Promise<Watch> {
  authorize(ctx.actor, "record.create");
  const names = input.names.map((n) => n.trim()).filter(Boolean);
  if (names.length === 0) throw new VigilError("validation", "a watched person needs at least one name", { where: { field: "names" } });
  const watch: Watch = { id: monitorId("mwat"), names, steps: [], ...(input.personId ? { personId: input.personId } : {}), ...(input.province ? { province: input.province } : {}) };
  const now = nowIso(ctx);
  await tables(ctx.db)
    .insertInto("monitor_watches")
    .values({ id: watch.id, person_id: input.personId ?? null, names: JSON.stringify(names), province: input.province ?? null, status: null, status_date: null, created_at: now, updated_at: now })
    .execute();
  return watch;
}

/**
 * Records a sourced step on a watched person's timeline; when the status
 * changes (or a step contradicts an execution), the alerts are queued in the
 * same transaction, so a change is never saved without its alerts.
 */
export async function recordStep(ctx: Ctx, watchId: string, input: { kind: WatchStepKind; date: FuzzyDate; sources: WatchSourceRef[]; note?: string }): Promise<{ watch: Watch; change?: StatusChange; deliveries: number }> {
  authorize(ctx.actor, "record.update");
  validateStep(input);
  return withTransaction(ctx, async (tx) => {
    const db = tables(tx.db);
    const watch = await loadWatch(db, watchId);
    if (!watch) throw new VigilError("not_found", `watched person ${watchId} not found`);
    const step: WatchStep = { id: monitorId("mstp"), kind: input.kind, date: input.date, sources: input.sources, ...(input.note ? { note: input.note } : {}), recordedAt: nowIso(tx), recordedBy: tx.actor.id };
    const { watch: next, change } = addStep(watch, step);
    await db
      .insertInto("monitor_watch_steps")
      .values({ id: step.id, watch_id: watchId, kind: step.kind, date: JSON.stringify(step.date), date_earliest: step.date.earliest, sources: JSON.stringify(step.sources), note: step.note ?? null, recorded_at: step.recordedAt, recorded_by: step.recordedBy })
      .execute();
    const cur = currentStatus(next.steps);
    await db.updateTable("monitor_watches").set({ status: cur.status ?? null, status_date: cur.step?.date.earliest ?? null, updated_at: nowIso(tx) }).where("id", "=", watchId).execute();
    let deliveries = 0;
    if (change) deliveries = (await raiseAlerts(new StoreAlertRepository(tx.db), [{ kind: "status_change", key: `watch:${watchId}:${step.id}`, at: nowIso(tx), ...change }], tx.now())).length;
    return { watch: next, ...(change ? { change } : {}), deliveries };
  });
}

/** The watchlist, most urgent first. */
export async function listWatches(ctx: Ctx): Promise<WatchSummary[]> {
  authorize(ctx.actor, "record.read");
  const db = tables(ctx.db);
  const ids = await db.selectFrom("monitor_watches").select("id").execute();
  const rank = { imminent: 0, high: 1, elevated: 2, unknown: 3, ended: 4 } as const;
  const out: WatchSummary[] = [];
  for (const { id } of ids) {
    const w = (await loadWatch(db, id))!;
    const status = currentStatus(w.steps).status;
    out.push({ ...w, ...(status ? { status } : {}), risk: riskLevel(status) });
  }
  return out.sort((a, b) => rank[a.risk] - rank[b.risk] || a.id.localeCompare(b.id));
}

/** Every watch with its steps, for matching monitored items against watched names. */
export async function allWatches(db: Kysely<CoreTables>): Promise<Watch[]> {
  const t = tables(db);
  const ids = await t.selectFrom("monitor_watches").select("id").execute();
  return (await Promise.all(ids.map(({ id }) => loadWatch(t, id)))).filter((w): w is Watch => w !== undefined);
}
