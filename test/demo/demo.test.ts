import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { sql } from "kysely";
import { forEachStore } from "../helpers/store.ts";
import { makeCtx, SYSTEM } from "../../src/core/context.ts";
import { loadDemo, ARTICLE_SOURCE_ID, ARTICLE_TEXT, ARTICLE_IDS } from "../../src/demo/index.ts";
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

  test("a fresh demo has executions of the last two years for the trends, and death sentences of the last year for those at risk", async () => {
    const { store } = fixture();
    await loadDemo(store, { people: 40 });
    const today = new Date().toISOString().slice(0, 10);
    const { monthly, weekly } = await publicTrendSeries(store.db, today);
    assert.equal(monthly.points.reduce((n, p) => n + p.count, 0), 4, "the four recent executions, in the last 36 months");
    assert.ok(weekly.points.length > 0);
    // The fictional prisoners of 1367 who were not executed and are now under sentence of death.
    const sentences = await store.db.selectFrom("claims").select(["subject_id", "date_earliest"]).where("property", "=", "act").where("term", "=", "death_sentence").where("subject_id", "like", "per_synthetic_0%").execute();
    const yearAgo = new Date(Date.now() - 366 * 86_400_000).toISOString().slice(0, 7);
    assert.ok(sentences.length > 0);
    for (const s of sentences) assert.ok(s.date_earliest && s.date_earliest >= yearAgo && s.date_earliest <= today, `${s.subject_id}: a death sentence of ${s.date_earliest} is of the last year`);
  });
});
