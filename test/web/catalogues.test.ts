import { test } from "node:test";
import assert from "node:assert/strict";
import "../../src/server/routes.ts";
import { allCatalogues, t, num, registerCatalogue } from "../../src/web/index.ts";
import { IntlMessageFormat } from "intl-messageformat";

test("every message catalogue has the same keys in Persian and English, and every message parses", () => {
  for (const c of allCatalogues()) {
    const en = Object.keys(c.en).sort();
    const fa = Object.keys(c.fa).sort();
    assert.deepEqual(fa.filter((k) => !c.en[k]), [], "keys only in Persian");
    assert.deepEqual(en.filter((k) => !c.fa[k]), [], "keys only in English");
    for (const [lang, msgs] of [["en", c.en], ["fa", c.fa]] as const) {
      for (const [k, m] of Object.entries(msgs)) assert.doesNotThrow(() => new IntlMessageFormat(m, lang), `${lang} ${k}`);
    }
  }
});

test("messages format numbers in the reader's digits", () => {
  registerCatalogue({ en: { "test.people": "{n, plural, one {# person} other {# people}}" }, fa: { "test.people": "{n, number} نفر" } });
  assert.equal(t("en", "test.people", { n: 1200 }), "1,200 people");
  assert.equal(t("fa", "test.people", { n: 1200 }), "۱٬۲۰۰ نفر");
  assert.equal(num("fa", 14), "۱۴");
  assert.equal(t("en", "test.missing-key"), "test.missing-key");
});
