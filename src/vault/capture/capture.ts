import { VigilError } from "../../core/errors.ts";
import { custodyEvent, newItemId, type BlobRef, type DerivedRole, type Item } from "../custody.ts";
import { TOOL, type LoggedEvent, type Vault } from "../vault.ts";
import { assessPage, decodeBody, decodeBodyBytes, type CaptureFlag } from "./assess.ts";
import { sha256Digest } from "../blob/hashing.ts";
import { renderedCapture } from "./browser-capture.ts";
import { rawFetch } from "./raw-fetch.ts";
import { writeWarc } from "./warc.ts";
import { buildWacz } from "./wacz.ts";

export interface CaptureOptions {
  rendered?: boolean;
  allowPrivate?: boolean;
  /** Keep a capture that was flagged (login wall, challenge, empty, error) as an item anyway. */
  keepFlagged?: boolean;
  actor: string;
  notes?: string;
  sourceIds?: string[];
  timeoutMs?: number;
}

export interface CaptureResult {
  ok: boolean;
  url: string;
  finalUrl: string;
  status: number;
  flags: CaptureFlag[];
  reasons: string[];
  title: string;
  item?: Item;
  events?: LoggedEvent[];
}

/**
 * Captures a URL into the vault: raw (WARC of the HTTP exchanges) or rendered
 * (WACZ with every exchange, screenshot, DOM and text, signed). A flagged
 * capture is reported as not ok and stored only when asked; any failure
 * leaves no item and no custody record (blobs are content-addressed, so an
 * orphan blob is harmless and never referenced).
 */
export async function captureUrl(vault: Vault, url: string, opts: CaptureOptions): Promise<CaptureResult> {
  const started = new Date();
  const id = newItemId(started.getTime());
  const software = `Vigil ${TOOL.version}`;
  let original: BlobRef;
  const derived: (BlobRef & { role: DerivedRole })[] = [];
  let status: number;
  let finalUrl: string;
  let assessment;
  let method: string;
  let toolVersion = TOOL;
  // Hash of the main document's decoded body: the baseline liveness checks compare against.
  let pageBody: string;
  if (opts.rendered) {
    const r = await renderedCapture(url, { ...(opts.allowPrivate ? { allowPrivate: true } : {}), ...(opts.timeoutMs ? { timeoutMs: opts.timeoutMs } : {}) });
    status = r.status;
    finalUrl = r.finalUrl;
    assessment = assessPage({ status, finalUrl, html: r.dom, renderedText: r.text });
    const main = r.exchanges.find((e) => e.url === finalUrl && e.method === "GET" && (e.status < 300 || e.status >= 400));
    pageBody = sha256Digest(main?.body ?? Buffer.alloc(0));
    const ts = started.toISOString();
    const warc = await writeWarc({
      exchanges: r.exchanges,
      decodedBodies: true,
      software,
      resources: [
        { uri: `urn:screenshot:${finalUrl}`, contentType: "image/png", body: r.screenshot, date: started },
        { uri: `urn:dom:${finalUrl}`, contentType: "text/html; charset=utf-8", body: Buffer.from(r.dom), date: started },
        { uri: `urn:text:${finalUrl}`, contentType: "text/plain; charset=utf-8", body: Buffer.from(r.text), date: started },
      ],
    });
    if (r.exchanges.length === 0) throw new VigilError("import_failed", `no network exchange was recorded for ${url}`);
    const wacz = await buildWacz({ warc, pages: [{ id: id.slice(4, 14), url: finalUrl, ts, title: assessment.title, text: r.text.slice(0, 100_000) }], title: assessment.title || finalUrl, created: started, software, sign: (h) => vault.signWacz(h) });
    if (!assessment.flags.length || opts.keepFlagged) {
      const w = await vault.blobs.put(wacz);
      original = { digest: w.digest, size: w.size, mediaType: "application/wacz", filename: "capture.wacz" };
      for (const [role, body, mediaType] of [["screenshot", r.screenshot, "image/png"], ["dom_snapshot", Buffer.from(r.dom), "text/html"], ["page_text", Buffer.from(r.text), "text/plain"]] as const) {
        const b = await vault.blobs.put(body);
        derived.push({ role, digest: b.digest, size: b.size, mediaType });
      }
    } else original = { digest: "", size: 0, mediaType: "" };
    method = `rendered capture in headless Chromium (${r.exchanges.length} exchanges${r.blocked.length ? `, ${r.blocked.length} private-address requests blocked` : ""}), packaged as signed WACZ 1.1.1`;
    toolVersion = { name: "vigil+chromium", version: `${TOOL.version}; ${r.browserVersion}` };
  } else {
    const exchanges = await rawFetch(url, { ...(opts.allowPrivate ? { allowPrivate: true } : {}), ...(opts.timeoutMs ? { timeoutMs: opts.timeoutMs } : {}) });
    const last = exchanges[exchanges.length - 1]!;
    status = last.status;
    finalUrl = last.url;
    assessment = assessPage({ status, finalUrl, html: decodeBody(last.body, last.responseHeaders) });
    pageBody = sha256Digest(decodeBodyBytes(last.body, last.responseHeaders));
    const warc = await writeWarc({ exchanges, software });
    if (!assessment.flags.length || opts.keepFlagged) {
      const w = await vault.blobs.put(warc);
      original = { digest: w.digest, size: w.size, mediaType: "application/warc+gzip", filename: "capture.warc.gz" };
    } else original = { digest: "", size: 0, mediaType: "" };
    method = `raw HTTP capture (${exchanges.length} exchange${exchanges.length > 1 ? "s" : ""}) into WARC 1.1`;
  }
  const result: CaptureResult = { ok: assessment.flags.length === 0, url, finalUrl, status, flags: assessment.flags, reasons: assessment.reasons, title: assessment.title };
  if (assessment.flags.length && !opts.keepFlagged) return result;
  const item: Item = {
    id,
    kind: "web_capture",
    original,
    derived,
    ...(assessment.title ? { title: assessment.title } : {}),
    sourceUrl: url,
    sourceIds: opts.sourceIds ?? [],
    flags: assessment.flags,
    createdAt: started.toISOString(),
  };
  const notes = [assessment.flags.length ? `flagged: ${assessment.reasons.join("; ")}` : "", finalUrl !== url ? `final URL ${finalUrl}` : "", opts.notes ?? ""].filter(Boolean).join(". ");
  const event = custodyEvent({
    item: id,
    type: "captured",
    at: started,
    actor: opts.actor,
    method,
    tool: toolVersion,
    sourceUrl: url,
    hashes: { original: original.digest, page_body: pageBody, ...Object.fromEntries(derived.map((d) => [d.role, d.digest])) },
    ...(notes ? { notes } : {}),
  });
  const events = await vault.commitItem(item, [event]);
  return { ...result, item, events };
}

/**
 * The worker's capture job: retries network failures (timeouts, resets,
 * unreachable hosts) with a growing pause; a refusal (private address, bad
 * URL) or a flagged page is an answer, not a failure, and is not retried.
 */
export async function captureJob(vault: Vault, url: string, opts: CaptureOptions & { attempts?: number; backoffMs?: number }): Promise<CaptureResult & { attempts: number }> {
  const attempts = opts.attempts ?? 3;
  for (let i = 1; ; i++) {
    try {
      return { ...(await captureUrl(vault, url, opts)), attempts: i };
    } catch (err) {
      const retriable = err instanceof VigilError && err.code === "import_failed";
      if (!retriable || i >= attempts) throw err;
      await new Promise((r) => setTimeout(r, (opts.backoffMs ?? 2000) * 2 ** (i - 1)));
    }
  }
}
