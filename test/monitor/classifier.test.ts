import { test } from "node:test";
import assert from "node:assert/strict";
import { classifierScores, loadLabelledSet, trainClassifier } from "../../src/monitor/index.ts";

test("training is deterministic: the same labelled set gives the same model", () => {
  const set = loadLabelledSet().filter((e) => e.split === "train").slice(0, 120);
  const a = trainClassifier(set, { epochs: 5 });
  const b = trainClassifier(set, { epochs: 5 });
  assert.deepEqual([...a.weights.arrest.slice(0, 200)], [...b.weights.arrest.slice(0, 200)]);
  assert.equal(a.bias.arrest, b.bias.arrest);
});

test("the classifier learns a separation and explains a score by the n-grams that raised it", () => {
  const examples = [
    ...["prisoners were hanged at dawn", "a man was hanged in prison", "two inmates hanged today", "the activist was hanged"].map((text) => ({ text, labels: ["execution_report" as const] })),
    ...["the market opened higher", "rain is expected in the north", "the team won the match", "a new bridge was opened"].map((text) => ({ text, labels: [] })),
  ];
  const model = trainClassifier(examples, { minDocumentFrequency: 1, epochs: 40 });
  const yes = classifierScores(model, "three prisoners hanged");
  const no = classifierScores(model, "the market expected rain");
  assert.ok(yes.execution_report.probability > 0.5, String(yes.execution_report.probability));
  assert.ok(no.execution_report.probability < 0.5, String(no.execution_report.probability));
  // The explanation names only features of the text itself, each with a positive contribution.
  assert.ok(yes.execution_report.top.length > 0);
  for (const f of yes.execution_report.top) {
    assert.ok(" three prisoners hanged ".includes(f.feature.slice(2)), f.feature);
    assert.ok(f.contribution > 0);
  }
});

test("the labelled set is well formed: both languages, every label, a held-out split", () => {
  const set = loadLabelledSet();
  const test = set.filter((e) => e.split === "test");
  assert.ok(test.length >= 60, "a held-out split exists");
  for (const lang of ["en", "fa"] as const) {
    for (const label of ["execution_report", "death_sentence", "arrest", "at_risk", "glorification", "incitement"] as const) {
      assert.ok(set.some((e) => e.lang === lang && e.split === "train" && e.labels.includes(label)), `${lang} ${label} train`);
      assert.ok(test.some((e) => e.lang === lang && e.labels.includes(label)), `${lang} ${label} test`);
    }
  }
  assert.ok(set.every((e) => e.origin === "synthetic"), "every example is marked synthetic");
});
