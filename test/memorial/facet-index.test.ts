import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { freshStore } from "../helpers/store.ts";
import type { Store } from "../../src/store/index.ts";
import { PublicFacetIndex } from "../../src/memorial/facet-index.ts";
import { PublicNameIndex } from "../../src/memorial/name-index.ts";
import { searchIndexes } from "../../src/memorial/public-renderer.tsx";
import { searchMemorial } from "../../src/memorial/presenters/index.ts";
import { memorialDb } from "../../src/memorial/schema.ts";
import { Freshness } from "../../src/memorial/freshness.ts";
import { makeCtx, SYSTEM } from "../../src/core/context.ts";
import { createRecord, getRecord, seedVocabularies, updateClaim, updateRecord, type ClaimInput } from "../../src/records/index.ts";

/**
 * The facet index counts every facet value a person has, however many, and
 * follows a person whose facets change; what it holds for a page of results
 * (labels, through the public gate) follows the records. People are
 * fictional; in the first test facet rows are written straight into the
 * derived table, as the freshness check would.
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

/** Fictional public people with one public, sourced name each. */
async function people(): Promise<{ ctx: ReturnType<typeof makeCtx>; person: (text: string, status: string) => Promise<string> }> {
  await seedVocabularies(store.db);
  const ctx = makeCtx(store, SYSTEM);
  const source = (await createRecord(ctx, { type: "source", kind: "report", status: "published", confidentiality: "public", synthetic: true, label: "A fictional report" }, "test")).id;
  const name = (text: string): ClaimInput => ({ property: "name", value: { text, kind: "full" }, confidence: "confirmed", confidentiality: "public", citations: [{ sourceId: source }] });
  return { ctx, person: async (text, status) => (await createRecord(ctx, { type: "person", status, confidentiality: "public", synthetic: true, claims: [name(text)] }, "test")).id };
}

test("what a result shows of a person follows a rename, unpublishing and publishing", async () => {
  const db = memorialDb(store.db);
  const { ctx, person } = await people();
  const a = await person("Listedone Arghavan", "published");
  const b = await person("Listedtwo Arghavan", "published");
  const c = await person("Listedthree Arghavan", "draft");
  const freshness = new Freshness(db, 0);
  await freshness.check(true);
  const index = new PublicFacetIndex(db);
  const labels = async (): Promise<Record<string, string | null>> => Object.fromEntries((await index.listedOf(await index.numbersOf([a, b, c]))).map((r) => [r.id, r.label]));
  assert.deepEqual(await labels(), { [a]: "Listedone Arghavan", [b]: "Listedtwo Arghavan" }, "public people only");

  const claim = await db.selectFrom("claims").select(["id", "version"]).where("subject_id", "=", a).where("property", "=", "name").executeTakeFirstOrThrow();
  await updateClaim(ctx, claim.id, claim.version, { value: { text: "Listedone Sepidar", kind: "full" } }, "spelling");
  await updateRecord(ctx, b, (await getRecord(ctx, b)).record.version, { status: "draft" }, "unpublished");
  await updateRecord(ctx, c, (await getRecord(ctx, c)).record.version, { status: "published" }, "published");
  await freshness.check(true);
  index.invalidate();
  assert.deepEqual(await labels(), { [a]: "Listedone Sepidar", [c]: "Listedthree Arghavan" }, "renamed, unpublished and published as the records now are");
});

test("a name search hands its matches to the facets by number: the people listed are the people found, and unshared numbers are refused", async () => {
  const db = memorialDb(store.db);
  const { person } = await people();
  const ids: string[] = [];
  for (const given of ["Numberone", "Numbertwo", "Numberthree"]) ids.push(await person(`${given} Golnareh`, "published"));
  await new Freshness(db, 0).check(true);
  const indexes = searchIndexes(db);
  // Numbers are given in the order records are first read: the facet index first here, so the two orders differ.
  await indexes.facets.ready();
  await indexes.people.ready();
  const found = await indexes.people.search("Golnareh", 10);
  assert.deepEqual(found.hits.map((h) => h.id).sort(), [...ids].sort());
  assert.deepEqual((await indexes.facets.listedOf(found.hits.map((h) => h.no))).map((r) => r.id), found.hits.map((h) => h.id), "each number is the same person in both indexes");
  const params = { q: "Golnareh", filter: {}, page: 0 };
  assert.deepEqual((await searchMemorial(store, params, indexes)).people.map((p) => p.person.id), found.hits.map((h) => h.id));
  // Indexes numbering records apart would list other people under the same numbers: the search refuses them.
  const apart = { ...indexes, people: new PublicNameIndex(db, ["person"]) };
  await assert.rejects(searchMemorial(store, params, apart), /number records alike/);
});
