import { readFileSync } from "node:fs";
import { stat } from "node:fs/promises";
import { createReadStream } from "node:fs";
import { basename, join } from "node:path";
import sharp from "sharp";
import { VigilError, conflict } from "../core/errors.ts";
import { LocalBlobStore } from "./blob/local-blob-store.ts";
import type { BlobStore } from "./blob/blob-store.ts";
import { FileItemRepository, type ItemRepository } from "./items.ts";
import { FileLog } from "./tlog/file-log.ts";
import { formatTlogProof, parseCheckpoint } from "./tlog/checkpoint.ts";
import { openNote } from "./tlog/note.ts";
import { loadKeys, signWaczHash, type VaultKeys } from "./keys.ts";
import { custodyEvent, decodeEvent, encodeEvent, newItemId, type BlobRef, type CustodyEvent, type DerivedRole, type Item } from "./custody.ts";

export const VIGIL_VERSION = (JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as { version: string }).version;
export const TOOL = { name: "vigil", version: VIGIL_VERSION };
export const DEFAULT_ORIGIN = "vigil.invalid/vault";

export interface VaultOptions {
  dataDir: string;
  /** Log origin and key name, e.g. `evidence.example.org/vault`. */
  origin?: string;
  maxBlobBytes?: number;
}

/** One custody record with its place in the log. */
export interface LoggedEvent {
  index: number;
  event: CustodyEvent;
}

/**
 * The vault: blobs, items, the custody log and the keys, in one data folder.
 * Use cases (add a file, capture a page, export) are functions over it.
 */
export class Vault {
  private byItem = new Map<string, number[]>();

  private constructor(
    readonly dataDir: string,
    readonly blobs: LocalBlobStore,
    readonly items: ItemRepository,
    readonly log: FileLog,
    readonly keys: VaultKeys,
  ) {}

  static async open(opts: VaultOptions): Promise<Vault> {
    const origin = opts.origin ?? DEFAULT_ORIGIN;
    const root = join(opts.dataDir, "vault");
    const keys = await loadKeys(opts.dataDir, origin);
    const log = await FileLog.open(join(root, "log"), origin);
    const v = new Vault(opts.dataDir, new LocalBlobStore(join(root, "blobs"), opts.maxBlobBytes ? { maxBytes: opts.maxBlobBytes } : {}), new FileItemRepository(join(root, "items")), log, keys);
    await v.indexLog(0);
    return v;
  }

  get origin(): string {
    return this.keys.origin;
  }

  private async indexLog(from: number): Promise<void> {
    let i = from;
    for await (const bytes of this.log.entries(from)) {
      const e = decodeEvent(bytes);
      const list = this.byItem.get(e.item) ?? [];
      list.push(i++);
      this.byItem.set(e.item, list);
    }
  }

  /** Appends custody events to the log (durably) and signs a new checkpoint. */
  async record(events: CustodyEvent[]): Promise<LoggedEvent[]> {
    const before = this.log.size;
    const indexes = await this.log.append(events.map(encodeEvent));
    // Another writer may have appended before us: index whatever is new.
    if (indexes[0] !== before) await this.indexLog(before);
    else
      indexes.forEach((index, k) => {
        const list = this.byItem.get(events[k]!.item) ?? [];
        list.push(index);
        this.byItem.set(events[k]!.item, list);
      });
    await this.log.checkpoint(this.keys.logSigner);
    return indexes.map((index, k) => ({ index, event: events[k]! }));
  }

  /** Custody events of an item, in log order. */
  async custody(itemId: string): Promise<LoggedEvent[]> {
    const out: LoggedEvent[] = [];
    for (const index of this.byItem.get(itemId) ?? []) out.push({ index, event: decodeEvent(await this.log.entry(index)) });
    return out;
  }

  /** Signs a checkpoint of the log as it is now. */
  async checkpoint(): Promise<string> {
    return this.log.checkpoint(this.keys.logSigner);
  }

  /**
   * A self-contained proof receipt for an item: its custody events, each
   * with a c2sp.org/tlog-proof@v1 inclusion proof against the latest signed
   * checkpoint, and the log's public keys.
   */
  async receipt(itemId: string): Promise<{ item: Item; origin: string; keys: string[]; events: { index: number; entry: string; proof: string }[] }> {
    const item = await this.items.get(itemId);
    let note = await this.log.latestCheckpoint();
    if (!note) note = await this.checkpoint();
    const { text } = openNote(note, this.keys.logVerifiers);
    const size = parseCheckpoint(text).size;
    const events = [];
    for (const { index } of await this.custody(itemId)) {
      if (index >= size) continue;
      events.push({ index, entry: (await this.log.entry(index)).toString("utf8"), proof: formatTlogProof({ index, proof: this.log.tree.inclusionProof(index, size), checkpoint: note }) });
    }
    return { item, origin: this.origin, keys: this.keys.logKeys.map((k) => k.vkey), events };
  }

  /**
   * Adds a file as a new item: the original is stored untouched; for images a
   * public copy without metadata and a thumbnail are derived. Nothing is
   * recorded unless every blob is stored.
   */
  async addFile(path: string, opts: { actor: string; notes?: string; sourceIds?: string[]; sourceUrl?: string; mediaType?: string; title?: string }): Promise<{ item: Item; events: LoggedEvent[] }> {
    const s = await stat(path).catch(() => undefined);
    if (!s?.isFile()) throw new VigilError("not_found", `no such file: ${path}`);
    const stored = await this.blobs.put(createReadStream(path, { highWaterMark: 1024 * 1024 }));
    const original: BlobRef = { digest: stored.digest, size: stored.size, mediaType: opts.mediaType ?? (await sniffMediaType(this.blobs.localPath(stored.digest))), filename: basename(path) };
    const id = newItemId();
    const item: Item = {
      id,
      kind: "file",
      original,
      derived: [],
      ...(opts.title ? { title: opts.title } : {}),
      ...(opts.sourceUrl ? { sourceUrl: opts.sourceUrl } : {}),
      sourceIds: opts.sourceIds ?? [],
      flags: [],
      createdAt: new Date().toISOString(),
    };
    const events = [
      custodyEvent({ item: id, type: "acquired", actor: opts.actor, method: "upload of a file", tool: TOOL, hashes: { original: original.digest }, ...(opts.sourceUrl ? { sourceUrl: opts.sourceUrl } : {}), ...(opts.notes ? { notes: opts.notes } : {}) }),
    ];
    if (original.mediaType.startsWith("image/")) {
      const derived = await this.deriveImageCopies(this.blobs.localPath(original.digest));
      item.derived.push(...derived);
      if (derived.length > 0) {
        events.push(custodyEvent({ item: id, type: "derived", actor: opts.actor, method: "public copy without metadata (EXIF, GPS, author) and thumbnail", tool: { name: "sharp", version: sharp.versions.sharp ?? "unknown" }, hashes: { original: original.digest, ...Object.fromEntries(derived.map((d) => [d.role, d.digest])) } }));
      }
    }
    await this.items.save(item);
    return { item, events: await this.record(events) };
  }

  /** Public copy (metadata stripped, orientation applied) and a 320 px thumbnail. */
  private async deriveImageCopies(path: string): Promise<(BlobRef & { role: DerivedRole })[]> {
    try {
      const pub = await sharp(path, { failOn: "error" }).rotate().jpeg({ quality: 90 }).toBuffer();
      const thumb = await sharp(path, { failOn: "error" }).rotate().resize({ width: 320, withoutEnlargement: true }).jpeg({ quality: 80 }).toBuffer();
      const a = await this.blobs.put(pub);
      const b = await this.blobs.put(thumb);
      return [
        { role: "public_copy", digest: a.digest, size: a.size, mediaType: "image/jpeg" },
        { role: "thumbnail", digest: b.digest, size: b.size, mediaType: "image/jpeg" },
      ];
    } catch {
      // Not an image sharp can read: the original is kept, no copies are made.
      return [];
    }
  }

  /** Stores a finished item whose blobs are already in the blob store, with its events. */
  async commitItem(item: Item, events: CustodyEvent[]): Promise<LoggedEvent[]> {
    for (const ref of [item.original, ...item.derived]) if (!(await this.blobs.stat(ref.digest))) throw conflict(`blob ${ref.digest} is not stored`);
    await this.items.save(item);
    return this.record(events);
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

async function sniffMediaType(path: string): Promise<string> {
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

