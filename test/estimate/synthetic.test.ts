import assert from "node:assert/strict";
import { test } from "node:test";
import { VigilError } from "../../src/core/errors.ts";
import { estimate, fromTableSet, parseRunInput, parseStratifiedCsv, patternName, reportCsv, syntheticLists, tableSetCsv, toTableSet, type EstimateRun } from "../../src/estimate/index.ts";

/**
 * The fictional list generator (a known total to check estimates against),
 * the run input reader shared by the page and the API, and the exports.
 */

const LISTS = [
  { name: "A", p: 0.4 },
  { name: "B", p: 0.35 },
  { name: "C", p: 0.3 },
];

test("fictional lists: the same seed gives the same people; tables add up; disjoint lists share nobody; lists record about their share", () => {
  const a = syntheticLists({ total: 3000, seed: 9, lists: LISTS, strata: [{ name: "N", share: 2, factor: 1.2 }, { name: "S", share: 1, factor: 0.6 }], disjoint: [["B", "C"]] });
  const b = syntheticLists({ total: 3000, seed: 9, lists: LISTS, strata: [{ name: "N", share: 2, factor: 1.2 }, { name: "S", share: 1, factor: 0.6 }], disjoint: [["B", "C"]] });
  assert.deepEqual([...a.table.counts], [...b.table.counts]);
  assert.notDeepEqual([...a.table.counts], [...syntheticLists({ total: 3000, seed: 10, lists: LISTS }).table.counts]);
  assert.equal(a.people.length, 3000);
  assert.equal([...a.stratumTotals.values()].reduce((x, y) => x + y, 0), 3000);
  const sum = [...a.byStratum.values()].reduce((acc, t) => acc.map((c, p) => c + t.counts[p]!), new Array<number>(8).fill(0));
  assert.deepEqual(sum, [...a.table.counts]);
  for (let p = 0; p < 8; p++) if ((p & 6) === 6) assert.equal(a.table.counts[p], 0, patternName(a.table.lists, p));
  // List A records about 0.4 × (2/3 × 1.2 + 1/3 × 0.6) = 0.4 of everyone: within 5 binomial standard deviations.
  const onA = a.people.filter((p) => p.lists.includes("A")).length;
  assert.ok(Math.abs(onA - 1200) < 5 * Math.sqrt(3000 * 0.4 * 0.6), `${onA} on A`);
  assert.throws(() => syntheticLists({ total: 10, lists: [{ name: "A", p: 2 }, { name: "B", p: 0.1 }] }), VigilError);
});

test("on independent fictional lists, the log-linear 95% interval covers the true total in most data sets", () => {
  let covered = 0;
  const seeds = 20;
  for (let seed = 1; seed <= seeds; seed++) {
    const g = syntheticLists({ total: 800, seed, lists: LISTS });
    const r = estimate(g.table, { sensitivity: false });
    if (r.interval[0] <= 800 && 800 <= (r.interval[1] ?? Infinity)) covered++;
  }
  // 95% intervals: 20 data sets give 19 on average; fewer than 16 would mean a broken interval.
  assert.ok(covered >= 16, `covered ${covered} of ${seeds}`);
});

test("run input: every problem at its field; lists or a CSV, not both; limits on the sampler", () => {
  const fields = (raw: Record<string, unknown>) => {
    try {
      parseRunInput(raw);
      return [];
    } catch (e) {
      return (e as VigilError).problems.map((p) => p.field);
    }
  };
  assert.deepEqual(fields({ sources: ["x"] }), ["sources"]);
  assert.deepEqual(fields({ sources: ["x", "y"], method: "magic" }), ["method"]);
  assert.deepEqual(fields({ sources: ["x", "y"], method: "bma", model: "A*B" }), ["model"]);
  assert.deepEqual(fields({ sources: ["x", "y"], iterations: "3000000", chains: "0", delta: "-1" }), ["delta", "iterations", "chains"]);
  assert.deepEqual(fields({ sources: ["x", "y"], method: "lcmcr", iterations: "10", thin: "10" }), ["thin"]);
  assert.deepEqual(fields({ sources: ["x", "y"], csv: "A,B,count\n1,0,1\n" }), ["sources"]);
  assert.deepEqual(fields({ sources: ["x", "y"], stratify: "religion" }), ["stratify"]);
  const { input } = parseRunInput({ sources: ["x", "y"], method: "lcmcr", seed: 7, burnIn: "100", iterations: 200, thin: "2", sensitivity: "false" });
  assert.deepEqual(input.lcmcr, { seed: 7, burnIn: 100, iterations: 200, thin: 2, chains: 2, classes: 10 });
  assert.equal(input.sensitivity, false);
});

test("exports: a stratified table round-trips through its CSV; spreadsheet cells never start a formula", () => {
  const g = syntheticLists({ total: 500, seed: 4, lists: LISTS, strata: [{ name: "North, upper", share: 1 }, { name: "South", share: 1 }] });
  const ts = toTableSet(new Map([...g.byStratum].map(([k, t]) => [k, t] as const)));
  const back = parseStratifiedCsv(tableSetCsv(ts), "stratum");
  assert.deepEqual([...back.keys()].sort(), ["North, upper", "South"]);
  for (const [k, t] of fromTableSet(ts)) assert.deepEqual([...back.get(k!)!.counts], [...t.counts]);

  const report = estimate(g.table, { sensitivity: false });
  const run = {
    id: "est_test",
    status: "done",
    input: { method: "loglinear", model: null },
    provenance: { lists: [{ name: "A", label: "=HYPERLINK(\"http://example.org\")", people: 1 }] },
    report,
    error: null,
  } as unknown as EstimateRun;
  const csv = reportCsv(run);
  assert.ok(csv.includes(`list,,A,1,,,,,,"'=HYPERLINK(""http://example.org"")"`), csv.split("\n")[1]);
  assert.ok(!/(^|,)[=+@]/m.test(csv.replace(/"[^"]*"/g, "")));
});
