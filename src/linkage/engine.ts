/**
 * The generic parts of linkage, independent of what a record is: comparisons
 * that turn a pair into a level per field, blocking rules that say which
 * pairs to compare, and a seeded random source so that runs repeat.
 */

/** A comparison of one field (or group of fields): a level per pair, 0 meaning "nothing to compare". */
export interface Comparison<R> {
  name: string;
  /** Labels of levels 0..n-1; level 0 is "missing on either side". */
  levels: readonly string[];
  compare(a: R, b: R): number;
  /**
   * Term frequency of the agreeing value at this level, if the level is an
   * agreement on a value (a name); the pair's u probability becomes this
   * frequency, so agreeing on a common name counts for less than on a rare one.
   */
  termFrequency?(a: R, b: R, level: number): number | undefined;
}

/** A blocking rule: the keys a record is filed under; records sharing a key become candidate pairs. */
export interface BlockingRule<R> {
  name: string;
  keys(r: R): readonly string[];
  /**
   * Finer keys, tried in turn on a block too large to compare whole (the many
   * Mohammad Hosseinis): the block is split by the first, then the next.
   * Records without a finer key are left to the other rules.
   */
  refine?: readonly ((r: R) => readonly string[])[];
}

export interface LinkSpec<R> {
  comparisons: readonly Comparison<R>[];
  blocking: readonly BlockingRule<R>[];
}

/** Mulberry32: a small seeded generator, so that sampling (u estimation) gives the same result each run. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Growable typed arrays for candidate pairs: millions of pairs without an object each. */
export class PairBuffer {
  a = new Int32Array(1024);
  b = new Int32Array(1024);
  pattern = new Uint32Array(1024);
  length = 0;

  push(a: number, b: number, pattern: number): void {
    if (this.length === this.a.length) {
      const grow = <T extends Int32Array | Uint32Array>(x: T, make: (n: number) => T): T => {
        const y = make(x.length * 2);
        y.set(x);
        return y;
      };
      this.a = grow(this.a, (n) => new Int32Array(n));
      this.b = grow(this.b, (n) => new Int32Array(n));
      this.pattern = grow(this.pattern, (n) => new Uint32Array(n));
    }
    this.a[this.length] = a;
    this.b[this.length] = b;
    this.pattern[this.length] = pattern;
    this.length++;
  }
}

/** Distinct comparison vectors, each stored once with how many pairs have it. */
export class PatternTable {
  readonly levels: number[][] = [];
  readonly counts: number[] = [];
  private readonly index = new Map<number, number>();
  private readonly radix: number[];

  constructor(levelCounts: readonly number[]) {
    this.radix = [];
    let r = 1;
    for (const n of levelCounts) {
      this.radix.push(r);
      r *= n;
    }
    if (r > Number.MAX_SAFE_INTEGER) throw new Error("too many comparison levels to encode a pattern");
  }

  /** The pattern id of a comparison vector, counted once more. */
  add(levels: readonly number[], count = 1): number {
    let key = 0;
    for (let k = 0; k < levels.length; k++) key += levels[k]! * this.radix[k]!;
    let id = this.index.get(key);
    if (id === undefined) {
      id = this.levels.length;
      this.index.set(key, id);
      this.levels.push([...levels]);
      this.counts.push(0);
    }
    this.counts[id]! += count;
    return id;
  }
}
