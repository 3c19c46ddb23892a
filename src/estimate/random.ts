import { lgamma } from "./special.ts";

/**
 * A seeded random stream and the samplers the Gibbs sampler needs. The
 * generator is xoshiro128** (Blackman & Vigna), seeded through splitmix32, so a
 * seed gives the same draws on every machine. The samplers are the standard
 * exact methods: Marsaglia–Tsang for gamma, Hörmann's BTRD for binomial and
 * PTRS for Poisson when the mean is large, inversion when it is small. Each is
 * checked against its exact distribution in the tests.
 */
export class Random {
  private s0: number;
  private s1: number;
  private s2: number;
  private s3: number;

  constructor(seed: number) {
    let x = (Math.floor(seed) ^ 0x9e3779b9) >>> 0;
    const next = () => {
      // splitmix32
      x = (x + 0x9e3779b9) >>> 0;
      let z = x;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
      return (z ^ (z >>> 16)) >>> 0;
    };
    this.s0 = next();
    this.s1 = next();
    this.s2 = next();
    this.s3 = next();
    if ((this.s0 | this.s1 | this.s2 | this.s3) === 0) this.s0 = 1;
  }

  /** Next 32 random bits. */
  nextUint32(): number {
    const result = Math.imul(rotl(Math.imul(this.s1, 5) >>> 0, 7), 9) >>> 0;
    const t = (this.s1 << 9) >>> 0;
    this.s2 ^= this.s0;
    this.s3 ^= this.s1;
    this.s1 ^= this.s2;
    this.s0 ^= this.s3;
    this.s2 ^= t;
    this.s3 = rotl(this.s3 >>> 0, 11);
    this.s0 >>>= 0;
    this.s1 >>>= 0;
    this.s2 >>>= 0;
    return result;
  }

  /** Uniform on (0, 1), 53 bits, never exactly 0. */
  uniform(): number {
    const a = this.nextUint32() >>> 5;
    const b = this.nextUint32() >>> 6;
    return (a * 67108864 + b + 0.5) / 9007199254740992;
  }

  /** Standard normal (Marsaglia's polar method). */
  normal(): number {
    for (;;) {
      const u = 2 * this.uniform() - 1;
      const v = 2 * this.uniform() - 1;
      const s = u * u + v * v;
      if (s > 0 && s < 1) return u * Math.sqrt((-2 * Math.log(s)) / s);
    }
  }

  /** Gamma(shape, 1) by Marsaglia & Tsang (2000); shapes below 1 by the boost Γ(a) = Γ(a+1)·U^(1/a). */
  gamma(shape: number): number {
    if (shape < 1) return Math.exp(this.logGamma(shape));
    return this.mtGamma(shape);
  }

  /** log of a Gamma(shape, 1) draw; stays finite for tiny shapes where the draw itself underflows. */
  logGamma(shape: number): number {
    if (shape >= 1) return Math.log(this.mtGamma(shape));
    return Math.log(this.mtGamma(shape + 1)) + Math.log(this.uniform()) / shape;
  }

  private mtGamma(shape: number): number {
    const d = shape - 1 / 3;
    const c = 1 / Math.sqrt(9 * d);
    for (;;) {
      let x: number;
      let v: number;
      do {
        x = this.normal();
        v = 1 + c * x;
      } while (v <= 0);
      v = v * v * v;
      const u = this.uniform();
      if (u < 1 - 0.0331 * x * x * x * x) return d * v;
      if (Math.log(u) < 0.5 * x * x + d * (1 - v + Math.log(v))) return d * v;
    }
  }

  /** Beta(a, b) as G₁ / (G₁ + G₂). */
  beta(a: number, b: number): number {
    const [lv] = this.logBeta(a, b);
    return Math.exp(lv);
  }

  /** [log V, log(1 − V)] for V ~ Beta(a, b), computed from log-gamma draws so neither end underflows. */
  logBeta(a: number, b: number): [number, number] {
    const la = this.logGamma(a);
    const lb = this.logGamma(b);
    const m = Math.max(la, lb);
    const lsum = m + Math.log(Math.exp(la - m) + Math.exp(lb - m));
    return [la - lsum, lb - lsum];
  }

  /** Binomial(n, p): inversion when n·min(p, 1−p) < 10, else BTRD (Hörmann 1993). */
  binomial(n: number, p: number): number {
    if (n <= 0 || p <= 0) return 0;
    if (p >= 1) return n;
    if (p > 0.5) return n - this.binomial(n, 1 - p);
    if (n * p < 10) return this.binomialInversion(n, p);
    return this.btrd(n, p);
  }

  private binomialInversion(n: number, p: number): number {
    const q = 1 - p;
    const s = p / q;
    const a = (n + 1) * s;
    for (;;) {
      let r = Math.exp(n * Math.log1p(-p));
      let u = this.uniform();
      let x = 0;
      let ok = true;
      while (u > r) {
        u -= r;
        x++;
        if (x > n) {
          ok = false; // rounding left a sliver of mass past n: draw again
          break;
        }
        r *= a / x - s;
      }
      if (ok) return x;
    }
  }

  private btrd(n: number, p: number): number {
    const m = Math.floor((n + 1) * p);
    const r = p / (1 - p);
    const nr = (n + 1) * r;
    const npq = n * p * (1 - p);
    const spq = Math.sqrt(npq);
    const b = 1.15 + 2.53 * spq;
    const a = -0.0873 + 0.0248 * b + 0.01 * p;
    const c = n * p + 0.5;
    const alpha = (2.83 + 5.1 / b) * spq;
    const vr = 0.92 - 4.2 / b;
    const urvr = 0.86 * vr;
    for (;;) {
      let v = this.uniform();
      let u: number;
      if (v <= urvr) {
        u = v / vr - 0.43;
        return Math.floor(((2 * a) / (0.5 - Math.abs(u)) + b) * u + c);
      }
      if (v >= vr) {
        u = this.uniform() - 0.5;
      } else {
        u = v / vr - 0.93;
        u = Math.sign(u) * 0.5 - u;
        v = this.uniform() * vr;
      }
      const us = 0.5 - Math.abs(u);
      const k = Math.floor(((2 * a) / us + b) * u + c);
      if (k < 0 || k > n) continue;
      v = (v * alpha) / (a / (us * us) + b);
      const km = Math.abs(k - m);
      if (km <= 15) {
        // Recursive evaluation of f(k) / f(m).
        let f = 1;
        if (m < k) for (let i = m + 1; i <= k; i++) f *= nr / i - r;
        else if (m > k) for (let i = k + 1; i <= m; i++) v *= nr / i - r;
        if (v <= f) return k;
        continue;
      }
      v = Math.log(v);
      const rho = (km / npq) * (((km / 3 + 0.625) * km + 1 / 6) / npq + 0.5);
      const t = (-km * km) / (2 * npq);
      if (v < t - rho) return k;
      if (v > t + rho) continue;
      const nm = n - m + 1;
      const h = (m + 0.5) * Math.log((m + 1) / (r * nm)) + stirlingCorrection(m) + stirlingCorrection(n - m);
      const nk = n - k + 1;
      if (v <= h + (n + 1) * Math.log(nm / nk) + (k + 0.5) * Math.log((nk * r) / (k + 1)) - stirlingCorrection(k) - stirlingCorrection(n - k)) return k;
    }
  }

  /** Poisson(lambda): inversion below 10, else PTRS (Hörmann 1993). */
  poisson(lambda: number): number {
    if (!(lambda > 0)) return 0;
    if (lambda < 10) {
      let x = 0;
      let p = Math.exp(-lambda);
      let s = p;
      const u = this.uniform();
      while (u > s) {
        x++;
        p *= lambda / x;
        s += p;
        if (p === 0 && s < u) break;
      }
      return x;
    }
    const slam = Math.sqrt(lambda);
    const loglam = Math.log(lambda);
    const b = 0.931 + 2.53 * slam;
    const a = -0.059 + 0.02483 * b;
    const invalpha = 1.1239 + 1.1328 / (b - 3.4);
    const vr = 0.9277 - 3.6224 / (b - 2);
    for (;;) {
      const u = this.uniform() - 0.5;
      const v = this.uniform();
      const us = 0.5 - Math.abs(u);
      const k = Math.floor(((2 * a) / us + b) * u + lambda + 0.43);
      if (us >= 0.07 && v <= vr) return k;
      if (k < 0 || (us < 0.013 && v > us)) continue;
      if (Math.log(v) + Math.log(invalpha) - Math.log(a / (us * us) + b) <= -lambda + k * loglam - lgamma(k + 1)) return k;
    }
  }

  /** Negative binomial: failures before the r-th success with success probability p, as a gamma–Poisson mixture. */
  negativeBinomial(r: number, p: number): number {
    if (p >= 1) return 0;
    const lambda = this.gamma(r) * ((1 - p) / p);
    return this.poisson(lambda);
  }

  /** Multinomial(n, probs) into `out` (probs need not sum to 1), by conditional binomials. */
  multinomial(n: number, probs: ArrayLike<number>, out: Float64Array | Int32Array): void {
    let total = 0;
    for (let i = 0; i < probs.length; i++) total += probs[i]!;
    let left = n;
    for (let i = 0; i < probs.length; i++) {
      if (left === 0 || total <= 0) {
        out[i] = 0;
        continue;
      }
      const pi = probs[i]!;
      const x = i === probs.length - 1 ? left : this.binomial(left, Math.min(1, pi / total));
      out[i] = x;
      left -= x;
      total -= pi;
    }
  }
}

function rotl(x: number, k: number): number {
  return ((x << k) | (x >>> (32 - k))) >>> 0;
}

const FC = [0.08106146679532726, 0.04134069595540929, 0.02767792568499834, 0.02079067210376509, 0.0166446911898211, 0.01387612882307075, 0.01189670994589177, 0.01041126526197209, 0.009255462182712733, 0.008330563433362871];

/** log k! − [(k + ½) log(k + 1) − (k + 1) + ½ log 2π]: the Stirling remainder BTRD needs. */
function stirlingCorrection(k: number): number {
  if (k < 10) return FC[k]!;
  const kp1 = k + 1;
  const kp1sq = kp1 * kp1;
  return (1 / 12 - (1 / 360 - 1 / 1260 / kp1sq) / kp1sq) / kp1;
}
