import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { availableParallelism, tmpdir, totalmem } from "node:os";
import { join } from "node:path";
import { buildApp } from "../../src/server/index.ts";
import { loadConfig } from "../../src/config/index.ts";
import { openStore } from "../../src/store/index.ts";

test("GET /healthz answers 200 with a small JSON body once ready, 503 before; security headers on every response", async () => {
  const dir = mkdtempSync(join(tmpdir(), "vigil-health-"));
  const config = loadConfig({ data: dir, port: 0 }, {});
  const store = await openStore({ dataDir: dir });
  const deps = { store, config, ready: false, startedAt: new Date() };
  const app = await buildApp(deps);
  try {
    const address = await app.listen({ port: 0, host: "127.0.0.1" });
    let res = await fetch(`${address}/healthz`);
    assert.equal(res.status, 503);
    deps.ready = true;
    res = await fetch(`${address}/healthz`);
    assert.equal(res.status, 200);
    const body = (await res.json()) as { status: string; database: string };
    assert.deepEqual([body.status, body.database], ["ok", "sqlite"]);
    assert.match(res.headers.get("content-security-policy") ?? "", /default-src 'self'/);
    assert.equal(res.headers.get("x-content-type-options"), "nosniff");
    const missing = await fetch(`${address}/nothing-here`);
    assert.equal(missing.status, 404);
    assert.equal(((await missing.json()) as { error: { code: string } }).error.code, "not_found");
  } finally {
    await app.close();
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test("configuration errors are reported together", () => {
  assert.throws(() => loadConfig({ port: "eighty" }, { VIGIL_DATABASE_URL: "mysql://x", VIGIL_LOG_LEVEL: "loud" }), (e: Error & { problems?: unknown[] }) => e.problems?.length === 3);
});

test("memorial page threads: a number, at most one per core and per 2 GiB by default, 0 for none", () => {
  assert.equal(loadConfig({}, { VIGIL_MEMORIAL_THREADS: "3" }).memorialThreads, 3);
  assert.equal(loadConfig({}, { VIGIL_MEMORIAL_THREADS: "0" }).memorialThreads, 0);
  const auto = loadConfig({}, {}).memorialThreads;
  assert.ok(auto <= Math.max(availableParallelism(), 0) && auto <= Math.floor(totalmem() / 2 ** 31), `default ${auto}`);
  if (availableParallelism() < 2) assert.equal(auto, 0);
  for (const bad of ["many", "-1", "65"]) assert.throws(() => loadConfig({}, { VIGIL_MEMORIAL_THREADS: bad }), (e: Error & { problems?: { field?: string }[] }) => e.problems?.[0]?.field === "VIGIL_MEMORIAL_THREADS", bad);
});
