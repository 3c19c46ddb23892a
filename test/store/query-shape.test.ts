import { test } from "node:test";
import assert from "node:assert/strict";
import type { Kysely } from "kysely";
import { forEachStore } from "../helpers/store.ts";
import type { CoreTables } from "../../src/store/index.ts";
import { QueryShape } from "../../src/store/query-shape.ts";

/**
 * A read built once per shape answers each call with that call's values, on
 * both databases: the same rows as the query built afresh, whatever the lists'
 * lengths, with nothing of an earlier call left in a later one. Records are
 * fictional rows written straight into the table.
 */
const noDate = { date_text: null, date_calendar: null, date_precision: null, date_value: null, date_earliest: null, date_latest: null };

forEachStore("queries built once per shape", (fixture) => {
  test("each call reads with its own values, as the query built afresh does", async () => {
    const { store } = fixture();
    const now = new Date().toISOString();
    const ids = Array.from({ length: 12 }, (_, i) => `per_shape${String(i).padStart(2, "0")}`);
    for (const [i, id] of ids.entries())
      await store.db.insertInto("records").values({ id, type: "person", kind: null, status: i % 3 === 0 ? "draft" : "published", confidentiality: "public", synthetic: 1, merged_into: null, label: id, label_fa: "", label_public: id, label_public_fa: null, parent_id: null, place_id: null, data: "{}", ...noDate, version: 1, created_at: now, updated_at: now, created_by: "t", updated_by: "t" }).execute();
    let built = 0;
    const fresh = (db: Kysely<CoreTables>, wanted: readonly string[], statuses: readonly string[]) => {
      let q = db.selectFrom("records").select(["id", "label"]).where("id", "in", wanted).where("confidentiality", "=", "public");
      if (statuses.length) q = q.where("status", "in", statuses);
      return q.orderBy("id");
    };
    const shape = new QueryShape<CoreTables, { id: string; label: string }>((db, [wanted, statuses]) => {
      built++;
      return fresh(db, wanted!, statuses!);
    });
    // Lengths 3 and 4 pad to the same shape, 5 to another; with statuses or without are shapes apart.
    const calls: [string[], string[], boolean][] = [
      [ids.slice(0, 3), [], true],
      [ids.slice(4, 8), [], false],
      [ids.slice(7, 12), [], true],
      [ids.slice(1, 4), ["published"], true],
      [ids.slice(5, 9), ["draft"], false],
      [[ids[11]!, "per_missing", ids[2]!], [], false],
    ];
    for (const [wanted, statuses, newShape] of calls) {
      const before = built;
      const got = await shape.execute(store.db, [wanted, statuses]);
      assert.equal(built - before, newShape ? 1 : 0, `built for ${wanted.length} ids and ${statuses.length} statuses`);
      assert.deepEqual(got, await fresh(store.db, wanted, statuses).execute(), `${wanted.join(" ")} | ${statuses.join(" ")}`);
      assert.ok(got.length > 0 && got.every((r) => wanted.includes(r.id)), "this call's ids, and only these");
    }
  });

  test("a query that leaves out one of its values is refused, not run without it", async () => {
    const { store } = fixture();
    const dropsOne = new QueryShape<CoreTables, { id: string }>((db, [wanted]) => db.selectFrom("records").select("id").where("id", "=", wanted![0]!));
    await assert.rejects(dropsOne.execute(store.db, [["per_a", "per_b"]]), /placeholder did not reach the statement/);
  });
});
