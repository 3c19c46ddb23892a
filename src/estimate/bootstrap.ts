import { Random } from "./random.ts";
import { pnorm, qnorm } from "./special.ts";
import { observedTotal, type CaptureTable } from "./table.ts";

/**
 * Bias-corrected and accelerated (BCa) bootstrap of a whole estimation
 * procedure, model choice included, as Chan, Silverman & Vincent propose for
 * sparse tables (SparseMSE's `estimatepopulation`): multinomial resamples of the
 * observed patterns, a jackknife that removes one person from each observed
 * pattern for the acceleration, and R's type-8 quantiles of the replicates.
 */
export interface BcaResult {
  estimate: number;
  low: number;
  high: number;
  reps: Float64Array;
  /** Replicates the procedure could not estimate (left out). */
  failed: number;
  z0: number;
  acceleration: number;
}

export function bcaBootstrap(table: CaptureTable, estimator: (t: CaptureTable) => number | null, opts: { reps?: number; seed?: number; level?: number } = {}): BcaResult | null {
  const reps = opts.reps ?? 200;
  const level = opts.level ?? 0.95;
  const rng = new Random(opts.seed ?? 1);
  const est = estimator(table);
  if (est === null) return null;
  const n = observedTotal(table);
  const cells: number[] = [];
  for (let p = 1; p < table.counts.length; p++) if (table.counts[p]! > 0) cells.push(p);
  const probs = cells.map((c) => table.counts[c]!);
  const draw = new Float64Array(cells.length);
  const out: number[] = [];
  let failed = 0;
  for (let r = 0; r < reps; r++) {
    rng.multinomial(n, probs, draw);
    const counts = new Float64Array(table.counts.length);
    cells.forEach((c, i) => (counts[c] = draw[i]!));
    const v = estimator({ lists: table.lists, counts });
    if (v === null || !Number.isFinite(v)) failed++;
    else out.push(v);
  }
  if (out.length < 10) return null;
  const jack = cells.map((c) => {
    const counts = Float64Array.from(table.counts);
    counts[c]! -= 1;
    return estimator({ lists: table.lists, counts }) ?? est;
  });
  const w = cells.map((c) => table.counts[c]!);
  const wsum = w.reduce((a, b) => a + b, 0);
  const jmean = jack.reduce((s, v, i) => s + w[i]! * v, 0) / wsum;
  let num = 0;
  let den = 0;
  jack.forEach((v, i) => {
    const d = jmean - v;
    num += w[i]! * d ** 3;
    den += w[i]! * d ** 2;
  });
  const acceleration = den > 0 ? num / (6 * den ** 1.5) : 0;
  const sorted = Float64Array.from(out).sort();
  const below = out.filter((v) => v < est).length / out.length;
  const z0 = qnorm(below);
  const adj = (alpha: number) => {
    const za = qnorm(alpha) + z0;
    return pnorm(z0 + za / (1 - acceleration * za));
  };
  const a = (1 - level) / 2;
  return { estimate: est, low: quantile8(sorted, adj(a)), high: quantile8(sorted, adj(1 - a)), reps: Float64Array.from(out), failed, z0, acceleration };
}

/** R's quantile type 8 (median-unbiased) of sorted values. */
export function quantile8(x: ArrayLike<number>, p: number): number {
  const n = x.length;
  const m = (p + 1) / 3;
  const h = n * p + m;
  const j = Math.floor(h);
  const g = h - j;
  const at = (i: number) => x[Math.min(n, Math.max(1, i)) - 1]!;
  return (1 - g) * at(j) + g * at(j + 1);
}
