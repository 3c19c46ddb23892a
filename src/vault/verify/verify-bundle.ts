/**
 * The offline verifier for Vigil evidence bundles (docs/bundle-format.md).
 *
 * Written to be read by an outside expert: it shares no code with the part of
 * Vigil that writes bundles, and depends only on node:crypto and the
 * defensive zip reader beside it. Every check that fails adds one message
 * naming the file, item, event or checkpoint concerned.
 */
import { createHash, createPublicKey, verify } from "node:crypto";
import { open } from "node:fs/promises";
import { Worker } from "node:worker_threads";
import { readZip, ZipRefused, DEFAULT_ZIP_LIMITS, type ZipEntryInfo, type ZipLimits } from "./safe-zip.ts";

export interface VerifyReport {
  ok: boolean;
  failures: string[];
  passed: string[];
  signedBy?: string;
  items: number;
  events: number;
  checkpoint?: { origin: string; size: number; root: string };
}

interface Manifest {
  format: string;
  origin: string;
  items: { id: string; events: number[] }[];
  checkpoint: string;
  files: Record<string, { sha256: string; bytes: number }>;
}

// --- RFC 6962 hashing and proofs (RFC 9162 §2.1.3.2, §2.1.4.2) ---
const sha256 = (...parts: Uint8Array[]): Buffer => {
  const h = createHash("sha256");
  for (const p of parts) h.update(p);
  return h.digest();
};
const leafHash = (data: Uint8Array): Buffer => sha256(Buffer.from([0]), data);
const nodeHash = (l: Uint8Array, r: Uint8Array): Buffer => sha256(Buffer.from([1]), l, r);
const odd = (x: number): boolean => x % 2 === 1;
const half = (x: number): number => Math.floor(x / 2);

function inclusionRoot(index: number, size: number, leaf: Buffer, proof: Buffer[]): Buffer | undefined {
  if (index >= size || proof.some((p) => p.length !== 32)) return undefined;
  let fn = index;
  let sn = size - 1;
  let r = leaf;
  for (const p of proof) {
    if (sn === 0) return undefined;
    if (odd(fn) || fn === sn) {
      r = nodeHash(p, r);
      while (!odd(fn) && fn !== 0) [fn, sn] = [half(fn), half(sn)];
    } else r = nodeHash(r, p);
    [fn, sn] = [half(fn), half(sn)];
  }
  return sn === 0 ? r : undefined;
}

function consistent(size1: number, size2: number, root1: Buffer, root2: Buffer, proof: Buffer[]): boolean {
  if (size1 < 1 || size2 < size1) return false;
  if (size1 === size2) return proof.length === 0 && root1.equals(root2);
  if (proof.length === 0 || proof.some((p) => p.length !== 32)) return false;
  const path = Number.isInteger(Math.log2(size1)) ? [root1, ...proof] : proof;
  let fn = size1 - 1;
  let sn = size2 - 1;
  while (odd(fn)) [fn, sn] = [half(fn), half(sn)];
  let fr = path[0]!;
  let sr = path[0]!;
  for (const c of path.slice(1)) {
    if (sn === 0) return false;
    if (odd(fn) || fn === sn) {
      fr = nodeHash(c, fr);
      sr = nodeHash(c, sr);
      while (!odd(fn) && fn !== 0) [fn, sn] = [half(fn), half(sn)];
    } else sr = nodeHash(sr, c);
    [fn, sn] = [half(fn), half(sn)];
  }
  return sn === 0 && fr.equals(root1) && sr.equals(root2);
}

/** Merkle tree hash of all leaf hashes (RFC 6962 §2.1), iteratively. */
function merkleRoot(leaves: Buffer[]): Buffer {
  if (leaves.length === 0) return sha256();
  // Fold complete subtrees left to right, as a binary counter, then join right to left.
  const stack: { h: Buffer; n: number }[] = [];
  for (const l of leaves) {
    let cur = { h: l, n: 1 };
    while (stack.length && stack[stack.length - 1]!.n === cur.n) cur = { h: nodeHash(stack.pop()!.h, cur.h), n: cur.n * 2 };
    stack.push(cur);
  }
  let r = stack.pop()!.h;
  while (stack.length) r = nodeHash(stack.pop()!.h, r);
  return r;
}

// --- C2SP signed notes with Ed25519 keys (vkey = name+hexid+base64(0x01||key)) ---
interface Key { name: string; id: number; vkey: string; key: ReturnType<typeof createPublicKey> }

function parseKey(vkey: string): Key | undefined {
  const m = /^([^+\s]+)\+([0-9a-f]{8})\+(.+)$/.exec(vkey.trim());
  if (!m) return undefined;
  const raw = Buffer.from(m[3]!, "base64");
  if (raw.length !== 33 || raw[0] !== 1) return undefined;
  const id = sha256(Buffer.from(`${m[1]}\n`), raw).readUInt32BE(0);
  if (id !== Number.parseInt(m[2]!, 16)) return undefined;
  const der = Buffer.concat([Buffer.from("302a300506032b6570032100", "hex"), raw.subarray(1)]);
  return { name: m[1]!, id, vkey: vkey.trim(), key: createPublicKey({ key: der, format: "der", type: "spki" }) };
}

/** Returns the note text and the key that signed it, or a reason it does not verify. */
function openNote(note: string, keys: Key[]): { text: string; key: Key } | string {
  if (/[\u0000-\u0009\u000b-\u001f]/.test(note) || !note.endsWith("\n")) return "malformed note";
  const split = note.lastIndexOf("\n\n");
  if (split < 0) return "note has no signature";
  const text = note.slice(0, split + 1);
  let signer: Key | undefined;
  for (const line of note.slice(split + 2, -1).split("\n")) {
    const m = /^\u2014 (\S+) ([A-Za-z0-9+/=]+)$/u.exec(line);
    if (!m) return "malformed signature line";
    const sig = Buffer.from(m[2]!, "base64");
    const key = keys.find((k) => k.name === m[1] && sig.length === 68 && k.id === sig.readUInt32BE(0));
    if (!key) continue;
    if (!verify(null, Buffer.from(text), key.key, sig.subarray(4))) return `signature by ${key.name} does not verify`;
    signer ??= key;
  }
  return signer ? { text, key: signer } : "not signed by any known key";
}

function parseCheckpoint(text: string): { origin: string; size: number; root: Buffer } | undefined {
  const m = /^([^\n]+)\n(0|[1-9][0-9]*)\n([A-Za-z0-9+/=]{44})\n/.exec(text);
  if (!m) return undefined;
  return { origin: m[1]!, size: Number(m[2]), root: Buffer.from(m[3]!, "base64") };
}

/**
 * Verifies a bundle. `trustedKeys` pins the log key(s) the verifier trusts
 * (as published at /.well-known/vigil-log-key); without them the keys in the
 * bundle are used and reported. `trustedCheckpoint` is a checkpoint obtained
 * earlier: the bundle's log must extend it.
 */
export async function verifyBundle(path: string, opts: { trustedKeys?: string[]; trustedCheckpoint?: string; limits?: ZipLimits } = {}): Promise<VerifyReport> {
  try {
    return await check(path, opts);
  } catch (err) {
    // A check that crashed is a failure too, never a pass.
    return { ok: false, failures: [`bundle could not be checked: ${(err as Error).message}`], passed: [], items: 0, events: 0 };
  }
}

async function check(path: string, opts: { trustedKeys?: string[]; trustedCheckpoint?: string; limits?: ZipLimits }): Promise<VerifyReport> {
  const failures: string[] = [];
  const passed: string[] = [];
  const report = (): VerifyReport => ({ ok: failures.length === 0, failures, passed, items: 0, events: 0 });
  // Hash the whole file on the other core while the entries are read here.
  const comment = await readSignatureComment(path);
  const wholeHash = typeof comment === "string" ? undefined : hashInWorker(path, comment.covered);
  wholeHash?.catch(() => undefined);
  let zip: Map<string, ZipEntryInfo>;
  try {
    zip = await readZip(path, opts.limits ?? DEFAULT_ZIP_LIMITS);
  } catch (err) {
    failures.push(`bundle refused: ${err instanceof ZipRefused ? err.message : String(err)}`);
    return report();
  }
  const text = (name: string): string | undefined => zip.get(name)?.data?.toString("utf8");

  // 1. The manifest and its signature.
  const manifestText = text("bundle.json");
  const sigNote = text("bundle.sig");
  const keyLines = text("keys/log-keys.txt");
  if (manifestText === undefined) failures.push("bundle.json is missing");
  if (sigNote === undefined) failures.push("bundle.sig is missing");
  if (keyLines === undefined) failures.push("keys/log-keys.txt is missing");
  if (manifestText === undefined || sigNote === undefined || keyLines === undefined) return report();
  const bundleKeys = keyLines.split("\n").filter(Boolean).map(parseKey);
  if (bundleKeys.some((k) => !k)) failures.push("keys/log-keys.txt holds a malformed key");
  const keys = opts.trustedKeys ? opts.trustedKeys.map(parseKey).filter((k): k is Key => !!k) : bundleKeys.filter((k): k is Key => !!k);
  const sig = openNote(sigNote, keys);
  const manifestHash = sha256(Buffer.from(manifestText)).toString("hex");
  const whole = typeof comment === "string" ? comment : checkWholeFile(comment.note, await wholeHash!, keys);
  if (whole !== true) failures.push(`zip structure: ${whole}`);
  else passed.push("every byte of the file is covered by its signature");
  if (typeof sig === "string") failures.push(`bundle.sig: ${sig}`);
  else if (sig.text !== `vigil-bundle/1\n${manifestHash}\n`) failures.push("bundle.json was changed after it was signed (bundle.sig names another hash)");
  else passed.push(`bundle.json signed by ${sig.key.vkey}`);
  let manifest: Manifest;
  try {
    manifest = JSON.parse(manifestText) as Manifest;
    if (manifest.format !== "vigil-bundle/1" || typeof manifest.files !== "object" || !Array.isArray(manifest.items)) throw new Error("not a vigil-bundle/1 manifest");
  } catch (err) {
    failures.push(`bundle.json is not a valid manifest: ${(err as Error).message}`);
    return report();
  }

  // 2. Every file, byte for byte.
  for (const [name, want] of Object.entries(manifest.files)) {
    const got = zip.get(name);
    if (!got) failures.push(`${name}: missing from the bundle`);
    else if (got.sha256 !== want.sha256 || got.size !== want.bytes) failures.push(`${name}: content changed (sha256 ${got.sha256}, ${got.size} bytes; bundle.json says ${want.sha256}, ${want.bytes} bytes)`);
  }
  for (const name of zip.keys()) if (!(name in manifest.files) && !["bundle.json", "bundle.sig"].includes(name)) failures.push(`${name}: not listed in bundle.json`);
  if (!failures.length) passed.push(`${Object.keys(manifest.files).length} files match their SHA-256 hashes`);

  // 3. Checkpoints: signed by a known key and consistent with one another.
  const cpNames = [...zip.keys()].filter((n) => /^log\/checkpoints\/\d+$/.test(n)).sort((a, b) => Number(a.split("/")[2]) - Number(b.split("/")[2]));
  const cps: { name: string; origin: string; size: number; root: Buffer }[] = [];
  for (const name of cpNames) {
    const opened = openNote(text(name) ?? "", keys);
    if (typeof opened === "string") {
      failures.push(`${name}: ${opened}`);
      continue;
    }
    const cp = parseCheckpoint(opened.text);
    if (!cp || cp.origin !== manifest.origin || String(cp.size) !== name.split("/")[2]) failures.push(`${name}: not a checkpoint of ${manifest.origin} at that size`);
    else cps.push({ name, ...cp });
  }
  const latest = cps.find((c) => c.name === manifest.checkpoint);
  if (!latest) {
    failures.push(`${manifest.checkpoint}: the bundle's checkpoint is missing or invalid`);
    return { ...report(), items: manifest.items.length };
  }
  const proofLines = (name: string): Buffer[] => (text(name) ?? "").split("\n").filter(Boolean).map((l) => Buffer.from(l, "base64"));
  for (const cp of cps) {
    if (cp.size === 0 || cp === latest) continue;
    const name = `log/consistency/${cp.size}-${latest.size}`;
    if (cp.size > latest.size) failures.push(`${cp.name}: the log was truncated: this checkpoint has ${cp.size} entries, the bundle's log only ${latest.size}`);
    else if (!zip.has(name)) failures.push(`${name}: consistency proof missing`);
    else if (!consistent(cp.size, latest.size, cp.root, latest.root, proofLines(name))) failures.push(`log rewritten: ${cp.name} is not consistent with ${latest.name} (${name})`);
  }
  if (opts.trustedCheckpoint !== undefined) {
    const opened = openNote(opts.trustedCheckpoint, keys);
    const cp = typeof opened === "string" ? undefined : parseCheckpoint(opened.text);
    if (!cp) failures.push(`trusted checkpoint: ${typeof opened === "string" ? opened : "malformed"}`);
    else if (cp.size > latest.size) failures.push(`log truncated: the trusted checkpoint has ${cp.size} entries, the bundle's log only ${latest.size}`);
    else {
      const same = cps.find((c) => c.size === cp.size);
      if (same && !same.root.equals(cp.root)) failures.push(`log rewritten: the trusted checkpoint of size ${cp.size} has another root than ${same.name}`);
      else if (!same) failures.push(`trusted checkpoint of size ${cp.size}: the bundle holds no checkpoint of that size to compare with`);
      else passed.push(`the log extends the trusted checkpoint of size ${cp.size}`);
    }
  }
  passed.push(`checkpoint ${latest.origin} size ${latest.size} signed; ${cps.length - 1} earlier checkpoints consistent`);

  // 4. The full log, when included: it must hash to the checkpoint's root.
  const entries = zip.get("log/entries")?.data;
  let allEntries: Buffer[] | undefined;
  if (entries) {
    allEntries = [];
    let off = 0;
    while (off + 2 <= entries.length && off + 2 + entries.readUInt16BE(off) <= entries.length) {
      allEntries.push(entries.subarray(off + 2, off + 2 + entries.readUInt16BE(off)));
      off += 2 + entries.readUInt16BE(off);
    }
    if (off !== entries.length) failures.push("log/entries: the last entry is cut short");
    if (allEntries.length < latest.size) failures.push(`log/entries: truncated: ${allEntries.length} entries, ${latest.name} says ${latest.size}`);
    else if (!merkleRoot(allEntries.slice(0, latest.size).map(leafHash)).equals(latest.root)) failures.push(`log/entries: rewritten: its Merkle root differs from ${latest.name}`);
    else passed.push(`log/entries: all ${latest.size} entries hash to the checkpoint root`);
  }

  // 5. Items: their custody events are in the log, and the blobs are what the events recorded.
  let events = 0;
  for (const { id, events: indexes } of manifest.items) {
    const itemText = text(`items/${id}/item.json`);
    if (itemText === undefined) {
      failures.push(`item ${id}: items/${id}/item.json is missing`);
      continue;
    }
    let item: { original: { digest: string }; derived: { digest: string; role: string }[] };
    try {
      item = JSON.parse(itemText) as typeof item;
      if (typeof item.original?.digest !== "string" || !Array.isArray(item.derived)) throw new Error("no original");
    } catch {
      failures.push(`item ${id}: items/${id}/item.json is not a valid item record`);
      continue;
    }
    const recorded = new Set<string>();
    for (const index of indexes) {
      events++;
      const ev = zip.get(`log/events/${index}.json`)?.data;
      const proof = text(`log/proofs/${index}.tlog-proof`);
      if (!ev || proof === undefined) {
        failures.push(`item ${id}: custody event ${index} is missing (log/events/${index}.json or log/proofs/${index}.tlog-proof)`);
        continue;
      }
      const m = /^c2sp\.org\/tlog-proof@v1\n(?:extra \S*\n)?index (\d+)\n((?:[A-Za-z0-9+/=]{44}\n)*)\n/.exec(proof);
      const root = m && Number(m[1]) === index ? inclusionRoot(index, latest.size, leafHash(ev), proofLines2(m[2]!)) : undefined;
      if (!root || !root.equals(latest.root)) failures.push(`item ${id}: custody event ${index}: inclusion proof log/proofs/${index}.tlog-proof fails against ${latest.name}`);
      if (allEntries && !(allEntries[index]?.equals(ev) ?? false)) failures.push(`item ${id}: custody event ${index} differs from log/entries`);
      try {
        const e = JSON.parse(ev.toString("utf8")) as { item: string; hashes: Record<string, string> };
        if (e.item !== id) failures.push(`item ${id}: custody event ${index} belongs to ${e.item}`);
        for (const h of Object.values(e.hashes)) recorded.add(h);
      } catch {
        failures.push(`item ${id}: custody event ${index} is not JSON`);
      }
    }
    for (const ref of [item.original, ...item.derived]) {
      const blob = zip.get(`items/${id}/blobs/${ref.digest.replace(/^sha256:/, "")}`);
      if (!blob) failures.push(`item ${id}: blob ${ref.digest} is missing`);
      else if (blob.sha256 !== ref.digest) failures.push(`item ${id}: blob ${ref.digest} does not hash to its name (${blob.sha256})`);
      if (!recorded.has(ref.digest)) failures.push(`item ${id}: ${ref === item.original ? "original" : "derived copy"} ${ref.digest} is not recorded in any of its custody events`);
    }
  }
  passed.push(`${manifest.items.length} items, ${events} custody events checked`);
  return { ok: failures.length === 0, failures, passed: failures.length ? [] : passed, ...(typeof sig === "string" ? {} : { signedBy: sig.key.vkey }), items: manifest.items.length, events, checkpoint: { origin: latest.origin, size: latest.size, root: latest.root.toString("base64") } };
}

function proofLines2(block: string): Buffer[] {
  return block.split("\n").filter(Boolean).map((l) => Buffer.from(l, "base64"));
}

/**
 * The writer signs SHA-256 of every byte before the zip comment and puts the
 * signed note in the comment, so changes in zip headers and the central
 * directory (which hold no file content) are caught too.
 */
async function readSignatureComment(path: string): Promise<{ note: string; covered: number } | string> {
  const fh = await open(path, "r");
  try {
    const size = (await fh.stat()).size;
    const n = Math.min(size, 22 + 65535);
    const tail = Buffer.alloc(n);
    await fh.read(tail, 0, n, size - n);
    for (let i = tail.length - 22; i >= 0; i--) {
      if (tail.readUInt32LE(i) === 0x06054b50 && i + 22 + tail.readUInt16LE(i + 20) === tail.length) {
        return { note: tail.subarray(i + 22).toString("utf8"), covered: size - (tail.length - i - 22) };
      }
    }
    return "no end-of-archive record with the signature comment; bytes were added or removed at the end";
  } finally {
    await fh.close();
  }
}

function checkWholeFile(note: string, hex: string, keys: Key[]): true | string {
  const opened = openNote(note, keys);
  if (typeof opened === "string") return `the file signature in the zip comment is invalid: ${opened}`;
  if (opened.text !== `vigil-bundle-file/1\n${hex}\n`) return "bytes outside the listed files (zip headers or central directory) were changed";
  return true;
}

/** SHA-256 (hex) of the first `length` bytes of a file, computed in a worker thread. */
function hashInWorker(path: string, length: number): Promise<string> {
  const code = `
    const { parentPort, workerData } = require("node:worker_threads");
    const { createHash } = require("node:crypto");
    const { createReadStream } = require("node:fs");
    const h = createHash("sha256");
    if (workerData.length === 0) parentPort.postMessage(h.digest("hex"));
    else createReadStream(workerData.path, { start: 0, end: workerData.length - 1, highWaterMark: 1 << 20 })
      .on("data", (c) => h.update(c))
      .on("end", () => parentPort.postMessage(h.digest("hex")));`;
  return new Promise((resolve, reject) => {
    const w = new Worker(code, { eval: true, workerData: { path, length } });
    w.once("message", (hex: string) => {
      resolve(hex);
      void w.terminate();
    });
    w.once("error", reject);
  });
}
