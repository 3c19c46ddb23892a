// Vectors: ../shared/data/tlog/ (see its PROVENANCE.md): the 196 transparency-dev/merkle
// probes, the RFC 6962 reference tree, C2SP/Go signed-note vectors and real
// Certificate Transparency proofs from golang/mod's argon2020 test data.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, readdirSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { emptyRoot, hashChildren, hashLeaf, verifyConsistency, verifyInclusion } from "../../src/vault/tlog/merkle.ts";
import { MerkleTree } from "../../src/vault/tlog/tree.ts";
import { formatSignerKey, formatVerifierKey, openNote, parseSignerKey, parseVerifierKey, signNote, signerFromSeed } from "../../src/vault/tlog/note.ts";
import { cosignatureTimestamp, formatCheckpoint, formatTlogProof, parseCheckpoint, parseTlogProof } from "../../src/vault/tlog/checkpoint.ts";
import { bundleMatchesTile, decodeEntryBundle, encodeEntryBundle, encodeTileIndex, parseTilePath, tileBytes, tilePath, tilesForSize } from "../../src/vault/tlog/tiles.ts";
import { createHash, randomBytes } from "node:crypto";
import { sharedData } from "./helpers.ts";

const b64 = (s: string | null | undefined): Buffer => Buffer.from(s ?? "", "base64");
const readJson = <T>(path: string): T => JSON.parse(readFileSync(path, "utf8")) as T;

interface Probe {
  leafIdx?: number; treeSize: number; root: string; leafHash: string;
  size1: number; size2: number; root1: string; root2: string;
  proof: string[] | null; desc: string; wantErr: boolean;
}
interface RefTree {
  leafInputsHex: string[]; rootHashesBySizeHex: Record<string, string>; leafHashesHex: string[];
  hasherVectors: { desc: string; op: string; inputHex?: string; inputUtf8?: string; leftUtf8?: string; rightUtf8?: string; wantHex: string }[];
}
interface NoteVectors {
  vectors: { source: string; vkey: string; skey?: string; note: string; wantText: string }[];
  malformedNotes_mustReject: { cases: string[] };
  formatOnlyExamples: {
    tlogCheckpoint_c2sp: { note: string; wantOrigin: string; wantSize: number; wantRootB64: string };
    cosignatureV1_timestamp: { sigBase64: string; wantTimestamp: number };
    tlogProof_marshal: { want_no_extra_index5: string; want_empty_hashes_index0: string };
  };
}

function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? walk(p) : [p];
  });
}

test("all 196 transparency-dev/merkle probes give the expected outcome", (t) => {
  const root = sharedData("tlog/transparency-dev-merkle/testdata");
  if (!root) return t.skip("shared tlog vectors not found (../shared/data/tlog)");
  const files = walk(root).filter((f) => f.endsWith(".json"));
  assert.equal(files.length, 196);
  let inclusion = 0;
  let consistency = 0;
  for (const f of files) {
    const v = readJson<Probe>(f);
    const name = relative(root, f);
    let err: unknown;
    try {
      if (v.leafIdx !== undefined) {
        inclusion++;
        verifyInclusion(v.leafIdx, v.treeSize, b64(v.leafHash), (v.proof ?? []).map(b64), b64(v.root));
      } else {
        consistency++;
        verifyConsistency(v.size1, v.size2, b64(v.root1), b64(v.root2), (v.proof ?? []).map(b64));
      }
    } catch (e) {
      err = e;
    }
    assert.equal(err !== undefined, v.wantErr, `${name}: ${v.desc}: ${String(err)}`);
  }
  assert.equal(inclusion + consistency, 196);
  assert.ok(inclusion > 50 && consistency > 50);
});

test("reference tree: hasher vectors, every root 0..8, and every proof we generate verifies", (t) => {
  const p = sharedData("tlog/rfc6962-reference-tree.json");
  if (!p) return t.skip("shared reference tree not found");
  const ref = readJson<RefTree>(p);
  for (const hv of ref.hasherVectors) {
    const got =
      hv.op === "emptyRoot" ? emptyRoot()
      : hv.op === "hashLeaf" ? hashLeaf(hv.inputHex !== undefined ? Buffer.from(hv.inputHex, "hex") : Buffer.from(hv.inputUtf8 ?? ""))
      : hashChildren(Buffer.from(hv.leftUtf8 ?? ""), Buffer.from(hv.rightUtf8 ?? ""));
    assert.equal(got.toString("hex"), hv.wantHex, hv.desc);
  }
  const tree = new MerkleTree();
  assert.equal(tree.root().toString("hex"), ref.rootHashesBySizeHex["0"]);
  ref.leafInputsHex.forEach((h, i) => {
    tree.append(Buffer.from(h, "hex"));
    assert.equal(tree.leafHash(i).toString("hex"), ref.leafHashesHex[i]);
  });
  for (let n = 1; n <= 8; n++) {
    assert.equal(tree.root(n).toString("hex"), ref.rootHashesBySizeHex[String(n)], `root of size ${n}`);
    for (let i = 0; i < n; i++) verifyInclusion(i, n, tree.leafHash(i), tree.inclusionProof(i, n), tree.root(n));
    for (let m = 1; m <= n; m++) verifyConsistency(m, n, tree.root(m), tree.root(n), tree.consistencyProof(m, n));
  }
});

test("generated proofs match the probes' happy paths byte for byte", (t) => {
  const root = sharedData("tlog/transparency-dev-merkle/testdata");
  const refPath = sharedData("tlog/rfc6962-reference-tree.json");
  if (!root || !refPath) return t.skip("shared tlog vectors not found");
  const ref = readJson<RefTree>(refPath);
  const tree = new MerkleTree();
  for (const h of ref.leafInputsHex) tree.append(Buffer.from(h, "hex"));
  for (const f of walk(root).filter((x) => x.endsWith("happy-path.json"))) {
    const v = readJson<Probe>(f);
    const want = v.proof ?? [];
    const got = v.leafIdx !== undefined ? tree.inclusionProof(v.leafIdx, v.treeSize) : tree.consistencyProof(v.size1, v.size2);
    assert.deepEqual(got.map((h) => h.toString("base64")), want, f);
  }
});

test("a larger random tree: proofs verify, and tampering with any part is caught", () => {
  const tree = new MerkleTree();
  const n = 1000;
  for (let i = 0; i < n; i++) tree.append(Buffer.from(`entry ${i}`));
  for (const [i, size] of [[0, 1], [0, 1000], [999, 1000], [500, 777], [511, 512], [512, 513], [123, 129]] as const) {
    const proof = tree.inclusionProof(i, size);
    verifyInclusion(i, size, tree.leafHash(i), proof, tree.root(size));
    if (proof.length > 0) {
      const bad = proof.map((h) => Buffer.from(h));
      bad[0]![0]! ^= 1;
      assert.throws(() => verifyInclusion(i, size, tree.leafHash(i), bad, tree.root(size)));
    }
    assert.throws(() => verifyInclusion(i, size, hashLeaf(Buffer.from("other")), proof, tree.root(size)));
  }
  for (const [a, b] of [[1, 1000], [7, 8], [8, 1000], [999, 1000], [513, 999], [300, 301]] as const) {
    const proof = tree.consistencyProof(a, b);
    verifyConsistency(a, b, tree.root(a), tree.root(b), proof);
    assert.throws(() => verifyConsistency(a, b, tree.root(a), tree.root(b), proof.slice(1)));
    assert.throws(() => verifyConsistency(a, b, tree.root(a - 1 || 1 + a), tree.root(b), proof));
  }
});

test("real Certificate Transparency proofs (Google Argon 2020, via golang/mod) verify", (t) => {
  const dir = sharedData("tlog/golang-mod-argon2020");
  if (!dir) return t.skip("argon2020 data not found");
  const sth = readJson<{ tree_size: number; sha256_root_hash: string }>(join(dir, "sth.json"));
  const entries = readJson<{ entries: { leaf_input: string }[] }>(join(dir, "entries.json"));
  const proof = readJson<{ leaf_index: number; audit_path: string[] }>(join(dir, "proof.json"));
  const cons = readJson<{ consistency: string[] }>(join(dir, "consistency.json"));
  const leaf = hashLeaf(b64(entries.entries[0]!.leaf_input));
  verifyInclusion(proof.leaf_index, sth.tree_size, leaf, proof.audit_path.map(b64), b64(sth.sha256_root_hash));
  assert.throws(() => verifyInclusion(proof.leaf_index + 1, sth.tree_size, leaf, proof.audit_path.map(b64), b64(sth.sha256_root_hash)));
  // The older root lives in Go's test source, not the data files (see PROVENANCE.md).
  const oldRoot = b64("AuIZ5V6sDUj1vn3Y1K85oOaQ7y+FJJKtyRTl1edIKBQ=");
  verifyConsistency(3654490, sth.tree_size, oldRoot, b64(sth.sha256_root_hash), cons.consistency.map(b64));
  assert.throws(() => verifyConsistency(3654491, sth.tree_size, oldRoot, b64(sth.sha256_root_hash), cons.consistency.map(b64)));
});

test("signed notes: C2SP and Go vectors verify, byte-exact signing, malformed notes rejected", (t) => {
  const p = sharedData("tlog/signed-note-vectors.json");
  if (!p) return t.skip("signed-note vectors not found");
  const v = readJson<NoteVectors>(p);
  for (const vec of v.vectors) {
    const verifier = parseVerifierKey(vec.vkey);
    const opened = openNote(vec.note, [verifier]);
    assert.equal(opened.text, vec.wantText, vec.source);
    if (vec.skey) {
      const signer = parseSignerKey(vec.skey);
      assert.equal(signNote(vec.wantText, [signer]), vec.note, "signing reproduces the signature byte for byte");
    }
    // A flipped byte in the text breaks the signature.
    assert.throws(() => openNote(vec.note.replace("message", "massage").replace("cryptography", "cryptographx"), [verifier]));
    // An unknown key alone is not enough.
    const other = signerFromSeed("someone.example/else", randomBytes(32));
    assert.throws(() => openNote(vec.note, [parseVerifierKey(formatVerifierKey(other.name, other.publicKey))]), /no signature by a known key/);
  }
  const peter = parseVerifierKey(v.vectors[1]!.vkey);
  for (const bad of v.malformedNotes_mustReject.cases) assert.throws(() => openNote(bad, [peter]), JSON.stringify(bad).slice(0, 60));
  const withFF = Buffer.concat([Buffer.from([0xff]), Buffer.from(v.vectors[1]!.note)]);
  assert.throws(() => openNote(withFF, [peter]), /UTF-8/);

  const cp = v.formatOnlyExamples.tlogCheckpoint_c2sp;
  const parsed = parseCheckpoint(openNoteTextUnverified(cp.note));
  assert.equal(parsed.origin, cp.wantOrigin);
  assert.equal(parsed.size, cp.wantSize);
  assert.equal(parsed.rootHash.toString("base64"), cp.wantRootB64);
  assert.equal(cosignatureTimestamp(v.formatOnlyExamples.cosignatureV1_timestamp.sigBase64), v.formatOnlyExamples.cosignatureV1_timestamp.wantTimestamp);

  const h1 = createHash("sha256").update("hash1").digest();
  const h2 = createHash("sha256").update("hash2").digest();
  const want = v.formatOnlyExamples.tlogProof_marshal.want_no_extra_index5.replace("<b64 sha256('hash1')>", h1.toString("base64")).replace("<b64 sha256('hash2')>", h2.toString("base64"));
  assert.equal(formatTlogProof({ index: 5, proof: [h1, h2], checkpoint: "test checkpoint\n" }), want);
  assert.equal(formatTlogProof({ index: 0, proof: [], checkpoint: "checkpoint\n" }), v.formatOnlyExamples.tlogProof_marshal.want_empty_hashes_index0);
  assert.deepEqual(parseTlogProof(want), { index: 5, proof: [h1, h2], checkpoint: "test checkpoint\n" });
});

function openNoteTextUnverified(note: string): string {
  return note.slice(0, note.lastIndexOf("\n\n") + 1);
}

test("our keys round-trip through Go's key formats and sign checkpoints", () => {
  const seed = randomBytes(32);
  const skey = formatSignerKey("vigil.example/log", seed);
  const signer = parseSignerKey(skey);
  const vkey = formatVerifierKey(signer.name, signer.publicKey);
  const tree = new MerkleTree();
  for (let i = 0; i < 10; i++) tree.append(Buffer.from([i]));
  const text = formatCheckpoint({ origin: "vigil.example/log", size: 10, rootHash: tree.root(), extensions: [] });
  const note = signNote(text, [signer]);
  const opened = openNote(note, [parseVerifierKey(vkey)]);
  assert.deepEqual(parseCheckpoint(opened.text).rootHash, tree.root());
  assert.throws(() => openNote(note.replace("\n10\n", "\n11\n"), [parseVerifierKey(vkey)]), /invalid signature/);
  assert.throws(() => parseCheckpoint("o\n010\n" + tree.root().toString("base64") + "\n"), /leading zeroes/);
});

test("tile paths follow C2SP tlog-tiles", () => {
  assert.equal(encodeTileIndex(1234067), "x001/x234/067");
  assert.equal(encodeTileIndex(0), "000");
  assert.equal(tilePath({ level: 0, index: 1234067, width: 256 }), "tile/0/x001/x234/067");
  assert.equal(tilePath({ level: "entries", index: 5, width: 17 }), "tile/entries/005.p/17");
  assert.deepEqual(parseTilePath("tile/2/x001/x234/067.p/8"), { level: 2, index: 1234067, width: 8 });
  for (const bad of ["tile/0/1234", "tile/01/000", "tile/0/x000/001", "tile/0/000.p/256", "tile/0/000.p/0", "tile/64/000", "tile/0/../000"]) assert.equal(parseTilePath(bad), undefined, bad);
  // The spec's own example: size 70,000.
  const tiles = tilesForSize(70000).filter((x) => x.level !== "entries");
  assert.equal(tiles.filter((x) => x.level === 0 && x.width === 256).length, 273);
  assert.deepEqual(tiles.filter((x) => x.width !== 256), [
    { level: 0, index: 273, width: 112 },
    { level: 1, index: 1, width: 17 },
    { level: 2, index: 0, width: 1 },
  ]);
  assert.deepEqual(tilesForSize(256).filter((x) => x.level !== "entries"), [{ level: 0, index: 0, width: 256 }, { level: 1, index: 0, width: 1 }]);
});

test("tiles hold the tree's hashes and entry bundles match level-0 tiles", () => {
  const tree = new MerkleTree();
  const entries: Buffer[] = [];
  for (let i = 0; i < 600; i++) {
    const e = Buffer.from(`custody event ${i}`);
    entries.push(e);
    tree.append(e);
  }
  const t0 = tileBytes(tree, { level: 0, index: 1, width: 256 });
  const bundle = encodeEntryBundle(entries.slice(256, 512));
  assert.ok(bundleMatchesTile(bundle, t0));
  assert.equal(decodeEntryBundle(bundle).length, 256);
  assert.throws(() => decodeEntryBundle(bundle.subarray(0, bundle.length - 1)), /truncated/);
  // A level-1 hash is the Merkle root of the full level-0 tile below it.
  const t1 = tileBytes(tree, { level: 1, index: 0, width: 2 });
  const sub = new MerkleTree();
  for (let i = 0; i < 256; i++) sub.appendHash(t0.subarray(i * 32, (i + 1) * 32));
  assert.deepEqual(t1.subarray(32, 64), sub.root());
  assert.throws(() => tileBytes(tree, { level: 0, index: 2, width: 256 }), /beyond/);
  assert.throws(() => encodeEntryBundle([Buffer.alloc(70000)]), /exceeds/);
});
