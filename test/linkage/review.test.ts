import { test } from "node:test";
import assert from "node:assert/strict";
import { parseDecisions, resolveDecisions } from "../../src/linkage/index.ts";
import { VigilError } from "../../src/core/errors.ts";

const r = (list: string, row_id: string) => ({ list, row_id });
const index = new Map([["A#1", 0], ["A#2", 1], ["B#1", 2], ["B#2", 3]]);
const indexOf = (x: { list: string; row_id: string }) => index.get(`${x.list}#${x.row_id}`);

test("decisions become constraints; later ones win; undo withdraws", () => {
  const decisions = parseDecisions({
    decisions: [
      { id: "d1", at: "2026-01-01T00:00:00Z", action: "accept", records: [r("A", "1"), r("B", "1")] },
      { id: "d2", at: "2026-01-02T00:00:00Z", action: "reject", records: [r("A", "2"), r("B", "2")] },
      { id: "d3", at: "2026-01-03T00:00:00Z", action: "split", groups: [[r("A", "1")], [r("B", "1"), r("B", "2")]] },
      { id: "d4", at: "2026-01-04T00:00:00Z", action: "undo", target: "d2" },
      { id: "d5", at: "2026-01-05T00:00:00Z", action: "accept", records: [r("A", "1"), r("Z", "9")] },
    ],
  });
  const res = resolveDecisions(decisions, indexOf);
  // d3's split overrides d1's accept of A1~B1; it joins B1 and B2; d2 is undone.
  assert.deepEqual(res.mustLink, [[2, 3]]);
  assert.deepEqual(res.cannotLink.sort(), [[0, 2], [0, 3]]);
  assert.deepEqual(res.unknown, [r("Z", "9")]);
  assert.deepEqual(res.conflicts, []);
});

test("a rejection inside a chain of acceptances is reported, not silently applied", () => {
  const decisions = parseDecisions({
    decisions: [
      { id: "a", at: "t", action: "accept", records: [r("A", "1"), r("A", "2")] },
      { id: "b", at: "t", action: "accept", records: [r("A", "2"), r("B", "1")] },
      { id: "c", at: "t", action: "reject", records: [r("A", "1"), r("B", "1")] },
    ],
  });
  const res = resolveDecisions(decisions, indexOf);
  assert.equal(res.cannotLink.length, 0);
  assert.equal(res.conflicts.length, 1);
});

test("a malformed decisions file is refused with every problem", () => {
  assert.throws(() => parseDecisions({ decisions: [{ id: "x", at: "t", action: "merge" }, { id: "x", at: "t", action: "accept", records: [r("A", "1")] }] }, "d.json"), (e: unknown) => {
    assert.ok(e instanceof VigilError);
    assert.equal(e.problems.length, 3);
    assert.ok(e.problems.every((p) => p.file === "d.json"));
    return true;
  });
  assert.throws(() => parseDecisions([]), /a decisions file is \{"decisions": \[...\]\}/);
});
