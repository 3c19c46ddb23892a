import { trainClassifier } from "./classifier.ts";
import { detect, makeDetector, type Detector, type Thresholds } from "./detect.ts";
import { LABELS, type Label } from "./lexicon.ts";
import type { LabelledExample } from "./labelled.ts";

export interface LabelFigures {
  label: Label;
  truePositives: number;
  falsePositives: number;
  falseNegatives: number;
  /** NaN when nothing was predicted. */
  precision: number;
  /** NaN when there were no positives. */
  recall: number;
  f1: number;
}

export interface Mistake {
  id: string;
  label: Label;
  kind: "false-positive" | "false-negative";
  text: string;
  explanation: string;
}

function figures(label: Label, tp: number, fp: number, fn: number): LabelFigures {
  const precision = tp + fp === 0 ? NaN : tp / (tp + fp);
  const recall = tp + fn === 0 ? NaN : tp / (tp + fn);
  const f1 = precision + recall > 0 ? (2 * precision * recall) / (precision + recall) : 0;
  return { label, truePositives: tp, falsePositives: fp, falseNegatives: fn, precision, recall, f1 };
}

/** Precision and recall per label of a detector on labelled examples, with the mistakes. */
export function evaluate(detector: Detector, examples: readonly LabelledExample[]): { perLabel: LabelFigures[]; mistakes: Mistake[] } {
  const counts = new Map(LABELS.map((l) => [l, { tp: 0, fp: 0, fn: 0 }]));
  const mistakes: Mistake[] = [];
  for (const e of examples) {
    const r = detect(detector, { text: e.text });
    for (const label of LABELS) {
      const c = counts.get(label)!;
      const predicted = r.labels.includes(label);
      const gold = e.labels.includes(label);
      if (predicted && gold) c.tp++;
      else if (predicted) c.fp++;
      else if (gold) c.fn++;
      if (predicted !== gold) {
        mistakes.push({ id: e.id, label, kind: predicted ? "false-positive" : "false-negative", text: e.text, explanation: r.reasons.find((x) => x.label === label)?.explanation ?? "no evidence" });
      }
    }
  }
  return { perLabel: LABELS.map((l) => figures(l, counts.get(l)!.tp, counts.get(l)!.fp, counts.get(l)!.fn)), mistakes };
}

/**
 * k-fold cross-validation on the training split: the classifier is retrained
 * without each fold and the fold is scored. Used to choose thresholds without
 * looking at the held-out split.
 */
export function crossValidate(examples: readonly LabelledExample[], k: number, thresholds: Thresholds): { perLabel: LabelFigures[]; mistakes: Mistake[] } {
  const totals = new Map(LABELS.map((l) => [l, { tp: 0, fp: 0, fn: 0 }]));
  const mistakes: Mistake[] = [];
  for (let fold = 0; fold < k; fold++) {
    const test = examples.filter((_, i) => i % k === fold);
    const train = examples.filter((_, i) => i % k !== fold);
    const r = evaluate(makeDetector(trainClassifier(train), thresholds), test);
    for (const f of r.perLabel) {
      const t = totals.get(f.label)!;
      t.tp += f.truePositives;
      t.fp += f.falsePositives;
      t.fn += f.falseNegatives;
    }
    mistakes.push(...r.mistakes);
  }
  return { perLabel: LABELS.map((l) => figures(l, totals.get(l)!.tp, totals.get(l)!.fp, totals.get(l)!.fn)), mistakes };
}
