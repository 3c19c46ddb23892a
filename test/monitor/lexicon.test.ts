import { test } from "node:test";
import assert from "node:assert/strict";
import { VigilError } from "../../src/core/errors.ts";
import { parseTsv } from "../../src/monitor/tsv.ts";
import { LABELS, loadLexicon } from "../../src/monitor/index.ts";

test("the shipped lexicon has rules for every label in both languages, and gazetteers of every kind", () => {
  const lex = loadLexicon();
  for (const label of LABELS) {
    for (const lang of ["en", "fa"]) assert.ok(lex.rules.some((r) => r.label === label && r.lang === lang && r.weight === 2), `${label} ${lang}`);
  }
  for (const kind of ["province", "city", "prison", "charge"]) assert.ok(lex.gazetteer.some((g) => g.kind === kind), kind);
  assert.equal(lex.gazetteer.filter((g) => g.kind === "province").length, 31);
  const charges = lex.gazetteer.filter((g) => g.kind === "charge").map((g) => g.id);
  for (const c of ["moharebeh", "baghi", "efsad-fel-arz"]) assert.ok(charges.includes(c));
});

test("a broken data line is an error naming the file and line", () => {
  assert.throws(
    () => parseTsv("# comment\nid\ten\tfa\nok\ta\tb\nbroken\tonly-two\n", "src/monitor/data/x.tsv"),
    (e: unknown) => e instanceof VigilError && e.where?.file === "src/monitor/data/x.tsv" && e.where.line === 4,
  );
  const rows = parseTsv("id\tname\n1\tEvin\n\n# trailing comment\n", "f.tsv");
  assert.deepEqual(rows, [{ line: 2, cells: { id: "1", name: "Evin" } }]);
});
