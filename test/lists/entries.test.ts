import { test } from "node:test";
import assert from "node:assert/strict";
import { readTable, readEntries, parseMapping, type Mapping } from "../../src/lists/index.ts";
import { VigilError } from "../../src/core/errors.ts";

const mapping = (columns: Mapping["columns"], extra: Partial<Mapping> = {}): Mapping =>
  parseMapping({ list_name: "L", columns, calendar: "auto", name_order: "auto", day_month_order: "dmy", ...extra });

test("a Persian row: digits, Jalali dates, an age turned into a birth interval, the row kept verbatim", async () => {
  const csv = "ردیف,نام و نام خانوادگی,نام پدر,سن,تاریخ اعدام,محل اعدام,جنسیت\n۱۲,سید محمد حسینی,علی,۲۵,۱۳۶۷/۰۵/۱۲,زندان اوین,مرد\n";
  const t = await readTable(Buffer.from(csv), "fa.csv");
  const { entries } = readEntries(t, mapping({ ردیف: "id", "نام و نام خانوادگی": "full_name", "نام پدر": "father_name", سن: "age", "تاریخ اعدام": "date_of_death", "محل اعدام": "place_of_death", جنسیت: "sex" }));
  const e = entries[0]!;
  assert.equal(e.rowId, "۱۲");
  assert.equal(e.raw["نام و نام خانوادگی"], "سید محمد حسینی");
  assert.deepEqual(e.person.given, ["محمد"]);
  assert.deepEqual(e.person.family, ["حسینی"]);
  assert.deepEqual(e.person.father, ["علی"]);
  assert.equal(e.person.sex, "male");
  assert.equal(e.person.death?.earliest, "1988-08-03");
  // Aged 25 on 3 August 1988: born between 4 August 1962 and 3 August 1963.
  assert.equal(e.person.birth?.earliest, "1962-08-04");
  assert.equal(e.person.birth?.latest, "1963-08-03");
});

test("bad rows are reported with file, row, line, column and reason; nothing is read", async () => {
  const csv = "id,name,born,age,sex\n1,Ali Rezaei,1960,30,m\n2,Zahra Karimi,31/02/1962,x,f\n3,,1961,,\n1,Reza,1962,,q\n";
  const t = await readTable(Buffer.from(csv), "bad.csv");
  const m = mapping({ id: "id", name: "full_name", born: "birth_date", age: "age", sex: "sex" });
  assert.throws(() => readEntries(t, m), (e: unknown) => {
    assert.ok(e instanceof VigilError);
    assert.equal(e.code, "import_failed");
    assert.match(e.message, /3 rows of bad.csv cannot be read; nothing was imported/);
    const got = e.problems.map((p) => `${p.file}:${p.row}:${p.line}:${p.column ?? p.field ?? ""}:${p.message}`);
    assert.ok(got.some((g) => /^bad.csv:2:3:born:.*day 31 does not exist/.test(g)), got.join("\n"));
    assert.ok(got.some((g) => /^bad.csv:2:3:age:"x" is not an age/.test(g)));
    assert.ok(got.some((g) => /^bad.csv:3:4::the row has no name/.test(g)));
    assert.ok(got.some((g) => /^bad.csv:4:5:sex:"q" is not a sex/.test(g)));
    assert.ok(got.some((g) => /^bad.csv:4:5:id:id "1" is also on row 1/.test(g)));
    return true;
  });
  const { entries, skipped } = readEntries(t, m, { skipBad: true });
  assert.deepEqual(entries.map((e) => e.rowId), ["1"]);
  assert.deepEqual(skipped.map((s) => s.row), [2, 3, 4]);
});

test("row ids default to the 1-based row number; unknown-value words count as empty", async () => {
  const t = await readTable(Buffer.from("name,died\nAli Rezaei,نامعلوم\nZahra Karimi,summer 1988\n"), "l.csv");
  const { entries } = readEntries(t, mapping({ name: "full_name", died: "date_of_death" }));
  assert.deepEqual(entries.map((e) => e.rowId), ["1", "2"]);
  assert.equal(entries[0]!.person.death, undefined);
  assert.equal(entries[1]!.person.death?.precision, "season");
});

test("a birth after the death is a bad row", async () => {
  const t = await readTable(Buffer.from("name,born,died\nAli Rezaei,1990,1988\n"), "l.csv");
  assert.throws(() => readEntries(t, mapping({ name: "full_name", born: "birth_year", died: "year_of_death" })), /born \(1990\) after dying \(1988\)/);
});
