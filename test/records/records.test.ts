import { test } from "node:test";
import assert from "node:assert/strict";
import { sql } from "kysely";
import { forEachStore } from "../helpers/store.ts";
import { makeCtx, SYSTEM, type Actor } from "../../src/core/context.ts";
import type { VigilError } from "../../src/core/errors.ts";
import {
  addClaim,
  createRecord,
  getRecord,
  mergePeople,
  recordHistory,
  restoreVersion,
  retractClaim,
  searchRecords,
  seedVocabularies,
  undoMerge,
  updateClaim,
  updateRecord,
  viewVersion,
} from "../../src/records/index.ts";

const editor: Actor = { id: "usr_editor", role: "editor" };
const viewer: Actor = { id: "usr_viewer", role: "viewer" };

async function count(db: ReturnType<typeof makeCtx>["db"], table: "records" | "claims" | "citations" | "changes"): Promise<number> {
  const r = await db.selectFrom(table).select(sql<number>`count(*)`.as("n")).executeTakeFirstOrThrow();
  return Number(r.n);
}

forEachStore("records core", (fixture) => {
  let sourceId = "";

  test("a source and a person with a Persian name and a Jalali date", async () => {
    const { store } = fixture();
    await seedVocabularies(store.db);
    const ctx = makeCtx(store, editor);
    const source = await createRecord(ctx, { type: "source", kind: "article", label: "Test article", status: "published", confidentiality: "public", text: "Two men were executed in recent weeks." });
    sourceId = source.id;
    const person = await createRecord(ctx, {
      type: "person",
      status: "published",
      confidentiality: "public",
      claims: [
        { property: "name", value: { text: "بهروز احسانی", kind: "full" }, confidence: "confirmed", confidentiality: "public", citations: [{ sourceId }] },
        { property: "name", value: { text: "Behrouz Ehsani", kind: "full" }, confidence: "confirmed", confidentiality: "public", citations: [{ sourceId, locator: "para 7" }] },
        { property: "act", term: "execution", date: "1367/05/12", confidence: "probable", confidentiality: "public", citations: [{ sourceId }] },
      ],
    });
    assert.equal(person.label, "Behrouz Ehsani");
    assert.equal(person.labelFa, "بهروز احسانی");
    const view = await getRecord(ctx, person.id);
    const act = view.claims.find((c) => c.property === "act")!;
    assert.equal(act.date?.earliest, "1988-08-03");
    assert.equal(act.date?.text, "1367/05/12");
    assert.equal(act.date?.calendar, "jalali");
    assert.equal(view.claims.find((c) => c.valueText === "Behrouz Ehsani")?.citations[0]?.locator, "para 7");
  });

  test("search finds names in both scripts and in variant spellings, and source text", async () => {
    const { store } = fixture();
    const ctx = makeCtx(store, editor);
    for (const q of ["Behrouz", "behrooz ehsani", "بهروز", "احسانی", "Ehsan", "BEHROUZ"]) {
      const hits = await searchRecords(ctx, q, { types: ["person"] });
      assert.equal(hits.length, 1, `query ${q}`);
    }
    assert.equal((await searchRecords(ctx, "Mehdi", { types: ["person"] })).length, 0);
    const text = await searchRecords(ctx, "executed weeks", { includeText: true });
    assert.deepEqual(text.map((h) => h.id), [sourceId]);
  });

  test("a claim without a source cannot exist; unknown terms and bad dates are refused with their field", async () => {
    const { store } = fixture();
    const ctx = makeCtx(store, editor);
    const before = { records: await count(store.db, "records"), claims: await count(store.db, "claims"), changes: await count(store.db, "changes") };
    const attempt = (claims: Parameters<typeof createRecord>[1]["claims"]) => createRecord(ctx, { type: "person", claims });
    await assert.rejects(attempt([{ property: "name", value: { text: "X" }, confidence: "confirmed", confidentiality: "public", citations: [] }]), (e: VigilError) => e.problems.some((p) => p.field === "claims[0].citations"));
    await assert.rejects(attempt([{ property: "act", term: "beheading_by_robot", confidence: "confirmed", confidentiality: "public", citations: [{ sourceId }] }]), (e: VigilError) => e.problems.some((p) => p.field === "claims[0].term" && /unknown term/.test(p.message)));
    await assert.rejects(attempt([{ property: "act", term: "execution", date: "1367/13/40", confidence: "confirmed", confidentiality: "public", citations: [{ sourceId }] }]), (e: VigilError) => e.problems.some((p) => p.field === "claims[0].date" && p.message.includes("1367/13/40")));
    await assert.rejects(attempt([{ property: "name", value: { text: "Y" }, confidence: "confirmed", confidentiality: "public", citations: [{ sourceId: "src_doesnotexist" }] }]), /does not exist/);
    // A later claim failing leaves the earlier valid one unwritten too.
    await assert.rejects(
      attempt([
        { property: "name", value: { text: "Valid Name" }, confidence: "confirmed", confidentiality: "public", citations: [{ sourceId }] },
        { property: "age", value: { age: 500 }, confidence: "confirmed", confidentiality: "public", citations: [{ sourceId }] },
      ]),
      (e: VigilError) => e.problems.some((p) => p.field === "claims[1].value.age"),
    );
    assert.deepEqual({ records: await count(store.db, "records"), claims: await count(store.db, "claims"), changes: await count(store.db, "changes") }, before);
  });

  test("concurrent edits are detected; history records who, when, before and after; restore brings a version back", async () => {
    const { store } = fixture();
    const ctx = makeCtx(store, editor);
    const event = await createRecord(ctx, { type: "event", kind: "mass_execution", label: "Synthetic event", date: "summer 1988" });
    const v2 = await updateRecord(ctx, event.id, 1, { label: "Synthetic event, renamed", date: "1367" }, "better title");
    assert.equal(v2.version, 2);
    assert.equal(v2.label, "Synthetic event, renamed");
    await assert.rejects(updateRecord(ctx, event.id, 1, { label: "stale edit" }), (e: VigilError) => e.code === "conflict");
    const history = await recordHistory(ctx, event.id);
    assert.deepEqual(history.map((h) => h.action), ["update", "create"]);
    assert.equal(history[0]!.actor, "usr_editor");
    assert.equal(history[0]!.reason, "better title");
    assert.equal((history[0]!.before as { data: { title: string } }).data.title, "Synthetic event");
    const v1 = await viewVersion(ctx, event.id, 1);
    assert.equal((v1.date as { text: string }).text, "summer 1988");
    await restoreVersion(ctx, event.id, 1, "undo rename");
    const now = await getRecord(ctx, event.id);
    assert.equal(now.record.label, "Synthetic event");
    assert.equal(now.record.date?.text, "summer 1988");
    assert.equal(now.record.version, 3);
  });

  test("claims: edit with version check, retract, restore", async () => {
    const { store } = fixture();
    const ctx = makeCtx(store, editor);
    const p = await createRecord(ctx, { type: "person", claims: [{ property: "name", value: { text: "Synthetic Person A" }, confidence: "possible", confidentiality: "staff", citations: [{ sourceId }] }] });
    const age = await addClaim(ctx, p.id, { property: "age", value: { age: 28 }, date: "1367", confidence: "probable", confidentiality: "staff", citations: [{ sourceId }] });
    const age2 = await updateClaim(ctx, age.id, 1, { value: { age: 29 } }, "second reading");
    assert.equal(age2.value.age, 29);
    await assert.rejects(updateClaim(ctx, age.id, 1, { value: { age: 30 } }), (e: VigilError) => e.code === "conflict");
    await retractClaim(ctx, age.id, 2, "misread");
    assert.equal((await getRecord(ctx, p.id)).claims.some((c) => c.id === age.id), false);
    await restoreVersion(ctx, age.id, 1, "it was right");
    const restored = (await getRecord(ctx, p.id)).claims.find((c) => c.id === age.id)!;
    assert.equal(restored.value.age, 28);
    assert.equal(restored.status, "active");
  });

  test("merging two people keeps both ids resolving and can be undone", async () => {
    const { store } = fixture();
    const ctx = makeCtx(store, editor);
    const a = await createRecord(ctx, { type: "person", claims: [{ property: "name", value: { text: "Synthetic Karimi" }, confidence: "confirmed", confidentiality: "staff", citations: [{ sourceId }] }] });
    const b = await createRecord(ctx, { type: "person", claims: [{ property: "name", value: { text: "کریمی مصنوعی" }, confidence: "confirmed", confidentiality: "staff", citations: [{ sourceId }] }] });
    const { mergeId } = await mergePeople(ctx, a.id, b.id, "same person in two lists");
    const viaB = await getRecord(ctx, b.id);
    assert.equal(viaB.record.id, a.id);
    assert.deepEqual(viaB.mergedFrom, [b.id]);
    assert.equal(viaB.claims.filter((c) => c.property === "name").length, 2);
    assert.equal((await searchRecords(ctx, "کریمی")).map((h) => h.id).includes(a.id), true);
    await undoMerge(ctx, mergeId, "they were different people");
    const back = await getRecord(ctx, b.id);
    assert.equal(back.record.id, b.id);
    assert.equal(back.claims.length, 1);
    assert.equal((await getRecord(ctx, a.id)).claims.length, 1);
    await assert.rejects(undoMerge(ctx, mergeId, "again"), (e: VigilError) => e.code === "conflict");
  });

  test("confidentiality: restricted claims never reach a viewer; public search sees public names only", async () => {
    const { store } = fixture();
    const ctx = makeCtx(store, SYSTEM);
    const marker = "CANARY-WITNESS-7f3a";
    const p = await createRecord(ctx, {
      type: "person",
      status: "published",
      confidentiality: "public",
      claims: [
        { property: "name", value: { text: "Synthetic Public Name" }, confidence: "confirmed", confidentiality: "public", citations: [{ sourceId }] },
        { property: "name", value: { text: `Synthetic Staffname` }, confidence: "confirmed", confidentiality: "staff", citations: [{ sourceId }] },
        { property: "name", value: { text: marker, kind: "alias" }, confidence: "confirmed", confidentiality: "restricted", citations: [{ sourceId }] },
      ],
    });
    const seen = await getRecord(makeCtx(store, viewer), p.id);
    assert.equal(JSON.stringify(seen).includes(marker), false);
    assert.equal(seen.hiddenClaims, 1);
    assert.equal((await searchRecords(makeCtx(store, viewer), marker)).length, 0);
    assert.equal((await searchRecords(ctx, marker)).length, 1);
    assert.equal((await searchRecords(makeCtx(store, viewer), "Staffname", { publicOnly: true })).length, 0);
    assert.equal((await searchRecords(makeCtx(store, viewer), "Staffname")).length, 1);
    assert.equal(seen.record.label.includes(marker), false);
  });

  test("roles: a viewer cannot write", async () => {
    const { store } = fixture();
    await assert.rejects(createRecord(makeCtx(store, viewer), { type: "event", label: "x" }), (e: VigilError) => e.code === "forbidden");
  });
});
