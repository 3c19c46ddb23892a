import assert from "node:assert/strict";
import { describe, test } from "node:test";
import fc from "fast-check";
import { VigilError } from "../../src/core/errors.ts";
import { captureTable, captureTables, collapseLists, observedTotal, parseCaptureCsv, parseStratifiedCsv, tableFromPatterns, tableToCsv } from "../../src/estimate/index.ts";

function refusal(fn: () => unknown): VigilError {
  try {
    fn();
  } catch (err) {
    assert.ok(err instanceof VigilError, `expected a VigilError, got ${String(err)}`);
    return err;
  }
  assert.fail("expected an error");
}

describe("capture-pattern CSV", () => {
  test("reads lists from the header, counts by pattern, absent patterns are zero", () => {
    const t = parseCaptureCsv("A,B,C,count\n1,0,0,5\n0,1,1,2\n1,1,1,1\n");
    assert.deepEqual(t.lists, ["A", "B", "C"]);
    assert.equal(t.counts[0b001], 5);
    assert.equal(t.counts[0b110], 2);
    assert.equal(t.counts[0b111], 1);
    assert.equal(t.counts[0b010], 0);
    assert.equal(observedTotal(t), 8);
  });

  test("the count column may be anywhere, any case; a zero all-zero row is accepted", () => {
    const t = parseCaptureCsv("Count,X,Y\n3,1,0\n4,0,1\n0,0,0\n2,1,1\n");
    assert.deepEqual(t.lists, ["X", "Y"]);
    assert.equal(t.counts[0b11], 2);
  });

  test("an all-zero row with people is refused with its row and column", () => {
    const e = refusal(() => parseCaptureCsv("A,B,count\n1,0,3\n0,0,7\n", { file: "t.csv" }));
    assert.equal(e.where?.file, "t.csv");
    assert.equal(e.where?.row, 3);
    assert.equal(e.where?.column, "count");
    assert.match(e.message, /no list/);
  });

  test("bad cells are reported with row and column, all of them at once", () => {
    const e = refusal(() => parseCaptureCsv("A,B,count\n1,2,3\n0,1,-4\n1,1,2.5\n1,0,x\n"));
    const where = e.problems.map((p) => `${p.row}:${p.column}`);
    assert.deepEqual(where, ["2:B", "3:count", "4:count", "5:count"]);
    assert.match(e.problems[1]!.message, /negative/);
    assert.match(e.problems[2]!.message, /whole number/);
  });

  test("duplicate patterns, fewer than two lists, missing count column, bad names", () => {
    assert.match(refusal(() => parseCaptureCsv("A,B,count\n1,0,3\n1,0,4\n")).message, /already appears on row 2/);
    assert.match(refusal(() => parseCaptureCsv("A,count\n1,3\n")).message, /at least 2 lists/);
    assert.match(refusal(() => parseCaptureCsv("A,B,n\n1,0,3\n")).message, /no "count" column/);
    assert.match(refusal(() => parseCaptureCsv("A,A,count\n1,0,3\n")).message, /appears twice/);
    assert.match(refusal(() => parseCaptureCsv("A,B*C,count\n1,0,3\n")).message, /may only contain/);
    assert.match(refusal(() => parseCaptureCsv("A,B,count\n1,0\n")).message, /expected 3 cells/);
    assert.match(refusal(() => parseCaptureCsv("")).message, /empty/);
    assert.match(refusal(() => parseCaptureCsv("A,B,count\n1,0,0\n")).message, /every count is zero/);
  });

  test("property: any text either parses to a valid table or fails with a VigilError", () => {
    const cell = fc.oneof(fc.constantFrom("0", "1", "", "2", "-1", "1.5", "x", " 1", "00"), fc.string({ maxLength: 4 }));
    const csv = fc.tuple(fc.array(fc.constantFrom("A", "B", "C", "count", "D", "", "a b"), { minLength: 0, maxLength: 5 }), fc.array(fc.array(cell, { maxLength: 6 }), { maxLength: 8 })).map(([h, rows]) => [h.join(","), ...rows.map((r) => r.join(","))].join("\n"));
    fc.assert(
      fc.property(fc.oneof(csv, fc.string({ maxLength: 60 })), (text) => {
        try {
          const t = parseCaptureCsv(text);
          assert.ok(t.lists.length >= 2);
          assert.equal(t.counts.length, 1 << t.lists.length);
          assert.equal(t.counts[0], 0);
          for (const v of t.counts) assert.ok(Number.isInteger(v) && v >= 0);
          assert.ok(observedTotal(t) > 0);
        } catch (err) {
          assert.ok(err instanceof VigilError, `unexpected ${String(err)}`);
          assert.ok(err.message.length > 0);
        }
      }),
      { numRuns: 400 },
    );
  });

  test("property: a table written as CSV reads back the same", () => {
    fc.assert(
      fc.property(fc.integer({ min: 2, max: 5 }).chain((k) => fc.tuple(fc.constant(k), fc.array(fc.nat(50), { minLength: (1 << k) - 1, maxLength: (1 << k) - 1 }))), ([k, counts]) => {
        fc.pre(counts.some((c) => c > 0));
        const lists = ["P", "Q", "R", "S", "T"].slice(0, k);
        const t = tableFromPatterns(lists, counts.map((count, i) => ({ pattern: i + 1, count })));
        const back = parseCaptureCsv(tableToCsv(t));
        assert.deepEqual([...back.counts], [...t.counts]);
        assert.deepEqual(back.lists, lists);
      }),
      { numRuns: 100 },
    );
  });

  test("stratified CSV: one table per stratum, duplicates only within a stratum", () => {
    const m = parseStratifiedCsv("province,A,B,count\nX,1,0,3\nX,1,1,1\nY,1,0,2\nY,0,1,5\n", "province");
    assert.deepEqual([...m.keys()].sort(), ["X", "Y"]);
    assert.deepEqual(m.get("X")!.lists, ["A", "B"]);
    assert.equal(m.get("Y")!.counts[0b10], 5);
    assert.match(refusal(() => parseStratifiedCsv("s,A,B,count\nX,1,0,3\nX,1,0,1\n", "s")).message, /in stratum "X" already appears/);
    assert.match(refusal(() => parseStratifiedCsv("A,B,count\n1,0,3\n", "s")).message, /no stratum column/);
  });
});

describe("capture tables from linked records", () => {
  test("counts each person once by the set of lists they are on", () => {
    const t = captureTable(["A", "B", "C"], [{ lists: ["A"] }, { lists: new Set(["A", "B"]) }, { lists: ["B", "A"] }, { lists: [] }, { lists: ["C"] }]);
    assert.equal(t.counts[0b011], 2);
    assert.equal(t.counts[0b001], 1);
    assert.equal(t.counts[0b100], 1);
    assert.equal(observedTotal(t), 4);
  });

  test("a list not being estimated is an error, not silently dropped", () => {
    assert.match(refusal(() => captureTable(["A", "B"], [{ lists: ["Z"] }])).message, /not among the lists/);
  });

  test("strata split the table; their sum is the pooled table", () => {
    const people = [
      { lists: ["A"], stratum: "north" },
      { lists: ["A", "B"], stratum: "north" },
      { lists: ["B"], stratum: "south" },
      { lists: ["A", "B"], stratum: "south" },
      { lists: ["A"] },
    ];
    const by = captureTables(["A", "B"], people, { byStratum: true });
    assert.deepEqual([...by.keys()].sort((a, b) => String(a).localeCompare(String(b))), ["north", null, "south"].sort((a, b) => String(a).localeCompare(String(b))));
    const pooled = captureTable(["A", "B"], people);
    const sum = [0, 0, 0, 0];
    for (const t of by.values()) t.counts.forEach((c, i) => (sum[i]! += c));
    assert.deepEqual(sum, [...pooled.counts]);
  });

  test("collapsing lists merges their people", () => {
    const t = parseCaptureCsv("A,B,C,count\n1,0,0,1\n0,1,0,2\n1,1,0,3\n0,0,1,4\n");
    const c = collapseLists(t, { AB: ["A", "B"], C: ["C"] });
    assert.equal(c.counts[0b01], 6);
    assert.equal(c.counts[0b10], 4);
  });
});
