import assert from "node:assert/strict";
import { test } from "node:test";
import { EstimatorPool } from "../../src/estimate/pool.ts";
import { syntheticLists, toTableSet } from "../../src/estimate/index.ts";

/**
 * The worker threads that run the engine: a task that fails takes only
 * itself down and the thread goes on serving; a refusal comes back with its
 * reason; long tasks report progress.
 */

const table = toTableSet(new Map([[null, syntheticLists({ total: 400, seed: 2, lists: [{ name: "A", p: 0.5 }, { name: "B", p: 0.4 }, { name: "C", p: 0.3 }] }).table]]));

test("a failing task, a refused model and a sampler with progress, one after another in the same thread", async () => {
  const pool = new EstimatorPool(1);
  try {
    const failed = await pool.run({ tables: { lists: ["A", "B"], strata: [] }, stratified: false, options: {} });
    assert.equal(failed.kind, "failed");
    const refused = await pool.run({ tables: table, stratified: false, options: { model: "A*B*C" } });
    assert.equal(refused.kind, "refused");
    assert.match(refused.kind === "refused" ? refused.error.message : "", /interaction of all 3 lists/);
    const progress: number[] = [];
    const done = await pool.run({ tables: table, stratified: false, options: { method: "lcmcr", seed: 1, sensitivity: false, lcmcr: { burnIn: 200, iterations: 400, thin: 2, chains: 1 } } }, (d, t) => progress.push(d / t));
    assert.equal(done.kind, "report");
    assert.ok(progress.length >= 1 && progress[progress.length - 1] === 1, `progress ${progress.join(", ")}`);
  } finally {
    await pool.close();
  }
});
