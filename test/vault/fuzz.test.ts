// Property-based hostile-input checks: mutated WARC files and bundles never
// crash the readers and never pass as intact.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import fc from "fast-check";
import { Vault, checkWarc, exportBundle, verifyBundle, writeWarc } from "../../src/vault/index.ts";
import { VigilError } from "../../src/core/errors.ts";
import { tempDir } from "./helpers.ts";

test("mutated WARC files are either read or refused with an integrity error, never a crash", async () => {
  const warc = await writeWarc({
    software: "test",
    exchanges: [{ url: "http://example.invalid/", method: "GET", httpVersion: "1.1", requestHeaders: [["Host", "example.invalid"]], status: 200, statusText: "OK", responseHeaders: [["Content-Type", "text/plain"]], body: Buffer.from("synthetic body ".repeat(20)), date: new Date(0) }],
  });
  await fc.assert(
    fc.asyncProperty(fc.integer({ min: 0, max: warc.length - 1 }), fc.integer({ min: 1, max: 255 }), fc.integer({ min: 0, max: warc.length }), async (at, x, cut) => {
      const b = Buffer.from(warc.subarray(0, Math.max(cut, at + 1)));
      b[at] = b[at]! ^ x;
      try {
        await checkWarc([b]);
      } catch (err) {
        assert.ok(err instanceof VigilError, String(err));
      }
    }),
    { numRuns: 150 },
  );
});

test("randomly mutated bundles never verify and never crash the verifier", async () => {
  const t = tempDir();
  try {
    const v = await Vault.open({ dataDir: join(t.dir, "d") });
    writeFileSync(join(t.dir, "a.txt"), "synthetic evidence\n");
    await v.addFile(join(t.dir, "a.txt"), { actor: "tester" });
    const out = join(t.dir, "b.zip");
    await exportBundle(v, out, { all: true, actor: "tester" });
    const bundle = readFileSync(out);
    const bad = join(t.dir, "bad.zip");
    await fc.assert(
      fc.asyncProperty(fc.array(fc.tuple(fc.integer({ min: 0, max: bundle.length - 1 }), fc.integer({ min: 1, max: 255 })), { minLength: 1, maxLength: 4 }), async (flips) => {
        const b = Buffer.from(bundle);
        for (const [at, x] of flips) b[at] = b[at]! ^ x;
        writeFileSync(bad, b);
        const r = await verifyBundle(bad);
        assert.equal(r.ok, false);
        assert.ok(r.failures.length > 0);
      }),
      { numRuns: 60 },
    );
  } finally {
    t.cleanup();
  }
});
