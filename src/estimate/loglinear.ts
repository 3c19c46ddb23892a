import { cholesky, cholInverseDiag, cholSolve, independentColumns, nullSpace, simplexMax } from "./linalg.ts";
import { formatModel, isSaturated, termName, type Model } from "./model.ts";
import { CHISQ1_95, lgamma, pnorm, qnorm } from "./special.ts";
import { observedTotal, patternName, type CaptureTable } from "./table.ts";

/**
 * Poisson log-linear models for capture-pattern tables, fitted by iteratively
 * reweighted least squares to the 2^k − 1 observable cells (absent patterns are
 * zeros). The design codes each list 0/1 and each interaction as the product,
 * so the unobserved cell's log-mean is the intercept and the estimated number
 * of people on no list is exp(β₀), as with R's `glm(count ~ ..., poisson)`.
 *
 * Before fitting, the model is checked the way Fienberg & Rinaldo (2012) say it
 * must be: zero counts can put the maximum-likelihood estimate at infinity. We
 * find the cells whose fitted value must be zero (the "facial set" complement),
 * fit on the rest (the extended MLE), and give a number only when exp(β₀) is
 * then determined by the data; otherwise the model is refused with the reason.
 */

export interface Coefficient {
  term: string;
  /** null when the term's parameter is −∞ (a zero margin: the lists never overlap) or not determined by the data. */
  estimate: number | null;
  se: number | null;
  status: "estimated" | "minus-infinity" | "not-identifiable";
}

export interface LoglinearFit {
  ok: true;
  formula: string;
  model: Model;
  observed: number;
  /** Estimated people on no list, exp(β₀). */
  missing: number;
  /** Estimated total, observed + missing (the Poisson-likelihood estimate). */
  N: number;
  /** Asymptotic standard error of N (delta method plus the Poisson variation of the missing cell, as Rcapture). */
  se: number;
  deviance: number;
  /** Residual degrees of freedom: observable cells minus parameters. */
  df: number;
  logLik: number;
  /** Number of parameters, counting the intercept and every term of the model (a −∞ term still counts, as SparseMSE). */
  npar: number;
  aic: number;
  bic: number;
  coefficients: Coefficient[];
  /** Fitted means, index = pattern, [0] = missing. */
  fitted: Float64Array;
  /** Patterns whose fitted value is zero because the MLE lies on the boundary. */
  boundaryCells: number[];
  /** Interaction terms with a zero margin, e.g. lists that never overlap. */
  zeroMarginTerms: string[];
  /** Whether every parameter is finite and determined (what SparseMSE calls existing and identifiable). */
  strict: boolean;
  iterations: number;
}

export interface LoglinearRefusal {
  ok: false;
  formula: string;
  model: Model;
  reason: string;
  kind: "saturated" | "not-identifiable" | "no-convergence";
}

export type LoglinearResult = LoglinearFit | LoglinearRefusal;

/** Precomputed facts about a table reused across many model fits. */
export interface Prepared {
  table: CaptureTable;
  k: number;
  cells: number;
  y: Float64Array;
  observed: number;
  zeroCells: number[];
  positiveCells: number[];
}

export function prepare(table: CaptureTable): Prepared {
  const k = table.lists.length;
  const cells = 1 << k;
  const zeroCells: number[] = [];
  const positiveCells: number[] = [];
  for (let c = 1; c < cells; c++) (table.counts[c]! > 0 ? positiveCells : zeroCells).push(c);
  return { table, k, cells, y: table.counts, observed: observedTotal(table), zeroCells, positiveCells };
}

function designMatrix(cells: number, terms: readonly number[]): Float64Array {
  const p = terms.length;
  const x = new Float64Array(cells * p);
  for (let c = 0; c < cells; c++) for (let j = 0; j < p; j++) x[c * p + j] = (c & terms[j]!) === terms[j]! ? 1 : 0;
  return x;
}

/**
 * Cells that must have a zero fitted value (outside the facial set), and the
 * model terms whose margin is zero. A term with a zero margin sends every cell
 * containing it to zero; any further zeros are found by a linear program:
 * a zero cell z is outside the facial set iff some direction d has X_P d = 0
 * on the positive cells, X_Z d ≤ 0 on the zero cells and X_z d < 0.
 */
function boundary(prep: Prepared, terms: readonly number[], x: Float64Array, p: number): { out: Uint8Array; zeroTerms: number[] } {
  const { cells, y } = prep;
  const out = new Uint8Array(cells);
  const zeroTerms: number[] = [];
  if (prep.zeroCells.length === 0) return { out, zeroTerms };
  for (const t of terms) {
    if (t === 0) continue;
    let margin = 0;
    for (let c = t; c < cells; c = (c + 1) | t) margin += y[c]!;
    if (margin === 0) {
      zeroTerms.push(t);
      for (let c = t; c < cells; c = (c + 1) | t) out[c] = 1;
    }
  }
  const rest = prep.zeroCells.filter((c) => !out[c]);
  if (rest.length === 0) return { out, zeroTerms };
  const pos = prep.positiveCells;
  const xp = new Float64Array(pos.length * p);
  pos.forEach((c, i) => xp.set(x.subarray(c * p, c * p + p), i * p));
  const basis = nullSpace(xp, pos.length, p);
  const q = basis.length;
  if (q === 0) return { out, zeroTerms };
  const z = rest.length;
  const nvar = 2 * q + z;
  const m = 2 * z;
  const a = new Float64Array(m * nvar);
  const b = new Float64Array(m);
  const obj = new Float64Array(nvar);
  rest.forEach((cell, i) => {
    for (let r = 0; r < q; r++) {
      let v = 0;
      const d = basis[r]!;
      for (let j = 0; j < p; j++) v += x[cell * p + j]! * d[j]!;
      a[i * nvar + r] = v;
      a[i * nvar + q + r] = -v;
    }
    a[i * nvar + 2 * q + i] = 1;
    a[(z + i) * nvar + 2 * q + i] = 1;
    b[z + i] = 1;
    obj[2 * q + i] = 1;
  });
  const sol = simplexMax(a, b, obj, m, nvar);
  if (sol) rest.forEach((cell, i) => {
    if (sol[2 * q + i]! > 0.5) out[cell] = 1;
  });
  return { out, zeroTerms };
}

interface IrlsResult {
  beta: Float64Array;
  mu: Float64Array;
  deviance: number;
  iterations: number;
  chol: Float64Array;
  converged: boolean;
}

/**
 * Poisson IRLS on the given rows and columns of X. Starts from μ = y + 0.1
 * (as R's glm) or from `start`; halves the step if the deviance rises; stops
 * when the relative change in deviance is below 1e-12.
 */
function irls(x: Float64Array, ptot: number, rows: ArrayLike<number>, cols: readonly number[], y: ArrayLike<number>, start?: Float64Array): IrlsResult | null {
  const n = rows.length;
  const p = cols.length;
  const xs = new Float64Array(n * p);
  for (let i = 0; i < n; i++) for (let j = 0; j < p; j++) xs[i * p + j] = x[rows[i]! * ptot + cols[j]!]!;
  const mu = new Float64Array(n);
  const eta = new Float64Array(n);
  let beta = new Float64Array(p);
  const devOf = (m: Float64Array) => {
    let d = 0;
    for (let i = 0; i < n; i++) {
      const yi = y[i]!;
      d += (yi > 0 ? yi * Math.log(yi / m[i]!) : 0) - (yi - m[i]!);
    }
    return 2 * d;
  };
  if (start) {
    beta = Float64Array.from(start);
    for (let i = 0; i < n; i++) {
      let e = 0;
      for (let j = 0; j < p; j++) e += xs[i * p + j]! * beta[j]!;
      eta[i] = e;
      mu[i] = Math.exp(e);
    }
  } else {
    for (let i = 0; i < n; i++) {
      mu[i] = y[i]! + 0.1;
      eta[i] = Math.log(mu[i]!);
    }
  }
  let dev = start ? devOf(mu) : Infinity;
  const a = new Float64Array(p * p);
  const r = new Float64Array(p);
  let iterations = 0;
  let converged = false;
  for (; iterations < 100; iterations++) {
    a.fill(0);
    r.fill(0);
    for (let i = 0; i < n; i++) {
      const w = mu[i]!;
      const zi = eta[i]! + (y[i]! - mu[i]!) / mu[i]!;
      const row = i * p;
      for (let j = 0; j < p; j++) {
        const xij = xs[row + j]!;
        if (xij === 0) continue;
        const wx = w * xij;
        r[j]! += wx * zi;
        for (let k = 0; k <= j; k++) a[j * p + k]! += wx * xs[row + k]!;
      }
    }
    if (!cholesky(a, p)) return null;
    cholSolve(a, p, r);
    let newBeta = Float64Array.from(r);
    let newDev = Infinity;
    // Step-halving keeps the deviance from rising when a step overshoots.
    for (let half = 0; half < 30; half++) {
      let bad = false;
      for (let i = 0; i < n; i++) {
        let e = 0;
        for (let j = 0; j < p; j++) e += xs[i * p + j]! * newBeta[j]!;
        if (!(e < 700)) bad = true;
        eta[i] = e;
        mu[i] = Math.exp(e);
      }
      newDev = bad ? Infinity : devOf(mu);
      if (Number.isFinite(newDev) && (!Number.isFinite(dev) || newDev <= dev * (1 + 1e-10) + 1e-10)) break;
      for (let j = 0; j < p; j++) newBeta[j] = (newBeta[j]! + beta[j]!) / 2;
      newBeta = Float64Array.from(newBeta);
    }
    if (!Number.isFinite(newDev)) return null;
    beta = newBeta;
    const change = Math.abs(newDev - dev) / (Math.abs(newDev) + 0.1);
    dev = newDev;
    if (change < 1e-12) {
      converged = true;
      iterations++;
      break;
    }
  }
  // Information matrix at the solution, for standard errors.
  a.fill(0);
  for (let i = 0; i < n; i++) {
    const w = mu[i]!;
    for (let j = 0; j < p; j++) {
      const xij = xs[i * p + j]!;
      if (xij === 0) continue;
      for (let k = 0; k <= j; k++) a[j * p + k]! += w * xij * xs[i * p + k]!;
    }
  }
  if (!cholesky(a, p)) return null;
  return { beta, mu, deviance: dev, iterations, chol: a, converged };
}

/** Internal state of a fitted model, kept for profile likelihood. */
interface Fitted {
  /** Rebuilds the design matrix when needed: keeping one per fit would hold megabytes across thousands of models. */
  design: () => Float64Array;
  counts: Float64Array;
  p: number;
  rows: number[];
  cols: number[];
  interceptIndex: number;
  beta: Float64Array;
}

const fittedState = new WeakMap<LoglinearFit, Fitted>();

/** Fits one hierarchical model to a table; refuses, with the reason, when the estimate does not exist or is not identifiable. */
export function fitLoglinear(tableOrPrep: CaptureTable | Prepared, model: Model, opts: { extraColumns?: { name: string; values: (pattern: number) => number }[]; detail?: boolean } = {}): LoglinearResult {
  const prep = "y" in tableOrPrep ? tableOrPrep : prepare(tableOrPrep);
  const { table, cells, y, observed } = prep;
  const lists = table.lists;
  const formula = formatModel(model, lists) + (opts.extraColumns?.length ? ` + ${opts.extraColumns.map((e) => e.name).join(" + ")}` : "");
  if (model.k !== prep.k) throw new Error("model and table have different numbers of lists");
  if (isSaturated(model)) {
    return {
      ok: false,
      formula,
      model,
      kind: "saturated",
      reason: `the model includes the interaction of all ${prep.k} lists (${termName(model.terms[model.terms.length - 1]!, lists)}); it has as many parameters as there are cells, including the unobserved one, so the data cannot say how many people were missed`,
    };
  }
  const terms = model.terms;
  const extra = opts.extraColumns ?? [];
  const p = terms.length + extra.length;
  const design = (): Float64Array => {
    if (extra.length === 0) return designMatrix(cells, terms);
    const m = new Float64Array(cells * p);
    for (let c = 0; c < cells; c++) {
      for (let j = 0; j < terms.length; j++) m[c * p + j] = (c & terms[j]!) === terms[j]! ? 1 : 0;
      extra.forEach((e, j) => (m[c * p + terms.length + j] = c === 0 ? 0 : e.values(c)));
    }
    return m;
  };
  const x = design();
  const { out, zeroTerms } = boundary(prep, terms, x, p);
  const rows: number[] = [];
  for (let c = 1; c < cells; c++) if (!out[c]) rows.push(c);
  // Intercept last: it is then kept only if it is not a combination of the other
  // columns on the cells that carry information, i.e. only if exp(β₀) is identifiable.
  const order = [...Array.from({ length: p - 1 }, (_, j) => j + 1), 0];
  const keep = independentColumns(x, p, rows, order);
  const boundaryCells = prep.zeroCells.filter((c) => out[c] && !zeroTerms.some((t) => (c & t) === t));
  const zeroMarginTerms = zeroTerms.map((t) => termName(t, lists));
  if (!keep[0]) {
    let why: string;
    if (zeroTerms.length) {
      why = `nobody is on ${zeroMarginTerms.length === 1 ? "this combination of lists" : "these combinations of lists"} together (${zeroMarginTerms.join(", ")}), so the model's interaction terms for them are unconstrained, and the overlaps that remain cannot determine how many people are on no list`;
    } else if (boundaryCells.length) {
      why = `zero counts in ${boundaryCells.map((c) => patternName(lists, c)).join(", ")} put the maximum-likelihood fit on the boundary, and what remains cannot determine how many people are on no list`;
    } else {
      why = "the model has as many free parameters as the observed patterns can inform, so the number of people on no list is not determined";
    }
    return { ok: false, formula, model, kind: "not-identifiable", reason: `the estimate is not identifiable: ${why}. Choose a simpler model (fewer interactions)` };
  }
  const cols = order.filter((j) => keep[j]);
  const yRows = rows.map((c) => y[c]!);
  const res = irls(x, p, rows, cols, yRows);
  if (!res || !res.converged) {
    return { ok: false, formula, model, kind: "no-convergence", reason: "the fitting algorithm did not converge for this model; its estimate is not reported" };
  }
  const interceptIndex = cols.indexOf(0);
  const b0 = res.beta[interceptIndex]!;
  const missing = Math.exp(b0);
  const varB0 = cholInverseDiag(res.chol, cols.length, interceptIndex);
  const fitted = new Float64Array(cells);
  rows.forEach((c, i) => (fitted[c] = res.mu[i]!));
  fitted[0] = missing;
  let logLik = 0;
  rows.forEach((c, i) => {
    const yi = y[c]!;
    const m = res.mu[i]!;
    logLik += (yi > 0 ? yi * Math.log(m) : 0) - m - lgamma(yi + 1);
  });
  const npar = p;
  const colNames = [...terms.map((t) => termName(t, lists)), ...extra.map((e) => e.name)];
  // Model searches fit thousands of models and only need the intercept; the full table of
  // coefficients (p solves each) is computed for the models a report shows.
  const detailed = opts.detail ?? true;
  const coefficients: Coefficient[] = (detailed ? colNames : colNames.slice(0, 1)).map((name, j) => {
    const idx = cols.indexOf(j);
    if (idx >= 0) return { term: name, estimate: res.beta[idx]!, se: Math.sqrt(cholInverseDiag(res.chol, cols.length, idx)), status: "estimated" as const };
    const isZero = j < terms.length && zeroTerms.includes(terms[j]!);
    return { term: name, estimate: null, se: null, status: isZero ? ("minus-infinity" as const) : ("not-identifiable" as const) };
  });
  const fit: LoglinearFit = {
    ok: true,
    formula,
    model,
    observed,
    missing,
    N: observed + missing,
    se: Math.sqrt(missing * missing * varB0 + missing),
    deviance: Math.max(0, res.deviance),
    df: cells - 1 - npar,
    logLik,
    npar,
    aic: -2 * logLik + 2 * npar,
    bic: -2 * logLik + Math.log(observed) * npar,
    coefficients,
    fitted,
    boundaryCells,
    zeroMarginTerms,
    strict: cols.length === p - zeroTerms.length && boundaryCells.length === 0,
    iterations: res.iterations,
  };
  fittedState.set(fit, { design, counts: y, p, rows, cols, interceptIndex, beta: res.beta });
  return fit;
}

/** The multinomial profile likelihood for N and its 95% interval, as Rcapture's `closedpCI.t`. */
export interface ProfileInterval {
  /** The multinomial maximum-likelihood estimate of N (may differ slightly from the Poisson one). */
  N: number;
  low: number;
  /** null when the likelihood does not fall enough as N grows: the data set no upper limit. */
  high: number | null;
}

/**
 * Profile log-likelihood of N for a fitted model: the model is refitted to the
 * complete table with N − n people in the unobserved cell, and the multinomial
 * log-likelihood is lgamma(N+1) − lgamma(N−n+1) + Σ y log(μ̂/N). The interval is
 * every N whose deviance from the maximum is at most χ²₁(0.95) = 3.84.
 */
export function profileInterval(fit: LoglinearFit, level = 0.95): ProfileInterval {
  const threshold = level === 0.95 ? CHISQ1_95 : chisq1Quantile(level);
  const n = fit.observed;
  const ll = profileLogLik(fit);
  // Maximise over N ≥ n by golden-section search on a bracket grown from the Poisson estimate.
  let hi = Math.max(fit.N * 2, n + 10);
  while (ll(hi) > ll(hi / 2) && hi < 1e12) hi *= 2;
  const gr = (Math.sqrt(5) - 1) / 2;
  let a = n;
  let b = hi;
  let c = b - gr * (b - a);
  let d = a + gr * (b - a);
  let fc = ll(c);
  let fd = ll(d);
  for (let i = 0; i < 200 && b - a > 1e-7 * Math.max(1, a); i++) {
    if (fc > fd) {
      b = d;
      d = c;
      fd = fc;
      c = b - gr * (b - a);
      fc = ll(c);
    } else {
      a = c;
      c = d;
      fc = fd;
      d = a + gr * (b - a);
      fd = ll(d);
    }
  }
  const nHat = (a + b) / 2;
  const lMax = ll(nHat);
  const target = lMax - threshold / 2;
  const root = (x0: number, x1: number): number => {
    // ll(x0) ≥ target > ll(x1); bisection to 1e-9 relative.
    for (let i = 0; i < 200 && Math.abs(x1 - x0) > 1e-9 * Math.max(1, Math.abs(x0)); i++) {
      const m = (x0 + x1) / 2;
      if (ll(m) >= target) x0 = m;
      else x1 = m;
    }
    return (x0 + x1) / 2;
  };
  const low = ll(n) >= target ? n : root(nHat, n);
  let high: number | null = null;
  let up = nHat * 1.5 + 10;
  const cap = Math.max(1e9, nHat * 1e4);
  while (up < cap && ll(up) >= target) up *= 2;
  if (up < cap) high = root(nHat, up);
  return { N: nHat, low, high };
}

/**
 * The multinomial profile log-likelihood of N (up to a constant) for a fitted
 * model: the model refitted to the complete table with N − n people in the
 * unobserved cell; lgamma(N+1) − lgamma(N−n+1) + Σ y log(μ̂/N).
 */
export function profileLogLik(fit: LoglinearFit): (N: number) => number {
  const st = fittedState.get(fit);
  if (!st) throw new Error("profileLogLik needs a fit made by fitLoglinear");
  const n = fit.observed;
  const rows = [0, ...st.rows];
  const observedCounts = st.rows.map((c) => st.counts[c]!);
  let warm: Float64Array | undefined = st.beta;
  const x = st.design();
  return (N: number): number => {
    const y = [N - n, ...observedCounts];
    const res = irls(x, st.p, rows, st.cols, y, warm);
    if (!res) return -Infinity;
    warm = res.beta;
    let s = lgamma(N + 1) - lgamma(N - n + 1);
    for (let i = 0; i < rows.length; i++) if (y[i]! > 0) s += y[i]! * Math.log(res.mu[i]! / N);
    return s;
  };
}

/** χ²₁ quantile for levels other than 0.95: the square of the normal quantile. */
function chisq1Quantile(level: number): number {
  // Bisection on P(χ²₁ ≤ x) = 2Φ(√x) − 1, enough for the few levels used.
  let lo = 0;
  let hi = 100;
  for (let i = 0; i < 200; i++) {
    const m = (lo + hi) / 2;
    const p = 2 * pnorm(Math.sqrt(m)) - 1;
    if (p < level) lo = m;
    else hi = m;
  }
  return (lo + hi) / 2;
}

/** A log-normal interval on the missing count, exp(β₀ ± z·se(β₀)) + n, as SparseMSE reports. */
export function logNormalInterval(fit: LoglinearFit, level = 0.95): [number, number] {
  const b0 = fit.coefficients[0]!;
  if (b0.se === null || b0.estimate === null) return [NaN, NaN];
  const z = qnorm((1 + level) / 2);
  return [fit.observed + Math.exp(b0.estimate - z * b0.se), fit.observed + Math.exp(b0.estimate + z * b0.se)];
}
