// Benchmark: capture tables from linked lists in the database, and a whole
// estimate run through its worker thread. Prints figures; run with
//   node --import tsx bench/estimate-db.ts [--people N] [--postgres URL]
// The lists are FICTIONAL (generated here with a fixed seed), stored as Vigil
// stores real ones: a source per list, a person per recorded person.
import { mkdtempSync, rmSync } from "node:fs";
import { cpus, tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { makeCtx, SYSTEM } from "../src/core/context.ts";
import { availableLists, ESTIMATE_JOB, estimateJobHandler, getRun, linkedTables, loadSyntheticLists, startRun } from "../src/estimate/index.ts";
import { seedVocabularies } from "../src/records/index.ts";
import { openStore } from "../src/store/index.ts";

const arg = (name: string): string | undefined => {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
};
const total = Number(arg("--people") ?? 30000);
const pgUrl = arg("--postgres");

let peak = 0;
const sample = () => (peak = Math.max(peak, process.memoryUsage().rss));
const timer = setInterval(sample, 20);

async function time<T>(label: string, fn: () => Promise<T>, runs = 3): Promise<T> {
  let best = Infinity;
  let out!: T;
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    out = await fn();
    best = Math.min(best, performance.now() - t0);
    sample();
  }
  console.log(`${label.padEnd(70)} ${(best / 1000).toFixed(3)} s best of ${runs}`);
  return out;
}

console.log(`node ${process.version}, ${cpus().length} cores (${cpus()[0]?.model ?? "?"})`);
const dataDir = mkdtempSync(join(tmpdir(), "vigil-bench-estimate-"));
const pgSchema = `bench_estimate_${process.pid}`;
const store = await openStore({ dataDir, ...(pgUrl ? { databaseUrl: pgUrl, pgSchema } : {}) });
try {
  console.log(`database: ${store.dialect}`);
  await seedVocabularies(store.db);
  const ctx = makeCtx(store, { ...SYSTEM, id: "system:bench" });
  const t0 = performance.now();
  const gen = await loadSyntheticLists(ctx, {
    total,
    seed: 1988,
    lists: [
      { name: "A", p: 0.45 },
      { name: "B", p: 0.35 },
      { name: "C", p: 0.3 },
      { name: "D", p: 0.2 },
    ],
    strata: Array.from({ length: 12 }, (_, i) => ({ name: `P${i + 1}`, share: 1 + (i % 3), factor: 0.7 + 0.05 * i })),
  });
  console.log(`loaded ${gen.observed.length.toLocaleString("en-US")} fictional people on 4 lists (of ${total.toLocaleString("en-US")}) in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  const sources = [...gen.sources.values()];
  await time("the lists offered, with their people", () => availableLists(ctx));
  await time("capture table of 4 lists (citations)", () => linkedTables(ctx, { sources }));
  await time("capture tables of 4 lists by province (12 provinces)", () => linkedTables(ctx, { sources, stratify: "province" }));
  await time("capture tables of 4 lists by sex", () => linkedTables(ctx, { sources, stratify: "sex" }));
  const show = async (id: string) => {
    const r = (await getRun(ctx, id)).report!;
    const f = (x: number | null) => (x === null ? "∞" : Math.round(x).toLocaleString("en-US"));
    console.log(`    estimate ${f(r.N)} (${f(r.interval[0])}–${f(r.interval[1])}), true total ${total.toLocaleString("en-US")}`);
  };
  const run = await time("whole run: table, log-linear (113 models), sensitivity, saved", () => startRun(ctx, { sources }), 2);
  await show(run.id);
  // Provinces record differently here, so the pooled table is heterogeneous and the pooled estimate too low; by province it is not.
  // Twelve strata go to the job worker; its handler is called here as the worker would.
  const strat = await time("whole run by province (job): 12 log-linear selections, combined interval", async () => {
    const r = await startRun(ctx, { sources, stratify: "province" });
    await estimateJobHandler(store, { id: r.jobId!, kind: ESTIMATE_JOB, payload: { runId: r.id }, attempts: 1, maxAttempts: 2 });
    return r;
  }, 2);
  await show(strat.id);
} finally {
  clearInterval(timer);
  await store.close();
  if (pgUrl) {
    const c = new pg.Client({ connectionString: pgUrl });
    await c.connect();
    await c.query(`DROP SCHEMA IF EXISTS ${pgSchema} CASCADE`);
    await c.end();
  }
  rmSync(dataDir, { recursive: true, force: true });
}
const mb = Math.max(peak, process.resourceUsage().maxRSS * 1024) / 2 ** 20;
console.log(`peak memory (max RSS) ${mb.toFixed(0)} MB`);
process.exit(0);
