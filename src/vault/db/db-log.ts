import { sql } from "kysely";
import { VigilError } from "../../core/errors.ts";
import type { Store } from "../../store/index.ts";
import { MerkleTree } from "../tlog/tree.ts";
import { hashLeaf } from "../tlog/merkle.ts";
import { MAX_ENTRY_SIZE } from "../tlog/tiles.ts";
import { formatCheckpoint, parseCheckpoint } from "../tlog/checkpoint.ts";
import { openNote, signNote, type NoteSigner, type NoteVerifier } from "../tlog/note.ts";
import { vaultDb, type VaultDb } from "./tables.ts";

const PAGE = 50_000;

/** One async task at a time: the in-memory tree is shared by everything in the process. */
export class Mutex {
  private tail: Promise<unknown> = Promise.resolve();

  run<T>(fn: () => Promise<T>): Promise<T> {
    const next = this.tail.then(fn, fn);
    this.tail = next.catch(() => undefined);
    return next;
  }
}

/**
 * The transparency log in the database: `vault_log` holds every entry and
 * its leaf hash, `vault_checkpoints` every signed checkpoint. The Merkle tree
 * is rebuilt in memory from the leaf hashes on open and caught up with rows
 * other processes committed before every use.
 *
 * Appends happen inside a database transaction (see `Vault.transact`): the
 * leaves are added to the in-memory tree at once, so the checkpoint can be
 * signed in the same transaction, and cut off again if it rolls back.
 */
export class DbLog {
  readonly tree = new MerkleTree();
  /** Leaves known to be committed; the tree may hold more during a transaction. */
  private committed = 0;
  private readonly mutex = new Mutex();

  private constructor(private readonly store: Store, readonly origin: string) {}

  /** Loads the log's leaf hashes. */
  static async open(store: Store, origin: string): Promise<DbLog> {
    const log = new DbLog(store, origin);
    await log.catchUp();
    return log;
  }

  /** Committed entries, as far as this process has read. */
  get size(): number {
    return this.committed;
  }

  private get db(): VaultDb {
    return vaultDb(this.store.db);
  }

  /** Runs fn while no other task of this process touches the tree. */
  exclusive<T>(fn: () => Promise<T>): Promise<T> {
    return this.mutex.run(fn);
  }

  /** Reads the leaves other processes committed since we last looked. */
  async catchUp(): Promise<void> {
    await this.mutex.run(() => this.readNew(this.db));
  }

  /** Caller holds the mutex and no transaction of ours is appending. */
  async catchUpLocked(db: VaultDb = this.db, upTo?: number): Promise<void> {
    await this.readNew(db, upTo);
  }

  private async readNew(db: VaultDb, upTo?: number): Promise<void> {
    if (this.tree.size !== this.committed) throw new VigilError("internal", "the log is being appended to");
    for (;;) {
      const from = this.tree.size;
      if (upTo !== undefined && from >= upTo) return;
      let q = db.selectFrom("vault_log").select(["idx", "leaf_hash"]).where("idx", ">=", from).orderBy("idx").limit(PAGE);
      if (upTo !== undefined) q = q.where("idx", "<", upTo);
      const rows = await q.execute();
      for (const r of rows) {
        if (Number(r.idx) !== this.tree.size) throw new VigilError("integrity", `the log has no entry at index ${this.tree.size}`);
        this.tree.appendHash(r.leaf_hash);
      }
      this.committed = this.tree.size;
      if (rows.length < PAGE) return;
    }
  }

  /**
   * Appends entries inside the caller's transaction, after every committed
   * entry (the head row's lock makes other appenders wait until we commit).
   * The caller holds the mutex.
   */
  async appendInTransaction(trx: VaultDb, entries: readonly Uint8Array[]): Promise<number[]> {
    if (entries.length === 0) return [];
    for (const e of entries) if (e.length > MAX_ENTRY_SIZE) throw new VigilError("too_large", `log entry of ${e.length} bytes exceeds ${MAX_ENTRY_SIZE}`);
    const head = await trx
      .updateTable("vault_log_head")
      .set({ size: sql<number>`size + ${entries.length}` })
      .where("id", "=", 1)
      .returning("size")
      .executeTakeFirstOrThrow();
    const start = Number(head.size) - entries.length;
    // Entries committed by other processes before we took the lock.
    if (this.tree.size === this.committed && this.tree.size < start) await this.readNew(trx, start);
    if (this.tree.size !== start) throw new VigilError("integrity", `the log head says ${start} entries but ${this.tree.size} are known`);
    const rows = entries.map((e, k) => ({ idx: start + k, entry: Buffer.from(e), leaf_hash: hashLeaf(e) }));
    await this.store.bulkInsert(trx, "vault_log", rows);
    return rows.map((r) => this.tree.appendHash(r.leaf_hash));
  }

  /** Signs a checkpoint of the tree as it stands in the caller's transaction and stores it. */
  async checkpointInTransaction(trx: VaultDb, signer: NoteSigner, now: Date = new Date()): Promise<string> {
    const size = this.tree.size;
    const note = signNote(formatCheckpoint({ origin: this.origin, size, rootHash: this.tree.root(size), extensions: [] }), [signer]);
    await trx.insertInto("vault_checkpoints").values({ size, note, created_at: now.toISOString() }).onConflict((oc) => oc.column("size").doNothing()).execute();
    const stored = await trx.selectFrom("vault_checkpoints").select("note").where("size", "=", size).executeTakeFirstOrThrow();
    return stored.note;
  }

  /** The transaction committed: its leaves are now part of the log. */
  commitPending(): void {
    this.committed = this.tree.size;
  }

  /** The transaction rolled back: forget its leaves. */
  rollbackPending(): void {
    if (this.tree.size > this.committed) this.tree.truncate(this.committed);
  }

  /** The latest signed checkpoint, if any. */
  async latestCheckpoint(): Promise<string | undefined> {
    const row = await this.db.selectFrom("vault_checkpoints").select("note").orderBy("size", "desc").limit(1).executeTakeFirst();
    return row?.note;
  }

  /** Size of the latest signed checkpoint (0 when there is none). */
  async latestCheckpointSize(): Promise<number> {
    const row = await this.db.selectFrom("vault_checkpoints").select("size").orderBy("size", "desc").limit(1).executeTakeFirst();
    return row ? Number(row.size) : 0;
  }

  /** The checkpoint signed at exactly this size, if any. */
  async checkpointAt(size: number): Promise<string | undefined> {
    return (await this.db.selectFrom("vault_checkpoints").select("note").where("size", "=", size).executeTakeFirst())?.note;
  }

  /** Sizes of every signed checkpoint, ascending. */
  async checkpointSizes(): Promise<number[]> {
    return (await this.db.selectFrom("vault_checkpoints").select("size").orderBy("size").execute()).map((r) => Number(r.size));
  }

  /** Every stored checkpoint, oldest first. */
  async checkpoints(): Promise<{ size: number; note: string }[]> {
    return (await this.db.selectFrom("vault_checkpoints").select(["size", "note"]).orderBy("size").execute()).map((r) => ({ size: Number(r.size), note: r.note }));
  }

  /** Whether some signed checkpoint has a size in [lo, hi). */
  async hasCheckpointBetween(lo: number, hi: number): Promise<boolean> {
    return (await this.db.selectFrom("vault_checkpoints").select("size").where("size", ">=", lo).where("size", "<", hi).limit(1).executeTakeFirst()) !== undefined;
  }

  /** The entry bytes at index. */
  async entry(index: number): Promise<Buffer> {
    const row = await this.db.selectFrom("vault_log").select("entry").where("idx", "=", index).executeTakeFirst();
    if (!row) throw new VigilError("not_found", `log entry ${index} not found`);
    return Buffer.from(row.entry);
  }

  /** Entries in [from, to), in order, read a page at a time. */
  async *entries(from = 0, to: number = this.size, db: VaultDb = this.db): AsyncIterable<Buffer> {
    let next = from;
    while (next < to) {
      const rows = await db.selectFrom("vault_log").select(["idx", "entry"]).where("idx", ">=", next).where("idx", "<", Math.min(to, next + PAGE / 10)).orderBy("idx").execute();
      if (rows.length === 0) throw new VigilError("integrity", `log entry ${next} is missing`);
      for (const r of rows) {
        if (Number(r.idx) !== next) throw new VigilError("integrity", `log entry ${next} is missing`);
        next++;
        yield Buffer.from(r.entry);
      }
    }
  }

  /** Verifies a checkpoint against our keys and checks it is consistent with our tree. */
  verifyCheckpoint(note: string, verifiers: NoteVerifier[]): { size: number } {
    const { text } = openNote(note, verifiers);
    const cp = parseCheckpoint(text);
    if (cp.origin !== this.origin) throw new VigilError("integrity", `checkpoint is for ${cp.origin}, not ${this.origin}`);
    if (cp.size > this.tree.size) throw new VigilError("integrity", `checkpoint of size ${cp.size} is ahead of the log (${this.tree.size}): entries were lost`);
    if (!this.tree.root(cp.size).equals(cp.rootHash)) throw new VigilError("integrity", `log differs from the checkpoint at size ${cp.size}: it was rewritten`);
    return { size: cp.size };
  }
}
