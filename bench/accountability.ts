// Accountability benchmark: a dossier (PDF and evidence bundle) for an official
// linked to 1,000 acts and 200 evidence items. Target: under 30 s.
// Run: node --import tsx bench/accountability.ts   (needs /usr/bin/chromium)
// All data here is synthetic and labelled so.
import { mkdtempSync, rmSync, statSync, writeFileSync } from "node:fs";
import { spawnSync } from "node:child_process";
import { cpus, tmpdir } from "node:os";
import { join } from "node:path";
import { makeCtx, SYSTEM, withTransaction } from "../src/core/context.ts";
import { addClaim, createRecord, seedVocabularies } from "../src/records/index.ts";
import { openStore } from "../src/store/index.ts";
import { verifyBundle } from "../src/vault/index.ts";
import { buildDossier, openVaultFor, recordPosting } from "../src/accountability/index.ts";

const ACTS = 1000;
const ITEMS = 200;
const dir = mkdtempSync(join(tmpdir(), "vigil-bench-acc-"));
const time = async <T>(fn: () => Promise<T>): Promise<[T, number]> => {
  const s = performance.now();
  const r = await fn();
  return [r, (performance.now() - s) / 1000];
};

console.log(`machine: ${cpus().length} cores (${cpus()[0]?.model ?? "?"}), node ${process.version}`);
try {
  const store = await openStore({ dataDir: dir });
  await seedVocabularies(store.db);
  const ctx = makeCtx(store, { ...SYSTEM, id: "system:bench" });
  const vault = await openVaultFor(store);
  const [official, tSetup] = await time(() =>
    withTransaction(ctx, async (tx) => {
      const sources: string[] = [];
      for (let i = 0; i < ITEMS; i++) sources.push((await createRecord(tx, { type: "source", kind: "document", label: `Synthetic document ${i + 1}`, status: "published", confidentiality: "public", synthetic: true })).id);
      const cite = (i: number) => [{ sourceId: sources[i % ITEMS]!, locator: `page ${1 + (i % 40)}` }];
      const court = (await createRecord(tx, { type: "organisation", kind: "court", label: "Synthetic court", labelFa: "دادگاه ساختگی", status: "published", confidentiality: "public", synthetic: true })).id;
      const later = (await createRecord(tx, { type: "organisation", kind: "government", label: "Synthetic ministry", labelFa: "وزارت ساختگی", status: "published", confidentiality: "public", synthetic: true })).id;
      const event = (await createRecord(tx, { type: "event", kind: "execution_wave", label: "Synthetic executions", labelFa: "اعدام‌های ساختگی", date: "تابستان ۱۳۶۷", status: "published", confidentiality: "public", synthetic: true })).id;
      const judge = (await createRecord(tx, { type: "person", status: "published", confidentiality: "public", synthetic: true, claims: [{ property: "name", value: { text: "قاضی ساختگی" }, confidence: "confirmed", confidentiality: "public", citations: cite(0) }, { property: "name", value: { text: "Synthetic Judge" }, confidence: "confirmed", confidentiality: "public", citations: cite(1) }] })).id;
      await recordPosting(tx, { personId: judge, role: "religious_judge", objectId: court, start: "1360", end: "1368", confidence: "confirmed", confidentiality: "public", citations: cite(2) });
      await recordPosting(tx, { personId: judge, role: "head", objectId: later, start: "1380", end: "1390", confidence: "probable", confidentiality: "public", citations: cite(3) });
      for (let i = 0; i < ACTS; i++) {
        const victim = await createRecord(tx, {
          type: "person",
          status: "published",
          confidentiality: "public",
          synthetic: true,
          claims: [
            { property: "name", value: { text: `قربانی ساختگی ${i + 1}` }, confidence: "confirmed", confidentiality: "public", citations: cite(i) },
            { property: "name", value: { text: `Synthetic victim ${i + 1}` }, confidence: "confirmed", confidentiality: "public", citations: cite(i) },
            { property: "act", term: i % 2 ? "execution" : "death_sentence", objectId: event, date: `1367/${5 + (i % 2)}/${1 + (i % 28)}`, confidence: "confirmed", confidentiality: "public", citations: cite(i) },
          ],
        });
        const act = (await tx.db.selectFrom("claims").select("id").where("subject_id", "=", victim.id).where("property", "=", "act").executeTakeFirstOrThrow()).id;
        await addClaim(tx, judge, { property: "involvement", term: "sentenced", objectId: act, confidence: i % 3 ? "confirmed" : "probable", confidentiality: "public", citations: [...cite(i), ...(i % 4 ? [] : cite(i + 1))] });
      }
      return { judge, sources };
    }),
  );
  const [, tItems] = await time(async () => {
    for (let i = 0; i < ITEMS; i++) {
      const f = join(dir, `doc-${i}.txt`);
      writeFileSync(f, `synthetic scanned document ${i + 1}\n`.repeat(200));
      await vault.addFile(f, { actor: "bench", sourceIds: [official.sources[i]!], notes: "synthetic benchmark document" });
    }
  });
  console.log(`setup (not timed as part of the target): ${ACTS} acts and involvements in ${tSetup.toFixed(1)} s, ${ITEMS} vault items in ${tItems.toFixed(1)} s`);
  for (const lang of ["fa", "en"] as const) {
    const [r, t] = await time(() => buildDossier(ctx, vault, { personId: official.judge, profile: "court", lang, outDir: join(dir, `dossier-${lang}`) }));
    const pages = /Pages:\s+(\d+)/.exec(spawnSync("pdfinfo", [r.pdf], { encoding: "utf8" }).stdout)?.[1] ?? "?";
    const [report, tVerify] = await time(() => verifyBundle(r.bundle));
    console.log(
      `dossier (${lang}, court, ${ACTS} acts, ${r.evidence} evidence items): ${t.toFixed(1)} s (target < 30 s); PDF ${pages} pages, ${(statSync(r.pdf).size / 1e6).toFixed(1)} MB; bundle ${(statSync(r.bundle).size / 1e6).toFixed(1)} MB with ${report.items} items, verified ${report.ok ? "OK" : "FAILED"} in ${tVerify.toFixed(2)} s; records JSON ${(statSync(r.records).size / 1e6).toFixed(1)} MB, ${r.claims} claims`,
    );
    if (!report.ok) process.exitCode = 1;
  }
  await store.close();
} finally {
  rmSync(dir, { recursive: true, force: true });
}
