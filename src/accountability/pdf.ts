import { existsSync } from "node:fs";
import { VigilError } from "../core/errors.ts";

/** Debian's Chromium; never a downloaded browser. */
export const CHROMIUM_PATH = "/usr/bin/chromium";
const ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage"];

/**
 * Prints server-rendered HTML to PDF in headless Chromium with JavaScript off
 * and every request refused (the page carries its font and images inline), so
 * printing a dossier reveals nothing to anyone and depends on nothing outside.
 */
export async function htmlToPdf(html: string, options: { footer: string; chromiumPath?: string }): Promise<Buffer> {
  const executablePath = options.chromiumPath ?? CHROMIUM_PATH;
  if (!existsSync(executablePath)) throw new VigilError("unsupported", `Chromium is needed to print dossiers and was not found at ${executablePath} (Debian package: chromium)`);
  // Loaded when a dossier is printed: playwright-core alone is ~90 MB of a server's memory.
  const { chromium } = await import("playwright-core");
  const browser = await chromium.launch({ executablePath, args: ARGS });
  try {
    const context = await browser.newContext({ javaScriptEnabled: false, offline: true });
    const page = await context.newPage();
    await page.route("**/*", (route) => (route.request().url().startsWith("data:") ? route.continue() : route.abort()));
    await page.setContent(html, { waitUntil: "load", timeout: 120_000 });
    await page.evaluate(() => document.fonts.ready).catch(() => undefined);
    const footer = options.footer.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
    return await page.pdf({
      format: "A4",
      printBackground: true,
      preferCSSPageSize: true,
      displayHeaderFooter: true,
      headerTemplate: "<span></span>",
      footerTemplate: `<div style="font-size:7px;width:100%;padding:0 14mm;display:flex;justify-content:space-between;font-family:monospace;color:#555"><span>${footer}</span><span><span class="pageNumber"></span> / <span class="totalPages"></span></span></div>`,
    });
  } finally {
    await browser.close();
  }
}
