/**
 * Records core benchmarks: bulk load of claims (the product's bulk path,
 * importNdjson) on SQLite and PostgreSQL, name search latency with a million
 * people in both scripts, and the resident memory of `vigil serve` on that
 * database. Prints figures; never asserts times.
 *
 *   node --import tsx bench/records.ts [--people N] [--load-people N] [--skip-serve]
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir, cpus, totalmem } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import { spawn } from "node:child_process";
import { parseArgs } from "node:util";
import pg from "pg";
import { makeCtx, SYSTEM } from "../src/core/context.ts";
import { importNdjson, searchRecords, seedVocabularies } from "../src/records/index.ts";
import { openStore, type Store } from "../src/store/index.ts";
import { seededRandom } from "../src/demo/index.ts";
import { syntheticExport, syntheticPerson } from "./lib/synthetic-people.ts";

const { values } = parseArgs({ options: { people: { type: "string", default: "1000000" }, "load-people": { type: "string", default: "100000" }, "skip-serve": { type: "boolean", default: false }, "skip-postgres": { type: "boolean", default: false } } });
const PEOPLE = Number(values.people);
const LOAD_PEOPLE = Number(values["load-people"]);
const PG_URL = process.env.VIGIL_TEST_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/test";

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

async function load(store: Store, people: number): Promise<{ seconds: number; claims: number }> {
  const ctx = makeCtx(store, SYSTEM);
  await seedVocabularies(store.db);
  const t0 = performance.now();
  const result = await importNdjson(ctx, Readable.from(syntheticExport(people)));
  return { seconds: (performance.now() - t0) / 1000, claims: result.counts.claim };
}

console.log(`records benchmarks — ${cpus().length} cores (${cpus()[0]?.model ?? "?"}), ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}`);

// 1. Bulk load of claims.
{
  const dir = mkdtempSync(join(tmpdir(), "vigil-bench-load-"));
  const store = await openStore({ dataDir: dir });
  const { seconds, claims } = await load(store, LOAD_PEOPLE);
  console.log(`bulk load (importNdjson, SQLite): ${LOAD_PEOPLE} people, ${claims} claims in ${seconds.toFixed(1)} s = ${Math.round(claims / seconds)} claims/s (incl. search index)`);
  await store.close();
  rmSync(dir, { recursive: true, force: true });
}
if (!values["skip-postgres"]) {
  const schema = `bench_${Date.now().toString(36)}`;
  try {
    const store = await openStore({ dataDir: mkdtempSync(join(tmpdir(), "vigil-bench-pg-")), databaseUrl: PG_URL, pgSchema: schema });
    const { seconds, claims } = await load(store, LOAD_PEOPLE);
    console.log(`bulk load (importNdjson, PostgreSQL): ${LOAD_PEOPLE} people, ${claims} claims in ${seconds.toFixed(1)} s = ${Math.round(claims / seconds)} claims/s (incl. search index)`);
    await store.close();
  } catch (e) {
    console.log(`bulk load (PostgreSQL): skipped: ${e instanceof Error ? e.message : String(e)}`);
  } finally {
    const c = new pg.Client({ connectionString: PG_URL });
    await c.connect().then(() => c.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`)).catch(() => undefined);
    await c.end().catch(() => undefined);
  }
}

// 2. Name search with PEOPLE people, in both scripts.
const dir = mkdtempSync(join(tmpdir(), "vigil-bench-search-"));
const store = await openStore({ dataDir: dir });
const loaded = await load(store, PEOPLE);
console.log(`loaded ${PEOPLE} people (${loaded.claims} claims) for search in ${loaded.seconds.toFixed(0)} s`);
const ctx = makeCtx(store, SYSTEM);
const rand = seededRandom(42);
const sample = Array.from({ length: PEOPLE }, (_, i) => i).filter(() => rand() < 2000 / PEOPLE);
const people = (() => {
  const r = seededRandom(42);
  const out = new Map<number, ReturnType<typeof syntheticPerson>>();
  const wanted = new Set(sample);
  for (let i = 0; i < PEOPLE && out.size < wanted.size; i++) {
    const p = syntheticPerson(i, r);
    r(); // the year drawn for the act
    r(); // sex
    if (wanted.has(i)) out.set(i, p);
  }
  return [...out.values()];
})();
for (const [label, queries] of [
  ["Latin full names", people.slice(0, 500).map((p) => p.latin)],
  ["Persian full names", people.slice(0, 500).map((p) => p.fa)],
  ["Latin family names, variant spelling (ou→oo)", people.slice(500, 1000).map((p) => (p.latin.split(" ")[1] ?? "").replace(/ou/g, "oo").replace(/ur/g, "oor"))],
  ["Persian family names", people.slice(500, 1000).map((p) => p.fa.split(" ")[1] ?? "")],
] as const) {
  const times: number[] = [];
  let found = 0;
  for (const q of queries) {
    const t0 = performance.now();
    const hits = await searchRecords(ctx, q, { types: ["person"], limit: 20 });
    times.push(performance.now() - t0);
    if (hits.length) found++;
  }
  times.sort((a, b) => a - b);
  console.log(`name search, ${PEOPLE} people, ${label}: p50 ${percentile(times, 50).toFixed(2)} ms, p95 ${percentile(times, 95).toFixed(2)} ms, p99 ${percentile(times, 99).toFixed(2)} ms (${found}/${queries.length} found)`);
}
await store.close();

// 3. Resident memory of `vigil serve` on that database.
if (!values["skip-serve"]) {
  const child = spawn(process.execPath, [new URL("../bin/vigil.mjs", import.meta.url).pathname, "serve", "--data", dir, "--port", "0", "--no-demo", "--no-worker"], { stdio: ["ignore", "pipe", "inherit"], env: { ...process.env, VIGIL_DATABASE_URL: "" } });
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout.on("data", (d: Buffer) => {
      const m = /running at (\S+)\//.exec(d.toString());
      if (m) resolve(m[1]!);
    });
    child.on("exit", (code) => reject(new Error(`serve exited ${code}`)));
  });
  for (let i = 0; i < 200; i++) await fetch(`${url}/healthz`).then((r) => r.text());
  const { readFileSync } = await import("node:fs");
  const rss = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${child.pid}/status`, "utf8"))?.[1];
  console.log(`vigil serve with ${PEOPLE} people: resident memory ${(Number(rss) / 1024).toFixed(0)} MB after start and 200 requests`);
  child.kill("SIGTERM");
}
rmSync(dir, { recursive: true, force: true });
