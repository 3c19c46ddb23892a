import { validation } from "../core/errors.ts";
import { closure, formatModel, type Model } from "./model.ts";
import { lgamma } from "./special.ts";
import { observedTotal, type CaptureTable } from "./table.ts";

/**
 * Bayesian model averaging over decomposable graphical models (Madigan & York
 * 1997), as the R package dga computes it: each graph's cliques get a
 * hyper-Dirichlet prior with `delta` prior counts per cell of the full table,
 * the marginal likelihood of the completed table is computed in closed form for
 * every candidate number of missing people, multiplied by a prior on N, and
 * normalised jointly over graphs and N. Nothing is sampled: the answer is exact
 * on the grid of N values.
 */

/** A decomposable graph on the lists: its edges, cliques and (non-empty) separators as bitmasks. */
export interface DecomposableGraph {
  edges: [number, number][];
  cliques: number[];
  separators: number[];
}

export type PriorN = { kind: "improper" } | { kind: "negative-binomial"; a: number; b: number };

export interface BmaOptions {
  /** Prior counts per cell of the full 2^k table (hyper-Dirichlet). Default 2^-k: one prior person spread over all cells. */
  delta?: number;
  /** Candidate numbers of missing people, inclusive range and step. Default: from 0 until the posterior has vanished. */
  nMissing?: { from: number; to: number; step?: number };
  /** Prior on N: improper 1/N (dga's default) or dga's negative-binomial form. */
  priorN?: PriorN;
  /** How many models to keep in the returned per-model summaries (default 20). */
  keepModels?: number;
}

export interface PosteriorSummary {
  mean: number;
  median: number;
  mode: number;
  /** Madigan & York's Bayes estimate under relative squared-error loss: E[1/N] / E[1/N²]. */
  bayes: number;
  low: number;
  high: number;
}

export interface BmaModel {
  formula: string;
  model: Model;
  cliques: string[];
  probability: number;
  summary: PosteriorSummary;
}

export interface BmaResult {
  delta: number;
  priorN: PriorN;
  observed: number;
  /** The values of N on the grid, and their posterior probabilities (model-averaged). */
  N: Float64Array;
  posterior: Float64Array;
  summary: PosteriorSummary;
  /** Models by posterior probability (the top `keepModels`). */
  models: BmaModel[];
  graphsConsidered: number;
  /** Posterior mass in the last 1% of the grid: near zero means the grid was wide enough. */
  tailMass: number;
}

/** Every decomposable (chordal) graph on k vertices, with cliques and separators. */
export function decomposableGraphs(k: number): DecomposableGraph[] {
  const pairs: [number, number][] = [];
  for (let i = 0; i < k; i++) for (let j = i + 1; j < k; j++) pairs.push([i, j]);
  const out: DecomposableGraph[] = [];
  for (let mask = 0; mask < 1 << pairs.length; mask++) {
    const adj = new Array<number>(k).fill(0);
    const edges: [number, number][] = [];
    pairs.forEach(([i, j], e) => {
      if ((mask >> e) & 1) {
        adj[i]! |= 1 << j;
        adj[j]! |= 1 << i;
        edges.push([i, j]);
      }
    });
    const cs = chordalCliques(adj, k);
    if (cs) out.push({ edges, ...cs });
  }
  return out;
}

/**
 * Maximum cardinality search; the graph is chordal iff every vertex's earlier
 * neighbours form a clique. Cliques are then the maximal sets {v} ∪ earlier(v);
 * separators come from a maximum-weight spanning tree of the clique graph
 * (a junction tree), empty intersections left out.
 */
function chordalCliques(adj: number[], k: number): { cliques: number[]; separators: number[] } | null {
  const weight = new Array<number>(k).fill(0);
  let numbered = 0;
  const candidates: number[] = [];
  for (let step = 0; step < k; step++) {
    let v = -1;
    for (let u = 0; u < k; u++) if (!((numbered >> u) & 1) && (v < 0 || weight[u]! > weight[v]!)) v = u;
    const earlier = adj[v]! & numbered;
    for (let b = earlier; b; b &= b - 1) {
      const u = 31 - Math.clz32(b & -b);
      if ((adj[u]! & earlier) !== (earlier & ~(1 << u))) return null;
    }
    candidates.push(earlier | (1 << v));
    numbered |= 1 << v;
    for (let b = adj[v]! & ~numbered; b; b &= b - 1) weight[31 - Math.clz32(b & -b)]!++;
  }
  const cliques = candidates.filter((c) => !candidates.some((d) => d !== c && (d & c) === c));
  const unique = [...new Set(cliques)];
  // Kruskal on clique intersections, heaviest first.
  const edges: { a: number; b: number; w: number; s: number }[] = [];
  for (let a = 0; a < unique.length; a++)
    for (let b = a + 1; b < unique.length; b++) {
      const s = unique[a]! & unique[b]!;
      edges.push({ a, b, w: popcount(s), s });
    }
  edges.sort((x, y) => y.w - x.w);
  const parent = unique.map((_, i) => i);
  const find = (i: number): number => (parent[i] === i ? i : (parent[i] = find(parent[i]!)));
  const separators: number[] = [];
  for (const e of edges) {
    const ra = find(e.a);
    const rb = find(e.b);
    if (ra === rb) continue;
    parent[ra] = rb;
    if (e.s) separators.push(e.s);
  }
  return { cliques: unique, separators };
}

function popcount(x: number): number {
  let c = 0;
  for (; x; x &= x - 1) c++;
  return c;
}

/** The largest number of lists for model averaging (2^15 graphs are checked for 6 lists). */
export const BMA_MAX_LISTS = 6;

function logPriorN(prior: PriorN, N: number): number {
  if (prior.kind === "improper") return -Math.log(N);
  const { a, b } = prior;
  return N * Math.log(b) - (N + a) * Math.log(1 + b) + lgamma(N + a) - lgamma(N + 1) - lgamma(a);
}

/** Summaries of a distribution over the grid N (weights need not be normalised); quantiles as dga: the first N whose CDF exceeds the level. */
export function summarise(N: ArrayLike<number>, w: ArrayLike<number>, level = 0.95): PosteriorSummary {
  let total = 0;
  for (let i = 0; i < w.length; i++) total += w[i]!;
  let mean = 0;
  let inv = 0;
  let inv2 = 0;
  let mode = N[0]!;
  let best = -1;
  for (let i = 0; i < w.length; i++) {
    const p = w[i]! / total;
    mean += p * N[i]!;
    inv += p / N[i]!;
    inv2 += p / (N[i]! * N[i]!);
    if (w[i]! > best) {
      best = w[i]!;
      mode = N[i]!;
    }
  }
  const q = (level: number): number => {
    let cs = 0;
    for (let i = 0; i < w.length; i++) {
      cs += w[i]! / total;
      if (cs > level) return N[i]!;
    }
    return N[w.length - 1]!;
  };
  const alpha = (1 - level) / 2;
  return { mean, median: q(0.5), mode, bayes: inv / inv2, low: q(alpha), high: q(1 - alpha) };
}

/** Model-averaged posterior for N over decomposable graphical models. */
export function bma(table: CaptureTable, opts: BmaOptions = {}): BmaResult {
  const k = table.lists.length;
  if (k < 3) throw validation("model averaging over graphical models needs at least 3 lists", { field: "method" });
  if (k > BMA_MAX_LISTS) throw validation(`model averaging over graphical models supports at most ${BMA_MAX_LISTS} lists; this table has ${k}. Use --method lcmcr or loglinear`, { field: "method" });
  const delta = opts.delta ?? 2 ** -k;
  if (!(delta > 0) || !Number.isFinite(delta)) throw validation(`delta must be a positive number; got ${delta}`, { field: "delta" });
  const priorN = opts.priorN ?? { kind: "improper" };
  const n = observedTotal(table);
  const graphs = decomposableGraphs(k);
  const run = (from: number, to: number, step: number) => compute(table, graphs, delta, priorN, n, from, to, step);
  let res: ReturnType<typeof run>;
  if (opts.nMissing) {
    const { from, to } = opts.nMissing;
    if (!(Number.isInteger(from) && Number.isInteger(to) && from >= 0 && to >= from)) throw validation("the range of missing counts must be whole numbers with 0 ≤ from ≤ to", { field: "nMissing" });
    res = run(from, to, Math.max(1, Math.floor(opts.nMissing.step ?? 1)));
  } else {
    // Widen the grid until the posterior has vanished at its upper end.
    let to = Math.max(300, 4 * n);
    for (;;) {
      const step = Math.max(1, Math.ceil(to / 20000));
      res = run(0, to, step);
      if (res.tailMass < 1e-6 || to > 1e8) break;
      to *= 4;
    }
  }
  const keep = opts.keepModels ?? 20;
  const order = res.modelProb.map((p, i) => [p, i] as const).sort((a, b) => b[0] - a[0]).slice(0, keep);
  const models: BmaModel[] = order.map(([p, i]) => {
    const g = graphs[i]!;
    const model = closure(k, g.cliques);
    return {
      formula: formatModel(model, table.lists),
      model,
      cliques: g.cliques.map((c) => table.lists.filter((_, j) => (c >> j) & 1).join("*")),
      probability: p,
      summary: summarise(res.N, res.weights[i]!),
    };
  });
  return { delta, priorN, observed: n, N: res.N, posterior: res.marginal, summary: summarise(res.N, res.marginal), models, graphsConsidered: graphs.length, tailMass: res.tailMass };
}

function compute(table: CaptureTable, graphs: DecomposableGraph[], delta: number, priorN: PriorN, n: number, from: number, to: number, step: number) {
  const k = table.lists.length;
  const y = table.counts;
  const M = Math.floor((to - from) / step) + 1;
  const nMis = new Float64Array(M);
  for (let m = 0; m < M; m++) nMis[m] = from + m * step;
  const sumAlpha = delta * 2 ** k;
  // Per subset C of lists: log marginal likelihood of the C-margin, as a function of the missing count.
  const comp: Float64Array[] = [new Float64Array(M)];
  for (let C = 1; C < 1 << k; C++) {
    const size = popcount(C);
    const alpha = delta * 2 ** (k - size);
    const margin = new Map<number, number>();
    for (let c = 1; c < 1 << k; c++) margin.set(c & C, (margin.get(c & C) ?? 0) + y[c]!);
    let constant = -(2 ** size) * lgamma(alpha);
    for (let s = C; s; s = (s - 1) & C) constant += lgamma((margin.get(s) ?? 0) + alpha);
    const zero = margin.get(0) ?? 0;
    const row = new Float64Array(M);
    for (let m = 0; m < M; m++) row[m] = lgamma(nMis[m]! + zero + alpha) + constant;
    comp.push(row);
  }
  let sumLgY = 0;
  for (let c = 1; c < 1 << k; c++) sumLgY += lgamma(y[c]! + 1);
  const common = new Float64Array(M);
  const denom = new Float64Array(M);
  for (let m = 0; m < M; m++) {
    const N = n + nMis[m]!;
    denom[m] = lgamma(sumAlpha) - lgamma(N + sumAlpha);
    common[m] = lgamma(N + 1) - sumLgY - lgamma(nMis[m]! + 1) + (N > 0 ? logPriorN(priorN, N) : -Infinity);
  }
  const weights: Float64Array[] = [];
  let max = -Infinity;
  for (const g of graphs) {
    const row = new Float64Array(M);
    const count = g.cliques.length - g.separators.length;
    for (let m = 0; m < M; m++) row[m] = common[m]! + count * denom[m]!;
    for (const c of g.cliques) {
      const r = comp[c]!;
      for (let m = 0; m < M; m++) row[m]! += r[m]!;
    }
    for (const s of g.separators) {
      const r = comp[s]!;
      for (let m = 0; m < M; m++) row[m]! -= r[m]!;
    }
    for (let m = 0; m < M; m++) if (row[m]! > max) max = row[m]!;
    weights.push(row);
  }
  let total = 0;
  for (const row of weights)
    for (let m = 0; m < M; m++) {
      row[m] = Math.exp(row[m]! - max);
      total += row[m]!;
    }
  const marginal = new Float64Array(M);
  const modelProb = weights.map((row) => {
    let s = 0;
    for (let m = 0; m < M; m++) {
      row[m]! /= total;
      s += row[m]!;
      marginal[m]! += row[m]!;
    }
    return s;
  });
  const tailStart = Math.floor(M * 0.99);
  let tailMass = 0;
  for (let m = tailStart; m < M; m++) tailMass += marginal[m]!;
  const N = nMis.map((v) => v + n);
  return { N, weights, marginal, modelProb, tailMass };
}
