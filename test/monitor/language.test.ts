import { test } from "node:test";
import assert from "node:assert/strict";
import { identifyLanguage, normaliseMapped, originalSpan } from "../../src/monitor/index.ts";
import { normaliseName } from "../../src/core/names.ts";

test("Persian, English, Arabic, Central and Northern Kurdish are told apart", () => {
  const cases: [string, string][] = [
    ["fa", "دو زندانی سیاسی بامداد امروز در زندان قزلحصار کرج اعدام شدند."],
    ["en", "Two political prisoners were executed at dawn in Ghezel Hesar prison."],
    ["ar", "أعدمت السلطات الإيرانية سجينين سياسيين في سجن قزل حصار فجر اليوم."],
    ["ckb", "دوو زیندانیی سیاسی لە زیندانی قزڵحەسار لە سێدارە دران."],
    ["kmr", "Du girtiyên siyasî li girtîgeha Qezelhesarê hatin îdamkirin û malbatên wan agahdar nebûn."],
  ];
  for (const [lang, text] of cases) assert.equal(identifyLanguage(text).lang, lang, text);
  assert.equal(identifyLanguage("12345 !!!").lang, "und");
  assert.equal(identifyLanguage("").script, "none");
});

test("normalisation for matching agrees with the core normaliser and maps back to the original", () => {
  for (const s of ["اعدام‌شدگانِ «۱۳۶۷» در زندانِ اوین", "كريمي آزاد  ۱۴ زندانی", "Behrouz EHSANI — executed!", "مُحَمَّد‌رضا"]) {
    const m = normaliseMapped(s);
    assert.equal(m.text, normaliseName(s));
    for (let i = 0; i < m.text.length; i++) {
      const [a, b] = originalSpan(m, i, i + 1);
      assert.ok(a >= 0 && b <= s.length && a < b);
    }
  }
  const s = "در زندان قزل‌حصار";
  const m = normaliseMapped(s);
  const i = m.text.indexOf("قزلحصار");
  const [a, b] = originalSpan(m, i, i + "قزلحصار".length);
  assert.equal(s.slice(a, b), "قزل‌حصار");
});
