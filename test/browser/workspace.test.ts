import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { generate } from "otplib";
import sharp from "sharp";
import type { Browser, Page } from "playwright-core";
import { auditSink, createUser } from "../../src/accounts/index.ts";
import { makeCtx, SYSTEM } from "../../src/core/context.ts";
import { createRecord } from "../../src/records/index.ts";
import { startApp, type RunningApp } from "../helpers/app.ts";
import { chromiumProblem, launchBrowser, newContext } from "../helpers/browser.ts";
import { readQr } from "../helpers/qr.ts";
import { PASSWORD } from "../helpers/staff.ts";


/**
 * The workspace in real Chromium, with JavaScript off (Tor Browser's safest
 * level) and on: sign in, create a person with a Persian name and a Jalali
 * date, add a claim with a source, edit it, view history, restore, sign out.
 * With JavaScript on, a passkey is registered and used through Chromium's
 * virtual authenticator (real WebAuthn, verified by the server).
 */
const SCREENS = process.env.VIGIL_SCREENSHOT_DIR ?? join(tmpdir(), "vigil-workspace-screens");
let app: RunningApp;
let browser: Browser;
let close: () => Promise<void>;
let sourceId = "";

before(async () => {
  if (chromiumProblem) return;
  mkdirSync(SCREENS, { recursive: true });
  app = await startApp();
  sourceId = (await createRecord(makeCtx(app.deps.store, SYSTEM), { type: "source", label: "Family testimony (synthetic)", labelFa: "گواهی خانواده (ساختگی)", confidentiality: "staff", synthetic: true })).id;
  ({ browser, close } = await launchBrowser());
});
after(async () => {
  await close?.();
  await app?.close();
});

async function signInWithPasswordAndCode(page: Page, base: string, email: string): Promise<void> {
  await page.goto(`${base}/workspace/`);
  assert.match(page.url(), /\/workspace\/sign-in/);
  await page.fill("#f-email", email);
  await page.fill("#f-password", PASSWORD);
  await page.click('form[action="/workspace/sign-in"] button[type="submit"]');
  assert.match(page.url(), /\/workspace\/enrol/);
}

async function enrolTotp(page: Page): Promise<void> {
  // The QR code as Chromium draws it scans as the setup address the page spells out.
  const shot = await sharp(await page.locator("svg.qr-code").screenshot()).ensureAlpha().raw().toBuffer({ resolveWithObject: true });
  const scanned = readQr(new Uint8ClampedArray(shot.data.buffer, shot.data.byteOffset, shot.data.length), shot.info.width, shot.info.height);
  const uri = (await page.textContent("details code"))!;
  assert.match(uri, /^otpauth:\/\/totp\//);
  assert.equal(scanned?.data, uri);
  await page.screenshot({ path: join(SCREENS, "enrol-totp.png"), fullPage: true });
  const secret = (await page.textContent("code.secret"))!.replace(/\s/g, "");
  await page.fill("#f-code", await generate({ secret, epoch: Math.floor(Date.now() / 1000) }));
  await page.click('form[action="/workspace/enrol/totp"] button[type="submit"]');
  assert.match(page.url(), /\/workspace\/\?done=enrolled/);
}

async function journey(page: Page, base: string, tag: string): Promise<void> {
  // Create a person with a Persian name and a Jalali date; the source picked by search.
  await page.goto(`${base}/workspace/new/person`);
  await page.fill("#f-nameFa", "بهروز ساختگی");
  await page.fill("#f-nameEn", `Behrouz Synthetic ${tag}`);
  await page.fill("#f-birth", "1340/05/12");
  await page.fill("#f-sourceQ", "testimony");
  await page.click('button[name="find"][value="source"]');
  assert.equal(await page.inputValue('input[name="pick_sourceId"]:checked'), sourceId);
  assert.equal(await page.inputValue("#f-nameFa"), "بهروز ساختگی", "what was typed is kept");
  await page.fill("#f-locator", "page 2");
  await page.click('form.panel button[type="submit"]:not([name])');
  assert.match(page.url(), /\/workspace\/records\/per_[a-z0-9]+\?done=saved/);
  const recordUrl = page.url().split("?")[0]!;
  assert.match((await page.textContent("main")) ?? "", /1961/);
  // Add a claim with its source.
  await page.goto(`${recordUrl}/claims/new?property=occupation`);
  await page.fill("#f-valueText", "teacher");
  await page.fill("#f-sourceId", sourceId);
  await page.fill("#f-quote", "he taught at a school");
  await page.click('form.panel button[type="submit"]:not([name])');
  assert.match(page.url(), /done=saved/);
  const claimLink = await page.getAttribute('#p-occupation ~ ul a[href^="/workspace/claims/"]', "href");
  // Edit it.
  await page.goto(`${base}${claimLink!}`);
  await page.fill("#f-valueText", "school teacher of mathematics");
  await page.fill("#f-reason", "more precise");
  await page.click('form.panel button[type="submit"]:not([name])');
  assert.match((await page.textContent("main")) ?? "", /school teacher of mathematics/);
  // History, with the difference, then restore the first version.
  await page.goto(`${recordUrl}/history`);
  const history = (await page.textContent("main"))!;
  assert.match(history, /teacher/);
  assert.match(history, /school teacher of mathematics/);
  const claimId = claimLink!.split("/")[3]!;
  const form = page.locator("form", { has: page.locator(`input[name="entityId"][value="${claimId}"]`) }).filter({ has: page.locator('input[name="version"][value="1"]') });
  await form.locator('input[name="reason"]').fill("back to the source's words");
  await form.locator("button").click();
  assert.match(page.url(), /done=restored/);
  await page.goto(recordUrl);
  const restored = (await page.textContent("main"))!;
  assert.match(restored, /teacher/);
  assert.doesNotMatch(restored, /mathematics/);
}

for (const javaScript of [false, true]) {
  test(`the whole journey with JavaScript ${javaScript ? "on, with a passkey" : "off"}`, { skip: chromiumProblem ?? false }, async () => {
    const tag = javaScript ? "js" : "nojs";
    const email = `browser-${tag}@example.org`;
    await createUser(makeCtx(app.deps.store, { ...SYSTEM, id: "system:test" }, { audit: auditSink }), { email, displayName: javaScript ? "Parisa" : "Dariush", role: "editor", password: PASSWORD });
    // Passkeys need a domain: the same server reached as localhost.
    const base = javaScript ? app.url.replace("127.0.0.1", "localhost") : app.url;
    const context = await newContext(browser, { javaScript });
    const page = await context.newPage();
    const dialogs: string[] = [];
    page.on("dialog", (d) => {
      dialogs.push(d.message());
      void d.dismiss();
    });
    try {
      await signInWithPasswordAndCode(page, base, email);
      if (javaScript) {
        const cdp = await context.newCDPSession(page);
        await cdp.send("WebAuthn.enable");
        await cdp.send("WebAuthn.addVirtualAuthenticator", { options: { protocol: "ctap2", transport: "internal", hasResidentKey: true, hasUserVerification: true, isUserVerified: true } });
        await page.fill("#passkey-name", "virtual authenticator");
        await page.click('[data-passkey="register"] button');
        await page.waitForURL(/\/workspace\/\?done=enrolled/);
      } else {
        assert.equal(await page.isVisible('[data-passkey="register"]'), false, "without JavaScript the passkey button is hidden and explained");
        await enrolTotp(page);
      }
      await journey(page, base, tag);
      // Screenshots in both languages.
      await page.goto(`${base}/workspace/list/person`);
      const personUrl = await page.getAttribute(`a:has-text("Behrouz Synthetic ${tag}")`, "href");
      await page.goto(`${base}${personUrl!}`);
      await page.screenshot({ path: join(SCREENS, `person-en-${tag}.png`), fullPage: true });
      await page.click('form[action="/workspace/lang"] button');
      assert.equal(await page.getAttribute("html", "dir"), "rtl");
      await page.screenshot({ path: join(SCREENS, `person-fa-${tag}.png`), fullPage: true });
      await page.goto(`${base}/workspace/new/person`);
      await page.click('form.panel button[type="submit"]:not([name])');
      await page.screenshot({ path: join(SCREENS, `form-errors-fa-${tag}.png`), fullPage: true });
      await page.click('form[action="/workspace/lang"] button');
      // Sign out; the session is gone.
      await page.click('form[action="/workspace/sign-out"] button');
      assert.match(page.url(), /\/workspace\/sign-in/);
      await page.goto(`${base}/workspace/`);
      assert.match(page.url(), /\/workspace\/sign-in/);
      if (javaScript) {
        // Sign in again with the passkey alone: no password, no code.
        await page.click('[data-passkey="sign-in"] button');
        await page.waitForURL(/\/workspace\/$/);
        assert.match((await page.textContent("main"))!, /Parisa/);
        await page.screenshot({ path: join(SCREENS, `dashboard-en-${tag}.png`), fullPage: true });
      } else {
        await page.screenshot({ path: join(SCREENS, `sign-in-en-${tag}.png`), fullPage: true });
      }
      assert.deepEqual(dialogs, [], "no script ever ran from content");
    } finally {
      await context.close();
    }
  });
}
