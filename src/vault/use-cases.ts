import type { Readable } from "node:stream";
import { authorize, mayRead, visibleLevels } from "../accounts/index.ts";
import { audit, type Ctx } from "../core/context.ts";
import { Problems, VigilError, notFound } from "../core/errors.ts";
import { newId } from "../core/ids.ts";
import { enqueue } from "../jobs/index.ts";
import type { Store } from "../store/index.ts";
import { MAX_NOTES, isItemId, type BlobRef, type CustodyEvent, type Item } from "./custody.ts";
import { parseCaptureUrl } from "./capture/net-guard.ts";
import { exportBundle, type ExportResult } from "./bundle.ts";
import { vaultDb, type VaultCapturesTable } from "./db/tables.ts";
import { Vault, type LoggedEvent } from "./vault.ts";

const vaults = new WeakMap<Store, Promise<Vault>>();

/**
 * The process's vault for a store, opened once (routes, worker and start
 * hooks share it, and with it the in-memory tree). A failed open is tried
 * again on the next call.
 */
export function vaultFor(store: Store, opts: { defaultOrigin?: string } = {}): Promise<Vault> {
  let p = vaults.get(store);
  if (!p) {
    p = Vault.open({ store, ...(opts.defaultOrigin ? { defaultOrigin: opts.defaultOrigin } : {}) });
    vaults.set(store, p);
    p.catch(() => vaults.delete(store));
  }
  return p;
}

/** What staff can say about new evidence. */
export interface EvidenceInput {
  notes?: string;
  sourceIds?: string[];
  sourceUrl?: string;
  title?: string;
  confidentiality?: string;
  /** Who the custody record names (default: the acting user's id; the CLI passes the operator's name). */
  custodyActor?: string;
}

const CONFIDENTIALITY = ["public", "staff", "restricted"] as const;

/** Checks the fields of new evidence, every problem at once, and that each Source exists. */
export async function checkEvidenceInput(ctx: Ctx, input: EvidenceInput): Promise<void> {
  const p = new Problems();
  if (input.notes !== undefined && input.notes.length > MAX_NOTES) p.add("notes", `notes are limited to ${MAX_NOTES} characters`);
  if (input.title !== undefined && input.title.length > 300) p.add("title", "a title is limited to 300 characters");
  if (input.sourceUrl !== undefined && input.sourceUrl !== "" && !/^https?:\/\/\S+$/i.test(input.sourceUrl)) p.add("sourceUrl", "the origin URL starts with http:// or https://");
  if (input.confidentiality !== undefined && !CONFIDENTIALITY.includes(input.confidentiality as never)) p.add("confidentiality", `confidentiality must be one of ${CONFIDENTIALITY.join(", ")}`);
  if ((input.sourceIds ?? []).length > 50) p.add("sourceIds", "at most 50 Sources per item");
  for (const id of input.sourceIds ?? []) {
    const r = await ctx.db.selectFrom("records").select(["type", "status"]).where("id", "=", id).executeTakeFirst();
    if (!r || r.type !== "source") p.add("sourceIds", `${id} is not a Source record`);
    else if (r.status === "merged") p.add("sourceIds", `${id} was merged into another record`);
  }
  p.throwIfAny("the evidence has errors");
}

function evidenceOptions(ctx: Ctx, input: EvidenceInput): Parameters<Vault["addOriginal"]>[1] {
  return {
    actor: input.custodyActor ?? ctx.actor.id,
    ...(input.notes ? { notes: input.notes } : {}),
    sourceIds: input.sourceIds ?? [],
    ...(input.sourceUrl ? { sourceUrl: input.sourceUrl } : {}),
    ...(input.title ? { title: input.title } : {}),
    confidentiality: (input.confidentiality ?? "staff") as Item["confidentiality"],
  };
}

/** Adds a local file as evidence (the CLI): its original, derived copies, custody and Source links. */
export async function addEvidenceFile(ctx: Ctx, vault: Vault, path: string, input: EvidenceInput = {}): Promise<{ item: Item; events: LoggedEvent[] }> {
  authorize(ctx.actor, "vault.add");
  await checkEvidenceInput(ctx, input);
  return vault.addFile(path, evidenceOptions(ctx, input));
}

/**
 * First half of an upload: streams the content into the blob store under a
 * size limit. Nothing is recorded; an unused blob is harmless (content-addressed).
 */
export async function receiveEvidence(ctx: Ctx, vault: Vault, content: Readable | AsyncIterable<Uint8Array>, opts: { filename?: string; maxBytes?: number }): Promise<BlobRef> {
  authorize(ctx.actor, "vault.add");
  return vault.storeOriginal(content, { ...(opts.filename ? { filename: opts.filename } : {}), ...(opts.maxBytes !== undefined ? { maxBytes: opts.maxBytes } : {}) });
}

/** Second half of an upload: makes the received original an item, with custody and Source links. */
export async function addEvidence(ctx: Ctx, vault: Vault, original: BlobRef, input: EvidenceInput = {}): Promise<{ item: Item; events: LoggedEvent[] }> {
  authorize(ctx.actor, "vault.add");
  await checkEvidenceInput(ctx, input);
  if (!(await vault.blobs.stat(original.digest))) throw new VigilError("validation", `blob ${original.digest} was not received`);
  return vault.addOriginal(original, { ...evidenceOptions(ctx, input), method: "upload through the staff workspace" });
}

/** Links an existing item to a Source record as its evidence (logged as a custody event). */
export async function linkEvidence(ctx: Ctx, vault: Vault, itemId: string, sourceId: string, custodyActor?: string): Promise<LoggedEvent | undefined> {
  authorize(ctx.actor, "vault.add");
  await requireVisibleItem(ctx, vault, itemId);
  return vault.transact((tx) => tx.link(itemId, sourceId, custodyActor ?? ctx.actor.id));
}

async function requireVisibleItem(ctx: Ctx, vault: Vault, itemId: string): Promise<Item> {
  const item = await vault.items.get(itemId).catch((err: unknown) => {
    if (err instanceof VigilError && err.code === "not_found") return undefined;
    throw err;
  });
  // An item the actor may not see is "not found": its existence leaks nothing.
  if (!item || !mayRead(ctx.actor, item.confidentiality ?? "staff", [item.id])) throw notFound("item", itemId);
  return item;
}

export interface EvidenceView {
  item: Item;
  sources: { id: string; label: string; labelFa: string; kind: string | null; status: string }[];
  custody: { index: number; event: CustodyEvent }[];
  receipt: { checkpoint: string; keys: string[]; events: { index: number; entry: string; proof: string }[] };
}

/** An item as staff see it: its record, linked Sources, custody records and proof receipt. */
export async function getEvidence(ctx: Ctx, vault: Vault, itemId: string): Promise<EvidenceView> {
  authorize(ctx.actor, "vault.read");
  const item = await requireVisibleItem(ctx, vault, itemId);
  if (item.confidentiality === "restricted") await audit(ctx, { action: "vault.read_restricted", targetType: "vault_item", targetId: item.id });
  const sources =
    item.sourceIds.length === 0
      ? []
      : (await ctx.db.selectFrom("records").select(["id", "label", "label_fa", "kind", "status", "confidentiality"]).where("id", "in", item.sourceIds).execute())
          .filter((r) => mayRead(ctx.actor, r.confidentiality, [r.id]))
          .map((r) => ({ id: r.id, label: r.label, labelFa: r.label_fa, kind: r.kind, status: r.status }));
  const receipt = await vault.receipt(itemId);
  const custody = await vault.custody(itemId);
  return { item, sources, custody, receipt: { checkpoint: receipt.checkpoint, keys: receipt.keys, events: receipt.events } };
}

/**
 * The log's entries from `from` to `to`: custody records hold staff names,
 * notes and the existence of restricted evidence, so only those who may
 * export and read everything get them. Anyone can still witness the log
 * through its checkpoints and hash tiles; bundles carry the entries they prove.
 */
export async function readLogEntries(ctx: Ctx, vault: Vault, from: number, to: number): Promise<Buffer[]> {
  authorize(ctx.actor, "vault.export");
  if (!mayRead(ctx.actor, "restricted")) throw new VigilError("forbidden", "the log's entries are custody records, readable only with access to restricted material");
  const out: Buffer[] = [];
  for await (const e of vault.log.entries(from, to)) out.push(e);
  await audit(ctx, { action: "vault.read_log_entries", detail: { from, to } });
  return out;
}

/** Items that are evidence of a Source. */
export async function evidenceOf(ctx: Ctx, vault: Vault, sourceId: string): Promise<Item[]> {
  authorize(ctx.actor, "vault.read");
  return (await vault.items.list({ sourceId })).filter((i) => mayRead(ctx.actor, i.confidentiality ?? "staff", [i.id]));
}

/**
 * Items newest first, a page at a time, only those the actor may see (a
 * restricted item without a grant is left out, not counted). `before` is the
 * last id of the previous page; ids are time-ordered.
 */
export async function listEvidence(ctx: Ctx, vault: Vault, opts: { before?: string; limit?: number } = {}): Promise<{ items: Item[]; next: string | null }> {
  authorize(ctx.actor, "vault.read");
  const limit = Math.min(Math.max(Math.trunc(opts.limit ?? 50), 1), 200);
  const levels = visibleLevels(ctx.actor);
  const granted = [...(ctx.actor.grantedRestricted ?? [])].filter(isItemId);
  let q = vaultDb(ctx.db)
    .selectFrom("vault_items")
    .select("id")
    .where((eb) => eb.or([eb("confidentiality", "in", levels), ...(granted.length ? [eb("id", "in", granted)] : [])]));
  if (opts.before) q = q.where("id", "<", opts.before);
  const rows = await q.orderBy("id", "desc").limit(limit + 1).execute();
  const ids = rows.slice(0, limit).map((r) => r.id);
  const byId = new Map((await vault.items.list({ ids })).map((i) => [i.id, i]));
  const items = ids.map((id) => byId.get(id)).filter((i): i is Item => i !== undefined);
  return { items, next: rows.length > limit ? ids[ids.length - 1]! : null };
}

/** Exports a bundle of a Source's evidence (or everything) and records the export in each item's custody. */
export async function exportEvidence(ctx: Ctx, vault: Vault, out: string, opts: { sourceId?: string; all?: boolean; custodyActor?: string }): Promise<ExportResult> {
  authorize(ctx.actor, "vault.export");
  if (opts.all) authorize(ctx.actor, "export.all");
  if (!opts.sourceId === !opts.all) throw new VigilError("validation", "give exactly one of a Source id or everything");
  // A bundle carries every item whole: it is made only for someone who may read all of them.
  if (opts.all && !mayRead(ctx.actor, "restricted")) throw new VigilError("forbidden", "exporting everything needs access to restricted material");
  if (opts.sourceId) {
    const source = await ctx.db.selectFrom("records").select(["id", "type", "confidentiality"]).where("id", "=", opts.sourceId).executeTakeFirst();
    if (source && !mayRead(ctx.actor, source.confidentiality, [source.id])) throw new VigilError("not_found", `no Source record ${opts.sourceId}`, { where: { field: "source" } });
    const hidden = (await vault.items.list({ sourceId: opts.sourceId })).filter((i) => !mayRead(ctx.actor, i.confidentiality ?? "staff", [i.id]));
    if (hidden.length > 0) throw new VigilError("forbidden", "this Source's evidence includes restricted items you may not read; someone with access must export it");
  }
  const result = await exportBundle(vault, out, { actor: opts.custodyActor ?? ctx.actor.id, ...(opts.all ? { all: true } : { sourceId: opts.sourceId! }) });
  await audit(ctx, { action: "vault.export", ...(opts.sourceId ? { targetType: "source", targetId: opts.sourceId } : {}), detail: { items: result.items, sha256: result.sha256 } });
  return result;
}

// --- capture requests (run by the worker) ---

export const CAPTURE_JOB = "vault.capture";

/** Every status a capture request can have, in the order of its life. */
export const CAPTURE_STATUSES = ["queued", "running", "retrying", "done", "flagged", "failed"] as const;
export type CaptureStatus = (typeof CAPTURE_STATUSES)[number];

export interface CaptureRequestInput {
  url: string;
  rendered?: boolean;
  keepFlagged?: boolean;
  sourceIds?: string[];
  notes?: string;
  /** Only an operator's setting may allow private addresses, never a request. */
  allowPrivate?: boolean;
  custodyActor?: string;
}

export interface CaptureRequest {
  id: string;
  url: string;
  status: CaptureStatus;
  rendered: boolean;
  requestedBy: string;
  requestedAt: string;
  updatedAt: string;
  attempts: number;
  itemId: string | null;
  sourceId: string | null;
  flags: string[];
  error: string | null;
}

/** What the worker needs to run a capture on someone's behalf. */
export interface CapturePayload {
  captureId: string;
  url: string;
  rendered: boolean;
  keepFlagged: boolean;
  allowPrivate: boolean;
  sourceIds: string[];
  notes?: string;
  actor: { id: string; role: Ctx["actor"]["role"] };
  custodyActor: string;
}

function captureFromRow(r: VaultCapturesTable): CaptureRequest {
  const o = JSON.parse(r.options) as { rendered?: boolean };
  return {
    id: r.id,
    url: r.url,
    status: r.status as CaptureStatus,
    rendered: o.rendered === true,
    requestedBy: r.requested_by,
    requestedAt: r.requested_at,
    updatedAt: r.updated_at,
    attempts: r.attempts,
    itemId: r.item_id,
    sourceId: r.source_id,
    flags: JSON.parse(r.flags) as string[],
    error: r.error,
  };
}

/**
 * Asks the worker to capture a URL: the request and its job are written in
 * one transaction, so a request is never lost nor run twice. Returns at once.
 */
export async function requestCapture(ctx: Ctx, input: CaptureRequestInput, options: { maxAttempts?: number } = {}): Promise<CaptureRequest> {
  authorize(ctx.actor, "vault.capture");
  const url = parseCaptureUrl(input.url).toString();
  await checkEvidenceInput(ctx, { ...(input.notes !== undefined ? { notes: input.notes } : {}), ...(input.sourceIds ? { sourceIds: input.sourceIds } : {}) });
  const id = newId("job");
  const now = ctx.now().toISOString();
  const payload: CapturePayload = {
    captureId: id,
    url,
    rendered: input.rendered === true,
    keepFlagged: input.keepFlagged === true,
    allowPrivate: input.allowPrivate === true,
    sourceIds: input.sourceIds ?? [],
    ...(input.notes ? { notes: input.notes } : {}),
    actor: { id: ctx.actor.id, role: ctx.actor.role },
    custodyActor: input.custodyActor ?? ctx.actor.id,
  };
  const row: VaultCapturesTable = {
    id,
    url,
    options: JSON.stringify({ rendered: payload.rendered, keepFlagged: payload.keepFlagged, sourceIds: payload.sourceIds }),
    status: "queued",
    requested_by: ctx.actor.id,
    requested_at: now,
    updated_at: now,
    attempts: 0,
    item_id: null,
    source_id: null,
    flags: "[]",
    error: null,
  };
  const write = async (db: Ctx["db"]): Promise<void> => {
    await vaultDb(db).insertInto("vault_captures").values(row).execute();
    await enqueue(db, CAPTURE_JOB, payload, { id, maxAttempts: options.maxAttempts ?? 4 });
  };
  if (ctx.inTransaction) await write(ctx.db);
  else await ctx.store.transaction(write);
  return captureFromRow(row);
}

/** The state of a capture request. */
export async function getCaptureRequest(ctx: Ctx, id: string): Promise<CaptureRequest> {
  authorize(ctx.actor, "vault.read");
  const row = await vaultDb(ctx.db).selectFrom("vault_captures").selectAll().where("id", "=", id).executeTakeFirst();
  if (!row) throw notFound("capture request", id);
  return captureFromRow(row);
}

/**
 * Capture requests, newest first, a page at a time: `before` is the last
 * request of the page before (`next`), `status` keeps one status only (the
 * failed ones, say, to try again).
 */
export async function listCaptureRequests(ctx: Ctx, opts: { limit?: number; before?: string; status?: CaptureStatus } = {}): Promise<{ captures: CaptureRequest[]; next: string | null }> {
  authorize(ctx.actor, "vault.read");
  const db = vaultDb(ctx.db);
  const limit = Number.isFinite(opts.limit) ? Math.min(Math.max(Math.floor(opts.limit!), 1), 500) : 50;
  let q = db.selectFrom("vault_captures").selectAll();
  if (opts.status) q = q.where("status", "=", opts.status);
  if (opts.before) {
    const before = opts.before;
    const last = await db.selectFrom("vault_captures").select("requested_at").where("id", "=", before).executeTakeFirst();
    if (!last) throw new VigilError("validation", `there is no capture request ${before} to list from`, { where: { field: "before" } });
    // Requests made in the same millisecond are told apart by id, so none is skipped or shown twice.
    q = q.where((eb) => eb.or([eb("requested_at", "<", last.requested_at), eb.and([eb("requested_at", "=", last.requested_at), eb("id", "<", before)])]));
  }
  const rows = await q.orderBy("requested_at", "desc").orderBy("id", "desc").limit(limit + 1).execute();
  const shown = rows.slice(0, limit);
  return { captures: shown.map(captureFromRow), next: rows.length > limit ? shown[shown.length - 1]!.id : null };
}
