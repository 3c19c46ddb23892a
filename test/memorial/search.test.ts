import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { startApp, type RunningApp } from "../helpers/app.ts";
import { postgresProblem } from "../helpers/store.ts";
import { makeCtx, SYSTEM, type Ctx } from "../../src/core/context.ts";
import { addClaim, createRecord, getRecord, mergePeople, updateClaim, updateRecord, type ClaimInput } from "../../src/records/index.ts";
import { freshnessOfStore } from "../../src/memorial/freshness.ts";
import { PAGE_SIZE } from "../../src/memorial/presenters/index.ts";

/**
 * The public name search: both scripts, variant spellings, facets, paging;
 * names that are not public never match; and the memorial's in-memory name
 * index follows every change (published, unpublished, renamed, merged) as
 * soon as the memorial has seen it. People are fictional.
 */
for (const dialect of ["sqlite", "postgres"] as const)
describe(`memorial name search [${dialect}]`, { skip: dialect === "postgres" && postgresProblem ? `PostgreSQL unreachable: ${postgresProblem}` : false }, () => {
  let app: RunningApp;
  let ctx: Ctx;
  let source = "";
  let prison = "";
  const ids: Record<string, string> = {};

  const name = (text: string, confidentiality = "public", kind = "full"): ClaimInput => ({ property: "name", value: { text, kind }, confidence: "confirmed", confidentiality, citations: [{ sourceId: source }] });
  const person = async (claims: ClaimInput[], status = "published", confidentiality = "public"): Promise<string> =>
    (await createRecord(ctx, { type: "person", status, confidentiality, synthetic: true, claims }, "test")).id;
  const execution = (date: string, confidentiality = "public"): ClaimInput => ({ property: "act", term: "execution", placeId: prison, date, confidence: "confirmed", confidentiality, citations: [{ sourceId: source }] });

  /** Ids of the people a search page lists, in order. */
  const search = async (query: string, lang = "en"): Promise<{ people: string[]; body: string }> => {
    const r = await fetch(`${app.url}/${lang}/search?${query}`);
    assert.equal(r.status, 200, query);
    const body = await r.text();
    const list = /<ul class="people[^"]*">([\s\S]*?)<\/ul>/.exec(body)?.[1] ?? "";
    return { people: [...new Set([...list.matchAll(/\/people\/(per_[0-9a-z_]+)/g)].map((m) => m[1]!))], body };
  };
  const q = (s: string): string => `q=${encodeURIComponent(s)}`;
  /** The memorial notices changes at most once a second; tests make it look now. */
  const seen = async (): Promise<void> => void (await freshnessOfStore.get(app.deps.store)!.check(true));

  before(async () => {
    app = await startApp({
      dialect,
      beforeListen: async (deps) => {
        ctx = makeCtx(deps.store, { ...SYSTEM, id: "system:test" });
        source = (await createRecord(ctx, { type: "source", kind: "report", status: "published", confidentiality: "public", synthetic: true, label: "A public report", labelFa: "گزارشی عمومی" }, "test")).id;
        const province = (await createRecord(ctx, { type: "place", kind: "province", status: "published", confidentiality: "public", synthetic: true, label: "Sample Province", labelFa: "استان نمونه" }, "test")).id;
        prison = (await createRecord(ctx, { type: "place", kind: "prison", status: "published", confidentiality: "public", synthetic: true, label: "Sample Prison", labelFa: "زندان نمونه", parentId: province }, "test")).id;
        ids.kiani = await person([name("Behrouz Kiani"), name("بهروز کیانی"), execution("1367/05/10")]);
        ids.tehrani = await person([name("Behrooz Tehrani"), execution("1360/03/01")]);
        ids.draft = await person([name("Hiddendraft Kiani"), execution("1354/01/01")], "draft");
        ids.staff = await person([name("Staffperson Kiani")], "published", "staff");
        ids.restricted = await person([name("Restrictedperson Kiani")], "published", "restricted");
        ids.secretName = await person([name("Visible Sorkhabi"), name("Secretalias Sorkhabi", "staff", "alias"), name("Hiddenalias Sorkhabi", "restricted", "alias"), name("Fathername", "public", "father")]);
        ids.hiddenAct = await person([name("Nasrin Kiani"), execution("1350/01/01", "staff")]);
        for (let i = 0; i < PAGE_SIZE + 7; i++) ids[`pager${i}`] = await person([name(`Given${String.fromCharCode(97 + (i % 26))} Pagerfamily`)]);
      },
    });
  });
  after(async () => app?.close());

  test("a name in Latin or Persian script finds the person; variant spellings and Arabic letter forms meet", async () => {
    assert.deepEqual((await search(q("Behrouz Kiani"))).people, [ids.kiani]);
    assert.deepEqual((await search(q("بهروز کیانی"), "fa")).people, [ids.kiani]);
    assert.deepEqual((await search(q("كياني"), "fa")).people.sort(), [ids.kiani, ids.hiddenAct].sort(), "Arabic kaf and yeh fold to Persian");
    const behrooz = (await search(q("Behrooz"))).people;
    assert.deepEqual([...behrooz].sort(), [ids.kiani, ids.tehrani].sort(), "Behrooz and Behrouz share a key");
    assert.equal(behrooz[0], ids.tehrani, "the exact spelling ranks first");
    assert.ok((await search(q("بهروز"), "fa")).people.includes(ids.tehrani!), "Persian script finds a name written only in Latin script");
    assert.deepEqual((await search(q("Kian"))).people.sort(), [ids.kiani, ids.hiddenAct].sort(), "a word's beginning is enough");
    assert.deepEqual((await search(q("Behrouz Tehrani"))).people, [ids.tehrani], "every word must match the same name");
  });

  test("names that are not public never match: drafts, staff and restricted people, staff and restricted names, fathers' names", async () => {
    for (const hidden of ["Hiddendraft", "Staffperson", "Restrictedperson", "Secretalias", "Hiddenalias", "Fathername"]) {
      const r = await search(q(hidden));
      assert.deepEqual(r.people, [], hidden);
      assert.doesNotMatch(r.body, new RegExp(`${ids.draft}|${ids.staff}|${ids.restricted}`), hidden);
    }
    const kiani = (await search(q("Kiani"))).people;
    assert.deepEqual(kiani.sort(), [ids.kiani, ids.hiddenAct].sort());
    assert.deepEqual((await search(q("Sorkhabi"))).people, [ids.secretName], "found by the public name only");
  });

  test("facets count public acts of the matches only and refine the search", async () => {
    const all = await search(q("Kiani"));
    const years = /<select id="facet-year"[\s\S]*?<\/select>/.exec(all.body)?.[0] ?? "";
    assert.match(years, /value="1988"/, "the public execution's year is offered");
    assert.doesNotMatch(years, /value="1971"|value="1975"/, "a staff act and a draft person give no year");
    assert.deepEqual((await search(`${q("Kiani")}&year=1988`)).people, [ids.kiani]);
    assert.deepEqual((await search(`${q("Kiani")}&year=1971`)).people, []);
    assert.deepEqual((await search(`${q("Behrooz")}&prison=${prison}`)).people.sort(), [ids.kiani, ids.tehrani].sort());
  });

  test("results come in pages; every match is on exactly one page", async () => {
    const first = await search(q("Pagerfamily"));
    const second = await search(`${q("Pagerfamily")}&page=2`);
    assert.equal(first.people.length, PAGE_SIZE);
    assert.equal(second.people.length, 7);
    assert.equal(new Set([...first.people, ...second.people]).size, PAGE_SIZE + 7);
    assert.match(first.body, /page=2"/, "a link to the next page");
    assert.deepEqual((await search(`${q("Pagerfamily")}&page=3`)).people, []);
  });

  test("a record made public shows at once; unpublished, renamed, made staff-only or merged away it disappears", async () => {
    const id = await person([name("Latecomer Zarrinkafsh")], "draft");
    await seen();
    assert.deepEqual((await search(q("Zarrinkafsh"))).people, []);
    let rec = (await getRecord(ctx, id)).record;
    await updateRecord(ctx, id, rec.version, { status: "published" }, "published");
    await seen();
    assert.deepEqual((await search(q("Zarrinkafsh"))).people, [id], "published: found");

    const claim = (await app.deps.store.db.selectFrom("claims").select(["id", "version"]).where("subject_id", "=", id).where("property", "=", "name").executeTakeFirstOrThrow());
    await updateClaim(ctx, claim.id, claim.version, { value: { text: "Latecomer Nikravesh", kind: "full" } }, "spelling");
    await seen();
    assert.deepEqual((await search(q("Zarrinkafsh"))).people, [], "the old name no longer matches");
    const renamed = await search(q("Nikravesh"));
    assert.deepEqual(renamed.people, [id], "the new name does");
    // What a result shows of a person is held in memory beside the facets: it follows the change too.
    assert.match(renamed.body, /Latecomer Nikravesh/);
    assert.doesNotMatch(renamed.body, /Zarrinkafsh/);

    await updateClaim(ctx, claim.id, claim.version + 1, { confidentiality: "staff" }, "protect");
    await seen();
    assert.deepEqual((await search(q("Nikravesh"))).people, [], "a name made staff-only no longer matches");
    await addClaim(ctx, id, name("Latecomer Nikravesh"));
    await seen();
    assert.deepEqual((await search(q("Nikravesh"))).people, [id]);

    rec = (await getRecord(ctx, id)).record;
    await updateRecord(ctx, id, rec.version, { status: "draft" }, "unpublished");
    await seen();
    assert.deepEqual((await search(q("Nikravesh"))).people, [], "unpublished: gone");

    const a = await person([name("Mergeone Doublename")]);
    const b = await person([name("Mergetwo Doublename")]);
    await seen();
    assert.deepEqual((await search(q("Doublename"))).people.sort(), [a, b].sort());
    await mergePeople(ctx, a, b, "same person");
    await seen();
    const after = (await search(q("Doublename"))).people;
    assert.ok(!after.includes(b), "the merged-away record no longer appears");
    assert.ok(after.includes(a));
    assert.ok(!(await search(q("Mergetwo"))).people.includes(b));
  });

  test("each result says what happened: the last public act of a listed kind, its date and its public place, following every change", async () => {
    /** The text of a person's line in the results. */
    const line = async (query: string, id: string): Promise<string> => {
      const { body } = await search(q(query));
      const li = [...body.matchAll(/<li>([\s\S]*?)<\/li>/g)].map((m) => m[1]!).find((x) => x.includes(`/people/${id}`));
      assert.ok(li, `${id} is listed for ${query}`);
      return li.replace(/<[^>]+>/g, "");
    };
    const hiddenPlace = (await createRecord(ctx, { type: "place", kind: "prison", status: "published", confidentiality: "staff", synthetic: true, label: "Unnamedsite Prison" }, "test")).id;
    const act = (term: string, date: string, placeId = prison): ClaimInput => ({ property: "act", term, placeId, date, confidence: "confirmed", confidentiality: "public", citations: [{ sourceId: source }] });
    const id = await person([name("Summary Sarvestani"), act("arrest", "1367/01/01"), act("death_sentence", "1367/05/01"), act("execution", "1367/05/10")]);
    const elsewhere = await person([name("Elsewhere Sarvestani"), act("execution", "1367/06/01", hiddenPlace)]);
    await seen();
    const first = await line("Summary Sarvestani", id);
    assert.match(first, /execution/, "the execution sums up the story, not the arrest or the sentence before it");
    assert.match(first, /Sample Prison/);
    assert.match(first, /1988/, "with its date");
    assert.doesNotMatch(await line("Kiani", ids.hiddenAct!), /execution/, "a staff-only act is not told");
    const other = await line("Elsewhere Sarvestani", elsewhere);
    assert.match(other, /execution/);
    assert.doesNotMatch(other, /Unnamedsite/, "a place that is not public is not named");

    const execution = await app.deps.store.db.selectFrom("claims").select(["id", "version"]).where("subject_id", "=", id).where("term", "=", "execution").executeTakeFirstOrThrow();
    await updateClaim(ctx, execution.id, execution.version, { confidentiality: "staff" }, "protect");
    await seen();
    const after = await line("Summary Sarvestani", id);
    assert.doesNotMatch(after, /execution/, "an act made staff-only is no longer told");
    assert.match(after, /death sentence/, "the listed act before it sums up instead");
  });

  test("a place renamed or made staff-only is shown by its new name, or no longer named, in facets and results", async () => {
    const site = (await createRecord(ctx, { type: "place", kind: "prison", status: "published", confidentiality: "public", synthetic: true, label: "Firstname Prison" }, "test")).id;
    const id = await person([name("Placed Khorramdel"), { property: "act", term: "execution", placeId: site, date: "1367/05/12", confidence: "confirmed", confidentiality: "public", citations: [{ sourceId: source }] }]);
    await seen();
    let r = await search(q("Khorramdel"));
    assert.deepEqual(r.people, [id]);
    assert.match(r.body, /Firstname Prison/, "named in the facets and the result");
    let rec = (await getRecord(ctx, site)).record;
    await updateRecord(ctx, site, rec.version, { label: "Secondname Prison" }, "renamed");
    await seen();
    r = await search(q("Khorramdel"));
    assert.doesNotMatch(r.body, /Firstname Prison/);
    assert.match(r.body, /Secondname Prison/);
    rec = (await getRecord(ctx, site)).record;
    await updateRecord(ctx, site, rec.version, { confidentiality: "staff" }, "protect");
    await seen();
    r = await search(q("Khorramdel"));
    assert.deepEqual(r.people, [id], "the person is still found");
    assert.doesNotMatch(r.body, /Secondname Prison|Firstname Prison/, "a place made staff-only is named nowhere");
    assert.doesNotMatch(r.body, new RegExp(site), "nor linked or offered as a facet");
  });

  test("a place's public label is found by its name; a staff place is not", async () => {
    await createRecord(ctx, { type: "place", kind: "cemetery", status: "published", confidentiality: "staff", synthetic: true, label: "Hiddenplace Cemetery", labelFa: "گورستان پنهان" }, "test");
    await seen();
    const r = await search(q("Sample Prison"));
    assert.match(r.body, new RegExp(`/places/${prison}`));
    assert.doesNotMatch((await search(q("Hiddenplace"))).body, /places\/plc_/);
  });
});
