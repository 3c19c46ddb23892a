import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { createRequire } from "node:module";
import { generate } from "otplib";
import type { Browser, Page } from "playwright-core";
import { auditSink, createUser } from "../../src/accounts/index.ts";
import { makeCtx, SYSTEM } from "../../src/core/context.ts";
import { getRecord } from "../../src/records/index.ts";
import { addSource, classifyItem, createSubscription, createWatch, getTriageItem, listTriage, recordStep, StoreMonitorRepository } from "../../src/monitor/index.ts";
import { parseDate } from "../../src/core/dates.ts";
import { startApp, type RunningApp } from "../helpers/app.ts";
import { chromiumProblem, launchBrowser, newContext } from "../helpers/browser.ts";
import { PASSWORD } from "../helpers/staff.ts";

/**
 * The triage confirm form in real Chromium with JavaScript off (Tor Browser's
 * safest level): read the item with its labels and highlighted words, correct
 * what extraction found, meet an error at its field with everything typed
 * kept, confirm, and find the records made. The item is synthetic.
 */
let app: RunningApp;
let browser: Browser;
let close: () => Promise<void>;
let itemId = "";
let otherItemId = "";
let totpSecret = "";
let sourceId = "";
let watchId = "";
let subscriptionId = "";

before(async () => {
  if (chromiumProblem) return;
  app = await startApp();
  const sys = makeCtx(app.deps.store, { ...SYSTEM, id: "system:test" }, { audit: auditSink });
  const source = await addSource(sys, { url: "https://news.example.org/feed.xml", title: "Synthetic feed" });
  sourceId = source.id;
  const title = "Supreme Court upholds death sentence of Kamran Rostami";
  const text = "Iran's Supreme Court has upheld the death sentence of Kamran Rostami, a political prisoner held in Urmia Central Prison, on the charge of baghi, on 20 July 2025. His family fears an imminent execution.";
  await new StoreMonitorRepository(app.deps.store).addItems([{ sourceId: source.id, key: "en-1", url: "https://news.example.org/en-1", title, text, published: "2025-07-21T08:00:00.000Z", fetchedAt: new Date().toISOString(), classification: classifyItem({ id: "en-1", title, text, published: "2025-07-21T08:00:00.000Z" }) }]);
  itemId = (await listTriage(sys))[0]!.id;
  const faTitle = "اعدام یک زندانی سیاسی در قزل‌حصار";
  const faText = "داریوش کریمی، زندانی سیاسی، بامداد ۵ مرداد ۱۴۰۴ در زندان قزل‌حصار به اتهام محاربه اعدام شد.";
  await new StoreMonitorRepository(app.deps.store).addItems([{ sourceId: source.id, key: "fa-1", url: "https://news.example.org/fa-1", title: faTitle, text: faText, fetchedAt: new Date().toISOString(), classification: classifyItem({ id: "fa-1", title: faTitle, text: faText }) }]);
  otherItemId = (await listTriage(sys)).find((i) => i.id !== itemId)!.id;
  const w = await createWatch(sys, { names: ["Kamran Rostami", "کامران رستمی"], province: "west-azerbaijan" });
  await recordStep(sys, w.id, { kind: "sentence_upheld", date: parseDate("1404/04/29"), sources: [{ org: "A rights group (synthetic)", url: "https://example.org/r" }] });
  watchId = w.id;
  subscriptionId = (await createSubscription(sys, { name: "Family", channel: "email", address: "family@example.org", topics: [], persons: [w.id], provinces: [], mode: "immediate", lang: "fa" })).subscription.id;
  await createUser(sys, { email: "editor@example.org", displayName: "Editor", role: "editor", password: PASSWORD });
  ({ browser, close } = await launchBrowser());
});
after(async () => {
  await close?.();
  await app?.close();
});

async function signIn(page: Page): Promise<void> {
  await page.goto(`${app.url}/workspace/`);
  await page.fill("#f-email", "editor@example.org");
  await page.fill("#f-password", PASSWORD);
  await page.click('form[action="/workspace/sign-in"] button[type="submit"]');
  if (!totpSecret) {
    totpSecret = (await page.textContent("code.secret"))!.replace(/\s/g, "");
    await page.fill("#f-code", await generate({ secret: totpSecret, epoch: Math.floor(Date.now() / 1000) }));
    await page.click('form[action="/workspace/enrol/totp"] button[type="submit"]');
    assert.match(page.url(), /\/workspace\/\?done=enrolled/);
  } else {
    // Every code is good once: the next one, as an authenticator app would show it.
    await page.fill("#f-code", await generate({ secret: totpSecret, epoch: Math.floor(Date.now() / 1000) + 30 }));
    await page.click('form[action="/workspace/sign-in/code"] button[type="submit"]');
    assert.match(page.url(), /\/workspace\//);
  }
}

test("the triage confirm form works with JavaScript off: correct, meet an error at its field, confirm", { skip: chromiumProblem ?? false }, async () => {
  const context = await newContext(browser, { javaScript: false });
  const page = await context.newPage();
  const requests: string[] = [];
  page.on("request", (r) => requests.push(r.url()));
  await signIn(page);

  // From the navigation to the queue, then the item.
  await page.click('header.site a[href="/workspace/monitor/"]');
  await page.click(`a[href="/workspace/monitor/items/${itemId}"]`);
  assert.match(await page.textContent("h1") ?? "", /Kamran Rostami/);
  const marks = await page.locator(".item-text mark").allTextContents();
  assert.ok(marks.some((m) => /upheld/i.test(m)), `highlighted: ${marks.join(" | ")}`);
  assert.ok((await page.locator(".reasons .badge.label-at_risk").count()) > 0);

  // The form came filled from the text.
  assert.equal(await page.inputValue("#f-p0_nameEn"), "Kamran Rostami");
  assert.equal(await page.inputValue("#f-p0_date"), "2025-07-20");
  assert.equal(await page.inputValue("#f-p0_actType"), "sentence_upheld");
  assert.ok(await page.isChecked('input[name="p0_charges"][value="baghi"]'));
  assert.ok(await page.isChecked('input[name="p0_include"]'));

  // Correct it: the Persian spelling, a date the sources disagree on (typed wrong first).
  await page.fill("#f-p0_nameFa", "کامران رستمی");
  await page.fill("#f-p0_date", "1404/13/40");
  await page.selectOption("#f-p0_confidence", "confirmed");
  await page.click('form.confirm-form button[type="submit"]');
  assert.ok(await page.isVisible("#error-summary"), "the errors are summed up at the top");
  assert.equal(await page.getAttribute("#f-p0_date", "aria-invalid"), "true");
  assert.match((await page.textContent(".field.invalid .error-text")) ?? "", /13/);
  assert.equal(await page.inputValue("#f-p0_nameFa"), "کامران رستمی", "what was typed is kept");
  assert.equal(await page.inputValue("#f-p0_confidence"), "confirmed");

  await page.fill("#f-p0_date", "1404/04/29");
  await page.click('form.confirm-form button[type="submit"]');
  assert.match(page.url(), new RegExp(`/workspace/monitor/items/${itemId}\\?done=confirmed`));
  assert.ok(await page.isVisible("section.decision"));
  const madeLinks = await page.locator('section.decision a[href^="/workspace/records/per_"]').count();
  assert.equal(madeLinks, 1);

  // The records, as saved.
  const sys = makeCtx(app.deps.store, SYSTEM);
  const item = await getTriageItem(sys, itemId);
  const person = await getRecord(sys, item.decision!.recordIds!.find((r) => r.startsWith("per_"))!);
  assert.equal(person.record.label, "Kamran Rostami");
  assert.equal(person.record.labelFa, "کامران رستمی");
  const act = person.claims.find((c) => c.property === "act")!;
  assert.equal(act.term, "sentence_upheld");
  assert.equal(act.date!.calendar, "jalali");
  assert.equal(act.date!.earliest, "2025-07-20");
  assert.equal(act.confidence, "confirmed");
  assert.deepEqual(act.citations.map((c) => c.sourceId), [item.decision!.sourceId]);

  // Every request stayed on the server; none needed a script.
  assert.ok(requests.every((u) => u.startsWith(app.url)), requests.filter((u) => !u.startsWith(app.url)).join(", "));
  await context.close();
});

test("the monitoring pages pass axe-core's checks in English and Persian", { skip: chromiumProblem ?? false }, async () => {
  // Axe is injected into the page, which the pages' strict CSP would refuse: this context only bypasses it to run the checker.
  const context = await browser.newContext({ javaScriptEnabled: true, bypassCSP: true, locale: "en-GB", viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  await signIn(page);
  const axe = createRequire(import.meta.url)("axe-core") as { source: string };
  const problems: string[] = [];
  for (const lang of ["en", "fa"]) {
    if (lang === "fa") {
      await page.goto(`${app.url}/workspace/monitor/`);
      await page.click('header.site form[action="/workspace/lang"] button');
    }
    for (const path of ["/workspace/monitor/?status=all", `/workspace/monitor/items/${otherItemId}`, `/workspace/monitor/items/${itemId}`, "/workspace/monitor/sources", `/workspace/monitor/sources/${sourceId}`, "/workspace/monitor/watchlist", `/workspace/monitor/watchlist/${watchId}`, "/workspace/monitor/subscriptions", `/workspace/monitor/subscriptions/${subscriptionId}`, "/workspace/monitor/trends"]) {
      const res = await page.goto(`${app.url}${path}`);
      assert.equal(res?.status(), 200, path);
      assert.equal(await page.getAttribute("html", "dir"), lang === "fa" ? "rtl" : "ltr");
      await page.addScriptTag({ content: axe.source });
      const violations = await page.evaluate(async () => {
        const r = await (window as unknown as { axe: { run: (o: unknown) => Promise<{ passes: unknown[]; violations: { id: string; impact: string; nodes: unknown[] }[] }> } }).axe.run({ runOnly: { type: "tag", values: ["wcag2a", "wcag2aa"] } });
        return { passes: r.passes.length, found: r.violations.map((v) => `${v.id} (${v.impact}, ${v.nodes.length})`) };
      });
      assert.ok(violations.passes > 10, `axe ran on ${path}`);
      for (const v of violations.found) problems.push(`${lang} ${path}: ${v}`);
    }
  }
  assert.deepEqual(problems, []);
  await context.close();
});
