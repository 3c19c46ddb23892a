import { test } from "node:test";
import assert from "node:assert/strict";
import { forEachStore } from "../helpers/store.ts";
import { makeCtx, SYSTEM } from "../../src/core/context.ts";
import { parseDate } from "../../src/core/dates.ts";
import { VigilError } from "../../src/core/errors.ts";
import { createSubscription, createWatch, listWatches, recordStep, StoreAlertRepository } from "../../src/monitor/store-alerts.ts";
import { dispatchDue } from "../../src/monitor/dispatch.ts";
import { secretBox, SEALED_PREFIX } from "../../src/monitor/secret-box.ts";
import { sendWebhook, verifyWebhook } from "../../src/monitor/webhook.ts";
import { smtpSender } from "../../src/monitor/email.ts";
import { addSource } from "../../src/monitor/sources.ts";
import { pollStore } from "../../src/monitor/jobs.ts";
import { serve } from "./http-fixture.ts";
import { smtpServer } from "./smtp-fixture.ts";

forEachStore("watchlist and alerts in the store", (fixture) => {
  test("a recorded step changes the status and queues alerts in the same transaction; the outbox delivers by email and webhook", async () => {
    const { store } = fixture();
    let clock = new Date("2025-01-07T12:00:00Z");
    const ctx = makeCtx(store, { id: "u-editor", role: "editor" }, { now: () => clock });
    const smtp = await smtpServer();
    const bodies: { body: string; sig: string }[] = [];
    const hook = await serve({ "/hook": (q, r, b) => (bodies.push({ body: b.toString(), sig: String(q.headers["vigil-signature"]) }), r.writeHead(200).end("ok")) });
    const mail = smtpSender({ host: "127.0.0.1", port: smtp.port, requireTLS: false, from: "alerts@vigil.example" });
    const secret = "store-test-secret-0123456789";
    try {
      const watch = await createWatch(ctx, { names: ["Kamran Rostami", "کامران رستمی"], province: "west-azerbaijan" });
      await createSubscription(ctx, { name: "family", channel: "email", address: "family@example.org", topics: [], persons: [watch.id], provinces: [], mode: "immediate", lang: "en" });
      await createSubscription(ctx, { name: "partner NGO", channel: "webhook", address: `${hook.base}/hook`, secret, topics: ["watchlist"], persons: [], provinces: ["west-azerbaijan"], mode: "immediate", lang: "en" });
      await assert.rejects(createSubscription(ctx, { name: "", channel: "email", address: "nope", topics: [], persons: [], provinces: [], mode: "immediate", lang: "en" }), (e: unknown) => e instanceof VigilError && e.problems.length === 3);
      await assert.rejects(recordStep(ctx, watch.id, { kind: "sentenced", date: parseDate("2024-11-02"), sources: [] }), /at least one source/);
      await assert.rejects(createWatch(makeCtx(store, { id: "v", role: "viewer" }), { names: ["x y"] }), (e: unknown) => e instanceof VigilError && e.code === "forbidden");

      const first = await recordStep(ctx, watch.id, { kind: "sentenced", date: parseDate("2024-11-02"), sources: [{ org: "Test rights group", url: "https://example.org/report-1" }] });
      assert.equal(first.change!.to, "sentenced");
      assert.equal(first.deliveries, 2);
      const repeat = await recordStep(ctx, watch.id, { kind: "note", date: parseDate("2024-12-01"), sources: [{ title: "UN statement" }] });
      assert.equal(repeat.deliveries, 0);
      const upheld = await recordStep(ctx, watch.id, { kind: "sentence_upheld", date: parseDate("۱۸ دی ۱۴۰۳"), sources: [{ org: "Lawyer", url: "https://example.org/report-2" }] });
      assert.equal(upheld.change!.from, "sentenced");
      const list = await listWatches(ctx);
      assert.equal(list[0]!.status, "sentence_upheld");
      assert.equal(list[0]!.risk, "imminent");
      assert.equal(list[0]!.steps.length, 3);

      // The secret is sealed at rest: the database alone does not reveal it.
      const stored = await store.db.withTables<{ monitor_subscriptions: { channel: string; secret: string | null } }>().selectFrom("monitor_subscriptions").select("secret").where("channel", "=", "webhook").executeTakeFirstOrThrow();
      assert.ok(stored.secret!.startsWith(SEALED_PREFIX) && !stored.secret!.includes(secret));
      const repo = new StoreAlertRepository(store.db, await secretBox(store.dataDir));
      const r = await dispatchDue(repo, { email: mail, webhook: (url, s, body, id) => sendWebhook(url, s, body, { deliveryId: id, fetchOptions: { allowPrivate: ["127.0.0.1"] }, sleep: async () => undefined }) }, clock);
      assert.equal(r.sent, 4);
      assert.equal(smtp.mails.length, 2);
      assert.match(smtp.mails[1]!.subject, /Kamran Rostami: death sentence upheld/);
      assert.equal(bodies.length, 2);
      assert.ok(bodies.every((b) => verifyWebhook(secret, b.sig, b.body)));
      clock = new Date("2025-01-08T00:00:00Z");
      assert.equal((await repo.due(clock)).length, 0);
    } finally {
      mail.close();
      await smtp.close();
      await hook.close();
    }
  });

  test("a poll cycle queues alerts for labelled items and for items naming a watched person", async () => {
    const { store } = fixture();
    const ctx = makeCtx(store, SYSTEM);
    const rss = `<rss version="2.0"><channel><title>t</title>
      <item><guid>a</guid><title>Prisoner at risk</title><description>Kamran Rostami was transferred to solitary confinement in Urmia Central Prison.</description></item>
      <item><guid>b</guid><title>Weather</title><description>Rain in Gilan.</description></item></channel></rss>`;
    const srv = await serve({ "/feed": (_q, r) => r.end(rss) });
    try {
      await createSubscription(ctx, { name: "at risk in the north-west", channel: "email", address: "ngo@example.org", topics: ["at_risk"], persons: [], provinces: ["west-azerbaijan"], mode: "digest", digestMinutes: 60, lang: "fa" });
      await addSource(ctx, { url: `${srv.base}/feed`, allowPrivate: true });
      const report = await pollStore(store, { perHostDelayMs: 0, now: () => new Date("2025-02-01T10:15:00Z") });
      assert.equal(report.newItems.length, 2);
      assert.equal(report.alertsQueued, 1 + 1, "one for the NGO's digest, one for the family subscribed to the watched person");
      const due = await new StoreAlertRepository(store.db).due(new Date("2025-02-01T11:00:00Z"));
      const hit = due.find((d) => d.event.kind === "monitoring_hit" && d.event.watched.length > 0)!;
      assert.ok(hit, "the item names the watched person");
    } finally {
      await srv.close();
    }
  });
});
