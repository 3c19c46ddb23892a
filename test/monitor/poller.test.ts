import { test } from "node:test";
import assert from "node:assert/strict";
import { MemoryMonitorRepository } from "../../src/monitor/memory-repository.ts";
import { backoffMinutes, pollOnce } from "../../src/monitor/poller.ts";
import { htmlToText } from "../../src/monitor/html.ts";
import { parseFeedDocument } from "../../src/monitor/feeds.ts";
import { serve } from "./http-fixture.ts";

const RSS = `<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel><title>Test monitor feed</title><link>http://example.org/</link><language>fa</language>
<item><title>اعدام دو زندانی سیاسی در قزلحصار</title><link>/news/1</link><guid isPermaLink="false">fa-1</guid><pubDate>Sun, 27 Jul 2025 06:00:00 GMT</pubDate>
<description><![CDATA[<p>دو زندانی سیاسی سحرگاه امروز در زندان قزل‌حصار کرج به اتهام بغی اعدام شدند.</p><script>alert(1)</script>]]></description></item>
<item><title>Prisoner moved to solitary confinement</title><link>/news/2</link><guid>en-2</guid><pubDate>Sat, 26 Jul 2025 21:00:00 GMT</pubDate>
<description>The political prisoner was transferred to solitary confinement in Ghezel Hesar, his family said.</description></item>
<item><title>Market news</title><link>/news/3</link><guid>en-3</guid><description>The central bank raised interest rates.</description></item>
</channel></rss>`;

const ATOM = `<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom"><title>Atom test</title><id>urn:t</id><updated>2025-07-27T00:00:00Z</updated>
<entry><title>Court sentences activist to death</title><id>urn:a1</id><link href="https://example.org/a1"/><updated>2025-07-25T10:00:00Z</updated><summary type="html">&lt;p&gt;A revolutionary court sentenced the activist to death on charges of moharebeh.&lt;/p&gt;</summary></entry></feed>`;

const JSONFEED = JSON.stringify({ version: "https://jsonfeed.org/version/1.1", title: "JSON test", items: [{ id: "j1", url: "https://example.org/j1", title: "بازداشت یک فعال", content_text: "ماموران امنیتی این فعال صنفی را در سنندج بازداشت کردند.", date_published: "2025-07-24T08:00:00Z" }] });

const PAGE = (body: string): string => `<!doctype html><html lang="en"><head><title>Watched page</title></head><body><nav>Home | About</nav><article><h1>Urgent action</h1>${body}</article><footer>footer</footer></body></html>`;

test("feeds in RSS, Atom and JSON Feed from loopback give classified items; a second poll sends validators and adds nothing", async () => {
  const srv = await serve({
    "/rss": (q, r) => {
      if (q.headers["if-none-match"] === '"rss-1"') return r.writeHead(304).end();
      r.writeHead(200, { "content-type": "application/rss+xml; charset=utf-8", etag: '"rss-1"' }).end(RSS);
    },
    "/atom": (q, r) => {
      if (q.headers["if-modified-since"] === "Fri, 25 Jul 2025 10:00:00 GMT") return r.writeHead(304).end();
      r.writeHead(200, { "content-type": "application/atom+xml", "last-modified": "Fri, 25 Jul 2025 10:00:00 GMT" }).end(ATOM);
    },
    "/json": (_q, r) => r.writeHead(200, { "content-type": "application/feed+json" }).end(JSONFEED),
  });
  const repo = new MemoryMonitorRepository();
  repo.add({ id: "rss", url: `${srv.base}/rss`, kind: "feed" });
  repo.add({ id: "atom", url: `${srv.base}/atom`, kind: "feed" });
  repo.add({ id: "json", url: `${srv.base}/json`, kind: "feed" });
  let clock = new Date("2025-07-27T08:00:00Z");
  try {
    const first = await pollOnce(repo, { allowPrivate: ["127.0.0.1"], now: () => clock, perHostDelayMs: 0 });
    assert.equal(first.ok, 3);
    assert.equal(first.failed.length, 0);
    const byKey = new Map(repo.items.map((i) => [i.key, i]));
    assert.deepEqual(byKey.get("fa-1")!.classification.labels, ["execution_report"]);
    assert.equal(byKey.get("fa-1")!.classification.lang, "fa");
    assert.equal(byKey.get("fa-1")!.url, `${srv.base}/news/1`, "relative links resolved against the feed");
    assert.ok(!byKey.get("fa-1")!.text.includes("alert"), "scripts in descriptions are dropped");
    assert.ok(byKey.get("fa-1")!.classification.entities.some((e) => e.type === "prison" && e.id === "ghezel-hesar"));
    assert.ok(byKey.get("en-2")!.classification.labels.includes("at_risk"));
    assert.deepEqual(byKey.get("en-3")!.classification.labels, []);
    assert.deepEqual(byKey.get("urn:a1")!.classification.labels, ["death_sentence"]);
    assert.deepEqual(byKey.get("j1")!.classification.labels, ["arrest"]);
    assert.equal(byKey.get("fa-1")!.published, "2025-07-27T06:00:00.000Z");
    assert.equal(repo.sources.get("rss")!.etag, '"rss-1"');
    assert.equal(repo.sources.get("rss")!.title, "Test monitor feed");

    // Not due yet: nothing is polled.
    assert.equal((await pollOnce(repo, { allowPrivate: ["127.0.0.1"], now: () => clock, perHostDelayMs: 0 })).sources, 0);
    clock = new Date("2025-07-27T09:00:00Z");
    const second = await pollOnce(repo, { allowPrivate: ["127.0.0.1"], now: () => clock, perHostDelayMs: 0 });
    assert.equal(second.notModified, 2);
    assert.equal(second.ok, 1); // the JSON feed has no validators: fetched again, its item already known
    assert.equal(second.newItems.length, 0);
    assert.equal(repo.items.length, 5);
  } finally {
    await srv.close();
  }
});

test("one bad source never stops the others; every failure is recorded with why, and the source backs off", async () => {
  const srv = await serve({
    "/good": (_q, r) => r.writeHead(200, { "content-type": "application/rss+xml" }).end(RSS),
    "/malformed": (_q, r) => r.end("<rss><channel><item><title>broken"),
    "/html-not-feed": (_q, r) => r.end("<html><body>not a feed</body></html>"),
    "/error": (_q, r) => r.writeHead(500).end(),
    "/busy": (_q, r) => r.writeHead(503, { "retry-after": "7200" }).end(),
    "/huge": (_q, r) => r.end(Buffer.alloc(300_000, 0x20)),
  });
  const repo = new MemoryMonitorRepository();
  const now = new Date("2025-07-27T08:00:00Z");
  for (const id of ["good", "malformed", "html-not-feed", "error", "busy", "huge"]) repo.add({ id, url: `${srv.base}/${id}`, kind: "feed", intervalMinutes: 30 });
  repo.add({ id: "blocked", url: "http://10.0.0.1/feed", kind: "feed" });
  repo.add({ id: "garbage-url", url: "ht!tp://", kind: "feed" });
  try {
    const report = await pollOnce(repo, { allowPrivate: ["127.0.0.1"], now: () => now, perHostDelayMs: 0, fetchOptions: { maxBytes: 200_000 } });
    assert.equal(report.ok, 1);
    assert.equal(repo.items.length, 3);
    const kinds = new Map(report.failed.map((f) => [f.sourceId, f.failure.kind]));
    assert.deepEqual(Object.fromEntries(kinds), { malformed: "parse", "html-not-feed": "parse", error: "http_status", busy: "http_status", huge: "too_large", blocked: "blocked_address", "garbage-url": "bad_url" });
    assert.equal(repo.failures.length, 7);
    for (const f of report.failed) assert.ok(f.failure.message.length > 0 && f.failure.at === now.toISOString());
    const err = repo.sources.get("error")!;
    assert.equal(err.consecutiveFailures, 1);
    assert.equal(err.lastFailure!.httpStatus, 500);
    assert.equal(err.nextPollAt, "2025-07-27T09:00:00.000Z", "first failure waits twice the interval");
    assert.equal(repo.sources.get("busy")!.nextPollAt, "2025-07-27T10:00:00.000Z", "Retry-After is honoured");
    assert.equal(repo.sources.get("good")!.consecutiveFailures, 0);
  } finally {
    await srv.close();
  }
});

test("backoff doubles per failure, is capped, and never waits less than the server asked", () => {
  assert.deepEqual([1, 2, 3, 10].map((n) => backoffMinutes(30, n, 24 * 60)), [60, 120, 240, 1440]);
  assert.equal(backoffMinutes(30, 1, 24 * 60, 3 * 3600), 180);
  assert.equal(backoffMinutes(30, 1, 24 * 60, 10 ** 9), 1440);
});

test("politeness: sources on one host are fetched one at a time with a pause; other hosts are not held up", async () => {
  const order: string[] = [];
  const pauses: number[] = [];
  const repo = new MemoryMonitorRepository();
  for (const [id, url] of [["a1", "http://a.example/1"], ["a2", "http://a.example/2"], ["a3", "http://a.example/3"], ["b1", "http://b.example/1"]] as const) repo.add({ id, url, kind: "feed" });
  let inFlightA = 0;
  let maxInFlightA = 0;
  await pollOnce(repo, {
    perHostDelayMs: 1500,
    sleep: async (ms) => {
      pauses.push(ms);
    },
    fetch: async (url) => {
      const a = url.includes("a.example");
      if (a) maxInFlightA = Math.max(maxInFlightA, ++inFlightA);
      order.push(url);
      await new Promise((r) => setImmediate(r));
      if (a) inFlightA--;
      return { status: 200, url, redirects: [], headers: {}, body: Buffer.from(RSS), notModified: false };
    },
  });
  assert.equal(maxInFlightA, 1);
  assert.deepEqual(pauses, [1500, 1500], "two pauses between three requests to one host, none for the other host");
  assert.ok(order.indexOf("http://b.example/1") < order.indexOf("http://a.example/3"), "the other host is polled alongside");
});

test("a watched web page gives one item per version of its text", async () => {
  let body = `<p>${"Amnesty International issued an urgent action: the prisoner is at imminent risk of execution in Ghezel Hesar. ".repeat(4)}</p>`;
  const srv = await serve({ "/page": (_q, r) => r.writeHead(200, { "content-type": "text/html; charset=utf-8" }).end(PAGE(body)) });
  const repo = new MemoryMonitorRepository();
  repo.add({ id: "page", url: `${srv.base}/page`, kind: "page", intervalMinutes: 1 });
  let clock = new Date("2025-07-27T08:00:00Z");
  const opts = { allowPrivate: ["127.0.0.1"], now: () => clock, perHostDelayMs: 0 };
  try {
    await pollOnce(repo, opts);
    assert.equal(repo.items.length, 1);
    assert.ok(repo.items[0]!.classification.labels.includes("at_risk"));
    assert.ok(!repo.items[0]!.text.includes("Home | About"), "navigation is not article text");
    clock = new Date("2025-07-27T08:05:00Z");
    await pollOnce(repo, opts);
    assert.equal(repo.items.length, 1, "unchanged page, no new item");
    body = `<p>${"The prisoner was executed at dawn on Sunday in Ghezel Hesar prison, his family said. ".repeat(4)}</p>`;
    clock = new Date("2025-07-27T08:10:00Z");
    await pollOnce(repo, opts);
    assert.equal(repo.items.length, 2);
    assert.ok(repo.items[1]!.classification.labels.includes("execution_report"));
  } finally {
    await srv.close();
  }
});

test("hostile HTML and feeds: deep nesting, scripts, entity tricks give text or a clear error, never a crash", () => {
  const deep = "<div>".repeat(20000) + "inside" + "</div>".repeat(20000);
  assert.equal(htmlToText(deep), "inside");
  assert.equal(htmlToText('<img src=x onerror="alert(1)"><script>document.write(1)</script>safe &amp; sound'), "safe & sound");
  assert.throws(() => parseFeedDocument("<!DOCTYPE x [<!ENTITY a 'aaaaaaaa'>]><rss><channel>&a;&a;</channel>"), /not a readable/);
  assert.throws(() => parseFeedDocument("{ not json"), /not valid JSON/);
  const f = parseFeedDocument(`<rss version="2.0"><channel><title>t</title><item><title>x</title><link>javascript:alert(1)</link></item></channel></rss>`);
  assert.equal(f.entries[0]!.url, undefined, "only http(s) links are kept");
});
