import { readdir, rm, stat } from "node:fs/promises";
import { join } from "node:path";
import { sql } from "kysely";
import { VigilError } from "../../core/errors.ts";
import { decodeEvent } from "../custody.ts";
import { hashLeaf } from "../tlog/merkle.ts";
import { openNote } from "../tlog/note.ts";
import { parseCheckpoint } from "../tlog/checkpoint.ts";
import type { Vault } from "../vault.ts";
import { vaultDb } from "./tables.ts";

export interface OpenReport {
  /** What was found and put right, one line each. */
  repaired: string[];
}

/**
 * Checks and repairs what an interrupted writer can leave behind, when a
 * vault is opened:
 * - the log must match its latest signed checkpoint (same root at that
 *   size, at least that many entries); otherwise it was rewritten or
 *   truncated and the vault refuses to open: evidence of tampering is
 *   never "repaired";
 * - every log leaf has its custody row (the row is derived from the leaf,
 *   which is authoritative, so a missing one is rebuilt from it);
 * - entries beyond the latest checkpoint get a signed checkpoint.
 * Items, leaves, custody rows and checkpoints are written in one
 * transaction, so the last two only arise from damage or an older writer.
 */
export async function repairOnOpen(vault: Vault): Promise<OpenReport> {
  const repaired: string[] = [];
  const latest = await vault.log.latestCheckpoint();
  if (latest) {
    try {
      vault.log.verifyCheckpoint(latest, vault.keys.logVerifiers);
    } catch (err) {
      throw new VigilError("integrity", `the vault's log does not match its latest signed checkpoint: ${(err as Error).message}. Nothing will be written; inspect it with \`vigil vault check\``, { cause: err });
    }
  }
  const db = vaultDb(vault.store.db);
  const custodyRows = Number((await db.selectFrom("vault_custody").select(sql<number>`count(*)`.as("n")).executeTakeFirstOrThrow()).n);
  if (custodyRows !== vault.log.size) {
    const missing = await db
      .selectFrom("vault_log")
      .leftJoin("vault_custody", "vault_custody.log_index", "vault_log.idx")
      .select(["vault_log.idx", "vault_log.entry"])
      .where("vault_custody.log_index", "is", null)
      .orderBy("vault_log.idx")
      .execute();
    if (missing.length > 0) {
      await vault.store.transaction(async (trx) => {
        for (const m of missing) {
          const e = decodeEvent(m.entry);
          await vaultDb(trx).insertInto("vault_custody").values({ log_index: Number(m.idx), item_id: e.item, type: e.type, at: e.at, actor: e.actor }).onConflict((oc) => oc.column("log_index").doNothing()).execute();
        }
      });
      repaired.push(`rebuilt ${missing.length} custody row(s) from their log entries (first at index ${Number(missing[0]!.idx)})`);
    }
  }
  // Temp files of blob writes that never finished (a killed process); a day
  // old, so a slow upload still running elsewhere is never touched.
  const incoming = join(vault.blobs.root, "incoming");
  let stale = 0;
  for (const name of await readdir(incoming).catch(() => [] as string[])) {
    const s = await stat(join(incoming, name)).catch(() => undefined);
    if (s && Date.now() - s.mtimeMs > 24 * 3600_000) {
      await rm(join(incoming, name), { force: true });
      stale++;
    }
  }
  if (stale > 0) repaired.push(`removed ${stale} unfinished blob write(s) older than a day`);
  const signedSize = await vault.log.latestCheckpointSize();
  if (vault.log.size > signedSize) {
    await vault.checkpoint();
    repaired.push(`signed a checkpoint for entries ${signedSize}..${vault.log.size - 1}, which had none`);
  }
  return { repaired };
}

export interface CheckReport {
  ok: boolean;
  problems: string[];
  checked: string[];
}

/**
 * A full integrity check (`vigil vault check`): every entry hashes to its
 * leaf, every signed checkpoint verifies and matches the tree, custody rows
 * agree with the entries, every item has custody and all its blobs, and
 * (deep) every blob still hashes to its address.
 */
export async function checkVault(vault: Vault, opts: { deep?: boolean } = {}): Promise<CheckReport> {
  const problems: string[] = [];
  const checked: string[] = [];
  await vault.log.catchUp();
  const db = vault.db;
  const size = vault.log.size;
  let index = 0;
  const itemsWithEvents = new Set<string>();
  for await (const entry of vault.log.entries(0, size)) {
    if (!hashLeaf(entry).equals(vault.log.tree.leafHash(index))) problems.push(`log entry ${index}: its bytes do not hash to the stored leaf`);
    try {
      itemsWithEvents.add(decodeEvent(entry).item);
    } catch (err) {
      problems.push(`log entry ${index}: ${(err as Error).message}`);
    }
    index++;
  }
  checked.push(`${size} log entries hash to their leaves`);
  const cps = await vault.log.checkpoints();
  for (const cp of cps) {
    try {
      const { text } = openNote(cp.note, vault.keys.logVerifiers);
      const parsed = parseCheckpoint(text);
      if (parsed.size !== cp.size) problems.push(`checkpoint ${cp.size}: it names size ${parsed.size}`);
      else vault.log.verifyCheckpoint(cp.note, vault.keys.logVerifiers);
    } catch (err) {
      problems.push(`checkpoint ${cp.size}: ${(err as Error).message}`);
    }
  }
  checked.push(`${cps.length} signed checkpoints verify and are consistent with the log`);
  let custodyRows = 0;
  for (let from = 0; ; from += 10_000) {
    const page = await db
      .selectFrom("vault_custody")
      .innerJoin("vault_log", "vault_log.idx", "vault_custody.log_index")
      .select(["vault_custody.log_index", "vault_custody.item_id", "vault_custody.type", "vault_custody.at", "vault_custody.actor", "vault_log.entry"])
      .where("vault_custody.log_index", ">=", from)
      .where("vault_custody.log_index", "<", from + 10_000)
      .execute();
    custodyRows += page.length;
    for (const c of page) {
      try {
        const e = decodeEvent(c.entry);
        if (e.item !== c.item_id || e.type !== c.type || e.at !== c.at || e.actor !== c.actor) problems.push(`custody row ${Number(c.log_index)} differs from its log entry`);
      } catch {
        // reported with the entries above
      }
    }
    if (from + 10_000 >= size) break;
  }
  if (custodyRows !== size) problems.push(`${custodyRows} custody rows for ${size} log entries`);
  checked.push(`${custodyRows} custody rows agree with their log entries`);
  const items = await vault.items.list();
  let blobs = 0;
  for (const item of items) {
    if (!itemsWithEvents.has(item.id)) problems.push(`item ${item.id}: no custody record in the log`);
    for (const ref of [item.original, ...item.derived]) {
      blobs++;
      const s = await vault.blobs.stat(ref.digest);
      if (!s) problems.push(`item ${item.id}: blob ${ref.digest} is missing`);
      else if (s.size !== ref.size) problems.push(`item ${item.id}: blob ${ref.digest} has ${s.size} bytes, the item says ${ref.size}`);
      else if (opts.deep && !(await vault.blobs.check(ref.digest))) problems.push(`item ${item.id}: blob ${ref.digest} no longer hashes to its address`);
    }
  }
  for (const id of itemsWithEvents) if (!(await vault.items.exists(id))) problems.push(`custody records for item ${id}, which is not in the items table`);
  checked.push(`${items.length} items and ${blobs} blobs present${opts.deep ? " and re-hashed" : ""}`);
  return { ok: problems.length === 0, problems, checked };
}
