import { validation, VigilError } from "../core/errors.ts";
import { bma, BMA_MAX_LISTS, type BmaResult, type PriorN } from "./bma.ts";
import { lcmcr, LCMCR_DEFAULTS, type Diagnostics, type LcmcrOptions, type LcmcrResult } from "./lcmcr.ts";
import { fitLoglinear, logNormalInterval, prepare, profileInterval, profileLogLik, type Coefficient, type LoglinearFit } from "./loglinear.ts";
import type { Random } from "./random.ts";
import { bcaBootstrap, type BcaResult } from "./bootstrap.ts";
import { independence, parseModel, popcount } from "./model.ts";
import { ALL_MODELS_MAX_LISTS, selectAll, selectPValueStepwise, selectStepwise, type Criterion, type RankedModel, type Selection } from "./select.ts";
import { collapseLists, observedTotal, patternName, type CaptureTable } from "./table.ts";

export type Method = "loglinear" | "bma" | "lcmcr";
export type SelectRule = Criterion | "pvalue";

export interface EstimateOptions {
  method?: Method;
  /** Log-linear model choice when no model is given: AIC, BIC (default) or the p-value stepwise rule of SparseMSE. */
  select?: SelectRule;
  /** A hierarchical model as TERMS (log-linear only), e.g. "A*B+C*D". */
  model?: string;
  /** Heterogeneity column added to a log-linear model: Darroch's k²/2 or Poisson 2^k − 1 in the number of lists k (as Rcapture's Mth). */
  heterogeneity?: "darroch" | "poisson";
  /** Hyper-Dirichlet prior counts per cell (BMA). */
  delta?: number;
  priorN?: PriorN;
  nMissing?: { from: number; to: number; step?: number };
  /** LCMCR settings; `seed` here or at the top level. */
  lcmcr?: Omit<LcmcrOptions, "onProgress">;
  seed?: number;
  /** Log-linear: replicates of a BCa bootstrap of the whole procedure (model choice included); 0 or absent for none. */
  bootstrap?: number;
  /** Compute the sensitivity rows (alternative models and methods). Default true. */
  sensitivity?: boolean;
  onProgress?: (done: number, total: number) => void;
}

/** One model in the report's list of models considered. */
export interface ModelRow {
  model: string;
  N: number;
  low: number | null;
  high: number | null;
  aic?: number;
  bic?: number;
  /** Akaike/BIC weight (log-linear) or posterior probability (BMA). */
  weight?: number;
  deviance?: number;
  df?: number;
  note?: string;
}

/** One line of the sensitivity table: the estimate under another reasonable choice. */
export interface SensitivityRow {
  label: string;
  N: number;
  low: number | null;
  high: number | null;
  note?: string;
}

export interface Caveat {
  kind: "assumptions" | "dependence" | "heterogeneity" | "linkage" | "small-counts" | "non-overlap" | "boundary" | "model-uncertainty" | "unbounded" | "convergence" | "prior";
  text: string;
}

/** Everything an estimate says, as plain data: rendered as text by the CLI, as HTML by the workspace. */
export interface EstimateReport {
  method: Method;
  lists: string[];
  observed: number;
  /** The estimated total, observed included. */
  N: number;
  /** 95% interval for the total; high is null when the data set no upper limit. */
  interval: [number, number | null];
  /** What N and the interval are, in words. */
  estimator: string;
  intervalMethod: string;
  /** The model used (TERMS for log-linear), or a description. */
  model: string;
  selection?: { rule: SelectRule; search: Selection["search"] | "given"; considered: number; refused: number };
  models: ModelRow[];
  sensitivity: SensitivityRow[];
  refused: { model: string; reason: string }[];
  coefficients?: Coefficient[];
  diagnostics?: Diagnostics;
  caveats: Caveat[];
  /** The input table, for display: one row per observed pattern. */
  patterns: { lists: string[]; count: number }[];
  /** Method-specific settings used (seed, delta, prior, iterations …). */
  settings: Record<string, string | number | boolean | null>;
}

/** A refusal: the model's estimate does not exist or is not identifiable. */
export function refusal(message: string): VigilError {
  return new VigilError("validation", message, { where: { field: "model" } });
}

/** Draws from the uncertainty about N that the report's interval summarises (for combining strata). */
export type Drawer = (rng: Random, m: number) => Float64Array;

/** Estimates the total from one capture table. Pure: no I/O; deterministic for a given seed. */
export function estimate(table: CaptureTable, opts: EstimateOptions = {}): EstimateReport {
  return estimateWithDraws(table, opts).report;
}

/** As `estimate`, also returning a way to draw plausible totals, which stratified estimation sums. */
export function estimateWithDraws(table: CaptureTable, opts: EstimateOptions = {}): { report: EstimateReport; draw: Drawer } {
  const method = opts.method ?? "loglinear";
  if (opts.model !== undefined && method !== "loglinear") throw validation("--model applies to the log-linear method only", { field: "model" });
  const observed = observedTotal(table);
  if (observed === 0) throw validation("every count is zero: there is nothing to estimate from");
  switch (method) {
    case "loglinear":
      return loglinearReport(table, opts);
    case "bma":
      return bmaReport(table, opts);
    case "lcmcr":
      return lcmcrReport(table, opts);
    default:
      throw validation(`unknown method ${JSON.stringify(method)}: use loglinear, bma or lcmcr`, { field: "method" });
  }
}

function patternsOf(table: CaptureTable): EstimateReport["patterns"] {
  const out: EstimateReport["patterns"] = [];
  for (let p = 1; p < table.counts.length; p++) if (table.counts[p]! > 0) out.push({ lists: table.lists.filter((_, j) => (p >> j) & 1), count: table.counts[p]! });
  return out;
}

function rowOf(fit: LoglinearFit, extra: Partial<ModelRow> = {}, withProfile = false): ModelRow {
  let low: number | null;
  let high: number | null;
  if (withProfile) {
    const pi = profileInterval(fit);
    low = pi.low;
    high = pi.high;
  } else {
    [low, high] = logNormalInterval(fit);
    extra = { note: "log-normal interval", ...extra };
  }
  return { model: fit.formula, N: fit.N, low, high, aic: fit.aic, bic: fit.bic, deviance: fit.deviance, df: fit.df, ...extra };
}

function heterogeneityColumn(kind: "darroch" | "poisson"): { name: string; values: (p: number) => number } {
  return kind === "darroch" ? { name: "Darroch heterogeneity (k²/2)", values: (p) => popcount(p) ** 2 / 2 } : { name: "Poisson heterogeneity (2^k − 1)", values: (p) => 2 ** popcount(p) - 1 };
}

function loglinearReport(table: CaptureTable, opts: EstimateOptions): { report: EstimateReport; draw: Drawer } {
  const prep = prepare(table);
  const k = table.lists.length;
  const rule: SelectRule = opts.select ?? "bic";
  let chosen: LoglinearFit;
  let selection: Selection | null = null;
  let refused: { model: string; reason: string }[] = [];
  let models: ModelRow[] = [];
  let selectionInfo: EstimateReport["selection"];
  if (opts.model !== undefined || opts.heterogeneity) {
    const model = opts.model !== undefined ? parseModel(opts.model, table.lists) : independence(k);
    const res = fitLoglinear(prep, model, opts.heterogeneity ? { extraColumns: [heterogeneityColumn(opts.heterogeneity)] } : {});
    if (!res.ok) throw refusal(`model ${res.formula} refused: ${res.reason}`);
    chosen = res;
    selectionInfo = { rule, search: "given", considered: 1, refused: 0 };
  } else if (rule === "pvalue") {
    const { path, refused: r } = selectPValueStepwise(prep);
    if (path.length === 0) throw refusal(`no log-linear model could be fitted: ${r[0]?.reason ?? "unknown reason"}`);
    chosen = path[path.length - 1]!;
    refused = dedupe(r);
    models = path.map((f, i) => rowOf(f, { note: i === path.length - 1 ? "chosen" : `step ${i}` }));
    selectionInfo = { rule, search: "pvalue-stepwise", considered: path.length, refused: refused.length };
  } else {
    selection = k <= ALL_MODELS_MAX_LISTS ? selectAll(prep, rule) : selectStepwise(prep, rule);
    if (selection.ranked.length === 0) throw refusal(`no log-linear model could be fitted to this table: ${selection.refused[0]?.reason ?? "unknown reason"}`);
    chosen = selection.ranked[0]!.fit;
    refused = selection.refused.map((r) => ({ model: r.formula, reason: r.reason }));
    models = selection.ranked.slice(0, 25).map((r, i) => rowOf(r.fit, { weight: r.weight }, i < 10));
    selectionInfo = { rule, search: selection.search, considered: selection.considered, refused: selection.refused.length };
  }
  if (chosen.coefficients.length < chosen.npar) {
    const full = fitLoglinear(prep, chosen.model);
    if (full.ok) chosen = full;
  }
  const pi = profileInterval(chosen);
  if (models.length === 0) models = [rowOf(chosen, {}, true)];
  let boot: BcaResult | null = null;
  if (opts.bootstrap) {
    const procedure = (t: CaptureTable): number | null => {
      try {
        return loglinearReport(t, { ...opts, bootstrap: 0, sensitivity: false }).report.N;
      } catch (err) {
        if (err instanceof VigilError) return null;
        throw err;
      }
    };
    boot = bcaBootstrap(table, procedure, { reps: opts.bootstrap, seed: opts.seed ?? 1 });
  }
  const sensitivity: SensitivityRow[] = [];
  if (boot) sensitivity.push({ label: `BCa bootstrap of the whole procedure (${opts.bootstrap} replicates, seed ${opts.seed ?? 1})`, N: boot.estimate, low: boot.low, high: boot.high, note: boot.failed ? `${boot.failed} replicates without an estimate` : "model choice included" });
  if (opts.sensitivity ?? true) sensitivity.push(...loglinearSensitivity(table, prep, chosen, selection, opts));
  const caveats = commonCaveats(table);
  if (chosen.zeroMarginTerms.length) caveats.push({ kind: "non-overlap", text: `Some lists never overlap (${chosen.zeroMarginTerms.join(", ")}). The model treats those interactions as minus infinity (nobody can be on both), which is what the data say but may not be true of the population; the estimate leans heavily on the other overlaps.` });
  if (chosen.boundaryCells.length) caveats.push({ kind: "boundary", text: `The fit puts zero people in ${chosen.boundaryCells.map((c) => patternName(table.lists, c)).join(", ")} (the maximum-likelihood estimate lies on the boundary); the estimate uses the extended maximum-likelihood fit.` });
  if (pi.high === null) caveats.push({ kind: "unbounded", text: "The data set no upper limit on the total: the likelihood stays high however many people are assumed missing. Treat the estimate as a lower bound at best." });
  if (selection) caveats.push(...uncertaintyCaveats(selection));
  const report: EstimateReport = {
    method: "loglinear",
    lists: [...table.lists],
    observed: prep.observed,
    N: chosen.N,
    interval: [pi.low, pi.high],
    estimator: "maximum likelihood (Poisson log-linear model)",
    intervalMethod: "multinomial profile likelihood, 95%",
    model: chosen.formula,
    selection: selectionInfo,
    models,
    sensitivity,
    refused: refused.slice(0, 50),
    coefficients: chosen.coefficients,
    caveats,
    patterns: patternsOf(table),
    settings: { select: opts.model !== undefined ? null : rule, heterogeneity: opts.heterogeneity ?? null, deviance: round(chosen.deviance, 4), df: chosen.df, aic: round(chosen.aic, 3), bic: round(chosen.bic, 3), multinomialN: round(pi.N, 2), se: round(chosen.se, 2) },
  };
  return { report, draw: profileDrawer(chosen, pi) };
}

/**
 * Draws from the normalised profile likelihood of N (a flat prior on N), on a
 * fine grid around the interval. Used only to combine strata; infinite draws
 * when the data set no upper limit, so the combined interval has none either.
 */
function profileDrawer(fit: LoglinearFit, pi: { N: number; low: number; high: number | null }): Drawer {
  return (rng, m) => {
    const out = new Float64Array(m);
    if (pi.high === null) return out.fill(Infinity);
    const ll = profileLogLik(fit);
    const from = Math.max(fit.observed, pi.low - 1.5 * (pi.N - pi.low));
    const to = pi.high + 2 * (pi.high - pi.N) + 1;
    const G = 400;
    const xs = new Float64Array(G + 1);
    const lv = new Float64Array(G + 1);
    let max = -Infinity;
    for (let i = 0; i <= G; i++) {
      xs[i] = from + ((to - from) * i) / G;
      lv[i] = ll(xs[i]!);
      if (lv[i]! > max) max = lv[i]!;
    }
    return gridDraws(rng, m, xs, lv.map((v) => Math.exp(v - max)), true);
  };
}

/** Inverse-CDF draws from weights on grid points (uniform within a cell when `continuous`). */
export function gridDraws(rng: Random, m: number, xs: ArrayLike<number>, w: ArrayLike<number>, continuous: boolean): Float64Array {
  const cdf = new Float64Array(w.length);
  let s = 0;
  for (let i = 0; i < w.length; i++) cdf[i] = s += w[i]!;
  const out = new Float64Array(m);
  for (let d = 0; d < m; d++) {
    const u = rng.uniform() * s;
    let lo = 0;
    let hi = w.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cdf[mid]! < u) lo = mid + 1;
      else hi = mid;
    }
    const step = lo + 1 < xs.length ? xs[lo + 1]! - xs[lo]! : lo > 0 ? xs[lo]! - xs[lo - 1]! : 0;
    out[d] = continuous ? xs[lo]! + (rng.uniform() - 0.5) * step : xs[lo]!;
  }
  return out;
}

function dedupe(r: { formula: string; reason: string }[]): { model: string; reason: string }[] {
  const seen = new Map<string, string>();
  for (const x of r) if (!seen.has(x.formula)) seen.set(x.formula, x.reason);
  return [...seen].map(([model, reason]) => ({ model, reason }));
}

function round(x: number, d: number): number {
  const f = 10 ** d;
  return Math.round(x * f) / f;
}

function loglinearSensitivity(table: CaptureTable, prep: ReturnType<typeof prepare>, chosen: LoglinearFit, selection: Selection | null, opts: EstimateOptions): SensitivityRow[] {
  const k = table.lists.length;
  const rows: SensitivityRow[] = [];
  const add = (label: string, fit: LoglinearFit | null, note?: string) => {
    if (!fit) return;
    const pi = profileInterval(fit);
    rows.push({ label, N: fit.N, low: pi.low, high: pi.high, note: note ?? fit.formula });
  };
  const indep = fitLoglinear(prep, independence(k));
  add("Independence (no list dependence)", indep.ok ? indep : null);
  if (selection) {
    const other: Criterion = selection.criterion === "aic" ? "bic" : "aic";
    const reranked = [...selection.ranked].sort((a, b) => (other === "aic" ? a.fit.aic - b.fit.aic : a.fit.bic - b.fit.bic));
    add(`Best model by ${other.toUpperCase()}`, reranked[0]?.fit ?? null);
    const avg = selection.ranked.reduce((s, r) => s + r.weight * r.fit.N, 0);
    rows.push({ label: `Average over models, ${selection.criterion.toUpperCase()} weights`, N: avg, low: null, high: null, note: `${selection.ranked.length} models` });
    const close = selection.ranked.filter((r) => r.delta <= 2);
    if (close.length > 1) {
      const ns = close.map((r: RankedModel) => r.fit.N);
      rows.push({ label: `Range over models within 2 ${selection.criterion.toUpperCase()} points of the best`, N: chosen.N, low: Math.min(...ns), high: Math.max(...ns), note: `${close.length} models` });
    }
  } else if (opts.model === undefined || opts.heterogeneity) {
    // nothing further
  }
  const darroch = fitLoglinear(prep, independence(k), { extraColumns: [heterogeneityColumn("darroch")] });
  add("Independence + heterogeneity (Darroch)", darroch.ok ? darroch : null);
  if (k - 1 >= 3 && k - 1 <= 4) {
    for (let j = 0; j < k; j++) {
      const keep = table.lists.filter((_, i) => i !== j);
      const sub = collapseLists(table, Object.fromEntries(keep.map((l) => [l, [l]])));
      const s = selectAll(sub, selection?.criterion ?? "bic");
      const best = s.ranked[0]?.fit;
      if (best) add(`Without list ${table.lists[j]}`, best, `${best.formula} (${Math.round(observedTotal(sub))} observed)`);
    }
  }
  if (k >= 3 && k <= ALL_MODELS_MAX_LISTS) {
    const b = bma(table, { keepModels: 1 });
    rows.push({ label: `Bayesian model averaging (delta ${fmtDelta(b.delta)})`, N: b.summary.median, low: b.summary.low, high: b.summary.high, note: "posterior median" });
  }
  return rows;
}

function fmtDelta(d: number): string {
  const k = Math.log2(1 / d);
  return Number.isInteger(k) && k > 0 ? `2^-${k}` : String(d);
}

function uncertaintyCaveats(selection: Selection): Caveat[] {
  const out: Caveat[] = [];
  const top = selection.ranked[0]!;
  const close = selection.ranked.filter((r) => r.delta <= 2);
  const ns = close.map((r) => r.fit.N);
  const lo = Math.min(...ns);
  const hi = Math.max(...ns);
  if (close.length > 1 && hi / lo > 1.1) {
    out.push({ kind: "model-uncertainty", text: `${close.length} models fit almost as well as the chosen one (within 2 ${selection.criterion.toUpperCase()} points) and give totals from ${fmt(lo)} to ${fmt(hi)}. The interval above does not include this uncertainty about the model.` });
  }
  if (top.weight < 0.5) out.push({ kind: "model-uncertainty", text: `The chosen model has only ${Math.round(top.weight * 100)}% of the ${selection.criterion.toUpperCase()} weight: no single model stands out.` });
  return out;
}

function fmt(x: number): string {
  return Math.round(x).toLocaleString("en-US");
}

/** Caveats that hold for every estimate, plus those the table itself calls for. */
function commonCaveats(table: CaptureTable): Caveat[] {
  const k = table.lists.length;
  const c: Caveat[] = [
    {
      kind: "assumptions",
      text: "The number of people on no list is never seen: it is an extrapolation from how the lists overlap, and it is only as good as the model's assumptions about how the lists relate. Read the estimate with the sensitivity table beside it.",
    },
    {
      kind: "dependence",
      text: "Lists that draw on each other (one organisation copying another, or victims reported to both by the same families) overlap more than chance; models that miss this underestimate, while lists that avoid each other's sources lead to overestimates.",
    },
    {
      kind: "heterogeneity",
      text: "People differ in how likely they are to be recorded (prominent or urban victims appear on more lists). This makes lists look dependent and tends to make estimates too low; the latent-class method (LCMCR) is designed for it.",
    },
    {
      kind: "linkage",
      text: "The table depends on matching records across lists. Missed matches create false single-list cases and push the estimate up; false matches push it down. Review uncertain matches before trusting the estimate.",
    },
  ];
  const listTotals = table.lists.map((_, j) => {
    let s = 0;
    for (let p = 1; p < table.counts.length; p++) if ((p >> j) & 1) s += table.counts[p]!;
    return s;
  });
  let overlap = 0;
  for (let p = 1; p < table.counts.length; p++) if (popcount(p) >= 2) overlap += table.counts[p]!;
  const small = table.lists.filter((_, j) => listTotals[j]! < 20);
  const reasons: string[] = [];
  if (small.length) reasons.push(`list${small.length > 1 ? "s" : ""} ${small.join(", ")} ha${small.length > 1 ? "ve" : "s"} fewer than 20 people`);
  if (overlap < 30) reasons.push(`only ${overlap} ${overlap === 1 ? "person is" : "people are"} on more than one list`);
  let zeros = 0;
  for (let p = 1; p < table.counts.length; p++) if (table.counts[p] === 0) zeros++;
  if (zeros > (table.counts.length - 1) / 2) reasons.push(`${zeros} of ${table.counts.length - 1} possible patterns are empty`);
  if (reasons.length) c.push({ kind: "small-counts", text: `Small counts: ${reasons.join("; ")}. Estimates from sparse tables are unstable and can change a lot with one more match.` });
  const never: string[] = [];
  for (let i = 0; i < k; i++)
    for (let j = i + 1; j < k; j++) {
      const t = (1 << i) | (1 << j);
      let s = 0;
      for (let p = t; p < table.counts.length; p = (p + 1) | t) s += table.counts[p]!;
      if (s === 0) never.push(`${table.lists[i]} and ${table.lists[j]}`);
    }
  if (never.length) c.push({ kind: "non-overlap", text: `Some lists share nobody: ${never.slice(0, 6).join("; ")}${never.length > 6 ? ` and ${never.length - 6} more pairs` : ""}. Models with those interactions cannot be estimated in the usual way.` });
  return c;
}

function bmaReport(table: CaptureTable, opts: EstimateOptions): { report: EstimateReport; draw: Drawer } {
  const k = table.lists.length;
  if (k < 3 || k > BMA_MAX_LISTS) throw validation(`model averaging needs 3 to ${BMA_MAX_LISTS} lists; this table has ${k}`, { field: "method" });
  const res: BmaResult = bma(table, { ...(opts.delta !== undefined ? { delta: opts.delta } : {}), ...(opts.priorN ? { priorN: opts.priorN } : {}), ...(opts.nMissing ? { nMissing: opts.nMissing } : {}) });
  const s = res.summary;
  const models: ModelRow[] = res.models.map((m) => ({ model: m.formula, N: m.summary.median, low: m.summary.low, high: m.summary.high, weight: m.probability, note: `mean ${fmt(m.summary.mean)}, mode ${fmt(m.summary.mode)}` }));
  const sensitivity: SensitivityRow[] = [];
  if (opts.sensitivity ?? true) {
    for (const d of [2 ** -k, 0.5, 1]) {
      if (Math.abs(d - res.delta) < 1e-12) continue;
      const alt = bma(table, { delta: d, keepModels: 1, ...(opts.priorN ? { priorN: opts.priorN } : {}) });
      sensitivity.push({ label: `delta = ${fmtDelta(d)}`, N: alt.summary.median, low: alt.summary.low, high: alt.summary.high, note: `top model ${alt.models[0]?.formula ?? "?"}` });
    }
    const top = res.models[0];
    if (top) sensitivity.push({ label: "Most probable model alone", N: top.summary.median, low: top.summary.low, high: top.summary.high, note: `${top.formula} (${Math.round(top.probability * 100)}%)` });
    if (k <= ALL_MODELS_MAX_LISTS) {
      const sel = selectAll(table, "bic");
      const best = sel.ranked[0]?.fit;
      if (best) {
        const pi = profileInterval(best);
        sensitivity.push({ label: "Log-linear, best model by BIC", N: best.N, low: pi.low, high: pi.high, note: best.formula });
      }
    }
  }
  const caveats = commonCaveats(table);
  caveats.push({ kind: "prior", text: `The result depends on the prior: delta = ${fmtDelta(res.delta)} prior people per cell and a ${res.priorN.kind === "improper" ? "1/N" : "negative-binomial"} prior on the total. Compare the delta rows in the sensitivity table; with small tables the choice matters.` });
  if (res.tailMass > 1e-4) caveats.push({ kind: "unbounded", text: "A noticeable part of the posterior lies at the top of the range of totals considered: widen the range or treat the upper limit as uncertain." });
  if ((res.models[0]?.probability ?? 1) < 0.5) caveats.push({ kind: "model-uncertainty", text: `No graph dominates (the most probable has ${Math.round((res.models[0]?.probability ?? 0) * 100)}%); the averaged posterior carries this uncertainty.` });
  const report: EstimateReport = {
    method: "bma",
    lists: [...table.lists],
    observed: res.observed,
    N: s.median,
    interval: [s.low, s.high],
    estimator: "posterior median, averaged over decomposable graphical models",
    intervalMethod: "posterior 2.5% and 97.5% quantiles",
    model: `average over ${res.graphsConsidered} decomposable graphs`,
    models,
    sensitivity,
    refused: [],
    caveats,
    patterns: patternsOf(table),
    settings: { delta: res.delta, priorN: res.priorN.kind === "improper" ? "1/N" : `negative binomial a=${res.priorN.a} b=${res.priorN.b}`, mean: round(s.mean, 2), mode: s.mode, bayesEstimate: round(s.bayes, 2), gridFrom: res.N[0]!, gridTo: res.N[res.N.length - 1]!, gridStep: res.N.length > 1 ? res.N[1]! - res.N[0]! : 1 },
  };
  return { report, draw: (rng, m) => gridDraws(rng, m, res.N, res.posterior, false) };
}

function lcmcrReport(table: CaptureTable, opts: EstimateOptions): { report: EstimateReport; draw: Drawer } {
  const lo = { ...(opts.lcmcr ?? {}) };
  if (opts.seed !== undefined) lo.seed = opts.seed;
  const res: LcmcrResult = lcmcr(table, { ...lo, ...(opts.onProgress ? { onProgress: opts.onProgress } : {}) });
  const k = table.lists.length;
  const sensitivity: SensitivityRow[] = [];
  if (opts.sensitivity ?? true) {
    res.chains.forEach((ch, i) => {
      const sorted = Float64Array.from(ch).sort();
      const q = (p: number) => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!;
      sensitivity.push({ label: `Chain ${i + 1} alone (seed ${res.options.seed + i})`, N: q(0.5), low: q(0.025), high: q(0.975) });
    });
    if (k <= ALL_MODELS_MAX_LISTS) {
      const sel = selectAll(table, "bic");
      const best = sel.ranked[0]?.fit;
      if (best) {
        const pi = profileInterval(best);
        sensitivity.push({ label: "Log-linear, best model by BIC", N: best.N, low: pi.low, high: pi.high, note: best.formula });
      }
    } else {
      const { path } = selectPValueStepwise(table);
      const best = path[path.length - 1];
      if (best) {
        const [l, h] = logNormalInterval(best);
        sensitivity.push({ label: "Log-linear, p-value stepwise", N: best.N, low: l, high: h, note: best.formula });
      }
    }
    if (k >= 3 && k <= 5) {
      const b = bma(table, { keepModels: 1 });
      sensitivity.push({ label: `Bayesian model averaging (delta ${fmtDelta(b.delta)})`, N: b.summary.median, low: b.summary.low, high: b.summary.high });
    }
  }
  const caveats = commonCaveats(table);
  for (const w of res.diagnostics.warnings) caveats.push({ kind: "convergence", text: `Sampler: ${w}. The figures may change with another seed.` });
  caveats.push({ kind: "prior", text: "The latent-class model accounts for differences between people but assumes lists are independent within each class; with few lists or sparse overlaps its answer leans on the prior, and it can differ widely from log-linear estimates." });
  const o = res.options;
  const report: EstimateReport = {
    method: "lcmcr",
    lists: [...table.lists],
    observed: res.observed,
    N: res.median,
    interval: [res.low, res.high],
    estimator: "posterior median (latent-class model, Gibbs sampler)",
    intervalMethod: "posterior 2.5% and 97.5% quantiles of the draws",
    model: `latent classes, at most K = ${o.K}`,
    models: [{ model: `LCMCR K=${o.K}`, N: res.median, low: res.low, high: res.high, note: `mean ${fmt(res.mean)}; about ${res.occupiedClasses.toFixed(1)} classes in use` }],
    sensitivity,
    refused: [],
    diagnostics: res.diagnostics,
    caveats,
    patterns: patternsOf(table),
    settings: { K: o.K, aAlpha: o.aAlpha, bAlpha: o.bAlpha, burnIn: o.burnIn, iterations: o.iterations, thin: o.thin, chains: o.chains, seed: o.seed, draws: res.samples.length, mean: round(res.mean, 1), rhat: round(res.diagnostics.rhat, 4), ess: Math.round(res.diagnostics.ess) },
  };
  return { report, draw: (rng, m) => Float64Array.from({ length: m }, () => res.samples[Math.floor(rng.uniform() * res.samples.length)]!) };
}

export { LCMCR_DEFAULTS };
