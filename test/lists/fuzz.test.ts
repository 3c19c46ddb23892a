import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { parseMapping, readEntries, FIELDS, type Table } from "../../src/lists/index.ts";
import { parseDecisions } from "../../src/linkage/index.ts";
import { VigilError } from "../../src/core/errors.ts";

const vigilErrorOnly = (f: () => unknown): void => {
  try {
    f();
  } catch (e) {
    assert.ok(e instanceof VigilError, `not a VigilError: ${String(e)}`);
    assert.ok(e.message.length > 0);
  }
};

test("hostile mapping files: a mapping or a clear error", () => {
  fc.assert(fc.property(fc.jsonValue(), (v) => vigilErrorOnly(() => parseMapping(v, "m.json"))), { numRuns: 500 });
  const columns = fc.dictionary(fc.string({ maxLength: 8 }), fc.oneof(fc.constantFrom(...FIELDS), fc.string({ maxLength: 6 })));
  fc.assert(
    fc.property(columns, fc.string({ maxLength: 6 }), fc.constantFrom("jalali", "gregorian", "auto", "x"), (cols, name, calendar) =>
      vigilErrorOnly(() => parseMapping({ list_name: name, columns: cols, calendar, name_order: "auto", day_month_order: "dmy" })),
    ),
    { numRuns: 500 },
  );
});

test("hostile cells: rows read or reported, never a crash", () => {
  const fields = ["id", "full_name", "father_name", "sex", "birth_date", "birth_year", "age", "date_of_death", "year_of_death", "residence"] as const;
  const mapping = parseMapping({ list_name: "L", columns: Object.fromEntries(fields.map((f) => [f, f])), calendar: "auto", name_order: "auto", day_month_order: "dmy" });
  const cell = fc.oneof(fc.string({ maxLength: 20 }), fc.constantFrom("۱۳۶۷/۰۵/۱۲", "1988-13-01", "31/02/1962", "c. 1960", "تابستان ۱۳۶۷", "۲۵", "-", "نامعلوم", "محمد حسینی", "Rezaei, Mohammad", "زن", "M"));
  fc.assert(
    fc.property(fc.array(fc.array(cell, { minLength: fields.length, maxLength: fields.length + 2 }), { maxLength: 8 }), fc.boolean(), (rows, skipBad) => {
      const table: Table = { file: "f.csv", format: "csv", headers: [...fields], rows: rows.map((cells, i) => ({ row: i + 1, line: i + 2, cells })) };
      try {
        const r = readEntries(table, mapping, { skipBad });
        assert.equal(r.entries.length + r.skipped.length, rows.length);
        for (const s of r.skipped) for (const p of s.problems) assert.equal(p.file, "f.csv");
      } catch (e) {
        assert.ok(e instanceof VigilError, String(e));
        assert.ok(!skipBad);
        assert.ok(e.problems.every((p) => p.file === "f.csv" && typeof p.row === "number"));
      }
    }),
    { numRuns: 300 },
  );
});

test("hostile decisions files: decisions or a clear error", () => {
  fc.assert(fc.property(fc.jsonValue(), (v) => vigilErrorOnly(() => parseDecisions(v, "d.json"))), { numRuns: 300 });
  fc.assert(fc.property(fc.array(fc.jsonValue(), { maxLength: 4 }), (ds) => vigilErrorOnly(() => parseDecisions({ decisions: ds }))), { numRuns: 300 });
});
