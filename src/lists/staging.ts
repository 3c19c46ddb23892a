import { createHash, randomBytes } from "node:crypto";
import { createWriteStream } from "node:fs";
import { mkdir, readdir, readFile, rm, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { Transform } from "node:stream";
import { VigilError } from "../core/errors.ts";

/**
 * Uploaded list files waiting for their mapping: kept in a private folder
 * under the data directory, each under a random id (never under the name the
 * browser sent, which is only shown), readable only by whoever uploaded it,
 * and deleted once imported, discarded, or older than `STAGING_TTL_MS`.
 */

/** How long an uploaded list waits for its mapping before it is deleted. */
export const STAGING_TTL_MS = 24 * 60 * 60 * 1000;
/** The largest list file taken through the workspace (the configured upload limit may be smaller). */
export const LIST_UPLOAD_MAX = 32 * 1024 * 1024;

const ID = /^upl_[0-9a-f]{32}$/;

export interface StagedMeta {
  id: string;
  /** The file name as sent, made safe to show; never used as a path. */
  name: string;
  size: number;
  sha256: string;
  /** The actor who uploaded it. */
  by: string;
  /** Milliseconds since the epoch. */
  at: number;
}

export const stagingDir = (dataDir: string): string => join(dataDir, "staging", "lists");

async function ensureDir(dataDir: string): Promise<string> {
  const dir = stagingDir(dataDir);
  await mkdir(dir, { recursive: true, mode: 0o700 });
  return dir;
}

/**
 * A file name from a browser made safe to show and store as text: the last
 * path segment only, without control and bidirectional-override characters,
 * at most 120 characters; "upload" when nothing is left.
 */
export function sanitiseFileName(name: string | undefined): string {
  const last = (name ?? "").split(/[\\/]/).pop() ?? "";
  const clean = last
    .normalize("NFC")
    // Control characters, bidi embeddings/overrides/isolates, zero-width and BOM characters.
    .replace(/[\u0000-\u001f\u007f-\u009f\u061c\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]/g, "")
    .replace(/\s+/g, " ")
    .trim()
    .replace(/^\.+/, "");
  return [...clean].slice(0, 120).join("") || "upload";
}

/**
 * Streams an upload into the staging folder. Refuses (keeping nothing) a file
 * over `maxBytes` (`truncated()` tells when the multipart parser cut it) or an
 * empty one.
 */
export async function stageUpload(dataDir: string, stream: Readable, input: { name: string | undefined; by: string; maxBytes: number; truncated?: () => boolean }): Promise<StagedMeta> {
  const dir = await ensureDir(dataDir);
  const id = `upl_${randomBytes(16).toString("hex")}`;
  const path = join(dir, `${id}.bin`);
  const hash = createHash("sha256");
  let size = 0;
  const count = new Transform({
    transform(chunk: Buffer, _enc, done) {
      size += chunk.length;
      if (size > input.maxBytes) return done(new VigilError("too_large", `the file is larger than the limit of ${formatBytes(input.maxBytes)}; nothing was kept`, { where: { field: "file" } }));
      hash.update(chunk);
      done(null, chunk);
    },
  });
  try {
    await pipeline(stream, count, createWriteStream(path, { mode: 0o600, flags: "wx" }));
    if (input.truncated?.()) throw new VigilError("too_large", `the file is larger than the limit of ${formatBytes(input.maxBytes)}; nothing was kept`, { where: { field: "file" } });
    if (size === 0) throw new VigilError("validation", "the file is empty", { where: { field: "file" } });
  } catch (err) {
    // Whatever remains of the file part is read and dropped, so the refusal can be answered as a page.
    stream.resume();
    await rm(path, { force: true });
    throw err;
  }
  const meta: StagedMeta = { id, name: sanitiseFileName(input.name), size, sha256: hash.digest("hex"), by: input.by, at: Date.now() };
  await writeFile(join(dir, `${id}.json`), JSON.stringify(meta), { mode: 0o600, flag: "wx" });
  return meta;
}

/** A staged upload and its bytes, for the actor who uploaded it; not found for anyone else or once expired. */
export async function readStaged(dataDir: string, id: string, by: string, now = Date.now()): Promise<{ meta: StagedMeta; bytes: Buffer }> {
  const missing = new VigilError("not_found", "this upload is no longer here (it was imported, discarded or expired): upload the file again");
  if (!ID.test(id)) throw missing;
  const dir = stagingDir(dataDir);
  let meta: StagedMeta;
  try {
    meta = JSON.parse(await readFile(join(dir, `${id}.json`), "utf8")) as StagedMeta;
  } catch {
    throw missing;
  }
  if (meta.by !== by || meta.id !== id) throw missing;
  if (now - meta.at > STAGING_TTL_MS) {
    await discardStaged(dataDir, id);
    throw missing;
  }
  try {
    return { meta, bytes: await readFile(join(dir, `${id}.bin`)) };
  } catch {
    throw missing;
  }
}

/** Deletes a staged upload (nothing happens if it is already gone). */
export async function discardStaged(dataDir: string, id: string): Promise<void> {
  if (!ID.test(id)) return;
  const dir = stagingDir(dataDir);
  await rm(join(dir, `${id}.bin`), { force: true });
  await rm(join(dir, `${id}.json`), { force: true });
}

/** Deletes every staged upload older than the expiry, and any file left without its description. Returns how many went. */
export async function sweepStaged(dataDir: string, now = Date.now()): Promise<number> {
  const dir = stagingDir(dataDir);
  let names: string[];
  try {
    names = await readdir(dir);
  } catch {
    return 0;
  }
  let removed = 0;
  const ids = new Set(names.map((n) => n.replace(/\.(bin|json)$/, "")).filter((n) => ID.test(n)));
  for (const id of ids) {
    let at: number;
    try {
      at = (JSON.parse(await readFile(join(dir, `${id}.json`), "utf8")) as StagedMeta).at;
    } catch {
      // No description yet (an upload still arriving) or a leftover: its age is the file's.
      at = await stat(join(dir, `${id}.bin`)).then(
        (s) => s.mtimeMs,
        () => 0,
      );
    }
    if (now - at > STAGING_TTL_MS) {
      await discardStaged(dataDir, id);
      removed++;
    }
  }
  return removed;
}

export function formatBytes(n: number): string {
  if (n >= 1024 * 1024) return `${Math.round((n / (1024 * 1024)) * 10) / 10} MB`;
  if (n >= 1024) return `${Math.round(n / 1024)} KB`;
  return `${n} bytes`;
}

/**
 * Refuses an XLSX (zip) whose entries declare more than `maxTotal` bytes
 * uncompressed, or that uses zip64, before the workbook is unpacked in memory.
 * The declared sizes are what a zip bomb would have to lie about; the
 * compressed size limit bounds the rest.
 */
export function checkZipSize(bytes: Uint8Array, maxTotal = 256 * 1024 * 1024): void {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let eocd = -1;
  for (let i = bytes.length - 22; i >= Math.max(0, bytes.length - 22 - 65535); i--) {
    if (view.getUint32(i, true) === 0x06054b50) {
      eocd = i;
      break;
    }
  }
  const bad = (why: string) => new VigilError("import_failed", `not a readable XLSX workbook (${why})`, { where: { field: "file" } });
  if (eocd < 0) throw bad("no zip directory");
  const entries = view.getUint16(eocd + 10, true);
  let offset = view.getUint32(eocd + 16, true);
  if (entries === 0xffff || offset === 0xffffffff) throw bad("zip64 is not read");
  let total = 0;
  for (let n = 0; n < entries; n++) {
    if (offset + 46 > bytes.length || view.getUint32(offset, true) !== 0x02014b50) throw bad("a damaged zip directory");
    const size = view.getUint32(offset + 24, true);
    if (size === 0xffffffff) throw bad("zip64 is not read");
    total += size;
    if (total > maxTotal) throw new VigilError("too_large", `the workbook unpacks to more than ${formatBytes(maxTotal)}; save the sheet as CSV`, { where: { field: "file" } });
    offset += 46 + view.getUint16(offset + 28, true) + view.getUint16(offset + 30, true) + view.getUint16(offset + 32, true);
  }
}
