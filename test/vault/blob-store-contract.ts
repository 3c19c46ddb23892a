// The contract every BlobStore implementation must pass. A new backend (an
// S3-compatible one, say) runs it with its own factory:
//   blobStoreContract("s3", async () => ({ store, cleanup }))
import { test } from "node:test";
import assert from "node:assert/strict";
import { createHash, randomBytes } from "node:crypto";
import { Readable } from "node:stream";
import type { BlobStore } from "../../src/vault/index.ts";
import { VigilError } from "../../src/core/errors.ts";

export type BlobStoreFactory = () => Promise<{ store: BlobStore; cleanup: () => Promise<void> | void; listTemp?: () => Promise<string[]> }>;

async function readAll(r: Readable): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const c of r as AsyncIterable<Buffer>) parts.push(c);
  return Buffer.concat(parts);
}

const sha = (b: Uint8Array): string => `sha256:${createHash("sha256").update(b).digest("hex")}`;

export function blobStoreContract(name: string, factory: BlobStoreFactory): void {
  const withStore = (title: string, fn: (s: BlobStore, listTemp?: () => Promise<string[]>) => Promise<void>): void => {
    test(`${name} blob store: ${title}`, async () => {
      const { store, cleanup, listTemp } = await factory();
      try {
        await fn(store, listTemp);
      } finally {
        await cleanup();
      }
    });
  };

  withStore("put returns the sha256 address and get streams the same bytes back", async (s) => {
    const data = randomBytes(3 * 1024 * 1024 + 17);
    const info = await s.put(Readable.from([data.subarray(0, 1000), data.subarray(1000)]));
    assert.equal(info.digest, sha(data));
    assert.equal(info.size, data.length);
    assert.equal(info.created, true);
    assert.deepEqual(await readAll(await s.get(info.digest)), data);
    assert.deepEqual(await s.stat(info.digest), { digest: info.digest, size: data.length });
    assert.equal(await s.check(info.digest), true);
  });

  withStore("the same content is stored once", async (s) => {
    const a = await s.put(Buffer.from("same"));
    const b = await s.put(Readable.from([Buffer.from("sa"), Buffer.from("me")]));
    assert.equal(a.digest, b.digest);
    assert.equal(b.created, false);
    const all: string[] = [];
    for await (const d of s.list()) all.push(d);
    assert.deepEqual(all, [a.digest]);
  });

  withStore("empty content is a valid blob", async (s) => {
    const info = await s.put(Buffer.alloc(0));
    assert.equal(info.digest, "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    assert.equal((await readAll(await s.get(info.digest))).length, 0);
  });

  withStore("content over the size limit is refused and nothing is kept", async (s, listTemp) => {
    await assert.rejects(s.put(Readable.from([randomBytes(600), randomBytes(600)]), { maxBytes: 1000 }), (e: unknown) => e instanceof VigilError && e.code === "too_large");
    const all: string[] = [];
    for await (const d of s.list()) all.push(d);
    assert.deepEqual(all, []);
    if (listTemp) assert.deepEqual(await listTemp(), []);
  });

  withStore("a wrong expected digest is refused and nothing is kept", async (s, listTemp) => {
    const data = Buffer.from("evidence");
    await assert.rejects(s.put(data, { expectedDigest: sha(Buffer.from("other")) }), (e: unknown) => e instanceof VigilError && e.code === "integrity");
    assert.equal(await s.stat(sha(data)), undefined);
    if (listTemp) assert.deepEqual(await listTemp(), []);
    const ok = await s.put(data, { expectedDigest: sha(data) });
    assert.equal(ok.digest, sha(data));
  });

  withStore("a source that fails mid-stream leaves nothing behind", async (s, listTemp) => {
    async function* failing(): AsyncIterable<Uint8Array> {
      yield Buffer.from("first part");
      throw new Error("connection reset");
    }
    await assert.rejects(s.put(failing()), /connection reset/);
    const all: string[] = [];
    for await (const d of s.list()) all.push(d);
    assert.deepEqual(all, []);
    if (listTemp) assert.deepEqual(await listTemp(), []);
  });

  withStore("unknown and malformed addresses", async (s) => {
    await assert.rejects(s.get(sha(Buffer.from("never stored"))), (e: unknown) => e instanceof VigilError && e.code === "not_found");
    assert.equal(await s.stat(sha(Buffer.from("never stored"))), undefined);
    for (const bad of ["sha256:../../etc/passwd", "md5:abc", `sha256:${"A".repeat(64)}`, ""]) {
      await assert.rejects(s.get(bad), (e: unknown) => e instanceof VigilError && e.code === "validation", bad);
    }
  });
}
