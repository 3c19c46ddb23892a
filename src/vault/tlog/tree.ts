import { HASH_SIZE, emptyRoot, hashChildren, hashLeaf, splitPoint } from "./merkle.ts";

/**
 * An append-only RFC 6962 Merkle tree that keeps every complete subtree hash:
 * level k holds the hashes of the aligned subtrees of 2^k leaves. That is
 * about two hashes per leaf (64 MiB at a million leaves), appends cost two
 * hashes on average, and any root or proof needs O(log n) look-ups and at
 * most O(log n) fresh hashes. Level 8·L is exactly what a C2SP tile at
 * level L lists, so tiles are slices of these buffers.
 */
export class MerkleTree {
  private levels: Buffer[] = [];
  private counts: number[] = [];
  private rootCache = new Map<number, Buffer>();

  get size(): number {
    return this.counts[0] ?? 0;
  }

  /** Appends a leaf given its raw data; returns its index. */
  append(data: Uint8Array): number {
    return this.appendHash(hashLeaf(data));
  }

  /** Appends an already leaf-hashed value; returns its index. */
  appendHash(leafHash: Uint8Array): number {
    if (leafHash.length !== HASH_SIZE) throw new RangeError("leaf hash must be 32 bytes");
    const index = this.size;
    let h: Uint8Array = leafHash;
    for (let level = 0; ; level++) {
      const i = this.push(level, h);
      if (i % 2 === 0) break;
      h = hashChildren(this.hashAt(level, i - 1), h);
    }
    return index;
  }

  /** Hash of the aligned complete subtree of 2^level leaves number i. */
  hashAt(level: number, i: number): Buffer {
    const buf = this.levels[level];
    if (!buf || i >= (this.counts[level] ?? 0)) throw new RangeError(`no hash at level ${level} index ${i}`);
    return buf.subarray(i * HASH_SIZE, (i + 1) * HASH_SIZE);
  }

  /** Number of complete subtree hashes kept at a level. */
  countAt(level: number): number {
    return this.counts[level] ?? 0;
  }

  /** The leaf hash at index. */
  leafHash(index: number): Buffer {
    return this.hashAt(0, index);
  }

  /** Root hash of the tree made of the first `size` leaves. */
  root(size: number = this.size): Buffer {
    this.checkSize(size);
    if (size === 0) return emptyRoot();
    const cached = this.rootCache.get(size);
    if (cached) return cached;
    const r = this.rangeHash(0, size);
    if (this.rootCache.size > 1024) this.rootCache.clear();
    this.rootCache.set(size, r);
    return r;
  }

  /** Inclusion proof (RFC 9162 §2.1.3.1) for the leaf at index in the tree of the given size. */
  inclusionProof(index: number, size: number = this.size): Buffer[] {
    this.checkSize(size);
    if (!Number.isSafeInteger(index) || index < 0 || index >= size) throw new RangeError(`index ${index} is not in a tree of size ${size}`);
    const out: Buffer[] = [];
    // Walk down from the root, collecting the sibling of each step; emitted leaf-first.
    let start = 0;
    let n = size;
    let m = index;
    while (n > 1) {
      const k = splitPoint(n);
      if (m < k) {
        out.push(this.rangeHash(start + k, n - k));
        n = k;
      } else {
        out.push(this.rangeHash(start, k));
        start += k;
        m -= k;
        n -= k;
      }
    }
    return out.reverse();
  }

  /** Consistency proof (RFC 9162 §2.1.4.1) between the trees of size1 and size2. */
  consistencyProof(size1: number, size2: number = this.size): Buffer[] {
    this.checkSize(size2);
    if (!Number.isSafeInteger(size1) || size1 < 1 || size1 > size2) throw new RangeError(`no consistency proof from ${size1} to ${size2}`);
    if (size1 === size2) return [];
    const out: Buffer[] = [];
    const sub = (m: number, start: number, n: number, whole: boolean): void => {
      if (m === n) {
        if (!whole) out.push(this.rangeHash(start, n));
        return;
      }
      const k = splitPoint(n);
      if (m <= k) {
        sub(m, start, k, whole);
        out.push(this.rangeHash(start + k, n - k));
      } else {
        sub(m - k, start + k, n - k, false);
        out.push(this.rangeHash(start, k));
      }
    };
    sub(size1, 0, size2, true);
    return out;
  }

  /** MTH(D[start : start+n]); start is aligned as RFC 6962's decomposition guarantees. */
  rangeHash(start: number, n: number): Buffer {
    // A complete aligned subtree is a look-up.
    const level = Math.log2(n);
    if (Number.isInteger(level) && start % n === 0) return this.hashAt(level, start / n);
    const k = splitPoint(n);
    return hashChildren(this.rangeHash(start, k), this.rangeHash(start + k, n - k));
  }

  private checkSize(size: number): void {
    if (!Number.isSafeInteger(size) || size < 0 || size > this.size) throw new RangeError(`tree size ${size} is beyond the log's ${this.size} entries`);
  }

  private push(level: number, h: Uint8Array): number {
    const i = this.counts[level] ?? 0;
    let buf = this.levels[level];
    if (!buf || buf.length < (i + 1) * HASH_SIZE) {
      const grown = Buffer.allocUnsafe(Math.max(64, (i + 1) * 2) * HASH_SIZE);
      if (buf) buf.copy(grown, 0, 0, i * HASH_SIZE);
      buf = grown;
      this.levels[level] = buf;
    }
    buf.set(h, i * HASH_SIZE);
    this.counts[level] = i + 1;
    return i;
  }
}
