import type { Comparison } from "./engine.ts";
import type { PatternTable } from "./engine.ts";

/** m and u probabilities of one comparison, per level (index 0, "missing", unused). */
export interface ComparisonParameters {
  name: string;
  levels: readonly string[];
  m: number[];
  u: number[];
}

/** A trained Fellegi–Sunter model. */
export interface FellegiSunterModel {
  /** Prior probability that two records drawn at random are the same person. */
  lambda: number;
  comparisons: ComparisonParameters[];
  /** EM iterations run, and whether they converged. */
  iterations: number;
  converged: boolean;
}

/**
 * u probabilities from random pairs: almost every random pair is two
 * different people, so how often a level occurs among them is the chance it
 * occurs by coincidence. Levels never seen get half a count (smoothing).
 */
export function estimateU(comparisons: readonly Comparison<unknown>[], sample: PatternTable): number[][] {
  return comparisons.map((c, k) => {
    const counts = new Array<number>(c.levels.length).fill(0.5);
    counts[0] = 0;
    sample.levels.forEach((lv, p) => {
      const l = lv[k]!;
      if (l > 0) counts[l]! += sample.counts[p]!;
    });
    const total = counts.reduce((s, x) => s + x, 0);
    return counts.map((x) => x / total);
  });
}

/** Starting m: stronger levels (higher index) more likely among matches. */
function initialM(levelCount: number): number[] {
  const m = new Array<number>(levelCount).fill(0);
  let total = 0;
  for (let l = 1; l < levelCount; l++) {
    m[l] = Math.exp(1.2 * l);
    total += m[l]!;
  }
  return m.map((x) => x / total);
}

/**
 * Expectation–maximisation for m and the prior, with u held at its
 * random-pair estimate (as Splink does). The E-step runs over the candidate
 * pairs only; every other pair of the `totalPairs` is taken to be a
 * non-match, which blocking makes true for all but a negligible few. That
 * keeps the prior a prior over all pairs, so that the probabilities it gives
 * mean what they say however the candidates were chosen.
 */
export function trainModel(
  comparisons: readonly Comparison<unknown>[],
  u: number[][],
  candidates: PatternTable,
  totalPairs: number,
  options: { maxIterations?: number; tolerance?: number; initialLambda?: number } = {},
): FellegiSunterModel {
  const K = comparisons.length;
  let m = comparisons.map((c) => initialM(c.levels.length));
  let lambda = options.initialLambda ?? Math.min(0.5, 1 / Math.max(2, Math.sqrt(totalPairs)));
  const maxIterations = options.maxIterations ?? 100;
  const tolerance = options.tolerance ?? 1e-6;
  const P = candidates.levels.length;
  const post = new Float64Array(P);
  let iterations = 0;
  let converged = false;
  for (; iterations < maxIterations; iterations++) {
    const logPrior = Math.log(lambda / (1 - lambda));
    let expectedMatches = 0;
    for (let p = 0; p < P; p++) {
      const lv = candidates.levels[p]!;
      let w = logPrior;
      for (let k = 0; k < K; k++) {
        const l = lv[k]!;
        if (l > 0) w += Math.log(m[k]![l]! / u[k]![l]!);
      }
      post[p] = w > 40 ? 1 : 1 / (1 + Math.exp(-w));
      expectedMatches += post[p]! * candidates.counts[p]!;
    }
    const newM = comparisons.map((c) => new Array<number>(c.levels.length).fill(0));
    for (let p = 0; p < P; p++) {
      const weight = post[p]! * candidates.counts[p]!;
      if (weight === 0) continue;
      const lv = candidates.levels[p]!;
      for (let k = 0; k < K; k++) {
        const l = lv[k]!;
        if (l > 0) newM[k]![l]! += weight;
      }
    }
    let delta = 0;
    for (let k = 0; k < K; k++) {
      const row = newM[k]!;
      // A small pseudo-count keeps unseen levels possible without letting them matter.
      const L = row.length;
      let total = 0;
      for (let l = 1; l < L; l++) {
        row[l] = row[l]! + 0.01;
        total += row[l]!;
      }
      for (let l = 1; l < L; l++) {
        row[l] = row[l]! / total;
        delta = Math.max(delta, Math.abs(row[l]! - m[k]![l]!));
      }
    }
    m = newM;
    const newLambda = Math.min(0.5, Math.max(1e-12, expectedMatches / totalPairs));
    delta = Math.max(delta, Math.abs(newLambda - lambda) / lambda);
    lambda = newLambda;
    if (delta < tolerance) {
      converged = true;
      iterations++;
      break;
    }
  }
  return { lambda, iterations, converged, comparisons: comparisons.map((c, k) => ({ name: c.name, levels: c.levels, m: m[k]!, u: u[k]! })) };
}

/** Log Bayes factor (natural log) of each level of each comparison. */
export function levelWeights(model: FellegiSunterModel): number[][] {
  return model.comparisons.map((c) => c.m.map((m, l) => (l === 0 ? 0 : Math.log(m / c.u[l]!))));
}

/** Probability from a log prior odds plus log Bayes factor. */
export function probabilityFromLogOdds(logOdds: number): number {
  if (logOdds > 40) return 1;
  if (logOdds < -40) return 0;
  return 1 / (1 + Math.exp(-logOdds));
}
