import { test } from "node:test";
import assert from "node:assert/strict";
import { startApp } from "../helpers/app.ts";
import { launchBrowser, newContext, chromiumProblem } from "../helpers/browser.ts";

test("the test app serves its stylesheet, and Chromium can load it from loopback", { skip: chromiumProblem ?? false }, async () => {
  const running = await startApp();
  const { browser, close } = await launchBrowser().catch(async (e: unknown) => {
    await running.close();
    throw e;
  });
  try {
    const ctx = await newContext(browser, { javaScript: false });
    const page = await ctx.newPage();
    const res = await page.goto(`${running.url}/assets/vigil.css`);
    assert.equal(res?.status(), 200);
    assert.match(res?.headers()["content-type"] ?? "", /text\/css/);
    assert.match(await page.content(), /logical properties/i);
  } finally {
    await close();
    await running.close();
  }
});
