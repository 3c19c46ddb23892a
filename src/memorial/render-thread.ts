import { parentPort, workerData } from "node:worker_threads";
import { forgetTerms } from "../records/index.ts";
import { openStore, type StoreOptions } from "../store/index.ts";
import type { Lang } from "../web/index.ts";
import { vaultEvidence } from "./evidence.ts";
import { parseSearchParams, type SearchParams } from "./presenters/index.ts";
import { localRenderer, type Rendered } from "./public-renderer.tsx";
import type { PageKind } from "./render.tsx";

/**
 * A memorial render thread: its own read-only connection to the database, its
 * own in-memory name index, and the same public presenters as the server's
 * main thread. It never writes: the main thread keeps the derived facets up
 * to date and says when the records changed.
 */

/** `cell`: where in the shared memory this page's bytes may go, or -1 for none free. */
export type RenderTask =
  | { id: number; cell: number; op: "page"; lang: Lang; kind: PageKind; pageId: string | undefined; page: number; token: string }
  | { id: number; cell: number; op: "search"; lang: Lang; params: SearchParams };
export type RenderMessage = RenderTask | { op: "changed" };
/** `written`: the page is that many bytes of UTF-8 in the task's cell. */
export type RenderReply = { id: number; ok: true; rendered: Rendered } | { id: number; ok: true; written: number } | { id: number; ok: false; message: string } | { op: "ready" };
/** The shared memory a thread writes pages into, cut into cells of `cellBytes`. */
export interface ThreadCells {
  cells: SharedArrayBuffer;
  cellBytes: number;
}

// The same message catalogues, assets and extensions as the server: the pages must read alike.
await import("../server/routes.ts");

const port = parentPort;
if (!port) throw new Error("render-thread.ts runs only as a worker thread");
const { store: storeOptions, cells, cellBytes } = workerData as { store: StoreOptions } & ThreadCells;
const views = Array.from({ length: Math.floor(cells.byteLength / cellBytes) }, (_, i) => new Uint8Array(cells, i * cellBytes, cellBytes));
const encoder = new TextEncoder();
/** People whose page and name search a thread builds before it takes visitors, and the most time it spends on them. */
const REHEARSAL_PEOPLE = 300;
const REHEARSAL_MS = 5000;
const store = await openStore({ ...storeOptions, migrate: false, poolSize: 4, mapReads: true });
const renderer = localRenderer(store, vaultEvidence(store));
// Vocabulary edits leave no mark in the change log: labels are read again now and then.
setInterval(() => forgetTerms(store), 60_000).unref();

const build = (m: RenderTask): Promise<{ kind: "html"; html: string } | Exclude<Rendered, { kind: "html" }>> =>
  m.op === "page" ? renderer.page(m.lang, m.kind, m.pageId, m.page, m.token) : renderer.search(m.lang, m.params).then((html) => ({ kind: "html" as const, html }));

port.on("message", (m: RenderMessage) => {
  if (m.op === "changed") {
    renderer.changed();
    return;
  }
  build(m).then(
    // Written into the task's cell of shared memory, so that the page never
    // enters the main thread's heap (render-pool.ts says why); as text when no
    // cell was free or the page is larger than one.
    (rendered) => {
      const view = views[m.cell];
      if (rendered.kind === "html" && view) {
        const { read, written } = encoder.encodeInto(rendered.html, view);
        if (read === rendered.html.length) return port.postMessage({ id: m.id, ok: true, written } satisfies RenderReply);
      }
      port.postMessage({ id: m.id, ok: true, rendered } satisfies RenderReply);
    },
    (e: unknown) => port.postMessage({ id: m.id, ok: false, message: e instanceof Error ? (e.stack ?? e.message) : String(e) } satisfies RenderReply),
  );
});

/**
 * Builds pages nobody asked for and sends them nowhere: the person pages of
 * people spread over the index and searches for their names, in both
 * languages, each task cloned as a task from the main thread is. Cold, the
 * first hundred searches cost a thread three times as much each, and V8
 * compiled the code on the same two cores that serve visitors
 * (docs/benchmarks.md, run 12).
 */
async function rehearse(): Promise<void> {
  const until = performance.now() + REHEARSAL_MS;
  const scratch = new Uint8Array(cellBytes);
  for (const [i, { id, name }] of renderer.samplePeople(REHEARSAL_PEOPLE).entries()) {
    if (performance.now() > until) return;
    const lang: Lang = i % 2 ? "fa" : "en";
    const tasks: RenderTask[] = [
      { id: 0, cell: -1, op: "page", lang, kind: "person", pageId: id, page: 0, token: "" },
      { id: 0, cell: -1, op: "search", lang, params: parseSearchParams({ q: name, page: String(1 + (i % 3)) }) },
    ];
    for (const task of tasks) {
      const rendered = await build(structuredClone(task));
      if (rendered.kind === "html") encoder.encodeInto(rendered.html, scratch);
    }
    // A visitor's task sent here before the thread is ready (when no thread is) goes first.
    await new Promise((next) => setImmediate(next));
  }
}

// Searches are answered from indexes read at start, not on the first visitor's search,
// by code already compiled; until then the pool sends requests to threads that are ready, if any.
void renderer
  .warm()
  .then(rehearse)
  .catch(() => {})
  .then(() => port.postMessage({ op: "ready" } satisfies RenderReply));
