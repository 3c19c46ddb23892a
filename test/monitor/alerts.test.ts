import { test } from "node:test";
import assert from "node:assert/strict";
import { parseDate } from "../../src/core/dates.ts";
import { VigilError } from "../../src/core/errors.ts";
import { addStep, currentStatus, findWatched, riskLevel, type Watch, type WatchStep, type StatusChange, type WatchStepKind } from "../../src/monitor/watchlist.ts";
import { digestDue, itemEvent, planDeliveries, renderAlertMessage, validateSubscription, wants, type AlertEvent, type Subscription } from "../../src/monitor/alerts.ts";
import { dispatchDue, MemoryAlertRepository, raiseAlerts } from "../../src/monitor/dispatch.ts";
import { sendWebhook, signWebhook, verifyWebhook } from "../../src/monitor/webhook.ts";
import { smtpSender } from "../../src/monitor/email.ts";
import { classifyItem } from "../../src/monitor/classify.ts";
import { FetchError } from "../../src/monitor/fetcher.ts";
import type { Label } from "../../src/monitor/lexicon.ts";
import { sharedCsv } from "./shared-data.ts";
import { serve } from "./http-fixture.ts";
import { smtpServer } from "./smtp-fixture.ts";

let seq = 0;
const step = (kind: WatchStepKind, date: string, source = "https://example.org/report"): WatchStep => ({ id: `s${++seq}`, kind, date: parseDate(date), sources: [{ url: source }], recordedAt: `2025-08-01T00:00:${String(seq % 60).padStart(2, "0")}Z`, recordedBy: "u-test" });

const KIND: Record<string, WatchStepKind> = {
  arrest: "arrested",
  death_sentence: "sentenced",
  sentence_upheld: "sentence_upheld",
  transfer_to_execution_prison: "transferred_to_execution_prison",
  retrial_rejected: "retrial_rejected",
  un_appeal: "note",
  execution: "executed",
};

test("a watched prisoner's timeline from arrest to execution, each step sourced, an alert on every change (../shared/data/monitoring/case_timeline_ehsani_hassani.csv)", (t) => {
  const rows = sharedCsv("monitoring/case_timeline_ehsani_hassani.csv");
  if (!rows) return t.skip("../shared/data/monitoring/case_timeline_ehsani_hassani.csv not found");
  let watch: Watch = { id: "w-hassani", names: ["Mehdi Hassani", "مهدی حسنی"], steps: [] };
  const changes: StatusChange[] = [];
  for (const r of rows.filter((x) => x.person!.split(";").map((p) => p.trim()).includes("Mehdi Hassani"))) {
    const kind = KIND[r.event_type!];
    assert.ok(kind, `event type ${r.event_type} is mapped`);
    const res = addStep(watch, { id: `row-${r.date}-${r.event_type}`, kind, date: parseDate(r.date!), sources: [{ org: r.source_org!, url: r.url! }], note: r.detail!, recordedAt: "2025-08-01T00:00:00Z", recordedBy: "u-test" });
    watch = res.watch;
    if (res.change) changes.push(res.change);
  }
  assert.deepEqual(changes.map((c) => c.to), ["arrested", "sentenced", "sentence_upheld", "transferred_to_execution_prison", "retrial_rejected", "executed"]);
  assert.equal(changes[0]!.from, undefined);
  assert.equal(changes[2]!.from, "sentenced");
  assert.ok(changes.every((c) => c.step.sources.length > 0 && c.step.sources[0]!.url!.startsWith("https://")));
  assert.equal(watch.steps.length, rows.filter((x) => x.person!.includes("Mehdi Hassani")).length, "the UN appeal is kept as a note");
  assert.equal(currentStatus(watch.steps).status, "executed");
  assert.equal(riskLevel("transferred_to_execution_prison"), "imminent");
  // A later report that contradicts the execution is kept, flagged, and does not change the status.
  const conflict = addStep(watch, step("released", "2025-08-15"));
  assert.equal(conflict.change!.conflict !== undefined, true);
  assert.equal(currentStatus(conflict.watch.steps).status, "executed");
});

test("steps need a known kind, a date and a source; back-filled history and repeats do not alert", () => {
  const w: Watch = { id: "w1", names: ["Kamran Rostami"], steps: [] };
  assert.throws(() => addStep(w, { ...step("arrested", "2024-01-01"), sources: [] }), (e: unknown) => e instanceof VigilError && /at least one source/.test(e.message));
  assert.throws(() => addStep(w, { ...step("arrested", "2024-01-01"), kind: "vanished" as WatchStepKind }), /unknown step/);
  assert.throws(() => addStep(w, { ...step("arrested", "2024-01-01"), sources: [{ url: "javascript:alert(1)" }] }), /http\(s\)/);
  let cur = addStep(w, step("sentenced", "2024-06-01")).watch;
  assert.equal(addStep(cur, step("arrested", "2023-11-20")).change, undefined, "an older step fills in history");
  cur = addStep(cur, step("transferred_to_solitary", "2024-09-01")).watch;
  assert.equal(addStep(cur, step("transferred_to_solitary", "2024-09-03")).change, undefined, "same status again");
  assert.equal(addStep(cur, step("note", "2024-09-04")).change, undefined);
});

test("monitoring hits name a watched person across scripts and spellings", () => {
  const watches: Watch[] = [{ id: "w-e", names: ["Behrouz Ehsani"], steps: [] }, { id: "w-x", names: ["Someone Else"], steps: [] }];
  const fa = classifyItem({ id: "1", text: "بهروز احسانی و یک زندانی دیگر به سلول انفرادی منتقل شدند." });
  const hits = findWatched(watches, { text: "بهروز احسانی و یک زندانی دیگر به سلول انفرادی منتقل شدند.", entities: fa.entities });
  assert.deepEqual(hits.map((h) => [h.watchId, h.text, h.via]), [["w-e", "بهروز احسانی", "name keys"]]);
  const item = { title: "Behrooz EHSANI moved to solitary confinement", text: "No other name here." };
  const c = classifyItem({ id: "2", ...item });
  assert.deepEqual(findWatched(watches, { ...item, entities: c.entities }).map((h) => [h.watchId, h.field, h.text]), [["w-e", "title", "Behrooz EHSANI"]]);
  assert.equal(findWatched(watches, item).length, 0, "a different spelling needs the extracted name");
  assert.equal(findWatched(watches, { text: "Ehsani alone is not enough." }).length, 0);
});

const sub = (over: Partial<Subscription>): Subscription => ({ id: "sub", name: "test", channel: "email", address: "a@example.org", topics: [], persons: [], provinces: [], mode: "immediate", lang: "en", active: true, ...over });
const hit = (labels: Label[], provinces: string[], watched: string[] = []): AlertEvent => ({ kind: "monitoring_hit", key: `item:${labels.join()}:${provinces.join()}`, at: "2025-07-27T08:00:00Z", itemId: "i1", title: "t", labels, provinces, watched: watched.map((w) => ({ watchId: w, name: "n", text: "n" })) });

test("a monitored item becomes an alert event with its labels, provinces and watched people", () => {
  const watches: Watch[] = [{ id: "w-h", names: ["مهدی حسنی"], steps: [] }];
  const text = "مهدی حسنی و یک زندانی دیگر سحرگاه امروز در زندان قزل‌حصار کرج اعدام شدند.";
  const c = classifyItem({ id: "i9", text });
  const e = itemEvent({ id: "i9", title: "", text, labels: c.labels, entities: c.entities }, watches, new Date("2025-07-27T08:00:00Z"))!;
  assert.equal(e.kind, "monitoring_hit");
  if (e.kind !== "monitoring_hit") return;
  assert.deepEqual(e.labels, ["execution_report"]);
  assert.deepEqual(e.provinces, ["alborz"]);
  assert.deepEqual(e.watched.map((w) => w.watchId), ["w-h"]);
  assert.equal(itemEvent({ id: "i10", title: "Weather", text: "Rain in Gilan.", labels: [], entities: [] }, watches, new Date()), undefined);
});

test("subscriptions by topic, person or province", () => {
  assert.equal(wants(sub({ topics: ["execution_report"] }), hit(["execution_report"], ["alborz"])), true);
  assert.equal(wants(sub({ topics: ["execution_report"], provinces: ["kurdistan"] }), hit(["execution_report"], ["alborz"])), false);
  assert.equal(wants(sub({ topics: ["execution_report"], provinces: ["alborz"] }), hit(["execution_report"], ["alborz"])), true);
  assert.equal(wants(sub({ provinces: ["alborz"] }), hit(["arrest"], ["alborz"])), true);
  assert.equal(wants(sub({ provinces: ["alborz"] }), hit([], ["alborz"])), false);
  assert.equal(wants(sub({ persons: ["w1"] }), hit([], [], ["w1"])), true, "an item naming a watched person, even without a label");
  assert.equal(wants(sub({ topics: ["arrest"], active: false }), hit(["arrest"], [])), false);
  const change: AlertEvent = { kind: "status_change", key: "k", at: "x", watchId: "w1", names: ["n"], province: "alborz", to: "executed", step: step("executed", "2025-07-27") };
  assert.equal(wants(sub({ persons: ["w1"] }), change), true);
  assert.equal(wants(sub({ topics: ["watchlist"], provinces: ["alborz"] }), change), true);
  assert.equal(wants(sub({ topics: ["watchlist"], provinces: ["tehran"] }), change), false);
  assert.throws(() => validateSubscription({ ...sub({}), channel: "webhook", address: "ftp://x", secret: "short" }), (e: unknown) => e instanceof VigilError && e.problems.length === 3);
  assert.throws(() => validateSubscription(sub({ topics: [] })), /choose at least/);
});

test("done when: a watched prisoner's status change reaches a subscriber by email (local SMTP) and by signed webhook with retries", async () => {
  const smtp = await smtpServer();
  const received: { body: string; signature: string; delivery: string }[] = [];
  let webhookCalls = 0;
  const hook = await serve({
    "/hook": (q, r, body) => {
      webhookCalls++;
      if (webhookCalls === 1) return r.writeHead(503).end(); // the first attempt fails; the sender retries
      received.push({ body: body.toString(), signature: String(q.headers["vigil-signature"]), delivery: String(q.headers["vigil-delivery"]) });
      r.writeHead(204).end();
    },
  });
  const mail = smtpSender({ host: "127.0.0.1", port: smtp.port, requireTLS: false, from: "alerts@vigil.example" });
  const secret = "s3cret-for-tests-0123456789";
  try {
    const repo = new MemoryAlertRepository();
    repo.subscriptions.push(
      sub({ id: "by-email", persons: ["w-e"], address: "family@example.org", lang: "fa" }),
      sub({ id: "by-hook", channel: "webhook", address: `${hook.base}/hook`, secret, topics: ["watchlist"] }),
      sub({ id: "elsewhere", topics: ["watchlist"], provinces: ["sistan-baluchestan"] }),
    );
    let w: Watch = { id: "w-e", names: ["Behrouz Ehsani", "بهروز احسانی"], province: "alborz", steps: [] };
    w = addStep(w, step("sentenced", "2024-09-15")).watch;
    const { change } = addStep(w, step("sentence_upheld", "2025-01-07", "https://www.amnesty.ch/ua-010-25"));
    assert.ok(change);
    const now = new Date("2025-01-08T10:00:00Z");
    const planned = await raiseAlerts(repo, [{ kind: "status_change", key: `watch:w-e:${change.step.id}`, at: now.toISOString(), ...change }], now);
    assert.deepEqual(planned.map((d) => d.subscriptionId).sort(), ["by-email", "by-hook"]);
    assert.equal((await raiseAlerts(repo, [{ kind: "status_change", key: `watch:w-e:${change.step.id}`, at: now.toISOString(), ...change }], now)).length, 0, "one event, one delivery per subscriber");

    const report = await dispatchDue(repo, { email: mail, webhook: (url, s, body, id) => sendWebhook(url, s, body, { deliveryId: id, fetchOptions: { allowPrivate: ["127.0.0.1"] }, sleep: async () => undefined }) }, now);
    assert.equal(report.sent, 2);
    assert.equal(smtp.mails.length, 1);
    assert.deepEqual(smtp.mails[0]!.to, ["family@example.org"]);
    assert.match(smtp.mails[0]!.subject, /Behrouz Ehsani/);
    assert.match(smtp.mails[0]!.text, /تأیید حکم اعدام/);
    assert.match(smtp.mails[0]!.text, /amnesty\.ch\/ua-010-25/);
    assert.equal(webhookCalls, 2);
    assert.equal(received.length, 1);
    assert.equal(verifyWebhook(secret, received[0]!.signature, received[0]!.body, new Date()), true);
    const payload = JSON.parse(received[0]!.body) as { events: { to: string; watchId: string }[] };
    assert.deepEqual(payload.events.map((e) => [e.watchId, e.to]), [["w-e", "sentence_upheld"]]);
    assert.equal((await repo.due(new Date("2025-01-09T00:00:00Z"))).length, 0, "nothing left to send");
  } finally {
    mail.close();
    await smtp.close();
    await hook.close();
  }
});

test("digest mode: events wait for the end of the period and go out as one message", async () => {
  const smtp = await smtpServer();
  const mail = smtpSender({ host: "127.0.0.1", port: smtp.port, requireTLS: false, from: "alerts@vigil.example" });
  try {
    const repo = new MemoryAlertRepository();
    repo.subscriptions.push(sub({ id: "daily", topics: ["execution_report", "at_risk"], mode: "digest", digestMinutes: 24 * 60 }));
    const morning = new Date("2025-07-27T08:00:00Z");
    await raiseAlerts(repo, [hit(["execution_report"], ["alborz"]), hit(["at_risk"], ["tehran"])], morning);
    assert.equal((await dispatchDue(repo, { email: mail }, morning)).sent, 0, "not before the digest time");
    assert.equal(digestDue(morning, 24 * 60), "2025-07-28T00:00:00.000Z");
    const r = await dispatchDue(repo, { email: mail }, new Date("2025-07-28T00:00:00Z"));
    assert.equal(r.sent, 2);
    assert.equal(smtp.mails.length, 1);
    assert.match(smtp.mails[0]!.subject, /digest \(2\)/);
    assert.match(smtp.mails[0]!.text, /execution reported/);
    assert.match(smtp.mails[0]!.text, /at risk/);
  } finally {
    mail.close();
    await smtp.close();
  }
});

test("failed deliveries are retried later with doubling waits, then given up and reported", async () => {
  const repo = new MemoryAlertRepository();
  repo.subscriptions.push(sub({ id: "s" , topics: ["arrest"] }));
  const t0 = new Date("2025-07-27T08:00:00Z");
  await raiseAlerts(repo, [hit(["arrest"], [])], t0);
  const broken = { email: { send: async () => Promise.reject(new Error("mail server down")) } };
  const r1 = await dispatchDue(repo, broken, t0, { maxAttempts: 3 });
  assert.equal(r1.retrying.length, 1);
  assert.equal(repo.deliveries[0]!.dueAt, "2025-07-27T08:01:00.000Z");
  assert.equal((await dispatchDue(repo, broken, t0, { maxAttempts: 3 })).retrying.length, 0, "not due again yet");
  await dispatchDue(repo, broken, new Date("2025-07-27T08:01:00Z"), { maxAttempts: 3 });
  assert.equal(repo.deliveries[0]!.dueAt, "2025-07-27T08:03:00.000Z");
  const r3 = await dispatchDue(repo, broken, new Date("2025-07-27T08:03:00Z"), { maxAttempts: 3 });
  assert.equal(r3.dead.length, 1);
  assert.equal(repo.deliveries[0]!.status, "dead");
  assert.match(repo.deliveries[0]!.lastError!, /mail server down/);
});

test("webhook signatures: tampering, a wrong secret or an old timestamp fail; 4xx answers are not retried", async () => {
  const body = '{"a":1}';
  const now = new Date("2025-07-27T08:00:00Z");
  const ts = Math.floor(now.getTime() / 1000);
  const sig = signWebhook("secret-0123456789abcdef", ts, body);
  assert.equal(verifyWebhook("secret-0123456789abcdef", sig, body, now), true);
  assert.equal(verifyWebhook("secret-0123456789abcdef", sig, '{"a":2}', now), false);
  assert.equal(verifyWebhook("another-secret-0123456789", sig, body, now), false);
  assert.equal(verifyWebhook("secret-0123456789abcdef", sig, body, new Date(now.getTime() + 3600_000)), false);
  assert.equal(verifyWebhook("secret-0123456789abcdef", "garbage", body, now), false);
  let calls = 0;
  const srv = await serve({ "/gone": (_q, r) => (calls++, r.writeHead(410).end()) });
  try {
    await assert.rejects(sendWebhook(`${srv.base}/gone`, "secret-0123456789abcdef", body, { deliveryId: "d1", fetchOptions: { allowPrivate: true }, sleep: async () => undefined }), (e: unknown) => e instanceof FetchError && e.httpStatus === 410);
    assert.equal(calls, 1);
    // Webhook targets obey the same address rules as feeds.
    await assert.rejects(sendWebhook(`${srv.base}/gone`, "secret-0123456789abcdef", body, { deliveryId: "d2", attempts: 1 }), (e: unknown) => e instanceof FetchError && e.kind === "blocked_address");
  } finally {
    await srv.close();
  }
});

test("alert messages in Persian and English name the person, the step, its date and its sources", () => {
  const change: AlertEvent = { kind: "status_change", key: "k", at: "x", watchId: "w", names: ["Behrouz Ehsani"], from: "sentenced", to: "sentence_upheld", step: { ...step("sentence_upheld", "2025-01-07"), sources: [{ org: "Amnesty Switzerland", url: "https://www.amnesty.ch/x" }] } };
  const en = renderAlertMessage({ name: "family", lang: "en", mode: "immediate" }, [change]);
  assert.match(en.subject, /Behrouz Ehsani: death sentence upheld \(was: sentenced to death\)/);
  assert.match(en.text, /7 January 2025/);
  assert.match(en.text, /Amnesty Switzerland — https:\/\/www\.amnesty\.ch\/x/);
  const fa = renderAlertMessage({ name: "خانواده", lang: "fa", mode: "immediate" }, [change]);
  assert.match(fa.text, /۱۸ دی ۱۴۰۳/);
  assert.ok(!/[\r\n]/.test(renderAlertMessage({ name: "x", lang: "en", mode: "immediate" }, [{ ...hit(["arrest"], []), title: "evil\r\nBcc: someone@example.org" } as AlertEvent]).subject), "no header injection through titles");
  assert.equal(planDeliveries([change], [sub({ persons: ["w"], mode: "digest", digestMinutes: 60 })], new Date("2025-01-08T10:20:00Z"), () => "d")[0]!.dueAt, "2025-01-08T11:00:00.000Z");
});
