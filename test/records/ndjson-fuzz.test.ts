import { test } from "node:test";
import assert from "node:assert/strict";
import { Readable } from "node:stream";
import fc from "fast-check";
import { freshStore } from "../helpers/store.ts";
import { makeCtx, SYSTEM } from "../../src/core/context.ts";
import { VigilError } from "../../src/core/errors.ts";
import { importNdjson, exportNdjson } from "../../src/records/index.ts";
import { loadDemo } from "../../src/demo/index.ts";

test("hostile import files are refused with a clear error and leave nothing behind", async () => {
  const source = await freshStore("sqlite");
  const target = await freshStore("sqlite");
  try {
    await loadDemo(source.store, { people: 5 });
    const lines: string[] = [];
    for await (const l of exportNdjson(makeCtx(source.store, SYSTEM))) lines.push(l);
    const ctx = makeCtx(target.store, SYSTEM);
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: lines.length - 1 }),
        fc.oneof(fc.string({ maxLength: 60 }), fc.json({ maxDepth: 3 }), fc.constantFrom("null", "[]", "42", '{"type":"change","vigil":{"entity_id":5}}', '{"type":"merge","vigil":null}', '{"type":"vocab_term","vocabulary":"x","code":{}}', '{"type":"source","vigil":{"id":"src_x","type":"source","status":"draft","confidentiality":"staff","data":{},"label":{},"version":1,"createdAt":"a","updatedAt":"a","createdBy":"a","updatedBy":"a"}}'), fc.constant('{"type":"claim","vigil":{"id":"clm_x","citations":[]}}'), fc.constant('{"type":"person","vigil":{"id":"../../etc"}}')),
        async (at, garbage) => {
          const hostile = [...lines];
          hostile[at] = `${garbage}\n`;
          try {
            await importNdjson(ctx, Readable.from(hostile));
            // Replacing a line can only succeed if the line was a derived membership line.
            assert.ok(lines[at]!.startsWith('{"type":"membership"'), `line ${at + 1} replaced by ${garbage} was accepted`);
            await target.store.db.deleteFrom("search_entries").execute();
            for (const t of ["citations", "changes", "merges", "claims", "source_texts", "records"] as const) await target.store.db.deleteFrom(t).execute();
          } catch (e) {
            assert.ok(e instanceof VigilError, `unexpected ${String(e)}`);
            assert.ok(e.where?.line !== undefined, "the error names its line");
          }
          const n = await target.store.db.selectFrom("records").select((eb) => eb.fn.countAll().as("n")).executeTakeFirstOrThrow();
          assert.equal(Number(n.n), 0);
        },
      ),
      { numRuns: 120 },
    );
  } finally {
    await source.dispose();
    await target.dispose();
  }
});
