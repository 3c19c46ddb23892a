import { LABELS, type Label } from "./lexicon.ts";
import { normaliseMapped } from "./normalise.ts";

/**
 * A small, explainable classifier: one logistic regression per label over
 * character n-grams (2 to 4 letters inside word boundaries) and word
 * unigrams and bigrams, tf-idf weighted and L2-normalised. Every score can be
 * traced to the n-grams that raised it.
 */
export interface ClassifierModel {
  vocabulary: Map<string, number>;
  /** Character n-grams by a 32-bit hash of their text (open addressing), so scoring allocates nothing per n-gram. */
  charIndex: HashTable;
  features: string[];
  idf: Float64Array;
  weights: Record<Label, Float64Array>;
  bias: Record<Label, number>;
}

export interface TrainingExample {
  text: string;
  labels: readonly Label[];
}

export interface TrainOptions {
  epochs?: number;
  /** L2 penalty per example step. */
  l2?: number;
  learningRate?: number;
  minDocumentFrequency?: number;
  seed?: number;
}

/** The features of a text, as counts keyed by n-gram ("c:" prefix) or word ("w:" prefix). */
export function extractFeatures(text: string): Map<string, number> {
  const norm = normaliseMapped(text).text;
  const counts = new Map<string, number>();
  const add = (k: string): void => {
    counts.set(k, (counts.get(k) ?? 0) + 1);
  };
  const words = norm.split(/[ \n]/).filter(Boolean);
  let prev = "";
  for (const w of words) {
    // Numbers in any form share one token: the classifier should learn "N prisoners", not 14.
    const word = /^\d+$/.test(w) ? "0" : w;
    add(`w:${word}`);
    if (prev) add(`w:${prev} ${word}`);
    prev = word;
    const padded = ` ${word} `;
    for (let n = 2; n <= 4; n++) {
      for (let i = 0; i + n <= padded.length; i++) add(`c:${padded.slice(i, i + n)}`);
    }
  }
  return counts;
}

interface SparseVector {
  idx: Int32Array;
  val: Float64Array;
}

function vectorise(model: Pick<ClassifierModel, "vocabulary" | "idf">, counts: Map<string, number>): SparseVector {
  const byIndex = new Map<number, number>();
  for (const [k, c] of counts) {
    const j = model.vocabulary.get(k);
    if (j !== undefined) byIndex.set(j, c);
  }
  return vectoriseIndexed(model, byIndex);
}

function vectoriseIndexed(model: Pick<ClassifierModel, "idf">, counts: Map<number, number>): SparseVector {
  const idx: number[] = [];
  const val: number[] = [];
  let norm = 0;
  for (const [j, c] of counts) {
    const v = (1 + Math.log(c)) * model.idf[j]!;
    idx.push(j);
    val.push(v);
    norm += v * v;
  }
  norm = Math.sqrt(norm) || 1;
  return { idx: Int32Array.from(idx), val: Float64Array.from(val, (v) => v / norm) };
}

// Deterministic shuffling so that the same labelled set always gives the same model.
function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const sigmoid = (z: number): number => (z >= 0 ? 1 / (1 + Math.exp(-z)) : Math.exp(z) / (1 + Math.exp(z)));

/** Trains one logistic regression per label with AdaGrad, balanced class weights and L2 shrinkage. */
export function trainClassifier(examples: readonly TrainingExample[], options: TrainOptions = {}): ClassifierModel {
  const epochs = options.epochs ?? 25;
  const l2 = options.l2 ?? 1e-2;
  const lr = options.learningRate ?? 0.5;
  const minDf = options.minDocumentFrequency ?? 2;
  const featureCounts = examples.map((e) => extractFeatures(e.text));
  const df = new Map<string, number>();
  for (const counts of featureCounts) for (const k of counts.keys()) df.set(k, (df.get(k) ?? 0) + 1);
  const features = [...df.entries()].filter(([, d]) => d >= minDf).map(([k]) => k).sort();
  const vocabulary = new Map(features.map((f, i) => [f, i]));
  const n = examples.length;
  const idf = Float64Array.from(features, (f) => Math.log((1 + n) / (1 + df.get(f)!)) + 1);
  const vectors = featureCounts.map((c) => vectorise({ vocabulary, idf }, c));
  const weights = {} as Record<Label, Float64Array>;
  const bias = {} as Record<Label, number>;
  const random = mulberry32(options.seed ?? 1988);
  const order = Array.from({ length: n }, (_, i) => i);
  for (const label of LABELS) {
    const y = examples.map((e) => (e.labels.includes(label) ? 1 : 0));
    const positives = y.reduce<number>((s, v) => s + v, 0);
    const w = new Float64Array(features.length);
    const g2 = new Float64Array(features.length).fill(1e-8);
    let b = 0;
    let gb2 = 1e-8;
    if (positives === 0) {
      weights[label] = w;
      bias[label] = -5;
      continue;
    }
    // Balanced weights: rare positives count as much in total as the negatives.
    const wPos = n / (2 * positives);
    const wNeg = n / (2 * (n - positives));
    for (let epoch = 0; epoch < epochs; epoch++) {
      for (let i = n - 1; i > 0; i--) {
        const j = Math.floor(random() * (i + 1));
        [order[i], order[j]] = [order[j]!, order[i]!];
      }
      for (const i of order) {
        const x = vectors[i]!;
        let z = b;
        for (let k = 0; k < x.idx.length; k++) z += w[x.idx[k]!]! * x.val[k]!;
        const err = (sigmoid(z) - y[i]!) * (y[i] ? wPos : wNeg);
        for (let k = 0; k < x.idx.length; k++) {
          const j = x.idx[k]!;
          const g = err * x.val[k]! + l2 * w[j]!;
          g2[j]! += g * g;
          w[j]! -= (lr * g) / Math.sqrt(g2[j]!);
        }
        gb2 += err * err;
        b -= (lr * err) / Math.sqrt(gb2);
      }
    }
    weights[label] = w;
    bias[label] = b;
  }
  const chars = features.map((f, i) => [f, i] as const).filter(([f]) => f.startsWith("c:"));
  const charIndex = newTable(chars.length);
  for (const [f, i] of chars) tablePut(charIndex, hashRange(f, 2, f.length), i);
  return { vocabulary, charIndex, features, idf, weights, bias };
}

/** A classifier score with the features that raised it most. */
export interface ClassifierScore {
  probability: number;
  /** Features that contributed most, with their contribution to the log-odds. */
  top: { feature: string; contribution: number }[];
}

/** FNV-1a over the UTF-16 code units s[from, to). */
function hashRange(s: string, from: number, to: number): number {
  let h = 0x811c9dc5;
  for (let i = from; i < to; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** An open-addressing table from 32-bit hashes to feature indexes, in typed arrays. */
export interface HashTable {
  keys: Uint32Array;
  values: Int32Array;
  mask: number;
}

function newTable(n: number): HashTable {
  let size = 16;
  while (size < n * 4) size *= 2;
  return { keys: new Uint32Array(size), values: new Int32Array(size).fill(-1), mask: size - 1 };
}

function tablePut(t: HashTable, h: number, v: number): void {
  let i = h & t.mask;
  while (t.values[i] !== -1) {
    if (t.keys[i] === h) return; // a hash collision keeps the first feature
    i = (i + 1) & t.mask;
  }
  t.keys[i] = h;
  t.values[i] = v;
}

function tableGet(t: HashTable, h: number): number {
  let i = h & t.mask;
  for (;;) {
    const v = t.values[i]!;
    if (v === -1) return -1;
    if (t.keys[i] === h) return v;
    i = (i + 1) & t.mask;
  }
}

/** The features of a text that the model knows, counted by index; character n-grams are hashed in place. */
function knownFeatureCounts(model: Pick<ClassifierModel, "vocabulary" | "charIndex">, norm: string): Map<number, number> {
  const counts = new Map<number, number>();
  const bump = (j: number | undefined): void => {
    if (j !== undefined && j >= 0) counts.set(j, (counts.get(j) ?? 0) + 1);
  };
  let prev = "";
  let start = 0;
  for (let end = 0; end <= norm.length; end++) {
    const ch = end < norm.length ? norm.charCodeAt(end) : 32;
    if (ch !== 32 && ch !== 10) continue;
    if (end > start) {
      const w = norm.slice(start, end);
      const word = /^\d+$/.test(w) ? "0" : w;
      bump(model.vocabulary.get(`w:${word}`));
      if (prev) bump(model.vocabulary.get(`w:${prev} ${word}`));
      prev = word;
      // n-grams of " word " (2 to 4 code units) hashed without building the padded string.
      const len = word.length + 2;
      const at = (k: number): number => (k === 0 || k === len - 1 ? 32 : word.charCodeAt(k - 1));
      for (let i = 0; i + 2 <= len; i++) {
        let h = 0x811c9dc5;
        for (let n = 1; n <= 4 && i + n <= len; n++) {
          h ^= at(i + n - 1);
          h = Math.imul(h, 0x01000193);
          if (n >= 2) bump(tableGet(model.charIndex, h >>> 0));
        }
      }
    }
    start = end + 1;
  }
  return counts;
}

/** Scores a text for every label. */
export function classify(model: ClassifierModel, text: string, topK = 5): Record<Label, ClassifierScore> {
  return classifyNormalised(model, normaliseMapped(text).text, topK);
}

/** Scores text already normalised with `normaliseMapped` (words separated by spaces or line breaks). */
export function classifyNormalised(model: ClassifierModel, norm: string, topK = 5): Record<Label, ClassifierScore> {
  const x = vectoriseIndexed(model, knownFeatureCounts(model, norm));
  const out = {} as Record<Label, ClassifierScore>;
  // The top contributions are kept in small arrays by insertion: no list of every feature is built or sorted.
  const topIdx = new Int32Array(topK);
  const topVal = new Float64Array(topK);
  for (const label of LABELS) {
    const w = model.weights[label];
    let z = model.bias[label];
    let kept = 0;
    for (let k = 0; k < x.idx.length; k++) {
      const c = w[x.idx[k]!]! * x.val[k]!;
      z += c;
      if (c <= 0 || (kept === topK && c <= topVal[topK - 1]!)) continue;
      let at = Math.min(kept, topK - 1);
      while (at > 0 && topVal[at - 1]! < c) {
        topVal[at] = topVal[at - 1]!;
        topIdx[at] = topIdx[at - 1]!;
        at--;
      }
      topVal[at] = c;
      topIdx[at] = x.idx[k]!;
      if (kept < topK) kept++;
    }
    const top: ClassifierScore["top"] = [];
    for (let i = 0; i < kept; i++) top.push({ feature: model.features[topIdx[i]!]!, contribution: Math.round(topVal[i]! * 1000) / 1000 });
    out[label] = { probability: sigmoid(z), top };
  }
  return out;
}
