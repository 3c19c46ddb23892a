import { existsSync } from "node:fs";
import { chromium, type Browser, type BrowserContext } from "playwright-core";

/**
 * Real Chromium for browser tests: Debian's /usr/bin/chromium driven by
 * playwright-core (never a downloaded browser). Where it is absent the test
 * is skipped loudly; with VIGIL_REQUIRE_CHROMIUM=1 (as in CI) it fails instead.
 */
export const CHROMIUM = process.env.VIGIL_CHROMIUM ?? "/usr/bin/chromium";

export const chromiumProblem: string | undefined = existsSync(CHROMIUM) ? undefined : `Chromium not found at ${CHROMIUM}`;
if (chromiumProblem) {
  const msg = `\n!!! ${chromiumProblem}: browser tests are SKIPPED, not passed.\n`;
  if (process.env.VIGIL_REQUIRE_CHROMIUM === "1") throw new Error(msg);
  process.stderr.write(msg);
}

/** Flags that keep Chromium from reaching the network on its own (updates, sync, QUIC). */
export const CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage"];

/** Launches Chromium with a fresh temporary profile (playwright makes and removes it). */
export async function launchBrowser(): Promise<{ browser: Browser; close: () => Promise<void> }> {
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  return { browser, close: () => browser.close() };
}

/** A browser context with JavaScript on or off (Tor Browser's "Safest" level is off). */
export async function newContext(browser: Browser, options: { javaScript: boolean; locale?: string }): Promise<BrowserContext> {
  return browser.newContext({ javaScriptEnabled: options.javaScript, locale: options.locale ?? "en-GB", viewport: { width: 1280, height: 900 } });
}
