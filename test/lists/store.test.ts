import { test } from "node:test";
import assert from "node:assert/strict";
import { sql } from "kysely";
import { forEachStore } from "../helpers/store.ts";
import { makeCtx, type Actor } from "../../src/core/context.ts";
import { VigilError } from "../../src/core/errors.ts";
import { getRecord, seedVocabularies } from "../../src/records/index.ts";
import { importList, parseMapping, type ListTables } from "../../src/lists/index.ts";
import { acceptCluster, linkStoredLists, recordDecision, reviewQueue, undoAcceptance } from "../../src/linkage/index.ts";

const editor: Actor = { id: "usr_editor", role: "editor" };
const viewer: Actor = { id: "usr_viewer", role: "viewer" };

// SYNTHETIC lists: made-up people with common names.
const FA = Buffer.from(
  [
    "ردیف,نام,نام خانوادگی,نام پدر,سن,تاریخ اعدام,محل اعدام",
    "۱,محمد,حسینی,علی,۲۵,۱۳۶۷/۰۵/۱۲,زندان اوین",
    "۲,زهرا,رضایی,حسن,۳۰,۱۳۶۷/۰۶/۰۱,گوهردشت",
    "۳,بهروز,کریمی,رضا,۲۲,۱۳۶۷/۰۵/۱۰,زندان اوین",
  ].join("\n"),
);
const EN = Buffer.from(["No,Name,Father,Born,Place of death", "1,\"Hosseini, Mohammad\",Ali,1963,Evin Prison", "2,Zahra Rezaee,Hassan,1958,Gohardasht", "3,Behrooz Karimi,Reza,1966,Evin", "4,MUHAMMAD HUSSEINI,Aly,1963,Evin"].join("\n"));
const faMapping = parseMapping({ list_name: "fa-list", columns: { ردیف: "id", نام: "given_name", "نام خانوادگی": "family_name", "نام پدر": "father_name", سن: "age", "تاریخ اعدام": "date_of_death", "محل اعدام": "place_of_death" }, calendar: "jalali", name_order: "auto", day_month_order: "dmy" });
const enMapping = parseMapping({ list_name: "en-list", columns: { No: "id", Name: "full_name", Father: "father_name", Born: "birth_year", "Place of death": "place_of_death" }, calendar: "gregorian", name_order: "auto", day_month_order: "dmy" });

forEachStore("lists and linkage on the database", (fixture) => {
  const entries = async (ctx: ReturnType<typeof makeCtx>) => ctx.db.withTables<ListTables>().selectFrom("list_entries").selectAll().orderBy("list_name").orderBy("row_number").execute();
  const clusterOf = async (ctx: ReturnType<typeof makeCtx>, list: string, rowId: string) => (await entries(ctx)).find((e) => e.list_name === list && e.row_id === rowId)!.cluster;

  test("a list imports whole, once; a bad list imports nothing", async () => {
    const { store } = fixture();
    await seedVocabularies(store.db);
    const ctx = makeCtx(store, editor);
    await assert.rejects(importList(makeCtx(store, viewer), { bytes: FA, file: "fa.csv", mapping: faMapping }), (e: unknown) => e instanceof VigilError && e.code === "forbidden");
    const bad = Buffer.from(`${FA.toString()}\n۴,علی,کاظمی,حسین,بیست,۱۳۶۷/۰۵/۱۲,اوین`);
    await assert.rejects(importList(ctx, { bytes: bad, file: "fa.csv", mapping: faMapping }), /1 row of fa.csv cannot be read \(row 4, column "سن": "بیست" is not an age\)/);
    assert.equal((await entries(ctx)).length, 0, "nothing of the bad list was written");
    const r = await importList(ctx, { bytes: FA, file: "fa.csv", mapping: faMapping });
    assert.equal(r.rows, 3);
    assert.equal(r.alreadyImported, false);
    const again = await importList(ctx, { bytes: FA, file: "fa.csv", mapping: faMapping });
    assert.equal(again.alreadyImported, true);
    assert.equal(again.sourceId, r.sourceId);
    assert.equal((await entries(ctx)).length, 3, "importing the same file again changes nothing");
    await assert.rejects(importList(ctx, { bytes: bad, file: "fa2.csv", mapping: faMapping, skipBad: true }), /a different file was already imported as list "fa-list"/);
    const source = await getRecord(ctx, r.sourceId);
    assert.equal(source.record.type, "source");
    assert.equal(source.record.kind, "published_list");
    const first = (await entries(ctx))[0]!;
    assert.equal((JSON.parse(first.raw) as Record<string, string>)["نام خانوادگی"], "حسینی", "the row is kept verbatim");
    await importList(ctx, { bytes: EN, file: "en.csv", mapping: enMapping });
  });

  test("linking finds people across lists and scripts; the queue shows rows as written", async () => {
    const { store } = fixture();
    const ctx = makeCtx(store, editor);
    const s = await linkStoredLists(ctx);
    assert.equal(s.entries, 7);
    assert.equal(await clusterOf(ctx, "fa-list", "۱"), await clusterOf(ctx, "en-list", "1"));
    assert.equal(await clusterOf(ctx, "en-list", "1"), await clusterOf(ctx, "en-list", "4"));
    assert.equal(await clusterOf(ctx, "fa-list", "۳"), await clusterOf(ctx, "en-list", "3"));
    assert.notEqual(await clusterOf(ctx, "fa-list", "۱"), await clusterOf(ctx, "fa-list", "۳"));
    const queue = await reviewQueue(ctx);
    for (const item of queue) for (const e of item.entries) assert.ok(Object.keys(e.columns).length > 0);
  });

  test("a rejection is respected when linking again", async () => {
    const { store } = fixture();
    const ctx = makeCtx(store, editor);
    const d = await recordDecision(ctx, { action: "reject", records: [{ list: "fa-list", row_id: "۳" }, { list: "en-list", row_id: "3" }], note: "different people" });
    await linkStoredLists(ctx);
    assert.notEqual(await clusterOf(ctx, "fa-list", "۳"), await clusterOf(ctx, "en-list", "3"));
    await recordDecision(ctx, { action: "undo", target: d.id });
    await linkStoredLists(ctx);
    assert.equal(await clusterOf(ctx, "fa-list", "۳"), await clusterOf(ctx, "en-list", "3"));
    await assert.rejects(recordDecision(ctx, { action: "undo", target: "dec_nope" }), /decision dec_nope not found/);
  });

  test("an accepted cluster becomes one person citing every row; undo releases it", async () => {
    const { store } = fixture();
    const ctx = makeCtx(store, editor);
    const cluster = (await clusterOf(ctx, "fa-list", "۱"))!;
    const r = await acceptCluster(ctx, cluster, "same name, father and prison in three rows");
    assert.equal(r.created, true);
    const person = await getRecord(ctx, r.personId);
    const names = person.claims.filter((c) => c.property === "name").map((c) => (c.value as { text: string }).text);
    for (const n of ["محمد", "حسینی", "Mohammad", "Hosseini", "MUHAMMAD", "HUSSEINI"]) assert.ok(names.includes(n), `${n} in ${names.join(", ")}`);
    const sources = new Set(person.claims.flatMap((c) => c.citations.map((x) => x.sourceId)));
    assert.equal(sources.size, 2, "claims cite both lists");
    assert.ok(person.claims.every((c) => c.citations.every((x) => /^row \d+ \(id .+\)$/.test(x.locator ?? ""))));
    assert.ok(person.claims.some((c) => c.property === "death" && c.date?.earliest === "1988-08-03"));
    const linked = (await entries(ctx)).filter((e) => e.person_id === r.personId);
    assert.equal(linked.length, 3);
    await linkStoredLists(ctx);
    assert.equal(new Set(linked.map((e) => e.cluster)).size, 1);
    await undoAcceptance(ctx, r.decisionId, "accepted by mistake");
    assert.equal((await entries(ctx)).filter((e) => e.person_id === r.personId).length, 0);
    const after = await getRecord(ctx, r.personId, { includeRetracted: true });
    assert.ok(after.claims.length >= 6, "its claims are kept");
    assert.ok(after.claims.every((c) => c.status === "retracted"), "and retracted");
    await assert.rejects(undoAcceptance(ctx, r.decisionId, "again"), /already undone/);
    const n = await ctx.db.withTables<ListTables>().selectFrom("linkage_decisions").select(sql<number>`count(*)`.as("n")).executeTakeFirstOrThrow();
    assert.equal(Number(n.n), 4, "every decision is kept");
  });
});
