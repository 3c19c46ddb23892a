import { randomBytes } from "node:crypto";
import { claimJob, completeJob, failJob, type Job } from "../jobs/index.ts";
import type { Store } from "../store/index.ts";

/** What runs a kind of job. Capabilities register theirs in worker/handlers.ts. */
export type JobHandler = (store: Store, job: Job) => Promise<void>;

export interface WorkerLog {
  info: (obj: object, msg: string) => void;
  error: (obj: object, msg: string) => void;
}

/**
 * Takes due jobs one at a time until `signal` aborts. Idle, it polls every
 * `idleMs`. A handler that throws gets its job retried with backoff.
 */
export async function runWorker(store: Store, handlers: ReadonlyMap<string, JobHandler>, options: { signal: AbortSignal; idleMs?: number; log?: WorkerLog }): Promise<void> {
  const id = `worker-${randomBytes(4).toString("hex")}`;
  const kinds = [...handlers.keys()];
  const idleMs = options.idleMs ?? 2000;
  while (!options.signal.aborted) {
    let job: Job | undefined;
    try {
      job = await claimJob(store, id, kinds);
    } catch (e) {
      options.log?.error({ err: e }, "worker could not claim a job");
    }
    if (!job) {
      await new Promise<void>((resolve) => {
        const onAbort = (): void => {
          clearTimeout(t);
          resolve();
        };
        // The listener goes when the wait ends: one per idle wait would pile up for as long as the server runs.
        const t = setTimeout(() => {
          options.signal.removeEventListener("abort", onAbort);
          resolve();
        }, idleMs);
        options.signal.addEventListener("abort", onAbort, { once: true });
      });
      continue;
    }
    const handler = handlers.get(job.kind);
    try {
      if (!handler) throw new Error(`no handler for ${job.kind}`);
      await handler(store, job);
      await completeJob(store.db, job.id);
      options.log?.info({ job: job.id, kind: job.kind }, "job done");
    } catch (e) {
      const outcome = await failJob(store.db, job, e);
      options.log?.error({ job: job.id, kind: job.kind, outcome, err: e instanceof Error ? e.message : String(e) }, "job failed");
    }
  }
}
