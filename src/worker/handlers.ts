import { ESTIMATE_JOB, estimateJobHandler } from "../estimate/index.ts";
import { DISPATCH_JOB, dispatchJobHandler, POLL_JOB, pollJobHandler } from "../monitor/jobs.ts";
import type { JobHandler } from "./worker.ts";
import { CAPTURE_JOB, LIVENESS_CHECK_JOB, LIVENESS_JOB, captureJobHandler, livenessCheckHandler, livenessJobHandler } from "../vault/index.ts";

/**
 * Every job kind and what runs it. Each capability adds its handlers here
 * (one import line and one entry), so the worker role stays wiring only.
 */
export const jobHandlers = new Map<string, JobHandler>([
  [POLL_JOB, pollJobHandler],
  [CAPTURE_JOB, captureJobHandler],
  [LIVENESS_JOB, livenessJobHandler],
  [LIVENESS_CHECK_JOB, livenessCheckHandler],
  [ESTIMATE_JOB, estimateJobHandler],
  [DISPATCH_JOB, dispatchJobHandler],
]);
