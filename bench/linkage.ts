/**
 * Linkage benchmark: `npm run bench:linkage [-- --only NAME] [-- --million]`.
 * Each dataset runs in its own process so that its peak memory is its own.
 * Prints pairwise and cluster precision/recall/F1, the exact-name baseline,
 * time and peak memory; cross-script retrieval top-1/top-5 on real name pairs.
 */
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { cpus } from "node:os";
import { evaluateClusters, linkRecords, Preparer, personSpec } from "../src/linkage/index.ts";
import { crossScriptRetrieval, DATASETS, exactNameClusters, hasShared, namePairs, syntheticDataset, type Dataset } from "./lib/linkage-data.ts";

interface Row {
  dataset: string;
  rows: number;
  pairwise: string;
  cluster: string;
  baseline: string;
  seconds: number;
  peakMiB: number;
  note?: string;
}

const fmt = (s: { precision: number; recall: number; f1: number }): string => `${s.precision.toFixed(3)} / ${s.recall.toFixed(3)} / ${s.f1.toFixed(3)}`;

async function runOne(name: string): Promise<Row> {
  const t0 = performance.now();
  let data: Dataset;
  if (name === "names") {
    const r = crossScriptRetrieval(namePairs());
    return {
      dataset: `cross-script names (${r.queries} Persian vs ${r.candidates} Latin)`,
      rows: r.queries,
      pairwise: `top-1 ${r.top1.toFixed(3)}, top-5 ${r.top5.toFixed(3)}`,
      cluster: "",
      baseline: `top-1 ${r.baselineTop1.toFixed(3)} (skeleton keys)`,
      seconds: (performance.now() - t0) / 1000,
      peakMiB: process.resourceUsage().maxRSS / 1024,
    };
  }
  if (name.startsWith("synthetic")) {
    const people = Number(name.split(":")[1] ?? 2000);
    data = syntheticDataset({ people, seed: 7 });
  } else data = await DATASETS[name]!.load();
  const prep = new Preparer();
  const prepared = data.entries.map((e) => prep.prepare(e.person));
  // The million-row run splits blocks above 100 rows (instead of 500) to bound the candidate pairs.
  const result = linkRecords(prepared, personSpec(prep), { threshold: 0.5, ...(data.entries.length > 500_000 ? { maxBlockSize: 100 } : {}) });
  const seconds = (performance.now() - t0) / 1000;
  const ev = evaluateClusters(result.clustering.cluster, data.truth);
  const base = evaluateClusters(exactNameClusters(data.entries), data.truth);
  const s = result.stats.seconds;
  return {
    dataset: data.name,
    rows: data.entries.length,
    pairwise: fmt(ev.pairwise),
    cluster: fmt(ev.cluster),
    baseline: `${base.pairwise.f1.toFixed(3)} / ${base.cluster.f1.toFixed(3)}`,
    seconds,
    peakMiB: process.resourceUsage().maxRSS / 1024,
    note: `prior ${result.model.lambda.toExponential(2)}, EM ${result.model.iterations} iterations; ${result.stats.candidatePairs} candidate pairs; blocking ${s.blocking.toFixed(1)} s, training ${s.training.toFixed(1)} s, scoring ${s.scoring.toFixed(1)} s, clustering ${s.clustering.toFixed(1)} s; ${result.stats.skippedBlocks.length} oversized blocks skipped; ${data.blanked} unreadable cells blank`,
  };
}

const args = process.argv.slice(2);
const childIndex = args.indexOf("--child");
if (childIndex >= 0) {
  const row = await runOne(args[childIndex + 1]!);
  process.stdout.write(`${JSON.stringify(row)}\n`);
} else {
  const only = args.includes("--only") ? args[args.indexOf("--only") + 1]!.split(",") : undefined;
  const names = [...Object.keys(DATASETS).filter((n) => DATASETS[n]!.files.every((f) => hasShared(f))), ...(hasShared("data/names/omid1988_victims_names.csv") ? ["names"] : []), "synthetic:2000", "synthetic:20000"];
  if (args.includes("--million")) names.push("synthetic:476000");
  const selected = only ? names.filter((n) => only.some((o) => n === o || n.startsWith(`${o}:`))).concat(only.filter((o) => o.startsWith("synthetic:") && !names.includes(o))) : names;
  const missing = Object.keys(DATASETS).filter((n) => !DATASETS[n]!.files.every((f) => hasShared(f)));
  if (missing.length) console.log(`shared data not found for: ${missing.join(", ")} (set VIGIL_SHARED_DIR)`);
  console.log(`node ${process.version}, ${cpus().length} × ${cpus()[0]?.model ?? "cpu"}`);
  console.log("| dataset | rows | pairwise P / R / F1 | cluster P / R / F1 | exact-name baseline pairwise F1 / cluster F1 | time (s) | peak RSS (MiB) |");
  console.log("|---|---:|---|---|---|---:|---:|");
  const here = fileURLToPath(import.meta.url);
  for (const n of selected) {
    const heap = n === "synthetic:476000" ? ["--max-old-space-size=7500"] : [];
    const child = spawnSync(process.execPath, [...heap, "--import", "tsx", here, "--child", n], { encoding: "utf8", maxBuffer: 1 << 26 });
    if (child.status !== 0) {
      console.log(`| ${n} | failed: ${(child.stderr || "").split("\n").slice(-5).join(" ")} |`);
      continue;
    }
    const row = JSON.parse(child.stdout.trim().split("\n").pop()!) as Row;
    console.log(`| ${row.dataset} | ${row.rows} | ${row.pairwise} | ${row.cluster} | ${row.baseline} | ${row.seconds.toFixed(1)} | ${Math.round(row.peakMiB)} |`);
    if (row.note) console.log(`|  ↳ ${row.note} | | | | | | |`);
  }
}
