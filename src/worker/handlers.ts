import { DISPATCH_JOB, dispatchJobHandler, POLL_JOB, pollJobHandler } from "../monitor/jobs.ts";
import type { JobHandler } from "./worker.ts";

/**
 * Every job kind and what runs it. Each capability adds its handlers here
 * (one import line and one entry), so the worker role stays wiring only.
 */
export const jobHandlers = new Map<string, JobHandler>([
  [POLL_JOB, pollJobHandler],
  [DISPATCH_JOB, dispatchJobHandler],
]);
