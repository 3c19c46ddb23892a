import { HASH_SIZE, hashLeaf } from "./merkle.ts";
import type { MerkleTree } from "./tree.ts";

/**
 * C2SP tlog-tiles: the log as static files. A tile at level L is a run of up
 * to 256 hashes of complete subtrees of 256^L leaves; entry bundles hold the
 * entries themselves, each prefixed by a big-endian uint16 length.
 */

export const TILE_WIDTH = 256;
export const TILE_HEIGHT = 8;
export const MAX_ENTRY_SIZE = 0xffff;

export interface TileRef {
  /** Level, or "entries" for an entry bundle. */
  level: number | "entries";
  index: number;
  /** Width 1..256; 256 is a full tile. */
  width: number;
}

/** `x001/x234/067` for 1234067. */
export function encodeTileIndex(n: number): string {
  if (!Number.isSafeInteger(n) || n < 0) throw new RangeError("tile index must be a non-negative integer");
  const groups: string[] = [];
  let rest = n;
  do {
    groups.unshift(String(rest % 1000).padStart(3, "0"));
    rest = Math.floor(rest / 1000);
  } while (rest > 0);
  return groups.map((g, i) => (i < groups.length - 1 ? `x${g}` : g)).join("/");
}

/** Path of a tile or entry bundle below the log prefix, e.g. `tile/0/x001/234.p/17`. */
export function tilePath(t: TileRef): string {
  const base = `tile/${t.level}/${encodeTileIndex(t.index)}`;
  return t.width === TILE_WIDTH ? base : `${base}.p/${t.width}`;
}

/** Parses a tile path; returns undefined for anything that is not a canonical tile path. */
export function parseTilePath(path: string): TileRef | undefined {
  const m = /^tile\/(entries|0|[1-9][0-9]?)\/((?:x[0-9]{3}\/)*)([0-9]{3})(?:\.p\/([1-9][0-9]{0,2}))?$/.exec(path);
  if (!m) return undefined;
  const level = m[1] === "entries" ? "entries" : Number(m[1]);
  if (typeof level === "number" && level > 63) return undefined;
  const groups = [...(m[2] ?? "").split("/").filter(Boolean).map((g) => g.slice(1)), m[3]!];
  if (groups.length > 1 && groups[0] === "000") return undefined; // no redundant leading group
  const index = groups.reduce((acc, g) => acc * 1000 + Number(g), 0);
  const width = m[4] === undefined ? TILE_WIDTH : Number(m[4]);
  if (m[4] !== undefined && width > 255) return undefined;
  return { level, index, width };
}

/** Every tile (and entry bundle) a tree of this size needs, full and partial. */
export function tilesForSize(size: number): TileRef[] {
  const out: TileRef[] = [];
  for (let level = 0; ; level++) {
    const span = TILE_WIDTH ** level; // leaves per hash at this level
    const hashes = Math.floor(size / span);
    if (hashes === 0) break;
    const full = Math.floor(hashes / TILE_WIDTH);
    const partial = hashes % TILE_WIDTH;
    for (let i = 0; i < full; i++) {
      out.push({ level, index: i, width: TILE_WIDTH });
      if (level === 0) out.push({ level: "entries", index: i, width: TILE_WIDTH });
    }
    if (partial > 0) {
      out.push({ level, index: full, width: partial });
      if (level === 0) out.push({ level: "entries", index: full, width: partial });
    }
  }
  return out;
}

/** The bytes of a hash tile, read from the tree's kept subtree hashes. */
export function tileBytes(tree: MerkleTree, t: TileRef): Buffer {
  if (t.level === "entries") throw new RangeError("entry bundles come from the entries, not the tree");
  const treeLevel = t.level * TILE_HEIGHT;
  const first = t.index * TILE_WIDTH;
  if (first + t.width > tree.countAt(treeLevel)) throw new RangeError(`tile ${tilePath(t)} is beyond the tree`);
  const out = Buffer.allocUnsafe(t.width * HASH_SIZE);
  for (let i = 0; i < t.width; i++) tree.hashAt(treeLevel, first + i).copy(out, i * HASH_SIZE);
  return out;
}

/** An entry bundle: each entry as uint16 big-endian length then bytes. */
export function encodeEntryBundle(entries: readonly Uint8Array[]): Buffer {
  const parts: Buffer[] = [];
  for (const e of entries) {
    if (e.length > MAX_ENTRY_SIZE) throw new RangeError(`log entry of ${e.length} bytes exceeds ${MAX_ENTRY_SIZE}`);
    const len = Buffer.alloc(2);
    len.writeUInt16BE(e.length);
    parts.push(len, Buffer.from(e));
  }
  return Buffer.concat(parts);
}

/** Splits an entry bundle into its entries; throws on a truncated bundle. */
export function decodeEntryBundle(bundle: Uint8Array): Buffer[] {
  const buf = Buffer.from(bundle.buffer, bundle.byteOffset, bundle.byteLength);
  const out: Buffer[] = [];
  let off = 0;
  while (off < buf.length) {
    if (off + 2 > buf.length) throw new RangeError("entry bundle is truncated in a length prefix");
    const n = buf.readUInt16BE(off);
    if (off + 2 + n > buf.length) throw new RangeError("entry bundle is truncated in an entry");
    out.push(buf.subarray(off + 2, off + 2 + n));
    off += 2 + n;
  }
  return out;
}

/** Checks that an entry bundle matches the level-0 tile of the same index. */
export function bundleMatchesTile(bundle: Uint8Array, tile: Uint8Array): boolean {
  const entries = decodeEntryBundle(bundle);
  if (entries.length * HASH_SIZE !== tile.length) return false;
  return entries.every((e, i) => hashLeaf(e).equals(tile.subarray(i * HASH_SIZE, (i + 1) * HASH_SIZE)));
}
