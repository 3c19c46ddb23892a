// The vault's routes in the real application on 127.0.0.1: the public log,
// and the staff JSON routes (upload, item read, capture requests) under the
// policy, with hostile uploads.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { readdirSync, existsSync } from "node:fs";
import { join } from "node:path";
import { crc32 } from "node:zlib";
import sharp from "sharp";
import { addGrant, auditSink, createApiToken, createUser } from "../../src/accounts/index.ts";
import { SYSTEM, makeCtx } from "../../src/core/context.ts";
import { jobHandlers, runWorker } from "../../src/worker/index.ts";
import { hashLeaf, openNote, parseTlogProof, parseVerifierKey, parseCheckpoint, verifyInclusion, type Item } from "../../src/vault/index.ts";
import { startApp, type RunningApp } from "../helpers/app.ts";
import { staff } from "../helpers/staff.ts";
import { startFixtureServer } from "./fixture-server.ts";
import { makeSource } from "./vault-fixture.ts";

const API = "/api/v1/vault";
let app: RunningApp;
let fx: Awaited<ReturnType<typeof startFixtureServer>>;
let sourceId: string;
/** Personal API tokens of synthetic staff, by name. */
const TOKENS: Record<string, string> = {};
const USERS: Record<string, string> = {};

before(async () => {
  fx = await startFixtureServer();
  app = await startApp({ env: { VIGIL_CAPTURE_ALLOW_PRIVATE: "1", VIGIL_UPLOAD_MAX_MB: "1", VIGIL_LIVENESS_HOURS: "0" } });
  const sys = makeCtx(app.deps.store, { ...SYSTEM, id: "system:test" }, { audit: auditSink });
  sourceId = await makeSource(sys, "Synthetic source for the HTTP tests");
  // Admins may read every restricted item (a role grant), when their token carries `restricted`.
  await addGrant(sys, { subjectType: "role", subject: "admin", target: "*" });
  for (const [name, role, scopes] of [
    ["tok-editor", "editor", ["read", "write"]],
    ["tok-editor-read", "editor", ["read"]],
    ["tok-viewer", "viewer", ["read"]],
    ["tok-admin", "admin", ["read", "write", "export", "restricted"]],
  ] as const) {
    const user = await createUser(sys, { email: `${name}@example.org`, role });
    USERS[name] = user.id;
    TOKENS[name] = (await createApiToken(makeCtx(app.deps.store, { id: user.id, role }, { audit: auditSink }), { name, scopes: [...scopes], days: 1 })).token;
  }
});
after(async () => {
  await app.close();
  await fx.close();
});

const auth = (token?: string): Record<string, string> => (token ? { authorization: `Bearer ${TOKENS[token] ?? token}` } : {});

function form(file: { name: string; body: Buffer; type?: string } | undefined, fields: [string, string][] = [], extraFiles: { name: string; body: Buffer }[] = []): FormData {
  const f = new FormData();
  for (const [k, v] of fields) f.append(k, v);
  if (file) f.append("file", new Blob([new Uint8Array(file.body)], { type: file.type ?? "application/octet-stream" }), file.name);
  for (const x of extraFiles) f.append("file", new Blob([new Uint8Array(x.body)]), x.name);
  return f;
}

async function upload(token: string | undefined, body: FormData): Promise<{ status: number; json: { item?: Item; error?: { code: string; message: string } } }> {
  const res = await fetch(`${app.url}${API}/items`, { method: "POST", headers: auth(token), body });
  return { status: res.status, json: (await res.json()) as { item?: Item; error?: { code: string; message: string } } };
}

async function itemCount(): Promise<number> {
  const r = await app.deps.store.db.withTables<{ vault_items: { id: string } }>().selectFrom("vault_items").select("id").execute();
  return r.length;
}

function blobFiles(): string[] {
  const root = join(app.deps.store.dataDir, "vault", "blobs", "sha256");
  if (!existsSync(root)) return [];
  return readdirSync(root).flatMap((d) => readdirSync(join(root, d)).map((f) => d + f));
}

const incoming = (): string[] => {
  const dir = join(app.deps.store.dataDir, "vault", "blobs", "incoming");
  return existsSync(dir) ? readdirSync(dir) : [];
};

test("the public log: the key at the well-known URL and a signed checkpoint, fetchable cross-origin", async () => {
  const key = await fetch(`${app.url}/.well-known/vigil-log-key`);
  assert.equal(key.status, 200);
  const vkey = (await key.text()).trim();
  const cp = await fetch(`${app.url}/log/checkpoint`);
  assert.equal(cp.status, 200);
  assert.equal(cp.headers.get("access-control-allow-origin"), "*");
  assert.equal(cp.headers.get("cross-origin-resource-policy"), "cross-origin");
  const parsed = parseCheckpoint(openNote(await cp.text(), [parseVerifierKey(vkey)]).text);
  assert.equal(parsed.origin, "vigil.invalid/vault");
});

test("staff routes refuse anyone without a staff role, and read nothing of the body", async () => {
  const before = blobFiles().length;
  const anon = await upload(undefined, form({ name: "a.txt", body: Buffer.from("synthetic") }));
  assert.equal(anon.status, 401);
  assert.equal(anon.json.error?.code, "unauthenticated");
  const viewer = await upload("tok-viewer", form({ name: "a.txt", body: Buffer.from("synthetic") }));
  assert.equal(viewer.status, 403);
  const narrow = await upload("tok-editor-read", form({ name: "a.txt", body: Buffer.from("synthetic") }));
  assert.equal(narrow.status, 403, "an editor's token without the write scope");
  const logged = await app.deps.store.db.withTables<{ audit_log: { action: string; target_id: string | null } }>().selectFrom("audit_log").select("target_id").where("action", "=", "access.denied").execute();
  assert.ok(logged.filter((r) => r.target_id === `POST ${API}/items`).length >= 3, "every refusal is in the audit log");
  assert.equal(blobFiles().length, before);
  assert.equal((await fetch(`${app.url}${API}/items/itm_0000000000aaaaaaaaaaaaaaaa`)).status, 401);
  const cap = await fetch(`${app.url}${API}/captures`, { method: "POST", headers: { ...auth("tok-viewer"), "content-type": "application/json" }, body: JSON.stringify({ url: `${fx.base}/article` }) });
  assert.equal(cap.status, 403);
  // A workspace session may use these routes too, with its CSRF token.
  const editor = await staff(app.deps.store, app.url, "editor", "session-editor");
  const noCsrf = await editor.request("POST", `${API}/captures`, { url: `${fx.base}/gone` }, { json: true, csrf: false });
  assert.equal(noCsrf.status, 403);
  const withCsrf = await editor.request("POST", `${API}/captures`, { url: `${fx.base}/gone` }, { json: true });
  assert.equal(withCsrf.status, 202, withCsrf.text);
});

test("an editor uploads a photo: original kept, public copy without GPS, Source linked; a viewer reads it with custody and receipt", async () => {
  const photo = await sharp({ create: { width: 40, height: 30, channels: 3, background: "#335577" } })
    .withExif({ IFD0: { Artist: "Synthetic Author" }, IFD3: { GPSLatitudeRef: "N", GPSLatitude: "35/1 41/1 0/1" } })
    .jpeg()
    .toBuffer();
  const r = await upload("tok-editor", form({ name: "photo.jpg", body: photo, type: "image/jpeg" }, [["sourceId", sourceId], ["notes", "received from a relative"], ["title", "Synthetic photo"]]));
  assert.equal(r.status, 201, JSON.stringify(r.json));
  const item = r.json.item!;
  assert.equal(item.original.mediaType, "image/jpeg");
  assert.equal(item.original.size, photo.length);
  assert.deepEqual(item.sourceIds, [sourceId]);
  assert.deepEqual(item.derived.map((d) => d.role).sort(), ["public_copy", "thumbnail"]);

  const res = await fetch(`${app.url}${API}/items/${item.id}`, { headers: auth("tok-viewer") });
  assert.equal(res.status, 200);
  const view = (await res.json()) as { sources: { id: string }[]; custody: { index: number; event: { type: string; actor: string; notes?: string } }[]; receipt: { checkpoint: string; keys: string[]; events: { index: number; entry: string; proof: string }[] } };
  assert.deepEqual(view.sources.map((s) => s.id), [sourceId]);
  assert.deepEqual(view.custody.map((c) => c.event.type), ["acquired", "derived", "linked"]);
  assert.equal(view.custody[0]!.event.actor, USERS["tok-editor"], "the custody record names the signed-in user");
  assert.equal(view.custody[0]!.event.notes, "received from a relative");
  // The receipt proves each event against the signed checkpoint with the published key.
  const cp = parseCheckpoint(openNote(view.receipt.checkpoint, view.receipt.keys.map(parseVerifierKey)).text);
  for (const e of view.receipt.events) {
    const proof = parseTlogProof(e.proof);
    assert.doesNotThrow(() => verifyInclusion(proof.index, cp.size, hashLeaf(Buffer.from(e.entry)), proof.proof, cp.rootHash));
  }
  const tile = await fetch(`${app.url}/log/tile/0/000.p/${cp.size}`);
  assert.equal(tile.status, 200);
  // Anyone may fetch hash tiles; the entries (custody records) need access to everything.
  assert.equal((await fetch(`${app.url}/log/tile/entries/000.p/${cp.size}`)).status, 401);
  assert.equal((await fetch(`${app.url}/log/tile/entries/000.p/${cp.size}`, { headers: auth("tok-viewer") })).status, 403);
  assert.equal((await fetch(`${app.url}/log/tile/entries/000.p/${cp.size}`, { headers: auth("tok-admin") })).status, 200);
});

test("hostile uploads: too large, two files, path tricks in the name, a decompression bomb, not multipart, unknown fields", async () => {
  const items = await itemCount();
  const blobs = blobFiles().length;
  // Over the 1 MiB limit: refused with a clear error, nothing kept.
  const big = await upload("tok-editor", form({ name: "big.bin", body: Buffer.alloc(1024 * 1024 + 10, 1) }));
  assert.equal(big.status, 413);
  assert.match(big.json.error?.message ?? "", /exceeds the upload limit of 1048576 bytes; nothing was stored/);
  assert.equal(await itemCount(), items);
  assert.equal(blobFiles().length, blobs);
  assert.deepEqual(incoming(), []);

  const two = await upload("tok-editor", form({ name: "a.txt", body: Buffer.from("first synthetic file") }, [], [{ name: "b.txt", body: Buffer.from("second synthetic file") }]));
  assert.equal(two.status, 400);
  assert.match(two.json.error?.message ?? "", /one file per upload/);
  assert.equal(await itemCount(), items);

  const tricky = await upload("tok-editor", form({ name: "../../etc/\u202epasswd\u0007", body: Buffer.from("synthetic file with a hostile name") }));
  assert.equal(tricky.status, 201);
  assert.equal(tricky.json.item!.original.filename, "passwd");
  assert.ok(!existsSync(join(app.deps.store.dataDir, "etc")));

  // A PNG that claims 100,000 × 100,000 pixels: kept as an original, no copies made.
  const png = await sharp({ create: { width: 1, height: 1, channels: 3, background: "#000" } }).png().toBuffer();
  const ihdr = png.indexOf("IHDR");
  png.writeUInt32BE(100_000, ihdr + 4);
  png.writeUInt32BE(100_000, ihdr + 8);
  png.writeUInt32BE(crc32(png.subarray(ihdr, ihdr + 17)), ihdr + 17);
  const bomb = await upload("tok-editor", form({ name: "bomb.png", body: png }));
  assert.equal(bomb.status, 201);
  assert.equal(bomb.json.item!.original.mediaType, "image/png");
  assert.deepEqual(bomb.json.item!.derived, []);

  const json = await fetch(`${app.url}${API}/items`, { method: "POST", headers: { ...auth("tok-editor"), "content-type": "application/json" }, body: "{}" });
  assert.equal(json.status, 415);
  const unknown = await upload("tok-editor", form({ name: "a.txt", body: Buffer.from("synthetic") }, [["owner", "x"]]));
  assert.equal(unknown.status, 400);
  assert.match(unknown.json.error?.message ?? "", /unknown field "owner"/);
  const noSource = await upload("tok-editor", form({ name: "a.txt", body: Buffer.from("synthetic") }, [["sourceId", "src_missing"]]));
  assert.equal(noSource.status, 400);
  assert.deepEqual(incoming(), []);
});

test("a restricted item is not found for staff without a grant, and readable with one", async () => {
  const r = await upload("tok-editor", form({ name: "witness.txt", body: Buffer.from("synthetic restricted note") }, [["confidentiality", "restricted"]]));
  assert.equal(r.status, 201);
  const id = r.json.item!.id;
  assert.equal((await fetch(`${app.url}${API}/items/${id}`, { headers: auth("tok-viewer") })).status, 404);
  assert.equal((await fetch(`${app.url}${API}/items/${id}`, { headers: auth("tok-editor") })).status, 404);
  assert.equal((await fetch(`${app.url}${API}/items/${id}`, { headers: auth("tok-admin") })).status, 200);
});

test("a capture is requested over HTTP and run by the worker", async () => {
  const bad = await fetch(`${app.url}${API}/captures`, { method: "POST", headers: { ...auth("tok-editor"), "content-type": "application/json" }, body: JSON.stringify({ url: 42 }) });
  assert.equal(bad.status, 400);
  const res = await fetch(`${app.url}${API}/captures`, { method: "POST", headers: { ...auth("tok-editor"), "content-type": "application/json" }, body: JSON.stringify({ url: `${fx.base}/article`, sourceIds: [sourceId] }) });
  assert.equal(res.status, 202);
  const req = (await res.json()) as { id: string; status: string };
  assert.equal(req.status, "queued");
  assert.equal(res.headers.get("location"), `${API}/captures/${req.id}`);
  const stop = new AbortController();
  const worker = runWorker(app.deps.store, jobHandlers, { signal: stop.signal, idleMs: 30 });
  try {
    let state = { status: "queued", itemId: null as string | null };
    for (let i = 0; i < 300 && !["done", "failed", "flagged"].includes(state.status); i++) {
      await new Promise((r) => setTimeout(r, 50));
      state = (await (await fetch(`${app.url}${API}/captures/${req.id}`, { headers: auth("tok-viewer") })).json()) as typeof state;
    }
    assert.equal(state.status, "done");
    const item = (await (await fetch(`${app.url}${API}/items/${state.itemId}`, { headers: auth("tok-viewer") })).json()) as { item: Item };
    assert.deepEqual(item.item.sourceIds, [sourceId]);
  } finally {
    stop.abort();
    await worker;
  }
});
