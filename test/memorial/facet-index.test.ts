import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { freshStore } from "../helpers/store.ts";
import type { Store } from "../../src/store/index.ts";
import { PublicFacetIndex } from "../../src/memorial/facet-index.ts";
import { memorialDb } from "../../src/memorial/schema.ts";

/**
 * The facet index counts every facet value a person has, however many, and
 * follows a person whose facets change. People are fictional; facet rows are
 * written straight into the derived table, as the freshness check would.
 */
let store: Store;
let dispose: () => Promise<void>;
before(async () => ({ store, dispose } = await freshStore("sqlite")));
after(async () => dispose?.());

test("a person's facet values are all counted, past any fixed width, and a change replaces them", async () => {
  const db = memorialDb(store.db);
  const charges = Array.from({ length: 300 }, (_, i) => `charge_${String(i).padStart(3, "0")}`);
  await db.insertInto("memorial_facets").values(charges.map((value) => ({ person_id: "per_many", facet: "charge", value }))).execute();
  await db.insertInto("memorial_facets").values([{ person_id: "per_one", facet: "charge", value: "charge_000" }]).execute();
  await db.insertInto("memorial_state").values({ key: "facets_seq", value: "0" }).execute();
  const index = new PublicFacetIndex(db);
  const counts = await index.counts(["per_many", "per_one"]);
  assert.equal(counts.charge.length, 300, "every one of 300 values");
  assert.deepEqual(counts.charge.find((c) => c.value === "charge_000"), { value: "charge_000", n: 2 });
  assert.deepEqual(await index.filter(["per_many", "per_one"], { charge: "charge_299" }), ["per_many"], "the last value filters too");

  await db.deleteFrom("memorial_facets").where("person_id", "=", "per_many").execute();
  await db.insertInto("memorial_facets").values({ person_id: "per_many", facet: "sex", value: "female" }).execute();
  await db.insertInto("changes").values({ entity_type: "record", entity_id: "per_many", record_id: "per_many", version: 2, action: "update", actor: "test", at: new Date().toISOString(), reason: null, before: null, after: null }).execute();
  const seq = (await db.selectFrom("changes").select((e) => e.fn.max("seq").as("seq")).executeTakeFirstOrThrow()).seq;
  await db.updateTable("memorial_state").set({ value: String(seq) }).where("key", "=", "facets_seq").execute();
  index.invalidate();
  const after = await index.counts(["per_many", "per_one"]);
  assert.deepEqual(after.charge, [{ value: "charge_000", n: 1 }], "the old values are gone");
  assert.deepEqual(after.sex, [{ value: "female", n: 1 }]);
});
