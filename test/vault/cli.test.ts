import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { openStore } from "../../src/store/index.ts";
import { noChromium, tempDir } from "./helpers.ts";
import { startFixtureServer } from "./fixture-server.ts";

const BIN = fileURLToPath(new URL("../../bin/vigil.mjs", import.meta.url));

function vigil(args: string[], cwd: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const p = spawn(process.execPath, [BIN, ...args], { cwd, env: { ...process.env, VIGIL_DATABASE_URL: "" } });
    let stdout = "";
    let stderr = "";
    p.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    p.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    p.on("close", (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}

let fx: Awaited<ReturnType<typeof startFixtureServer>>;
before(async () => {
  fx = await startFixtureServer();
});
after(async () => {
  await fx.close();
});

test("CLI: a loopback page is captured (rendered), exported, verified offline, and a changed byte is named", async (ctx) => {
  const why = noChromium();
  if (why) return ctx.skip(why);
  const t = tempDir();
  try {
    const refused = await vigil(["vault", "capture", `${fx.base}/article`, "--data", "d"], t.dir);
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, /private address/);
    const cap = await vigil(["vault", "capture", `${fx.base}/article`, "--rendered", "--allow-private", "--data", "d", "--json"], t.dir);
    assert.equal(cap.code, 0, cap.stderr);
    const r = JSON.parse(cap.stdout) as { ok: boolean; item: { id: string }; sourceId: string };
    assert.equal(r.ok, true);
    assert.match(r.sourceId, /^src_/, "the capture made a web-capture Source");
    const login = await vigil(["vault", "capture", `${fx.base}/login`, "--allow-private", "--data", "d"], t.dir);
    assert.equal(login.code, 3);
    assert.match(login.stdout, /NOT captured as a success: the page asks to log in/);
    // A file added as more evidence of the same Source, then that Source's items exported.
    writeFileSync(join(t.dir, "note.txt"), "synthetic note about the page\n");
    const add = await vigil(["vault", "add", "note.txt", "--source", r.sourceId, "--data", "d", "--json"], t.dir);
    assert.equal(add.code, 0, add.stderr);
    const added = JSON.parse(add.stdout) as { item: { id: string; sourceIds: string[] } };
    assert.deepEqual(added.item.sourceIds, [r.sourceId]);
    const exp = await vigil(["vault", "export", "--source", r.sourceId, "case1.zip", "--data", "d", "--json"], t.dir);
    assert.equal(exp.code, 0, exp.stderr);
    assert.equal((JSON.parse(exp.stdout) as { items: number }).items, 2);
    const check = await vigil(["vault", "check", "--deep", "--data", "d"], t.dir);
    assert.equal(check.code, 0, check.stdout + check.stderr);
    assert.match(check.stdout, /^OK/);
    const ok = await vigil(["verify", "case1.zip"], t.dir);
    assert.equal(ok.code, 0, ok.stdout + ok.stderr);
    assert.match(ok.stdout, /^OK/);
    const bytes = readFileSync(join(t.dir, "case1.zip"));
    const at = bytes.indexOf(Buffer.from("datapackage.json")) + 2000; // inside the stored WACZ blob
    bytes[at] = bytes[at]! ^ 0xff;
    writeFileSync(join(t.dir, "bad.zip"), bytes);
    const bad = await vigil(["verify", "bad.zip", "--json"], t.dir);
    assert.equal(bad.code, 1);
    const rep = JSON.parse(bad.stdout) as { failures: string[] };
    assert.ok(rep.failures.some((f) => new RegExp(`items/${r.item.id}/blobs/[0-9a-f]{64}: content changed`).test(f)), rep.failures.join("\n"));
    const log = await vigil(["vault", "log", "--item", r.item.id, "--data", "d"], t.dir);
    assert.match(log.stdout, /c2sp\.org\/tlog-proof@v1/);
  } finally {
    t.cleanup();
  }
});

test("CLI: capture requests are listed newest first, by status, and from where the last list ended", async () => {
  const t = tempDir();
  try {
    const store = await openStore({ dataDir: join(t.dir, "d") });
    const rows = Array.from({ length: 5 }, (_, i) => ({ id: `job_cli${i}`, url: `https://example.org/${i}`, options: "{}", status: i % 2 ? "failed" : "done", requested_by: "system:test", requested_at: new Date(Date.UTC(2030, 0, 1, 0, i)).toISOString(), updated_at: new Date(Date.UTC(2030, 0, 1)).toISOString(), attempts: 1, item_id: null, source_id: null, flags: "[]", error: i % 2 ? "the page answered 404" : null }));
    await store.db.withTables<{ vault_captures: (typeof rows)[number] }>().insertInto("vault_captures").values(rows).execute();
    await store.close();
    const ids = async (...args: string[]): Promise<string[]> => {
      const r = await vigil(["vault", "captures", "--data", "d", "--json", ...args], t.dir);
      assert.equal(r.code, 0, r.stderr);
      return (JSON.parse(r.stdout) as { id: string }[]).map((c) => c.id);
    };
    assert.deepEqual(await ids(), ["job_cli4", "job_cli3", "job_cli2", "job_cli1", "job_cli0"]);
    assert.deepEqual(await ids("--status", "failed"), ["job_cli3", "job_cli1"]);
    assert.deepEqual(await ids("--limit", "2", "--before", "job_cli3"), ["job_cli2", "job_cli1"]);
    const unknown = await vigil(["vault", "captures", "--data", "d", "--status", "lost"], t.dir);
    assert.notEqual(unknown.code, 0);
    assert.match(unknown.stderr, /lost/);
    const notANumber = await vigil(["vault", "captures", "--data", "d", "--limit", "ten"], t.dir);
    assert.notEqual(notANumber.code, 0);
    assert.match(notANumber.stderr, /--limit must be a whole number/);
  } finally {
    t.cleanup();
  }
});
