import { validation } from "../core/errors.ts";
import { Random } from "./random.ts";
import { observedTotal, type CaptureTable } from "./table.ts";

/**
 * Manrique-Vallier's (2016) non-parametric latent-class model for capture–
 * recapture (the R package LCMCR): people fall in latent classes, within a class
 * the lists capture independently, class weights follow a truncated
 * stick-breaking (Dirichlet-process) prior with concentration α ~ Gamma(a, b),
 * capture probabilities are uniform a priori and N has the scale prior 1/N.
 * A Gibbs sampler with data augmentation draws, in turn, the classes of the
 * observed people (by pattern counts), the number of missing people and their
 * classes, the capture probabilities, the stick-breaking weights and α.
 * The heterogeneity between people is what this model captures and the
 * log-linear models do not; dependence between lists within a class is not.
 */

export interface LcmcrOptions {
  /** Truncation: the largest number of latent classes (default 10). */
  K?: number;
  /** Gamma prior on the stick-breaking concentration α: shape a and rate b (default 0.25, 0.25, as LCMCR). */
  aAlpha?: number;
  bAlpha?: number;
  /** Iterations discarded at the start of each chain (default 10,000). */
  burnIn?: number;
  /** Iterations after burn-in in each chain (default 10,000). */
  iterations?: number;
  /** Keep one draw in `thin` (default 10). */
  thin?: number;
  /** Independent chains, for the convergence diagnostics (default 2). */
  chains?: number;
  /** Seed of the first chain; chain c uses seed + c. Default 1. */
  seed?: number;
  /** Called now and then with iterations done and total, for progress bars. */
  onProgress?: (done: number, total: number) => void;
}

export interface Diagnostics {
  /** Split-R̂ of log N across chains and chain halves (Vehtari et al. 2021 without ranks); near 1 when chains agree. */
  rhat: number;
  /** Effective sample size of N over all chains (Geyer's initial monotone sequence). */
  ess: number;
  /** Geweke z-scores per chain: first 10% against last 50% of the kept draws. */
  geweke: number[];
  /** Problems found, in words; empty when the diagnostics look fine. */
  warnings: string[];
}

export interface LcmcrResult {
  options: Required<Omit<LcmcrOptions, "onProgress">>;
  observed: number;
  /** Kept draws of N, chain after chain. */
  samples: Float64Array;
  chains: Float64Array[];
  median: number;
  mean: number;
  low: number;
  high: number;
  /** Posterior mean number of classes with at least one person. */
  occupiedClasses: number;
  diagnostics: Diagnostics;
}

/** Default settings, also used by the CLI's help text. */
export const LCMCR_DEFAULTS = { K: 10, aAlpha: 0.25, bAlpha: 0.25, burnIn: 10000, iterations: 10000, thin: 10, chains: 2, seed: 1 } as const;

/** Runs the sampler and returns the posterior of N with diagnostics. Deterministic for a given seed. */
export function lcmcr(table: CaptureTable, opts: LcmcrOptions = {}): LcmcrResult {
  const o = { ...LCMCR_DEFAULTS, ...Object.fromEntries(Object.entries(opts).filter(([k, v]) => v !== undefined && k !== "onProgress")) } as Required<Omit<LcmcrOptions, "onProgress">>;
  const checkInt = (name: string, v: number, min: number) => {
    if (!Number.isInteger(v) || v < min) throw validation(`${name} must be a whole number ≥ ${min}; got ${v}`, { field: name });
  };
  checkInt("K", o.K, 1);
  checkInt("burnIn", o.burnIn, 0);
  checkInt("iterations", o.iterations, 1);
  checkInt("thin", o.thin, 1);
  checkInt("chains", o.chains, 1);
  if (!(o.aAlpha > 0 && o.bAlpha > 0)) throw validation("the prior on α needs positive shape and rate", { field: "aAlpha" });
  if (o.iterations / o.thin < 2) throw validation("iterations / thin must leave at least 2 kept draws", { field: "iterations" });
  const n = observedTotal(table);
  const total = o.chains * (o.burnIn + o.iterations);
  let done = 0;
  const chains: Float64Array[] = [];
  let occupied = 0;
  for (let c = 0; c < o.chains; c++) {
    const res = runChain(table, o, o.seed + c, (d) => {
      done += d;
      opts.onProgress?.(done, total);
    });
    chains.push(res.draws);
    occupied += res.occupied;
  }
  const samples = new Float64Array(chains.reduce((s, ch) => s + ch.length, 0));
  let off = 0;
  for (const ch of chains) {
    samples.set(ch, off);
    off += ch.length;
  }
  const sorted = Float64Array.from(samples).sort();
  let mean = 0;
  for (const v of samples) mean += v / samples.length;
  return {
    options: o,
    observed: n,
    samples,
    chains,
    median: quantile(sorted, 0.5),
    mean,
    low: quantile(sorted, 0.025),
    high: quantile(sorted, 0.975),
    occupiedClasses: occupied / o.chains,
    diagnostics: diagnose(chains),
  };
}

function runChain(table: CaptureTable, o: Required<Omit<LcmcrOptions, "onProgress">>, seed: number, progress: (d: number) => void): { draws: Float64Array; occupied: number } {
  const rng = new Random(seed);
  const J = table.lists.length;
  const K = o.K;
  const pats: number[] = [];
  const cnts: number[] = [];
  for (let p = 1; p < table.counts.length; p++) {
    if (table.counts[p]! > 0) {
      pats.push(p);
      cnts.push(table.counts[p]!);
    }
  }
  const n = cnts.reduce((a, b) => a + b, 0);
  // Start where the data point (as LCMCR does): every class captures with each
  // list's observed share, most weight on a few classes, a small α; then a
  // warm-up with α held fixed before the burn-in proper. A random start can
  // leave the chain for a long time in a poor local mode.
  const lambda = new Float64Array(J * K);
  for (let j = 0; j < J; j++) {
    let on = 0;
    for (let x = 0; x < pats.length; x++) if ((pats[x]! >> j) & 1) on += cnts[x]!;
    // Classes after the first start with lower capture probabilities (down to 1/16 of the list's share):
    // an over-dispersed start with many missing people, from which the chain descends
    // into the main mode instead of stalling in a small-N local mode.
    for (let k = 0; k < K; k++) lambda[j * K + k] = clampOpen((on / n) * 2 ** (K > 1 ? (-4 * k) / (K - 1) : 0));
  }
  const logPi = new Float64Array(K);
  let alpha = 0.3 / K;
  for (let k = 0; k < K; k++) logPi[k] = Math.log(K <= 4 ? 1 / K : k < 4 ? 0.225 : 0.1 / (K - 4));
  const logL1 = new Float64Array(J * K);
  const logL0 = new Float64Array(J * K);
  const w = new Float64Array(K);
  const alloc = new Float64Array(K);
  const classCount = new Float64Array(K);
  const onList = new Float64Array(J * K);
  const keep = Math.floor(o.iterations / o.thin);
  const draws = new Float64Array(keep);
  let kept = 0;
  let occupiedSum = 0;
  const totalIter = o.burnIn + o.iterations;
  for (let it = -WARM_UP; it < totalIter; it++) {
    if (it === 0) sortClasses(logPi, lambda, J, K);
    for (let i = 0; i < J * K; i++) {
      logL1[i] = Math.log(lambda[i]!);
      logL0[i] = Math.log1p(-lambda[i]!);
    }
    classCount.fill(0);
    onList.fill(0);
    // 1. Classes of the observed people, pattern by pattern.
    for (let x = 0; x < pats.length; x++) {
      const pat = pats[x]!;
      let max = -Infinity;
      for (let k = 0; k < K; k++) {
        let lw = logPi[k]!;
        for (let j = 0; j < J; j++) lw += (pat >> j) & 1 ? logL1[j * K + k]! : logL0[j * K + k]!;
        w[k] = lw;
        if (lw > max) max = lw;
      }
      for (let k = 0; k < K; k++) w[k] = Math.exp(w[k]! - max);
      rng.multinomial(cnts[x]!, w, alloc);
      for (let k = 0; k < K; k++) {
        const a = alloc[k]!;
        if (a === 0) continue;
        classCount[k]! += a;
        for (let j = 0; j < J; j++) if ((pat >> j) & 1) onList[j * K + k]! += a;
      }
    }
    // 2. The missing people: how many, then their classes.
    let pi0 = 0;
    for (let k = 0; k < K; k++) {
      let lw = logPi[k]!;
      for (let j = 0; j < J; j++) lw += logL0[j * K + k]!;
      w[k] = Math.exp(lw);
      pi0 += w[k]!;
    }
    pi0 = Math.min(pi0, 1 - 1e-15);
    const n0 = rng.negativeBinomial(n, 1 - pi0);
    rng.multinomial(n0, w, alloc);
    let occupied = 0;
    for (let k = 0; k < K; k++) {
      classCount[k]! += alloc[k]!;
      if (classCount[k]! > 0) occupied++;
    }
    // 3. Capture probabilities: missing people are on no list.
    for (let j = 0; j < J; j++)
      for (let k = 0; k < K; k++) {
        const s = onList[j * K + k]!;
        lambda[j * K + k] = clampOpen(rng.beta(1 + s, 1 + classCount[k]! - s));
      }
    // 4. Stick-breaking weights, then α.
    let cum = 0;
    let after = 0;
    for (let k = 0; k < K; k++) after += classCount[k]!;
    for (let k = 0; k < K - 1; k++) {
      after -= classCount[k]!;
      const [lv, l1mv] = rng.logBeta(1 + classCount[k]!, alpha + after);
      logPi[k] = cum + lv;
      cum += l1mv;
    }
    logPi[K - 1] = cum;
    if (it >= 0) alpha = rng.gamma(o.aAlpha + K - 1) / (o.bAlpha - cum);
    if (it >= o.burnIn) {
      occupiedSum += occupied;
      if ((it - o.burnIn + 1) % o.thin === 0 && kept < keep) draws[kept++] = n + n0;
    }
    if (it >= 0 && (it & 1023) === 1023) progress(1024);
  }
  progress(totalIter & 1023);
  return { draws, occupied: occupiedSum / o.iterations };
}

/**
 * Reorders classes by decreasing weight once, after the warm-up (as LCMCR does):
 * the stick-breaking prior favours big classes first, and a start that
 * contradicts it mixes slowly. Done once, it is part of the initial state.
 */
function sortClasses(logPi: Float64Array, lambda: Float64Array, J: number, K: number): void {
  const order = Array.from({ length: K }, (_, k) => k).sort((a, b) => logPi[b]! - logPi[a]!);
  const lp = Float64Array.from(order, (k) => logPi[k]!);
  const lam = new Float64Array(J * K);
  for (let j = 0; j < J; j++) order.forEach((k, i) => (lam[j * K + i] = lambda[j * K + k]!));
  logPi.set(lp);
  lambda.set(lam);
}

/** Iterations with α held fixed before the burn-in, from LCMCR's initialisation. */
const WARM_UP = 500;

function clampOpen(x: number): number {
  // Beta draws with huge counts can round to exactly 0 or 1; the logs above need the open interval.
  return Math.min(Math.max(x, 1e-300), 1 - 1e-16);
}

/** Sample quantile by linear interpolation (R's type 7) of sorted values. */
export function quantile(sorted: ArrayLike<number>, q: number): number {
  const h = (sorted.length - 1) * q;
  const lo = Math.floor(h);
  const hi = Math.min(lo + 1, sorted.length - 1);
  return sorted[lo]! + (h - lo) * (sorted[hi]! - sorted[lo]!);
}

function meanVar(x: ArrayLike<number>, from = 0, to = x.length): [number, number] {
  let m = 0;
  const len = to - from;
  for (let i = from; i < to; i++) m += x[i]!;
  m /= len;
  let v = 0;
  for (let i = from; i < to; i++) v += (x[i]! - m) ** 2;
  return [m, v / (len - 1)];
}

/** Effective sample size of one series by Geyer's initial monotone positive sequence. */
export function effectiveSize(x: ArrayLike<number>): number {
  const n = x.length;
  const [m, v] = meanVar(x);
  if (!(v > 0)) return n;
  const acov = (lag: number) => {
    let s = 0;
    for (let i = 0; i + lag < n; i++) s += (x[i]! - m) * (x[i + lag]! - m);
    return s / n;
  };
  const v0 = acov(0);
  let sum = 0;
  let prev = Infinity;
  for (let t = 0; 2 * t + 1 < n; t++) {
    let pair = (acov(2 * t) + acov(2 * t + 1)) / v0;
    if (pair <= 0) break;
    pair = Math.min(pair, prev);
    prev = pair;
    sum += pair;
  }
  const tau = Math.max(1, 2 * sum - 1);
  return n / tau;
}

/** Convergence diagnostics on log N across chains. */
export function diagnose(chains: Float64Array[]): Diagnostics {
  const logs = chains.map((c) => c.map((v) => Math.log(v)));
  const warnings: string[] = [];
  // Split-R̂: every chain cut in two halves.
  const halves: Float64Array[] = [];
  for (const c of logs) {
    const h = Math.floor(c.length / 2);
    halves.push(c.subarray(0, h), c.subarray(c.length - h));
  }
  const len = halves[0]!.length;
  const stats = halves.map((h) => meanVar(h));
  const grand = stats.reduce((s, [m]) => s + m, 0) / stats.length;
  const B = (len / (stats.length - 1)) * stats.reduce((s, [m]) => s + (m - grand) ** 2, 0);
  const W = stats.reduce((s, [, v]) => s + v, 0) / stats.length;
  const rhat = W > 0 ? Math.sqrt(((len - 1) / len) * W + B / len) / Math.sqrt(W) : 1;
  const ess = logs.reduce((s, c) => s + effectiveSize(c), 0);
  const geweke = logs.map((c) => {
    const a = Math.max(2, Math.floor(c.length * 0.1));
    const b = Math.floor(c.length * 0.5);
    const first = c.subarray(0, a);
    const last = c.subarray(c.length - b);
    const [m1, v1] = meanVar(first);
    const [m2, v2] = meanVar(last);
    const se2 = v1 / effectiveSize(first) + v2 / effectiveSize(last);
    return se2 > 0 ? (m1 - m2) / Math.sqrt(se2) : 0;
  });
  if (rhat > 1.05) warnings.push(`the chains disagree (split-R̂ = ${rhat.toFixed(3)} > 1.05): run longer (more burn-in and iterations)`);
  if (ess < 200) warnings.push(`only about ${Math.round(ess)} effectively independent draws: run longer or thin less`);
  const badGeweke = geweke.filter((z) => Math.abs(z) > 3);
  if (badGeweke.length) warnings.push(`the start and end of ${badGeweke.length === 1 ? "a chain" : "some chains"} differ (Geweke |z| > 3): increase the burn-in`);
  return { rhat, ess, geweke, warnings };
}
