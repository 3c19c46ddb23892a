// Benchmarks for multiple systems estimation. Prints figures; run with
//   node --import tsx bench/estimate.ts
// Uses the reference tables of ../shared/data/mse when present (see its
// PROVENANCE.md), else SYNTHETIC tables generated here with a fixed seed.
import { existsSync, readFileSync } from "node:fs";
import { cpus } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { bma, estimate, lcmcr, parseCaptureCsv, Random, selectAll, tableFromPatterns, type CaptureTable } from "../src/estimate/index.ts";

const shared = process.env.VIGIL_SHARED_DIR ?? [fileURLToPath(new URL("../../shared", import.meta.url)), fileURLToPath(new URL("../../../shared", import.meta.url))].find((d) => existsSync(join(d, "data", "mse"))) ?? "";
const mse = join(shared, "data", "mse");

/** A SYNTHETIC k-list table: two latent groups with different capture rates, Poisson counts. */
function synthetic(k: number, total: number, seed: number): CaptureTable {
  const rng = new Random(seed);
  const lists = Array.from({ length: k }, (_, j) => `S${j + 1}`);
  const rates = [Array.from({ length: k }, () => 0.1 + 0.3 * rng.uniform()), Array.from({ length: k }, () => 0.02 + 0.1 * rng.uniform())];
  const rows = [];
  for (let p = 1; p < 1 << k; p++) {
    let mean = 0;
    rates.forEach((r, g) => {
      let pr = g === 0 ? 0.4 : 0.6;
      for (let j = 0; j < k; j++) pr *= (p >> j) & 1 ? r[j]! : 1 - r[j]!;
      mean += total * pr;
    });
    rows.push({ pattern: p, count: rng.poisson(mean) });
  }
  return tableFromPatterns(lists, rows);
}

function load(name: string, fallback: () => CaptureTable): [string, CaptureTable] {
  const p = join(mse, name);
  return existsSync(p) ? [name, parseCaptureCsv(readFileSync(p, "utf8"), { file: name })] : [`SYNTHETIC (${name} not found)`, fallback()];
}

let peak = 0;
const sample = () => (peak = Math.max(peak, process.memoryUsage().rss));
const timer = setInterval(sample, 20);

function time<T>(label: string, target: number | null, fn: () => T, runs = 3): T {
  let best = Infinity;
  let out!: T;
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    out = fn();
    best = Math.min(best, performance.now() - t0);
    sample();
  }
  const verdict = target === null ? "" : best / 1000 < target ? `  (target < ${target} s: met)` : `  (target < ${target} s: MISSED)`;
  console.log(`${label.padEnd(64)} ${(best / 1000).toFixed(3)} s best of ${runs}${verdict}`);
  return out;
}

console.log(`node ${process.version}, ${cpus().length} cores (${cpus()[0]?.model ?? "?"})`);

const five: [string, CaptureTable][] = [
  load("dga_madigan_york_5lists.csv", () => synthetic(5, 1500, 5)),
  load("sparsemse_Western.csv", () => synthetic(5, 3000, 6)),
  ["SYNTHETIC 5 lists, 20,000 people, no empty pattern", synthetic(5, 20000, 7)],
];
for (const [name, t] of five) {
  const s = time(`all 6,893 hierarchical models fitted and ranked (BIC): ${name}`, 2, () => selectAll(t, "bic"));
  console.log(`    ${s.ranked.length} fitted, ${s.refused.length} refused; best ${s.ranked[0]?.fit.formula}`);
}
time("Madigan–York averaging over 822 graphs, 5 lists (M&Y grid 1:300)", null, () => bma(five[0]![1], { delta: 0.5, nMissing: { from: 1, to: 300 } }));
time("full log-linear report incl. sensitivity table, 5 lists", null, () => estimate(five[0]![1]), 1);

const [uk6, ukTable] = load("sparsemse_UKdat.csv", () => synthetic(6, 20000, 8));
time(`LCMCR 10,000 iterations (K=10, one chain): ${uk6}`, 5, () => lcmcr(ukTable, { burnIn: 0, iterations: 10000, thin: 10, chains: 1 }));
time(`LCMCR 10,000 iterations, SYNTHETIC 6 lists`, 5, () => lcmcr(synthetic(6, 20000, 9), { burnIn: 0, iterations: 10000, thin: 10, chains: 1 }));
time(`LCMCR defaults (2 chains × 20,000 iterations): ${uk6}`, null, () => lcmcr(ukTable), 1);
const [no8, no8t] = load("sparsemse_NewOrl.csv", () => synthetic(8, 500, 10));
time(`stepwise BIC search, 8 lists: ${no8}`, null, () => estimate(no8t, { sensitivity: false }), 1);

clearInterval(timer);
sample();
const maxRss = process.resourceUsage().maxRSS * 1024;
const mb = Math.max(peak, maxRss) / 2 ** 20;
console.log(`peak memory (max RSS) ${mb.toFixed(0)} MB${mb < 500 ? "  (target < 500 MB: met)" : "  (target < 500 MB: MISSED)"}`);
