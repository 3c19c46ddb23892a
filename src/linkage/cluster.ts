/**
 * From pair probabilities to people. Connected components over strong links
 * alone would chain two different people through one weak or wrong link
 * (A~B and B~C put A and C together even when A and C clearly differ). So
 * each component is re-clustered by average linkage: two groups join only
 * when the mean probability over all pairs between them reaches the
 * threshold, so one strong link cannot outvote many weak ones. Pairs that
 * were never compared count as probability 0 unless the caller can score them.
 */

export interface ScoredPair {
  a: number;
  b: number;
  p: number;
}

export interface ClusterOptions {
  threshold: number;
  /** Pairs that a reviewer put together: always in one cluster. */
  mustLink?: readonly [number, number][];
  /** Pairs that a reviewer kept apart: never in one cluster. */
  cannotLink?: readonly [number, number][];
  /** Scores a pair that blocking did not produce, for components up to `fillLimit` records. */
  score?: (a: number, b: number) => number;
  fillLimit?: number;
}

export interface Clustering {
  /** Cluster number of each record, 0-based, numbered in order of each cluster's first record. */
  cluster: Int32Array;
  /** Mean match probability between each record and the others of its cluster; NaN when alone. */
  membership: Float64Array;
  /** Components that average linkage split into several clusters (their record indices). */
  splitComponents: number[][];
}

class UnionFind {
  parent: Int32Array;
  constructor(n: number) {
    this.parent = new Int32Array(n);
    for (let i = 0; i < n; i++) this.parent[i] = i;
  }
  find(x: number): number {
    let r = x;
    while (this.parent[r] !== r) r = this.parent[r]!;
    while (this.parent[x] !== r) {
      const next = this.parent[x]!;
      this.parent[x] = r;
      x = next;
    }
    return r;
  }
  union(a: number, b: number): void {
    const ra = this.find(a);
    const rb = this.find(b);
    if (ra !== rb) this.parent[Math.max(ra, rb)] = Math.min(ra, rb);
  }
}

interface HeapItem {
  avg: number;
  a: number;
  b: number;
  va: number;
  vb: number;
}

class MaxHeap {
  private items: HeapItem[] = [];
  get size(): number {
    return this.items.length;
  }
  push(x: HeapItem): void {
    const h = this.items;
    h.push(x);
    let i = h.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (h[p]!.avg >= h[i]!.avg) break;
      [h[p], h[i]] = [h[i]!, h[p]!];
      i = p;
    }
  }
  pop(): HeapItem | undefined {
    const h = this.items;
    const top = h[0];
    const last = h.pop();
    if (h.length > 0 && last) {
      h[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < h.length && h[l]!.avg > h[m]!.avg) m = l;
        if (r < h.length && h[r]!.avg > h[m]!.avg) m = r;
        if (m === i) break;
        [h[m], h[i]] = [h[i]!, h[m]!];
        i = m;
      }
    }
    return top;
  }
}

const pairKey = (a: number, b: number): number => (a < b ? a * 4294967296 + b : b * 4294967296 + a);

/** Clusters `n` records from their scored pairs (see the module comment). */
export function clusterRecords(n: number, pairs: readonly ScoredPair[], options: ClusterOptions): Clustering {
  const t = options.threshold;
  const fillLimit = options.fillLimit ?? 120;
  const uf = new UnionFind(n);
  for (const e of pairs) if (e.p >= t) uf.union(e.a, e.b);
  for (const [a, b] of options.mustLink ?? []) uf.union(a, b);

  const cannot = new Map<number, Set<number>>();
  for (const [a, b] of options.cannotLink ?? []) {
    if (a === b) continue;
    (cannot.get(a) ?? cannot.set(a, new Set()).get(a)!).add(b);
    (cannot.get(b) ?? cannot.set(b, new Set()).get(b)!).add(a);
  }

  // Group records and edges by component.
  const members = new Map<number, number[]>();
  for (let i = 0; i < n; i++) {
    const r = uf.find(i);
    const list = members.get(r);
    if (list) list.push(i);
    else members.set(r, [i]);
  }
  const edgesOf = new Map<number, ScoredPair[]>();
  for (const e of pairs) {
    const r = uf.find(e.a);
    if (r !== uf.find(e.b)) continue;
    const list = edgesOf.get(r);
    if (list) list.push(e);
    else edgesOf.set(r, [e]);
  }

  const label = new Int32Array(n).fill(-1);
  const membership = new Float64Array(n).fill(NaN);
  const splitComponents: number[][] = [];
  // Final groups are collected first and numbered afterwards, in order of their first record.
  const groups: number[][] = [];

  for (const [root, list] of members) {
    if (list.length === 1) {
      groups.push(list);
      continue;
    }
    const local = new Map<number, number>();
    list.forEach((g, i) => local.set(g, i));
    const sim = new Map<number, number>();
    for (const e of edgesOf.get(root) ?? []) {
      const k = pairKey(local.get(e.a)!, local.get(e.b)!);
      sim.set(k, Math.max(sim.get(k) ?? 0, e.p));
    }
    if (options.score && list.length <= fillLimit) {
      for (let i = 0; i < list.length; i++)
        for (let j = i + 1; j < list.length; j++) {
          const k = pairKey(i, j);
          if (!sim.has(k)) sim.set(k, options.score(list[i]!, list[j]!));
        }
    }
    const clusters = averageLinkage(list, sim, t, options.mustLink ?? [], local, cannot);
    if (clusters.length > 1) splitComponents.push([...list]);
    for (const c of clusters) {
      const globals = c.map((i) => list[i]!);
      groups.push(globals);
      if (c.length > 1) {
        for (const i of c) {
          let s = 0;
          for (const j of c) if (j !== i) s += sim.get(pairKey(i, j)) ?? 0;
          membership[list[i]!] = s / (c.length - 1);
        }
      }
    }
  }
  groups.sort((x, y) => Math.min(...x) - Math.min(...y));
  groups.forEach((g, id) => {
    for (const i of g) label[i] = id;
  });
  return { cluster: label, membership, splitComponents };
}

function averageLinkage(
  list: number[],
  sim: Map<number, number>,
  t: number,
  mustLink: readonly [number, number][],
  local: Map<number, number>,
  cannotGlobal: Map<number, Set<number>>,
): number[][] {
  const s = list.length;
  // Start from the reviewer's must-link groups.
  const uf = new UnionFind(s);
  for (const [a, b] of mustLink) {
    const la = local.get(a);
    const lb = local.get(b);
    if (la !== undefined && lb !== undefined) uf.union(la, lb);
  }
  const clusterOf = new Int32Array(s);
  const clusterMembers = new Map<number, number[]>();
  for (let i = 0; i < s; i++) {
    const r = uf.find(i);
    clusterOf[i] = r;
    (clusterMembers.get(r) ?? clusterMembers.set(r, []).get(r)!).push(i);
  }
  const cannot = new Map<number, Set<number>>();
  for (const [c, ms] of clusterMembers) {
    const set = new Set<number>();
    for (const i of ms) for (const g of cannotGlobal.get(list[i]!) ?? []) {
      const l = local.get(g);
      if (l !== undefined) set.add(l);
    }
    cannot.set(c, set);
  }
  // Sum of similarities between clusters.
  const sums = new Map<number, Map<number, number>>();
  for (const c of clusterMembers.keys()) sums.set(c, new Map());
  for (const [k, p] of sim) {
    const i = Math.floor(k / 4294967296);
    const j = k % 4294967296;
    const ci = clusterOf[i]!;
    const cj = clusterOf[j]!;
    if (ci === cj) continue;
    sums.get(ci)!.set(cj, (sums.get(ci)!.get(cj) ?? 0) + p);
    sums.get(cj)!.set(ci, (sums.get(cj)!.get(ci) ?? 0) + p);
  }
  const version = new Map<number, number>();
  for (const c of clusterMembers.keys()) version.set(c, 0);
  const heap = new MaxHeap();
  const offer = (a: number, b: number): void => {
    const sum = sums.get(a)?.get(b) ?? 0;
    const avg = sum / (clusterMembers.get(a)!.length * clusterMembers.get(b)!.length);
    if (avg >= t) heap.push({ avg, a, b, va: version.get(a)!, vb: version.get(b)! });
  };
  for (const [a, m] of sums) for (const b of m.keys()) if (a < b) offer(a, b);
  while (heap.size > 0) {
    const top = heap.pop()!;
    if (!clusterMembers.has(top.a) || !clusterMembers.has(top.b)) continue;
    if (version.get(top.a) !== top.va || version.get(top.b) !== top.vb) continue;
    const ma = clusterMembers.get(top.a)!;
    const mb = clusterMembers.get(top.b)!;
    const ca = cannot.get(top.a)!;
    if (mb.some((i) => ca.has(i))) continue;
    // Merge b into a.
    for (const i of mb) {
      ma.push(i);
      clusterOf[i] = top.a;
    }
    for (const i of cannot.get(top.b)!) ca.add(i);
    clusterMembers.delete(top.b);
    cannot.delete(top.b);
    const sa = sums.get(top.a)!;
    const sb = sums.get(top.b)!;
    sa.delete(top.b);
    for (const [c, v] of sb) {
      if (c === top.a) continue;
      sa.set(c, (sa.get(c) ?? 0) + v);
      const sc = sums.get(c)!;
      sc.delete(top.b);
      sc.set(top.a, (sc.get(top.a) ?? 0) + v);
    }
    sums.delete(top.b);
    // Only the merged cluster's pairs changed; older heap entries naming it are now stale.
    version.set(top.a, version.get(top.a)! + 1);
    version.delete(top.b);
    for (const c of sa.keys()) offer(top.a, c);
  }
  return [...clusterMembers.values()];
}
