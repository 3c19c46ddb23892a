import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { diagnose, effectiveSize, Random } from "../../src/estimate/index.ts";
import { lgamma } from "../../src/estimate/special.ts";

/** Pearson χ² statistic of counts against expected probabilities, pooling the tails below 5 expected. */
function chiSquare(counts: Map<number, number>, pmf: (k: number) => number, n: number, range: [number, number]): { stat: number; df: number } {
  let stat = 0;
  let df = -1;
  let poolObs = 0;
  let poolExp = 0;
  for (let k = range[0]; k <= range[1]; k++) {
    const e = n * pmf(k);
    const o = counts.get(k) ?? 0;
    poolObs += o;
    poolExp += e;
    if (poolExp >= 5) {
      stat += (poolObs - poolExp) ** 2 / poolExp;
      df++;
      poolObs = 0;
      poolExp = 0;
    }
  }
  return { stat, df };
}

const tally = (draw: () => number, n: number) => {
  const m = new Map<number, number>();
  for (let i = 0; i < n; i++) {
    const k = draw();
    m.set(k, (m.get(k) ?? 0) + 1);
  }
  return m;
};

// χ² critical values at 0.999 are about df + 3.1·√(2 df) + 7 for these df; a looser bound keeps the test honest but stable.
const critical = (df: number) => df + 4 * Math.sqrt(2 * df) + 10;

describe("random stream and samplers", () => {
  test("a seed gives the same stream; different seeds differ", () => {
    const a = new Random(42);
    const b = new Random(42);
    const c = new Random(43);
    const xs = Array.from({ length: 5 }, () => a.uniform());
    assert.deepEqual(xs, Array.from({ length: 5 }, () => b.uniform()));
    assert.notDeepEqual(xs, Array.from({ length: 5 }, () => c.uniform()));
    for (const x of xs) assert.ok(x > 0 && x < 1);
  });

  for (const [n, p] of [[30, 0.2], [1000, 0.3], [100000, 0.01], [5000, 0.97]] as const) {
    test(`binomial(${n}, ${p}) matches its exact distribution (χ²)`, () => {
      const rng = new Random(n);
      const N = 60000;
      const pmf = (k: number) => Math.exp(lgamma(n + 1) - lgamma(k + 1) - lgamma(n - k + 1) + k * Math.log(p) + (n - k) * Math.log1p(-p));
      const { stat, df } = chiSquare(tally(() => rng.binomial(n, p), N), pmf, N, [0, n]);
      assert.ok(stat < critical(df), `χ² ${stat.toFixed(1)} on ${df} df`);
    });
  }

  for (const lambda of [3, 25, 5000]) {
    test(`poisson(${lambda}) matches its exact distribution (χ²)`, () => {
      const rng = new Random(lambda);
      const N = 60000;
      const pmf = (k: number) => Math.exp(k * Math.log(lambda) - lambda - lgamma(k + 1));
      const { stat, df } = chiSquare(tally(() => rng.poisson(lambda), N), pmf, N, [0, Math.ceil(lambda + 12 * Math.sqrt(lambda) + 20)]);
      assert.ok(stat < critical(df), `χ² ${stat.toFixed(1)} on ${df} df`);
    });
  }

  test("gamma and beta have the right mean and variance, small shapes included", () => {
    const rng = new Random(7);
    const N = 200000;
    for (const shape of [0.05, 0.7, 3, 40]) {
      let s = 0;
      let s2 = 0;
      for (let i = 0; i < N; i++) {
        const x = rng.gamma(shape);
        s += x;
        s2 += x * x;
      }
      const m = s / N;
      const v = s2 / N - m * m;
      assert.ok(Math.abs(m - shape) < 5 * Math.sqrt(shape / N), `gamma(${shape}) mean ${m}`);
      assert.ok(Math.abs(v / shape - 1) < 0.08, `gamma(${shape}) variance ${v}`);
    }
    let s = 0;
    for (let i = 0; i < N; i++) s += rng.beta(2, 5);
    assert.ok(Math.abs(s / N - 2 / 7) < 0.003);
    const [lv, l1mv] = rng.logBeta(1e-3, 1e3);
    assert.ok(Number.isFinite(lv) && Number.isFinite(l1mv) && lv < 0 && l1mv <= 0);
  });

  test("multinomial draws add up and follow the probabilities", () => {
    const rng = new Random(9);
    const out = new Float64Array(3);
    const tot = [0, 0, 0];
    for (let i = 0; i < 2000; i++) {
      rng.multinomial(1000, [1, 2, 7], out);
      assert.equal(out[0]! + out[1]! + out[2]!, 1000);
      out.forEach((x, j) => (tot[j]! += x));
    }
    assert.ok(Math.abs(tot[2]! / 2e6 - 0.7) < 0.002);
  });
});

describe("convergence diagnostics", () => {
  test("independent draws: ESS near the count, R̂ near 1, no warnings", () => {
    const rng = new Random(3);
    const chains = [0, 1].map(() => Float64Array.from({ length: 2000 }, () => 1000 + 100 * rng.normal()));
    const d = diagnose(chains);
    assert.ok(d.ess > 3000, `ess ${d.ess}`);
    assert.ok(Math.abs(d.rhat - 1) < 0.02);
    assert.deepEqual(d.warnings, []);
  });

  test("chains that disagree, or stick, are flagged", () => {
    const rng = new Random(4);
    const a = Float64Array.from({ length: 1000 }, () => 1000 + 10 * rng.normal());
    const b = Float64Array.from({ length: 1000 }, () => 2000 + 10 * rng.normal());
    assert.ok(diagnose([a, b]).rhat > 1.5);
    assert.ok(diagnose([a, b]).warnings.some((w) => /disagree/.test(w)));
    let x = 0;
    const sticky = Float64Array.from({ length: 2000 }, () => (x = 0.995 * x + rng.normal()) + 1000);
    assert.ok(effectiveSize(sticky) < 100);
  });
});
