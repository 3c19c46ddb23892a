// Reproduces every deterministic reference answer of ../shared/data/mse/PROVENANCE.md
// to the digits printed there. The Monte Carlo rows (LCMCR, BCa bootstrap) are
// checked in distribution in monte-carlo.test.ts.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { bma, fitLoglinear, independence, logNormalInterval, parseModel, profileInterval, selectPValueStepwise, type LoglinearFit } from "../../src/estimate/index.ts";
import { estimate } from "../../src/estimate/index.ts";
import { haveData, load, NO_DATA } from "./data.ts";

const fixed = (x: number, d: number) => x.toFixed(d);
const round = (x: number) => Math.round(x);

function fit(file: string, terms: string): LoglinearFit {
  const t = load(file);
  const r = fitLoglinear(t, parseModel(terms, t.lists));
  assert.ok(r.ok, r.ok ? "" : r.reason);
  return r;
}

describe("reference answers (PROVENANCE.md)", { skip: haveData ? false : NO_DATA }, () => {
  test("M&Y 3-list, dga with delta 1, Nmissing 1:300, negative-binomial prior a=13.14 b=55.17", () => {
    const r = bma(load("dga_madigan_york_3lists.csv"), { delta: 1, nMissing: { from: 1, to: 300 }, priorN: { kind: "negative-binomial", a: 13.14, b: 55.17 } });
    const top = r.models[0]!;
    assert.equal(fixed(top.probability, 4), "0.3738");
    assert.equal(fixed(top.summary.bayes, 2), "731.07");
    assert.equal(top.summary.mode, 729);
    assert.equal(fixed(r.summary.bayes, 2), "731.10");
    assert.equal(r.summary.mode, 728);
    assert.equal(fixed(r.summary.mean, 2), "733.45");
    // The published figures: top model 0.37, Bayes estimate 731, mode 729; averaged 731, mode 728.
    assert.equal(fixed(top.probability, 2), "0.37");
    assert.equal(round(top.summary.bayes), 731);
    assert.equal(round(r.summary.bayes), 731);
    // The top model is the one with only the L1·L2 interaction.
    assert.equal(top.formula, "L1*L2+L3");
  });

  test("M&Y 3-list, glm with only the L1·L2 interaction: 730.9", () => {
    assert.equal(fixed(fit("dga_madigan_york_3lists.csv", "L1*L2+L3").N, 1), "730.9");
  });

  test("M&Y 5-list, dga with delta 0.5, Nmissing 1:300: median 616, 95% 588–655, mean 617.8", () => {
    const r = bma(load("dga_madigan_york_5lists.csv"), { delta: 0.5, nMissing: { from: 1, to: 300 } });
    assert.equal(r.summary.median, 616);
    assert.equal(r.summary.low, 588);
    assert.equal(r.summary.high, 655);
    assert.equal(fixed(r.summary.mean, 1), "617.8");
    assert.equal(r.graphsConsidered, 822);
  });

  const stepwise: [string, string, number, [number, number] | null][] = [
    ["UK 6 lists", "sparsemse_UKdat.csv", 11418, null],
    ["Netherlands 6 lists", "sparsemse_Ned.csv", 111139, null],
    ["New Orleans 8 lists", "sparsemse_NewOrl.csv", 1184, [721, 2046]],
    ["Western 5 lists", "sparsemse_Western.csv", 2483, [1657, 3830]],
  ];
  for (const [name, file, point, interval] of stepwise) {
    test(`${name}, SparseMSE stepwise (p-value threshold 0.02): ${point.toLocaleString("en-US")}`, () => {
      const { path } = selectPValueStepwise(load(file));
      const chosen = path[path.length - 1]!;
      assert.equal(round(chosen.N), point);
      // SparseMSE's interval is exp(β₀ ± 1.96·se) + n (log-normal on the missing count); the provenance calls it the profile interval.
      if (interval) assert.deepEqual(logNormalInterval(chosen).map(round), interval);
      // The same answer through the public estimate() with --select pvalue.
      const report = estimate(load(file), { select: "pvalue", sensitivity: false });
      assert.equal(round(report.N), point);
      // The published UK figure (Silverman 2014): "10,000 to 13,000" potential victims.
      if (file === "sparsemse_UKdat.csv") assert.ok(chosen.N >= 10000 && chosen.N <= 13000);
    });
  }

  test("HIV Rome, Rcapture Mt (independence): 11,124.6 (SE 904.8)", () => {
    const f = fit("rcapture_HIV_rome_4lists.csv", "c1+c2+c3+c4");
    assert.equal(fixed(f.N, 1), "11124.6");
    assert.equal(fixed(f.se, 1), "904.8");
  });

  test("HIV Rome, Mt + c1·c2: 12,318.5 (SE 1,188.7); multinomial 12,308, profile CI 10,266–14,992", () => {
    const f = fit("rcapture_HIV_rome_4lists.csv", "c1*c2+c3+c4");
    assert.equal(fixed(f.N, 1), "12318.5");
    assert.equal(fixed(f.se, 1), "1188.7");
    const pi = profileInterval(f);
    assert.equal(round(pi.N), 12308);
    assert.equal(round(pi.low), 10266);
    assert.equal(round(pi.high!), 14992);
  });

  test("Lesbian, Rcapture Mt: 3,738.5 (SE 95.2); Mth Darroch 6,963.7 (SE 650.1)", () => {
    const t = load("rcapture_lesbian_allegheny_4lists.csv");
    const mt = fitLoglinear(t, independence(4));
    assert.ok(mt.ok);
    assert.equal(fixed(mt.N, 1), "3738.5");
    assert.equal(fixed(mt.se, 1), "95.2");
    const darroch = estimate(t, { heterogeneity: "darroch", sensitivity: false });
    assert.equal(fixed(darroch.N, 1), "6963.7");
    assert.equal(darroch.settings.se, 650.08);
  });
});
