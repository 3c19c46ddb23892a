import { monitorId } from "./ids.ts";
import { planDeliveries, renderAlertMessage, webhookPayload, type AlertEvent, type Delivery, type Subscription } from "./alerts.ts";

/** Where subscriptions and the delivery outbox are kept. The store implements it; tests use the in-memory one. */
export interface AlertRepository {
  activeSubscriptions(): Promise<Subscription[]>;
  /** Stores deliveries; one per subscription and event key (a second is ignored). Returns those stored. */
  enqueue(deliveries: readonly Delivery[]): Promise<Delivery[]>;
  /** Pending or retrying deliveries due at `now`. */
  due(now: Date): Promise<Delivery[]>;
  /**
   * Takes the due deliveries for sending: they are hidden from other
   * dispatchers until `leaseUntil` (a dispatcher that dies mid-way leaves
   * them to be sent again then: at least once, never lost).
   */
  claimDue(now: Date, leaseUntil: Date): Promise<Delivery[]>;
  markSent(ids: readonly string[], at: string): Promise<void>;
  /** `retryAt` undefined: given up (dead). */
  markFailed(ids: readonly string[], error: string, attempts: number, retryAt: string | undefined): Promise<void>;
}

export interface AlertTransports {
  email?: { send: (to: string, message: { subject: string; text: string }) => Promise<unknown> };
  webhook?: (url: string, secret: string, body: string, deliveryId: string) => Promise<unknown>;
}

/** Plans and stores the deliveries a batch of events calls for. */
export async function raiseAlerts(repo: AlertRepository, events: readonly AlertEvent[], now: Date): Promise<Delivery[]> {
  if (events.length === 0) return [];
  const subs = await repo.activeSubscriptions();
  return repo.enqueue(planDeliveries(events, subs, now, () => monitorId("mdlv")));
}

export interface DispatchReport {
  sent: number;
  /** Deliveries left waiting because their channel has no transport configured (no attempt counted). */
  waiting: number;
  retrying: { subscriptionId: string; deliveries: string[]; error: string }[];
  dead: { subscriptionId: string; deliveries: string[]; error: string }[];
}

/** Minutes before retry n: 1, 2, 4, … capped at six hours. */
const retryMinutes = (attempt: number): number => Math.min(360, 2 ** Math.max(0, attempt - 1));

/**
 * Sends what is due: a digest subscription gets one message with all its
 * due events, an immediate one a message per event. A failed send is kept
 * and retried later with doubling waits, until `maxAttempts`.
 */
export async function dispatchDue(repo: AlertRepository, transports: AlertTransports, now: Date, options: { maxAttempts?: number } = {}): Promise<DispatchReport> {
  const maxAttempts = options.maxAttempts ?? 6;
  const report: DispatchReport = { sent: 0, waiting: 0, retrying: [], dead: [] };
  const due = await repo.claimDue(now, new Date(now.getTime() + 10 * 60_000));
  if (due.length === 0) return report;
  const subs = new Map((await repo.activeSubscriptions()).map((s) => [s.id, s]));
  const bySub = new Map<string, Delivery[]>();
  for (const d of due) bySub.set(d.subscriptionId, [...(bySub.get(d.subscriptionId) ?? []), d]);
  for (const [subId, list] of bySub) {
    const sub = subs.get(subId);
    // Nothing to send with yet (no SMTP configured): the lease brings them back later, no attempt is spent.
    if (sub && ((sub.channel === "email" && !transports.email) || (sub.channel === "webhook" && !transports.webhook))) {
      report.waiting += list.length;
      continue;
    }
    const batches = !sub ? [list] : sub.mode === "digest" ? [list] : list.map((d) => [d]);
    for (const batch of batches) {
      const ids = batch.map((d) => d.id);
      try {
        if (!sub) throw new Error("the subscription is no longer active");
        const events = batch.map((d) => d.event);
        if (sub.channel === "email") {
          if (!transports.email) throw new Error("no email transport is configured");
          await transports.email.send(sub.address, renderAlertMessage(sub, events));
        } else {
          if (!transports.webhook) throw new Error("no webhook transport is configured");
          if (sub.secretProblem) throw new Error(sub.secretProblem);
          if (!sub.secret) throw new Error("the webhook has no signing secret");
          await transports.webhook(sub.address, sub.secret, webhookPayload(ids, sub, events, now), ids.join(","));
        }
        await repo.markSent(ids, now.toISOString());
        report.sent += batch.length;
      } catch (err) {
        const error = (err instanceof Error ? err.message : String(err)).slice(0, 1000);
        const attempts = Math.max(...batch.map((d) => d.attempts)) + 1;
        if (attempts >= maxAttempts || !sub) {
          await repo.markFailed(ids, error, attempts, undefined);
          report.dead.push({ subscriptionId: subId, deliveries: ids, error });
        } else {
          await repo.markFailed(ids, error, attempts, new Date(now.getTime() + retryMinutes(attempts) * 60_000).toISOString());
          report.retrying.push({ subscriptionId: subId, deliveries: ids, error });
        }
      }
    }
  }
  return report;
}

/** The outbox kept in memory: for tests and one-off runs. */
export class MemoryAlertRepository implements AlertRepository {
  readonly subscriptions: Subscription[] = [];
  readonly deliveries: Delivery[] = [];

  async activeSubscriptions(): Promise<Subscription[]> {
    return this.subscriptions.filter((s) => s.active);
  }
  async enqueue(deliveries: readonly Delivery[]): Promise<Delivery[]> {
    const stored: Delivery[] = [];
    for (const d of deliveries) {
      if (this.deliveries.some((x) => x.subscriptionId === d.subscriptionId && x.eventKey === d.eventKey)) continue;
      this.deliveries.push({ ...d });
      stored.push(d);
    }
    return stored;
  }
  async due(now: Date): Promise<Delivery[]> {
    return this.deliveries.filter((d) => (d.status === "pending" || d.status === "failed") && d.dueAt <= now.toISOString()).map((d) => ({ ...d }));
  }
  async claimDue(now: Date, leaseUntil: Date): Promise<Delivery[]> {
    const due = await this.due(now);
    for (const d of this.deliveries) if (due.some((x) => x.id === d.id)) d.dueAt = leaseUntil.toISOString();
    return due;
  }
  async markSent(ids: readonly string[], at: string): Promise<void> {
    for (const d of this.deliveries) if (ids.includes(d.id)) Object.assign(d, { status: "sent", deliveredAt: at });
  }
  async markFailed(ids: readonly string[], error: string, attempts: number, retryAt: string | undefined): Promise<void> {
    for (const d of this.deliveries) if (ids.includes(d.id)) Object.assign(d, { status: retryAt ? "failed" : "dead", lastError: error, attempts, ...(retryAt ? { dueAt: retryAt } : {}) });
  }
}
