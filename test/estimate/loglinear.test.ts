import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { allHierarchicalModels, decomposableGraphs, estimate, fitLoglinear, formatModel, independence, parseCaptureCsv, parseModel, profileInterval, selectAll, selectStepwise } from "../../src/estimate/index.ts";
import { VigilError } from "../../src/core/errors.ts";
import { haveData, load, NO_DATA } from "./data.ts";

describe("model terms", () => {
  const lists = ["A", "B", "C", "D"];
  test("A*B*C+A*D holds every lower-order term and every main effect", () => {
    const m = parseModel("A*B*C+A*D", lists);
    const names = m.terms.map((t) => lists.filter((_, j) => (t >> j) & 1).join(":") || "1");
    assert.deepEqual(names.sort(), ["1", "A", "B", "C", "D", "A:B", "A:C", "B:C", "A:B:C", "A:D"].sort());
    assert.equal(formatModel(m, lists), "A*D+A*B*C".split("+").sort((a, b) => a.length - b.length || a.localeCompare(b)).join("+"));
    assert.equal(formatModel(parseModel(formatModel(m, lists), lists), lists), formatModel(m, lists));
  });

  test("independence is written A+B+C+D; ':' is read as '*'; unknown lists are named", () => {
    assert.equal(formatModel(independence(4), lists), "A+B+C+D");
    assert.deepEqual(parseModel("A:B + C", lists).terms, parseModel("A*B+C", lists).terms);
    assert.throws(() => parseModel("A*E", lists), (e: unknown) => e instanceof VigilError && /unknown list "E"/.test(e.message));
    assert.throws(() => parseModel("A*A", lists), /twice/);
    assert.throws(() => parseModel("A++B", lists), /empty term/);
  });

  test("all hierarchical models: 8, 113 and 6,893 for 3, 4 and 5 lists, each distinct and closed downwards", () => {
    assert.equal(allHierarchicalModels(3).length, 8);
    assert.equal(allHierarchicalModels(4).length, 113);
    const five = allHierarchicalModels(5);
    assert.equal(five.length, 6893);
    assert.equal(new Set(five.map((m) => m.terms.join(","))).size, five.length);
    for (const m of five.slice(0, 500)) {
      const set = new Set(m.terms);
      for (const t of m.terms) for (let b = t; b; b &= b - 1) assert.ok(set.has(t & ~(b & -b)), "closed downwards");
      assert.ok(!set.has(31), "never the 5-way interaction");
    }
  });

  test("decomposable graphs: 8, 61 and 822 for 3, 4 and 5 lists", () => {
    assert.deepEqual([3, 4, 5].map((k) => decomposableGraphs(k).length), [8, 61, 822]);
  });
});

describe("existence and identifiability", () => {
  test("two lists that never overlap: refused, with the reason", () => {
    const t = parseCaptureCsv("A,B,count\n1,0,30\n0,1,20\n");
    const r = fitLoglinear(t, independence(2));
    assert.equal(r.ok, false);
    assert.match(r.ok ? "" : r.reason, /not identifiable/);
    assert.throws(() => estimate(t), (e: unknown) => e instanceof VigilError && /no log-linear model could be fitted/.test(e.message));
  });

  test("the saturated model is refused", () => {
    const t = parseCaptureCsv("A,B,count\n1,0,30\n0,1,20\n1,1,5\n");
    const r = fitLoglinear(t, parseModel("A*B", t.lists));
    assert.equal(r.ok, false);
    assert.match(r.ok ? "" : r.reason, /interaction of all 2 lists/);
    // Lincoln–Petersen for the independence model: 35 × 25 / 5.
    const ind = fitLoglinear(t, independence(2));
    assert.ok(ind.ok);
    assert.ok(Math.abs(ind.N - (35 * 25) / 5) < 1e-6);
  });

  test("Artificial_3 (one list overlaps no other): all two-way interactions refused; A*C+B*C fitted with −∞ terms", { skip: haveData ? false : NO_DATA }, () => {
    const t = load("sparsemse_Artificial_3.csv");
    const all2 = fitLoglinear(t, parseModel("A*B+A*C+B*C", t.lists));
    assert.equal(all2.ok, false);
    assert.match(all2.ok ? "" : all2.reason, /A:C, B:C/);
    const ac = fitLoglinear(t, parseModel("A*C+B*C", t.lists));
    assert.ok(ac.ok);
    assert.deepEqual(ac.zeroMarginTerms, ["A:C", "B:C"]);
    // With A·C and B·C at −∞ the fit is saturated on the remaining cells: 40 × 30 / 6 missing.
    assert.ok(Math.abs(ac.missing - (40 * 30) / 6) < 1e-6);
    assert.equal(ac.coefficients.find((c) => c.term === "A:C")?.status, "minus-infinity");
    const sel = selectAll(t, "bic");
    assert.ok(sel.refused.length > 0);
    assert.ok(sel.refused.every((r) => /not identifiable|interaction of all/.test(r.reason)));
  });

  test("zeros off the term margins are found by the linear program: the extended MLE matches every margin", () => {
    // With A*C in the model, the A=0, C=1 margin is empty (patterns C, B+C, C+D, B+C+D),
    // yet no term's margin is zero: only the cone test sees that those cells must be fitted as 0.
    const counts = [19, 13, 18, 0, 12, 0, 0, 15, 0, 15, 18, 0, 0, 0, 0];
    const t = parseCaptureCsv(["A,B,C,D,count", ...counts.map((c, i) => [0, 1, 2, 3].map((j) => ((i + 1) >> j) & 1).join(",") + "," + c)].join("\n"));
    const r = fitLoglinear(t, parseModel("A*C+B+D", t.lists));
    assert.ok(r.ok);
    assert.deepEqual(r.boundaryCells, [0b0100, 0b0110, 0b1100, 0b1110]);
    assert.deepEqual(r.zeroMarginTerms, []);
    assert.equal(r.strict, false);
    for (const c of r.boundaryCells) assert.equal(r.fitted[c], 0);
    // The defining property of the (extended) MLE: fitted margins equal observed margins for every term.
    for (const term of r.model.terms.filter((x) => x !== 0)) {
      let obs = 0;
      let fit = 0;
      for (let c = 1; c < 16; c++) if ((c & term) === term) {
        obs += t.counts[c]!;
        fit += r.fitted[c]!;
      }
      assert.ok(Math.abs(obs - fit) < 1e-6 * Math.max(1, obs), `margin ${term}: ${obs} vs ${fit}`);
    }
    assert.ok(estimate(t, { model: "A*C+B+D", sensitivity: false }).caveats.some((c) => c.kind === "boundary"));
  });

  test("the profile interval contains the estimate and narrows as overlaps grow", () => {
    const widths = [1, 4, 16].map((k) => {
      const t = parseCaptureCsv(`A,B,count\n1,0,${50 * k}\n0,1,${40 * k}\n1,1,${2 * k}\n`);
      const f = fitLoglinear(t, independence(2));
      assert.ok(f.ok);
      const pi = profileInterval(f);
      assert.ok(pi.low < pi.N && pi.N < pi.high!);
      return (pi.high! - pi.low) / pi.N;
    });
    assert.ok(widths[0]! > widths[1]! && widths[1]! > widths[2]!);
  });
});

describe("model selection", { skip: haveData ? false : NO_DATA }, () => {
  test("BIC and AIC rank the same fits; weights sum to 1; the best has the lowest score", () => {
    const t = load("rcapture_HIV_rome_4lists.csv");
    for (const c of ["aic", "bic"] as const) {
      const s = selectAll(t, c);
      assert.equal(s.considered, 113);
      const total = s.ranked.reduce((a, r) => a + r.weight, 0);
      assert.ok(Math.abs(total - 1) < 1e-9);
      const score = (i: number) => (c === "aic" ? s.ranked[i]!.fit.aic : s.ranked[i]!.fit.bic);
      for (let i = 1; i < s.ranked.length; i++) assert.ok(score(i) >= score(0));
    }
  });

  test("stepwise search for many lists never ends worse than independence", () => {
    const t = load("sparsemse_NewOrl.csv");
    const s = selectStepwise(t, "bic");
    const ind = fitLoglinear(t, independence(8));
    assert.ok(ind.ok);
    assert.ok(s.ranked[0]!.fit.bic <= ind.bic + 1e-9);
  });
});
