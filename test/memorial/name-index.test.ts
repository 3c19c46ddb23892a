import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { freshStore } from "../helpers/store.ts";
import type { Store } from "../../src/store/index.ts";
import { nameKeys, normaliseName } from "../../src/core/names.ts";
import { PublicNameIndex } from "../../src/memorial/name-index.ts";
import { memorialDb } from "../../src/memorial/schema.ts";

/**
 * The order of names alike: people who share a name exactly are listed by
 * record id, whether the index read them all at once or some of them since,
 * so that every page of results, from whichever thread, agrees with the next.
 * A name is found by its words and by their spelling keys, whichever an
 * entry has. People are fictional; entries are written straight into the
 * search index.
 */
let store: Store;
let dispose: () => Promise<void>;
before(async () => ({ store, dispose } = await freshStore("sqlite")));
after(async () => dispose?.());

const add = async (recordId: string, name: string): Promise<void> => {
  const db = memorialDb(store.db);
  await db.insertInto("search_entries").values({ record_id: recordId, record_type: "person", claim_id: null, field: "name", visibility: "public", norm: normaliseName(name), keys: nameKeys(name).join(" ") }).execute();
  await db.insertInto("changes").values({ entity_type: "record", entity_id: recordId, record_id: recordId, version: 1, action: "create", actor: "test", at: new Date().toISOString(), reason: null, before: null, after: null }).execute();
};

test("people sharing a name are ordered by record id, those read at the start and those added since alike", async () => {
  const index = new PublicNameIndex(memorialDb(store.db), ["person"]);
  for (const id of ["per_c", "per_a", "per_e"]) await add(id, "Twin Samename");
  await add("per_f", "Twin Samenameh");
  const first = await index.search("Twin Samename", 10);
  assert.deepEqual(first.hits.map((h) => h.id), ["per_a", "per_c", "per_e", "per_f"], "the exact name first, then by record id");
  for (const id of ["per_d", "per_b"]) await add(id, "Twin Samename");
  index.invalidate();
  const later = await index.search("Twin Samename", 10);
  assert.deepEqual(later.hits.map((h) => h.id), ["per_a", "per_b", "per_c", "per_d", "per_e", "per_f"]);
  assert.deepEqual((await index.search("Twin Samename", 2, 2)).hits.map((h) => h.id), ["per_c", "per_d"], "a page further on continues the same order");
});

test("a name is found by its words when an entry lacks a word's spelling key, read at the start or since", async () => {
  const db = memorialDb(store.db);
  // Entries whose keys were written otherwise (an older spelling rule, say): only their words can match.
  const addWithoutKeys = async (recordId: string, name: string): Promise<void> => {
    await db.insertInto("search_entries").values({ record_id: recordId, record_type: "person", claim_id: null, field: "name", visibility: "public", norm: normaliseName(name), keys: "" }).execute();
    await db.insertInto("changes").values({ entity_type: "record", entity_id: recordId, record_id: recordId, version: 1, action: "create", actor: "test", at: new Date().toISOString(), reason: null, before: null, after: null }).execute();
  };
  await add("per_k1", "Keyed Kianifar");
  await addWithoutKeys("per_k2", "Unkeyed Kianifar");
  await add("per_m1", "Mahindokht Keyed");
  const index = new PublicNameIndex(db, ["person"]);
  assert.deepEqual((await index.search("Kianifar", 10)).hits.map((h) => h.id).sort(), ["per_k1", "per_k2"]);
  assert.deepEqual((await index.search("Mahindokht", 10)).hits.map((h) => h.id), ["per_m1"]);
  await addWithoutKeys("per_m2", "Mahindokht Unkeyed");
  index.invalidate();
  assert.deepEqual((await index.search("Mahindokht", 10)).hits.map((h) => h.id).sort(), ["per_m1", "per_m2"], "an entry added since, without the key its word had");
});

test("results rank by match, then fewer words, then name in text order, then record id, before and after a change", async () => {
  const index = new PublicNameIndex(memorialDb(store.db), ["person"]);
  await add("per_r3", "Rana Ahmadinejad");
  await add("per_r1", "Rana Ahmadi Zand");
  await add("per_r4", "Rana Ahmadi");
  await add("per_r2", "Rana Ahmadi");
  await add("per_r5", "Ahmadi Rana");
  const ids = async (q: string): Promise<string[]> => (await index.search(q, 10)).hits.map((h) => h.id);
  // "Ahmadi Rana" holds both words, but not in the query's order: it ranks below the same words in order.
  assert.deepEqual(await ids("Rana Ahmadi"), ["per_r2", "per_r4", "per_r5", "per_r1", "per_r3"], "the exact name, by record id; the same words otherwise ordered; a longer name; a word only begun");
  assert.deepEqual(await ids("Rana Ah"), ["per_r5", "per_r2", "per_r4", "per_r3", "per_r1"], "prefixes alike: the two-word names in text order, then the longer name");
  await add("per_r0", "Rana Ahmadian");
  await add("per_r6", "Rana Ahmadi");
  index.invalidate();
  assert.deepEqual(await ids("Rana Ah"), ["per_r5", "per_r2", "per_r4", "per_r6", "per_r0", "per_r3", "per_r1"], "names added since take their places among those read before");
  const scores = (await index.search("Rana Ahmadi", 10)).hits.map((h) => h.score);
  assert.deepEqual(scores, [...scores].sort((a, b) => b - a), "scores never rise down the list");
});

test("samples for a thread's rehearsal are public names spread over the index, each finding its record, never one taken off", async () => {
  const db = memorialDb(store.db);
  for (let i = 0; i < 30; i++) await add(`per_s${String(i).padStart(2, "0")}`, `Sampled Person${String.fromCharCode(97 + (i % 26))}${i}`);
  const index = new PublicNameIndex(db, ["person"]);
  await index.ready();
  const all = index.samples(10_000);
  const everyone = new Set(all.map((s) => s.id));
  assert.ok(everyone.has("per_s00") && everyone.has("per_s29"), "asked for more than there are: every record");
  const few = index.samples(5);
  assert.equal(few.length, 5);
  const order = all.map((s) => s.id);
  assert.ok(order.indexOf(few.at(-1)!.id) >= order.length / 2, "spread over the index, not its first entries");
  for (const s of few) assert.ok((await index.search(s.name, 500)).hits.some((h) => h.id === s.id), `${s.name} finds ${s.id}`);
  // Taken off the memorial: its public name leaves the search index.
  await db.deleteFrom("search_entries").where("record_id", "=", "per_s29").execute();
  await db.insertInto("changes").values({ entity_type: "record", entity_id: "per_s29", record_id: "per_s29", version: 2, action: "update", actor: "test", at: new Date().toISOString(), reason: null, before: null, after: null }).execute();
  index.invalidate();
  await index.ready();
  const left = new Set(index.samples(10_000).map((s) => s.id));
  assert.deepEqual(left, new Set([...everyone].filter((id) => id !== "per_s29")));
});

test("an index kept up to date through changes finds and ranks exactly as one read afresh, common names and rare alike", async () => {
  // Common words reach many entries (a query reads them as bitsets, kept between
  // searches); rare ones a few. Names are added and taken off in rounds, while
  // the kept index is searched between them.
  const db = memorialDb(store.db);
  let seed = 20260;
  const rand = (): number => (seed = (seed * 16807) % 2147483647) / 2147483647;
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;
  const common = ["Ali", "Reza", "Zahra", "Maryam", "علی", "رضا", "Kazemi", "کاظمی"];
  const syllables = ["ba", "ro", "ne", "sha", "ki", "du", "mi", "tal"];
  const rare = (): string => `${pick(syllables)}${pick(syllables)}${pick(syllables)}`.replace(/^./, (c) => c.toUpperCase());
  const kept = new PublicNameIndex(db, ["person"]);
  const queries = ["Ali", "Reza Kazemi", "علی کاظمی", "Za", "Kaz", "Ali Reza", "z", "Baro", "Shaki Kazemi", "Rezaa", "Nobody Here"];
  const view = async (index: PublicNameIndex, q: string): Promise<string> => {
    const r = await index.search(q, 500);
    return JSON.stringify([r.total, r.hits.map((h) => [h.id, h.score])]);
  };
  const living: string[] = [];
  let next = 0;
  for (let round = 0; round < 8; round++) {
    for (let i = 0, n = 20 + Math.floor(rand() * 40); i < n; i++) {
      const id = `per_g${String(next++).padStart(4, "0")}`;
      await add(id, `${pick(common)} ${rand() < 0.5 ? pick(common) : rare()}${rand() < 0.2 ? ` ${rare()}` : ""}`);
      living.push(id);
    }
    for (let i = 0; i < 5 && living.length; i++) {
      const [gone] = living.splice(Math.floor(rand() * living.length), 1);
      await db.deleteFrom("search_entries").where("record_id", "=", gone!).execute();
      await db.insertInto("changes").values({ entity_type: "record", entity_id: gone!, record_id: gone!, version: 2, action: "update", actor: "test", at: new Date().toISOString(), reason: null, before: null, after: null }).execute();
    }
    kept.invalidate();
    const fresh = new PublicNameIndex(db, ["person"]);
    for (const q of queries) assert.equal(await view(kept, q), await view(fresh, q), `round ${round}, "${q}"`);
  }
  const ali = await kept.search("Ali", 1000);
  assert.ok(ali.total > 50, "a common word matched many people");
  assert.ok(ali.hits.every((h) => !h.id.startsWith("per_g") || living.includes(h.id)), "no name taken off is found");
});
