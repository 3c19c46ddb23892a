// Capture requests and liveness rounds run by the real worker loop against
// pages served from loopback.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { makeCtx, SYSTEM, type Ctx } from "../../src/core/context.ts";
import { VigilError } from "../../src/core/errors.ts";
import { getRecord, seedVocabularies } from "../../src/records/index.ts";
import type { Store } from "../../src/store/index.ts";
import { jobHandlers, runWorker } from "../../src/worker/index.ts";
import { LIVENESS_CHECK_JOB, LIVENESS_JOB, captureUrl, ensureLivenessSchedule, getCaptureRequest, requestCapture, vaultFor, type CaptureRequest } from "../../src/vault/index.ts";
import { forEachStore } from "../helpers/store.ts";
import { startFixtureServer } from "./fixture-server.ts";

let fx: Awaited<ReturnType<typeof startFixtureServer>>;
before(async () => {
  fx = await startFixtureServer({ "/statement": { type: "text/html", body: "<html><head><title>Statement</title></head><body><p>Synthetic statement, first version, with enough words to count as content.</p></body></html>" } });
});
after(async () => {
  await fx.close();
});

async function until<T>(what: string, fn: () => Promise<T | undefined>, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 40));
  }
}

/** The job's row: what the queue decided after a run. */
async function jobRow(store: Store, id: string): Promise<{ status: string; attempts: number; run_at: string; last_error: string | null }> {
  return store.db.selectFrom("jobs").select(["status", "attempts", "run_at", "last_error"]).where("id", "=", id).executeTakeFirstOrThrow();
}

/** Instead of waiting out a back-off in a test, make the job due now. */
async function dueNow(store: Store, id: string): Promise<void> {
  await store.db.updateTable("jobs").set({ run_at: new Date(Date.now() - 1000).toISOString() }).where("id", "=", id).execute();
}

forEachStore("the worker runs vault jobs", (fixture) => {
  let ctx: Ctx;
  let stop: AbortController;
  let worker: Promise<void>;
  const finished = (store: Store, id: string): Promise<CaptureRequest> =>
    until(`capture ${id} to finish`, async () => {
      const c = await getCaptureRequest(makeCtx(store, SYSTEM), id);
      return ["done", "flagged", "failed"].includes(c.status) ? c : undefined;
    });

  before(async () => {
    const { store } = fixture();
    await seedVocabularies(store.db);
    ctx = makeCtx(store, { id: "usr_editor_test", role: "editor" });
    stop = new AbortController();
    worker = runWorker(store, jobHandlers, { signal: stop.signal, idleMs: 30 });
  });
  after(async () => {
    stop.abort();
    await worker;
  });

  test("a capture request is run by the worker: item, web-capture Source and request marked done together", async () => {
    const { store } = fixture();
    const req = await requestCapture(ctx, { url: `${fx.base}/article`, allowPrivate: true, notes: "requested in a test" });
    assert.equal(req.status, "queued");
    const done = await finished(store, req.id);
    assert.equal(done.status, "done", done.error ?? "");
    assert.ok(done.itemId && done.sourceId);
    const vault = await vaultFor(store);
    const item = await vault.items.get(done.itemId);
    assert.deepEqual(item.sourceIds, [done.sourceId]);
    const custody = await vault.custody(item.id);
    assert.deepEqual(custody.map((c) => [c.event.type, c.event.actor]), [["captured", "usr_editor_test"], ["linked", "usr_editor_test"]]);
    assert.equal((await getRecord(makeCtx(store, SYSTEM), done.sourceId)).record.kind, "web_capture");
    assert.equal((await until("the job to complete", async () => ((await jobRow(store, req.id)).status === "done" ? true : undefined))), true);
  });

  test("a network failure is retried with back-off and the capture succeeds once the site answers", async () => {
    const { store } = fixture();
    // A port with nothing listening yet: connections are refused.
    const probe = createServer();
    await new Promise<void>((r) => probe.listen(0, "127.0.0.1", r));
    const { port } = probe.address() as AddressInfo;
    await new Promise<void>((r) => probe.close(() => r()));
    const req = await requestCapture(ctx, { url: `http://127.0.0.1:${port}/late`, allowPrivate: true });
    const first = await until("the first failed attempt", async () => {
      const j = await jobRow(store, req.id);
      return j.attempts === 1 && j.status === "queued" ? j : undefined;
    });
    assert.match(first.last_error ?? "", /ECONNREFUSED/);
    assert.ok(new Date(first.run_at).getTime() > Date.now() + 4000, "the retry waits (back-off)");
    assert.equal((await getCaptureRequest(ctx, req.id)).status, "retrying");
    const site = createServer((_q, res) => {
      res.writeHead(200, { "Content-Type": "text/html" });
      res.end("<html><head><title>Late</title></head><body><p>A synthetic page that answers on the second try.</p></body></html>");
    });
    await new Promise<void>((r) => site.listen(port, "127.0.0.1", r));
    try {
      await dueNow(store, req.id);
      const done = await finished(store, req.id);
      assert.equal(done.status, "done", done.error ?? "");
      assert.equal(done.attempts, 2);
    } finally {
      await new Promise<void>((r) => site.close(() => r()));
    }
  });

  test("a refusal (private address) and a flagged page end the request without a retry", async () => {
    const { store } = fixture();
    const refused = await requestCapture(ctx, { url: `${fx.base}/article` });
    const r = await finished(store, refused.id);
    assert.equal(r.status, "failed");
    assert.match(r.error ?? "", /private address/);
    const job = await until("the job to complete", async () => {
      const j = await jobRow(store, refused.id);
      return j.status === "running" ? undefined : j;
    });
    assert.deepEqual([job.status, job.attempts], ["done", 1], "not retried");
    const login = await requestCapture(ctx, { url: `${fx.base}/login`, allowPrivate: true });
    const l = await finished(store, login.id);
    assert.equal(l.status, "flagged");
    assert.deepEqual(l.flags, ["login_wall"]);
    assert.equal(l.itemId, null);
  });

  test("who may ask: a viewer may not request captures, a bad URL is refused at once", async () => {
    await assert.rejects(requestCapture(makeCtx(ctx.store, { id: "usr_viewer", role: "viewer" }), { url: `${fx.base}/article` }), (e: unknown) => e instanceof VigilError && e.code === "forbidden");
    await assert.rejects(requestCapture(ctx, { url: "file:///etc/passwd" }), /only http and https URLs can be captured/);
    await assert.rejects(requestCapture(ctx, { url: `${fx.base}/x`, sourceIds: ["src_nope"] }), /src_nope is not a Source record/);
  });

  test("liveness rounds re-schedule themselves and record a change, then a disappearance, as custody events", async () => {
    const { store } = fixture();
    const vault = await vaultFor(store);
    fx.pages["/statement"] = { type: "text/html", body: "<html><head><title>Statement</title></head><body><p>Synthetic statement, first version, with enough words to count as content.</p></body></html>" };
    const cap = await captureUrl(makeCtx(store, SYSTEM), vault, `${fx.base}/statement`, { allowPrivate: true });
    const itemId = cap.item!.id;
    const hour = 3600_000;
    const queuedRounds = (): Promise<{ id: string; run_at: string }[]> => store.db.selectFrom("jobs").select(["id", "run_at"]).where("kind", "=", LIVENESS_JOB).where("status", "=", "queued").execute();
    const checksDone = async (n: number): Promise<void> => {
      await until(`${n} liveness checks`, async () => {
        const rows = await store.db.selectFrom("jobs").select("status").where("kind", "=", LIVENESS_CHECK_JOB).where("payload", "like", `%${itemId}%`).execute();
        return rows.length >= n && rows.every((r) => r.status === "done" || r.status === "dead") ? true : undefined;
      });
    };
    const firstRound = await ensureLivenessSchedule(store, { intervalMs: hour, allowPrivate: true, firstAt: new Date() });
    assert.equal(await ensureLivenessSchedule(store, { intervalMs: hour, allowPrivate: true }), firstRound, "one schedule, not two");
    await checksDone(1);
    let rounds = await until("the next round", async () => ((await queuedRounds()).length === 1 ? queuedRounds() : undefined));
    assert.ok(Math.abs(new Date(rounds[0]!.run_at).getTime() - (Date.now() + hour)) < 60_000, "the next round is due an interval later");
    assert.deepEqual((await vault.custody(itemId)).map((c) => c.event.type), ["captured", "linked"], "unchanged: nothing logged");

    fx.pages["/statement"] = { type: "text/html", body: "<html><head><title>Statement</title></head><body><p>Synthetic statement, edited to say something else entirely now.</p></body></html>" };
    await dueNow(store, rounds[0]!.id);
    await checksDone(2);
    rounds = await until("the round after", async () => {
      const q = await queuedRounds();
      return q.length === 1 && q[0]!.id !== rounds[0]!.id ? q : undefined;
    });
    delete fx.pages["/statement"];
    await dueNow(store, rounds[0]!.id);
    await checksDone(3);
    assert.deepEqual((await vault.custody(itemId)).map((c) => c.event.type), ["captured", "linked", "liveness_changed", "liveness_gone"]);
    assert.equal((await queuedRounds()).length, 1);
  });
});
