import { test } from "node:test";
import assert from "node:assert/strict";
import { readdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { blobStoreContract } from "./blob-store-contract.ts";
import { LocalBlobStore, hashFile } from "../../src/vault/index.ts";
import { tempDir } from "./helpers.ts";

blobStoreContract("local", async () => {
  const t = tempDir();
  const store = new LocalBlobStore(join(t.dir, "blobs"));
  return { store, cleanup: t.cleanup, listTemp: async () => readdir(join(t.dir, "blobs", "incoming")).catch(() => []) };
});

test("local blob store: a blob changed on disk fails its check", async () => {
  const t = tempDir();
  try {
    const store = new LocalBlobStore(t.dir);
    const info = await store.put(Buffer.from("original bytes"));
    await writeFile(store.localPath(info.digest), "changed bytes");
    assert.equal(await store.check(info.digest), false);
    assert.equal((await hashFile(store.localPath(info.digest))).size, 13);
  } finally {
    t.cleanup();
  }
});
