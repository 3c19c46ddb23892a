import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { parseHTML } from "linkedom";
import { auditSink } from "../../src/accounts/index.ts";
import { makeCtx, SYSTEM, type Actor, type Ctx } from "../../src/core/context.ts";
import { addClaim, createRecord, seedVocabularies } from "../../src/records/index.ts";
import { addSource, classifyItem, listTriage, StoreMonitorRepository, suggestMatches, triageView } from "../../src/monitor/index.ts";
import { estimateMatchModel, levelParameters, MATCH_MODEL, scorePair } from "../../src/monitor/match-model.ts";
import { factsNear } from "../../src/monitor/suggest.ts";
import type { Store } from "../../src/store/index.ts";
import { startApp, type RunningApp } from "../helpers/app.ts";
import { staff } from "../helpers/staff.ts";
import { forEachStore } from "../helpers/store.ts";

/**
 * Suggested matches in triage are scored by the linkage engine's comparisons.
 * Everyone here is fictional: names made up for these tests.
 */

const ARTICLE = {
  title: "اعدام یک زندانی در زندان قزل‌حصار",
  text: "بابک رضایی، ۳۴ ساله، فرزند احمد، بامداد ۵ مرداد ۱۴۰۴ در زندان قزل‌حصار به اتهام محاربه اعدام شد.",
  published: "2025-07-28T06:00:00.000Z",
};

async function addItem(store: Store, ctx: Ctx): Promise<string> {
  const src = await addSource(ctx, { url: `https://news.example.org/feed-${Math.random().toString(36).slice(2)}.xml` });
  await new StoreMonitorRepository(store).addItems([{ sourceId: src.id, key: "fa", url: "https://news.example.org/fa", title: ARTICLE.title, text: ARTICLE.text, published: ARTICLE.published, fetchedAt: new Date().toISOString(), classification: classifyItem({ id: "fa", ...ARTICLE }) }]);
  return (await listTriage(ctx, { status: "all", labelledOnly: false, sourceId: src.id }))[0]!.id;
}

/** Fictional people: the article's person in Latin script, someone sharing only the family name, and others. */
async function seedPeople(ctx: Ctx): Promise<{ same: string; surname: string; restricted: string; list: string }> {
  const list = await createRecord(ctx, { type: "source", label: "A list (synthetic)" });
  const cite = [{ sourceId: list.id }];
  const name = (text: string, kind = "full", confidentiality = "staff") => ({ property: "name", value: { text, kind }, confidence: "confirmed", confidentiality, citations: cite });
  const same = await createRecord(ctx, { type: "person", claims: [name("Babak Rezaei")] });
  const surname = await createRecord(ctx, { type: "person", claims: [name("Omid Rezaei")] });
  // A record whose father's name is restricted.
  const restricted = await createRecord(ctx, { type: "person", claims: [name("Kaveh Tabrizinejad"), name("Ahmad", "father", "restricted")] });
  // Others, so that the prior is that of a small collection rather than of three records.
  for (let i = 0; i < 40; i++) await createRecord(ctx, { type: "person", claims: [name(`Fictional Person${String.fromCharCode(65 + (i % 26))}${i}`)] });
  return { same: same.id, surname: surname.id, restricted: restricted.id, list: list.id };
}

forEachStore("suggested matches scored by record linkage", (fixture) => {
  test("a Persian name ranks the Latin record of the same person first; father's name and age raise it", async () => {
    const { store } = fixture();
    await seedVocabularies(store.db);
    const ctx = makeCtx(store, { id: "u-editor", role: "editor" }, { audit: auditSink });
    const ids = await seedPeople(ctx);
    const itemId = await addItem(store, ctx);

    const view = await triageView(ctx, itemId);
    const person = view.draft.people[0]!;
    assert.equal(person.nameFa, "بابک رضایی");
    assert.equal(person.father, "احمد");
    assert.equal(person.age, 34);
    const matches = view.matches[0]!;
    assert.deepEqual(matches.slice(0, 2).map((m) => m.id), [ids.same, ids.surname], "the same person first, the shared surname after");
    const [same, surname] = matches as [(typeof matches)[0], (typeof matches)[0]];
    assert.ok(same.probability > 0.5, `same person: ${same.probability}`);
    assert.ok(surname.probability < 0.1, `shared surname only: ${surname.probability}`);
    assert.deepEqual(same.fields.map((f) => [f.field, f.agreement]), [["given", "agrees"], ["family", "agrees"]]);
    assert.deepEqual(surname.fields.map((f) => [f.field, f.agreement]), [["given", "disagrees"], ["family", "agrees"]]);

    // The record gains a father's name and a birth year: the same article now scores higher.
    await addClaim(ctx, ids.same, { property: "name", value: { text: "Ahmad", kind: "father" }, confidence: "confirmed", confidentiality: "staff", citations: [{ sourceId: ids.list }] });
    const names = { names: ["بابک رضایی"], actType: "execution", actDate: "1404-05-05" };
    const p = async (extra: object): Promise<number> => (await suggestMatches(ctx, { ...names, ...extra })).find((m) => m.id === ids.same)!.probability;
    const base = await p({});
    const withFather = await p({ father: "احمد" });
    assert.ok(withFather > base, `father agrees: ${withFather} > ${base}`);
    assert.ok((await p({ father: "حسن" })) < base, "a different father lowers it");
    await addClaim(ctx, ids.same, { property: "birth", date: "1991", confidence: "probable", confidentiality: "staff", citations: [{ sourceId: ids.list }] });
    const withAge = await p({ age: 34 });
    assert.ok(withAge > (await p({})), `age agrees with the birth year: ${withAge}`);
    assert.ok((await p({ age: 60 })) < (await p({})), "an age 26 years off lowers it");
    const full = (await suggestMatches(ctx, { ...names, father: "احمد", age: 34 })).find((m) => m.id === ids.same)!;
    assert.deepEqual(full.fields.filter((f) => f.agreement === "agrees").map((f) => f.field).sort(), ["birth", "family", "father", "given"]);

    // Someone nobody has recorded: no suggestion at all.
    assert.deepEqual(await suggestMatches(ctx, { names: ["Dariush Nobodyzadeh"] }), []);
  });

  test("a restricted claim is neither used nor shown for an actor who may not read it", async () => {
    const { store } = fixture();
    await seedVocabularies(store.db);
    const sys = makeCtx(store, SYSTEM, { audit: auditSink });
    const ids = await seedPeople(sys);
    const person = { names: ["کاوه تبریزی‌نژاد"], father: "احمد" };
    const viewer: Actor = { id: "u-viewer", role: "viewer" };
    const editor: Actor = { id: "u-editor", role: "editor" };
    for (const actor of [viewer, editor]) {
      const ctx = makeCtx(store, actor, { audit: auditSink });
      const withFather = (await suggestMatches(ctx, person)).find((m) => m.id === ids.restricted)!;
      const without = (await suggestMatches(ctx, { names: person.names })).find((m) => m.id === ids.restricted)!;
      assert.ok(!withFather.fields.some((f) => f.field === "father"), `${actor.role}: the restricted father's name is not compared`);
      assert.equal(withFather.probability, without.probability, `${actor.role}: nor does it move the probability`);
    }
    // Whoever may read it has it compared (and its reading audited by the records core).
    const withFather = (await suggestMatches(sys, person)).find((m) => m.id === ids.restricted)!;
    assert.deepEqual(withFather.fields.find((f) => f.field === "father")?.agreement, "agrees");
  });
});

test("the stored parameters are what the synthetic lists give, and weights rise with agreement", () => {
  const fresh = estimateMatchModel();
  assert.deepEqual(fresh, MATCH_MODEL, "src/monitor/data/match-model.json is stale: run scripts/estimate-match-model.ts");
  for (const f of MATCH_MODEL.fields) {
    const w = f.m.map((m, l) => (l === 0 ? -Infinity : Math.log(m / f.u[l]!)));
    for (let l = 2; l < w.length; l++) assert.ok(w[l]! >= w[l - 1]! - 1e-3, `${f.field}: ${f.levels[l]} weighs at least ${f.levels[l - 1]}`);
    assert.ok(w[1]! < 0 || f.field === "place", `${f.field}: disagreement counts against`);
    assert.ok(w[w.length - 1]! > 1, `${f.field}: full agreement counts for`);
  }
  // A level seen in neither sample weighs nothing; an out-of-order pair of levels is pooled.
  const { m, u } = levelParameters([0, 10, 0, 90], [0, 900, 0, 100]);
  assert.equal(m.length, 4);
  assert.ok(Math.abs(Math.log(m[2]! / u[2]!)) < 0.01, "unseen on both sides: no weight");
  const pooled = levelParameters([0, 50, 10, 40], [0, 50, 50, 1]);
  assert.ok(Math.log(pooled.m[1]! / pooled.u[1]!) < 0.01 && Math.abs(pooled.m[1]! / pooled.u[1]! - pooled.m[2]! / pooled.u[2]!) < 1e-3, "levels 1 and 2 out of order are pooled into one weight");
  // One pair, scored: the same fictional name across scripts, with and without more to compare.
  const article = { list: "a", rowId: "1", given: ["بابک"], family: ["رضایی"] };
  const rec = { list: "b", rowId: "1", given: ["Babak"], family: ["Rezaei"] };
  const names = scorePair(article, rec, 0.01);
  assert.ok(scorePair({ ...article, father: ["احمد"] }, { ...rec, father: ["Ahmad"] }, 0.01).probability > names.probability);
  assert.ok(scorePair({ ...article, placeOfDeath: ["زندان اوین"] }, { ...rec, placeOfDeath: ["Evin Prison"] }, 0.01).probability > names.probability);
});

test("what the article says by a name: father's name and age, in either script", () => {
  const at = (text: string, name: string) => {
    const i = text.indexOf(name);
    return factsNear(text, i, i + name.length);
  };
  assert.deepEqual(at("Babak Rezaei, 34, son of Ahmad, was hanged.", "Babak Rezaei"), { father: "Ahmad", age: 34 });
  assert.deepEqual(at("The 29-year-old Babak Rezaei was hanged.", "Babak Rezaei"), { age: 29 });
  assert.deepEqual(at("Babak Rezaei, son of Mohammad Reza, aged 41, was hanged.", "Babak Rezaei"), { father: "Mohammad Reza", age: 41 });
  assert.deepEqual(at("بابک رضایی ۲۸ ساله فرزند علی در زندان است.", "بابک رضایی"), { father: "علی", age: 28 });
  assert.deepEqual(at("Babak Rezaei was sentenced to 10 years. His son of 12 visited.", "Babak Rezaei"), {}, "nothing from the next sentence, no lower-case 'son of'");
});

// ---------- the page ----------

let app: RunningApp | undefined;
before(async () => {
  app = await startApp();
});
after(async () => {
  await app?.close();
});

test("the triage page shows each suggestion's probability and the fields that agree, in English and Persian", async () => {
  const store = app!.deps.store;
  const sys = makeCtx(store, SYSTEM, { audit: auditSink });
  const ids = await seedPeople(sys);
  // The article's person also has a restricted father's name on the record: an editor's page must not use it.
  await addClaim(sys, ids.same, { property: "name", value: { text: "Ahmad", kind: "father" }, confidence: "confirmed", confidentiality: "restricted", citations: [{ sourceId: ids.list }] });
  const itemId = await addItem(store, sys);
  const editor = await staff(store, app!.url, "editor");
  const page = await editor.get(`/workspace/monitor/items/${itemId}`);
  assert.equal(page.status, 200);
  const { document } = parseHTML(page.text);
  const choice = document.querySelector(`input[name="p0_match"][value="${ids.same}"]`)?.closest("label");
  assert.ok(choice, "the same person is offered");
  assert.match(choice.textContent ?? "", /match probability (above )?\d+%/);
  const why = choice.querySelector(".match-why")?.textContent ?? "";
  assert.match(why, /agree: given name and family name/);
  assert.ok(!/father/.test(why), `the restricted father's name is not compared for an editor: ${why}`);
  assert.match(page.text, /Also compared, from the text: father’s name احمد and age 34|Also compared, from the text: father's name احمد and age 34/);
  const first = document.querySelector('input[name="p0_match"]:not([value="new"])') as unknown as { value: string } | null;
  assert.equal(first?.value, ids.same, "ranked first");

  await editor.post("/workspace/lang", { lang: "fa", next: `/workspace/monitor/items/${itemId}` });
  const fa = await editor.get(`/workspace/monitor/items/${itemId}`);
  assert.match(fa.text, /<html lang="fa" dir="rtl"/);
  const faChoice = parseHTML(fa.text).document.querySelector(`input[name="p0_match"][value="${ids.same}"]`)?.closest("label");
  assert.match(faChoice?.textContent ?? "", /احتمال یکی بودن (بیش از )?[۰-۹]+٪/);
  assert.match(faChoice?.querySelector(".match-why")?.textContent ?? "", /همخوان: نام و نام خانوادگی/);
  await editor.post("/workspace/lang", { lang: "en", next: "/workspace/" });
});
