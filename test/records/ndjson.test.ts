import { test } from "node:test";
import assert from "node:assert/strict";
import { Readable } from "node:stream";
import { forEachStore, freshStore, postgresProblem } from "../helpers/store.ts";
import { makeCtx, SYSTEM } from "../../src/core/context.ts";
import type { VigilError } from "../../src/core/errors.ts";
import { loadDemo, ARTICLE_IDS } from "../../src/demo/index.ts";
import { exportNdjson, importNdjson, mergePeople, searchRecords, updateRecord, getRecord } from "../../src/records/index.ts";
import type { Ctx } from "../../src/core/context.ts";

async function exportAll(ctx: Ctx): Promise<string[]> {
  const lines: string[] = [];
  for await (const l of exportNdjson(ctx)) lines.push(l);
  return lines;
}

const withoutHeader = (lines: string[]) => lines.filter((l) => !l.includes('"type":"header"'));

forEachStore("NDJSON export and import", (fixture) => {
  test("a round trip through export and import loses nothing, on either database", async () => {
    const { store } = fixture();
    const ctx = makeCtx(store, SYSTEM);
    await loadDemo(store, { people: 25 });
    const ev = await getRecord(ctx, ARTICLE_IDS.conference);
    await updateRecord(ctx, ev.record.id, ev.record.version, { date: "2025" }, "year known from elsewhere");
    await mergePeople(ctx, "per_synthetic_0001", "per_synthetic_0002", "test merge");
    const first = await exportAll(ctx);
    const header = JSON.parse(first[0]!) as { format: string };
    assert.equal(header.format, "vigil-ndjson");
    const person = first.map((l) => JSON.parse(l) as { type: string; id?: string; name?: string; other_names?: unknown[] }).find((l) => l.type === "person" && l.id === ARTICLE_IDS.ehsani);
    assert.equal(person?.name, "Behrouz Ehsani");
    assert.ok(first.some((l) => l.includes('"type":"membership"')), "Popolo memberships are written");

    // Into a fresh database of each kind: the same lines come out again.
    for (const dialect of ["sqlite", "postgres"] as const) {
      if (dialect === "postgres" && postgresProblem) continue;
      const target = await freshStore(dialect);
      try {
        const tctx = makeCtx(target.store, SYSTEM);
        await importNdjson(tctx, Readable.from(first));
        const second = await exportAll(tctx);
        assert.deepEqual(withoutHeader(second).sort(), withoutHeader(first).sort(), `round trip into ${dialect}`);
        assert.equal((await searchRecords(tctx, "Behrooz Ehsani")).some((h) => h.id === ARTICLE_IDS.ehsani), true);
        assert.equal((await getRecord(tctx, "per_synthetic_0002")).record.id, "per_synthetic_0001");
      } finally {
        await target.dispose();
      }
    }
  });

  test("a truncated, corrupt or clashing file is refused whole, with its line", async () => {
    const { store, dialect } = fixture();
    const lines = await exportAll(makeCtx(store, SYSTEM));
    const target = await freshStore(dialect);
    try {
      const tctx = makeCtx(target.store, SYSTEM);
      const count = async () => Number((await target.store.db.selectFrom("records").select((eb) => eb.fn.countAll().as("n")).executeTakeFirstOrThrow()).n);
      await assert.rejects(importNdjson(tctx, Readable.from(lines.slice(0, -1))), /truncated/);
      await assert.rejects(importNdjson(tctx, Readable.from(lines.slice(0, 40).concat(lines.slice(41)))), (e: VigilError) => e.code === "import_failed");
      const broken = [...lines];
      broken[30] = "{not json";
      await assert.rejects(importNdjson(tctx, Readable.from(broken)), (e: VigilError) => e.where?.line === 31 && /not JSON/.test(e.message));
      const badClaimAt = lines.findIndex((l) => l.startsWith('{"type":"claim"'));
      const badClaim = [...lines];
      badClaim[badClaimAt] = badClaim[badClaimAt]!.replace(/"citations":\[[^\]]*\]/, '"citations":[]');
      await assert.rejects(importNdjson(tctx, Readable.from(badClaim)), (e: VigilError) => e.where?.line === badClaimAt + 1 && /without a source/.test(e.message));
      assert.equal(await count(), 0, "nothing half-written");
      await importNdjson(tctx, Readable.from(lines));
      await assert.rejects(importNdjson(tctx, Readable.from(lines)), /already exists/);
    } finally {
      await target.dispose();
    }
  });
});
