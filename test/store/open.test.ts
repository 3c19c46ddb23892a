import { test } from "node:test";
import assert from "node:assert/strict";
import { sql } from "kysely";
import { forEachStore } from "../helpers/store.ts";

const noDate = { date_text: null, date_calendar: null, date_precision: null, date_value: null, date_earliest: null, date_latest: null };

forEachStore("store opens migrated", (fixture) => {
  test("every core table exists and foreign keys are enforced", async () => {
    const { store } = fixture();
    const now = new Date().toISOString();
    await store.db.insertInto("records").values({ id: "per_x", type: "person", kind: null, status: "draft", confidentiality: "staff", synthetic: 0, merged_into: null, label: "", label_fa: "", label_public: null, label_public_fa: null, parent_id: null, place_id: null, data: "{}", ...noDate, version: 1, created_at: now, updated_at: now, created_by: "t", updated_by: "t" }).execute();
    const row = await store.db.selectFrom("records").select(["id", "status", "version"]).where("id", "=", "per_x").executeTakeFirstOrThrow();
    assert.deepEqual(row, { id: "per_x", status: "draft", version: 1 });
    await assert.rejects(
      store.db.insertInto("claims").values({ id: "clm_x", subject_id: "per_missing", property: "name", term: null, value: "{}", value_text: null, lang: null, object_id: null, place_id: null, ...noDate, confidence: "confirmed", confidentiality: "public", status: "active", note: null, version: 1, created_at: now, updated_at: now, created_by: "t", updated_by: "t" }).execute(),
    );
  });

  test("a failed transaction leaves nothing behind", async () => {
    const { store } = fixture();
    const now = new Date().toISOString();
    await assert.rejects(
      store.transaction(async (trx) => {
        await trx.insertInto("records").values({ id: "per_y", type: "person", kind: null, status: "draft", confidentiality: "staff", synthetic: 0, merged_into: null, label: "", label_fa: "", label_public: null, label_public_fa: null, parent_id: null, place_id: null, data: "{}", ...noDate, version: 1, created_at: now, updated_at: now, created_by: "t", updated_by: "t" }).execute();
        throw new Error("boom");
      }),
      /boom/,
    );
    const n = await store.db.selectFrom("records").select(sql<number>`count(*)`.as("n")).where("id", "=", "per_y").executeTakeFirstOrThrow();
    assert.equal(Number(n.n), 0);
  });
});

forEachStore("statements reused across queries", (fixture) => {
  test("a query prepared before a schema change sees the new schema", async () => {
    const { store } = fixture();
    await sql`create table stmt_probe (a integer)`.execute(store.db);
    await store.db.withTables<{ stmt_probe: { a: number; b?: number | null } }>().insertInto("stmt_probe").values({ a: 1 }).execute();
    const read = () => store.db.withTables<{ stmt_probe: Record<string, number | null> }>().selectFrom("stmt_probe").selectAll().execute();
    assert.deepEqual(await read(), [{ a: 1 }]);
    await sql`alter table stmt_probe add column b integer`.execute(store.db);
    assert.deepEqual(await read(), [{ a: 1, b: null }]);
    await sql`drop table stmt_probe`.execute(store.db);
  });

  test("more distinct queries than are kept all answer right, before and after the oldest are dropped", async () => {
    const { store } = fixture();
    await sql`create table stmt_many (a integer)`.execute(store.db);
    const t = store.db.withTables<{ stmt_many: { a: number } }>();
    await t.insertInto("stmt_many").values([{ a: 1 }, { a: 2 }, { a: 3 }]).execute();
    // Each limit is its own SQL text (a literal, not a parameter), so each is its own statement.
    const ask = async (n: number): Promise<number> => (await t.selectFrom("stmt_many").select(sql<number>`count(*) + ${sql.lit(n)}`.as("c")).executeTakeFirstOrThrow()).c;
    for (let round = 0; round < 2; round++) for (let n = 0; n < 1_200; n += 1) assert.equal(Number(await ask(n)), 3 + n);
    await sql`drop table stmt_many`.execute(store.db);
  });

});
