import { clusterRecords, type Clustering, type ScoredPair } from "./cluster.ts";
import { PairBuffer, PatternTable, seededRandom, type LinkSpec } from "./engine.ts";
import { estimateU, levelWeights, probabilityFromLogOdds, trainModel, type FellegiSunterModel } from "./model.ts";

export interface LinkOptions {
  /** Match probability at or above which two records are the same person (default 0.5). */
  threshold?: number;
  /** Pairs a reviewer accepted (same person) and rejected (different people), by record index. */
  mustLink?: readonly [number, number][];
  cannotLink?: readonly [number, number][];
  /** Blocks larger than this are split by the rule's finer keys, or skipped (default 500). */
  maxBlockSize?: number;
  /** Random pairs drawn to estimate u (default 300,000). */
  randomPairs?: number;
  seed?: number;
  /** Pairs below this probability are not kept (default 0.01). */
  keepAbove?: number;
  onProgress?: (stage: LinkStage, done: number, total: number) => void;
}

export type LinkStage = "blocking" | "training" | "scoring" | "clustering";

export interface LinkStats {
  records: number;
  candidatePairs: number;
  patterns: number;
  skippedBlocks: { rule: string; key: string; size: number }[];
  pairsPerRule: Record<string, number>;
  seconds: { blocking: number; training: number; scoring: number; clustering: number };
}

export interface LinkResult {
  model: FellegiSunterModel;
  /** Candidate pairs with their match probability (those at or above `keepAbove`). */
  pairs: ScoredPair[];
  clustering: Clustering;
  stats: LinkStats;
  /** Scores any pair of records (for review and explanation). */
  explain(a: number, b: number): PairExplanation;
}

/** Why a pair got its probability: each comparison's level and its weight in bits. */
export interface PairExplanation {
  probability: number;
  priorBits: number;
  comparisons: { name: string; level: number; label: string; bits: number }[];
}

const now = (): number => performance.now() / 1000;

/**
 * Links records end to end: blocking, u from random pairs, m and the prior
 * by EM, a probability per candidate pair (with term-frequency adjustment),
 * and clusters. Pure computation over records already in memory.
 */
export function linkRecords<R>(records: readonly R[], spec: LinkSpec<R>, options: LinkOptions = {}): LinkResult {
  const n = records.length;
  const threshold = options.threshold ?? 0.5;
  const maxBlock = options.maxBlockSize ?? 500;
  const keepAbove = options.keepAbove ?? 0.01;
  const progress = options.onProgress ?? (() => undefined);
  const comparisons = spec.comparisons;
  const K = comparisons.length;
  const levelCounts = comparisons.map((c) => c.levels.length);
  const seconds = { blocking: 0, training: 0, scoring: 0, clustering: 0 };
  let t0 = now();

  // ---- blocking: each rule's keys per record; a pair is compared once, under the first rule that pairs it ----
  const rules = spec.blocking;
  // Keys become small integers per rule: comparing them for every pair is then cheap, and a
  // million records' keys take little memory. keyText maps them back for the blocks.
  const keyText: string[][] = [];
  // Per rule, every record's key ids in one flat array (record i's are ids[offsets[i]..offsets[i+1]]):
  // one small typed array per record and rule would cost more than the keys themselves.
  const keys = rules.map((rule) => {
    const index = new Map<string, number>();
    const text: string[] = [];
    keyText.push(text);
    const offsets = new Int32Array(n + 1);
    let ids = new Int32Array(Math.max(16, n));
    let used = 0;
    for (let i = 0; i < n; i++) {
      offsets[i] = used;
      for (const key of rule.keys(records[i]!)) {
        let id = index.get(key);
        if (id === undefined) {
          id = text.length;
          index.set(key, id);
          text.push(key);
        }
        let seen = false;
        for (let t = offsets[i]!; t < used; t++) if (ids[t] === id) seen = true;
        if (seen) continue;
        if (used === ids.length) {
          const grown = new Int32Array(ids.length * 2);
          grown.set(ids);
          ids = grown;
        }
        ids[used++] = id;
      }
    }
    offsets[n] = used;
    return { offsets, ids };
  });
  const candidates = new PatternTable(levelCounts);
  const buffer = new PairBuffer();
  const skippedBlocks: LinkStats["skippedBlocks"] = [];
  const pairsPerRule: Record<string, number> = {};
  const levels = new Array<number>(K).fill(0);
  const sharesEarlierKey = (k: number, i: number, j: number): boolean => {
    for (let e = 0; e < k; e++) {
      const { offsets, ids } = keys[e]!;
      const i1 = offsets[i + 1]!;
      const j0 = offsets[j]!;
      const j1 = offsets[j + 1]!;
      for (let x = offsets[i]!; x < i1; x++) {
        const id = ids[x];
        for (let y = j0; y < j1; y++) if (ids[y] === id) return true;
      }
    }
    return false;
  };
  const comparePairs = (k: number, list: readonly number[]): number => {
    let count = 0;
    for (let x = 0; x < list.length; x++) {
      const i = list[x]!;
      const ri = records[i]!;
      for (let y = x + 1; y < list.length; y++) {
        const j = list[y]!;
        if (k > 0 && sharesEarlierKey(k, i, j)) continue;
        const rj = records[j]!;
        for (let c = 0; c < K; c++) levels[c] = comparisons[c]!.compare(ri, rj);
        buffer.push(i < j ? i : j, i < j ? j : i, candidates.add(levels));
        count++;
      }
    }
    return count;
  };
  const groupBy = <Key>(list: readonly number[], keysOf: (i: number) => ArrayLike<Key>): Map<Key, number[]> => {
    const blocks = new Map<Key, number[]>();
    for (const i of list) {
      const ks = keysOf(i);
      for (let t = 0; t < ks.length; t++) {
        const key = ks[t]!;
        if (t > 0 && Array.prototype.indexOf.call(ks, key) < t) continue;
        const b = blocks.get(key);
        if (b) b.push(i);
        else blocks.set(key, [i]);
      }
    }
    return blocks;
  };
  // A block too large is split by the rule's finer keys in turn; what stays too large is skipped.
  const runBlock = (k: number, key: string, list: number[], depth: number): number => {
    if (list.length < 2) return 0;
    if (list.length <= maxBlock) return comparePairs(k, list);
    const refine = rules[k]!.refine?.[depth];
    if (!refine) {
      skippedBlocks.push({ rule: rules[k]!.name, key, size: list.length });
      return 0;
    }
    let count = 0;
    for (const [sub, members] of groupBy<string>(list, (i) => refine(records[i]!))) count += runBlock(k, `${key}/${sub}`, members, depth + 1);
    return count;
  };
  const all = Array.from({ length: n }, (_, i) => i);
  for (let k = 0; k < rules.length; k++) {
    const { offsets, ids } = keys[k]!;
    const blocks = groupBy<number>(all, (i) => ids.subarray(offsets[i], offsets[i + 1]));
    let count = 0;
    let done = 0;
    for (const [key, list] of blocks) {
      done++;
      count += runBlock(k, keyText[k]![key]!, list, 0);
      if ((done & 4095) === 0) progress("blocking", k * 1000 + Math.floor((done / blocks.size) * 1000), rules.length * 1000);
    }
    pairsPerRule[rules[k]!.name] = count;
  }
  progress("blocking", rules.length * 1000, rules.length * 1000);
  seconds.blocking = now() - t0;
  t0 = now();

  // ---- u from random pairs, then m and the prior by EM ----
  const totalPairs = (n * (n - 1)) / 2;
  const sample = new PatternTable(levelCounts);
  const want = options.randomPairs ?? 300_000;
  if (totalPairs <= want) {
    for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) {
      for (let c = 0; c < K; c++) levels[c] = comparisons[c]!.compare(records[i]!, records[j]!);
      sample.add(levels);
    }
  } else {
    const random = seededRandom(options.seed ?? 1988);
    for (let s = 0; s < want; s++) {
      const i = Math.floor(random() * n);
      let j = Math.floor(random() * (n - 1));
      if (j >= i) j++;
      for (let c = 0; c < K; c++) levels[c] = comparisons[c]!.compare(records[i]!, records[j]!);
      sample.add(levels);
      if ((s & 16383) === 0) progress("training", s, want);
    }
  }
  const u = estimateU(comparisons, sample);
  const model = trainModel(comparisons, u, candidates, Math.max(1, totalPairs));
  progress("training", want, want);
  seconds.training = now() - t0;
  t0 = now();

  // ---- a probability per candidate pair ----
  const weights = levelWeights(model);
  const logPrior = Math.log(model.lambda / (1 - model.lambda));
  const tfComparisons = comparisons.map((c, k) => (c.termFrequency ? k : -1)).filter((k) => k >= 0);
  const patternWeight = candidates.levels.map((lv) => lv.reduce((s, l, k) => s + weights[k]![l]!, logPrior));
  const pairLogOdds = (a: number, b: number, lv: readonly number[], base: number): number => {
    let w = base;
    for (const k of tfComparisons) {
      const l = lv[k]!;
      if (l === 0) continue;
      const tf = comparisons[k]!.termFrequency!(records[a]!, records[b]!, l);
      if (tf !== undefined) w += Math.log(model.comparisons[k]!.u[l]! / tf);
    }
    return w;
  };
  const pairs: ScoredPair[] = [];
  for (let x = 0; x < buffer.length; x++) {
    const pid = buffer.pattern[x]!;
    const a = buffer.a[x]!;
    const b = buffer.b[x]!;
    const base = patternWeight[pid]!;
    // Term frequencies only move a pair by a few bits: skip pairs far below the floor.
    if (base < -30) continue;
    const p = probabilityFromLogOdds(pairLogOdds(a, b, candidates.levels[pid]!, base));
    if (p >= keepAbove) pairs.push({ a, b, p });
    if ((x & 65535) === 0) progress("scoring", x, buffer.length);
  }
  progress("scoring", buffer.length, buffer.length);
  seconds.scoring = now() - t0;
  t0 = now();

  const explain = (a: number, b: number): PairExplanation => {
    const lv = comparisons.map((c) => c.compare(records[a]!, records[b]!));
    const parts = comparisons.map((c, k) => {
      const l = lv[k]!;
      let w = weights[k]![l]!;
      const tf = l > 0 && c.termFrequency ? c.termFrequency(records[a]!, records[b]!, l) : undefined;
      if (tf !== undefined) w += Math.log(model.comparisons[k]!.u[l]! / tf);
      return { name: c.name, level: l, label: c.levels[l] ?? String(l), bits: w / Math.LN2 };
    });
    const logOdds = logPrior + parts.reduce((s, p) => s + p.bits * Math.LN2, 0);
    return { probability: probabilityFromLogOdds(logOdds), priorBits: logPrior / Math.LN2, comparisons: parts };
  };
  const score = (a: number, b: number): number => explain(a, b).probability;

  progress("clustering", 0, 1);
  const clustering = clusterRecords(n, pairs, {
    threshold,
    score,
    ...(options.mustLink ? { mustLink: options.mustLink } : {}),
    ...(options.cannotLink ? { cannotLink: options.cannotLink } : {}),
  });
  progress("clustering", 1, 1);
  seconds.clustering = now() - t0;

  return {
    model,
    pairs,
    clustering,
    explain,
    stats: { records: n, candidatePairs: buffer.length, patterns: candidates.levels.length, skippedBlocks, pairsPerRule, seconds },
  };
}
