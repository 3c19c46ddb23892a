import { test } from "node:test";
import assert from "node:assert/strict";
import { normalisePersian, foldLatin, normaliseName, detectScript, nameKeys } from "../../src/core/names.ts";

test("Arabic letter forms fold to Persian ones, originals untouched", () => {
  const original = "علي كريمي";
  assert.equal(normalisePersian(original), "علی کریمی");
  assert.equal(original, "علي كريمي");
  assert.equal(normalisePersian("فاطمة"), "فاطمه");
  assert.equal(normalisePersian("مسئول"), normalisePersian("مسیول"));
  assert.equal(normalisePersian("آزاده"), normalisePersian("ازاده"));
  assert.equal(normalisePersian("مؤمن"), "مومن");
});

test("ZWNJ, tatweel, diacritics and digits", () => {
  assert.equal(normalisePersian("محمد\u200cرضا"), "محمدرضا");
  assert.equal(normalisePersian("مـحـمـد"), "محمد");
  assert.equal(normalisePersian("مُحَمَّد"), "محمد");
  assert.equal(normalisePersian("۱۳۶۷"), "1367");
  assert.equal(normalisePersian("١٣٦٧"), "1367");
});

test("Latin folding: case, accents, apostrophes, hyphens", () => {
  assert.equal(foldLatin("ʿAlī-Reżā O’Neil"), "ali reza oneil");
  assert.equal(foldLatin("MOHAMAD HOSEINI"), "mohamad hoseini");
});

test("script detection tells Persian, Arabic and Latin apart", () => {
  assert.equal(detectScript("بهروز احسانی"), "persian");
  assert.equal(detectScript("Behrouz Ehsani"), "latin");
  assert.equal(detectScript("فاطمة"), "arabic");
  assert.equal(normaliseName("  Behrouz   EHSANI "), "behrouz ehsani");
});

test("spelling variants and scripts share keys", () => {
  const same = (a: string, b: string) => assert.deepEqual(nameKeys(a), nameKeys(b), `${a} ~ ${b}`);
  same("Behrooz", "Behrouz");
  same("Behrouz", "بهروز");
  same("Mohammad Hosseini", "محمد حسینی");
  same("Muhammad Husseini", "MOHAMAD HOSEINI");
  same("Ali", "علی");
  same("Nezhad", "Nejad");
  same("Arjangi", "ارژنگی");
  assert.notDeepEqual(nameKeys("Behrouz"), nameKeys("Mehdi"));
});
