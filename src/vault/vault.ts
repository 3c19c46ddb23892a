import { readFileSync } from "node:fs";
import { stat } from "node:fs/promises";
import { createReadStream } from "node:fs";
import { basename, join } from "node:path";
import type { Readable } from "node:stream";
import type { Kysely } from "kysely";
import { VigilError, conflict } from "../core/errors.ts";
import type { Ctx } from "../core/context.ts";
import type { CoreTables, Store } from "../store/index.ts";
import { LocalBlobStore } from "./blob/local-blob-store.ts";
import type { BlobStore } from "./blob/blob-store.ts";
import { formatTlogProof, parseCheckpoint } from "./tlog/checkpoint.ts";
import { openNote } from "./tlog/note.ts";
import { loadKeys, signWaczHash, type VaultKeys } from "./keys.ts";
import { custodyEvent, decodeEvent, encodeEvent, newItemId, type BlobRef, type CustodyEvent, type Item } from "./custody.ts";
import { DbLog } from "./db/db-log.ts";
import { ItemRepository, itemToRow } from "./db/item-repo.ts";
import { vaultDb, type VaultDb } from "./db/tables.ts";
import { deriveCopies } from "./derive.ts";
import { repairOnOpen, type OpenReport } from "./db/check.ts";
import { importFileVault, keyFileOrigin } from "./db/legacy-import.ts";

export const VIGIL_VERSION = (JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as { version: string }).version;
export const TOOL = { name: "vigil", version: VIGIL_VERSION };
export const DEFAULT_ORIGIN = "vigil.invalid/vault";

/** The steps of a vault transaction, in order; tests inject failures between them. */
export type VaultStep = "item" | "log" | "custody" | "link" | "checkpoint";

export interface VaultHooks {
  /** Called after each step, inside the transaction; throwing rolls it all back. */
  afterStep?: (step: VaultStep) => void | Promise<void>;
}

export interface VaultOptions {
  store: Store;
  /** Log origin and key name, e.g. `evidence.example.org/vault`; must equal the one fixed at first use. */
  origin?: string;
  /** The origin to fix at first use when none is given (default `vigil.invalid/vault`). */
  defaultOrigin?: string;
  maxBlobBytes?: number;
  /** Another blob store implementation over a local folder (tests inject faults with it). */
  blobs?: LocalBlobStore;
  hooks?: VaultHooks;
}

/** One custody record with its place in the log. */
export interface LoggedEvent {
  index: number;
  event: CustodyEvent;
}

/**
 * One vault transaction: items, custody records (log leaves and their index
 * rows), Source links and anything else written through `db` (records, jobs)
 * commit together with the checkpoint that covers them, or not at all.
 */
export class VaultTx {
  private appendedCount = 0;

  constructor(
    readonly db: Kysely<CoreTables>,
    private readonly vault: Vault,
  ) {}

  get vdb(): VaultDb {
    return vaultDb(this.db);
  }

  /** True once this transaction has added log leaves. */
  get appended(): boolean {
    return this.appendedCount > 0;
  }

  /** A use-case context running inside this transaction. */
  ctx(base: Ctx): Ctx {
    return { ...base, db: this.db, inTransaction: true };
  }

  /** Stores a new item whose blobs are already in the blob store. */
  async insertItem(item: Item, createdBy: string): Promise<void> {
    for (const ref of [item.original, ...item.derived]) if (!(await this.vault.blobs.stat(ref.digest))) throw conflict(`blob ${ref.digest} is not stored`);
    await this.vdb.insertInto("vault_items").values(itemToRow(item, createdBy)).execute();
    await this.vault.step("item");
  }

  /** Appends custody records: each is one log leaf and one `vault_custody` row. */
  async record(events: readonly CustodyEvent[]): Promise<LoggedEvent[]> {
    if (events.length === 0) return [];
    const indexes = await this.vault.log.appendInTransaction(this.vdb, events.map(encodeEvent));
    this.appendedCount += indexes.length;
    await this.vault.step("log");
    const rows = events.map((e, k) => ({ log_index: indexes[k]!, item_id: e.item, type: e.type, at: e.at, actor: e.actor }));
    await this.vault.store.bulkInsert(this.db, "vault_custody", rows);
    await this.vault.step("custody");
    return indexes.map((index, k) => ({ index, event: events[k]! }));
  }

  /**
   * Links an item to a Source record (its evidence) and records the link as a
   * custody event; linking twice is a no-op. The Source must exist.
   */
  async link(itemId: string, sourceId: string, actor: string, at: Date = new Date()): Promise<LoggedEvent | undefined> {
    const source = await this.db.selectFrom("records").select(["id", "type", "status", "merged_into"]).where("id", "=", sourceId).executeTakeFirst();
    if (!source || source.type !== "source") throw new VigilError("validation", `${sourceId} is not a Source record`, { where: { field: "sourceId" } });
    if (source.status === "merged") throw conflict(`${sourceId} was merged into ${source.merged_into ?? "another record"}`);
    const done = await this.vdb.selectFrom("vault_evidence").select("item_id").where("source_id", "=", sourceId).where("item_id", "=", itemId).executeTakeFirst();
    if (done) return undefined;
    await this.vdb.insertInto("vault_evidence").values({ source_id: sourceId, item_id: itemId, linked_at: at.toISOString(), linked_by: actor }).execute();
    await this.vault.step("link");
    const [logged] = await this.record([custodyEvent({ item: itemId, type: "linked", at, actor, method: "linked as evidence of a Source record", tool: TOOL, source: sourceId, hashes: {} })]);
    return logged;
  }
}

/**
 * The vault: blobs in a folder, keys in files, and items, custody records
 * and the transparency log in the database. Use cases (add a file, capture
 * a page, export) are functions over it; one instance per store per process
 * (see `vaultFor`).
 */
export class Vault {
  readonly items: ItemRepository;
  /** What opening found and repaired. */
  openReport: OpenReport = { repaired: [] };

  private constructor(
    readonly store: Store,
    readonly blobs: LocalBlobStore,
    readonly log: DbLog,
    readonly keys: VaultKeys,
    private readonly hooks: VaultHooks,
  ) {
    this.items = new ItemRepository(() => vaultDb(this.store.db));
  }

  /**
   * Opens the vault of a store: loads the log, checks it against its latest
   * signed checkpoint (refusing to go on if the log was rewritten or
   * truncated), and repairs what an interrupted writer can leave behind.
   */
  static async open(opts: VaultOptions): Promise<Vault> {
    // A data folder whose keys already exist keeps the log name they were made for.
    const origin = await fixOrigin(opts.store, opts.origin, (await keyFileOrigin(opts.store.dataDir)) ?? opts.defaultOrigin);
    const root = join(opts.store.dataDir, "vault");
    const keys = await loadKeys(opts.store.dataDir, origin);
    const log = await DbLog.open(opts.store, origin);
    const blobs = opts.blobs ?? new LocalBlobStore(join(root, "blobs"), opts.maxBlobBytes ? { maxBytes: opts.maxBlobBytes } : {});
    const v = new Vault(opts.store, blobs, log, keys, opts.hooks ?? {});
    const imported = await importFileVault(v);
    v.openReport = await repairOnOpen(v);
    v.openReport.repaired.unshift(...imported);
    return v;
  }

  get origin(): string {
    return this.keys.origin;
  }

  get db(): VaultDb {
    return vaultDb(this.store.db);
  }

  /** @internal Runs the test hook after a step. */
  async step(step: VaultStep): Promise<void> {
    await this.hooks.afterStep?.(step);
  }

  /**
   * Runs fn in one database transaction. Log leaves it appends are covered
   * by a checkpoint signed and stored in the same transaction, so whatever
   * commits is already signed; if anything throws, nothing is kept.
   */
  async transact<T>(fn: (tx: VaultTx) => Promise<T>, options: { checkpoint?: boolean } = {}): Promise<T> {
    return this.log.exclusive(async () => {
      await this.log.catchUpLocked();
      try {
        const out = await this.store.transaction(async (trx) => {
          const tx = new VaultTx(trx, this);
          const result = await fn(tx);
          if (tx.appended || options.checkpoint) {
            await this.log.checkpointInTransaction(tx.vdb, this.keys.logSigner);
            await this.step("checkpoint");
          }
          return result;
        });
        this.log.commitPending();
        return out;
      } catch (err) {
        this.log.rollbackPending();
        throw err;
      }
    });
  }

  /** Appends custody events in their own transaction, with a signed checkpoint. */
  async record(events: CustodyEvent[]): Promise<LoggedEvent[]> {
    return this.transact((tx) => tx.record(events));
  }

  /** Custody events of an item, in log order. */
  async custody(itemId: string, db: VaultDb = this.db): Promise<LoggedEvent[]> {
    const rows = await db
      .selectFrom("vault_custody")
      .innerJoin("vault_log", "vault_log.idx", "vault_custody.log_index")
      .select(["vault_custody.log_index", "vault_log.entry"])
      .where("vault_custody.item_id", "=", itemId)
      .orderBy("vault_custody.log_index")
      .execute();
    return rows.map((r) => ({ index: Number(r.log_index), event: decodeEvent(r.entry) }));
  }

  /**
   * The latest signed checkpoint, with the tree caught up to it. Signs one
   * when there is none yet (an empty log) or the log is ahead of it.
   */
  async checkpoint(): Promise<string> {
    await this.log.catchUp();
    const size = await this.log.latestCheckpointSize();
    const note = await this.log.latestCheckpoint();
    if (note && size >= this.log.size) return note;
    return this.transact(async (tx) => this.log.checkpointInTransaction(tx.vdb, this.keys.logSigner), { checkpoint: false });
  }

  /** The latest checkpoint's note and size. */
  async currentCheckpoint(): Promise<{ note: string; size: number }> {
    const note = await this.checkpoint();
    const { text } = openNote(note, this.keys.logVerifiers);
    return { note, size: parseCheckpoint(text).size };
  }

  /**
   * A self-contained proof receipt for an item: its custody events, each
   * with a c2sp.org/tlog-proof@v1 inclusion proof against the latest signed
   * checkpoint, and the log's public keys.
   */
  async receipt(itemId: string): Promise<{ item: Item; origin: string; keys: string[]; checkpoint: string; events: { index: number; entry: string; proof: string }[] }> {
    const item = await this.items.get(itemId);
    const { note, size } = await this.currentCheckpoint();
    const events = [];
    for (const { index, event } of await this.custody(itemId)) {
      if (index >= size) continue;
      events.push({ index, entry: encodeEvent(event).toString("utf8"), proof: formatTlogProof({ index, proof: this.log.tree.inclusionProof(index, size), checkpoint: note }) });
    }
    return { item, origin: this.origin, keys: this.keys.logKeys.map((k) => k.vkey), checkpoint: note, events };
  }

  /**
   * Stores content as the original of a new item, streaming it into the blob
   * store (size limit applies); nothing is recorded yet.
   */
  async storeOriginal(content: Readable | AsyncIterable<Uint8Array> | Uint8Array, opts: { maxBytes?: number; filename?: string; mediaType?: string } = {}): Promise<BlobRef> {
    const stored = await this.blobs.put(content, opts.maxBytes !== undefined ? { maxBytes: opts.maxBytes } : {});
    return { digest: stored.digest, size: stored.size, mediaType: opts.mediaType ?? (await sniffMediaType(this.blobs.localPath(stored.digest))), ...(opts.filename ? { filename: safeFilename(opts.filename) } : {}) };
  }

  /**
   * Makes an item of an original already in the blob store: derives public
   * copies where it can, then commits the item, its custody records and its
   * Source links in one transaction.
   */
  async addOriginal(original: BlobRef, opts: { actor: string; notes?: string; sourceIds?: string[]; sourceUrl?: string; title?: string; confidentiality?: Item["confidentiality"]; method?: string }): Promise<{ item: Item; events: LoggedEvent[] }> {
    const id = newItemId();
    const at = new Date();
    const derived = await deriveCopies(this.blobs, original);
    const item: Item = {
      id,
      kind: "file",
      original,
      derived: derived.copies,
      ...(opts.title ? { title: opts.title } : {}),
      ...(opts.sourceUrl ? { sourceUrl: opts.sourceUrl } : {}),
      sourceIds: [],
      flags: [],
      confidentiality: opts.confidentiality ?? "staff",
      createdAt: at.toISOString(),
    };
    const events = [
      custodyEvent({ item: id, type: "acquired", at, actor: opts.actor, method: opts.method ?? "upload of a file", tool: TOOL, hashes: { original: original.digest }, ...(opts.sourceUrl ? { sourceUrl: opts.sourceUrl } : {}), ...(opts.notes ? { notes: opts.notes } : {}) }),
    ];
    if (derived.copies.length > 0) {
      events.push(custodyEvent({ item: id, type: "derived", at, actor: opts.actor, method: derived.method, tool: derived.tool, hashes: { original: original.digest, ...Object.fromEntries(derived.copies.map((d) => [d.role, d.digest])) } }));
    }
    const logged = await this.commitItem(item, events, { createdBy: opts.actor, sourceIds: opts.sourceIds ?? [] });
    return { item: { ...item, sourceIds: [...new Set(opts.sourceIds ?? [])] }, events: logged };
  }

  /**
   * Adds a file as a new item: the original is stored untouched; public
   * copies without metadata are derived where possible. Nothing is recorded
   * unless every blob is stored.
   */
  async addFile(path: string, opts: { actor: string; notes?: string; sourceIds?: string[]; sourceUrl?: string; mediaType?: string; title?: string; confidentiality?: Item["confidentiality"] }): Promise<{ item: Item; events: LoggedEvent[] }> {
    const s = await stat(path).catch(() => undefined);
    if (!s?.isFile()) throw new VigilError("not_found", `no such file: ${path}`);
    const original = await this.storeOriginal(createReadStream(path, { highWaterMark: 1024 * 1024 }), { filename: basename(path), ...(opts.mediaType ? { mediaType: opts.mediaType } : {}) });
    return this.addOriginal(original, opts);
  }

  /**
   * Stores a finished item whose blobs are already in the blob store, with
   * its events and Source links, in one transaction. `extra` runs inside the
   * same transaction (a capture creates or updates its Source there).
   */
  async commitItem(item: Item, events: CustodyEvent[], opts: { createdBy: string; sourceIds?: string[]; extra?: (tx: VaultTx) => Promise<void> }): Promise<LoggedEvent[]> {
    return this.transact(async (tx) => {
      await tx.insertItem(item, opts.createdBy);
      const logged = await tx.record(events);
      for (const sourceId of new Set(opts.sourceIds ?? [])) {
        const l = await tx.link(item.id, sourceId, opts.createdBy);
        if (l) logged.push(l);
      }
      await opts.extra?.(tx);
      return logged;
    });
  }

  /** Signs a WACZ datapackage hash with the vault's WACZ key. */
  signWacz(hash: string): { signature: string; publicKey: string } {
    return { signature: signWaczHash(this.keys, hash), publicKey: this.keys.waczPublicKey };
  }

  /** The blob store port (for code that must not depend on the local folder). */
  get blobStore(): BlobStore {
    return this.blobs;
  }
}

/**
 * The log's origin is fixed the first time a vault is opened on a database:
 * a different one later would make every earlier checkpoint unverifiable.
 */
async function fixOrigin(store: Store, requested: string | undefined, fallback: string | undefined): Promise<string> {
  return store.transaction(async (trx) => {
    const db = vaultDb(trx);
    const row = await db.selectFrom("vault_meta").select("value").where("key", "=", "origin").executeTakeFirst();
    if (row) {
      if (requested !== undefined && requested !== row.value) throw new VigilError("conflict", `this vault's log is named ${row.value}; it cannot be opened as ${requested}`);
      return row.value;
    }
    const origin = requested ?? fallback ?? DEFAULT_ORIGIN;
    if (!/^[\x21-\x7e]+$/.test(origin) || origin.includes("+")) throw new VigilError("validation", `a log origin is printable ASCII without spaces or "+", not ${JSON.stringify(origin)}`, { where: { field: "origin" } });
    await db.insertInto("vault_meta").values({ key: "origin", value: origin }).execute();
    return origin;
  });
}

/** A file name kept as metadata only (blobs are stored by hash): no folders, no control characters, bounded. */
export function safeFilename(name: string): string {
  const base = name.split(/[\\/]/).pop() ?? "";
  const clean = base.replace(/[\u0000-\u001f\u007f\u202a-\u202e\u2066-\u2069]/g, "").trim().slice(0, 255);
  return clean === "." || clean === ".." ? "" : clean;
}

/** A media type from the first bytes (the client's claim is not trusted). */
export async function sniffMediaType(path: string): Promise<string> {
  const fh = createReadStream(path, { start: 0, end: 15 });
  const parts: Buffer[] = [];
  for await (const c of fh as AsyncIterable<Buffer>) parts.push(c);
  const b = Buffer.concat(parts);
  if (b[0] === 0xff && b[1] === 0xd8) return "image/jpeg";
  if (b.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))) return "image/png";
  if (b.subarray(0, 4).toString("latin1") === "RIFF" && b.subarray(8, 12).toString("latin1") === "WEBP") return "image/webp";
  if (b.subarray(0, 4).toString("latin1") === "%PDF") return "application/pdf";
  if (b.subarray(0, 4).equals(Buffer.from([0x50, 0x4b, 0x03, 0x04]))) return "application/zip";
  if (b.subarray(0, 4).toString("latin1") === "WARC" || (b[0] === 0x1f && b[1] === 0x8b)) return b[0] === 0x1f ? "application/gzip" : "application/warc";
  return "application/octet-stream";
}
