import { Worker } from "node:worker_threads";
import type { ThreadReply, ThreadTask } from "./thread.ts";

/**
 * A few worker threads that run the estimation engine off the main thread.
 * Threads are started on demand, reused, and ended after a minute idle; a
 * thread that dies takes only its own task with it. Idle threads never keep
 * the process alive.
 */

const BOOT = new URL("./thread-boot.mjs", import.meta.url);
const IDLE_MS = 60_000;

export type ThreadResult = Extract<ThreadReply, { kind: "report" | "refused" | "failed" }>;

interface Pending {
  task: Omit<ThreadTask, "id">;
  onProgress: ((done: number, total: number) => void) | undefined;
  resolve: (r: ThreadResult) => void;
}

interface Slot {
  worker: Worker;
  current: (Pending & { id: number }) | null;
  idleTimer: NodeJS.Timeout | null;
}

export class EstimatorPool {
  private readonly slots: Slot[] = [];
  private readonly queue: Pending[] = [];
  private nextId = 1;

  constructor(private readonly size: number) {}

  /** Runs one estimate in a thread; resolves with the report, the refusal, or the failure (never rejects). */
  run(task: Omit<ThreadTask, "id">, onProgress?: (done: number, total: number) => void): Promise<ThreadResult> {
    return new Promise((resolve) => {
      this.queue.push({ task, onProgress, resolve });
      this.pump();
    });
  }

  /** Tasks waiting for a free thread. */
  get waiting(): number {
    return this.queue.length;
  }

  /** Ends every thread (tasks in flight resolve as failed). */
  async close(): Promise<void> {
    await Promise.all(this.slots.map((s) => s.worker.terminate()));
  }

  private pump(): void {
    while (this.queue.length) {
      let slot = this.slots.find((s) => !s.current);
      if (!slot) {
        if (this.slots.length >= this.size) return;
        slot = this.spawn();
      }
      const next = this.queue.shift()!;
      const id = this.nextId++;
      slot.current = { ...next, id };
      if (slot.idleTimer) clearTimeout(slot.idleTimer);
      slot.idleTimer = null;
      // Busy threads keep the process alive (a job in the worker must finish); idle ones do not.
      slot.worker.ref();
      slot.worker.postMessage({ ...next.task, id } satisfies ThreadTask);
    }
  }

  private spawn(): Slot {
    const worker = new Worker(BOOT);
    const slot: Slot = { worker, current: null, idleTimer: null };
    const finish = (result: ThreadResult) => {
      const cur = slot.current;
      if (!cur) return;
      slot.current = null;
      worker.unref();
      slot.idleTimer = setTimeout(() => void worker.terminate(), IDLE_MS);
      slot.idleTimer.unref();
      cur.resolve(result);
      this.pump();
    };
    worker.on("message", (m: ThreadReply) => {
      const cur = slot.current;
      if (!cur || m.id !== cur.id) return;
      if (m.kind === "progress") cur.onProgress?.(m.done, m.total);
      else finish(m);
    });
    const gone = (message: string) => {
      const i = this.slots.indexOf(slot);
      if (i >= 0) this.slots.splice(i, 1);
      if (slot.idleTimer) clearTimeout(slot.idleTimer);
      const cur = slot.current;
      slot.current = null;
      if (cur) cur.resolve({ id: cur.id, kind: "failed", message });
      this.pump();
    };
    worker.on("error", (e) => gone(`the estimation thread failed: ${e.message}`));
    worker.on("exit", (code) => gone(`the estimation thread stopped (exit code ${code})`));
    worker.unref();
    this.slots.push(slot);
    return slot;
  }
}
