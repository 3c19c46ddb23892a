import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { parseHTML } from "linkedom";
import { jobHandlers, runWorker } from "../../src/worker/index.ts";
import { verifyWebhook } from "../../src/monitor/index.ts";
import { startApp, type RunningApp } from "../helpers/app.ts";
import { staff, type StaffClient } from "../helpers/staff.ts";
import { formFields } from "./form.ts";
import { serve } from "./http-fixture.ts";
import { smtpServer, type ReceivedMail } from "./smtp-fixture.ts";

/**
 * The "done when", through the real server as a signed-in editor: a
 * feed served from loopback with Persian and English items gives labelled,
 * explained triage items; confirming one makes sourced records (and asks the
 * vault for a capture); a watched prisoner's status change reaches a
 * subscriber by email (a local SMTP server) and by a signed webhook (a local
 * receiver checking the HMAC); a later item naming the watched person alerts too.
 * Every person here is fictional (a synthetic feed made for this test).
 */

const ITEMS: string[] = [
  `<item><guid>fa-1</guid><link>{base}/news/fa-1</link><pubDate>Sun, 27 Jul 2025 06:00:00 GMT</pubDate><title>اعدام یک زندانی سیاسی در قزل‌حصار</title><description>داریوش کریمی، زندانی سیاسی، بامداد ۵ مرداد ۱۴۰۴ در زندان قزل‌حصار به اتهام محاربه اعدام شد.</description></item>`,
  `<item><guid>en-1</guid><link>{base}/news/en-1</link><pubDate>Sun, 27 Jul 2025 07:00:00 GMT</pubDate><title>Supreme Court upholds death sentence of Kamran Rostami</title><description>Iran's Supreme Court has upheld the death sentence of Kamran Rostami, a political prisoner held in Urmia Central Prison, on the charge of baghi. His family fears an imminent execution.</description></item>`,
  `<item><guid>en-2</guid><link>{base}/news/en-2</link><pubDate>Sun, 27 Jul 2025 08:00:00 GMT</pubDate><title>Rain expected in Gilan</title><description>Heavy rain is expected in Gilan province this week.</description></item>`,
];

let app: RunningApp;
let editor: StaffClient;
let feed: Awaited<ReturnType<typeof serve>>;
let hook: Awaited<ReturnType<typeof serve>>;
let smtp: Awaited<ReturnType<typeof smtpServer>>;
const hooks: { body: string; signature: string }[] = [];
const stop = new AbortController();
let worker: Promise<void>;

const rss = (base: string): string => `<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>Synthetic test feed (fictional people)</title>${ITEMS.join("").replaceAll("{base}", base)}</channel></rss>`;

async function until<T>(what: string, probe: () => Promise<T | undefined | false>, limitMs = 20_000): Promise<T> {
  const end = Date.now() + limitMs;
  for (;;) {
    const v = await probe();
    if (v) return v;
    if (Date.now() > end) throw new Error(`gave up waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function json<T>(path: string): Promise<T> {
  const r = await editor.request("GET", path, undefined, { json: true });
  assert.equal(r.status, 200, `${path}: ${r.text.slice(0, 300)}`);
  return JSON.parse(r.text) as T;
}

before(async () => {
  smtp = await smtpServer();
  hook = await serve({ "/hook": (q, r, b) => (hooks.push({ body: b.toString("utf8"), signature: String(q.headers["vigil-signature"] ?? "") }), r.writeHead(204).end()) });
  feed = await serve({
    "/feed.xml": (_q, r) => r.writeHead(200, { "content-type": "application/rss+xml; charset=utf-8" }).end(rss(feed.base)),
    "/news/fa-1": (_q, r) => r.writeHead(200, { "content-type": "text/html; charset=utf-8" }).end(`<!doctype html><html lang="fa" dir="rtl"><head><title>اعدام یک زندانی سیاسی</title></head><body><article><h1>اعدام یک زندانی سیاسی در قزل‌حصار</h1><p>داریوش کریمی، زندانی سیاسی، بامداد ۵ مرداد ۱۴۰۴ در زندان قزل‌حصار به اتهام محاربه اعدام شد. (خبر ساختگی برای آزمون)</p></article></body></html>`),
  });
  app = await startApp({
    env: {
      VIGIL_SMTP_URL: `smtp://127.0.0.1:${smtp.port}`,
      VIGIL_SMTP_INSECURE: "1",
      VIGIL_ALERT_FROM: "Vigil alerts <alerts@vigil.test>",
      VIGIL_WEBHOOK_ALLOW_PRIVATE_HOSTS: "127.0.0.1",
      VIGIL_MONITOR_ALLOW_PRIVATE_HOSTS: "127.0.0.1",
      VIGIL_MONITOR_HOST_DELAY_MS: "0",
    },
  });
  worker = runWorker(app.deps.store, jobHandlers, { signal: stop.signal, idleMs: 50 });
  editor = await staff(app.deps.store, app.url, "editor");
});

after(async () => {
  stop.abort();
  await worker;
  await app.close();
  await Promise.all([feed.close(), hook.close(), smtp.close()]);
});

interface Item {
  id: string;
  title: string;
  labels: string[];
  reasons: { label: string; applied: boolean; classifier: { probability: number }; matches: { text: string; field: string }[] }[];
  entities: { type: string; text: string }[];
  status: string;
  decision?: { sourceId?: string; recordIds?: string[]; captureId?: string; captureNote?: string };
}

test("a loopback feed with Persian and English items becomes labelled, explained triage items", async () => {
  const added = await editor.get("/workspace/monitor/sources");
  assert.equal(added.status, 200);
  const r = await editor.post("/workspace/monitor/sources", formFields(added.text, "/workspace/monitor/sources", { url: `${feed.base}/feed.xml`, interval: "60" }));
  assert.equal(r.status, 303, r.text.slice(0, 500));
  // The worker polls it (the source was added with its first poll scheduled).
  const items = await until("the feed's items in triage", async () => {
    const q = await json<{ items: Item[] }>("/api/v1/monitor/triage?status=all&all=true");
    return q.items.length === 3 ? q.items : undefined;
  });
  const fa = items.find((i) => i.title.includes("قزل‌حصار"))!;
  const en = items.find((i) => i.title.includes("Kamran Rostami"))!;
  const rain = items.find((i) => i.title.includes("Gilan"))!;
  assert.deepEqual(fa.labels, ["execution_report"]);
  assert.ok(en.labels.includes("death_sentence") && en.labels.includes("at_risk"), `English labels: ${en.labels.join(", ")}`);
  assert.deepEqual(rain.labels, []);
  // Explained: each applied label carries the words that decided it and the classifier's score.
  for (const item of [fa, en]) {
    for (const label of item.labels) {
      const reason = item.reasons.find((x) => x.label === label)!;
      assert.ok(reason.applied && reason.matches.length > 0 && reason.classifier.probability >= 0, `${item.title}: ${label} explained`);
    }
  }
  assert.ok(fa.reasons.find((x) => x.label === "execution_report")!.matches.some((m) => m.text.includes("اعدام")));
  assert.ok(fa.entities.some((e) => e.type === "person" && e.text.includes("داریوش کریمی")));
  assert.ok(fa.entities.some((e) => e.type === "prison") && fa.entities.some((e) => e.type === "charge") && fa.entities.some((e) => e.type === "date"));

  // The queue page shows the labels; the item page marks the matched words and the classifier score.
  const queue = await editor.get("/workspace/monitor/");
  assert.equal(queue.status, 200);
  assert.ok(queue.text.includes(`/workspace/monitor/items/${fa.id}`) && queue.text.includes(`/workspace/monitor/items/${en.id}`));
  assert.ok(!queue.text.includes(`/workspace/monitor/items/${rain.id}`), "an item without a label waits nowhere");
  const page = await editor.get(`/workspace/monitor/items/${fa.id}`);
  assert.equal(page.status, 200);
  const { document } = parseHTML(page.text);
  const marks = [...document.querySelectorAll(".item-text mark")].map((m) => m.textContent ?? "");
  assert.ok(marks.some((m) => m.includes("اعدام")), `highlighted: ${marks.join(" | ")}`);
  assert.match(page.text, /Classifier: \d+%/);
  // The same page in Persian, right to left.
  await editor.post("/workspace/lang", { lang: "fa", next: `/workspace/monitor/items/${fa.id}` });
  const faPage = await editor.get(`/workspace/monitor/items/${fa.id}`);
  assert.match(faPage.text, /<html lang="fa" dir="rtl"/);
  assert.ok(faPage.text.includes("گزارش اعدام"));
  await editor.post("/workspace/lang", { lang: "en", next: "/workspace/" });
  // The same actions are in the JSON API and its OpenAPI document.
  const doc = (await (await fetch(`${app.url}/api/openapi.json`)).json()) as { paths: Record<string, Record<string, unknown>> };
  assert.ok(doc.paths["/api/v1/monitor/triage/{id}/confirm"]?.post && doc.paths["/api/v1/monitor/watchlist/{id}/steps"]?.post && doc.paths["/api/v1/monitor/subscriptions"]?.post);
});

test("confirming an item makes a Source and sourced person records, and asks the vault for a capture", async () => {
  const { items } = await json<{ items: Item[] }>("/api/v1/monitor/triage");
  const fa = items.find((i) => i.title.includes("قزل‌حصار"))!;
  const page = await editor.get(`/workspace/monitor/items/${fa.id}`);
  const action = `/workspace/monitor/items/${fa.id}/confirm`;
  const fields = formFields(page.text, action);
  // The form came filled from the text: the article's address, the name, the Jalali date, the prison, the charge.
  assert.equal(fields.s_url![0], `${feed.base}/news/fa-1`);
  assert.equal(fields.p0_nameFa![0], "داریوش کریمی");
  assert.equal(fields.p0_include![0], "1");
  assert.equal(fields.p0_actType![0], "execution");
  assert.equal(fields.p0_date![0], "1404-05-05");
  assert.equal(fields.p0_place![0], "new");
  assert.match(fields.p0_newPlaceName![0]!, /قزل/);
  assert.deepEqual(fields.p0_charges, ["moharebeh"]);
  assert.equal(fields.p0_victimStatus![0], "dead");
  // A wrong date is refused at its field, and nothing is written.
  const bad = await editor.post(action, { ...fields, p0_date: ["1404/13/40"] });
  assert.equal(bad.status, 400);
  assert.match(bad.text, /id="f-p0_date"[^>]*aria-invalid="true"|aria-invalid="true"[^>]*id="f-p0_date"/);
  assert.equal((await json<Item>(`/api/v1/monitor/triage/${fa.id}`).then((v) => (v as unknown as { item: Item }).item)).status, "new");

  const ok = await editor.post(action, { ...fields, p0_nameEn: ["Dariush Karimi"], p0_confidence: ["confirmed"] });
  assert.equal(ok.status, 303, ok.text.slice(0, 800));
  const view = await json<{ item: Item }>(`/api/v1/monitor/triage/${fa.id}`);
  assert.equal(view.item.status, "confirmed");
  const decision = view.item.decision!;
  const source = await json<{ record: { type: string; kind: string; data: { url: string; language: string }; label: string; labelFa: string }; sourceText?: string }>(`/api/v1/records/${decision.sourceId!}`);
  assert.equal(source.record.type, "source");
  assert.equal(source.record.kind, "article");
  assert.equal(source.record.data.url, `${feed.base}/news/fa-1`);
  assert.equal(source.record.data.language, "fa");
  assert.ok(source.sourceText?.includes("داریوش کریمی"), "the article's text is kept with the Source");
  const personId = decision.recordIds!.find((id) => id.startsWith("per_"))!;
  const person = await json<{ record: { label: string; labelFa: string }; claims: { property: string; term: string | null; value: Record<string, unknown>; date: { calendar: string; earliest: string } | null; placeId: string | null; confidence: string; citations: { sourceId: string; quote: string | null }[] }[] }>(`/api/v1/records/${personId}`);
  assert.equal(person.record.labelFa, "داریوش کریمی");
  assert.equal(person.record.label, "Dariush Karimi");
  const act = person.claims.find((c) => c.property === "act")!;
  assert.equal(act.term, "execution");
  assert.deepEqual(act.value, { victim_status: "dead", charges: ["moharebeh"] });
  assert.equal(act.date!.calendar, "jalali");
  assert.equal(act.date!.earliest, "2025-07-27");
  assert.ok(act.placeId?.startsWith("plc_"), "a place record was made for the prison");
  assert.equal(act.confidence, "confirmed");
  for (const c of person.claims) {
    assert.equal(c.citations[0]!.sourceId, decision.sourceId, `${c.property} cites the article`);
    assert.match(c.citations[0]!.quote ?? "", /اعدام شد/);
  }
  // The vault capture was requested in the same transaction; the worker captures the article as the Source's evidence.
  assert.ok(decision.captureId, `the capture request is recorded on the item (${decision.captureNote ?? ""})`);
  const capture = await until("the vault capture", async () => {
    const c = await json<{ status: string; itemId: string | null; error: string | null }>(`/api/v1/vault/captures/${decision.captureId!}`);
    assert.ok(!["failed", "flagged"].includes(c.status), `the capture ${c.status}: ${c.error ?? ""}`);
    return c.status === "done" && c;
  });
  const evidence = await json<{ item: { kind: string; sourceUrl: string; sourceIds: string[] } }>(`/api/v1/vault/items/${capture.itemId!}`);
  assert.equal(evidence.item.sourceUrl, `${feed.base}/news/fa-1`);
  assert.ok(evidence.item.sourceIds.includes(decision.sourceId!), "the capture is linked to the article's Source");
  // Audited.
  const audit = await app.deps.store.db.withTables<{ audit_log: { action: string; target_id: string | null } }>().selectFrom("audit_log").select("action").where("target_id", "=", fa.id).execute();
  assert.ok(audit.some((a) => a.action === "monitor.triage.confirm"));
  // Confirming twice is refused.
  const again = await editor.post(action, fields);
  assert.equal(again.status, 409);
});

test("dismissing needs a reason, which is kept", async () => {
  const { items } = await json<{ items: Item[] }>("/api/v1/monitor/triage?status=all&all=true");
  const rain = items.find((i) => i.title.includes("Gilan"))!;
  const empty = await editor.request("POST", `/api/v1/monitor/triage/${rain.id}/dismiss`, { reason: " " }, { json: true });
  assert.equal(empty.status, 400);
  const r = await editor.request("POST", `/api/v1/monitor/triage/${rain.id}/dismiss`, { reason: "weather, not about prisoners" }, { json: true });
  assert.equal(r.status, 200);
  const view = await json<{ item: Item & { decision: { reason: string } } }>(`/api/v1/monitor/triage/${rain.id}`);
  assert.equal(view.item.status, "dismissed");
  assert.equal(view.item.decision.reason, "weather, not about prisoners");
});

test("a watched prisoner's status change reaches subscribers by email and by a signed webhook; an item naming them alerts too", async () => {
  // The watch and an email subscription through the pages.
  const list = await editor.get("/workspace/monitor/watchlist");
  const created = await editor.post("/workspace/monitor/watchlist", formFields(list.text, "/workspace/monitor/watchlist", { names: "Kamran Rostami\nکامران رستمی", province: "west-azerbaijan" }));
  assert.equal(created.status, 303, created.text.slice(0, 500));
  const watchId = /\/watchlist\/(mwat_[a-z0-9]+)/.exec(created.location ?? "")![1]!;
  const subsPage = await editor.get("/workspace/monitor/subscriptions");
  const email = await editor.post("/workspace/monitor/subscriptions", formFields(subsPage.text, "/workspace/monitor/subscriptions", { name: "Family", channel: "email", address: "family@example.org", persons: [watchId], lang: "en" }));
  assert.equal(email.status, 201, email.text.slice(0, 800));
  // A webhook through the API: its signing secret is given once, in the answer.
  const wh = await editor.request("POST", "/api/v1/monitor/subscriptions", { name: "Partner NGO", channel: "webhook", address: `${hook.base}/hook`, topics: ["watchlist"], provinces: ["west-azerbaijan"], lang: "fa" }, { json: true });
  assert.equal(wh.status, 201, wh.text);
  const secret = (JSON.parse(wh.text) as { secret: string }).secret;
  assert.match(secret, /^vwhs_/);
  const listed = await editor.request("GET", "/api/v1/monitor/subscriptions", undefined, { json: true });
  assert.ok(!listed.text.includes(secret), "the secret is never shown again");

  // A step through the page: the death sentence upheld.
  const watchPage = await editor.get(`/workspace/monitor/watchlist/${watchId}`);
  const step = await editor.post(`/workspace/monitor/watchlist/${watchId}/steps`, formFields(watchPage.text, `/workspace/monitor/watchlist/${watchId}/steps`, { kind: "sentence_upheld", date: "1404/05/01", url: "https://example.org/synthetic-report", org: "A rights group (synthetic)" }));
  assert.equal(step.status, 303, step.text.slice(0, 500));
  assert.match(step.location ?? "", /done=step&n=2/);

  const mail = await until<ReceivedMail>("the email", async () => smtp.mails.find((m) => m.to.includes("family@example.org")));
  assert.match(mail.subject, /Kamran Rostami: death sentence upheld/);
  assert.match(mail.text, /example\.org\/synthetic-report/);
  assert.match(mail.raw, /^From: Vigil alerts <alerts@vigil\.test>/m);
  const delivery = await until("the webhook", async () => hooks[0]);
  assert.ok(verifyWebhook(secret, delivery.signature, delivery.body), "the receiver checks the HMAC with its secret");
  assert.ok(!verifyWebhook("another secret of enough length", delivery.signature, delivery.body));
  const payload = JSON.parse(delivery.body) as { type: string; events: { kind: string; to: string; watchId: string }[] };
  assert.equal(payload.events[0]!.kind, "status_change");
  assert.equal(payload.events[0]!.to, "sentence_upheld");
  assert.equal(payload.events[0]!.watchId, watchId);

  // The timeline page shows the step with its source; the watchlist ranks the risk.
  const timeline = await editor.get(`/workspace/monitor/watchlist/${watchId}`);
  assert.ok(timeline.text.includes("https://example.org/synthetic-report") && timeline.text.includes("death sentence upheld"));

  // A new item naming the watched person, in Persian: the family's subscription hears of it.
  ITEMS.push(`<item><guid>fa-2</guid><link>{base}/news/fa-2</link><title>انتقال کامران رستمی به سلول انفرادی</title><description>کامران رستمی، زندانی سیاسی، به سلول انفرادی زندان ارومیه منتقل شد.</description></item>`);
  const src = (await json<{ items: { id: string }[] }>("/api/v1/monitor/sources")).items[0]!;
  const poll = await editor.request("POST", `/api/v1/monitor/sources/${src.id}/poll`, {}, { json: true });
  assert.equal(poll.status, 202);
  const hit = await until<ReceivedMail>("the monitoring hit", async () => smtp.mails.find((m) => m.to.includes("family@example.org") && /Names a watched person/.test(m.text)));
  assert.match(hit.text, /کامران رستمی|Kamran Rostami/);
});
