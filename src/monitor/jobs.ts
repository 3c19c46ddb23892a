import { enqueue, type Job } from "../jobs/index.ts";
import type { Store } from "../store/index.ts";
import { pollOnce, type PollOptions, type PollReport } from "./poller.ts";
import { monitorDb, StoreMonitorRepository } from "./store-repository.ts";

export const POLL_JOB = "monitor.poll";

/** Schedules a poll cycle at `at` (to the minute); scheduling the same minute twice is a no-op. */
export async function schedulePoll(store: Store, at: Date): Promise<void> {
  const minute = new Date(Math.floor(at.getTime() / 60_000) * 60_000);
  await enqueue(store.db, POLL_JOB, {}, { runAt: minute, id: `monitor-poll-${minute.toISOString()}`, maxAttempts: 3 });
}

/** Runs one poll cycle over the store's due sources. */
export async function pollStore(store: Store, options: PollOptions = {}): Promise<PollReport> {
  return pollOnce(new StoreMonitorRepository(store), options);
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
