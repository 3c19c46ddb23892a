import { createHash, randomBytes } from "node:crypto";
import { createReadStream } from "node:fs";
import { mkdir, open, readdir, rename, rm, stat } from "node:fs/promises";
import { join } from "node:path";
import type { Readable } from "node:stream";
import { VigilError, notFound } from "../../core/errors.ts";
import type { BlobInfo, BlobStore, PutOptions } from "./blob-store.ts";
import { isDigest } from "./blob-store.ts";
import { CHUNK, hashFile } from "./hashing.ts";

/** Default ceiling for one blob: 8 GiB. */
export const DEFAULT_MAX_BLOB_BYTES = 8 * 1024 ** 3;

/**
 * Blobs in a local folder: `<root>/sha256/<2 hex>/<62 hex>`. Writes go to a
 * temp file in `<root>/incoming` (same file system), are hashed on the way,
 * fsynced, then renamed into place, so a crash never leaves a half blob
 * under a real address.
 */
export class LocalBlobStore implements BlobStore {
  constructor(readonly root: string, private readonly defaults: { maxBytes?: number } = {}) {}

  private pathOf(digest: string): string {
    if (!isDigest(digest)) throw new VigilError("validation", `not a blob address: ${JSON.stringify(digest)}`);
    const hex = digest.slice(7);
    return join(this.root, "sha256", hex.slice(0, 2), hex.slice(2));
  }

  async put(source: Readable | AsyncIterable<Uint8Array> | Uint8Array, opts: PutOptions = {}): Promise<BlobInfo & { created: boolean }> {
    const maxBytes = opts.maxBytes ?? this.defaults.maxBytes ?? DEFAULT_MAX_BLOB_BYTES;
    const incoming = join(this.root, "incoming");
    await mkdir(incoming, { recursive: true });
    const tmp = join(incoming, `${Date.now()}-${randomBytes(8).toString("hex")}.part`);
    const fh = await open(tmp, "wx", 0o600);
    const h = createHash("sha256");
    let size = 0;
    let done = false;
    try {
      const chunks: AsyncIterable<Uint8Array> | Uint8Array[] = source instanceof Uint8Array ? [source] : source;
      for await (const chunk of chunks) {
        size += chunk.length;
        if (size > maxBytes) throw new VigilError("too_large", `content exceeds the limit of ${maxBytes} bytes`);
        h.update(chunk);
        await fh.write(chunk);
      }
      await fh.sync();
      await fh.close();
      const digest = `sha256:${h.digest("hex")}`;
      if (opts.expectedDigest !== undefined && opts.expectedDigest !== digest) {
        throw new VigilError("integrity", `content hashes to ${digest}, expected ${opts.expectedDigest}`);
      }
      const dest = this.pathOf(digest);
      const existing = await stat(dest).catch(() => undefined);
      if (existing) {
        await rm(tmp, { force: true });
        done = true;
        return { digest, size, created: false };
      }
      await mkdir(join(dest, ".."), { recursive: true });
      await rename(tmp, dest);
      await fsyncDir(join(dest, ".."));
      done = true;
      return { digest, size, created: true };
    } catch (err) {
      throw translateFsError(err);
    } finally {
      if (!done) {
        await fh.close().catch(() => undefined);
        await rm(tmp, { force: true });
      }
    }
  }

  async get(digest: string): Promise<Readable> {
    const p = this.pathOf(digest);
    if (!(await stat(p).catch(() => undefined))) throw notFound("blob", digest);
    return createReadStream(p, { highWaterMark: CHUNK });
  }

  async stat(digest: string): Promise<BlobInfo | undefined> {
    const s = await stat(this.pathOf(digest)).catch(() => undefined);
    return s ? { digest, size: s.size } : undefined;
  }

  async *list(): AsyncIterable<string> {
    const base = join(this.root, "sha256");
    const shards = await readdir(base).catch(() => [] as string[]);
    for (const shard of shards.sort()) {
      if (!/^[0-9a-f]{2}$/.test(shard)) continue;
      for (const rest of (await readdir(join(base, shard))).sort()) {
        if (/^[0-9a-f]{62}$/.test(rest)) yield `sha256:${shard}${rest}`;
      }
    }
  }

  async check(digest: string): Promise<boolean> {
    const p = this.pathOf(digest);
    if (!(await stat(p).catch(() => undefined))) throw notFound("blob", digest);
    return (await hashFile(p)).digest === digest;
  }

  /** Local path of a blob, for tools that need a file (sharp, zip writers). */
  localPath(digest: string): string {
    return this.pathOf(digest);
  }
}

async function fsyncDir(dir: string): Promise<void> {
  const d = await open(dir, "r");
  try {
    await d.sync();
  } catch {
    // Some file systems refuse fsync on directories; the rename is still atomic.
  } finally {
    await d.close();
  }
}

function translateFsError(err: unknown): unknown {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  if (code === "ENOSPC" || code === "EDQUOT") return new VigilError("storage_full", "no space left for the blob; nothing was stored", { cause: err });
  return err;
}
