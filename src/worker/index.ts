export { runWorker, type JobHandler, type WorkerLog } from "./worker.ts";
export { jobHandlers } from "./handlers.ts";
