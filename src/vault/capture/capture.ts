import { VigilError } from "../../core/errors.ts";
import type { Ctx } from "../../core/context.ts";
import { authorize } from "../../accounts/index.ts";
import { createRecord, updateRecord } from "../../records/index.ts";
import { custodyEvent, newItemId, type BlobRef, type DerivedRole, type Item } from "../custody.ts";
import { TOOL, type LoggedEvent, type Vault, type VaultTx } from "../vault.ts";
import { assessPage, decodeBody, decodeBodyBytes, type CaptureFlag } from "./assess.ts";
import { sha256Digest } from "../blob/hashing.ts";
import { renderedCapture } from "./browser-capture.ts";
import type { NetPolicy } from "./net-guard.ts";
import { rawFetch } from "./raw-fetch.ts";
import { writeWarc } from "./warc.ts";
import { buildWacz } from "./wacz.ts";

export interface CaptureOptions {
  rendered?: boolean;
  allowPrivate?: boolean;
  /** The resolver and any extra refusals, for raw and rendered captures alike. */
  net?: Omit<NetPolicy, "allowPrivate">;
  /** Keep a capture that was flagged (login wall, challenge, empty, error) as an item anyway. */
  keepFlagged?: boolean;
  /** Who the custody record names (default: the acting user's id). */
  actor?: string;
  notes?: string;
  sourceIds?: string[];
  timeoutMs?: number;
  /** Runs inside the transaction that commits the item (the worker marks its request done there). */
  inTransaction?: (tx: VaultTx, committed: { itemId: string; sourceId?: string }) => Promise<void>;
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
  /** The Source record the capture is evidence of (created or updated with it). */
  sourceId?: string;
}

/**
 * Captures a URL into the vault: raw (WARC of the HTTP exchanges) or rendered
 * (WACZ with every exchange, screenshot, DOM and text, signed). A flagged
 * capture is reported as not ok and stored only when asked; any failure
 * leaves no item and no custody record (blobs are content-addressed, so an
 * orphan blob is harmless and never referenced).
 *
 * A successful capture is evidence of a Source record: the Sources named in
 * `sourceIds`, or else the web-capture Source of earlier captures of the same
 * URL (updated), or else a new one. Item, custody records, Source and links
 * are committed in one transaction.
 */
export async function captureUrl(ctx: Ctx, vault: Vault, url: string, opts: CaptureOptions): Promise<CaptureResult> {
  authorize(ctx.actor, "vault.capture");
  const actor = opts.actor ?? ctx.actor.id;
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
    const r = await renderedCapture(url, { ...(opts.allowPrivate ? { allowPrivate: true } : {}), ...(opts.timeoutMs ? { timeoutMs: opts.timeoutMs } : {}), ...(opts.net ? { net: opts.net } : {}) });
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
    const exchanges = await rawFetch(url, { ...(opts.allowPrivate ? { allowPrivate: true } : {}), ...(opts.timeoutMs ? { timeoutMs: opts.timeoutMs } : {}), ...(opts.net ? { net: opts.net } : {}) });
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
    sourceIds: [],
    flags: assessment.flags,
    confidentiality: "staff",
    createdAt: started.toISOString(),
  };
  const notes = [assessment.flags.length ? `flagged: ${assessment.reasons.join("; ")}` : "", finalUrl !== url ? `final URL ${finalUrl}` : "", opts.notes ?? ""].filter(Boolean).join(". ");
  const event = custodyEvent({
    item: id,
    type: "captured",
    at: started,
    actor,
    method,
    tool: toolVersion,
    sourceUrl: url,
    hashes: { original: original.digest, page_body: pageBody, ...Object.fromEntries(derived.map((d) => [d.role, d.digest])) },
    ...(notes ? { notes } : {}),
  });
  let sourceId: string | undefined;
  const later: LoggedEvent[] = [];
  const explicit = opts.sourceIds ?? [];
  const events = await vault.commitItem(item, [event], {
    createdBy: actor,
    sourceIds: explicit,
    extra: async (tx) => {
      if (explicit.length > 0 || !result.ok) sourceId = explicit[0];
      else {
        sourceId = await upsertCaptureSource(tx, ctx, url, assessment.title, started);
        const linked = await tx.link(id, sourceId, actor, started);
        if (linked) later.push(linked);
      }
      await opts.inTransaction?.(tx, { itemId: id, ...(sourceId ? { sourceId } : {}) });
    },
  });
  return { ...result, item: { ...item, sourceIds: sourceId ? [...new Set([...explicit, sourceId])] : explicit }, events: [...events, ...later], ...(sourceId ? { sourceId } : {}) };
}

/**
 * The web-capture Source of a URL: the one earlier captures of it are
 * evidence of (its `last_captured_at` updated), or a new draft Source.
 */
async function upsertCaptureSource(tx: VaultTx, ctx: Ctx, url: string, title: string, at: Date): Promise<string> {
  const inTx = tx.ctx(ctx);
  const prior = await tx.vdb
    .selectFrom("vault_evidence")
    .innerJoin("vault_items", "vault_items.id", "vault_evidence.item_id")
    .innerJoin("records", "records.id", "vault_evidence.source_id")
    .select(["records.id", "records.version", "records.data"])
    .where("vault_items.source_url", "=", url)
    .where("records.kind", "=", "web_capture")
    .where("records.status", "!=", "merged")
    .orderBy("vault_evidence.linked_at")
    .limit(1)
    .executeTakeFirst();
  if (prior) {
    const data = JSON.parse(prior.data) as Record<string, string>;
    await updateRecord(inTx, prior.id, prior.version, { data: { ...data, url: data.url ?? url, last_captured_at: at.toISOString() } }, "captured again into the vault");
    return prior.id;
  }
  const label = (title.replace(/\s+/g, " ").trim() || url).slice(0, 300);
  const record = await createRecord(inTx, { type: "source", kind: "web_capture", label, data: { url, captured_at: at.toISOString(), last_captured_at: at.toISOString() } }, "web capture into the vault");
  return record.id;
}
