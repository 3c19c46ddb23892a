import { createHash } from "node:crypto";

/**
 * RFC 6962 / RFC 9162 Merkle tree hashing and proof checking. Pure: no I/O.
 * Leaves are hashed with a 0x00 prefix and interior nodes with 0x01, so a
 * leaf can never be passed off as a node (second-preimage protection).
 */

export const HASH_SIZE = 32;
const LEAF_PREFIX = Buffer.from([0x00]);
const NODE_PREFIX = Buffer.from([0x01]);

/** SHA-256 of the empty string: the root of an empty tree. */
export function emptyRoot(): Buffer {
  return createHash("sha256").digest();
}

/** Leaf hash: SHA-256(0x00 || data). */
export function hashLeaf(data: Uint8Array): Buffer {
  return createHash("sha256").update(LEAF_PREFIX).update(data).digest();
}

/** Interior node hash: SHA-256(0x01 || left || right). */
export function hashChildren(left: Uint8Array, right: Uint8Array): Buffer {
  return createHash("sha256").update(NODE_PREFIX).update(left).update(right).digest();
}

/** Largest power of two strictly smaller than n (n ≥ 2). */
export function splitPoint(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

// Sizes can exceed 2^31 (Certificate Transparency logs do), so no bitwise operators.
const odd = (x: number): boolean => x % 2 === 1;
const half = (x: number): number => Math.floor(x / 2);

export class ProofError extends Error {
  override readonly name = "ProofError";
}

function checkIndex(name: string, value: number): void {
  if (!Number.isSafeInteger(value) || value < 0) throw new ProofError(`${name} must be a non-negative integer, got ${value}`);
}

/** The root implied by an inclusion proof (RFC 9162 §2.1.3.2); throws if the proof has the wrong shape. */
export function rootFromInclusionProof(index: number, size: number, leafHash: Uint8Array, proof: readonly Uint8Array[]): Buffer {
  checkIndex("index", index);
  checkIndex("size", size);
  if (index >= size) throw new ProofError(`index ${index} is beyond tree size ${size}`);
  if (leafHash.length !== HASH_SIZE) throw new ProofError(`leaf hash is ${leafHash.length} bytes, expected ${HASH_SIZE}`);
  let fn = index;
  let sn = size - 1;
  let r: Buffer = Buffer.from(leafHash);
  for (const p of proof) {
    if (p.length !== HASH_SIZE) throw new ProofError(`proof hash is ${p.length} bytes, expected ${HASH_SIZE}`);
    if (sn === 0) throw new ProofError("inclusion proof is too long");
    if (odd(fn) || fn === sn) {
      r = hashChildren(p, r);
      if (!odd(fn)) {
        while (!odd(fn) && fn !== 0) {
          fn = half(fn);
          sn = half(sn);
        }
      }
    } else {
      r = hashChildren(r, p);
    }
    fn = half(fn);
    sn = half(sn);
  }
  if (sn !== 0) throw new ProofError("inclusion proof is too short");
  return r;
}

/** Checks that leafHash is at index in the tree of the given size and root; throws ProofError if not. */
export function verifyInclusion(index: number, size: number, leafHash: Uint8Array, proof: readonly Uint8Array[], root: Uint8Array): void {
  const got = rootFromInclusionProof(index, size, leafHash, proof);
  if (!got.equals(root)) throw new ProofError("inclusion proof does not lead to the expected root");
}

/**
 * Checks that the tree of size1 with root1 is a prefix of the tree of size2
 * with root2 (RFC 9162 §2.1.4.2); throws ProofError if not. A first size of
 * zero is refused: such a check proves nothing.
 */
export function verifyConsistency(size1: number, size2: number, root1: Uint8Array, root2: Uint8Array, proof: readonly Uint8Array[]): void {
  checkIndex("size1", size1);
  checkIndex("size2", size2);
  if (size1 === 0) throw new ProofError("consistency from an empty tree proves nothing");
  if (size2 < size1) throw new ProofError(`size2 ${size2} is smaller than size1 ${size1}`);
  if (size1 === size2) {
    if (proof.length > 0) throw new ProofError("equal sizes need an empty proof");
    if (!Buffer.from(root1).equals(Buffer.from(root2))) throw new ProofError("equal sizes but different roots");
    return;
  }
  if (proof.length === 0) throw new ProofError("empty consistency proof");
  for (const p of proof) if (p.length !== HASH_SIZE) throw new ProofError(`proof hash is ${p.length} bytes, expected ${HASH_SIZE}`);
  const path = isPowerOfTwo(size1) ? [root1, ...proof] : [...proof];
  let fn = size1 - 1;
  let sn = size2 - 1;
  while (odd(fn)) {
    fn = half(fn);
    sn = half(sn);
  }
  let fr: Buffer = Buffer.from(path[0]!);
  let sr: Buffer = Buffer.from(path[0]!);
  for (const c of path.slice(1)) {
    if (sn === 0) throw new ProofError("consistency proof is too long");
    if (odd(fn) || fn === sn) {
      fr = hashChildren(c, fr);
      sr = hashChildren(c, sr);
      if (!odd(fn)) {
        while (!odd(fn) && fn !== 0) {
          fn = half(fn);
          sn = half(sn);
        }
      }
    } else {
      sr = hashChildren(sr, c);
    }
    fn = half(fn);
    sn = half(sn);
  }
  if (sn !== 0) throw new ProofError("consistency proof is too short");
  if (!fr.equals(root1)) throw new ProofError("consistency proof does not lead to the first root");
  if (!sr.equals(root2)) throw new ProofError("consistency proof does not lead to the second root");
}

function isPowerOfTwo(n: number): boolean {
  return n > 0 && Number.isInteger(Math.log2(n)) && 2 ** Math.log2(n) === n;
}
