import { test } from "node:test";
import assert from "node:assert/strict";
import { statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import Fastify from "fastify";
import { Vault, captureUrl, checkLiveness, exportBundle, verifyBundle, rotateLogKey, retiredKeyFiles, openNote, parseVerifierKey, parseCheckpoint, hashLeaf, decodeEntryBundle, MerkleTree, vaultRoutes } from "../../src/vault/index.ts";
import { tempDir } from "./helpers.ts";
import { startFixtureServer } from "./fixture-server.ts";

test("keys are created on first use with 0600 files in a 0700 folder, and reused", async () => {
  const t = tempDir();
  try {
    const a = await Vault.open({ dataDir: t.dir, origin: "vigil.test/keys" });
    const dir = join(t.dir, "vault", "keys");
    assert.equal(statSync(dir).mode & 0o777, 0o700);
    assert.equal(statSync(join(dir, "log-ed25519.json")).mode & 0o777, 0o600);
    assert.equal(statSync(join(dir, "wacz-ecdsa-p384.pem")).mode & 0o777, 0o600);
    const b = await Vault.open({ dataDir: t.dir, origin: "vigil.test/keys" });
    assert.equal(a.keys.logKeys[0]!.vkey, b.keys.logKeys[0]!.vkey);
    await assert.rejects(Vault.open({ dataDir: t.dir, origin: "other.example/log" }), /made for origin vigil\.test\/keys/);
  } finally {
    t.cleanup();
  }
});

test("key rotation: old checkpoints and bundles still verify with the old key, which stays listed", async () => {
  const t = tempDir();
  try {
    const file = join(t.dir, "note.txt");
    writeFileSync(file, "synthetic document for rotation test\n");
    const v1 = await Vault.open({ dataDir: join(t.dir, "d"), origin: "vigil.test/rot" });
    await v1.addFile(file, { actor: "tester" });
    const oldCheckpoint = (await v1.log.latestCheckpoint())!;
    const oldBundle = join(t.dir, "old.zip");
    await exportBundle(v1, oldBundle, { all: true, actor: "tester" });
    const oldKey = v1.keys.logKeys[0]!.vkey;

    const keys = await rotateLogKey(join(t.dir, "d"), "vigil.test/rot");
    assert.notEqual(keys.logKeys[0]!.vkey, oldKey);
    assert.equal(keys.logKeys[1]!.vkey, oldKey);
    assert.ok(keys.logKeys[1]!.retired);
    assert.equal((await retiredKeyFiles(join(t.dir, "d"))).length, 1);

    const v2 = await Vault.open({ dataDir: join(t.dir, "d"), origin: "vigil.test/rot" });
    await v2.addFile(file, { actor: "tester", notes: "second copy" });
    // The old checkpoint verifies with the old key, the log still extends it.
    assert.equal(openNote(oldCheckpoint, v2.keys.logVerifiers).verifiedBy[0]!.publicKey.equals(parseVerifierKey(oldKey).publicKey), true);
    assert.deepEqual(v2.log.verifyCheckpoint(oldCheckpoint, v2.keys.logVerifiers), { size: 1 });
    // The new key alone does not verify the old checkpoint.
    assert.throws(() => openNote(oldCheckpoint, [v2.keys.logVerifiers[0]!]), /no signature by a known key/);
    // Old bundle: fine with its own keys, and with both published keys pinned.
    assert.deepEqual((await verifyBundle(oldBundle, { trustedKeys: v2.keys.logKeys.map((k) => k.vkey) })).failures, []);
    // New bundle carries both keys; its old checkpoints verify with the old key.
    const newBundle = join(t.dir, "new.zip");
    await exportBundle(v2, newBundle, { all: true, actor: "tester" });
    const rep = await verifyBundle(newBundle, { trustedCheckpoint: oldCheckpoint });
    assert.deepEqual(rep.failures, []);
  } finally {
    t.cleanup();
  }
});

test("liveness: a page that changes and then disappears is recorded as custody events", async () => {
  const fx = await startFixtureServer({ "/statement": { type: "text/html", body: "<html><head><title>Statement</title></head><body><p>Synthetic statement, first version, with enough words to count as content.</p></body></html>" } });
  const t = tempDir();
  try {
    const vault = await Vault.open({ dataDir: t.dir });
    const cap = await captureUrl(vault, `${fx.base}/statement`, { actor: "tester", allowPrivate: true });
    assert.equal(cap.ok, true);
    let r = await checkLiveness(vault, { allowPrivate: true });
    assert.deepEqual(r.map((x) => [x.state, x.recorded]), [["unchanged", false]]);
    fx.pages["/statement"] = { type: "text/html", body: "<html><head><title>Statement</title></head><body><p>Synthetic statement, edited to say something else entirely now.</p></body></html>" };
    r = await checkLiveness(vault, { allowPrivate: true });
    assert.deepEqual(r.map((x) => [x.state, x.recorded]), [["changed", true]]);
    r = await checkLiveness(vault, { allowPrivate: true });
    assert.deepEqual(r.map((x) => [x.state, x.recorded]), [["unchanged", false]]);
    delete fx.pages["/statement"];
    r = await checkLiveness(vault, { allowPrivate: true });
    assert.deepEqual(r.map((x) => [x.state, x.status, x.recorded]), [["gone", 404, true]]);
    r = await checkLiveness(vault, { allowPrivate: true });
    assert.equal(r[0]!.recorded, false, "a page already gone is not recorded again");
    const types = (await vault.custody(cap.item!.id)).map((c) => c.event.type);
    assert.deepEqual(types, ["captured", "liveness_changed", "liveness_gone"]);
  } finally {
    await fx.close();
    t.cleanup();
  }
});

test("routes: well-known key, checkpoint and tiles that reproduce the signed root", async () => {
  const t = tempDir();
  try {
    const vault = await Vault.open({ dataDir: t.dir, origin: "vigil.test/routes" });
    const file = join(t.dir, "f.txt");
    for (let i = 0; i < 3; i++) {
      writeFileSync(file, `synthetic file ${i}\n`);
      await vault.addFile(file, { actor: "tester" });
    }
    const app = Fastify();
    await app.register(vaultRoutes, { vault });
    const key = await app.inject({ url: "/.well-known/vigil-log-key" });
    assert.equal(key.statusCode, 200);
    assert.equal(key.body.trim(), vault.keys.logKeys[0]!.vkey);
    const cp = await app.inject({ url: "/log/checkpoint" });
    const { text } = openNote(cp.body, [parseVerifierKey(key.body.trim())]);
    const checkpoint = parseCheckpoint(text);
    assert.equal(checkpoint.size, 3);
    const tile = await app.inject({ url: `/log/tile/0/000.p/3` });
    assert.equal(tile.statusCode, 200);
    const bundle = await app.inject({ url: `/log/tile/entries/000.p/3` });
    const entries = decodeEntryBundle(bundle.rawPayload);
    const mirror = new MerkleTree();
    entries.forEach((e, i) => {
      assert.deepEqual(hashLeaf(e), tile.rawPayload.subarray(i * 32, (i + 1) * 32));
      mirror.append(e);
    });
    assert.deepEqual(mirror.root(), checkpoint.rootHash);
    assert.equal((await app.inject({ url: "/log/tile/0/000.p/2" })).statusCode, 404);
    assert.equal((await app.inject({ url: "/log/tile/0/000" })).statusCode, 404);
    assert.equal((await app.inject({ url: "/log/tile/0/../../etc" })).statusCode, 404);
    await app.close();
  } finally {
    t.cleanup();
  }
});
