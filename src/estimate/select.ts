import { allHierarchicalModels, closure, generators, independence, isSaturated, modelKey, popcount, type Model } from "./model.ts";
import { fitLoglinear, prepare, type LoglinearFit, type LoglinearResult, type Prepared } from "./loglinear.ts";
import { poissonCdf, poissonUpper } from "./special.ts";
import type { CaptureTable } from "./table.ts";

export type Criterion = "aic" | "bic";

/** One fitted model with its rank and weight under the chosen criterion. */
export interface RankedModel {
  fit: LoglinearFit;
  score: number;
  delta: number;
  /** exp(−Δ/2), normalised over the models that could be fitted (Akaike or BIC weights). */
  weight: number;
}

export interface Selection {
  criterion: Criterion;
  /** How the candidate models were found. */
  search: "all" | "stepwise" | "pvalue-stepwise";
  ranked: RankedModel[];
  refused: { formula: string; reason: string }[];
  /** Number of candidate models considered. */
  considered: number;
}

/** The number of lists up to which every hierarchical model is fitted; beyond, a stepwise search. */
export const ALL_MODELS_MAX_LISTS = 5;

const scoreOf = (fit: LoglinearFit, c: Criterion) => (c === "aic" ? fit.aic : fit.bic);

function rank(fits: LoglinearFit[], criterion: Criterion): RankedModel[] {
  const scored = fits.map((fit) => ({ fit, score: scoreOf(fit, criterion) })).sort((a, b) => a.score - b.score || a.fit.npar - b.fit.npar);
  const best = scored[0]?.score ?? 0;
  let total = 0;
  const out = scored.map((s) => {
    const w = Math.exp(-(s.score - best) / 2);
    total += w;
    return { ...s, delta: s.score - best, weight: w };
  });
  for (const r of out) r.weight /= total;
  return out;
}

/**
 * Fits every hierarchical model that holds all main effects and not the
 * interaction of all lists (8 models for 3 lists, 113 for 4, 6,893 for 5) and
 * ranks those whose estimate exists by AIC or BIC.
 */
export function selectAll(table: CaptureTable | Prepared, criterion: Criterion = "bic", opts: { maxOrder?: number } = {}): Selection {
  const prep = "y" in table ? table : prepare(table);
  const models = allHierarchicalModels(prep.k, opts.maxOrder);
  const fits: LoglinearFit[] = [];
  const refused: { formula: string; reason: string }[] = [];
  for (const m of models) {
    const r = fitLoglinear(prep, m, { detail: false });
    if (r.ok) fits.push(r);
    else refused.push({ formula: r.formula, reason: r.reason });
  }
  return { criterion, search: "all", ranked: rank(fits, criterion), refused, considered: models.length };
}

/**
 * Greedy search over hierarchical models for tables with many lists: from
 * independence, repeatedly make the single change (add a term whose every
 * sub-term is present, or drop a maximal term) that most lowers the criterion,
 * until none does. Every model visited is kept for the ranking.
 */
export function selectStepwise(table: CaptureTable | Prepared, criterion: Criterion = "bic", opts: { maxOrder?: number; maxSteps?: number } = {}): Selection {
  const prep = "y" in table ? table : prepare(table);
  const k = prep.k;
  const maxOrder = Math.min(opts.maxOrder ?? 3, k - 1);
  const cache = new Map<string, LoglinearResult>();
  const fit = (m: Model): LoglinearResult => {
    const key = modelKey(m);
    let r = cache.get(key);
    if (!r) cache.set(key, (r = fitLoglinear(prep, m, { detail: false })));
    return r;
  };
  let current = independence(k);
  let currentFit = fit(current);
  if (!currentFit.ok) return { criterion, search: "stepwise", ranked: [], refused: [{ formula: currentFit.formula, reason: currentFit.reason }], considered: 1 };
  for (let step = 0; step < (opts.maxSteps ?? 200); step++) {
    const termSet = new Set(current.terms);
    const neighbours: Model[] = [];
    // Additions: a term may join when all its sub-terms one order down are present.
    for (let t = 1; t < 1 << k; t++) {
      const o = popcount(t);
      if (o < 2 || o > maxOrder || termSet.has(t)) continue;
      let ok = true;
      for (let b = t; b; b &= b - 1) if (!termSet.has(t & ~(b & -b))) ok = false;
      if (ok) neighbours.push(closure(k, [...generators(current), t]));
    }
    // Removals: drop one maximal term (its sub-terms stay as generators).
    for (const g of generators(current)) {
      const rest = current.terms.filter((t) => t !== g && popcount(t) >= 2);
      neighbours.push(closure(k, rest));
    }
    let best: { m: Model; f: LoglinearFit } | null = null;
    for (const m of neighbours) {
      if (isSaturated(m)) continue;
      const r = fit(m);
      if (r.ok && scoreOf(r, criterion) < (best ? scoreOf(best.f, criterion) : scoreOf(currentFit, criterion)) - 1e-9) best = { m, f: r };
    }
    if (!best) break;
    current = best.m;
    currentFit = best.f;
  }
  const fits = [...cache.values()].filter((r): r is LoglinearFit => r.ok);
  const refused = [...cache.values()].filter((r) => !r.ok).map((r) => ({ formula: r.formula, reason: (r as { reason: string }).reason }));
  return { criterion, search: "stepwise", ranked: rank(fits, criterion), refused, considered: cache.size };
}

/**
 * The stepwise rule of Chan, Silverman & Vincent (SparseMSE's `stepwisefit`):
 * from main effects, add two-list interactions one at a time, each time the one
 * whose overlap count has the smallest one-sided Poisson p-value under the
 * current fit, while that p-value is below `threshold` (default 0.02) and the new
 * model's estimate exists with every parameter finite and identifiable. Returns
 * the models on the path, the last being the choice.
 */
export function selectPValueStepwise(table: CaptureTable | Prepared, threshold = 0.02): { path: LoglinearFit[]; refused: { formula: string; reason: string }[] } {
  const prep = "y" in table ? table : prepare(table);
  const k = prep.k;
  const pairs: number[] = [];
  for (let i = 0; i < k - 1; i++) for (let j = i + 1; j < k; j++) pairs.push((1 << i) | (1 << j));
  const nstar = pairs.map((t) => {
    let s = 0;
    for (let c = t; c < prep.cells; c = (c + 1) | t) s += prep.y[c]!;
    return s;
  });
  const first = fitLoglinear(prep, independence(k));
  if (!first.ok) return { path: [], refused: [{ formula: first.formula, reason: first.reason }] };
  const path: LoglinearFit[] = [first];
  const refused: { formula: string; reason: string }[] = [];
  const included: number[] = [];
  let current = first;
  for (let cycle = 0; cycle < pairs.length; cycle++) {
    let bestP = 1;
    let bestJ = -1;
    let bestFit: LoglinearFit | null = null;
    pairs.forEach((t, j) => {
      if (included.includes(t)) return;
      let pstar = 0;
      for (let c = t; c < prep.cells; c = (c + 1) | t) pstar += current.fitted[c]!;
      let p = Math.min(poissonCdf(nstar[j]!, pstar), poissonUpper(nstar[j]! - 1, pstar));
      const cand = fitLoglinear(prep, closure(k, [...included, t]), { detail: false });
      if (!cand.ok || !cand.strict) {
        if (!cand.ok) refused.push({ formula: cand.formula, reason: cand.reason });
        p = 1;
      }
      if (p < bestP) {
        bestP = p;
        bestJ = j;
        bestFit = cand.ok ? cand : null;
      }
    });
    if (bestJ < 0 || bestP >= threshold || !bestFit) break;
    included.push(pairs[bestJ]!);
    current = bestFit;
    path.push(current);
  }
  return { path, refused };
}

/** All models for up to five lists, a stepwise search beyond. */
export function selectModels(table: CaptureTable | Prepared, criterion: Criterion = "bic"): Selection {
  const prep = "y" in table ? table : prepare(table);
  return prep.k <= ALL_MODELS_MAX_LISTS ? selectAll(prep, criterion) : selectStepwise(prep, criterion);
}
