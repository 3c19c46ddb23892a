import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { noChromium, tempDir } from "./helpers.ts";
import { startFixtureServer } from "./fixture-server.ts";

const BIN = fileURLToPath(new URL("../../bin/vigil.mjs", import.meta.url));

function vigil(args: string[], cwd: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const p = spawn(process.execPath, [BIN, ...args], { cwd });
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
    const cap = await vigil(["vault", "capture", `${fx.base}/article`, "--rendered", "--allow-private", "--source", "src_case1", "--data", "d", "--json"], t.dir);
    assert.equal(cap.code, 0, cap.stderr);
    const r = JSON.parse(cap.stdout) as { ok: boolean; item: { id: string } };
    assert.equal(r.ok, true);
    const login = await vigil(["vault", "capture", `${fx.base}/login`, "--allow-private", "--data", "d"], t.dir);
    assert.equal(login.code, 3);
    assert.match(login.stdout, /NOT captured as a success: the page asks to log in/);
    const exp = await vigil(["vault", "export", "--source", "src_case1", "case1.zip", "--data", "d"], t.dir);
    assert.equal(exp.code, 0, exp.stderr);
    const ok = await vigil(["verify", "case1.zip"], t.dir);
    assert.equal(ok.code, 0, ok.stdout + ok.stderr);
    assert.match(ok.stdout, /^OK/);
    const key = (await vigil(["vault", "keys", "--data", "d"], t.dir)).stdout.split(" ")[0]!;
    assert.equal((await vigil(["verify", "case1.zip", "--key", key], t.dir)).code, 0);
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
    const help = await vigil(["vault", "capture", "--help"], t.dir);
    assert.match(help.stdout, /--allow-private/);
  } finally {
    t.cleanup();
  }
});
