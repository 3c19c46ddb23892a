import { parentPort } from "node:worker_threads";
import { VigilError } from "../core/errors.ts";
import { estimate, type EstimateOptions } from "./estimate.ts";
import { estimateStratified } from "./strata.ts";
import { fromTableSet, type TableSet } from "./table-set.ts";

/**
 * An estimation worker thread: the engine is synchronous and can take
 * seconds to minutes (LCMCR), so the server and the job worker run it here
 * and stay responsive. One task at a time; progress at most four times a second.
 */

export interface ThreadTask {
  id: number;
  tables: TableSet;
  stratified: boolean;
  options: Omit<EstimateOptions, "onProgress">;
  /** Stratum key → name, for messages. */
  labels?: Record<string, string>;
}

export type ThreadReply =
  | { id: number; kind: "progress"; done: number; total: number }
  | { id: number; kind: "report"; report: unknown }
  | { id: number; kind: "refused"; error: { code: string; message: string; where?: unknown } }
  | { id: number; kind: "failed"; message: string };

const port = parentPort;
if (!port) throw new Error("thread.ts runs only as a worker thread");

port.on("message", (task: ThreadTask) => {
  let last = 0;
  const onProgress = (done: number, total: number) => {
    const now = Date.now();
    if (now - last < 250 && done < total) return;
    last = now;
    port.postMessage({ id: task.id, kind: "progress", done, total } satisfies ThreadReply);
  };
  try {
    const tables = fromTableSet(task.tables);
    const labels = task.labels ?? {};
    const report = task.stratified ? estimateStratified(tables, { ...task.options, onProgress, label: (k) => labels[k] ?? k }) : estimate(tables.values().next().value!, { ...task.options, onProgress });
    port.postMessage({ id: task.id, kind: "report", report } satisfies ThreadReply);
  } catch (err) {
    if (err instanceof VigilError) port.postMessage({ id: task.id, kind: "refused", error: { code: err.code, message: err.message, ...(err.where && Object.keys(err.where).length ? { where: err.where } : {}) } } satisfies ThreadReply);
    else port.postMessage({ id: task.id, kind: "failed", message: err instanceof Error ? err.message : String(err) } satisfies ThreadReply);
  }
});
