import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { sql } from "kysely";
import { openStore } from "../../src/store/index.ts";

/**
 * Kill -9 a writer at random moments, many times: every acknowledged record
 * must be there with all its claims, nothing half-written, and the database
 * must pass its integrity check (security.md, "crash").
 */
async function runAndKill(dir: string, afterAcks: number): Promise<string[]> {
  const child = spawn(process.execPath, ["--import", "tsx", new URL("./fixtures/writer.ts", import.meta.url).pathname, dir], { stdio: ["ignore", "pipe", "inherit"] });
  const acked: string[] = [];
  let buffer = "";
  await new Promise<void>((resolve) => {
    child.stdout.on("data", (d: Buffer) => {
      buffer += d.toString();
      const lines = buffer.split("\n");
      buffer = lines.pop() ?? "";
      for (const l of lines) if (l.startsWith("ack ")) acked.push(l.slice(4));
      if (acked.length >= afterAcks && child.exitCode === null && !child.killed) {
        // Let it get into the middle of another write, then pull the plug.
        setTimeout(() => child.kill("SIGKILL"), Math.floor(Math.random() * 15));
      }
    });
    child.on("exit", () => resolve());
  });
  return acked;
}

test("kill -9 during writes loses no acknowledged record and leaves none half-written", async () => {
  const dir = mkdtempSync(join(tmpdir(), "vigil-crash-"));
  try {
    const acknowledged: string[] = [];
    for (let round = 0; round < 6; round++) acknowledged.push(...(await runAndKill(dir, 5 + Math.floor(Math.random() * 20))));
    assert.ok(acknowledged.length >= 30);
    const store = await openStore({ dataDir: dir });
    try {
      const check = await sql<{ integrity_check: string }>`PRAGMA integrity_check`.execute(store.db);
      assert.equal(check.rows[0]?.integrity_check, "ok");
      const people = await store.db.selectFrom("records").select("id").where("type", "=", "person").execute();
      const ids = new Set(people.map((p) => p.id));
      for (const id of acknowledged) assert.ok(ids.has(id), `acknowledged ${id} is there`);
      // Every person that exists is whole: three claims, each cited, and its history.
      const counts = await sql<{ id: string; claims: number; cites: number; changes: number }>`
        SELECT r.id,
          (SELECT count(*) FROM claims c WHERE c.subject_id = r.id) AS claims,
          (SELECT count(*) FROM citations t JOIN claims c ON c.id = t.claim_id WHERE c.subject_id = r.id) AS cites,
          (SELECT count(*) FROM changes h WHERE h.record_id = r.id) AS changes
        FROM records r WHERE r.type = 'person'`.execute(store.db);
      for (const row of counts.rows) assert.deepEqual([Number(row.claims), Number(row.cites), Number(row.changes)], [3, 3, 4], row.id);
      const fk = await sql`PRAGMA foreign_key_check`.execute(store.db);
      assert.equal(fk.rows.length, 0);
    } finally {
      await store.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
