// kill -9 a writer mid-write, reopen, and check that nothing acknowledged is
// lost and that the log, its checkpoints and the custody rows agree.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { makeCtx, SYSTEM } from "../../src/core/context.ts";
import { seedVocabularies } from "../../src/records/index.ts";
import { Vault, checkVault, openNote, parseCheckpoint } from "../../src/vault/index.ts";
import { forEachStore, postgresUrl } from "../helpers/store.ts";
import { makeSource } from "./vault-fixture.ts";

const WRITER = fileURLToPath(new URL("./fixtures/crash-writer.ts", import.meta.url));

/** Runs the writer until it has acknowledged `acks` items, waits a random moment, and kills it with SIGKILL. */
async function writeThenKill(args: string[], acks: number): Promise<{ acked: Map<string, number[]>; started: number }> {
  const child = spawn(process.execPath, ["--import", "tsx", WRITER, ...args], { stdio: ["ignore", "pipe", "pipe"] });
  let stderr = "";
  child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  const acked = new Map<string, number[]>();
  let started = -1;
  const lines = createInterface({ input: child.stdout });
  for await (const line of lines) {
    const ready = /^READY (\d+)$/.exec(line);
    if (ready) started = Number(ready[1]);
    const m = /^ACK (\S+) ([\d,]+)$/.exec(line);
    if (!m) continue;
    acked.set(m[1]!, m[2]!.split(",").map(Number));
    if (acked.size >= acks) {
      // Land somewhere inside the next write: blob, transaction or checkpoint.
      await new Promise((r) => setTimeout(r, Math.floor(Math.random() * 15)));
      child.kill("SIGKILL");
      break;
    }
  }
  const code = await exited;
  assert.ok(acked.size >= acks, `the writer stopped early (exit ${code}): ${stderr}`);
  return { acked, started };
}

forEachStore("a writer killed with SIGKILL mid-write", (fixture) => {
  test("every acknowledged item survives with its custody records, and log, checkpoints and custody rows agree", async () => {
    const { store, dialect } = fixture();
    await seedVocabularies(store.db);
    const ctx = makeCtx(store, { ...SYSTEM, id: "system:test" });
    const sourceId = await makeSource(ctx, "Synthetic source for the crash test");
    await (await Vault.open({ store, origin: "vigil.test/crash" })).checkpoint();
    const schema = dialect === "postgres" ? ((await store.db.selectNoFrom((eb) => eb.fn<string>("current_schema").as("s")).executeTakeFirstOrThrow()).s) : undefined;
    const args = [store.dataDir, sourceId, ...(schema ? [postgresUrl, schema] : [])];
    const allAcked = new Map<string, number[]>();
    for (let round = 0; round < (dialect === "sqlite" ? 3 : 2); round++) {
      const { acked } = await writeThenKill(args, 3 + Math.floor(Math.random() * 6));
      for (const [k, v] of acked) allAcked.set(k, v);
      // Reopen as the next process would: checks, repairs, then goes on.
      const vault = await Vault.open({ store });
      for (const [itemId, indexes] of allAcked) {
        const custody = await vault.custody(itemId);
        assert.deepEqual(custody.map((c) => c.index), indexes, `item ${itemId}: its acknowledged custody records`);
        assert.deepEqual(custody.map((c) => c.event.type), ["acquired", "linked"]);
        assert.ok(await vault.blobs.stat((await vault.items.get(itemId)).original.digest));
      }
      const report = await checkVault(vault, { deep: true });
      assert.deepEqual(report.problems, [], `round ${round}`);
      const cp = parseCheckpoint(openNote((await vault.log.latestCheckpoint())!, vault.keys.logVerifiers).text);
      assert.equal(cp.size, vault.log.size, "every committed leaf is covered by a signed checkpoint");
      assert.deepEqual(cp.rootHash, vault.log.tree.root());
      // Items committed but killed before their acknowledgement was printed are whole too.
      const items = await vault.items.list({ sourceId });
      assert.ok(items.length >= allAcked.size);
      for (const item of items) assert.deepEqual((await vault.custody(item.id)).map((c) => c.event.type), ["acquired", "linked"]);
    }
  });
});
