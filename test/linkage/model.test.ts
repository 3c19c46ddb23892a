import { test } from "node:test";
import assert from "node:assert/strict";
import { clusterRecords, estimateU, PatternTable, seededRandom, trainModel, type Comparison } from "../../src/linkage/index.ts";

test("EM recovers the m probabilities and the prior of simulated pairs", () => {
  // Five comparisons with levels 1 (disagree) and 2 (agree); true m and u known.
  const trueM = [0.9, 0.8, 0.95, 0.85, 0.9];
  const trueU = [0.002, 0.01, 0.05, 0.02, 0.01];
  const comparisons: Comparison<unknown>[] = trueM.map((_, k) => ({ name: `c${k}`, levels: ["missing", "disagree", "agree"], compare: () => 0 }));
  const random = seededRandom(42);
  const n = 2000; // records
  const totalPairs = (n * (n - 1)) / 2;
  const matches = 1000;
  const candidates = new PatternTable([3, 3, 3, 3, 3]);
  const sample = new PatternTable([3, 3, 3, 3, 3]);
  const draw = (p: number[]): number[] => p.map((x) => (random() < x ? 2 : 1));
  for (let i = 0; i < matches; i++) candidates.add(draw(trueM));
  // Blocking let through 20,000 non-matches, which look like random pairs.
  for (let i = 0; i < 20000; i++) candidates.add(draw(trueU));
  for (let i = 0; i < 100000; i++) sample.add(draw(trueU));
  const u = estimateU(comparisons, sample);
  const model = trainModel(comparisons, u, candidates, totalPairs);
  assert.ok(model.converged, `${model.iterations} iterations, prior ${model.lambda}`);
  model.comparisons.forEach((c, k) => {
    assert.ok(Math.abs(c.m[2]! - trueM[k]!) < 0.04, `m${k} = ${c.m[2]} vs ${trueM[k]}`);
    assert.ok(Math.abs(c.u[2]! - trueU[k]!) < 0.003, `u${k}`);
  });
  const expected = matches / totalPairs;
  assert.ok(Math.abs(model.lambda - expected) / expected < 0.1, `prior ${model.lambda} vs ${expected}`);
});

test("clustering does not chain two people through one link", () => {
  // 0-1-2 are one person, 3-4-5 another; a single strong wrong link 2~3.
  const pairs = [
    { a: 0, b: 1, p: 0.99 }, { a: 1, b: 2, p: 0.97 }, { a: 0, b: 2, p: 0.95 },
    { a: 3, b: 4, p: 0.99 }, { a: 4, b: 5, p: 0.98 }, { a: 3, b: 5, p: 0.96 },
    { a: 2, b: 3, p: 0.9 },
  ];
  const c = clusterRecords(6, pairs, { threshold: 0.5 });
  assert.equal(c.cluster[0], c.cluster[2]);
  assert.equal(c.cluster[3], c.cluster[5]);
  assert.notEqual(c.cluster[2], c.cluster[3], "connected components alone would have joined them");
  assert.deepEqual(c.splitComponents.map((m) => m.length), [6]);
  assert.ok(c.membership[0]! > 0.9);
});

test("clustering respects reviewers: must-links join, cannot-links part", () => {
  const pairs = [{ a: 0, b: 1, p: 0.95 }, { a: 1, b: 2, p: 0.3 }];
  const plain = clusterRecords(3, pairs, { threshold: 0.5 });
  assert.equal(plain.cluster[0], plain.cluster[1]);
  assert.notEqual(plain.cluster[1], plain.cluster[2]);
  const decided = clusterRecords(3, pairs, { threshold: 0.5, mustLink: [[1, 2]], cannotLink: [[0, 1]] });
  assert.equal(decided.cluster[1], decided.cluster[2]);
  assert.notEqual(decided.cluster[0], decided.cluster[1]);
  assert.ok(Number.isNaN(decided.membership[0]!), "a record alone has no membership probability");
});

test("unscored pairs inside a component are scored when a scorer is given", () => {
  // 0~1 and 1~2 strong, but 0 and 2 were never compared and are clearly different.
  const pairs = [{ a: 0, b: 1, p: 0.9 }, { a: 1, b: 2, p: 0.9 }];
  const c = clusterRecords(3, pairs, { threshold: 0.7, score: (a, b) => (a + b === 2 ? 0.01 : 0.9) });
  assert.ok(!(c.cluster[0] === c.cluster[1] && c.cluster[1] === c.cluster[2]), "the three are not one person");
});
