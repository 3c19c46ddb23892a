import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { parseDate } from "../../src/core/dates.ts";
import { VigilError } from "../../src/core/errors.ts";
import { normaliseName, normalisePersian, foldLatin, nameKeys } from "../../src/core/names.ts";

const persianish = fc.string({ unit: fc.constantFrom(..."۰۱۲۳۴۵۶۷۸۹0123456789/-. تابستانمردادc~ح‌ـًي كةأآ".split("")), maxLength: 30 });

test("parseDate never crashes: it returns a consistent date or a date_parse/validation error", () => {
  fc.assert(
    fc.property(fc.oneof(fc.string({ maxLength: 40 }), persianish, fc.string({ unit: "grapheme", maxLength: 20 })), (s) => {
      try {
        const d = parseDate(s);
        if (d.precision !== "unknown") {
          assert.ok(d.earliest && d.latest && d.earliest <= d.latest, `interval of ${s}`);
          assert.match(d.earliest, /^\d{4}-\d{2}-\d{2}$/);
        }
        assert.equal(d.text, s.trim());
      } catch (e) {
        assert.ok(e instanceof VigilError && (e.code === "date_parse" || e.code === "validation"), `unexpected ${String(e)} for ${JSON.stringify(s)}`);
      }
    }),
    { numRuns: 3000 },
  );
});

test("name normalisation is idempotent and total; keys are stable", () => {
  fc.assert(
    fc.property(fc.oneof(fc.string({ unit: "grapheme", maxLength: 30 }), persianish), (s) => {
      const n = normaliseName(s);
      assert.equal(normaliseName(n), n);
      assert.equal(normalisePersian(normalisePersian(s)), normalisePersian(s));
      assert.equal(foldLatin(foldLatin(s)), foldLatin(s));
      assert.deepEqual(nameKeys(n), nameKeys(n));
    }),
    { numRuns: 3000 },
  );
});
