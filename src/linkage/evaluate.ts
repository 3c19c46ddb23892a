/** Precision, recall and F1 of a clustering against known truth. */
export interface Scores {
  precision: number;
  recall: number;
  f1: number;
}

export interface Evaluation {
  /** Over pairs of records put in one cluster. */
  pairwise: Scores & { truePositives: number; predictedPairs: number; truePairs: number };
  /** Over clusters reproduced exactly (every record, no other). */
  cluster: Scores & { exact: number; predictedClusters: number; trueClusters: number };
}

const f1 = (p: number, r: number): number => (p + r === 0 ? 0 : (2 * p * r) / (p + r));
const pairsIn = (k: number): number => (k * (k - 1)) / 2;

/** Scores a predicted cluster label per record against the true entity label per record. */
export function evaluateClusters(predicted: ArrayLike<number | string>, truth: ArrayLike<number | string>): Evaluation {
  const n = truth.length;
  const pred = new Map<number | string, number>();
  const real = new Map<number | string, number>();
  const both = new Map<string, number>();
  const membersPred = new Map<number | string, number[]>();
  const membersTrue = new Map<number | string, number[]>();
  for (let i = 0; i < n; i++) {
    const p = predicted[i]!;
    const t = truth[i]!;
    pred.set(p, (pred.get(p) ?? 0) + 1);
    real.set(t, (real.get(t) ?? 0) + 1);
    const k = `${String(p)}\u0000${String(t)}`;
    both.set(k, (both.get(k) ?? 0) + 1);
    (membersPred.get(p) ?? membersPred.set(p, []).get(p)!).push(i);
    (membersTrue.get(t) ?? membersTrue.set(t, []).get(t)!).push(i);
  }
  let tp = 0;
  for (const c of both.values()) tp += pairsIn(c);
  let predictedPairs = 0;
  for (const c of pred.values()) predictedPairs += pairsIn(c);
  let truePairs = 0;
  for (const c of real.values()) truePairs += pairsIn(c);
  const precision = predictedPairs === 0 ? 1 : tp / predictedPairs;
  const recall = truePairs === 0 ? 1 : tp / truePairs;
  // A predicted cluster is exact when all its records share one true entity that has no other records.
  let exact = 0;
  for (const members of membersPred.values()) {
    const t = truth[members[0]!]!;
    if (members.every((i) => truth[i] === t) && membersTrue.get(t)!.length === members.length) exact++;
  }
  const cp = exact / Math.max(1, membersPred.size);
  const cr = exact / Math.max(1, membersTrue.size);
  return {
    pairwise: { precision, recall, f1: f1(precision, recall), truePositives: tp, predictedPairs, truePairs },
    cluster: { precision: cp, recall: cr, f1: f1(cp, cr), exact, predictedClusters: membersPred.size, trueClusters: membersTrue.size },
  };
}
