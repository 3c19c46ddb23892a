import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import type { Browser, Page } from "playwright-core";
import { chromiumProblem, launchBrowser, newContext } from "../helpers/browser.ts";
import { startApp, type RunningApp } from "../helpers/app.ts";
import { loadDemo } from "../../src/demo/index.ts";
import { createKeyFile, exportStatic } from "../../src/memorial/index.ts";

/**
 * The memorial in real Chromium, sharing one browser: with JavaScript off
 * (Tor Browser's safest level) and on, in both languages; accessibility
 * checked with axe-core; every request must go to the memorial itself; the
 * static mirror opened from disk. Screenshots of both directions are written
 * to the temporary folder for a person to look at.
 */
const require = createRequire(import.meta.url);
const AXE = readFileSync(require.resolve("axe-core/axe.min.js"), "utf8");
const SHOTS = join(tmpdir(), "vigil-memorial-screenshots");

describe("the memorial in Chromium", { skip: chromiumProblem ?? false }, () => {
  let app: RunningApp;
  let browser: Browser;
  let closeBrowser: () => Promise<void>;
  const mirror = mkdtempSync(join(tmpdir(), "vigil-mirror-"));
  const requests: string[] = [];

  before(async () => {
    mkdirSync(SHOTS, { recursive: true });
    app = await startApp({
      beforeListen: async (deps) => {
        await loadDemo(deps.store, { people: 60 });
        const k = await createKeyFile("a long enough passphrase", { N: 2 ** 10, r: 8, p: 1 });
        const dir = join(deps.store.dataDir, "memorial", "keys");
        mkdirSync(dir, { recursive: true });
        writeFileSync(join(dir, "testimony.pub"), k.publicKey);
      },
    });
    ({ browser, close: closeBrowser } = await launchBrowser());
  });
  after(async () => {
    await closeBrowser?.();
    await app?.close();
    rmSync(mirror, { recursive: true, force: true });
  });

  const open = async (javaScript: boolean): Promise<Page> => {
    const ctx = await newContext(browser, { javaScript });
    const page = await ctx.newPage();
    page.on("request", (r) => requests.push(r.url()));
    return page;
  };

  test("with JavaScript off, a visitor finds a person in Persian, reads the sourced facts and leaves a tribute", async () => {
    const page = await open(false);
    await page.goto(app.url);
    await page.click("text=فارسی");
    assert.equal(await page.getAttribute("html", "dir"), "rtl");
    await page.fill("#home-q", "کیانی");
    await page.click("form[role=search] button");
    assert.match(page.url(), /\/fa\/search\?q=/);
    await page.locator("ul.people a").first().click();
    assert.match(page.url(), /\/fa\/people\/per_synthetic_\d{4}$/);
    assert.ok(await page.locator("ol.timeline li.act").count() > 0, "a timeline of acts");
    assert.ok(await page.locator("ol.source-list li").count() > 0, "sources cited");
    assert.match((await page.textContent(".record-header"))!, /سابقهٔ نمایشی ساختگی/);
    assert.match((await page.textContent(".act-date"))!, /[۰-۹]{4}/, "Persian digits, Jalali first");
    await page.screenshot({ path: join(SHOTS, "person-fa.png"), fullPage: true });
    await page.fill("#tribute-body", "روحش شاد");
    await page.click("#tribute-form button[type=submit]");
    assert.match(page.url(), /tribute=held/);
    assert.match((await page.textContent("#tribute-form"))!, /سپاس/);
    // The language switch stays on the same page.
    await page.click("a.lang-switch");
    assert.match(page.url(), /\/en\/people\/per_synthetic_\d{4}/);
    assert.equal(await page.getAttribute("html", "dir"), "ltr");
    await page.screenshot({ path: join(SHOTS, "person-en.png"), fullPage: true });
    await page.context().close();
  });

  test("with JavaScript off, testimony with a file is sealed and a codename is shown", async () => {
    const page = await open(false);
    await page.goto(`${app.url}/en/testimony`);
    await page.check("#kind-burial");
    await page.fill("#t-text", "I saw where they were buried.");
    const png = Buffer.from("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==", "base64");
    await page.setInputFiles("#t-files", { name: "grave.png", mimeType: "image/png", buffer: Buffer.concat([png, Buffer.alloc(5000)]) });
    await page.click("form button[type=submit]");
    assert.match((await page.textContent("h1"))!, /Received and sealed/);
    assert.match((await page.textContent(".receipt"))!, /[a-z]+-[a-z]+-\d{2}/);
    await page.screenshot({ path: join(SHOTS, "testimony-receipt-en.png") });
    await page.context().close();
  });

  test("with JavaScript on, pages work the same and the proof of work goes with the tribute; no policy violation", async () => {
    const page = await open(true);
    const violations: string[] = [];
    page.on("console", (m) => {
      if (/Content Security Policy|Refused to/.test(m.text())) violations.push(m.text());
    });
    await page.goto(`${app.url}/en/people/per_synthetic_0002`);
    await page.fill("#tribute-body", "Remembered with love.");
    await page.click("#tribute-form button[type=submit]");
    await page.waitForURL(/tribute=held/, { timeout: 20_000 });
    for (const path of ["/en/places", "/fa/places", "/en/events/evt_seed_1988_massacre", "/fa/search?q=Ali&year=1988", "/en/statements", "/fa/at-risk"]) await page.goto(app.url + path);
    await page.goto(`${app.url}/fa/places`);
    await page.screenshot({ path: join(SHOTS, "places-fa.png"), fullPage: true });
    assert.deepEqual(violations, []);
    await page.context().close();
  });

  test("axe-core finds no serious or critical violation, in either language", async () => {
    const ctx = await browser.newContext({ bypassCSP: true, javaScriptEnabled: true });
    const page = await ctx.newPage();
    const problems: string[] = [];
    for (const lang of ["fa", "en"]) {
      for (const path of ["", "search?q=Ali", "people/per_synthetic_0003", "people/per_synthetic_official_1", "events/evt_seed_1988_massacre", "events/evt_synthetic_wave_1", "places", "places/plc_synthetic_prison_north", "sources/src_seed_conference_article", "statements", "at-risk", "testimony", "testimony/follow-up", "about"]) {
        await page.goto(`${app.url}/${lang}/${path}`);
        await page.evaluate(AXE);
        const result = await page.evaluate(async () => {
          const axe = (globalThis as unknown as { axe: { run: (ctx: Document, o: object) => Promise<{ violations: { id: string; impact: string; nodes: { target: string[] }[] }[] }> } }).axe;
          return axe.run(document, { resultTypes: ["violations"] });
        });
        for (const v of result.violations) if (v.impact === "serious" || v.impact === "critical") problems.push(`${lang}/${path}: ${v.id} (${v.impact}) at ${v.nodes.map((n) => n.target.join(" ")).slice(0, 3).join(", ")}`);
      }
    }
    await ctx.close();
    assert.deepEqual(problems, []);
  });

  test("every request went to the memorial itself", () => {
    const origin = new URL(app.url).origin;
    const foreign = requests.filter((u) => !u.startsWith(origin) && !u.startsWith("data:"));
    assert.ok(requests.length > 20);
    assert.deepEqual(foreign, []);
  });

  test("a person page is under 60 KB of HTML and CSS", async () => {
    const html = await (await fetch(`${app.url}/en/people/per_synthetic_0004`)).text();
    const css = (await (await fetch(`${app.url}/assets/vigil.css`)).text()) + (await (await fetch(`${app.url}/assets/memorial.css`)).text());
    const bytes = Buffer.byteLength(html) + Buffer.byteLength(css);
    assert.ok(bytes < 60 * 1024, `${bytes} bytes`);
  });

  test("the static mirror opens from disk, in both languages, with nothing fetched from elsewhere", async () => {
    const site = join(mirror, "site");
    await exportStatic(app.deps.store, site, { liveUrl: "http://example.onion/" });
    const page = await open(false);
    const fetched: string[] = [];
    page.on("request", (r) => fetched.push(r.url()));
    await page.goto(pathToFileURL(join(site, "index.html")).href);
    await page.click("text=English");
    assert.match((await page.textContent("h1"))!, /Remembering every victim/);
    await page.click("text=Index of names, A to Z");
    await page.locator("ul.letters a").first().click();
    await page.locator("ul.people a").first().click();
    assert.match(page.url(), /\/en\/people\/per_[a-z0-9_]+\.html$/);
    assert.ok(await page.locator("ol.timeline li.act").count() > 0);
    assert.match((await page.textContent(".tributes"))!, /example\.onion/);
    await page.click("a.lang-switch");
    assert.match(page.url(), /\/fa\/people\/per_[a-z0-9_]+\.html$/);
    assert.equal(await page.getAttribute("html", "dir"), "rtl");
    const bg = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
    assert.notEqual(bg, "rgba(0, 0, 0, 0)", "the stylesheet loaded from disk");
    await page.screenshot({ path: join(SHOTS, "mirror-person-fa.png"), fullPage: true });
    await page.goto(pathToFileURL(join(site, "fa", "places.html")).href);
    assert.ok(await page.locator("svg.map a.marker").count() > 0, "the map works offline");
    assert.deepEqual(fetched.filter((u) => !u.startsWith("file://")), []);
    await page.context().close();
  });
});
