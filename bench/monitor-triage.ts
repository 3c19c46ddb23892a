// Monitoring, the staff side: how long the triage view (draft and suggested
// matches) takes with many people recorded, how fast confirmations turn items
// into sourced records, and how fast the dispatcher sends alerts to a local
// SMTP server and a local webhook receiver. Synthetic data only.
// Run: node --import tsx bench/monitor-triage.ts [--people 5000] [--items 200] [--alerts 500]
import { cpus, loadavg, tmpdir } from "node:os";
import { mkdtempSync, rmSync } from "node:fs";
import { join } from "node:path";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { SMTPServer } from "smtp-server";
import { makeCtx, SYSTEM } from "../src/core/context.ts";
import { parseDate } from "../src/core/dates.ts";
import { createRecord, seedVocabularies } from "../src/records/index.ts";
import { openStore } from "../src/store/index.ts";
import {
  addSource,
  classifyItem,
  completePerson,
  configureMonitor,
  confirmItem,
  createSubscription,
  createWatch,
  dispatchStore,
  listTriage,
  recordStep,
  StoreMonitorRepository,
  triageView,
} from "../src/monitor/index.ts";

const arg = (name: string, d: number): number => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : d;
};
const PEOPLE = arg("people", 5000);
const ITEMS = arg("items", 200);
const ALERTS = arg("alerts", 500);
const q = (xs: number[], p: number): number => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(p * xs.length))]!;
const fmt = (x: number, d = 1): string => x.toFixed(d);

console.log(`# monitor triage and alert benchmarks\nmachine: ${cpus().length} cores (${cpus()[0]?.model ?? "?"}), node ${process.version}, load average at start ${loadavg().map((x) => x.toFixed(1)).join(" ")}\n`);

// Fictional names, combined: none is a real person's record.
const GIVEN = [["Kamran", "کامران"], ["Dariush", "داریوش"], ["Nasrin", "نسرین"], ["Parisa", "پریسا"], ["Behnam", "بهنام"], ["Maryam", "مریم"], ["Reza", "رضا"], ["Leila", "لیلا"]] as const;
const FAMILY = [["Rostami", "رستمی"], ["Karimi", "کریمی"], ["Ahmadi", "احمدی"], ["Moradi", "مرادی"], ["Hosseini", "حسینی"], ["Jafari", "جعفری"], ["Rahimi", "رحیمی"], ["Sadeghi", "صادقی"], ["Ghorbani", "قربانی"], ["Azizi", "عزیزی"]] as const;
const nameOf = (i: number): [string, string] => {
  const g = GIVEN[i % GIVEN.length]!;
  const f = FAMILY[Math.floor(i / GIVEN.length) % FAMILY.length]!;
  return [`${g[0]} ${f[0]}`, `${g[1]} ${f[1]}`];
};

const dir = mkdtempSync(join(tmpdir(), "vigil-bench-triage-"));
const store = await openStore({ dataDir: dir });
try {
  await seedVocabularies(store.db);
  const sys = makeCtx(store, { ...SYSTEM, id: "system:bench" });
  const list = await createRecord(sys, { type: "source", label: "Synthetic list (benchmark)", synthetic: true });
  let t0 = performance.now();
  for (let i = 0; i < PEOPLE; i++) {
    const [en, fa] = nameOf(i);
    await createRecord(sys, { type: "person", synthetic: true, claims: [{ property: "name", value: { text: i % 2 ? en : fa }, confidence: "probable", confidentiality: "staff", citations: [{ sourceId: list.id }] }] });
  }
  console.log(`loaded ${PEOPLE} synthetic people in ${fmt((performance.now() - t0) / 1000)} s (SQLite)`);

  const source = await addSource(sys, { url: "https://news.example.org/bench.xml" });
  const now = new Date().toISOString();
  const items = Array.from({ length: ITEMS }, (_, i) => {
    const [en] = nameOf(i * 7);
    const title = `Synthetic: ${en} executed in Ghezel Hesar Prison`;
    const text = `${en}, a political prisoner, was executed in Ghezel Hesar Prison on 27 July 2025 on the charge of moharebeh, according to a synthetic report.`;
    return { sourceId: source.id, key: `b${i}`, url: `https://news.example.org/b${i}`, title, text, published: "2025-07-27T06:00:00.000Z", fetchedAt: now, classification: classifyItem({ id: `b${i}`, title, text }) };
  });
  await new StoreMonitorRepository(store).addItems(items);
  const queue = await listTriage(sys, { limit: ITEMS });

  const editor = makeCtx(store, { id: "u-bench-editor", role: "editor" });
  const viewMs: number[] = [];
  const views = [];
  for (const it of queue) {
    const a = performance.now();
    views.push(await triageView(editor, it.id));
    viewMs.push(performance.now() - a);
  }
  const suggested = views.filter((v) => (v.matches[0]?.length ?? 0) > 0).length;
  console.log(`triage view (draft + suggested matches found by name in both scripts and scored by record linkage), ${PEOPLE} people recorded: p50 ${fmt(q(viewMs, 0.5))} ms, p95 ${fmt(q(viewMs, 0.95))} ms; ${suggested}/${views.length} items had suggestions`);

  const confirmMs: number[] = [];
  t0 = performance.now();
  for (const v of views) {
    const a = performance.now();
    await confirmItem(editor, v.item.id, { source: v.draft.source, people: v.draft.people.filter((p) => p.include).map((p) => completePerson(p)) });
    confirmMs.push(performance.now() - a);
  }
  const s = (performance.now() - t0) / 1000;
  console.log(`confirmations (a Source, a person with name and act claims, a place; one transaction each): ${fmt(views.length / s)} items/s, p50 ${fmt(q(confirmMs, 0.5))} ms, p95 ${fmt(q(confirmMs, 0.95))} ms`);

  // ---------- dispatch ----------
  let mails = 0;
  const smtp = new SMTPServer({ authOptional: true, disabledCommands: ["STARTTLS", "AUTH"], logger: false, onData(stream, _s, cb) { stream.on("data", () => undefined); stream.on("end", () => { mails++; cb(); }); } });
  const smtpNet = smtp.listen(0, "127.0.0.1");
  await new Promise<void>((r) => smtpNet.once("listening", () => r()));
  let hooks = 0;
  const hook = createServer((req, res) => { req.resume(); req.on("end", () => { hooks++; res.writeHead(204).end(); }); });
  await new Promise<void>((r) => hook.listen(0, "127.0.0.1", r));
  configureMonitor({ smtp: { host: "127.0.0.1", port: (smtpNet.address() as AddressInfo).port, secure: false, requireTLS: false, from: "bench@vigil.test" }, webhookAllowPrivateHosts: ["127.0.0.1"], monitorAllowPrivateHosts: [], monitorHostDelayMs: 0 });
  const watch = await createWatch(editor, { names: ["Kamran Rostami"] });
  await createSubscription(editor, { name: "email", channel: "email", address: "family@example.org", topics: [], persons: [watch.id], provinces: [], mode: "immediate", lang: "en" });
  await createSubscription(editor, { name: "webhook", channel: "webhook", address: `http://127.0.0.1:${(hook.address() as AddressInfo).port}/hook`, topics: ["watchlist"], persons: [], provinces: [], mode: "immediate", lang: "en" });
  const kinds = ["arrested", "sentenced"] as const;
  t0 = performance.now();
  for (let i = 0; i < ALERTS / 2; i++) await recordStep(editor, watch.id, { kind: kinds[i % 2]!, date: parseDate(`2025-01-01`), sources: [{ url: "https://example.org/synthetic" }] });
  console.log(`status changes recorded with their alerts queued: ${fmt(ALERTS / 2 / ((performance.now() - t0) / 1000))} steps/s`);
  t0 = performance.now();
  const r = await dispatchStore(store);
  const ds = (performance.now() - t0) / 1000;
  console.log(`dispatch of ${r.sent} immediate alerts (half email to a loopback SMTP server, half signed webhooks to a loopback receiver): ${fmt(r.sent / ds)} alerts/s (${mails} mails, ${hooks} webhooks received; ${r.retrying.length + r.dead.length} failures)`);
  smtp.close();
  hook.close();
} finally {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
}
