// The vault on the database: items, custody rows, log leaves and checkpoints
// committed together on SQLite and PostgreSQL, repaired or refused on open.
import { test, after } from "node:test";
import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { readdir } from "node:fs/promises";
import { join } from "node:path";
import { sql } from "kysely";
import { makeCtx, SYSTEM, type Ctx } from "../../src/core/context.ts";
import { VigilError } from "../../src/core/errors.ts";
import { seedVocabularies } from "../../src/records/index.ts";
import type { Store } from "../../src/store/index.ts";
import {
  LocalBlobStore,
  Vault,
  addEvidenceFile,
  checkVault,
  custodyEvent,
  encodeEvent,
  hashLeaf,
  exportEvidence,
  evidenceOf,
  getEvidence,
  linkEvidence,
  openNote,
  parseCheckpoint,
  TOOL,
  verifyBundle,
  type VaultStep,
  type BlobInfo,
  type PutOptions,
} from "../../src/vault/index.ts";
import { forEachStore } from "../helpers/store.ts";
import { tempDir } from "./helpers.ts";
import { makeSource } from "./vault-fixture.ts";

/** Counts of the vault's rows: what a failed write must leave unchanged. */
async function counts(store: Store): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const table of ["vault_items", "vault_log", "vault_custody", "vault_checkpoints", "vault_evidence", "records"]) {
    const { rows } = await sql<{ n: number | string }>`select count(*) as n from ${sql.table(table)}`.execute(store.db);
    out[table] = Number(rows[0]!.n);
  }
  return out;
}

/** Root of the latest signed checkpoint, and its size. */
async function signedRoot(vault: Vault): Promise<{ size: number; root: string }> {
  const note = (await vault.log.latestCheckpoint())!;
  const cp = parseCheckpoint(openNote(note, vault.keys.logVerifiers).text);
  return { size: cp.size, root: cp.rootHash.toString("base64") };
}

/** A blob store that fails on the nth put, as a full disk or an I/O error would. */
class FailingBlobStore extends LocalBlobStore {
  failOn = -1;
  puts = 0;
  override async put(source: Parameters<LocalBlobStore["put"]>[0], opts?: PutOptions): Promise<BlobInfo & { created: boolean }> {
    if (this.puts++ === this.failOn) throw new VigilError("storage_full", "injected: no space left for the blob");
    return super.put(source, opts);
  }
}

forEachStore("vault on the database", (fixture) => {
  const t = tempDir();
  let ctx: Ctx;
  let vault: Vault;
  let sourceId: string;
  const file = (name: string, body: string): string => {
    const p = join(t.dir, name);
    writeFileSync(p, body);
    return p;
  };

  test("items, custody rows, log leaves and a checkpoint are written together and read back after reopening", async () => {
    const { store } = fixture();
    await seedVocabularies(store.db);
    ctx = makeCtx(store, { ...SYSTEM, id: "system:test" });
    vault = await Vault.open({ store, origin: "vigil.test/db" });
    sourceId = await makeSource(ctx, "Synthetic source for the store tests");
    const { item, events } = await addEvidenceFile(ctx, vault, file("a.txt", "synthetic evidence A\n"), { sourceIds: [sourceId], notes: "received by hand", custodyActor: "investigator-1" });
    assert.deepEqual(events.map((e) => e.event.type), ["acquired", "linked"]);
    assert.deepEqual(events.map((e) => e.index), [0, 1]);
    const c = await counts(store);
    assert.equal(c.vault_items, 1);
    assert.equal(c.vault_log, 2);
    assert.equal(c.vault_custody, 2);
    assert.equal(c.vault_evidence, 1);
    assert.deepEqual(await signedRoot(vault), { size: 2, root: vault.log.tree.root(2).toString("base64") });

    // Another process (a second vault instance on the same database) sees exactly the same.
    const again = await Vault.open({ store });
    assert.equal(again.origin, "vigil.test/db");
    assert.deepEqual(again.openReport.repaired, []);
    assert.equal(again.log.size, 2);
    assert.deepEqual(again.log.tree.root(), vault.log.tree.root());
    const read = await again.items.get(item.id);
    assert.deepEqual(read, { ...item, sourceIds: [sourceId] });
    const custody = await again.custody(item.id);
    assert.equal(custody[0]!.event.actor, "investigator-1");
    assert.equal(custody[0]!.event.notes, "received by hand");
    assert.equal(custody[1]!.event.source, sourceId);
    assert.deepEqual((await evidenceOf(ctx, again, sourceId)).map((i) => i.id), [item.id]);
    const view = await getEvidence(ctx, again, item.id);
    assert.deepEqual(view.sources.map((s) => s.id), [sourceId]);
    assert.equal(view.receipt.events.length, 2);
  });

  test("two writers on one database interleave without losing or reordering anything", async () => {
    const { store } = fixture();
    const other = await Vault.open({ store });
    const before = vault.log.size;
    await Promise.all([
      ...Array.from({ length: 4 }, (_, i) => addEvidenceFile(ctx, vault, file(`v${i}.txt`, `from the first writer ${i}\n`))),
      ...Array.from({ length: 4 }, (_, i) => addEvidenceFile(ctx, other, file(`o${i}.txt`, `from the second writer ${i}\n`))),
    ]);
    await vault.log.catchUp();
    await other.log.catchUp();
    assert.equal(vault.log.size, before + 8);
    assert.deepEqual(vault.log.tree.root(), other.log.tree.root());
    const r = await checkVault(vault, { deep: true });
    assert.deepEqual(r.problems, []);
    assert.deepEqual(await signedRoot(other), { size: before + 8, root: vault.log.tree.root().toString("base64") });
  });

  test("a failure injected after any step leaves no item, custody row, leaf, link or checkpoint, and the vault goes on", async () => {
    const { store } = fixture();
    const steps: VaultStep[] = ["item", "log", "custody", "link", "checkpoint"];
    for (const failAt of steps) {
      const faulty = await Vault.open({
        store,
        hooks: {
          afterStep: (step) => {
            if (step === failAt) throw new Error(`injected failure after ${step}`);
          },
        },
      });
      const before = await counts(store);
      const rootBefore = await signedRoot(faulty);
      await assert.rejects(addEvidenceFile(ctx, faulty, file(`f-${failAt}.txt`, `never acknowledged: ${failAt}\n`), { sourceIds: [sourceId] }), new RegExp(`injected failure after ${failAt}`));
      assert.deepEqual(await counts(store), before, `after a failure at ${failAt}`);
      assert.equal(faulty.log.tree.size, rootBefore.size, `the in-memory tree forgot the leaves of ${failAt}`);
      // The same instance writes the next item correctly.
      const ok = await addEvidenceFile(ctx, vault, file(`ok-${failAt}.txt`, `acknowledged after ${failAt}\n`));
      await faulty.log.catchUp();
      assert.deepEqual(faulty.log.tree.root(), vault.log.tree.root());
      assert.ok(ok.events.every((e) => e.index >= rootBefore.size));
    }
    assert.deepEqual((await checkVault(vault)).problems, []);
  });

  test("a blob store failure (disk full) leaves nothing recorded", async () => {
    const { store } = fixture();
    const blobs = new FailingBlobStore(join(store.dataDir, "vault", "blobs"));
    const v = await Vault.open({ store, blobs });
    const before = await counts(store);
    blobs.failOn = blobs.puts;
    await assert.rejects(addEvidenceFile(ctx, v, file("full.txt", "the disk is full\n")), (e: unknown) => e instanceof VigilError && e.code === "storage_full");
    assert.deepEqual(await counts(store), before);
    assert.deepEqual(await readdir(join(store.dataDir, "vault", "blobs", "incoming")), []);
  });

  test("an unknown Source is refused before anything is stored", async () => {
    const { store } = fixture();
    const before = await counts(store);
    await assert.rejects(addEvidenceFile(ctx, vault, file("x.txt", "x\n"), { sourceIds: ["src_does_not_exist"] }), /src_does_not_exist is not a Source record/);
    assert.deepEqual(await counts(store), before);
  });

  test("the log and its checkpoints refuse UPDATE and DELETE", async () => {
    const { store } = fixture();
    await assert.rejects(sql`update vault_log set entry = entry where idx = 0`.execute(store.db), /append-only/);
    await assert.rejects(sql`delete from vault_log where idx = 0`.execute(store.db), /append-only/);
    await assert.rejects(sql`delete from vault_checkpoints`.execute(store.db), /append-only/);
    if (fixture().dialect === "postgres") await assert.rejects(sql`truncate vault_log cascade`.execute(store.db), /append-only/);
  });

  test("opening repairs custody rows lost from the index and signs a checkpoint for unsigned entries", async () => {
    const { store } = fixture();
    const first = (await vault.items.list())[0]!;
    await sql`delete from vault_custody where item_id = ${first.id}`.execute(store.db);
    // An entry appended without a checkpoint (what an older writer could leave after a crash).
    const size = vault.log.size;
    const entry = encodeEvent(custodyEvent({ item: first.id, type: "note", actor: "tester", method: "a note", tool: TOOL, hashes: {} }));
    await store.transaction(async (trx) => {
      await sql`update vault_log_head set size = size + 1`.execute(trx);
      await sql`insert into vault_log (idx, entry, leaf_hash) values (${size}, ${entry}, ${hashLeaf(entry)})`.execute(trx);
    });
    const reopened = await Vault.open({ store });
    assert.equal(reopened.openReport.repaired.length, 2, reopened.openReport.repaired.join("\n"));
    assert.match(reopened.openReport.repaired[0]!, /rebuilt 3 custody row\(s\)/);
    assert.match(reopened.openReport.repaired[1]!, new RegExp(`signed a checkpoint for entries ${size}\\.\\.${size}`));
    assert.deepEqual((await reopened.custody(first.id)).map((e) => e.event.type), ["acquired", "linked", "note"]);
    assert.deepEqual((await checkVault(reopened)).problems, []);
    await vault.log.catchUp();
  });

  test("a rewritten log is refused on open, named with the checkpoint it contradicts", async () => {
    const { store, dialect } = fixture();
    // Someone with database access bypasses the guard and changes a leaf.
    if (dialect === "sqlite") await sql`drop trigger vault_log_no_update`.execute(store.db);
    else await sql`alter table vault_log disable trigger vault_log_append_only`.execute(store.db);
    await sql`update vault_log set leaf_hash = ${Buffer.alloc(32, 7)} where idx = 1`.execute(store.db);
    await assert.rejects(Vault.open({ store }), (e: unknown) => e instanceof VigilError && e.code === "integrity" && /does not match its latest signed checkpoint: log differs from the checkpoint at size \d+: it was rewritten/.test(e.message));
  });
  after(() => t.cleanup());
});

forEachStore("vault evidence links and export", (fixture) => {
  const t = tempDir();
  test("linking is logged once, exports by Source take exactly its items, and the bundle verifies", async () => {
    const { store } = fixture();
    await seedVocabularies(store.db);
    const ctx = makeCtx(store, { ...SYSTEM, id: "system:test" });
    const vault = await Vault.open({ store, origin: "vigil.test/links" });
    const a = await makeSource(ctx, "Synthetic source A");
    const b = await makeSource(ctx, "Synthetic source B");
    const p = (n: string): string => {
      writeFileSync(join(t.dir, n), `synthetic ${n}\n`);
      return join(t.dir, n);
    };
    const one = await addEvidenceFile(ctx, vault, p("one.txt"), { sourceIds: [a] });
    const two = await addEvidenceFile(ctx, vault, p("two.txt"), { sourceIds: [b] });
    const linked = await linkEvidence(ctx, vault, two.item.id, a);
    assert.equal(linked?.event.type, "linked");
    assert.equal(await linkEvidence(ctx, vault, two.item.id, a), undefined, "a second link is a no-op");
    await assert.rejects(linkEvidence(makeCtx(store, { id: "usr_viewer", role: "viewer" }), vault, one.item.id, b), (e: unknown) => e instanceof VigilError && e.code === "forbidden");
    await assert.rejects(exportEvidence(makeCtx(store, { id: "usr_r", role: "researcher" }), vault, join(t.dir, "r.zip"), { sourceId: a }), (e: unknown) => e instanceof VigilError && e.code === "forbidden");
    const out = join(t.dir, "a.zip");
    const r = await exportEvidence(ctx, vault, out, { sourceId: b });
    assert.equal(r.items, 1);
    const ra = await exportEvidence(ctx, vault, join(t.dir, "a2.zip"), { sourceId: a });
    assert.equal(ra.items, 2);
    const rep = await verifyBundle(join(t.dir, "a2.zip"));
    assert.deepEqual(rep.failures, []);
    await assert.rejects(exportEvidence(ctx, vault, join(t.dir, "x.zip"), { sourceId: "src_missing" }), /no Source record src_missing/);
  });
  after(() => t.cleanup());
});
