/**
 * The small dense linear algebra the log-linear fits need: Cholesky with a
 * positivity check, rank detection and null spaces by elimination, and a
 * simplex method for the existence check. Matrices are row-major Float64Arrays.
 * Problems are tiny (a few dozen rows and columns), so clarity and numerical
 * care matter more than blocking or vectorisation.
 */

/** In-place Cholesky A = L Lᵀ of a p×p symmetric matrix (lower triangle used). Returns false if A is not positive definite. */
export function cholesky(a: Float64Array, p: number): boolean {
  for (let j = 0; j < p; j++) {
    let d = a[j * p + j]!;
    for (let k = 0; k < j; k++) d -= a[j * p + k]! * a[j * p + k]!;
    // A relative floor: a pivot this small means the columns are (numerically) dependent.
    if (!(d > 1e-13 * Math.abs(a[j * p + j]!)) || !(d > 0)) return false;
    const ljj = Math.sqrt(d);
    a[j * p + j] = ljj;
    for (let i = j + 1; i < p; i++) {
      let s = a[i * p + j]!;
      for (let k = 0; k < j; k++) s -= a[i * p + k]! * a[j * p + k]!;
      a[i * p + j] = s / ljj;
    }
  }
  return true;
}

/** Solves L Lᵀ x = b in place, given the factor from `cholesky`. */
export function cholSolve(l: Float64Array, p: number, b: Float64Array): void {
  for (let i = 0; i < p; i++) {
    let s = b[i]!;
    for (let k = 0; k < i; k++) s -= l[i * p + k]! * b[k]!;
    b[i] = s / l[i * p + i]!;
  }
  for (let i = p - 1; i >= 0; i--) {
    let s = b[i]!;
    for (let k = i + 1; k < p; k++) s -= l[k * p + i]! * b[k]!;
    b[i] = s / l[i * p + i]!;
  }
}

/** Diagonal element (i, i) of A⁻¹ from its Cholesky factor. */
export function cholInverseDiag(l: Float64Array, p: number, i: number): number {
  const e = new Float64Array(p);
  e[i] = 1;
  cholSolve(l, p, e);
  return e[i];
}

/**
 * Which columns of X (restricted to `rows`) are linearly independent of the
 * columns before them in `order`: modified Gram–Schmidt with a relative
 * tolerance. X has 0/1 entries here, so a tolerance of 1e-9 cleanly separates
 * true dependence from rounding.
 */
export function independentColumns(x: Float64Array, ncols: number, rows: ArrayLike<number>, order: readonly number[], tol = 1e-9): boolean[] {
  const m = rows.length;
  const basis: Float64Array[] = [];
  const keep = new Array<boolean>(ncols).fill(false);
  for (const c of order) {
    const v = new Float64Array(m);
    let norm0 = 0;
    for (let i = 0; i < m; i++) {
      v[i] = x[rows[i]! * ncols + c]!;
      norm0 += v[i]! * v[i]!;
    }
    if (norm0 === 0) continue;
    for (const q of basis) {
      let dot = 0;
      for (let i = 0; i < m; i++) dot += q[i]! * v[i]!;
      for (let i = 0; i < m; i++) v[i]! -= dot * q[i]!;
    }
    let norm = 0;
    for (let i = 0; i < m; i++) norm += v[i]! * v[i]!;
    if (norm > tol * tol * norm0) {
      const s = 1 / Math.sqrt(norm);
      for (let i = 0; i < m; i++) v[i]! *= s;
      basis.push(v);
      keep[c] = true;
    }
  }
  return keep;
}

/** A basis of the null space {d : A d = 0} of an m×p matrix, as q vectors of length p (reduced row echelon form). */
export function nullSpace(a: Float64Array, m: number, p: number, tol = 1e-9): Float64Array[] {
  const r = Float64Array.from(a);
  const pivotCols: number[] = [];
  let row = 0;
  for (let col = 0; col < p && row < m; col++) {
    let best = row;
    for (let i = row + 1; i < m; i++) if (Math.abs(r[i * p + col]!) > Math.abs(r[best * p + col]!)) best = i;
    if (Math.abs(r[best * p + col]!) < tol) continue;
    if (best !== row) {
      for (let k = 0; k < p; k++) {
        const t = r[row * p + k]!;
        r[row * p + k] = r[best * p + k]!;
        r[best * p + k] = t;
      }
    }
    const piv = r[row * p + col]!;
    for (let k = 0; k < p; k++) r[row * p + k]! /= piv;
    for (let i = 0; i < m; i++) {
      if (i === row) continue;
      const f = r[i * p + col]!;
      if (f === 0) continue;
      for (let k = 0; k < p; k++) r[i * p + k]! -= f * r[row * p + k]!;
    }
    pivotCols.push(col);
    row++;
  }
  const isPivot = new Uint8Array(p);
  for (const c of pivotCols) isPivot[c] = 1;
  const basis: Float64Array[] = [];
  for (let free = 0; free < p; free++) {
    if (isPivot[free]) continue;
    const v = new Float64Array(p);
    v[free] = 1;
    pivotCols.forEach((c, i) => {
      v[c] = -r[i * p + free]!;
    });
    basis.push(v);
  }
  return basis;
}

/**
 * Maximises cᵀx subject to A x ≤ b, x ≥ 0, with b ≥ 0 (so the origin is
 * feasible and no phase one is needed). Dense tableau; Bland's rule, because
 * these problems are highly degenerate (most of b is 0) and would otherwise
 * cycle. Returns the optimal x, or null if unbounded.
 */
export function simplexMax(a: Float64Array, b: Float64Array, c: Float64Array, m: number, n: number): Float64Array | null {
  const w = n + m + 1;
  const t = new Float64Array((m + 1) * w);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) t[i * w + j] = a[i * n + j]!;
    t[i * w + n + i] = 1;
    t[i * w + w - 1] = b[i]!;
  }
  for (let j = 0; j < n; j++) t[m * w + j] = -c[j]!;
  const basis = new Int32Array(m);
  for (let i = 0; i < m; i++) basis[i] = n + i;
  const eps = 1e-11;
  for (let iter = 0; iter < 50000; iter++) {
    let enter = -1;
    for (let j = 0; j < n + m; j++) {
      if (t[m * w + j]! < -eps) {
        enter = j;
        break;
      }
    }
    if (enter < 0) break;
    let leave = -1;
    let bestRatio = Infinity;
    for (let i = 0; i < m; i++) {
      const aij = t[i * w + enter]!;
      if (aij > eps) {
        const ratio = t[i * w + w - 1]! / aij;
        if (ratio < bestRatio - eps || (Math.abs(ratio - bestRatio) <= eps && leave >= 0 && basis[i]! < basis[leave]!)) {
          bestRatio = ratio;
          leave = i;
        }
      }
    }
    if (leave < 0) return null;
    const piv = t[leave * w + enter]!;
    for (let k = 0; k < w; k++) t[leave * w + k]! /= piv;
    for (let i = 0; i <= m; i++) {
      if (i === leave) continue;
      const f = t[i * w + enter]!;
      if (f === 0) continue;
      for (let k = 0; k < w; k++) t[i * w + k]! -= f * t[leave * w + k]!;
    }
    basis[leave] = enter;
  }
  const x = new Float64Array(n);
  for (let i = 0; i < m; i++) if (basis[i]! < n) x[basis[i]!] = t[i * w + w - 1]!;
  return x;
}
