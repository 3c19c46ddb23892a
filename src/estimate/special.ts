/**
 * Special functions the estimators need, written out because no well-kept,
 * dependency-free JavaScript library covers them to the accuracy the reference
 * answers require (a posterior over hundreds of N values sums thousands of
 * log-gamma terms; an error of 1e-9 in each would move the answer).
 */

const LN_SQRT_2PI = 0.9189385332046727;

/** log Γ(x) for x > 0, accurate to ~1e-15 relative: recurrence up to 15, then Stirling's series. */
export function lgamma(x: number): number {
  if (!(x > 0)) {
    if (x === 0) return Infinity;
    return NaN;
  }
  let shift = 0;
  if (x < 15) {
    // Γ(x) = Γ(x + n) / (x (x+1) … (x+n−1)); product kept in a float and logged
    // every few steps so it neither overflows nor loses digits.
    let prod = 1;
    while (x < 15) {
      prod *= x;
      x += 1;
      if (prod > 1e280) {
        shift += Math.log(prod);
        prod = 1;
      }
    }
    shift += Math.log(prod);
  }
  const inv = 1 / x;
  const inv2 = inv * inv;
  // Stirling: B2n / (2n (2n−1) x^(2n−1)), terms up to x^-13 (error < 1e-17 for x ≥ 15).
  const series =
    inv *
    (1 / 12 +
      inv2 * (-1 / 360 + inv2 * (1 / 1260 + inv2 * (-1 / 1680 + inv2 * (1 / 1188 + inv2 * (-691 / 360360 + inv2 * (1 / 156)))))));
  return (x - 0.5) * Math.log(x) - x + LN_SQRT_2PI + series - shift;
}

/** log(e^a + e^b) without overflow. */
export function logAddExp(a: number, b: number): number {
  if (a === -Infinity) return b;
  if (b === -Infinity) return a;
  return a > b ? a + Math.log1p(Math.exp(b - a)) : b + Math.log1p(Math.exp(a - b));
}

/** Regularised lower incomplete gamma P(a, x). */
export function gammaP(a: number, x: number): number {
  if (x <= 0) return 0;
  if (x < a + 1) return gammaSeries(a, x);
  return 1 - gammaCF(a, x);
}

/** Regularised upper incomplete gamma Q(a, x) = 1 − P(a, x), computed directly in its tail. */
export function gammaQ(a: number, x: number): number {
  if (x <= 0) return 1;
  if (x < a + 1) return 1 - gammaSeries(a, x);
  return gammaCF(a, x);
}

function gammaSeries(a: number, x: number): number {
  let sum = 1 / a;
  let term = sum;
  for (let n = 1; n < 10000; n++) {
    term *= x / (a + n);
    sum += term;
    if (Math.abs(term) < Math.abs(sum) * 1e-16) break;
  }
  return sum * Math.exp(-x + a * Math.log(x) - lgamma(a));
}

function gammaCF(a: number, x: number): number {
  // Lentz's continued fraction for Q(a, x).
  const tiny = 1e-300;
  let b = x + 1 - a;
  let c = 1 / tiny;
  let d = 1 / b;
  let h = d;
  for (let i = 1; i < 10000; i++) {
    const an = -i * (i - a);
    b += 2;
    d = an * d + b;
    if (Math.abs(d) < tiny) d = tiny;
    c = b + an / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    const delta = d * c;
    h *= delta;
    if (Math.abs(delta - 1) < 1e-16) break;
  }
  return Math.exp(-x + a * Math.log(x) - lgamma(a)) * h;
}

/** P(X ≤ k) for X ~ Poisson(lambda); as R's ppois. */
export function poissonCdf(k: number, lambda: number): number {
  if (k < 0) return 0;
  return gammaQ(Math.floor(k) + 1, lambda);
}

/** P(X > k) for X ~ Poisson(lambda); as R's ppois(k, lambda, lower.tail = FALSE). */
export function poissonUpper(k: number, lambda: number): number {
  if (k < 0) return 1;
  return gammaP(Math.floor(k) + 1, lambda);
}

/** Standard normal quantile (Acklam's approximation, one Newton step on erfc). */
export function qnorm(p: number): number {
  if (p <= 0) return -Infinity;
  if (p >= 1) return Infinity;
  const a = [-3.969683028665376e1, 2.209460984245205e2, -2.759285104469687e2, 1.38357751867269e2, -3.066479806614716e1, 2.506628277459239];
  const b = [-5.447609879822406e1, 1.615858368580409e2, -1.556989798598866e2, 6.680131188771972e1, -1.328068155288572e1];
  const c = [-7.784894002430293e-3, -3.223964580411365e-1, -2.400758277161838, -2.549732539343734, 4.374664141464968, 2.938163982698783];
  const d = [7.784695709041462e-3, 3.224671290700398e-1, 2.445134137142996, 3.754408661907416];
  const pl = 0.02425;
  let x: number;
  if (p < pl) {
    const q = Math.sqrt(-2 * Math.log(p));
    x = (((((c[0]! * q + c[1]!) * q + c[2]!) * q + c[3]!) * q + c[4]!) * q + c[5]!) / ((((d[0]! * q + d[1]!) * q + d[2]!) * q + d[3]!) * q + 1);
  } else if (p <= 1 - pl) {
    const q = p - 0.5;
    const r = q * q;
    x = ((((((a[0]! * r + a[1]!) * r + a[2]!) * r + a[3]!) * r + a[4]!) * r + a[5]!) * q) / (((((b[0]! * r + b[1]!) * r + b[2]!) * r + b[3]!) * r + b[4]!) * r + 1);
  } else {
    const q = Math.sqrt(-2 * Math.log(1 - p));
    x = -(((((c[0]! * q + c[1]!) * q + c[2]!) * q + c[3]!) * q + c[4]!) * q + c[5]!) / ((((d[0]! * q + d[1]!) * q + d[2]!) * q + d[3]!) * q + 1);
  }
  const e = 0.5 * erfc(-x / Math.SQRT2) - p;
  const u = e * Math.sqrt(2 * Math.PI) * Math.exp((x * x) / 2);
  return x - u / (1 + (x * u) / 2);
}

/** Standard normal CDF. */
export function pnorm(x: number): number {
  return 0.5 * erfc(-x / Math.SQRT2);
}

/** Complementary error function, through the incomplete gamma: erfc(x) = Q(1/2, x²) for x ≥ 0. */
export function erfc(x: number): number {
  if (x >= 0) return gammaQ(0.5, x * x);
  return 2 - gammaQ(0.5, x * x);
}

/** χ² quantile with 1 degree of freedom at 0.95, the profile-likelihood threshold. */
export const CHISQ1_95 = 3.841458820694124;
