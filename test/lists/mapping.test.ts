import { test } from "node:test";
import assert from "node:assert/strict";
import { parseMapping, suggestMapping, suggestField, checkMappingAgainst, readTable } from "../../src/lists/index.ts";
import { VigilError } from "../../src/core/errors.ts";

test("fields are suggested from Persian and English headers", () => {
  const cases: [string, string][] = [
    ["نام", "given_name"], ["نام خانوادگی", "family_name"], ["نام پدر", "father_name"], ["تاریخ اعدام", "date_of_death"],
    ["سن", "age"], ["محل تولد", "birth_place"], ["جنسیت", "sex"], ["محل اعدام", "place_of_death"], ["سال تولد", "birth_year"],
    ["ردیف", "id"], ["Full Name", "full_name"], ["Surname", "family_name"], ["First name", "given_name"], ["Father's name", "father_name"],
    ["Date of execution", "date_of_death"], ["Place of Birth", "birth_place"], ["Gender", "sex"], ["Age at death", "age"],
    ["name_farsi", "full_name"], ["political affiliation", "affiliation"], ["Remarks", "notes"], ["colour", "ignore"],
  ];
  for (const [h, f] of cases) assert.equal(suggestField(h), f, h);
});

test("a suggested mapping has the fixed shape and reads calendar and day order from the data", async () => {
  const csv = "ردیف,نام و نام خانوادگی,تاریخ تولد,تاریخ اعدام\n1,محمد حسینی,۱۳۴۰/۰۲/۱۵,۱۳۶۷/۰۵/۱۲\n";
  const t = await readTable(Buffer.from(csv), "lists/amnesty-1988.csv");
  const m = suggestMapping(t);
  assert.deepEqual(Object.keys(m), ["list_name", "columns", "calendar", "name_order", "day_month_order"]);
  assert.equal(m.list_name, "amnesty-1988");
  assert.deepEqual(m.columns, { ردیف: "id", "نام و نام خانوادگی": "full_name", "تاریخ تولد": "birth_date", "تاریخ اعدام": "date_of_death" });
  assert.equal(m.calendar, "jalali");
  const us = suggestMapping(await readTable(Buffer.from("name,dob\n\"Rezaei, Ali\",08/25/1960\n\"Karimi, Zahra\",12/31/1962\n"), "us.csv"));
  assert.equal(us.calendar, "gregorian");
  assert.equal(us.day_month_order, "mdy");
  assert.equal(us.name_order, "family_given");
  // The suggestion parses as a mapping: it is what users save and pass back.
  assert.deepEqual(parseMapping(JSON.parse(JSON.stringify(m))), m);
});

test("a mapping file is checked and every problem reported", () => {
  const ok = { list_name: "A", columns: { Name: "full_name", Born: "birth_date" }, calendar: "auto", name_order: "auto", day_month_order: "dmy" };
  assert.equal(parseMapping(ok).list_name, "A");
  assert.throws(() => parseMapping({ ...ok, extra: 1, calendar: "julian" }, "m.json"), (e: unknown) => {
    assert.ok(e instanceof VigilError);
    assert.equal(e.problems.length, 2);
    assert.ok(e.problems.every((p) => p.file === "m.json"));
    assert.match(e.problems.map((p) => p.message).join("\n"), /unknown key "extra"[\s\S]*calendar must be one of/);
    return true;
  });
  assert.throws(() => parseMapping({ ...ok, columns: { A: "age", B: "age", C: "full_name" } }), /both map to age, which takes one column/);
  assert.throws(() => parseMapping({ ...ok, columns: { A: "surname", B: "full_name" } }), /"surname" is not a field/);
  assert.throws(() => parseMapping({ ...ok, columns: { A: "age" } }), /no column is mapped to a name/);
  const { day_month_order: _, ...missing } = ok;
  assert.throws(() => parseMapping(missing), /missing key "day_month_order"/);
  // Names may come from several columns (a Persian and a Latin spelling).
  assert.deepEqual(parseMapping({ ...ok, columns: { fa: "full_name", en: "full_name" } }).columns, { fa: "full_name", en: "full_name" });
});

test("a mapping must cover exactly the file's columns", async () => {
  const t = await readTable(Buffer.from("Name,Born,Notes\nAli,1960,x\n"), "l.csv");
  const m = parseMapping({ list_name: "A", columns: { Name: "full_name", Born: "birth_date", Died: "date_of_death" }, calendar: "auto", name_order: "auto", day_month_order: "dmy" });
  assert.throws(() => checkMappingAgainst(m, t, "m.json"), (e: unknown) => {
    assert.ok(e instanceof VigilError);
    const msgs = e.problems.map((p) => p.message).join("\n");
    assert.match(msgs, /names column "Died", which l.csv does not have/);
    assert.match(msgs, /column "Notes" is not in the mapping/);
    return true;
  });
});
