import assert from "node:assert/strict";
import { readFileSync, mkdirSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import type { Browser, Page } from "playwright-core";
import { auditSink } from "../../src/accounts/index.ts";
import { makeCtx, SYSTEM } from "../../src/core/context.ts";
import { loadSyntheticLists, type LoadedSyntheticLists } from "../../src/estimate/index.ts";
import { jobHandlers, runWorker } from "../../src/worker/index.ts";
import { startApp, type RunningApp } from "../helpers/app.ts";
import { chromiumProblem, launchBrowser, newContext } from "../helpers/browser.ts";
import { staff, type StaffClient } from "../helpers/staff.ts";

/**
 * The Estimates pages in real Chromium with JavaScript off (Tor Browser's
 * safest level): choose fictional lists, run, read the report with its plot;
 * a long run follows itself to the end by reloading; a CSV file is uploaded;
 * the report in Persian. Then, with JavaScript on only to run axe-core, the
 * report is checked for accessibility problems in both languages.
 */

const SCREENS = process.env.VIGIL_SCREENSHOT_DIR ?? join(tmpdir(), "vigil-estimate-screens");
let app: RunningApp;
let browser: Browser;
let close: () => Promise<void>;
let gen: LoadedSyntheticLists;
let researcher: StaffClient;
let reportUrl = "";

before(async () => {
  if (chromiumProblem) return;
  mkdirSync(SCREENS, { recursive: true });
  app = await startApp();
  gen = await loadSyntheticLists(makeCtx(app.deps.store, { ...SYSTEM, id: "system:test" }, { audit: auditSink }), {
    total: 400,
    seed: 21,
    lists: [
      { name: "A", p: 0.5 },
      { name: "B", p: 0.4 },
      { name: "C", p: 0.35 },
    ],
  });
  researcher = await staff(app.deps.store, app.url, "researcher");
  ({ browser, close } = await launchBrowser());
});
after(async () => {
  await close?.();
  await app?.close();
});

/** A browser context signed in as the researcher (the session cookie of the signed-in client). */
async function signedIn(javaScript: boolean, extra: { bypassCSP?: boolean } = {}): Promise<{ page: Page; done: () => Promise<void>; foreign: string[]; cspErrors: string[] }> {
  const context = extra.bypassCSP ? await browser.newContext({ javaScriptEnabled: javaScript, bypassCSP: true, locale: "en-GB" }) : await newContext(browser, { javaScript });
  await context.addCookies([...researcher.cookies].map(([name, value]) => ({ name, value, url: app.url })));
  const page = await context.newPage();
  const foreign: string[] = [];
  const cspErrors: string[] = [];
  page.on("request", (r) => {
    if (!r.url().startsWith(app.url) && !r.url().startsWith("data:")) foreign.push(r.url());
  });
  page.on("console", (m) => {
    if (/Content Security Policy/i.test(m.text())) cspErrors.push(m.text());
  });
  return { page, done: () => context.close(), foreign, cspErrors };
}

test("with JavaScript off: lists to an estimate with its plot and caveats; a long run reloads itself to the end; a CSV upload; Persian", { skip: chromiumProblem ?? false }, async () => {
  const { page, done, foreign, cspErrors } = await signedIn(false);
  try {
    await page.goto(`${app.url}/workspace/estimates`);
    await page.click('a[href="/workspace/estimates/new"]');
    for (const id of gen.sources.values()) await page.check(`input[name="sources"][value="${id}"]`);
    const plot = page.waitForResponse((r) => r.url().endsWith("/plot.svg"));
    await page.click('form[action="/workspace/estimates"] button[type="submit"]');
    assert.match(page.url(), /\/workspace\/estimates\/est_[0-9a-f]+$/);
    reportUrl = page.url();
    const n = Number((await page.textContent(".estimate-n"))!.replace(/,/g, ""));
    assert.ok(n > gen.observed.length, `estimate ${n} above the ${gen.observed.length} observed`);
    const svg = await plot;
    assert.equal(svg.status(), 200);
    assert.match(svg.headers()["content-type"] ?? "", /^image\/svg\+xml/);
    assert.match((await page.textContent("main"))!, /Dependence between lists/);
    assert.ok((await page.locator("img.estimate-plot").getAttribute("alt"))!.startsWith("Plot: estimated total"));
    await page.screenshot({ path: join(SCREENS, "report-en.png"), fullPage: true });

    // A long run: queued for the job worker; the page reloads itself (Refresh header) until the report is there.
    await page.goto(`${app.url}/workspace/estimates/new`);
    for (const id of gen.sources.values()) await page.check(`input[name="sources"][value="${id}"]`);
    await page.check('input[name="method"][value="lcmcr"]');
    await page.fill("#f-burnIn", "500");
    await page.fill("#f-iterations", "2000");
    await page.fill("#f-thin", "2");
    await page.click('form[action="/workspace/estimates"] button[type="submit"]');
    assert.match((await page.textContent("main"))!, /Waiting for the job worker/);
    const stop = new AbortController();
    const worker = runWorker(app.deps.store, jobHandlers, { signal: stop.signal, idleMs: 50 });
    try {
      await page.waitForSelector(".estimate-n", { timeout: 60_000 });
    } finally {
      stop.abort();
      await worker;
    }
    assert.match((await page.textContent("main"))!, /latent classes \(LCMCR\)/);

    // A capture-pattern table uploaded as a file.
    await page.goto(`${app.url}/workspace/estimates/new`);
    await page.setInputFiles("#f-csvFile", { name: "table.csv", mimeType: "text/csv", buffer: Buffer.from("A,B,C,count\n1,0,0,60\n0,1,0,49\n1,1,0,4\n0,0,1,247\n1,0,1,112\n0,1,1,142\n1,1,1,12\n") });
    await page.fill("#f-model", "A*B+C");
    await page.click('form[action="/workspace/estimates"] button[type="submit"]');
    assert.equal(await page.textContent(".estimate-n"), "731");

    // Persian, right to left.
    await page.goto(reportUrl);
    await page.click('form[action="/workspace/lang"] button');
    assert.equal(await page.getAttribute("html", "dir"), "rtl");
    assert.match((await page.textContent("main"))!, /کل برآوردشده/);
    await page.screenshot({ path: join(SCREENS, "report-fa.png"), fullPage: true });
    await page.click('form[action="/workspace/lang"] button');
    assert.deepEqual(foreign, [], "no request leaves the server");
    assert.deepEqual(cspErrors, []);
  } finally {
    await done();
  }
});

test("the report has no serious accessibility problems (axe-core) in either language", { skip: chromiumProblem ?? false }, async () => {
  const axe = readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");
  const { page, done } = await signedIn(true, { bypassCSP: true });
  try {
    for (const lang of ["en", "fa"]) {
      await page.goto(reportUrl);
      if ((await page.getAttribute("html", "lang")) !== lang) await page.click('form[action="/workspace/lang"] button');
      await page.addScriptTag({ content: axe });
      const violations = await page.evaluate(async () => {
        const res = await (globalThis as unknown as { axe: { run: (ctx: unknown, o: unknown) => Promise<{ violations: { id: string; impact: string; nodes: { target: string[] }[] }[] }> } }).axe.run({ include: ["main"] }, { resultTypes: ["violations"] });
        return res.violations.filter((v) => v.impact === "serious" || v.impact === "critical").map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`);
      });
      assert.deepEqual(violations, [], lang);
    }
    await page.click('form[action="/workspace/lang"] button');
  } finally {
    await done();
  }
});
