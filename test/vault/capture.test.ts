// WARC reader check against ../shared/data/web-archive/warcio-js/example.warc and the
// WACZ signature check against ../shared/data/web-archive/js-wacz/authsign-response.json
// (see that folder's PROVENANCE.md for the expected values used here).
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { readdir } from "node:fs/promises";
import { join } from "node:path";
import { gunzipSync } from "node:zlib";
import { Vault, captureJob, captureUrl, checkSignedData, checkWacz, checkWarc, isPrivateAddress, readZip, type SignedData } from "../../src/vault/index.ts";
import { VigilError } from "../../src/core/errors.ts";
import { noChromium, sharedData, tempDir } from "./helpers.ts";
import { startFixtureServer } from "./fixture-server.ts";

let fx: Awaited<ReturnType<typeof startFixtureServer>>;
before(async () => {
  fx = await startFixtureServer();
});
after(async () => {
  await fx.close();
});

test("the WARC reader gives the documented offsets and lengths and checks every digest in warcio's sample", async (t) => {
  const p = sharedData("web-archive/warcio-js/example.warc");
  if (!p) return t.skip("shared web-archive fixtures not found");
  const buf = readFileSync(p);
  const recs = await checkWarc([buf]);
  assert.deepEqual(recs.map((r) => [r.type, r.offset, r.length]), [
    ["warcinfo", 0, 488], ["warcinfo", 488, 709], ["response", 1197, 1369], ["request", 2566, 804],
    ["revisit", 3370, 946], ["request", 4316, 804], ["metadata", 5120, 433],
  ]);
  assert.deepEqual(recs[2]!.digestsChecked, ["block", "payload"]);
  assert.deepEqual(recs[6]!.digestsChecked, ["block", "payload"]);
  await assert.rejects(checkWarc([buf.subarray(0, 2000)]), /record 3 \(response\) at offset 1197 is truncated/);
  const flipped = Buffer.from(buf);
  flipped[1197 + 1300] = flipped[1197 + 1300]! ^ 0x20; // inside the response body
  await assert.rejects(checkWarc([flipped]), /record 3 \(response\).*digest/);
});

test("WACZ signatures: the authsign domain signature verifies, its wrong domain is reported, a changed hash fails", (t) => {
  const p = sharedData("web-archive/js-wacz/authsign-response.json");
  if (!p) return t.skip("shared web-archive fixtures not found");
  const sd = JSON.parse(readFileSync(p, "utf8")) as SignedData;
  const asIs = checkSignedData(sd);
  assert.equal(asIs.kind, "domain");
  assert.equal(asIs.valid, false);
  assert.equal(asIs.problems.length, 1);
  assert.match(asIs.problems[0]!, /domain "example.com" does not match/);
  const patched = checkSignedData({ ...sd, domain: "authsign-01.lil.tools" });
  assert.deepEqual(patched.problems, []);
  assert.equal(patched.valid, true);
  assert.equal(patched.timestamp, "not checked");
  const tampered = checkSignedData({ ...sd, domain: "authsign-01.lil.tools", hash: sd.hash.replace(/.$/, "e") });
  assert.match(tampered.problems.join(), /signature does not verify/);
});

test("private, loopback and special addresses are recognised", () => {
  for (const a of ["127.0.0.1", "10.1.2.3", "172.16.0.1", "192.168.1.1", "169.254.169.254", "::1", "fd00::1", "fe80::1", "::ffff:127.0.0.1", "0.0.0.0", "100.64.0.1"]) assert.equal(isPrivateAddress(a), true, a);
  for (const a of ["8.8.8.8", "1.1.1.1", "2606:4700:4700::1111"]) assert.equal(isPrivateAddress(a), false, a);
});

test("raw capture: WARC 1.1 with request and response records, redirect hops kept, one custody event", async () => {
  const t = tempDir();
  try {
    const vault = await Vault.open({ dataDir: t.dir });
    await assert.rejects(captureUrl(vault, `${fx.base}/article`, { actor: "tester" }), (e: unknown) => e instanceof VigilError && e.code === "forbidden");
    const r = await captureUrl(vault, `${fx.base}/old`, { actor: "tester", allowPrivate: true });
    assert.equal(r.ok, true, r.reasons.join());
    assert.equal(r.status, 200);
    assert.equal(r.finalUrl, `${fx.base}/article`);
    assert.equal(r.title, "Synthetic editorial");
    const item = r.item!;
    const warc = readFileSync(vault.blobs.localPath(item.original.digest));
    const recs = await checkWarc([warc]);
    assert.deepEqual(recs.map((x) => x.type), ["warcinfo", "response", "request", "response", "request"]);
    assert.ok(recs.every((x) => x.version === "WARC/1.1"));
    assert.ok(recs.filter((x) => x.type === "response").every((x) => x.digestsChecked.includes("payload")));
    // The gzip body is kept exactly as sent.
    assert.match(gunzipSync(warc).toString("latin1"), /Content-Encoding: gzip/);
    const custody = await vault.custody(item.id);
    assert.equal(custody.length, 1);
    assert.equal(custody[0]!.event.type, "captured");
    assert.equal(custody[0]!.event.hashes.original, item.original.digest);
    assert.equal(custody[0]!.event.sourceUrl, `${fx.base}/old`);
  } finally {
    t.cleanup();
  }
});

test("flagged captures (login wall, bot challenge, empty, 404) are never a success and leave no item unless kept", async () => {
  const t = tempDir();
  try {
    const vault = await Vault.open({ dataDir: t.dir });
    const expected: Record<string, string> = { "/login": "login_wall", "/challenge": "bot_challenge", "/empty": "empty", "/gone": "http_error" };
    for (const [path, flag] of Object.entries(expected)) {
      const r = await captureUrl(vault, `${fx.base}${path}`, { actor: "tester", allowPrivate: true });
      assert.equal(r.ok, false, path);
      assert.ok(r.flags.includes(flag as never), `${path}: ${r.flags.join()}`);
      assert.equal(r.item, undefined);
    }
    assert.deepEqual(await vault.items.list(), []);
    assert.equal(vault.log.size, 0);
    const kept = await captureUrl(vault, `${fx.base}/gone`, { actor: "tester", allowPrivate: true, keepFlagged: true });
    assert.equal(kept.ok, false);
    assert.deepEqual(kept.item!.flags, ["http_error"]);
    assert.match((await vault.custody(kept.item!.id))[0]!.event.notes ?? "", /flagged: the server answered 404/);
  } finally {
    t.cleanup();
  }
});

test("a capture that cannot connect leaves nothing behind", async () => {
  const t = tempDir();
  try {
    const vault = await Vault.open({ dataDir: t.dir });
    const dead = await startFixtureServer();
    await dead.close();
    await assert.rejects(captureUrl(vault, `${dead.base}/article`, { actor: "tester", allowPrivate: true }), (e: unknown) => e instanceof VigilError && e.code === "import_failed");
    assert.deepEqual(await vault.items.list(), []);
    assert.equal(vault.log.size, 0);
    assert.deepEqual(await readdir(join(t.dir, "vault", "blobs", "incoming")).catch(() => []), []);
  } finally {
    t.cleanup();
  }
});

test("rendered capture: signed WACZ 1.1.1 with every exchange, screenshot, DOM after scripts and page text", async (ctx) => {
  const why = noChromium();
  if (why) return ctx.skip(why);
  const t = tempDir();
  try {
    const vault = await Vault.open({ dataDir: t.dir });
    const r = await captureUrl(vault, `${fx.base}/article`, { actor: "tester", allowPrivate: true, rendered: true });
    assert.equal(r.ok, true, r.reasons.join());
    const item = r.item!;
    assert.equal(item.original.mediaType, "application/wacz");
    const waczPath = vault.blobs.localPath(item.original.digest);
    const check = await checkWacz(waczPath, { requireSignature: true });
    assert.deepEqual(check.files, ["archive/data.warc.gz", "datapackage-digest.json", "datapackage.json", "indexes/index.cdxj", "pages/pages.jsonl"]);
    assert.equal(check.signature?.kind, "anonymous");
    assert.equal(check.pages[0]!.url, `${fx.base}/article`);
    const zip = await readZip(waczPath);
    const dp = JSON.parse(zip.get("datapackage.json")!.data!.toString()) as { wacz_version: string; resources: { path: string }[] };
    assert.equal(dp.wacz_version, "1.1.1");
    const cdxj = zip.get("indexes/index.cdxj")!.data!.toString();
    for (const path of ["/article", "/style.css", "/app.js", "/pixel.png"]) assert.match(cdxj, new RegExp(`${path.replace(".", "\\.")}`), `CDXJ lists ${path}`);
    const warc = gunzipSync(zip.get("archive/data.warc.gz")!.data!).toString("latin1");
    assert.match(warc, /WARC-Target-URI: urn:screenshot:/);
    assert.match(warc, /scripts ran/);
    const roles = item.derived.map((d) => d.role).sort();
    assert.deepEqual(roles, ["dom_snapshot", "page_text", "screenshot"]);
    const png = readFileSync(vault.blobs.localPath(item.derived.find((d) => d.role === "screenshot")!.digest));
    assert.equal(png.subarray(1, 4).toString(), "PNG");
    const text = readFileSync(vault.blobs.localPath(item.derived.find((d) => d.role === "page_text")!.digest), "utf8");
    assert.match(text, /scripts ran/);
    // Without the allowance a loopback page is refused before the browser starts.
    const blocked = await captureUrl(vault, `${fx.base}/private-embed`, { actor: "tester", rendered: true, allowPrivate: false }).catch((e: unknown) => e);
    assert.ok(blocked instanceof VigilError && blocked.code === "forbidden");
  } finally {
    t.cleanup();
  }
});

test("rendered capture flags a login wall", async (ctx) => {
  const why = noChromium();
  if (why) return ctx.skip(why);
  const t = tempDir();
  try {
    const vault = await Vault.open({ dataDir: t.dir });
    const r = await captureUrl(vault, `${fx.base}/login`, { actor: "tester", allowPrivate: true, rendered: true });
    assert.equal(r.ok, false);
    assert.deepEqual(r.flags, ["login_wall"]);
    assert.deepEqual(await vault.items.list(), []);
  } finally {
    t.cleanup();
  }
});

test("capture jobs retry network failures and succeed once the site answers", async () => {
  const t = tempDir();
  const { createServer } = await import("node:http");
  let hits = 0;
  const server = createServer((req, res) => {
    hits++;
    if (hits < 3) return req.socket.destroy(); // connection reset twice
    res.writeHead(200, { "Content-Type": "text/html" });
    res.end("<html><head><title>Flaky</title></head><body><p>A synthetic page that answers on the third try.</p></body></html>");
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  try {
    const vault = await Vault.open({ dataDir: t.dir });
    const { port } = server.address() as { port: number };
    const r = await captureJob(vault, `http://127.0.0.1:${port}/`, { actor: "worker", allowPrivate: true, attempts: 3, backoffMs: 10 });
    assert.equal(r.ok, true);
    assert.equal(r.attempts, 3);
    await assert.rejects(captureJob(vault, `http://127.0.0.1:${port}/`, { actor: "worker", attempts: 3, backoffMs: 10 }), (e: unknown) => e instanceof VigilError && e.code === "forbidden");
    assert.equal(hits, 3, "a refusal is not retried");
  } finally {
    server.close();
    t.cleanup();
  }
});
