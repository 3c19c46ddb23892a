// A data folder written by the earlier file-backed vault is brought into the
// database once, with every entry at its index, so what was signed before
// still verifies.
import { test } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { makeCtx, SYSTEM } from "../../src/core/context.ts";
import { seedVocabularies } from "../../src/records/index.ts";
import { openStore } from "../../src/store/index.ts";
import { FileItemRepository, FileLog, LocalBlobStore, TOOL, Vault, checkVault, custodyEvent, encodeEvent, exportBundle, loadKeys, newItemId, verifyBundle, type Item } from "../../src/vault/index.ts";
import { tempDir } from "./helpers.ts";
import { makeSource } from "./vault-fixture.ts";

test("a file-backed vault is imported once: entries at their indexes, items, checkpoints, Source links", async () => {
  const t = tempDir();
  const dataDir = join(t.dir, "data");
  const origin = "legacy.example/vault";
  // What the file-backed vault left in a data folder.
  const keys = await loadKeys(dataDir, origin);
  const blobs = new LocalBlobStore(join(dataDir, "vault", "blobs"));
  const flog = await FileLog.open(join(dataDir, "vault", "log"), origin);
  const files = new FileItemRepository(join(dataDir, "vault", "items"));
  const items: Item[] = [];
  for (const [i, sourceIds] of [["src_legacy"], ["src_unknown"]].entries()) {
    const b = await blobs.put(Buffer.from(`synthetic legacy evidence ${i}\n`));
    const item: Item = { id: newItemId(), kind: "file", original: { digest: b.digest, size: b.size, mediaType: "text/plain" }, derived: [], sourceIds, flags: [], createdAt: new Date().toISOString() };
    await files.save(item);
    await flog.append([encodeEvent(custodyEvent({ item: item.id, type: "acquired", actor: "investigator-1", method: "upload of a file", tool: TOOL, hashes: { original: b.digest } }))]);
    await flog.checkpoint(keys.logSigner);
    items.push(item);
  }
  const oldCheckpoint = (await flog.latestCheckpoint())!;
  const oldEntry = await flog.entry(1);

  const store = await openStore({ dataDir });
  try {
    await seedVocabularies(store.db);
    await makeSource(makeCtx(store, SYSTEM), "Synthetic legacy source", "src_legacy");
    const vault = await Vault.open({ store });
    assert.equal(vault.origin, origin, "the log keeps the name its key was made for");
    assert.match(vault.openReport.repaired[0]!, /imported the file-backed vault: 2 log entries, 2 items, 2 signed checkpoints/);
    assert.match(vault.openReport.repaired.join("\n"), /named Source src_unknown, which is not a Source record here: not linked/);
    assert.deepEqual(await vault.log.entry(1), oldEntry, "entries keep their exact bytes and index");
    assert.deepEqual(vault.log.verifyCheckpoint(oldCheckpoint, vault.keys.logVerifiers), { size: 2 });
    assert.deepEqual((await vault.items.get(items[0]!.id)).sourceIds, ["src_legacy"]);
    assert.deepEqual((await vault.custody(items[0]!.id)).map((c) => [c.index, c.event.type]), [[0, "acquired"], [2, "linked"]]);
    assert.deepEqual((await checkVault(vault, { deep: true })).problems, []);
    const out = join(t.dir, "b.zip");
    await exportBundle(vault, out, { all: true, actor: "tester" });
    assert.deepEqual((await verifyBundle(out, { trustedCheckpoint: oldCheckpoint })).failures, [], "a checkpoint published before the move still verifies");
    // Once only.
    const again = await Vault.open({ store });
    assert.deepEqual(again.openReport.repaired, []);
    assert.equal(again.log.size, vault.log.size);
  } finally {
    await store.close();
    t.cleanup();
  }
});
