import type { Job } from "../jobs/index.ts";
import type { Store } from "../store/index.ts";
import { pollOnce, type PollOptions, type PollReport } from "./poller.ts";
import { monitorDb, StoreMonitorRepository } from "./store-repository.ts";
import { itemEvent, type AlertEvent } from "./alerts.ts";
import { dispatchDue, raiseAlerts, type AlertTransports, type DispatchReport } from "./dispatch.ts";
import { allWatches, StoreAlertRepository } from "./store-alerts.ts";
import { DISPATCH_JOB, POLL_JOB, scheduleDispatch, schedulePollJob } from "./schedule.ts";
import { monitorRuntime } from "./runtime.ts";
import { secretBox } from "./secret-box.ts";
import { smtpSender } from "./email.ts";
import { sendWebhook } from "./webhook.ts";

export { POLL_JOB, DISPATCH_JOB };

/** Schedules a poll cycle at `at` (to the minute); scheduling the same minute twice is a no-op. */
export async function schedulePoll(store: Store, at: Date): Promise<void> {
  await schedulePollJob(store.db, at);
}

/**
 * Runs one poll cycle over the store's due sources, then queues alerts for
 * new items that carry a label or name a watched person, and wakes the
 * dispatcher when there are any.
 */
export async function pollStore(store: Store, options: PollOptions = {}): Promise<PollReport & { alertsQueued: number }> {
  const report = await pollOnce(new StoreMonitorRepository(store), options);
  const now = (options.now ?? (() => new Date()))();
  const watches = await allWatches(store.db);
  const events = report.newItems
    .map((i) => itemEvent({ id: `${i.sourceId}/${i.key}`, title: i.title, text: i.text, ...(i.url ? { url: i.url } : {}), labels: i.classification.labels, entities: i.classification.entities }, watches, now))
    .filter((e): e is AlertEvent => e !== undefined);
  const queued = await raiseAlerts(new StoreAlertRepository(store.db), events, now);
  if (queued.length) await scheduleDispatch(store.db, new Date(), `poll-${queued[0]!.id}`);
  return { ...report, alertsQueued: queued.length };
}

/**
 * The worker's poll job: one cycle (private hosts as configured), then the
 * next job at the earliest time a source falls due (at least a minute on),
 * so polling keeps going by itself.
 */
export async function pollJobHandler(store: Store, _job: Job): Promise<void> {
  const rt = monitorRuntime();
  await pollStore(store, { perHostDelayMs: rt.hostDelayMs, ...(rt.sourceAllowPrivateHosts.length ? { allowPrivate: rt.sourceAllowPrivateHosts } : {}) });
  const next = await monitorDb(store).selectFrom("monitor_sources").select("next_poll_at").where("enabled", "=", 1).orderBy("next_poll_at").limit(1).executeTakeFirst();
  if (!next) return;
  const soonest = Math.max(Date.now() + 60_000, next.next_poll_at ? Date.parse(next.next_poll_at) : Date.now() + 60_000);
  await schedulePollJob(store.db, new Date(soonest));
}

/** The transports the configuration allows: email when an SMTP relay is set, webhooks always (through the network guard). */
export function configuredTransports(): AlertTransports & { close: () => void } {
  const rt = monitorRuntime();
  const mail = rt.smtp ? smtpSender({ host: rt.smtp.host, port: rt.smtp.port, secure: rt.smtp.secure, requireTLS: rt.smtp.requireTLS, ...(rt.smtp.user ? { user: rt.smtp.user } : {}), ...(rt.smtp.pass ? { pass: rt.smtp.pass } : {}), from: rt.smtp.from }) : undefined;
  return {
    ...(mail ? { email: mail } : {}),
    webhook: (url, secret, body, deliveryId) => sendWebhook(url, secret, body, { deliveryId, fetchOptions: { allowPrivate: rt.webhookAllowPrivateHosts.length ? rt.webhookAllowPrivateHosts : false } }),
    close: () => mail?.close(),
  };
}

/** Sends what is due in the outbox with the configured transports. */
export async function dispatchStore(store: Store, now: Date = new Date()): Promise<DispatchReport> {
  const transports = configuredTransports();
  try {
    return await dispatchDue(new StoreAlertRepository(store.db, await secretBox(store.dataDir)), transports, now);
  } finally {
    transports.close();
  }
}

/**
 * The worker's dispatch job: sends what is due (immediate alerts, digests
 * whose period ended, retries), then comes back when the next delivery falls
 * due (within five minutes at most, so a lease left by a crash is picked up).
 */
export async function dispatchJobHandler(store: Store, _job: Job): Promise<void> {
  await dispatchStore(store);
  const next = await monitorDb(store).selectFrom("monitor_deliveries").select("due_at").where("status", "in", ["pending", "failed"]).orderBy("due_at").limit(1).executeTakeFirst();
  // Nothing pending: nothing to wake for (raising an alert schedules a run with it).
  if (next) {
    const now = Date.now();
    await scheduleDispatch(store.db, new Date(Math.min(now + 5 * 60_000, Math.max(now + 15_000, Date.parse(next.due_at)))));
  }
  // Finished runs of our own jobs are of no use after a day; keep the queue small.
  await store.db
    .deleteFrom("jobs")
    .where("kind", "in", [POLL_JOB, DISPATCH_JOB])
    .where("status", "=", "done")
    .where("updated_at", "<", new Date(Date.now() - 86_400_000).toISOString())
    .execute();
}
