import { VigilError } from "../core/errors.ts";
import { estimateWithDraws, type Caveat, type EstimateOptions, type EstimateReport, type Method } from "./estimate.ts";
import { quantile } from "./lcmcr.ts";
import { Random } from "./random.ts";
import { observedTotal, type CaptureTable } from "./table.ts";

/**
 * Stratified estimation: each stratum (province, year, sex …) is estimated on
 * its own, because capture patterns often differ between strata and pooling
 * them biases the total. The total is the sum of the stratum estimates; its
 * interval comes from summing independent draws of each stratum's total (the
 * posterior draws for the Bayesian methods, draws from the normalised profile
 * likelihood for log-linear models) and taking the 2.5% and 97.5% quantiles.
 */

export interface StratifiedReport {
  method: Method;
  lists: string[];
  observed: number;
  /** Sum of stratum estimates; null when some stratum has no estimate. */
  N: number | null;
  interval: [number | null, number | null];
  intervalMethod: string;
  strata: { stratum: string; report: EstimateReport }[];
  refused: { stratum: string; reason: string }[];
  caveats: Caveat[];
}

export interface StratifiedOptions extends EstimateOptions {
  /** Draws per stratum for the combined interval (default 20,000). */
  draws?: number;
  /** How to name a stratum in messages (default: its key). */
  label?: (stratum: string) => string;
}

/** Estimates each stratum and combines them. Strata whose estimate is refused are listed, and then the total is not given. */
export function estimateStratified(tables: Map<string | null, CaptureTable> | Record<string, CaptureTable>, opts: StratifiedOptions = {}): StratifiedReport {
  const entries = (tables instanceof Map ? [...tables] : Object.entries(tables)).map(([k, t]) => [k ?? "(no stratum)", t] as const).sort((a, b) => a[0].localeCompare(b[0]));
  if (entries.length === 0) throw new VigilError("validation", "no strata to estimate", { where: { field: "strata" } });
  const method = opts.method ?? "loglinear";
  const lists = [...entries[0]![1].lists];
  const m = opts.draws ?? 20000;
  const rng = new Random((opts.seed ?? 1) + 7919);
  const strata: StratifiedReport["strata"] = [];
  const refused: StratifiedReport["refused"] = [];
  const sum = new Float64Array(m);
  let observed = 0;
  entries.forEach(([name, table], i) => {
    observed += observedTotal(table);
    try {
      const seed = opts.seed !== undefined ? opts.seed + 1000 * i : undefined;
      // Progress over all strata, not restarting with each.
      const onProgress = opts.onProgress ? (done: number, total: number) => opts.onProgress!(i * total + done, entries.length * total) : undefined;
      const { report, draw } = estimateWithDraws(table, { ...opts, sensitivity: opts.sensitivity ?? false, ...(seed !== undefined ? { seed } : {}), ...(onProgress ? { onProgress } : {}) });
      strata.push({ stratum: name, report });
      const d = draw(rng, m);
      for (let j = 0; j < m; j++) sum[j]! += d[j]!;
    } catch (err) {
      if (err instanceof VigilError) refused.push({ stratum: name, reason: err.message });
      else throw err;
    }
  });
  const caveats: Caveat[] = [
    {
      kind: "assumptions",
      text: "Each stratum is estimated separately and the totals are added. Small strata give unstable estimates; merging strata with similar recording is often wiser than estimating each on its own.",
    },
  ];
  const pooled = strata[0]?.report.caveats.filter((c) => c.kind === "dependence" || c.kind === "heterogeneity" || c.kind === "linkage") ?? [];
  caveats.push(...pooled);
  if (refused.length) {
    caveats.push({ kind: "model-uncertainty", text: `No estimate for ${refused.map((r) => (opts.label ? opts.label(r.stratum) : r.stratum)).join(", ")}; the total is therefore not given. Merge those strata with others or choose another model.` });
    return { method, lists, observed, N: null, interval: [null, null], intervalMethod: "not computed", strata, refused, caveats };
  }
  const sorted = Float64Array.from(sum).sort();
  const hi = quantile(sorted, 0.975);
  if (!Number.isFinite(hi)) caveats.push({ kind: "unbounded", text: "At least one stratum has no upper limit, so neither has the total." });
  return {
    method,
    lists,
    observed,
    N: strata.reduce((s, x) => s + x.report.N, 0),
    interval: [quantile(sorted, 0.025), Number.isFinite(hi) ? hi : null],
    intervalMethod: method === "loglinear" ? "sum of draws from each stratum's normalised profile likelihood, 2.5%–97.5%" : "sum of independent posterior draws per stratum, 2.5%–97.5%",
    strata,
    refused,
    caveats,
  };
}
