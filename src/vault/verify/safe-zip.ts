import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";
import { open } from "node:fs/promises";
import yauzl from "yauzl";

/**
 * Reads a zip defensively: bounded entry count and sizes, a bounded
 * compression ratio (zip bombs), no absolute or `..` paths, no duplicate
 * names, and sizes checked against what the central directory declares.
 * Every entry is hashed (SHA-256) while it streams; small entries are kept.
 */

export interface ZipLimits {
  maxEntries: number;
  maxEntryBytes: number;
  maxTotalBytes: number;
  /** Largest uncompressed/compressed ratio allowed for an entry over 1 MiB. */
  maxRatio: number;
  /** Entries up to this size are kept in memory for the caller. */
  keepBytes: number;
}

export const DEFAULT_ZIP_LIMITS: ZipLimits = {
  maxEntries: 100_000,
  maxEntryBytes: 64 * 1024 ** 3,
  maxTotalBytes: 256 * 1024 ** 3,
  maxRatio: 200,
  keepBytes: 64 * 1024 * 1024,
};

export interface ZipEntryInfo {
  name: string;
  size: number;
  sha256: string;
  data?: Buffer;
}

export class ZipRefused extends Error {
  override readonly name = "ZipRefused";
}

function checkName(name: string): void {
  if (name.includes("\\") || name.startsWith("/") || /^[a-zA-Z]:/.test(name)) throw new ZipRefused(`unsafe path in archive: ${JSON.stringify(name)}`);
  if (name.split("/").some((seg) => seg === ".." || seg === ".")) throw new ZipRefused(`path traversal in archive: ${JSON.stringify(name)}`);
  if (/[\u0000-\u001f]/.test(name)) throw new ZipRefused(`control character in archive path ${JSON.stringify(name)}`);
}

function openZip(source: string | Buffer): Promise<yauzl.ZipFile> {
  return new Promise((resolve, reject) => {
    const cb = (err: Error | null, zip?: yauzl.ZipFile): void => (err || !zip ? reject(new ZipRefused(`not a readable zip archive: ${err?.message ?? "unknown error"}`)) : resolve(zip));
    // strictFileNames off: we check names ourselves to name the problem clearly.
    if (typeof source === "string") yauzl.open(source, { lazyEntries: true, autoClose: true, validateEntrySizes: true }, cb);
    else yauzl.fromBuffer(source, { lazyEntries: true, validateEntrySizes: true }, cb);
  });
}

/** Reads every entry of a zip under the limits; throws ZipRefused naming the problem. */
export async function readZip(source: string | Buffer, limits: ZipLimits = DEFAULT_ZIP_LIMITS): Promise<Map<string, ZipEntryInfo>> {
  const zip = await openZip(source);
  if (zip.entryCount > limits.maxEntries) {
    zip.close();
    throw new ZipRefused(`archive has ${zip.entryCount} entries, more than the limit of ${limits.maxEntries}`);
  }
  const out = new Map<string, ZipEntryInfo>();
  let total = 0;
  return new Promise((resolve, reject) => {
    const fail = (err: unknown): void => {
      zip.close();
      const msg = err instanceof Error ? err.message : String(err);
      reject(err instanceof ZipRefused ? err : new ZipRefused(/invalid relative path|absolute path|invalid characters in fileName/.test(msg) ? `path traversal in archive: ${msg}` : msg));
    };
    zip.on("error", fail);
    zip.on("end", () => resolve(out));
    zip.on("entry", (entry: yauzl.Entry) => {
      try {
        const name = entry.fileName;
        checkName(name);
        if (name.endsWith("/")) return zip.readEntry();
        if (out.has(name)) throw new ZipRefused(`duplicate entry in archive: ${name}`);
        if (entry.uncompressedSize > limits.maxEntryBytes) throw new ZipRefused(`entry ${name} declares ${entry.uncompressedSize} bytes, more than the limit of ${limits.maxEntryBytes}`);
        total += entry.uncompressedSize;
        if (total > limits.maxTotalBytes) throw new ZipRefused(`archive expands to more than ${limits.maxTotalBytes} bytes`);
        if (entry.uncompressedSize > 1024 * 1024 && entry.uncompressedSize / Math.max(1, entry.compressedSize) > limits.maxRatio) {
          throw new ZipRefused(`entry ${name} expands ${Math.round(entry.uncompressedSize / Math.max(1, entry.compressedSize))}-fold: refused as a zip bomb`);
        }
      } catch (err) {
        return fail(err);
      }
      // Large stored entries in a file are hashed with big reads straight from
      // the file (yauzl reads in 16 KiB pieces), after checking the local header.
      if (typeof source === "string" && entry.compressionMethod === 0 && entry.uncompressedSize > 8 * 1024 * 1024 && entry.compressedSize === entry.uncompressedSize) {
        hashStored(source, entry).then((sha256) => {
          out.set(entry.fileName, { name: entry.fileName, size: entry.uncompressedSize, sha256 });
          zip.readEntry();
        }, fail);
        return;
      }
      zip.openReadStream(entry, (err, stream) => {
        if (err || !stream) return fail(new ZipRefused(`cannot read entry ${entry.fileName}: ${err?.message ?? "no stream"}`));
        const h = createHash("sha256");
        const keep = entry.uncompressedSize <= limits.keepBytes;
        const parts: Buffer[] = [];
        let size = 0;
        stream.on("data", (c: Buffer) => {
          size += c.length;
          if (size > entry.uncompressedSize) {
            stream.destroy();
            return fail(new ZipRefused(`entry ${entry.fileName} is larger than it declares`));
          }
          h.update(c);
          if (keep) parts.push(c);
        });
        stream.on("error", (e) => fail(new ZipRefused(`entry ${entry.fileName} is damaged: ${e.message}`)));
        stream.on("end", () => {
          const info: ZipEntryInfo = { name: entry.fileName, size, sha256: `sha256:${h.digest("hex")}` };
          if (keep) info.data = Buffer.concat(parts);
          out.set(entry.fileName, info);
          zip.readEntry();
        });
      });
    });
    zip.readEntry();
  });
}

async function hashStored(path: string, entry: yauzl.Entry): Promise<string> {
  const at = entry.relativeOffsetOfLocalHeader;
  const fh = await open(path, "r");
  const header = Buffer.alloc(30 + Buffer.byteLength(entry.fileName));
  try {
    await fh.read(header, 0, header.length, at);
  } finally {
    await fh.close();
  }
  if (header.readUInt32LE(0) !== 0x04034b50) throw new ZipRefused(`entry ${entry.fileName}: local header is damaged`);
  const nameLength = header.readUInt16LE(26);
  if (header.readUInt16LE(8) !== 0 || header.subarray(30, 30 + nameLength).toString("utf8") !== entry.fileName) throw new ZipRefused(`entry ${entry.fileName}: local header does not match the central directory`);
  const start = at + 30 + nameLength + header.readUInt16LE(28);
  const h = createHash("sha256");
  let size = 0;
  for await (const c of createReadStream(path, { start, end: start + entry.compressedSize - 1, highWaterMark: 1 << 20 }) as AsyncIterable<Buffer>) {
    h.update(c);
    size += c.length;
  }
  if (size !== entry.compressedSize) throw new ZipRefused(`entry ${entry.fileName} is cut short`);
  return `sha256:${h.digest("hex")}`;
}
