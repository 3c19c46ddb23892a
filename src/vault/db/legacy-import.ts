import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { decodeEvent } from "../custody.ts";
import { FileItemRepository } from "../file-items.ts";
import { FileLog } from "../tlog/file-log.ts";
import type { Vault } from "../vault.ts";
import { itemToRow } from "./item-repo.ts";

const DONE = "file_log_imported";

/** The log name a data folder's key file was made for, if there is one. */
export async function keyFileOrigin(dataDir: string): Promise<string | undefined> {
  const text = await readFile(join(dataDir, "vault", "keys", "log-ed25519.json"), "utf8").catch(() => undefined);
  if (text === undefined) return undefined;
  const name = (JSON.parse(text) as { name?: unknown }).name;
  return typeof name === "string" ? name : undefined;
}

/**
 * Brings a data folder written by the earlier file-backed vault
 * (`vault/log/entries`, `vault/log/checkpoints/`, `vault/items/*.json`) into
 * the database, once, in one transaction: every entry with its exact bytes at
 * its index (so every checkpoint, receipt and bundle made before still
 * verifies), its custody row, the items, and the signed checkpoints that
 * verify against the imported tree. Source ids the old items named are linked
 * (as new `linked` events) when such a Source record exists; others are
 * reported. The files are left in place.
 */
export async function importFileVault(vault: Vault): Promise<string[]> {
  const root = join(vault.store.dataDir, "vault");
  if (!existsSync(join(root, "log", "entries"))) return [];
  const done = await vault.db.selectFrom("vault_meta").select("value").where("key", "=", DONE).executeTakeFirst();
  if (done) return [];
  if (vault.log.size > 0) return ["a file-backed log sits beside a database log that already has entries: it was not imported"];
  const flog = await FileLog.open(join(root, "log"), vault.origin);
  const entries: Buffer[] = [];
  for await (const e of flog.entries()) entries.push(Buffer.from(e));
  const items = await new FileItemRepository(join(root, "items")).list();
  const report: string[] = [];
  const checkpoints: { size: number; note: string }[] = [];
  for (const cp of await flog.checkpoints()) {
    try {
      flog.verifyCheckpoint(cp.note, vault.keys.logVerifiers);
      checkpoints.push(cp);
    } catch (err) {
      report.push(`file checkpoint ${cp.size} not imported: ${(err as Error).message}`);
    }
  }
  await vault.transact(async (tx) => {
    const indexes = await vault.log.appendInTransaction(tx.vdb, entries);
    const rows = entries.map((bytes, k) => {
      const e = decodeEvent(bytes);
      return { log_index: indexes[k]!, item_id: e.item, type: e.type, at: e.at, actor: e.actor };
    });
    await vault.store.bulkInsert(tx.db, "vault_custody", rows);
    for (const cp of checkpoints) {
      await tx.vdb.insertInto("vault_checkpoints").values({ size: cp.size, note: cp.note, created_at: new Date().toISOString() }).onConflict((oc) => oc.column("size").doNothing()).execute();
    }
    for (const item of items) {
      // Blobs are checked by `vigil vault check`; a missing one is damage to report, not a reason to lose the rest.
      await tx.vdb.insertInto("vault_items").values(itemToRow({ ...item, sourceIds: [] }, "import of the file-backed vault")).execute();
      for (const sourceId of item.sourceIds) {
        const source = await tx.db.selectFrom("records").select("type").where("id", "=", sourceId).executeTakeFirst();
        if (source?.type === "source") await tx.link(item.id, sourceId, "import of the file-backed vault");
        else report.push(`item ${item.id} named Source ${sourceId}, which is not a Source record here: not linked`);
      }
    }
    await tx.vdb.insertInto("vault_meta").values({ key: DONE, value: String(entries.length) }).execute();
  }, { checkpoint: true });
  return [`imported the file-backed vault: ${entries.length} log entries, ${items.length} items, ${checkpoints.length} signed checkpoints`, ...report];
}
