import { test } from "node:test";
import assert from "node:assert/strict";
import { inspect } from "node:util";
import { auditSink } from "../../src/accounts/index.ts";
import { loadConfig } from "../../src/config/index.ts";
import { makeCtx, SYSTEM, type Ctx } from "../../src/core/context.ts";
import { parseDate } from "../../src/core/dates.ts";
import { VigilError } from "../../src/core/errors.ts";
import { addClaim, createRecord, getRecord, seedVocabularies } from "../../src/records/index.ts";
import {
  addSource,
  classifyItem,
  completePerson,
  confirmItem,
  createWatch,
  dismissItem,
  draftFromItem,
  getSource,
  getTriageItem,
  listTriage,
  publicTrendSeries,
  publicWatchlist,
  recordStep,
  reopenItem,
  setArticleCapturer,
  staffExecutionRecords,
  StoreMonitorRepository,
  suggestMatches,
  triageView,
  trendSeries,
  type ConfirmInput,
} from "../../src/monitor/index.ts";
import { forEachStore } from "../helpers/store.ts";

/** Fictional items; the people in them are invented for these tests. */
const ITEMS = {
  en: { title: "Supreme Court upholds death sentence of Kamran Rostami", text: "Iran's Supreme Court has upheld the death sentence of Kamran Rostami, a political prisoner held in Urmia Central Prison, on the charge of baghi, on 20 July 2025." },
  group: { title: "اعدام دسته‌جمعی در زندان قزل‌حصار", text: "دست‌کم ۱۴ زندانی بامداد ۵ مرداد ۱۴۰۴ در زندان قزل‌حصار اعدام شدند." },
  rain: { title: "Executions of 1988 remembered", text: "Families gathered to remember the executions of summer 1988 at Khavaran." },
};

async function seedItems(ctx: Ctx): Promise<Record<keyof typeof ITEMS | "source", string>> {
  const src = await addSource(ctx, { url: `https://news.example.org/feed-${Math.random().toString(36).slice(2)}.xml` });
  const now = new Date().toISOString();
  await new StoreMonitorRepository(ctx.store).addItems(
    Object.entries(ITEMS).map(([key, it]) => ({ sourceId: src.id, key, url: `https://news.example.org/${key}`, title: it.title, text: it.text, published: "2025-07-27T06:00:00.000Z", fetchedAt: now, classification: classifyItem({ id: key, ...it, published: "2025-07-27T06:00:00.000Z" }) })),
  );
  const all = await listTriage(ctx, { status: "all", labelledOnly: false, sourceId: src.id });
  return { ...(Object.fromEntries(Object.keys(ITEMS).map((k) => [k, all.find((i) => i.url === `https://news.example.org/${k}`)!.id])) as Record<keyof typeof ITEMS, string>), source: src.id };
}

const countRecords = async (ctx: Ctx): Promise<number> => Number((await ctx.db.selectFrom("records").select((eb) => eb.fn.countAll<number>().as("n")).executeTakeFirstOrThrow()).n);

forEachStore("triage into records", (fixture) => {
  test("an existing person is found across scripts, gains the act and the spelling it lacked, and nothing else", async () => {
    const { store } = fixture();
    await seedVocabularies(store.db);
    const ctx = makeCtx(store, { id: "u-editor", role: "editor" }, { audit: auditSink });
    const ids = await seedItems(ctx);
    const list = await createRecord(ctx, { type: "source", label: "A published list (synthetic)" });
    const existing = await createRecord(ctx, { type: "person", claims: [{ property: "name", value: { text: "کامران رستمی" }, confidence: "confirmed", confidentiality: "staff", citations: [{ sourceId: list.id }] }] });

    const view = await triageView(ctx, ids.en);
    const person = view.draft.people.find((p) => p.kind === "individual")!;
    assert.equal(person.nameEn, "Kamran Rostami");
    assert.equal(person.actType, "sentence_upheld");
    assert.deepEqual(person.charges, ["baghi"]);
    assert.equal(person.date, "2025-07-20");
    assert.equal(view.matches[0]![0]!.id, existing.id, "the Persian-script record is suggested for the Latin-script name");
    assert.ok(view.matches[0]![0]!.probability > 0.5, `probability ${view.matches[0]![0]!.probability}`);
    assert.deepEqual(view.matches[0]![0]!.fields.filter((f) => f.agreement === "agrees").map((f) => f.field), ["given", "family"], "the names agree across scripts; nothing else is recorded to compare");
    assert.deepEqual((await suggestMatches(ctx, ["Dariush Nobody"])).map((m) => m.id), []);

    const input: ConfirmInput = { source: view.draft.source, people: [{ ...completePerson(person), match: existing.id, nameFa: "کامران رستمی", place: "" }] };
    const r = await confirmItem(ctx, ids.en, input);
    assert.deepEqual(r.personIds, [existing.id]);
    const after = await getRecord(ctx, existing.id);
    const names = after.claims.filter((c) => c.property === "name").map((c) => c.valueText).sort();
    assert.deepEqual(names, ["Kamran Rostami", "کامران رستمی"], "the Latin spelling is added, the Persian one not repeated");
    const act = after.claims.find((c) => c.property === "act")!;
    assert.equal(act.term, "sentence_upheld");
    assert.equal(act.citations[0]!.sourceId, r.sourceId);
    assert.equal(act.citations[0]!.locator, "https://news.example.org/en");
    assert.match(act.citations[0]!.quote!, /upheld the death sentence of Kamran Rostami/);
    const source = await getRecord(ctx, r.sourceId);
    assert.equal(source.record.kind, "article");
    assert.equal(source.record.label, ITEMS.en.title);
    assert.equal(source.record.date!.earliest, "2025-07-27");
    // Twice is refused.
    await assert.rejects(confirmItem(ctx, ids.en, input), (e: unknown) => e instanceof VigilError && e.code === "conflict");
  });

  test("a counted group becomes a group record; the trend counts its people when confirmed; the public sees only public facts", async () => {
    const { store } = fixture();
    await seedVocabularies(store.db);
    const ctx = makeCtx(store, { id: "u-editor", role: "editor" }, { audit: auditSink });
    const ids = await seedItems(ctx);
    const watched = await getSource(ctx, ids.source);
    assert.deepEqual([watched.items, watched.labelled], [3, 2], "the 1988 remembrance is not labelled");
    const item = await getTriageItem(ctx, ids.group);
    assert.deepEqual(item.labels, ["execution_report"]);
    const draft = draftFromItem(item);
    const group = draft.people.find((p) => p.kind === "group")!;
    assert.equal(group.include, true, "with nobody named, the group is ticked");
    assert.equal(group.count, 14);
    assert.equal(group.date, "1404-05-05");
    const before = await countRecords(ctx);
    const r = await confirmItem(ctx, ids.group, { source: draft.source, people: [{ ...completePerson(group), confidence: "confirmed" }] });
    assert.equal(r.placeIds.length, 1, "the prison became a place record");
    assert.equal(await countRecords(ctx), before + 3, "a source, a group and a place");
    const rec = await getRecord(ctx, r.personIds[0]!);
    assert.equal(rec.record.kind, "group");
    assert.equal(rec.claims.find((c) => c.property === "count")!.value.count, 14);

    const weekly = trendSeries(await staffExecutionRecords(ctx), "2025-08-31").weekly;
    assert.equal(weekly.points.find((p) => p.start === "2025-07-21")!.count, 14);
    // Not public: the public trend and the public watchlist show nothing of it.
    assert.equal((await publicTrendSeries(store.db, "2025-08-31")).weekly.points.reduce((s, p) => s + p.count, 0), 0);

    // Published with public claims, it counts publicly too; a watched public person appears with their public status only.
    const sys = makeCtx(store, SYSTEM);
    const src = await createRecord(sys, { type: "source", label: "Public report (synthetic)", status: "published", confidentiality: "public" });
    const pub = await createRecord(sys, {
      type: "person",
      status: "published",
      confidentiality: "public",
      claims: [
        { property: "name", value: { text: "Nasrin Fictional" }, confidence: "confirmed", confidentiality: "public", citations: [{ sourceId: src.id }] },
        { property: "act", term: "execution", date: "2025-07-22", confidence: "confirmed", confidentiality: "public", citations: [{ sourceId: src.id }] },
      ],
    });
    const hidden = await createRecord(sys, { type: "person", status: "published", confidentiality: "public", claims: [{ property: "name", value: { text: "Parisa Fictional" }, confidence: "confirmed", confidentiality: "public", citations: [{ sourceId: src.id }] }] });
    await addClaim(sys, hidden.id, { property: "act", term: "sentence_upheld", date: "2025-07-01", confidence: "confirmed", confidentiality: "staff", citations: [{ sourceId: src.id }] });
    const staffOnly = await createRecord(sys, { type: "person", confidentiality: "staff", claims: [{ property: "name", value: { text: "Dariush Fictional" }, confidence: "confirmed", confidentiality: "staff", citations: [{ sourceId: src.id }] }] });
    const upheld = await createRecord(sys, {
      type: "person",
      status: "published",
      confidentiality: "public",
      claims: [
        { property: "name", value: { text: "Kamran Fictional" }, confidence: "confirmed", confidentiality: "public", citations: [{ sourceId: src.id }] },
        { property: "act", term: "death_sentence", date: "2025-03-01", confidence: "confirmed", confidentiality: "public", citations: [{ sourceId: src.id }] },
        { property: "act", term: "sentence_upheld", date: "2025-07-01", confidence: "confirmed", confidentiality: "public", citations: [{ sourceId: src.id }] },
      ],
    });
    for (const p of [pub, hidden, staffOnly, upheld]) {
      const w = await createWatch(ctx, { names: [p.label || "x y"], personId: p.id });
      // A staff step with a confidential source: never shown publicly.
      await recordStep(ctx, w.id, { kind: "transferred_to_solitary", date: parseDate("2025-07-25"), sources: [{ title: "CANARY private call with the family" }] });
    }
    const pw = await publicWatchlist(store.db);
    assert.deepEqual(pw.map((e) => e.personId), [upheld.id], "only the public, published person with a public act still at risk");
    assert.equal(pw[0]!.status, "sentence_upheld", "the status comes from public claims, not from staff steps");
    assert.equal(pw[0]!.label, "Kamran Fictional");
    assert.ok(!JSON.stringify(pw).includes("CANARY"));
    assert.deepEqual((await publicWatchlist(store.db, { includeEnded: true })).map((e) => e.personId).sort(), [pub.id, upheld.id].sort());
    const publicWeek = (await publicTrendSeries(store.db, "2025-08-31")).weekly.points.find((p) => p.start === "2025-07-21")!;
    assert.equal(publicWeek.count, 1, "the public trend counts the public execution only");
  });

  test("the form's problems come back at their fields, and a failure leaves nothing written", async () => {
    const { store } = fixture();
    await seedVocabularies(store.db);
    const ctx = makeCtx(store, { id: "u-editor", role: "editor" }, { audit: auditSink });
    const ids = await seedItems(ctx);
    const draft = draftFromItem(await getTriageItem(ctx, ids.en));
    const p = completePerson(draft.people[0]!);
    const before = await countRecords(ctx);
    await assert.rejects(
      confirmItem(ctx, ids.en, { source: { ...draft.source, title: "", titleFa: "", url: "javascript:alert(1)" }, people: [{ ...p, nameEn: "", nameFa: "", charges: ["witchcraft"], date: "1404/13/40", place: "plc_nowhere" }, { ...p, kind: "group", count: 0, match: "per_missing" }] }),
      (e: unknown) => {
        assert.ok(e instanceof VigilError && e.code === "validation");
        const fields = e.problems.map((x) => x.field).sort();
        for (const f of ["source.title", "source.url", "people[0].nameEn", "people[0].place", "people[0].act.date", "people[0].act.value.charges", "people[1].match", "people[1].count"]) assert.ok(fields.includes(f), `${f} in ${fields.join(", ")}`);
        return true;
      },
    );
    // A failure inside the transaction (here the vault refusing) undoes everything.
    const prev = setArticleCapturer(async () => {
      throw new Error("the vault is unavailable");
    });
    try {
      await assert.rejects(confirmItem(ctx, ids.en, { source: draft.source, people: [p] }), /vault is unavailable/);
    } finally {
      setArticleCapturer(prev);
    }
    assert.equal(await countRecords(ctx), before);
    assert.equal((await getTriageItem(ctx, ids.en)).status, "new");
  });

  test("only editors triage; dismissing needs a reason; a dismissed item can be reopened, a confirmed one not", async () => {
    const { store } = fixture();
    await seedVocabularies(store.db);
    const ctx = makeCtx(store, { id: "u-editor", role: "editor" }, { audit: auditSink });
    const ids = await seedItems(ctx);
    const draft = draftFromItem(await getTriageItem(ctx, ids.en));
    for (const role of ["viewer", "researcher"] as const) {
      const other = makeCtx(store, { id: `u-${role}`, role });
      await assert.rejects(confirmItem(other, ids.en, { source: draft.source, people: [] }), (e: unknown) => e instanceof VigilError && e.code === "forbidden");
      await assert.rejects(dismissItem(other, ids.en, "no"), (e: unknown) => e instanceof VigilError && e.code === "forbidden");
      assert.ok((await listTriage(other)).length > 0, `${role}s read the queue`);
    }
    await assert.rejects(dismissItem(ctx, ids.en, "   "), (e: unknown) => e instanceof VigilError && e.code === "validation" && e.where?.field === "reason");
    await dismissItem(ctx, ids.en, "a duplicate of another report");
    const d = await getTriageItem(ctx, ids.en);
    assert.equal(d.status, "dismissed");
    assert.equal(d.decision!.reason, "a duplicate of another report");
    await reopenItem(ctx, ids.en);
    assert.equal((await getTriageItem(ctx, ids.en)).status, "new");
    await confirmItem(ctx, ids.en, { source: draft.source, people: [] });
    await assert.rejects(reopenItem(ctx, ids.en), (e: unknown) => e instanceof VigilError && e.code === "conflict");
    const audit = await store.db.withTables<{ audit_log: { action: string; target_id: string | null } }>().selectFrom("audit_log").select("action").where("target_id", "=", ids.en).execute();
    assert.deepEqual(audit.map((a) => a.action).sort(), ["monitor.triage.confirm", "monitor.triage.dismiss", "monitor.triage.reopen"]);
  });
});

test("SMTP settings: STARTTLS required unless the relay is on this machine; the password never appears in logs or JSON", () => {
  const c = loadConfig({ data: "/tmp/x" }, { VIGIL_SMTP_URL: "smtp://alerts%40ngo.example:s3cr%3Ft-PASS@mail.example.org", VIGIL_ALERT_FROM: "Vigil <alerts@ngo.example>" });
  assert.deepEqual({ host: c.smtp!.host, port: c.smtp!.port, secure: c.smtp!.secure, requireTLS: c.smtp!.requireTLS, user: c.smtp!.user }, { host: "mail.example.org", port: 587, secure: false, requireTLS: true, user: "alerts@ngo.example" });
  assert.equal(c.smtp!.pass, "s3cr?t-PASS");
  assert.ok(!JSON.stringify(c).includes("s3cr") && !inspect(c, { depth: 5 }).includes("s3cr"), "the password is not enumerable");
  assert.equal(loadConfig({}, { VIGIL_SMTP_URL: "smtps://mail.example.org", VIGIL_ALERT_FROM: "a@b.example" }).smtp!.port, 465);
  assert.equal(loadConfig({}, { VIGIL_SMTP_URL: "smtp://127.0.0.1:2525", VIGIL_SMTP_INSECURE: "1", VIGIL_ALERT_FROM: "a@b.example" }).smtp!.requireTLS, false);
  assert.throws(
    () => loadConfig({}, { VIGIL_SMTP_URL: "smtp://user:hunter2-secret@mail.example.org", VIGIL_SMTP_INSECURE: "1" }),
    (e: unknown) => {
      assert.ok(e instanceof VigilError);
      assert.deepEqual(e.problems.map((p) => p.field).sort(), ["VIGIL_ALERT_FROM", "VIGIL_SMTP_INSECURE"]);
      assert.ok(!JSON.stringify(e.toJSON()).includes("hunter2") && !e.message.includes("hunter2"), "errors never echo the URL");
      return true;
    },
  );
  assert.throws(() => loadConfig({}, { VIGIL_SMTP_URL: "http://mail.example.org", VIGIL_ALERT_FROM: "a@b.example" }), /smtp:\/\//);
  assert.equal(loadConfig({}, {}).smtp, undefined);
  assert.deepEqual(loadConfig({}, { VIGIL_WEBHOOK_ALLOW_PRIVATE_HOSTS: " 127.0.0.1, [::1] ,Intranet.Local" }).webhookAllowPrivateHosts, ["127.0.0.1", "::1", "intranet.local"]);
});
