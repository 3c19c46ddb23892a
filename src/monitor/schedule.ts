import type { Kysely } from "kysely";
import { enqueue } from "../jobs/index.ts";
import type { CoreTables } from "../store/schema.ts";

export const POLL_JOB = "monitor.poll";
export const DISPATCH_JOB = "monitor.dispatch";

const bucket = (at: Date, ms: number): string => new Date(Math.floor(at.getTime() / ms) * ms).toISOString();

/**
 * Wakes the alert dispatcher. `reason` names what raised alerts (a step, a
 * poll), so that each raise gets its own run at once; the regular runs are
 * deduplicated per 15-second slot.
 */
export async function scheduleDispatch(db: Kysely<CoreTables>, at: Date, reason?: string): Promise<void> {
  const id = reason ? `monitor-dispatch-${reason}` : `monitor-dispatch-${bucket(at, 15_000)}`;
  await enqueue(db, DISPATCH_JOB, {}, { runAt: at, id, maxAttempts: 3 });
}

/** Schedules a poll cycle at `at` (to the minute); scheduling the same minute twice is a no-op. `reason` forces a run of its own. */
export async function schedulePollJob(db: Kysely<CoreTables>, at: Date, reason?: string): Promise<void> {
  const id = reason ? `monitor-poll-${reason}` : `monitor-poll-${bucket(at, 60_000)}`;
  await enqueue(db, POLL_JOB, {}, { runAt: reason ? at : new Date(bucket(at, 60_000)), id, maxAttempts: 3 });
}
