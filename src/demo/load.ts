import { makeCtx, SYSTEM, withTransaction } from "../core/context.ts";
import { addClaim, createRecord, seedVocabularies, type RecordInput } from "../records/index.ts";
import type { Store } from "../store/index.ts";
import { ARTICLE_SOURCE_ID, articleLaterClaims, articleRecords } from "./article.ts";
import { SYNTHETIC_SOURCE_ID, syntheticPlan } from "./synthetic.ts";

export interface DemoResult {
  article: "loaded" | "present";
  synthetic: "loaded" | "present" | "skipped";
  records: number;
  claims: number;
}

/**
 * Loads the demo: the seed article as a real source with the claims it
 * supports, and the synthetic data set. Idempotent: what is there is left alone.
 * Each part is one transaction, so a failure leaves no half demo.
 */
export async function loadDemo(store: Store, options: { synthetic?: boolean; people?: number; onProgress?: (done: number, total: number) => void } = {}): Promise<DemoResult> {
  const ctx = makeCtx(store, { ...SYSTEM, id: "system:demo" });
  await seedVocabularies(store.db);
  const result: DemoResult = { article: "present", synthetic: options.synthetic === false ? "skipped" : "present", records: 0, claims: 0 };
  const has = async (id: string): Promise<boolean> => Boolean(await store.db.selectFrom("records").select("id").where("id", "=", id).executeTakeFirst());

  const create = async (records: RecordInput[], later: { subjectId: string; claim: Parameters<typeof addClaim>[2] }[], total: number, offset: number): Promise<void> => {
    await withTransaction(ctx, async (tx) => {
      let done = offset;
      for (const r of records) {
        await createRecord(tx, r, "demo content");
        result.records++;
        result.claims += r.claims?.length ?? 0;
        options.onProgress?.(++done, total);
      }
      for (const l of later) {
        await addClaim(tx, l.subjectId, l.claim, "demo content");
        result.claims++;
      }
    });
  };

  const article = articleRecords();
  const plan = options.synthetic === false || (await has(SYNTHETIC_SOURCE_ID)) ? undefined : syntheticPlan(options.people ?? 300);
  const total = article.length + (plan?.records.length ?? 0);
  if (!(await has(ARTICLE_SOURCE_ID))) {
    await create(article, articleLaterClaims(), total, 0);
    result.article = "loaded";
  }
  if (plan) {
    await create(plan.records, plan.later, total, article.length);
    result.synthetic = "loaded";
  }
  return result;
}
