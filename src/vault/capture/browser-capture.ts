import type { Request } from "playwright-core";
import { VigilError } from "../../core/errors.ts";
import type { HttpExchange } from "./warc.ts";
import { resolveTarget, type NetPolicy } from "./net-guard.ts";
import { startGuardProxy } from "./guard-proxy.ts";

export const CHROMIUM_PATH = "/usr/bin/chromium";
// WebRTC may only use the proxy: no UDP around it to addresses nobody checked.
const CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--force-webrtc-ip-handling-policy=disable_non_proxied_udp"];

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
  /** The resolver and any extra refusals (the private-range policy comes from allowPrivate). */
  net?: Omit<NetPolicy, "allowPrivate">;
}

/**
 * Loads a page in headless Chromium and records every network exchange, a
 * full-page screenshot, the DOM after scripts ran and the visible text.
 * Every request (sub-resources too) goes through a guard proxy that resolves
 * the host once, checks the address against private ranges and connects to
 * that address, so the browser makes no DNS lookup of its own (no rebinding
 * between check and use). Bodies come back decoded from the browser, so the
 * WARC keeps the original Content-Encoding under X-Archive-Orig-*.
 */
export async function renderedCapture(url: string, opts: RenderedOptions = {}): Promise<RenderedCapture> {
  const policy: NetPolicy = { allowPrivate: opts.allowPrivate ?? false, ...opts.net };
  await resolveTarget(url, policy);
  const timeout = opts.timeoutMs ?? 45_000;
  const maxBytes = opts.maxBytes ?? 200 * 1024 * 1024;
  const proxy = await startGuardProxy(policy);
  // Loaded when a capture runs: playwright-core alone is ~90 MB of a server's memory.
  const { chromium } = await import("playwright-core");
  const browser = await chromium.launch({ executablePath: opts.executablePath ?? CHROMIUM_PATH, args: CHROMIUM_ARGS, timeout, proxy: { server: proxy.server } }).catch(async (err: unknown) => {
    await proxy.close();
    throw err;
  });
  try {
    const context = await browser.newContext({ serviceWorkers: "block", acceptDownloads: false, viewport: { width: 1280, height: 900 } });
    const blocked = proxy.blocked;
    const failed: string[] = [];
    // What the page asks for may go out (through the proxy's checks); nothing else.
    await context.route("**/*", async (route) => {
      const u = route.request().url();
      if (/^https?:/i.test(u)) proxy.allow(u);
      await route.continue();
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
        ...(proxy.addressOf(req.url()) ? { remoteAddress: proxy.addressOf(req.url())! } : {}),
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
    return { exchanges, blocked: [...blocked], failed, screenshot, dom, text, title, finalUrl, status, browserVersion: `Chromium ${browser.version()}` };
  } finally {
    await browser.close();
    await proxy.close();
  }
}
