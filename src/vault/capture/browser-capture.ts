import { chromium, type Request } from "playwright-core";
import { VigilError } from "../../core/errors.ts";
import type { HttpExchange } from "./warc.ts";
import { resolveTarget } from "./net-guard.ts";

export const CHROMIUM_PATH = "/usr/bin/chromium";
const CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"];

export interface RenderedCapture {
  exchanges: HttpExchange[];
  blocked: string[];
  failed: string[];
  screenshot: Buffer;
  dom: string;
  text: string;
  title: string;
  finalUrl: string;
  status: number;
  browserVersion: string;
}

export interface RenderedOptions {
  allowPrivate?: boolean;
  timeoutMs?: number;
  maxBytes?: number;
  executablePath?: string;
}

/**
 * Loads a page in headless Chromium and records every network exchange, a
 * full-page screenshot, the DOM after scripts ran and the visible text.
 * Every request (sub-resources too) is checked against private ranges before
 * it leaves. Bodies come back decoded from the browser, so the WARC keeps the
 * original Content-Encoding under X-Archive-Orig-*.
 */
export async function renderedCapture(url: string, opts: RenderedOptions = {}): Promise<RenderedCapture> {
  const allowPrivate = opts.allowPrivate ?? false;
  await resolveTarget(url, allowPrivate);
  const timeout = opts.timeoutMs ?? 45_000;
  const maxBytes = opts.maxBytes ?? 200 * 1024 * 1024;
  const browser = await chromium.launch({ executablePath: opts.executablePath ?? CHROMIUM_PATH, args: CHROMIUM_ARGS, timeout });
  try {
    const context = await browser.newContext({ serviceWorkers: "block", acceptDownloads: false, viewport: { width: 1280, height: 900 } });
    const blocked: string[] = [];
    const failed: string[] = [];
    await context.route("**/*", async (route) => {
      const u = route.request().url();
      if (!/^https?:/i.test(u)) return route.continue();
      try {
        await resolveTarget(u, allowPrivate);
        await route.continue();
      } catch {
        blocked.push(u);
        await route.abort("blockedbyclient");
      }
    });
    const page = await context.newPage();
    const exchanges: HttpExchange[] = [];
    const pending: Promise<void>[] = [];
    let total = 0;
    const record = async (req: Request): Promise<void> => {
      const resp = await req.response();
      if (!resp) return;
      let body: Buffer = Buffer.alloc(0);
      const status = resp.status();
      if (status < 300 || status >= 400) body = await resp.body().catch(() => Buffer.alloc(0));
      total += body.length;
      if (total > maxBytes) throw new VigilError("too_large", `page resources exceed ${maxBytes} bytes`);
      const reqHeaders = await req.headersArray();
      const respHeaders = await resp.headersArray();
      const postData = req.postDataBuffer();
      exchanges.push({
        url: req.url(),
        method: req.method(),
        httpVersion: "1.1",
        requestHeaders: reqHeaders.map((h) => [h.name, h.value]),
        ...(postData ? { requestBody: postData } : {}),
        status,
        statusText: resp.statusText(),
        responseHeaders: respHeaders.map((h) => [h.name, h.value]),
        body,
        date: new Date(),
        ...((await resp.serverAddr()) ? { remoteAddress: (await resp.serverAddr())!.ipAddress } : {}),
      });
    };
    page.on("requestfinished", (req) => pending.push(record(req)));
    page.on("requestfailed", (req) => failed.push(req.url()));
    let status = 0;
    try {
      const resp = await page.goto(url, { waitUntil: "load", timeout });
      status = resp?.status() ?? 0;
    } catch (err) {
      throw new VigilError("import_failed", `the page did not load: ${(err as Error).message.split("\n")[0]}`, { cause: err });
    }
    await page.waitForLoadState("networkidle", { timeout: 5000 }).catch(() => undefined);
    const screenshot = await page.screenshot({ fullPage: true, type: "png", timeout });
    const dom = await page.content();
    const text = await page.evaluate(() => document.body?.innerText ?? "");
    const title = await page.title();
    const finalUrl = page.url();
    await page.close();
    await Promise.all(pending);
    exchanges.sort((a, b) => a.date.getTime() - b.date.getTime());
    return { exchanges, blocked, failed, screenshot, dom, text, title, finalUrl, status, browserVersion: `Chromium ${browser.version()}` };
  } finally {
    await browser.close();
  }
}
