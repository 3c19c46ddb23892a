/**
 * Quality floors, so that linkage cannot get worse unnoticed. Measured on the
 * small benchmark sets (docs/benchmarks.md has the full figures); each floor
 * sits a little under the measured value. Shared data: ../shared/data/linkage
 * and ../shared/data/names (see the PROVENANCE.md files there); the
 * synthetic lists are generated (src/linkage/synthetic.ts).
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { evaluateClusters, linkRecords, Preparer, personSpec } from "../../src/linkage/index.ts";
import { crossScriptRetrieval, DATASETS, exactNameClusters, hasShared, namePairs, syntheticDataset, type Dataset } from "../../bench/lib/linkage-data.ts";

function link(data: Dataset) {
  const prep = new Preparer();
  const prepared = data.entries.map((e) => prep.prepare(e.person));
  const result = linkRecords(prepared, personSpec(prep));
  return { result, ev: evaluateClusters(result.clustering.cluster, data.truth), base: evaluateClusters(exactNameClusters(data.entries), data.truth) };
}

const FLOORS = {
  synthetic: { f1: 0.93, baselineMargin: 0.6 },
  febrl1: 0.97,
  febrl4: 0.98,
  fake1000: 0.78,
  namesTop1: 0.94,
};

test("synthetic mixed-script lists: linked well above the exact-name baseline", () => {
  const data = syntheticDataset({ people: 600, seed: 11 });
  const { ev, base } = link(data);
  assert.ok(ev.pairwise.f1 >= FLOORS.synthetic.f1, `pairwise F1 ${ev.pairwise.f1.toFixed(3)}`);
  assert.ok(ev.pairwise.f1 - base.pairwise.f1 >= FLOORS.synthetic.baselineMargin, `baseline ${base.pairwise.f1.toFixed(3)}`);
});

for (const [key, floor] of [["febrl1", FLOORS.febrl1], ["febrl4", FLOORS.febrl4], ["fake1000", FLOORS.fake1000]] as const) {
  test(`${key}: pairwise F1 floor ${floor}`, async (t) => {
    const ds = DATASETS[key]!;
    if (!ds.files.every(hasShared)) return t.skip("../shared/data/linkage not found");
    const { ev, base } = link(await ds.load());
    assert.ok(ev.pairwise.f1 >= floor, `pairwise F1 ${ev.pairwise.f1.toFixed(4)}`);
    assert.ok(ev.pairwise.f1 > base.pairwise.f1 + 0.2, `baseline ${base.pairwise.f1.toFixed(3)}`);
  });
}

test("cross-script retrieval on real name pairs: top-1 floor", (t) => {
  if (!hasShared("data/names/omid1988_victims_names.csv")) return t.skip("../shared/data/names not found");
  // Every 16th Persian name against all Latin names keeps the test short; the benchmark runs them all.
  const r = crossScriptRetrieval(namePairs(), 16);
  assert.ok(r.queries > 200);
  assert.ok(r.top1 >= FLOORS.namesTop1, `top-1 ${r.top1.toFixed(3)}`);
  assert.ok(r.top1 > r.baselineTop1, "beats skeleton keys alone");
});
