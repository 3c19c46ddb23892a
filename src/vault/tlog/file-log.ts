import { open, mkdir, readFile, readdir, rename, stat, writeFile, rm, type FileHandle } from "node:fs/promises";
import { join } from "node:path";
import { randomBytes } from "node:crypto";
import { VigilError } from "../../core/errors.ts";
import { MerkleTree } from "./tree.ts";
import { MAX_ENTRY_SIZE } from "./tiles.ts";
import { formatCheckpoint, parseCheckpoint } from "./checkpoint.ts";
import { openNote, signNote, type NoteSigner, type NoteVerifier } from "./note.ts";

/**
 * The transparency log on disk: `entries` is append-only, each entry a
 * uint32 big-endian length and its bytes, fsynced before an append is
 * acknowledged. The Merkle tree is rebuilt in memory on open (two hashes
 * per entry). Every signed checkpoint is kept in `checkpoints/<size>`.
 * Writers take `lock` so the CLI and the worker can share one log.
 */
export class FileLog {
  readonly tree = new MerkleTree();
  private offsets: number[] = [];
  private fileSize = 0;

  private constructor(readonly dir: string, readonly origin: string) {}

  /** Opens (or creates) the log in dir. */
  static async open(dir: string, origin: string): Promise<FileLog> {
    await mkdir(join(dir, "checkpoints"), { recursive: true });
    const log = new FileLog(dir, origin);
    await log.withLock(() => log.catchUp(true));
    return log;
  }

  get size(): number {
    return this.tree.size;
  }

  private get entriesPath(): string {
    return join(this.dir, "entries");
  }

  /** Reads entries other writers appended since we last looked; repairs a torn tail when asked. */
  private async catchUp(repair: boolean): Promise<void> {
    const fh = await open(this.entriesPath, "a+");
    try {
      const { size } = await fh.stat();
      if (size === this.fileSize) return;
      const buf = Buffer.alloc(size - this.fileSize);
      await fh.read(buf, 0, buf.length, this.fileSize);
      let off = 0;
      while (off + 4 <= buf.length) {
        const n = buf.readUInt32BE(off);
        if (off + 4 + n > buf.length) break;
        this.offsets.push(this.fileSize + off + 4);
        this.tree.append(buf.subarray(off + 4, off + 4 + n));
        off += 4 + n;
      }
      if (off !== buf.length) {
        // A torn tail is an append that crashed before it was acknowledged.
        if (!repair) throw new VigilError("internal", "the log has a partial entry at its end");
        await fh.truncate(this.fileSize + off);
        await fh.sync();
      }
      this.fileSize += off;
    } finally {
      await fh.close();
    }
  }

  private async withLock<T>(fn: () => Promise<T>): Promise<T> {
    const lockPath = join(this.dir, "lock");
    const deadline = Date.now() + 10_000;
    let lock: FileHandle | undefined;
    while (!lock) {
      try {
        lock = await open(lockPath, "wx");
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
        const s = await stat(lockPath).catch(() => undefined);
        // A lock older than a minute belongs to a process that died.
        if (s && Date.now() - s.mtimeMs > 60_000) await rm(lockPath, { force: true });
        else if (Date.now() > deadline) throw new VigilError("conflict", "the log is locked by another writer");
        else await new Promise((r) => setTimeout(r, 20));
      }
    }
    try {
      return await fn();
    } finally {
      await lock.close();
      await rm(lockPath, { force: true });
    }
  }

  /** Appends entries durably; returns their indexes. */
  async append(entries: readonly Uint8Array[]): Promise<number[]> {
    for (const e of entries) if (e.length > MAX_ENTRY_SIZE) throw new VigilError("too_large", `log entry of ${e.length} bytes exceeds ${MAX_ENTRY_SIZE}`);
    return this.withLock(async () => {
      await this.catchUp(true);
      const parts: Buffer[] = [];
      for (const e of entries) {
        const len = Buffer.alloc(4);
        len.writeUInt32BE(e.length);
        parts.push(len, Buffer.from(e));
      }
      const fh = await open(this.entriesPath, "a");
      try {
        await fh.write(Buffer.concat(parts));
        await fh.sync();
      } finally {
        await fh.close();
      }
      const out: number[] = [];
      let off = this.fileSize;
      for (const e of entries) {
        this.offsets.push(off + 4);
        out.push(this.tree.append(e));
        off += 4 + e.length;
      }
      this.fileSize = off;
      return out;
    });
  }

  /** The entry bytes at index. */
  async entry(index: number): Promise<Buffer> {
    const offset = this.offsets[index];
    if (offset === undefined) throw new VigilError("not_found", `log entry ${index} not found`);
    const fh = await open(this.entriesPath, "r");
    try {
      const len = Buffer.alloc(4);
      await fh.read(len, 0, 4, offset - 4);
      const buf = Buffer.alloc(len.readUInt32BE(0));
      await fh.read(buf, 0, buf.length, offset);
      return buf;
    } finally {
      await fh.close();
    }
  }

  /** Every entry in order (streams the file). */
  async *entries(from = 0, to: number = this.size): AsyncIterable<Buffer> {
    const data = await readFile(this.entriesPath);
    for (let i = from; i < to; i++) {
      const off = this.offsets[i]!;
      yield data.subarray(off, off + data.readUInt32BE(off - 4));
    }
  }

  /** Signs and stores a checkpoint of the current tree; returns the signed note. */
  async checkpoint(signer: NoteSigner): Promise<string> {
    return this.withLock(async () => {
      await this.catchUp(true);
      const text = formatCheckpoint({ origin: this.origin, size: this.size, rootHash: this.tree.root(), extensions: [] });
      const note = signNote(text, [signer]);
      const path = join(this.dir, "checkpoints", String(this.size));
      const tmp = `${path}.${randomBytes(6).toString("hex")}.tmp`;
      await writeFile(tmp, note);
      await rename(tmp, path);
      const latestTmp = join(this.dir, `checkpoint.${randomBytes(6).toString("hex")}.tmp`);
      await writeFile(latestTmp, note);
      await rename(latestTmp, join(this.dir, "checkpoint"));
      return note;
    });
  }

  /** The latest signed checkpoint, if any. */
  async latestCheckpoint(): Promise<string | undefined> {
    return readFile(join(this.dir, "checkpoint"), "utf8").catch(() => undefined);
  }

  /** Every stored checkpoint, oldest first. */
  async checkpoints(): Promise<{ size: number; note: string }[]> {
    const names = (await readdir(join(this.dir, "checkpoints"))).filter((n) => /^\d+$/.test(n)).map(Number).sort((a, b) => a - b);
    return Promise.all(names.map(async (size) => ({ size, note: await readFile(join(this.dir, "checkpoints", String(size)), "utf8") })));
  }

  /** Verifies a checkpoint against our keys and checks it is consistent with our tree. */
  verifyCheckpoint(note: string, verifiers: NoteVerifier[]): { size: number } {
    const { text } = openNote(note, verifiers);
    const cp = parseCheckpoint(text);
    if (cp.origin !== this.origin) throw new VigilError("integrity", `checkpoint is for ${cp.origin}, not ${this.origin}`);
    if (cp.size > this.size) throw new VigilError("integrity", `checkpoint of size ${cp.size} is ahead of the log (${this.size}): entries were lost`);
    if (!this.tree.root(cp.size).equals(cp.rootHash)) throw new VigilError("integrity", `log differs from the checkpoint at size ${cp.size}: it was rewritten`);
    return { size: cp.size };
  }
}
