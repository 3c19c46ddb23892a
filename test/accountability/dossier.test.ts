import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { spawnSync } from "node:child_process";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromiumProblem } from "../helpers/browser.ts";
import { freshStore } from "../helpers/store.ts";
import { makeCtx, type AuditEvent, type Ctx } from "../../src/core/context.ts";
import type { VigilError } from "../../src/core/errors.ts";
import { readZip, verifyBundle, type Vault } from "../../src/vault/index.ts";
import { buildDossier, getDossier, listDossiers, openVaultFor, type DossierResult } from "../../src/accountability/index.ts";
import type { Store } from "../../src/store/index.ts";
import { buildWorld, CANARY, type World } from "./fixture.ts";
import { glyphsPerCharacter, pdfFonts, pdfText, pdfWords, popplerProblem } from "./pdf-tools.ts";

const skip = chromiumProblem ?? popplerProblem ?? false;

/** Every text a recipient gets: the PDF's text, the records JSON, and every file in the bundle. */
async function everything(r: DossierResult): Promise<string> {
  const zip = await readZip(r.bundle);
  const files = [...zip.values()].map((e) => e.data?.toString("utf8") ?? "").join("\n");
  return [pdfText(r.pdf), readFileSync(r.records, "utf8"), files].join("\n");
}

describe("dossiers", { skip }, () => {
  let store: Store;
  let dispose: () => Promise<void>;
  let w: World;
  let vault: Vault;
  let dir: string;
  const audits: AuditEvent[] = [];
  let ctx: Ctx;
  const dossiers = new Map<string, DossierResult>();

  before(async () => {
    ({ store, dispose } = await freshStore("sqlite"));
    w = await buildWorld(store);
    ctx = makeCtx(store, { id: "usr_admin", role: "admin", restrictedByRole: true }, { audit: async (_c, e) => void audits.push(e) });
    dir = mkdtempSync(join(tmpdir(), "vigil-dossier-"));
    vault = await openVaultFor(store);
    writeFileSync(join(dir, "report-a.txt"), "scan of synthetic public report A");
    writeFileSync(join(dir, "testimony.txt"), "synthetic testimony recording");
    await vault.addFile(join(dir, "report-a.txt"), { actor: "investigator-1", sourceIds: [w.src.pub], notes: "scanned from the synthetic report" });
    await vault.addFile(join(dir, "testimony.txt"), { actor: "investigator-2", sourceIds: [w.src.restricted], title: `testimony ${CANARY.restricted}` });
  });
  after(async () => {
    await dispose();
    if (!process.env.VIGIL_KEEP_TEST_FILES) rmSync(dir, { recursive: true, force: true });
  });

  const build = async (profile: string, lang: "en" | "fa", subject: { personId?: string; eventId?: string } = { personId: w.judge }): Promise<DossierResult> => {
    const r = await buildDossier(ctx, vault, { ...subject, profile, lang, outDir: join(dir, `${profile}-${lang}-${subject.eventId ? "event" : "person"}`) });
    dossiers.set(`${profile}-${lang}${subject.eventId ? "-event" : ""}`, r);
    return r;
  };

  test("a court dossier in Persian is verified offline, and its PDF names the bundle's checkpoint", async () => {
    const r = await build("court", "fa");
    assert.deepEqual(readdirSync(r.dir).sort(), ["README.txt", "dossier.json", "dossier.pdf", "evidence-bundle.zip"]);
    const report = await verifyBundle(r.bundle);
    assert.deepEqual(report.failures, []);
    assert.ok(report.ok);
    assert.equal(report.checkpoint?.size, r.seal.size);
    assert.equal(report.checkpoint?.root, r.seal.root);
    // The records JSON is the bundle's item, byte for byte.
    const json = readFileSync(r.records);
    const digest = `sha256:${createHash("sha256").update(json).digest("hex")}`;
    assert.equal(digest, r.seal.recordsSha256);
    const zip = await readZip(r.bundle);
    assert.ok(zip.has(`items/${r.seal.recordsItemId}/blobs/${digest.slice(7)}`), "the records are an item of the bundle");
    // The vault's own command agrees.
    const cli = spawnSync(process.execPath, [new URL("../../bin/vigil.mjs", import.meta.url).pathname, "verify", r.bundle], { encoding: "utf8" });
    assert.equal(cli.status, 0, cli.stdout + cli.stderr);
    const text = pdfText(r.pdf);
    // pdftotext moves a base64 hash's trailing "=" across the line in a right-to-left paragraph; the rest is in order.
    const root = r.seal.root.replace(/=+$/, "");
    assert.ok(text.includes(`checkpoint ${r.seal.origin} ${r.seal.size} ${root}`), `the PDF names the checkpoint (size and root ${r.seal.root})`);
    assert.ok(text.includes(r.seal.bundleSha256), "the PDF names the bundle's hash");
    const doc = JSON.parse(json.toString("utf8")) as { format: string; claims: { id: string }[]; evidence: { item_id: string }[]; command_chain: { links: { superior_id: string }[] } };
    assert.equal(doc.format, "vigil-dossier/1");
    assert.ok(doc.command_chain.links.some((l) => l.superior_id === w.chief), "the chain names the judiciary's head");
    assert.equal(doc.evidence.length, 2, "a court receives the testimony's evidence too");
  });

  test("the Persian PDF embeds Vazirmatn, its text is shaped, in logical order, and runs right to left", async () => {
    const r = dossiers.get("court-fa")!;
    assert.match(pdfFonts(r.pdf), /Vazirmatn-Regular\s+CID TrueType\s+Identity-H\s+yes\s+yes\s+yes/);
    const text = pdfText(r.pdf);
    for (const phrase of ["پرونده", "مسعود تهرانی", "تهیه‌شده برای", "گاه‌شمار", "قوه قضاییه ساختگی", "حسن شیرازی", "سمت‌ها و عضویت‌ها"]) assert.ok(text.includes(phrase), `the PDF text holds ${phrase}`);
    assert.ok(!/[\ufb50-\ufdff\ufe70-\ufeff]/.test(text), "characters come back as letters, not presentation forms");
    // Shaping: the font's contextual forms are in use (several glyphs for one letter).
    const glyphs = glyphsPerCharacter(r.pdf);
    for (const letter of ["م", "ه", "ی", "ت"]) assert.ok((glyphs.get(letter)?.size ?? 0) >= 2, `${letter} appears in ${glyphs.get(letter)?.size ?? 0} forms`);
    // Right to left: pdftotext -bbox lists glyphs in visual order, so each Persian word reads reversed
    // (its first letter rightmost); the title's first word stands right of the second, at the right margin.
    const words = pdfWords(r.pdf);
    const visual = (s: string): string => [...s].reverse().join("");
    const first = words.find((x) => x.text.replace(":", "") === visual("پرونده"));
    const name = words.find((x) => x.text === visual("مسعود") && first !== undefined && Math.abs(x.yMin - first.yMin) < 4);
    assert.ok(first && name, "title words found in visual (right-to-left) order");
    assert.ok(first.xMin > name.xMax, "the first word stands to the right of the second");
    assert.ok(first.xMax > 595 - 60, `the title ends at the right margin (${first.xMax})`);
    // Pages as images, to look at.
    const png = join(dir, "court-fa");
    const out = spawnSync("pdftoppm", ["-r", "50", "-png", "-f", "1", "-l", "1", r.pdf, png]);
    assert.equal(out.status, 0);
    const image = readdirSync(dir).find((f) => f.startsWith("court-fa") && f.endsWith(".png"))!;
    assert.ok(statSync(join(dir, image)).size > 10_000);
  });

  test("restricted claims enter only the court profile, each one audited; canaries never reach the others", async () => {
    const court = await everything(dossiers.get("court-fa")!);
    assert.ok(court.includes(CANARY.restricted), "a court receives restricted claims");
    assert.ok(court.includes(CANARY.restrictedSource));
    const restrictedClaim = (await store.db.selectFrom("claims").select("id").where("subject_id", "=", w.judge).where("confidentiality", "=", "restricted").executeTakeFirstOrThrow()).id;
    assert.ok(audits.some((e) => e.action === "dossier.restricted_included" && e.targetId === restrictedClaim), "the inclusion is audited");
    assert.ok(audits.some((e) => e.action === "dossier.restricted_included" && e.targetId === w.src.restricted));
    const un = await everything(await build("un-mechanism", "en"));
    for (const canary of [CANARY.restricted, CANARY.restrictedSource, CANARY.restrictedSourceLabel]) assert.ok(!un.includes(canary), `a UN dossier holds ${canary}`);
    assert.ok(un.includes(CANARY.staff), "a UN mechanism receives staff claims");
    const pub = await everything(await build("public", "en"));
    for (const canary of Object.values(CANARY)) assert.ok(!pub.includes(canary), `a public dossier holds ${canary}`);
    assert.ok(pub.includes("Masoud Tehrani") && pub.includes("Synthetic Revolutionary Court"));
    for (const [name, r] of [["un-mechanism", dossiers.get("un-mechanism-en")!], ["public", dossiers.get("public-en")!]] as const) {
      const report = await verifyBundle(r.bundle);
      assert.ok(report.ok, `${name}: ${report.failures.join("; ")}`);
      assert.equal(report.items, 2, `${name}: the records and the public report's scan, not the testimony`);
    }
  });

  test("an event dossier lists every official involved", async () => {
    const r = await build("un-mechanism", "en", { eventId: w.event });
    const text = pdfText(r.pdf);
    for (const name of ["Masoud Tehrani", "Hassan Shirazi", "Javad Karimi"]) assert.ok(text.includes(name), `${name} is listed`);
    assert.ok(text.includes("Synthetic victim 1"));
    const doc = JSON.parse(readFileSync(r.records, "utf8")) as { contradictions: { kind: string }[] };
    assert.ok(doc.contradictions.some((x) => x.kind === "disputed") && doc.contradictions.some((x) => x.kind === "conflicting_dates"), "contradictions listed, not hidden");
    assert.ok((await verifyBundle(r.bundle)).ok);
  });

  test("a role may not build for a profile above it; nothing is written", async () => {
    const size = vault.log.size;
    const researcher = makeCtx(store, { id: "usr_researcher", role: "researcher" });
    const out = join(dir, "refused");
    await assert.rejects(buildDossier(researcher, vault, { personId: w.judge, profile: "court", outDir: out }), (e: VigilError) => e.code === "forbidden" && /court/.test(e.message));
    await assert.rejects(buildDossier(makeCtx(store, { id: "usr_viewer", role: "viewer" }), vault, { personId: w.judge, profile: "public", outDir: out }), (e: VigilError) => e.code === "forbidden");
    await assert.rejects(buildDossier(ctx, vault, { personId: w.judge, profile: "press", outDir: out }), (e: VigilError) => e.code === "validation");
    assert.ok(!existsSync(out));
    assert.equal(vault.log.size, size);
  });

  test("the register says what was handed to whom, tied to the checkpoint; each role sees the profiles it may build", async () => {
    const all = await listDossiers(ctx);
    assert.equal(all.length, dossiers.size);
    const court = dossiers.get("court-fa")!;
    const row = await getDossier(ctx, court.id);
    assert.equal(row.checkpoint_root, court.seal.root);
    assert.equal(row.bundle_sha256, court.seal.bundleSha256);
    assert.equal(row.built_by, "usr_admin");
    assert.equal(row.dir, court.dir);
    const researcher = makeCtx(store, { id: "usr_researcher", role: "researcher" });
    assert.deepEqual([...new Set((await listDossiers(researcher)).map((d) => d.profile))], ["public"]);
    await assert.rejects(getDossier(researcher, court.id), (e: VigilError) => e.code === "not_found");
  });

  test("a dossier that fails while printing leaves no folder, no partial files and no register entry", async () => {
    const registered = (await listDossiers(ctx)).length;
    const out = join(dir, "failed");
    await assert.rejects(buildDossier(ctx, vault, { personId: w.judge, profile: "public", outDir: out }, { chromiumPath: "/bin/false" }));
    assert.ok(!existsSync(out));
    assert.deepEqual(readdirSync(dir).filter((f) => f.includes(".part")), []);
    assert.equal((await listDossiers(ctx)).length, registered);
    await assert.rejects(buildDossier(ctx, vault, { personId: w.judge, profile: "public", outDir: dossiers.get("public-en")!.dir }), (e: VigilError) => e.code === "conflict", "an existing dossier is never overwritten");
  });
});
