import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { sql } from "kysely";
import { forEachStore } from "../helpers/store.ts";
import { makeCtx, SYSTEM } from "../../src/core/context.ts";
import { loadDemo, ARTICLE_SOURCE_ID, ARTICLE_TEXT, ARTICLE_IDS } from "../../src/demo/index.ts";
import { getRecord, searchRecords } from "../../src/records/index.ts";

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
    const synthetic = await store.db.selectFrom("records").select(sql<number>`count(*)`.as("n")).where("synthetic", "=", 1).where("type", "=", "person").executeTakeFirstOrThrow();
    assert.equal(Number(synthetic.n), 48);
  });
});
