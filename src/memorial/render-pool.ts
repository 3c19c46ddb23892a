import { Worker } from "node:worker_threads";
import type { Store } from "../store/index.ts";
import type { Lang } from "../web/index.ts";
import type { SearchParams } from "./presenters/index.ts";
import type { Html, LentHtml, PublicRenderer, Rendered } from "./public-renderer.tsx";
import type { PageKind } from "./render.tsx";
import type { RenderMessage, RenderReply, RenderTask, ThreadCells } from "./render-thread.ts";

/**
 * Public pages built in worker threads, one per core: a Node.js process
 * renders on one core only, and a page built from the database costs about a
 * millisecond, so one thread caps the memorial near a thousand uncached pages
 * a second. Each request goes to the thread with the fewest in flight, among
 * those that have read their indexes (a new thread takes a few seconds at
 * 100,000 people, and a request sent to it would wait that long). A
 * thread that dies fails only its own requests and is replaced; if threads
 * keep dying, pages are built in the main thread instead (`fallback`).
 *
 * A page comes back as UTF-8 bytes in a cell of memory the thread shares with
 * the main thread, lent to the response and given back when it is over. Sent
 * as text, each page was copied into the main thread's heap, and at 1,000
 * searches a second its young generation was collected every 150 ms, each
 * collection copying 8 MB of survivors for 20 ms on average and up to 84 ms:
 * a pause every request in flight waited out. (Bytes moved rather than shared
 * count as memory outside the heap, and made it run a full collection every
 * second.)
 */

/** The running memorial's pool for a store: tests count the cells it lends. */
export const renderPoolOfStore = new WeakMap<object, RenderPool>();

const BOOT = new URL("./render-thread-boot.mjs", import.meta.url);
/** More deaths than this within a minute: stop starting threads. */
const MAX_DEATHS = 3;
/** Cells per thread, and their size: a person page is 8–10 KB, a search page 15; a larger page comes as text. */
const CELLS = 64;
const CELL_BYTES = 128 * 1024;

export interface PoolOptions {
  cells?: number;
  cellBytes?: number;
}

interface Slot {
  worker: Worker;
  inFlight: Map<number, { resolve: (r: Rendered) => void; reject: (e: Error) => void; cell: number }>;
  /** Cells not lent to a task or a response. */
  free: number[];
  /** The thread has read its indexes. */
  ready: boolean;
  warmed: Promise<void>;
}

type Task = RenderTask extends infer T ? (T extends RenderTask ? Omit<T, "id" | "cell"> : never) : never;

export class RenderPool implements PublicRenderer {
  private readonly slots: Slot[] = [];
  /** Pages lent so far, and cells of living threads lent now (to tasks or responses). */
  readonly cells = { lentSoFar: 0, out: (): number => this.slots.reduce((n, s) => n + this.cellCount - s.free.length, 0) };
  private readonly cellCount: number;
  private readonly cellBytes: number;
  private nextId = 1;
  /** Where the search for a thread starts, so that equally busy threads take turns. */
  private turn = 0;
  private deaths: number[] = [];
  private closed = false;

  constructor(
    private readonly store: Store,
    private readonly size: number,
    private readonly fallback: PublicRenderer,
    private readonly onThreadError: (message: string) => void = () => {},
    cellsPerThread: PoolOptions = {},
  ) {
    this.cellCount = cellsPerThread.cells ?? CELLS;
    this.cellBytes = cellsPerThread.cellBytes ?? CELL_BYTES;
    for (let i = 0; i < size; i++) this.spawn();
  }

  page(lang: Lang, kind: PageKind, id: string | undefined, page: number, token: string): Promise<Rendered> {
    return this.run({ op: "page", lang, kind, pageId: id, page, token });
  }

  async search(lang: Lang, params: SearchParams): Promise<Html> {
    const r = await this.run({ op: "search", lang, params });
    if (r.kind !== "html") throw new Error("a render thread answered a search without a page");
    return r.html;
  }

  changed(): void {
    for (const s of this.slots) s.worker.postMessage({ op: "changed" } satisfies RenderMessage);
    this.fallback.changed();
  }

  /** Resolves when every thread has read its indexes (threads warm themselves as they start). */
  async warm(): Promise<void> {
    await Promise.all(this.slots.map((s) => s.warmed));
  }

  async close(): Promise<void> {
    this.closed = true;
    await Promise.all(this.slots.map((s) => s.worker.terminate()));
    await this.fallback.close();
  }

  private run(task: Task): Promise<Rendered> {
    if (this.slots.length < this.size && !this.closed && !this.givenUp()) this.spawn();
    let slot: Slot | undefined;
    const n = this.slots.length;
    const start = n ? this.turn++ % n : 0;
    for (let i = 0; i < n; i++) {
      const s = this.slots[(start + i) % n]!;
      if (!slot || (s.ready && !slot.ready) || (s.ready === slot.ready && s.inFlight.size < slot.inFlight.size)) slot = s;
    }
    if (!slot) return task.op === "page" ? this.fallback.page(task.lang, task.kind, task.pageId, task.page, task.token) : this.fallback.search(task.lang, task.params).then((html) => ({ kind: "html", html }));
    const id = this.nextId++;
    const target = slot;
    const cell = target.free.pop() ?? -1;
    return new Promise<Rendered>((resolve, reject) => {
      target.inFlight.set(id, { resolve, reject, cell });
      target.worker.postMessage({ ...task, id, cell } satisfies RenderTask);
    });
  }

  private givenUp(): boolean {
    const now = Date.now();
    this.deaths = this.deaths.filter((t) => now - t < 60_000);
    return this.deaths.length >= MAX_DEATHS;
  }

  private spawn(): void {
    // Threads share the database with the main thread (SQLite in WAL mode has many readers; PostgreSQL a pool each).
    const { cellCount: count, cellBytes } = this;
    const cells = new SharedArrayBuffer(count * cellBytes);
    const worker = new Worker(BOOT, { workerData: { store: this.store.options, cells, cellBytes } satisfies { store: Store["options"] } & ThreadCells });
    let warmed!: () => void;
    const slot: Slot = { worker, inFlight: new Map(), free: Array.from({ length: count }, (_, i) => count - 1 - i), ready: false, warmed: new Promise((r) => (warmed = r)) };
    const lend = (cell: number, length: number): LentHtml => {
      this.cells.lentSoFar++;
      let lent = true;
      return {
        bytes: Buffer.from(cells, cell * cellBytes, length),
        release: () => {
          // Once only: a cell given back twice would be lent to two pages at once.
          if (lent) slot.free.push(cell);
          lent = false;
        },
      };
    };
    worker.on("message", (m: RenderReply) => {
      if ("op" in m) {
        slot.ready = true;
        warmed();
        return;
      }
      const waiting = slot.inFlight.get(m.id);
      if (!waiting) return;
      slot.inFlight.delete(m.id);
      if (m.ok && "written" in m) return waiting.resolve({ kind: "html", html: lend(waiting.cell, m.written) });
      if (waiting.cell >= 0) slot.free.push(waiting.cell);
      if (m.ok) waiting.resolve(m.rendered);
      else waiting.reject(new Error(`memorial render thread: ${m.message}`));
    });
    const gone = (why: string): void => {
      const i = this.slots.indexOf(slot);
      if (i < 0) return;
      this.slots.splice(i, 1);
      for (const w of slot.inFlight.values()) w.reject(new Error(`memorial render thread stopped: ${why}`));
      slot.inFlight.clear();
      warmed();
      if (this.closed) return;
      this.deaths.push(Date.now());
      this.onThreadError(`a memorial render thread stopped (${why})${this.givenUp() ? "; pages are now built in the main thread" : ""}`);
    };
    worker.on("error", (e) => gone(e.message));
    worker.on("exit", (code) => gone(`exit code ${code}`));
    // Idle threads never keep the process alive; the server's own handle does.
    worker.unref();
    this.slots.push(slot);
  }
}
