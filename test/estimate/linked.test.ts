import assert from "node:assert/strict";
import { test } from "node:test";
import { auditSink } from "../../src/accounts/index.ts";
import { makeCtx, SYSTEM, type Actor } from "../../src/core/context.ts";
import type { VigilError } from "../../src/core/errors.ts";
import { availableLists, getRun, linkedTables, listRuns, loadSyntheticLists, startRun, patternName, UNKNOWN_STRATUM, type CaptureTable, type LoadedSyntheticLists, type SyntheticPerson } from "../../src/estimate/index.ts";
import { mergePeople, retractClaim, seedVocabularies, updateRecord } from "../../src/records/index.ts";
import { forEachStore } from "../helpers/store.ts";
import { fillListTables } from "./lists-fixture.ts";

/**
 * Capture tables built from the lists in the database, on SQLite and
 * PostgreSQL: from citations (people whose claims cite each list) and from
 * the list tables (entries linked to people, or still provisional clusters),
 * stratified by fields derived from claims. Fictional lists with a known
 * answer: the table built from the database must equal the generator's.
 */

const patterns = (t: CaptureTable): Record<string, number> => Object.fromEntries([...t.counts].flatMap((c, p) => (c > 0 ? [[patternName(t.lists, p), c]] : [])));
const viewer: Actor = { id: "usr_viewer_test", role: "viewer" };

forEachStore("capture tables from linked lists", (fixture) => {
  let gen: LoadedSyntheticLists;
  /** Women no longer counted as such after the merge and the retraction below. */
  let womenLost = 0;
  const sys = () => makeCtx(fixture().store, { ...SYSTEM, id: "system:test" }, { audit: auditSink });

  test("loads fictional lists", async () => {
    await seedVocabularies(fixture().store.db);
    gen = await loadSyntheticLists(sys(), {
      total: 240,
      seed: 11,
      lists: [
        { name: "A", p: 0.45 },
        { name: "B", p: 0.4 },
        { name: "C", p: 0.35 },
      ],
      strata: [
        { name: "North", share: 0.6, factor: 1.2 },
        { name: "South", share: 0.4, factor: 0.7 },
      ],
      years: [
        { year: 1988, share: 0.8 },
        { year: 1989, share: 0.2 },
      ],
    });
    assert.ok(gen.observed.length > 100);
  });

  test("the lists are offered with their people, named A, B, C in the order added", async () => {
    const lists = await availableLists(sys());
    assert.deepEqual(lists.map((l) => l.name), ["A", "B", "C"]);
    assert.deepEqual(lists.map((l) => l.sourceId), [...gen.sources.values()]);
    for (const l of lists) assert.equal(l.people, gen.observed.filter((p) => p.lists.includes(l.name)).length);
    assert.ok(lists.every((l) => l.synthetic));
  });

  test("from citations: the table is the generator's, whatever order the lists are chosen in", async () => {
    const built = await linkedTables(sys(), { sources: [...gen.sources.values()].reverse() });
    assert.equal(built.provenance.from, "citations");
    assert.deepEqual(patterns(built.tables.get(null)!), patterns(gen.table));
    assert.equal(built.provenance.people, gen.observed.length);
    assert.equal(built.provenance.synthetic, gen.observed.length);
    assert.equal(built.provenance.hidden, 0);
    assert.deepEqual(built.provenance.lists.map((l) => l.name), ["A", "B", "C"]);
  });

  test("stratified by province (found by going up from the place of death), sex and year of death", async () => {
    const byProvince = await linkedTables(sys(), { sources: [...gen.sources.values()], stratify: "province" });
    assert.equal(byProvince.tables.size, 2);
    for (const [name, placeId] of gen.provinces) {
      assert.deepEqual(patterns(byProvince.tables.get(placeId)!), patterns(gen.byStratum.get(name)!), name);
      assert.equal(byProvince.provenance.stratify!.labels[placeId]!.en, `Province ${name} (synthetic)`);
    }
    const bySex = await linkedTables(sys(), { sources: [...gen.sources.values()], stratify: "sex" });
    const women = gen.observed.filter((p) => p.sex === "female").length;
    const sum = (t: CaptureTable | undefined) => (t ? [...t.counts].reduce((a, b) => a + b, 0) : 0);
    assert.equal(sum(bySex.tables.get("female")), women);
    assert.equal(sum(bySex.tables.get("male")), gen.observed.length - women);
    assert.equal(bySex.provenance.stratify!.labels.female!.fa, "زن");
    const byYear = await linkedTables(sys(), { sources: [...gen.sources.values()], stratify: "death_year" });
    assert.equal(sum(byYear.tables.get("1989")), gen.observed.filter((p) => p.deathYear === 1989).length);
    const byAffiliation = await linkedTables(sys(), { sources: [...gen.sources.values()], stratify: "affiliation" });
    assert.deepEqual([...byAffiliation.tables.keys()], [UNKNOWN_STRATUM]);
    assert.equal(byAffiliation.provenance.stratify!.unknown, gen.observed.length);
  });

  test("merged people count once, on every list their records came from; retracted claims no longer count", async () => {
    // Same sex, year and province, so the strata below stay the generator's; both linked in the list tables below.
    const same = (a: SyntheticPerson, b: SyntheticPerson) => a.sex === b.sex && a.deathYear === b.deathYear && a.stratum === b.stratum;
    const linked = (p: SyntheticPerson) => p.index % 7 !== 0;
    const onlyA = gen.observed.filter((p) => p.lists.join() === "A" && linked(p));
    const onB = gen.observed.find((p) => p.lists.join() === "B" && linked(p) && onlyA.some((a) => same(a, p)))!;
    const onA = onlyA.find((a) => same(a, onB))!;
    if (onA.sex === "female") womenLost++;
    await mergePeople(sys(), gen.personIds.get(onA.index)!, gen.personIds.get(onB.index)!, "the same fictional person on two lists");
    const built = await linkedTables(sys(), { sources: [...gen.sources.values()] });
    const before = patterns(gen.table);
    const after = patterns(built.tables.get(null)!);
    assert.equal(after.A, before.A! - 1);
    assert.equal(after.B, before.B! - 1);
    assert.equal(after["A+B"], (before["A+B"] ?? 0) + 1);
    assert.equal(built.provenance.people, gen.observed.length - 1);

    const onC = gen.observed.find((p) => p.lists.join() === "C" && p.index % 7 !== 0)!;
    if (onC.sex === "female") womenLost++;
    const ctx = sys();
    const claims = await ctx.db.selectFrom("claims").select(["id", "version"]).where("subject_id", "=", gen.personIds.get(onC.index)!).execute();
    for (const c of claims) await retractClaim(ctx, c.id, c.version, "test: retracted");
    const again = await linkedTables(sys(), { sources: [...gen.sources.values()] });
    assert.equal(patterns(again.tables.get(null)!).C, before.C! - 1);
  });

  test("people known only through restricted facts are left out for those who may not read them, and counted as hidden", async () => {
    const target = gen.observed.find((p) => p.lists.join("+") === "A+C")!;
    const id = gen.personIds.get(target.index)!;
    const ctx = sys();
    const rec = await ctx.db.selectFrom("records").select("version").where("id", "=", id).executeTakeFirstOrThrow();
    await updateRecord(ctx, id, rec.version, { confidentiality: "restricted" }, "test: restricted");
    const asViewer = await linkedTables(makeCtx(fixture().store, viewer), { sources: [...gen.sources.values()] });
    const asSystem = await linkedTables(sys(), { sources: [...gen.sources.values()] });
    assert.equal(asViewer.provenance.hidden, 1);
    assert.equal(patterns(asViewer.tables.get(null)!)["A+C"], patterns(asSystem.tables.get(null)!)["A+C"]! - 1);
    assert.equal(asViewer.provenance.restrictedUsed, false);
    assert.equal(asSystem.provenance.restrictedUsed, true);
  });

  test("an estimate built with restricted facts is hidden from those who may not read them", async () => {
    const run = await startRun(sys(), { sources: [...gen.sources.values()] });
    assert.equal(run.status, "done");
    assert.equal(run.includesRestricted, true);
    const asViewer = makeCtx(fixture().store, viewer);
    await assert.rejects(getRun(asViewer, run.id), (e: VigilError) => e.code === "not_found");
    assert.ok(!(await listRuns(asViewer)).items.some((r) => r.id === run.id));
    assert.ok((await listRuns(sys())).items.some((r) => r.id === run.id));
  });

  test("refuses fewer than 2 lists, lists that are not published lists, and unknown strata fields", async () => {
    const ids = [...gen.sources.values()];
    await assert.rejects(linkedTables(sys(), { sources: [ids[0]!] }), (e: VigilError) => e.code === "validation" && e.where?.field === "sources");
    await assert.rejects(linkedTables(sys(), { sources: [ids[0]!, [...gen.provinces.values()][0]!] }), /not a published list/);
    await assert.rejects(linkedTables(sys(), { sources: ids, stratify: "religion" as never }), /cannot stratify/);
    await assert.rejects(linkedTables(makeCtx(fixture().store, { id: "public", role: "public" }), { sources: ids }), (e: VigilError) => e.code === "unauthenticated");
  });

  test("from the list tables: accepted entries by person, the rest by linkage cluster; the review queue's share is reported", async () => {
    const filled = await fillListTables(fixture().store, gen, { unlinkedEvery: 7, reviewEvery: 10 });
    const built = await linkedTables(sys(), { sources: [...gen.sources.values()] });
    assert.equal(built.provenance.from, "list_entries");
    // Entries follow their person through the merge above (A and B became A+B); a retracted claim does not remove a list's row.
    const expected = patterns(gen.table);
    expected.A! -= 1;
    expected.B! -= 1;
    expected["A+B"] = (expected["A+B"] ?? 0) + 1;
    assert.deepEqual(patterns(built.tables.get(null)!), expected);
    assert.equal(built.provenance.provisional, gen.observed.filter((p) => p.index % 7 === 0).length);
    assert.deepEqual(built.provenance.linkage, { entries: filled.entries, inReview: filled.inReview.length, reviewItems: Math.ceil(filled.inReview.length / 2) });
    const bySex = await linkedTables(sys(), { sources: [...gen.sources.values()], stratify: "sex" });
    const women = gen.observed.filter((p) => p.sex === "female").length;
    assert.equal([...bySex.tables.get("female")!.counts].reduce((a, b) => a + b, 0), women - womenLost);
  });
});
