import { test } from "node:test";
import assert from "node:assert/strict";
import { crossScriptSimilarity, foldVariants, isHonorific, jaroWinkler, editDistance, latinForm, nameLevel, NAME_LEVELS, persianForm, Preparer, lookupPlace } from "../../src/linkage/index.ts";

test("Latin spelling variants fold together", () => {
  const same = (...xs: string[]): void => {
    const f = xs.map(foldVariants);
    assert.ok(f.every((x) => x === f[0]), `${xs.join("/")} → ${f.join("/")}`);
  };
  same("Mohammad", "Muhammad", "MOHAMAD");
  same("Hossein", "Hussein", "Hosein", "Hossain");
  same("Hosseini", "Husseini", "HOSEINI", "Hoseyni");
  same("Rezaei", "Rezaee", "Rezaie", "Rezayi", "Rezai");
  same("Hassanzadeh", "Hassanzade");
  same("Gholami", "Qolami");
  same("Behrouz", "Behrooz", "Behruz");
  same("Khosrow", "Khosro", "Xosro");
  assert.notEqual(foldVariants("Mehdi"), foldVariants("Mahdi"), "a vowel that differs is not a spelling variant");
  assert.notEqual(foldVariants("Mohammad"), foldVariants("Mohammadi"));
});

test("honorifics are recognised in both scripts and only in front of names", () => {
  for (const w of ["Seyed", "Sayyed", "seyyed", "Haj", "سید", "حاج", "Mrs"]) assert.ok(isHonorific(w), w);
  for (const w of ["Mohammad", "Hosseini", "حسینی"]) assert.ok(!isHonorific(w), w);
  assert.ok(isHonorific("سادات", "trailing"));
});

test("محمد حسینی meets its romanisations, and not other names", () => {
  const p = persianForm("محمد حسینی");
  for (const l of ["Mohammad Hosseini", "Muhammad Husseini", "MOHAMAD HOSEINI", "Mohammed Hoseyni"]) {
    assert.ok(crossScriptSimilarity(p, latinForm(l)) >= 0.86, `${l}: ${crossScriptSimilarity(p, latinForm(l))}`);
  }
  for (const l of ["Mahmoud Hassani", "Ahmad Karimi", "Hamid Hosseini"]) {
    assert.ok(crossScriptSimilarity(p, latinForm(l)) < 0.86, `${l}: ${crossScriptSimilarity(p, latinForm(l))}`);
  }
  // Names are compared field by field: a family name that differs by a written vowel is not close.
  assert.ok(crossScriptSimilarity(persianForm("حسینی"), latinForm("Hassani")) < 0.86);
  // The vowels Persian writes tell Hassan from Hossein.
  assert.ok(crossScriptSimilarity(persianForm("حسین"), latinForm("Hossein")) > crossScriptSimilarity(persianForm("حسین"), latinForm("Hassan")));
  assert.ok(crossScriptSimilarity(persianForm("حسن"), latinForm("Hassan")) > crossScriptSimilarity(persianForm("حسن"), latinForm("Hossein")));
});

test("name levels: same, close, across scripts, different", () => {
  const prep = new Preparer();
  const n = (s: string) => prep.name(s)!;
  const label = (a: string, b: string) => NAME_LEVELS[nameLevel(n(a), n(b))];
  assert.equal(label("Hosseini", "Husseini"), "same");
  assert.equal(label("Seyed Mohammad", "Mohammad"), "same");
  assert.equal(label("Hosseini", "Hoseiny"), "same");
  assert.equal(label("Hosseini", "Hosseinu"), "close");
  assert.equal(label("حسینی", "Hosseini"), "same across scripts");
  assert.equal(label("محمدرضا", "Mohammad Reza"), "same across scripts");
  assert.equal(label("Mohammad Reza", "Reza"), "one word in common");
  assert.equal(label("Karimi", "Hosseini"), "different");
  assert.equal(label("کریمی", "Hosseini"), "different");
});

test("string similarities: known values", () => {
  assert.equal(jaroWinkler("MARTHA", "MARHTA").toFixed(3), "0.961");
  assert.equal(jaroWinkler("DIXON", "DICKSONX").toFixed(3), "0.813");
  assert.equal(jaroWinkler("", "a"), 0);
  assert.equal(editDistance("kitten", "sitting"), 3);
  assert.equal(editDistance("abcd", "acbd"), 1, "a transposition is one edit");
  assert.equal(editDistance("kitten", "sitting", 1), 2, "stops past the bound");
});

test("places are found in the gazetteer in both scripts", () => {
  assert.equal(lookupPlace("زندان اوین")?.id, "prison-evin");
  assert.equal(lookupPlace("Evin Prison")?.id, "prison-evin");
  assert.equal(lookupPlace("Ghezel Hesar")?.id, "prison-qezel-hesar");
  assert.equal(lookupPlace("قزل‌حصار")?.id, "prison-qezel-hesar");
  assert.equal(lookupPlace("Gohardasht")?.id, lookupPlace("رجایی شهر")?.id);
  assert.equal(lookupPlace("Behesht-e Zahra")?.id, "cemetery-behesht-zahra");
  assert.equal(lookupPlace("خاوران")?.id, "cemetery-khavaran");
  assert.equal(lookupPlace("Tehran, Iran")?.id, "city-tehran");
  assert.equal(lookupPlace("Esfahan Province")?.id, "prov-isfahan");
  assert.equal(lookupPlace("Springfield"), undefined);
});
