import { enqueue, type Job } from "../jobs/index.ts";
import type { Store } from "../store/index.ts";
import { pollOnce, type PollOptions, type PollReport } from "./poller.ts";
import { monitorDb, StoreMonitorRepository } from "./store-repository.ts";
import { itemEvent, type AlertEvent } from "./alerts.ts";
import { raiseAlerts } from "./dispatch.ts";
import { allWatches, StoreAlertRepository } from "./store-alerts.ts";

export const POLL_JOB = "monitor.poll";

/** Schedules a poll cycle at `at` (to the minute); scheduling the same minute twice is a no-op. */
export async function schedulePoll(store: Store, at: Date): Promise<void> {
  const minute = new Date(Math.floor(at.getTime() / 60_000) * 60_000);
  await enqueue(store.db, POLL_JOB, {}, { runAt: minute, id: `monitor-poll-${minute.toISOString()}`, maxAttempts: 3 });
}

/**
 * Runs one poll cycle over the store's due sources, then queues alerts for
 * new items that carry a label or name a watched person (delivered by
 * `dispatchDue` once a mail or webhook transport is configured).
 */
export async function pollStore(store: Store, options: PollOptions = {}): Promise<PollReport & { alertsQueued: number }> {
  const report = await pollOnce(new StoreMonitorRepository(store), options);
  const now = (options.now ?? (() => new Date()))();
  const watches = await allWatches(store.db);
  const events = report.newItems
    .map((i) => itemEvent({ id: `${i.sourceId}/${i.key}`, title: i.title, text: i.text, ...(i.url ? { url: i.url } : {}), labels: i.classification.labels, entities: i.classification.entities }, watches, now))
    .filter((e): e is AlertEvent => e !== undefined);
  const queued = await raiseAlerts(new StoreAlertRepository(store.db), events, now);
  return { ...report, alertsQueued: queued.length };
}

/**
 * The worker's poll job: one cycle, then the next job at the earliest time a
 * source falls due (at least a minute on), so polling keeps going by itself.
 */
export async function pollJobHandler(store: Store, _job: Job): Promise<void> {
  await pollStore(store);
  const next = await monitorDb(store).selectFrom("monitor_sources").select("next_poll_at").where("enabled", "=", 1).orderBy("next_poll_at").limit(1).executeTakeFirst();
  const soonest = Math.max(Date.now() + 60_000, next?.next_poll_at ? Date.parse(next.next_poll_at) : Date.now() + 60_000);
  await schedulePoll(store, new Date(soonest));
}
