import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import sharp from "sharp";
import yauzl from "yauzl";
import yazl from "yazl";
import { Vault, captureUrl, exportBundle, verifyBundle, decodeEntryBundle, encodeEntryBundle } from "../../src/vault/index.ts";
import { tempDir } from "./helpers.ts";
import { startFixtureServer } from "./fixture-server.ts";
import { rewriteBundle } from "./bundle-helpers.ts";

let fx: Awaited<ReturnType<typeof startFixtureServer>>;
let t: ReturnType<typeof tempDir>;
let vault: Vault;
let bundle: string;
let earlyCheckpoint: string;

before(async () => {
  fx = await startFixtureServer();
  t = tempDir();
  vault = await Vault.open({ dataDir: join(t.dir, "data"), origin: "vigil.test/vault" });
  const photo = join(t.dir, "photo.jpg");
  await sharp({ create: { width: 64, height: 48, channels: 3, background: "#884422" } })
    .withExif({ IFD0: { Artist: "Synthetic Author", Copyright: "synthetic" }, IFD3: { GPSLatitudeRef: "N", GPSLatitude: "35/1 41/1 0/1", GPSLongitudeRef: "E", GPSLongitude: "51/1 25/1 0/1" } })
    .jpeg()
    .toFile(photo);
  await vault.addFile(photo, { actor: "investigator-1", sourceIds: ["src_test"], notes: "synthetic photo" });
  earlyCheckpoint = (await vault.log.latestCheckpoint())!;
  await captureUrl(vault, `${fx.base}/article`, { actor: "investigator-2", allowPrivate: true, sourceIds: ["src_test"] });
  bundle = join(t.dir, "bundle.zip");
  await exportBundle(vault, bundle, { all: true, actor: "exporter" });
});
after(async () => {
  await fx.close();
  t.cleanup();
});

test("the public copy of a photo carries no EXIF, GPS or author; the original is untouched", async () => {
  const [item] = (await vault.items.list()).filter((i) => i.kind === "file");
  const orig = await sharp(vault.blobs.localPath(item!.original.digest)).metadata();
  assert.ok(orig.exif, "the original keeps its metadata");
  const pub = item!.derived.find((d) => d.role === "public_copy")!;
  const meta = await sharp(vault.blobs.localPath(pub.digest)).metadata();
  assert.equal(meta.exif, undefined);
  assert.equal(meta.xmp, undefined);
  assert.doesNotMatch(readFileSync(vault.blobs.localPath(pub.digest)).toString("latin1"), /Synthetic Author|GPS/);
  assert.ok(item!.derived.some((d) => d.role === "thumbnail"));
  const custody = await vault.custody(item!.id);
  assert.deepEqual(custody.map((c) => c.event.type), ["acquired", "derived", "exported"]);
  assert.equal(custody[1]!.event.hashes.public_copy, pub.digest);
});

test("an exported bundle verifies offline", async () => {
  const r = await verifyBundle(bundle);
  assert.deepEqual(r.failures, []);
  assert.equal(r.ok, true);
  assert.equal(r.items, 2);
  assert.equal(r.events, 3);
  assert.equal(r.signedBy, vault.keys.logKeys[0]!.vkey);
  const pinned = await verifyBundle(bundle, { trustedKeys: [vault.keys.logKeys[0]!.vkey], trustedCheckpoint: earlyCheckpoint });
  assert.deepEqual(pinned.failures, []);
});

test("a self-contained receipt proves each custody event against the signed checkpoint", async () => {
  const [item] = await vault.items.list();
  const receipt = await vault.receipt(item!.id);
  assert.ok(receipt.events.length >= 1);
  assert.match(receipt.events[0]!.proof, /^c2sp\.org\/tlog-proof@v1\nindex \d+\n/);
});

/** Offsets of each entry's data in the zip, from its local header. */
async function entryDataRanges(path: string): Promise<{ name: string; start: number; end: number }[]> {
  const buf = readFileSync(path);
  return new Promise((resolve, reject) => {
    yauzl.fromBuffer(buf, { lazyEntries: true }, (err, zip) => {
      if (err || !zip) return reject(err ?? new Error("no zip"));
      const out: { name: string; start: number; end: number }[] = [];
      zip.on("entry", (e: yauzl.Entry) => {
        const h = e.relativeOffsetOfLocalHeader;
        const start = h + 30 + buf.readUInt16LE(h + 26) + buf.readUInt16LE(h + 28);
        out.push({ name: e.fileName, start, end: start + e.compressedSize });
        zip.readEntry();
      });
      zip.on("end", () => resolve(out));
      zip.readEntry();
    });
  });
}

test("a changed byte in any file of the bundle is caught and the file is named", async () => {
  const ranges = await entryDataRanges(bundle);
  assert.ok(ranges.length > 15);
  const original = readFileSync(bundle);
  const bad = join(t.dir, "flipped.zip");
  for (const r of ranges) {
    if (r.end === r.start) continue;
    for (const at of new Set([r.start, Math.floor((r.start + r.end) / 2), r.end - 1])) {
      const b = Buffer.from(original);
      b[at] = b[at]! ^ 0x01;
      writeFileSync(bad, b);
      const rep = await verifyBundle(bad);
      assert.equal(rep.ok, false, `flip in ${r.name} at ${at} not caught`);
      const named = rep.failures.some((f) => f.includes(r.name) || (r.name === "bundle.json" && /bundle\.json/.test(f)));
      assert.ok(named, `flip in ${r.name}: failures do not name it: ${rep.failures.join(" | ")}`);
    }
  }
  // Bytes outside entry data: local headers and the central directory.
  for (const at of [0, 10, original.length - 30, original.length - 60]) {
    const b = Buffer.from(original);
    b[at] = b[at]! ^ 0x01;
    writeFileSync(bad, b);
    assert.equal((await verifyBundle(bad)).ok, false, `flip at ${at} not caught`);
  }
});

test("a removed file, a missing item or a bad proof is named", async () => {
  const names = (await entryDataRanges(bundle)).map((r) => r.name);
  const bad = join(t.dir, "removed.zip");
  for (const name of names) {
    await rewriteBundle(bundle, bad, (files) => files.delete(name));
    const rep = await verifyBundle(bad);
    assert.equal(rep.ok, false, `removing ${name} not caught`);
    assert.ok(rep.failures.some((f) => f.includes(name)), `removing ${name}: ${rep.failures.join(" | ")}`);
  }
  // Someone with the key drops an item's blob and re-signs: the item is still named.
  const item = (await vault.items.list())[0]!;
  await rewriteBundle(bundle, bad, (files) => files.delete(`items/${item.id}/blobs/${item.original.digest.slice(7)}`), vault.keys.logSigner);
  assert.match((await verifyBundle(bad)).failures.join("\n"), new RegExp(`item ${item.id}: blob ${item.original.digest} is missing`));
  // A wrong proof, re-signed: caught by the Merkle check, not only the manifest.
  const proofName = names.find((n) => n.startsWith("log/proofs/"))!;
  await rewriteBundle(bundle, bad, (files) => files.set(proofName, Buffer.from(files.get(proofName)!.toString().replace(/\n([A-Za-z0-9+/]{43}=)\n/, "\nAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n"))), vault.keys.logSigner);
  assert.match((await verifyBundle(bad)).failures.join("\n"), /inclusion proof log\/proofs\/\d+\.tlog-proof fails/);
  // A bundle signed by another key is refused when the published key is pinned.
  const other = await Vault.open({ dataDir: join(t.dir, "other"), origin: "vigil.test/vault" });
  await rewriteBundle(bundle, bad, () => undefined, other.keys.logSigner);
  assert.match((await verifyBundle(bad, { trustedKeys: [vault.keys.logKeys[0]!.vkey] })).failures.join("\n"), /bundle\.sig: not signed by any known key/);
});

test("a log rewritten or truncated relative to a checkpoint is caught", async () => {
  const bad = join(t.dir, "log.zip");
  // Truncated: the last log entries dropped, even with the manifest re-signed.
  await rewriteBundle(bundle, bad, (files) => files.set("log/entries", encodeEntryBundle(decodeEntryBundle(files.get("log/entries")!).slice(0, -1))), vault.keys.logSigner);
  assert.match((await verifyBundle(bad)).failures.join("\n"), /log\/entries: truncated: \d+ entries/);
  // Rewritten: one entry changed.
  await rewriteBundle(bundle, bad, (files) => {
    const e = decodeEntryBundle(files.get("log/entries")!);
    e[0] = Buffer.from(e[0]!.toString().replace("investigator-1", "investigator-9"));
    files.set("log/entries", encodeEntryBundle(e));
  }, vault.keys.logSigner);
  assert.match((await verifyBundle(bad)).failures.join("\n"), /log\/entries: rewritten/);
  // A bundle older than a checkpoint someone holds: the log was truncated relative to it.
  const later = await vault.checkpoint();
  const older = join(t.dir, "older.zip");
  await rewriteBundle(bundle, older, () => undefined);
  const r = await verifyBundle(older, { trustedCheckpoint: later });
  assert.match(r.failures.join("\n"), /log truncated: the trusted checkpoint has \d+ entries/);
  // An old checkpoint whose root does not fit the latest one (history rewritten, re-signed by an insider).
  await rewriteBundle(bundle, bad, (files) => {
    const name = [...files.keys()].find((n) => /^log\/consistency\//.test(n))!;
    files.set(name, Buffer.from(files.get(name)!.toString().replace(/^[^\n]+/, "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=")));
  }, vault.keys.logSigner);
  assert.match((await verifyBundle(bad)).failures.join("\n"), /log rewritten: log\/checkpoints\/\d+ is not consistent/);
});

test("hostile bundles are refused with clear errors", async () => {
  const dir = t.dir;
  const make = async (add: (z: yazl.ZipFile) => void): Promise<Buffer> => {
    const z = new yazl.ZipFile();
    add(z);
    z.end();
    const parts: Buffer[] = [];
    for await (const c of z.outputStream as AsyncIterable<Buffer>) parts.push(c);
    return Buffer.concat(parts);
  };
  const bomb = join(dir, "bomb.zip");
  writeFileSync(bomb, await make((z) => z.addBuffer(Buffer.alloc(50 * 1024 * 1024), "bundle.json", { compress: true })));
  assert.match((await verifyBundle(bomb)).failures.join(), /zip bomb/);
  const traversal = join(dir, "traversal.zip");
  const tz = await make((z) => z.addBuffer(Buffer.from("x"), "aa/aa/evil.txt"));
  writeFileSync(traversal, Buffer.from(tz.toString("latin1").replaceAll("aa/aa/evil.txt", "../../evil.txt"), "latin1"));
  assert.match((await verifyBundle(traversal)).failures.join(), /path traversal in archive: .*\.\.\/\.\.\/evil\.txt/);
  const huge = join(dir, "huge.zip");
  writeFileSync(huge, await make((z) => z.addBuffer(Buffer.alloc(2 * 1024 * 1024, 7), "items/x/blobs/big", { compress: false })));
  assert.match((await verifyBundle(huge, { limits: { maxEntries: 10, maxEntryBytes: 1024 * 1024, maxTotalBytes: 1e9, maxRatio: 200, keepBytes: 1e6 } })).failures.join(), /declares 2097152 bytes, more than the limit/);
  const truncated = join(dir, "truncated.zip");
  writeFileSync(truncated, readFileSync(bundle).subarray(0, 5000));
  assert.match((await verifyBundle(truncated)).failures.join(), /not a readable zip archive/);
  const notZip = join(dir, "not.zip");
  writeFileSync(notZip, "hello");
  assert.match((await verifyBundle(notZip)).failures.join(), /not a readable zip archive/);
});

test("a changed byte inside a large stored blob is named too", async () => {
  const big = join(t.dir, "big.bin");
  writeFileSync(big, Buffer.alloc(9 * 1024 * 1024, 0x5a));
  const v = await Vault.open({ dataDir: join(t.dir, "bigdata") });
  const { item } = await v.addFile(big, { actor: "tester" });
  const out = join(t.dir, "big.zip");
  await exportBundle(v, out, { all: true, actor: "tester" });
  assert.deepEqual((await verifyBundle(out)).failures, []);
  const name = `items/${item.id}/blobs/${item.original.digest.slice(7)}`;
  const range = (await entryDataRanges(out)).find((r) => r.name === name)!;
  const bytes = readFileSync(out);
  bytes[range.start + 5_000_000] = 0x00;
  const bad = join(t.dir, "big-bad.zip");
  writeFileSync(bad, bytes);
  const rep = await verifyBundle(bad);
  assert.ok(rep.failures.some((f) => f.startsWith(`${name}: content changed`)), rep.failures.join(" | "));
});
