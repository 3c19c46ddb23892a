// Monitoring benchmarks: classification throughput, one poll cycle over 200
// loopback feeds, precision and recall on the held-out split, and the share of
// HateCheck counter-speech and quotation cases flagged.
// Run: node --import tsx bench/monitor.ts
import { createServer, type Server } from "node:http";
import { cpus, loadavg } from "node:os";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parse } from "csv-parse/sync";
import { classifyItem, crossValidate, defaultDetector, evaluate, loadLabelledSet, MemoryMonitorRepository, pollOnce, StoreMonitorRepository, DEFAULT_THRESHOLDS, type LabelFigures } from "../src/monitor/index.ts";
import { openStore } from "../src/store/index.ts";
import { addSource } from "../src/monitor/sources.ts";
import { makeCtx, SYSTEM } from "../src/core/context.ts";

const shared = process.env.VIGIL_SHARED_DIR ?? fileURLToPath(new URL("../../shared", import.meta.url));
const fmt = (x: number, d = 2): string => (Number.isNaN(x) ? "n/a" : x.toFixed(d));
const table = (rows: LabelFigures[]): string =>
  ["| label | precision | recall | TP | FP | FN |", "| --- | --- | --- | --- | --- | --- |", ...rows.map((f) => `| ${f.label} | ${fmt(f.precision)} | ${fmt(f.recall)} | ${f.truePositives} | ${f.falsePositives} | ${f.falseNegatives} |`)].join("\n");

console.log(`# monitor benchmarks\nmachine: ${cpus().length} cores (${cpus()[0]?.model ?? "?"}), node ${process.version}, load average at start ${loadavg().map((x) => x.toFixed(1)).join(" ")}\n`);

// ---------- classification throughput ----------
const set = loadLabelledSet();
const detector = defaultDetector();
const short = set.map((e, i) => ({ id: `s${i}`, text: e.text }));
// Article-length items: twelve sentences each, mixing labels and languages as a news page would.
const long = Array.from({ length: 400 }, (_, i) => ({ id: `l${i}`, title: set[(i * 7) % set.length]!.text.slice(0, 80), text: Array.from({ length: 12 }, (_, k) => set[(i * 13 + k * 31) % set.length]!.text).join(" ") }));
for (const [name, items, rounds] of [["short items (one sentence)", short, 4], ["article-length items (title + 12 sentences)", long, 2]] as const) {
  for (const it of items.slice(0, 50)) classifyItem(it, detector); // warm-up
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  let n = 0;
  for (let r = 0; r < rounds; r++) {
    for (const it of items) {
      classifyItem(it, detector);
      n++;
    }
  }
  const s = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(c0);
  const chars = items.reduce((a, it) => a + it.text.length + ("title" in it ? it.title.length : 0), 0) / items.length;
  console.log(`classification, ${name}: ${fmt(n / s, 0)} items/s wall clock, ${fmt(n / ((cpu.user + cpu.system) / 1e6), 0)} items per CPU second (${n} items, mean ${fmt(chars, 0)} chars; language + labels + reasons + entities; one core)`);
}

// ---------- precision and recall ----------
const test = set.filter((e) => e.split === "test");
const train = set.filter((e) => e.split === "train");
console.log(`\nheld-out split (${test.length} examples, ${test.filter((e) => e.lang === "en").length} en / ${test.filter((e) => e.lang === "fa").length} fa), thresholds ${JSON.stringify(DEFAULT_THRESHOLDS)}:`);
const held = evaluate(detector, test);
console.log(table(held.perLabel));
for (const m of held.mistakes) console.log(`  ${m.kind} ${m.label} ${m.id}: ${m.text.slice(0, 90)}… — ${m.explanation}`);
for (const lang of ["en", "fa"] as const) {
  const r = evaluate(detector, test.filter((e) => e.lang === lang));
  console.log(`  ${lang}: ${r.perLabel.map((f) => `${f.label} P ${fmt(f.precision)} R ${fmt(f.recall)}`).join("; ")}`);
}
console.log(`\n5-fold cross-validation on the training split (${train.length} examples; the rules were written on it, so this is optimistic):`);
console.log(table(crossValidate(train, 5, DEFAULT_THRESHOLDS).perLabel));

// ---------- HateCheck ----------
const hcPath = join(shared, "data/monitoring/hatecheck_test_suite_cases.csv");
if (existsSync(hcPath)) {
  const rows = parse<Record<string, string>>(readFileSync(hcPath), { columns: true });
  console.log("\nHateCheck (Röttger et al. 2021, CC BY 4.0), share flagged:");
  for (const f of ["counter_quote_nh", "counter_ref_nh", "threat_dir_h", "threat_norm_h", "derog_dehum_h", "target_obj_nh", "ident_neutral_nh", "ident_pos_nh", "profanity_nh"]) {
    const sub = rows.filter((r) => r.functionality === f);
    const anyLabel = sub.filter((r) => classifyItem({ id: "h", text: r.test_case! }, detector).labels.length > 0).length;
    const speech = sub.filter((r) => classifyItem({ id: "h", text: r.test_case! }, detector).labels.some((l) => l === "incitement" || l === "glorification")).length;
    console.log(`  ${f.padEnd(18)} n=${String(sub.length).padStart(3)}  any label ${fmt((100 * anyLabel) / sub.length, 1)}%  glorification/incitement ${fmt((100 * speech) / sub.length, 1)}%`);
  }
  const counter = rows.filter((r) => r.functionality === "counter_quote_nh" || r.functionality === "counter_ref_nh");
  const flagged = counter.filter((r) => classifyItem({ id: "h", text: r.test_case! }, detector).labels.length > 0).length;
  console.log(`  counter-speech and quotation together: ${flagged}/${counter.length} flagged = ${fmt((100 * flagged) / counter.length, 1)}% (target ≤ 5%)`);
} else console.log(`\nHateCheck: ${hcPath} not found, skipped`);

// ---------- one poll cycle over 200 loopback feeds ----------
const HOSTS = 20;
const FEEDS_PER_HOST = 10;
const ITEMS_PER_FEED = 20;
const esc = (s: string): string => s.replace(/&/g, "&amp;").replace(/</g, "&lt;");
function feedXml(host: number, feed: number): string {
  const items = Array.from({ length: ITEMS_PER_FEED }, (_, k) => {
    const e = set[(host * 131 + feed * 17 + k * 7) % set.length]!;
    const body = [e.text, set[(host + feed + k * 3) % set.length]!.text, set[(host * 3 + feed * 5 + k) % set.length]!.text].join(" ");
    return `<item><guid>h${host}-f${feed}-i${k}</guid><title>${esc(e.text.slice(0, 70))}</title><link>http://127.0.0.${host + 1}/n/${feed}/${k}</link><pubDate>Sun, 27 Jul 2025 06:00:00 GMT</pubDate><description>${esc(`<p>${body}</p>`)}</description></item>`;
  }).join("");
  return `<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>bench ${host}/${feed}</title>${items}</channel></rss>`;
}
const servers: Server[] = [];
const ports: number[] = [];
for (let h = 0; h < HOSTS; h++) {
  const feeds = Array.from({ length: FEEDS_PER_HOST }, (_, f) => feedXml(h, f));
  const server = createServer((req, res) => {
    const f = Number(/\/feed\/(\d+)/.exec(req.url ?? "")?.[1]);
    if (!Number.isInteger(f) || !feeds[f]) return res.writeHead(404).end();
    if (req.headers["if-none-match"] === `"h${h}f${f}"`) return res.writeHead(304).end();
    res.writeHead(200, { "content-type": "application/rss+xml; charset=utf-8", etag: `"h${h}f${f}"` }).end(feeds[f]);
  });
  await new Promise<void>((r) => server.listen(0, `127.0.0.${h + 1}`, r));
  servers.push(server);
  ports.push((server.address() as { port: number }).port);
}
const hostsAllowed = Array.from({ length: HOSTS }, (_, h) => `127.0.0.${h + 1}`);
const urls = Array.from({ length: HOSTS * FEEDS_PER_HOST }, (_, i) => `http://127.0.0.${Math.floor(i / FEEDS_PER_HOST) + 1}:${ports[Math.floor(i / FEEDS_PER_HOST)]}/feed/${i % FEEDS_PER_HOST}`);
const PER_HOST_DELAY = 1000;
console.log(`\npoll cycle: ${urls.length} feeds on ${HOSTS} loopback hosts (${FEEDS_PER_HOST} per host, ${ITEMS_PER_FEED} items each), ${PER_HOST_DELAY} ms between requests to one host, hosts in parallel`);
{
  const repo = new MemoryMonitorRepository();
  urls.forEach((url, i) => repo.add({ id: `f${i}`, url, kind: "feed" }));
  const t0 = performance.now();
  const r = await pollOnce(repo, { allowPrivate: hostsAllowed, perHostDelayMs: PER_HOST_DELAY, concurrency: HOSTS });
  const s = (performance.now() - t0) / 1000;
  console.log(`  in memory: ${fmt(s, 1)} s (${r.ok} ok, ${r.failed.length} failed, ${r.newItems.length} new items classified; ${HOSTS * (FEEDS_PER_HOST - 1) * PER_HOST_DELAY / 1000 / HOSTS} s of it is politeness pauses per host)`);
}
{
  const dir = mkdtempSync(join(tmpdir(), "vigil-bench-"));
  const store = await openStore({ dataDir: dir });
  const ctx = makeCtx(store, SYSTEM);
  for (const url of urls) await addSource(ctx, { url });
  const repo = new StoreMonitorRepository(store);
  let t0 = performance.now();
  const r = await pollOnce(repo, { allowPrivate: hostsAllowed, perHostDelayMs: PER_HOST_DELAY, concurrency: HOSTS, now: () => new Date("2025-07-27T08:00:00Z") });
  let s = (performance.now() - t0) / 1000;
  console.log(`  SQLite store: ${fmt(s, 1)} s (${r.ok} ok, ${r.failed.length} failed, ${r.newItems.length} new items classified and stored)`);
  for (const f of r.failed.slice(0, 5)) console.log(`    failed ${f.url}: ${f.failure.kind}: ${f.failure.message}`);
  t0 = performance.now();
  const again = await pollOnce(repo, { allowPrivate: hostsAllowed, perHostDelayMs: PER_HOST_DELAY, concurrency: HOSTS, now: () => new Date("2025-07-27T09:00:00Z") });
  s = (performance.now() - t0) / 1000;
  console.log(`  SQLite store, second cycle (conditional requests): ${fmt(s, 1)} s (${again.notModified} not modified)`);
  await store.close();
  rmSync(dir, { recursive: true, force: true });
}
for (const s of servers) s.close();
