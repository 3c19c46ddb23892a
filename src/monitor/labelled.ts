import { readFileSync } from "node:fs";
import { VigilError } from "../core/errors.ts";
import { isLabel, type Label } from "./lexicon.ts";
import { trainClassifier, type ClassifierModel } from "./classifier.ts";

/** One example of the labelled set kept in `src/monitor/data/labelled.jsonl` (see its PROVENANCE.md). */
export interface LabelledExample {
  id: string;
  lang: "en" | "fa";
  split: "train" | "test";
  labels: Label[];
  /** report | speech | counter_speech_or_reporting | unrelated_or_undone */
  kind: string;
  text: string;
  origin: string;
}

const FILE = "src/monitor/data/labelled.jsonl";

/** Reads and checks the labelled set. */
export function loadLabelledSet(): LabelledExample[] {
  const text = readFileSync(new URL("./data/labelled.jsonl", import.meta.url), "utf8");
  const out: LabelledExample[] = [];
  const ids = new Set<string>();
  text.split("\n").forEach((line, i) => {
    if (!line.trim()) return;
    const where = { file: FILE, line: i + 1 };
    let row: unknown;
    try {
      row = JSON.parse(line);
    } catch (err) {
      throw new VigilError("validation", "not valid JSON", { where, cause: err });
    }
    const r = row as Partial<LabelledExample>;
    if (typeof r.id !== "string" || typeof r.text !== "string" || !Array.isArray(r.labels) || (r.split !== "train" && r.split !== "test") || (r.lang !== "en" && r.lang !== "fa")) {
      throw new VigilError("validation", "each example needs id, lang (en|fa), split (train|test), labels and text", { where });
    }
    for (const l of r.labels) if (typeof l !== "string" || !isLabel(l)) throw new VigilError("validation", `unknown label ${JSON.stringify(l)}`, { where });
    if (ids.has(r.id)) throw new VigilError("validation", `duplicate id ${r.id}`, { where });
    ids.add(r.id);
    out.push({ id: r.id, lang: r.lang, split: r.split, labels: r.labels, kind: r.kind ?? "", text: r.text, origin: r.origin ?? "" });
  });
  return out;
}

let model: ClassifierModel | undefined;

/**
 * The classifier shipped with Vigil: trained on the training split only, so
 * that figures measured on the held-out split describe exactly this model.
 */
export function defaultModel(): ClassifierModel {
  model ??= trainClassifier(loadLabelledSet().filter((e) => e.split === "train"));
  return model;
}
