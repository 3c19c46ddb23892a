export { enqueue, claimJob, completeJob, failJob, jobCounts, type Job, type EnqueueOptions } from "./queue.ts";
