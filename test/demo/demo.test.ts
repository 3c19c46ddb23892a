import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { sql } from "kysely";
import { forEachStore } from "../helpers/store.ts";
import { makeCtx, SYSTEM } from "../../src/core/context.ts";
import { loadDemo, syntheticPlan, ARTICLE_SOURCE_ID, ARTICLE_TEXT, ARTICLE_IDS } from "../../src/demo/index.ts";
import { getRecord, searchRecords } from "../../src/records/index.ts";
import { publicTrendSeries } from "../../src/monitor/index.ts";

test("the demo's article is the seed article, verbatim", (t) => {
  const seed = new URL("../../../shared/seed/conference-article.txt", import.meta.url);
  let text: string;
  try {
    text = readFileSync(seed, "utf8");
  } catch {
    t.skip("../shared/seed/conference-article.txt not found");
    return;
  }
  assert.equal(ARTICLE_TEXT, text);
});

test("the demo's current events are dated from the day it is loaded, in whatever year that is", () => {
  const today = "2031-03-15";
  const acts = syntheticPlan(40, 1367, today).records.flatMap((r) => (r.claims ?? []).filter((c) => c.property === "act").map((c) => ({ id: r.id!, term: c.term, date: typeof c.date === "string" ? c.date : "" })));
  // The fictional prisoners of 1367 not executed are under sentence of death, passed in the year before.
  const sentences = acts.filter((a) => a.term === "death_sentence" && a.id.startsWith("per_synthetic_0"));
  assert.ok(sentences.length > 0);
  for (const a of sentences) assert.ok(a.date >= "2030-03" && a.date <= "2031-03", `${a.id}: a death sentence of ${a.date}`);
  // The wave of today: executed in the two years before, on a day.
  const executions = acts.filter((a) => a.term === "execution" && a.id.startsWith("per_synthetic_recent_"));
  assert.equal(executions.length, 4);
  for (const a of executions) assert.ok(/^\d{4}-\d{2}-\d{2}$/.test(a.date) && a.date >= "2029-03-15" && a.date < today, `${a.id}: executed ${a.date}`);
});

forEachStore("demo content", (fixture) => {
  test("loads the article's claims, each citing the article with a verbatim quote, and is idempotent", async () => {
    const { store } = fixture();
    const first = await loadDemo(store, { people: 40 });
    assert.equal(first.article, "loaded");
    assert.equal(first.synthetic, "loaded");
    const again = await loadDemo(store, { people: 40 });
    assert.deepEqual([again.article, again.synthetic, again.records], ["present", "present", 0]);

    const ctx = makeCtx(store, SYSTEM);
    const ehsani = await getRecord(ctx, ARTICLE_IDS.ehsani);
    const execution = ehsani.claims.find((c) => c.property === "act" && c.term === "execution");
    assert.ok(execution, "Behrouz Ehsani's reported execution is a claim");
    assert.equal(execution.citations[0]?.sourceId, ARTICLE_SOURCE_ID);
    assert.equal(ehsani.record.synthetic, false);

    // Every claim citing the article quotes it verbatim and is marked as reported.
    const cites = await store.db.selectFrom("citations").innerJoin("claims", "claims.id", "citations.claim_id").select(["citations.quote", "claims.note", "claims.subject_id"]).where("citations.source_id", "=", ARTICLE_SOURCE_ID).execute();
    assert.ok(cites.length >= 20, `article supports ${cites.length} claims`);
    for (const c of cites) {
      assert.ok(c.quote && ARTICLE_TEXT.includes(c.quote), `quote ${c.quote ?? ""} is in the article`);
      assert.match(c.note ?? "", /as reported/i);
    }
    // Nothing fictional cites the real article, and nothing real is marked synthetic.
    const mixed = await sql<{ n: number }>`SELECT count(*) AS n FROM citations c JOIN claims k ON k.id = c.claim_id JOIN records r ON r.id = k.subject_id WHERE c.source_id = ${ARTICLE_SOURCE_ID} AND r.synthetic = 1`.execute(store.db);
    assert.equal(Number(mixed.rows[0]?.n), 0);
    const fictionalCitingReal = await sql<{ n: number }>`SELECT count(*) AS n FROM records r WHERE r.synthetic = 0 AND r.id LIKE '%synthetic%'`.execute(store.db);
    assert.equal(Number(fictionalCitingReal.rows[0]?.n), 0);

    assert.equal((await searchRecords(ctx, "Behrooz Ehsani")).some((h) => h.id === ARTICLE_IDS.ehsani), true);
    // 40 people of 1367, 8 officials, and 4 executed in the last two years.
    const synthetic = await store.db.selectFrom("records").select(sql<number>`count(*)`.as("n")).where("synthetic", "=", 1).where("type", "=", "person").executeTakeFirstOrThrow();
    assert.equal(Number(synthetic.n), 52);
  });

  test("a fresh demo has executions of the last two years for the trends", async () => {
    const { store } = fixture();
    await loadDemo(store, { people: 40 });
    const today = new Date().toISOString().slice(0, 10);
    const { monthly, weekly } = await publicTrendSeries(store.db, today);
    assert.equal(monthly.points.reduce((n, p) => n + p.count, 0), 4, "the four recent executions, in the last 36 months");
    assert.ok(weekly.points.length > 0);
  });
});
