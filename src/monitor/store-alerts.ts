import { randomBytes } from "node:crypto";
import type { Kysely } from "kysely";
import { authorize } from "../accounts/index.ts";
import { audit, nowIso, withTransaction, type Ctx } from "../core/context.ts";
import type { FuzzyDate } from "../core/dates.ts";
import { VigilError } from "../core/errors.ts";
import type { CoreTables } from "../store/schema.ts";
import { validateSubscription, type AlertEvent, type Delivery, type Subscription, type Topic } from "./alerts.ts";
import { raiseAlerts, type AlertRepository } from "./dispatch.ts";
import { monitorId } from "./ids.ts";
import { loadLexicon } from "./lexicon.ts";
import { scheduleDispatch } from "./schedule.ts";
import type { MonitorDeliveriesTable, MonitorSubscriptionsTable, MonitorTables } from "./schema.ts";
import { secretBox, type SecretBox } from "./secret-box.ts";
import { addStep, currentStatus, riskLevel, validateStep, type StatusChange, type Watch, type WatchSourceRef, type WatchStatus, type WatchStep, type WatchStepKind } from "./watchlist.ts";

const tables = (db: Kysely<CoreTables>): Kysely<MonitorTables> => db.withTables<MonitorTables>();

function subscriptionFromRow(r: MonitorSubscriptionsTable, box?: SecretBox): Subscription {
  let secret: string | undefined;
  let secretProblem: string | undefined;
  if (r.secret !== null) {
    if (!box) secret = r.secret;
    else {
      try {
        secret = box.open(r.secret, r.id);
      } catch (e) {
        secretProblem = e instanceof Error ? e.message : String(e);
      }
    }
  }
  return {
    id: r.id,
    name: r.name,
    channel: r.channel as Subscription["channel"],
    address: r.address,
    ...(secret !== undefined ? { secret } : {}),
    ...(secretProblem !== undefined ? { secretProblem } : {}),
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

/**
 * Subscriptions and the delivery outbox in the store; pass the open
 * transaction's db to enqueue with the change. Given the secret box, it
 * opens webhook secrets for sending (the dispatcher); without it, secrets
 * stay sealed (everything else only matches events to subscriptions).
 */
export class StoreAlertRepository implements AlertRepository {
  private readonly db: Kysely<MonitorTables>;
  constructor(
    db: Kysely<CoreTables>,
    private readonly box?: SecretBox,
  ) {
    this.db = tables(db);
  }
  async activeSubscriptions(): Promise<Subscription[]> {
    return (await this.db.selectFrom("monitor_subscriptions").selectAll().where("active", "=", 1).orderBy("id").execute()).map((r) => subscriptionFromRow(r, this.box));
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
  async claimDue(now: Date, leaseUntil: Date): Promise<Delivery[]> {
    const candidates = await this.due(now);
    const mine: Delivery[] = [];
    for (const d of candidates) {
      // Taken only if nobody moved it since we read it: two dispatchers never send the same delivery at once.
      const res = await this.db
        .updateTable("monitor_deliveries")
        .set({ due_at: leaseUntil.toISOString() })
        .where("id", "=", d.id)
        .where("due_at", "=", d.dueAt)
        .where("status", "in", ["pending", "failed"])
        .executeTakeFirst();
      if (Number(res.numUpdatedRows) === 1) mine.push(d);
    }
    return mine;
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

// ---------- subscriptions ----------

/** A subscription as staff see it: never its secret. */
export type SubscriptionView = Omit<Subscription, "secret" | "secretProblem"> & { hasSecret: boolean; createdAt: string; createdBy: string | null; updatedAt: string | null };

function viewOf(r: MonitorSubscriptionsTable): SubscriptionView {
  const { secret: _s, secretProblem: _p, ...rest } = subscriptionFromRow(r);
  return { ...rest, hasSecret: r.secret !== null, createdAt: r.created_at, createdBy: r.created_by, updatedAt: r.updated_at };
}

/** A new webhook signing secret: 256 random bits. */
export const newWebhookSecret = (): string => `vwhs_${randomBytes(32).toString("base64url")}`;

export type SubscriptionInput = Omit<Subscription, "id" | "active" | "secret" | "secretProblem"> & { active?: boolean; secret?: string };

async function checkPersons(ctx: Ctx, persons: readonly string[]): Promise<void> {
  if (!persons.length) return;
  const found = await tables(ctx.db).selectFrom("monitor_watches").select("id").where("id", "in", [...persons]).execute();
  const missing = persons.filter((p) => !found.some((f) => f.id === p));
  if (missing.length) throw new VigilError("validation", `not on the watchlist: ${missing.join(", ")}`, { where: { field: "persons" } });
}

/**
 * Creates a subscription after checking it (every problem at once). A
 * webhook gets a signing secret (made here unless given), stored sealed;
 * it is returned this once, for the receiver to keep.
 */
export async function createSubscription(ctx: Ctx, input: SubscriptionInput): Promise<{ subscription: SubscriptionView; secret?: string }> {
  authorize(ctx.actor, "monitor.subscriptions");
  const secret = input.channel === "webhook" ? (input.secret ?? newWebhookSecret()) : undefined;
  const sub: Subscription = { ...input, id: monitorId("msub"), active: input.active ?? true, ...(secret ? { secret } : {}) };
  if (input.channel !== "webhook") delete sub.secret;
  validateSubscription(sub);
  await checkPersons(ctx, sub.persons);
  const box = secret ? await secretBox(ctx.store.dataDir) : undefined;
  const now = nowIso(ctx);
  const row: MonitorSubscriptionsTable = {
    id: sub.id,
    name: sub.name.trim(),
    channel: sub.channel,
    address: sub.address.trim(),
    secret: secret && box ? box.seal(secret, sub.id) : null,
    topics: JSON.stringify(sub.topics),
    persons: JSON.stringify(sub.persons),
    provinces: JSON.stringify(sub.provinces),
    mode: sub.mode,
    digest_minutes: sub.mode === "digest" ? (sub.digestMinutes ?? 24 * 60) : null,
    lang: sub.lang,
    active: sub.active ? 1 : 0,
    created_at: now,
    created_by: ctx.actor.id,
    updated_at: now,
  };
  await withTransaction(ctx, async (tx) => {
    await tables(tx.db).insertInto("monitor_subscriptions").values(row).execute();
    // The address is personal data: the log says which subscription, not where it goes.
    await audit(tx, { action: "monitor.subscription.create", targetType: "monitor_subscription", targetId: sub.id, detail: { channel: sub.channel, topics: sub.topics, persons: sub.persons, provinces: sub.provinces, mode: sub.mode } });
  });
  return { subscription: viewOf(row), ...(secret ? { secret } : {}) };
}

/** Every subscription (addresses are personal data: only for those who manage subscriptions). */
export async function listSubscriptions(ctx: Ctx): Promise<SubscriptionView[]> {
  authorize(ctx.actor, "monitor.subscriptions");
  return (await tables(ctx.db).selectFrom("monitor_subscriptions").selectAll().orderBy("created_at").orderBy("id").execute()).map(viewOf);
}

async function subscriptionRow(ctx: Ctx, id: string): Promise<MonitorSubscriptionsTable> {
  const row = await tables(ctx.db).selectFrom("monitor_subscriptions").selectAll().where("id", "=", id).executeTakeFirst();
  if (!row) throw new VigilError("not_found", `subscription ${id} not found`);
  return row;
}

export async function getSubscription(ctx: Ctx, id: string): Promise<SubscriptionView> {
  authorize(ctx.actor, "monitor.subscriptions");
  return viewOf(await subscriptionRow(ctx, id));
}

export type SubscriptionPatch = Partial<Omit<SubscriptionInput, "channel" | "secret">>;

/** Changes a subscription (not its channel: make a new one); pausing is `active: false`. */
export async function updateSubscription(ctx: Ctx, id: string, patch: SubscriptionPatch): Promise<SubscriptionView> {
  authorize(ctx.actor, "monitor.subscriptions");
  return withTransaction(ctx, async (tx) => {
    const row = await subscriptionRow(tx, id);
    const cur = subscriptionFromRow(row);
    const next: Subscription = { ...cur, ...Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined)), id, channel: cur.channel, ...(row.secret !== null ? { secret: "sealed-secret-present" } : {}) };
    validateSubscription(next);
    await checkPersons(tx, next.persons);
    const now = nowIso(tx);
    await tables(tx.db)
      .updateTable("monitor_subscriptions")
      .set({
        name: next.name.trim(),
        address: next.address.trim(),
        topics: JSON.stringify(next.topics),
        persons: JSON.stringify(next.persons),
        provinces: JSON.stringify(next.provinces),
        mode: next.mode,
        digest_minutes: next.mode === "digest" ? (next.digestMinutes ?? 24 * 60) : null,
        lang: next.lang,
        active: next.active ? 1 : 0,
        updated_at: now,
      })
      .where("id", "=", id)
      .execute();
    await audit(tx, { action: "monitor.subscription.update", targetType: "monitor_subscription", targetId: id, detail: { fields: Object.keys(patch).filter((k) => k !== "address"), ...(patch.address !== undefined ? { address: "changed" } : {}) } });
    return viewOf((await subscriptionRow(tx, id)));
  });
}

/** A new signing secret for a webhook (the old one stops working at once); returned this once. */
export async function rotateWebhookSecret(ctx: Ctx, id: string): Promise<{ secret: string }> {
  authorize(ctx.actor, "monitor.subscriptions");
  const box = await secretBox(ctx.store.dataDir);
  return withTransaction(ctx, async (tx) => {
    const row = await subscriptionRow(tx, id);
    if (row.channel !== "webhook") throw new VigilError("validation", "only webhooks have a signing secret", { where: { field: "channel" } });
    const secret = newWebhookSecret();
    await tables(tx.db).updateTable("monitor_subscriptions").set({ secret: box.seal(secret, id), updated_at: nowIso(tx) }).where("id", "=", id).execute();
    await audit(tx, { action: "monitor.subscription.rotate_secret", targetType: "monitor_subscription", targetId: id });
    return { secret };
  });
}

/** Deletes a subscription and its outbox. */
export async function deleteSubscription(ctx: Ctx, id: string): Promise<void> {
  authorize(ctx.actor, "monitor.subscriptions");
  await withTransaction(ctx, async (tx) => {
    await subscriptionRow(tx, id);
    await tables(tx.db).deleteFrom("monitor_deliveries").where("subscription_id", "=", id).execute();
    await tables(tx.db).deleteFrom("monitor_subscriptions").where("id", "=", id).execute();
    await audit(tx, { action: "monitor.subscription.delete", targetType: "monitor_subscription", targetId: id });
  });
}

/** Recent deliveries of a subscription (or all), newest first, with their status and last error. */
export async function listDeliveries(ctx: Ctx, options: { subscriptionId?: string; limit?: number } = {}): Promise<Delivery[]> {
  authorize(ctx.actor, "monitor.subscriptions");
  let q = tables(ctx.db).selectFrom("monitor_deliveries").selectAll();
  if (options.subscriptionId) q = q.where("subscription_id", "=", options.subscriptionId);
  const rows = await q.orderBy("created_at", "desc").orderBy("id", "desc").limit(Math.min(options.limit ?? 50, 500)).execute();
  return rows.map(deliveryFromRow);
}

/**
 * Seals webhook secrets stored before they were encrypted (the start-up
 * runs this once per start; sealed ones are left alone). Returns how many.
 */
export async function sealLegacySecrets(db: Kysely<CoreTables>, dataDir: string): Promise<number> {
  const t = tables(db);
  const rows = await t.selectFrom("monitor_subscriptions").select(["id", "secret"]).where("secret", "is not", null).where("secret", "not like", "enc:v1:%").execute();
  if (!rows.length) return 0;
  const box = await secretBox(dataDir);
  for (const r of rows) await t.updateTable("monitor_subscriptions").set({ secret: box.seal(r.secret!, r.id) }).where("id", "=", r.id).where("secret", "=", r.secret).execute();
  return rows.length;
}

// ---------- watchlist ----------

export interface WatchSummary extends Watch {
  status?: WatchStatus;
  risk: ReturnType<typeof riskLevel>;
  /** The step that set the status. */
  statusStep?: WatchStep;
  createdAt: string;
  updatedAt: string;
}

async function loadWatch(db: Kysely<MonitorTables>, id: string): Promise<(Watch & { createdAt: string; updatedAt: string }) | undefined> {
  const row = await db.selectFrom("monitor_watches").selectAll().where("id", "=", id).executeTakeFirst();
  if (!row) return undefined;
  const steps = await db.selectFrom("monitor_watch_steps").selectAll().where("watch_id", "=", id).execute();
  return {
    id: row.id,
    ...(row.person_id !== null ? { personId: row.person_id } : {}),
    names: JSON.parse(row.names) as string[],
    ...(row.province !== null ? { province: row.province } : {}),
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    steps: steps
      .map((s) => ({
        id: s.id,
        kind: s.kind as WatchStepKind,
        date: JSON.parse(s.date) as FuzzyDate,
        sources: JSON.parse(s.sources) as WatchSourceRef[],
        ...(s.note !== null ? { note: s.note } : {}),
        recordedAt: s.recorded_at,
        recordedBy: s.recorded_by,
      }))
      .sort((a, b) => (a.date.earliest ?? "9999").localeCompare(b.date.earliest ?? "9999") || a.recordedAt.localeCompare(b.recordedAt)),
  };
}

function summary(w: Watch & { createdAt: string; updatedAt: string }): WatchSummary {
  const cur = currentStatus(w.steps);
  return { ...w, ...(cur.status ? { status: cur.status } : {}), ...(cur.step ? { statusStep: cur.step } : {}), risk: riskLevel(cur.status) };
}

export interface WatchInput {
  names: string[];
  personId?: string;
  province?: string;
}

async function checkWatchInput(ctx: Ctx, input: WatchInput): Promise<string[]> {
  const names = [...new Set(input.names.map((n) => n.trim().replace(/\s+/g, " ")).filter(Boolean))];
  const problems: { field: string; message: string }[] = [];
  if (names.length === 0) problems.push({ field: "names", message: "a watched person needs at least one name" });
  if (names.some((n) => n.length > 300)) problems.push({ field: "names", message: "a name is at most 300 characters" });
  if (input.province) {
    if (!loadLexicon().gazetteer.some((g) => g.kind === "province" && g.id === input.province)) problems.push({ field: "province", message: `unknown province ${JSON.stringify(input.province)}` });
  }
  if (input.personId) {
    const r = await ctx.db.selectFrom("records").select(["id", "type"]).where("id", "=", input.personId).executeTakeFirst();
    if (!r || r.type !== "person") problems.push({ field: "personId", message: `${input.personId} is not a person record` });
  }
  if (problems.length) throw new VigilError("validation", problems.map((p) => p.message).join("; "), { where: { field: problems[0]!.field }, problems });
  return names;
}

/** Puts a person on the watchlist. */
export async function createWatch(ctx: Ctx, input: WatchInput): Promise<Watch> {
  authorize(ctx.actor, "monitor.watchlist");
  const names = await checkWatchInput(ctx, input);
  const watch: Watch = { id: monitorId("mwat"), names, steps: [], ...(input.personId ? { personId: input.personId } : {}), ...(input.province ? { province: input.province } : {}) };
  const now = nowIso(ctx);
  await withTransaction(ctx, async (tx) => {
    await tables(tx.db)
      .insertInto("monitor_watches")
      .values({ id: watch.id, person_id: input.personId ?? null, names: JSON.stringify(names), province: input.province ?? null, status: null, status_date: null, created_at: now, updated_at: now, created_by: tx.actor.id })
      .execute();
    await audit(tx, { action: "monitor.watch.create", targetType: "monitor_watch", targetId: watch.id, detail: { personId: input.personId ?? null, province: input.province ?? null } });
  });
  return watch;
}

/** Changes a watched person's names, province or record. */
export async function updateWatch(ctx: Ctx, id: string, input: WatchInput): Promise<WatchSummary> {
  authorize(ctx.actor, "monitor.watchlist");
  const names = await checkWatchInput(ctx, input);
  return withTransaction(ctx, async (tx) => {
    const res = await tables(tx.db)
      .updateTable("monitor_watches")
      .set({ names: JSON.stringify(names), province: input.province ?? null, person_id: input.personId ?? null, updated_at: nowIso(tx) })
      .where("id", "=", id)
      .executeTakeFirst();
    if (Number(res.numUpdatedRows) === 0) throw new VigilError("not_found", `watched person ${id} not found`);
    await audit(tx, { action: "monitor.watch.update", targetType: "monitor_watch", targetId: id, detail: { personId: input.personId ?? null, province: input.province ?? null } });
    return summary((await loadWatch(tables(tx.db), id))!);
  });
}

/**
 * Records a sourced step on a watched person's timeline; when the status
 * changes (or a step contradicts an execution), the alerts are queued in the
 * same transaction, so a change is never saved without its alerts, and the
 * dispatcher is woken.
 */
export async function recordStep(ctx: Ctx, watchId: string, input: { kind: WatchStepKind; date: FuzzyDate; sources: WatchSourceRef[]; note?: string }): Promise<{ watch: Watch; change?: StatusChange; deliveries: number }> {
  authorize(ctx.actor, "monitor.watchlist");
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
    if (change) {
      const queued = await raiseAlerts(new StoreAlertRepository(tx.db), [{ kind: "status_change", key: `watch:${watchId}:${step.id}`, at: nowIso(tx), ...change }], tx.now());
      deliveries = queued.length;
      if (queued.length) await scheduleDispatch(tx.db, tx.now(), `step-${step.id}`);
    }
    await audit(tx, { action: "monitor.watch.step", targetType: "monitor_watch", targetId: watchId, detail: { step: step.id, kind: step.kind, ...(change ? { from: change.from ?? null, to: change.to, conflict: change.conflict ?? null } : {}), deliveries } });
    return { watch: next, ...(change ? { change } : {}), deliveries };
  });
}

/** The watchlist, most urgent first. */
export async function listWatches(ctx: Ctx): Promise<WatchSummary[]> {
  authorize(ctx.actor, "monitor.read");
  const db = tables(ctx.db);
  const ids = await db.selectFrom("monitor_watches").select("id").execute();
  const rank = { imminent: 0, high: 1, elevated: 2, unknown: 3, ended: 4 } as const;
  const out: WatchSummary[] = [];
  for (const { id } of ids) out.push(summary((await loadWatch(db, id))!));
  return out.sort((a, b) => rank[a.risk] - rank[b.risk] || (b.statusStep?.date.earliest ?? "").localeCompare(a.statusStep?.date.earliest ?? "") || a.id.localeCompare(b.id));
}

/** One watched person with the whole timeline. */
export async function getWatch(ctx: Ctx, id: string): Promise<WatchSummary> {
  authorize(ctx.actor, "monitor.read");
  const w = await loadWatch(tables(ctx.db), id);
  if (!w) throw new VigilError("not_found", `watched person ${id} not found`);
  return summary(w);
}

/** Every watch with its steps, for matching monitored items against watched names. */
export async function allWatches(db: Kysely<CoreTables>): Promise<Watch[]> {
  const t = tables(db);
  const ids = await t.selectFrom("monitor_watches").select("id").execute();
  return (await Promise.all(ids.map(({ id }) => loadWatch(t, id)))).filter((w): w is Watch & { createdAt: string; updatedAt: string } => w !== undefined);
}
