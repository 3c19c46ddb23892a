import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { forEachStore } from "../helpers/store.ts";
import { runVigil } from "../helpers/cli.ts";
import { makeCtx, SYSTEM } from "../../src/core/context.ts";
import { VigilError } from "../../src/core/errors.ts";
import { addSource, listSources, listTriage, setItemStatus } from "../../src/monitor/sources.ts";
import { StoreMonitorRepository } from "../../src/monitor/store-repository.ts";
import { pollOnce } from "../../src/monitor/poller.ts";
import { serve } from "./http-fixture.ts";

const RSS = (items: string): string => `<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>Loopback feed</title>${items}</channel></rss>`;
const ITEM_FA = `<item><title>اعدام دو زندانی سیاسی</title><guid>fa-1</guid><link>http://example.org/fa-1</link><description>دو زندانی سیاسی سحرگاه امروز در زندان قزل‌حصار اعدام شدند.</description></item>`;
const ITEM_EN = `<item><title>Teacher arrested</title><guid>en-1</guid><description>Security forces arrested a teachers' union activist in Sanandaj.</description></item>`;

forEachStore("monitor sources and triage queue in the store", (fixture) => {
  test("sources are added once, polled with their state kept, items stored once for triage", async () => {
    const { store } = fixture();
    const ctx = makeCtx(store, SYSTEM);
    const srv = await serve({ "/rss": (q, r) => (q.headers["if-none-match"] === '"e1"' ? r.writeHead(304).end() : r.writeHead(200, { etag: '"e1"' }).end(RSS(ITEM_FA + ITEM_EN))), "/down": (_q, r) => r.writeHead(502).end() });
    try {
      const s = await addSource(ctx, { url: `${srv.base}/rss`, allowPrivate: true, intervalMinutes: 10 });
      await addSource(ctx, { url: `${srv.base}/down`, allowPrivate: true });
      await assert.rejects(addSource(ctx, { url: `${srv.base}/rss` }), (e: unknown) => e instanceof VigilError && e.code === "conflict");
      await assert.rejects(addSource(ctx, { url: "ftp://example.org/x" }), (e: unknown) => e instanceof VigilError && e.code === "validation");
      await assert.rejects(addSource(makeCtx(store, { id: "u1", role: "viewer" }), { url: "https://example.org/feed" }), (e: unknown) => e instanceof VigilError && e.code === "forbidden");

      const repo = new StoreMonitorRepository(store);
      let now = new Date("2025-07-27T08:00:00Z");
      const r1 = await pollOnce(repo, { now: () => now, perHostDelayMs: 0 });
      assert.equal(r1.ok, 1);
      assert.equal(r1.failed.length, 1);
      assert.equal(r1.newItems.length, 2);
      const sources = await listSources(ctx);
      const rss = sources.find((x) => x.id === s.id)!;
      assert.equal(rss.etag, '"e1"');
      assert.equal(rss.title, "Loopback feed");
      assert.equal(rss.nextPollAt, "2025-07-27T08:10:00.000Z");
      const down = sources.find((x) => x.url.endsWith("/down"))!;
      assert.equal(down.consecutiveFailures, 1);
      assert.equal(down.lastFailure!.httpStatus, 502);

      const queue = await listTriage(ctx);
      assert.deepEqual(queue.map((i) => i.labels).sort(), [["arrest"], ["execution_report"]]);
      const fa = queue.find((i) => i.labels.includes("execution_report"))!;
      assert.ok(fa.reasons[0]!.matches.length > 0);
      assert.ok(fa.entities.some((e) => e.type === "prison"));

      now = new Date("2025-07-27T09:00:00Z");
      const r2 = await pollOnce(repo, { now: () => now, perHostDelayMs: 0 });
      assert.equal(r2.notModified, 1);
      assert.equal(r2.newItems.length, 0);
      // The same items offered again are not stored twice.
      assert.equal((await repo.addItems(r1.newItems)).length, 0);

      await setItemStatus(ctx, fa.id, "dismissed");
      assert.equal((await listTriage(ctx)).length, 1);
      assert.equal((await listTriage(ctx, { status: "dismissed" }))[0]!.id, fa.id);
      await assert.rejects(setItemStatus(ctx, "mitm_nope", "confirmed"), (e: unknown) => e instanceof VigilError && e.code === "not_found");
    } finally {
      await srv.close();
    }
  });
});

test("vigil monitor add-feed and run --once against a loopback feed", async () => {
  const data = mkdtempSync(join(tmpdir(), "vigil-monitor-cli-"));
  const srv = await serve({ "/rss": (_q, r) => r.writeHead(200, { "content-type": "application/rss+xml" }).end(RSS(ITEM_FA + ITEM_EN)) });
  try {
    const added = await runVigil(["monitor", "add-feed", `${srv.base}/rss`, "--data", data, "--json"]);
    assert.equal(added.code, 0, added.stderr);
    assert.match(JSON.parse(added.stdout).id as string, /^msrc_/);
    const again = await runVigil(["monitor", "add-feed", `${srv.base}/rss`, "--data", data]);
    assert.equal(again.code, 1);
    assert.match(again.stderr, /already watched/);

    // Without an allowance the loopback feed is refused, and the run says why.
    const refused = await runVigil(["monitor", "run", "--once", "--data", data, "--json"]);
    const refusedReport = JSON.parse(refused.stdout) as { failed: { failure: { kind: string } }[] };
    assert.equal(refusedReport.failed[0]!.failure.kind, "blocked_address");

    // The refused source backs off; a later run with the allowance polls it once it is due again.
    const listed = await runVigil(["monitor", "sources", "--data", data, "--json"]);
    assert.equal((JSON.parse(listed.stdout) as { consecutiveFailures: number }[])[0]!.consecutiveFailures, 1);
  } finally {
    await srv.close();
    rmSync(data, { recursive: true, force: true });
  }
});

test("vigil monitor run --once polls an allowed loopback host and lists labelled items for triage", async () => {
  const data = mkdtempSync(join(tmpdir(), "vigil-monitor-cli-"));
  const srv = await serve({ "/rss": (_q, r) => r.writeHead(200, { "content-type": "application/rss+xml" }).end(RSS(ITEM_FA + ITEM_EN)) });
  try {
    assert.equal((await runVigil(["monitor", "add-feed", `${srv.base}/rss`, "--data", data])).code, 0);
    const run = await runVigil(["monitor", "run", "--once", "--allow-private-host", "127.0.0.1", "--data", data]);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /1 ok/);
    assert.match(run.stdout, /\[execution_report\] اعدام دو زندانی سیاسی/);
    const triage = await runVigil(["monitor", "triage", "--data", data, "--json"]);
    const items = JSON.parse(triage.stdout) as { labels: string[] }[];
    assert.equal(items.length, 2);
  } finally {
    await srv.close();
    rmSync(data, { recursive: true, force: true });
  }
});
