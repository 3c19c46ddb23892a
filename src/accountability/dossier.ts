import { createHash, randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdir, readdir, rename, rm, rmdir, writeFile } from "node:fs/promises";
import { basename, dirname, join, resolve } from "node:path";
import { audit, withTransaction, type Ctx } from "../core/context.ts";
import { conflict, VigilError } from "../core/errors.ts";
import { termLabels } from "../records/index.ts";
import { exportBundle, verifyBundle, type Vault } from "../vault/index.ts";
import { gatherDossier } from "./dossier-data.ts";
import { dossierHtml, type Seal } from "./dossier-html.tsx";
import { dossierJson } from "./dossier-json.ts";
import { evidenceFor } from "./evidence.ts";
import { CHROMIUM_PATH, htmlToPdf } from "./pdf.ts";
import { authorizeProfile, profileLens, type Profile } from "./profiles.ts";
import { dossierDb } from "./register.ts";

export interface DossierRequest {
  personId?: string;
  eventId?: string;
  profile: string;
  lang?: "en" | "fa";
  /** Folder to create; it must not exist yet (or be empty). */
  outDir: string;
  /** Date of the command chain shown (default: when the acts began). */
  at?: string;
}

export interface DossierResult {
  id: string;
  profile: Profile;
  dir: string;
  pdf: string;
  bundle: string;
  records: string;
  seal: Seal;
  claims: number;
  withheld: number;
  evidence: number;
}

export const DOSSIER_FILES = { pdf: "dossier.pdf", bundle: "evidence-bundle.zip", records: "dossier.json", readme: "README.txt" } as const;

const sha256 = (b: string | Buffer): string => `sha256:${createHash("sha256").update(b).digest("hex")}`;

async function usableOut(dir: string): Promise<void> {
  if (!existsSync(dir)) return;
  const entries = await readdir(dir).catch(() => null);
  if (entries === null || entries.length > 0) throw conflict(`${dir} already exists and is not an empty folder; choose a new folder for the dossier`);
  await rmdir(dir);
}

/**
 * Builds a dossier for a person or an event for a recipient profile: a PDF
 * printed by Chromium from server-side HTML (summary, timeline, command
 * chain, involvement, claims with sources and confidence, contradictions,
 * evidence index), the records as JSON, and an evidence bundle holding that
 * JSON and the evidence items, which `vigil verify` checks offline. The PDF
 * names the bundle's checkpoint. Everything is written in a temporary folder
 * renamed into place at the end, so a failure leaves no dossier behind; the
 * custody log keeps its record that the records were added and exported,
 * as a custody log should.
 */
export async function buildDossier(ctx: Ctx, vault: Vault, req: DossierRequest, options: { chromiumPath?: string } = {}): Promise<DossierResult> {
  const profile = authorizeProfile(ctx.actor, req.profile);
  if (!req.personId === !req.eventId) throw new VigilError("validation", "a dossier is about one person (or unit) or one event: give exactly one of them", { where: { field: req.personId ? "eventId" : "personId" } });
  const lang = req.lang ?? "en";
  const out = resolve(req.outDir);
  await usableOut(out);
  const chromiumPath = options.chromiumPath ?? CHROMIUM_PATH;
  if (!existsSync(chromiumPath)) throw new VigilError("unsupported", `Chromium is needed to print dossiers and was not found at ${chromiumPath}`);
  const id = `dos_${randomBytes(10).toString("hex")}`;
  const data = await gatherDossier(ctx, profileLens(profile, ctx.actor), { id, profile, lang, ...(req.personId ? { personId: req.personId } : {}), ...(req.eventId ? { eventId: req.eventId } : {}), ...(req.at ? { at: req.at } : {}) });
  const sources = new Set([...data.records.values()].filter((r) => r.type === "source").map((r) => r.id));
  const evidence = await evidenceFor(vault, sources);
  const json = dossierJson(data, evidence);
  const terms = await termLabels(ctx);

  await mkdir(dirname(out), { recursive: true });
  const tmp = join(dirname(out), `.${basename(out)}.${randomBytes(6).toString("hex")}.part`);
  await mkdir(tmp, { mode: 0o700 });
  try {
    const recordsPath = join(tmp, DOSSIER_FILES.records);
    await writeFile(recordsPath, json, { mode: 0o600 });
    const { item } = await vault.addFile(recordsPath, { actor: ctx.actor.id, title: `records of dossier ${id} (${profile})`, notes: `records of dossier ${id} about ${data.subject.id} for the ${profile} profile`, mediaType: "application/json" });
    const bundlePath = join(tmp, DOSSIER_FILES.bundle);
    const exported = await exportBundle(vault, bundlePath, { itemIds: [item.id, ...evidence.map((e) => e.item.id)], actor: ctx.actor.id });
    const report = await verifyBundle(bundlePath);
    if (!report.ok || !report.checkpoint) throw new VigilError("integrity", `the evidence bundle failed its own check: ${report.failures.join("; ")}`);
    const seal: Seal = { origin: report.checkpoint.origin, size: report.checkpoint.size, root: report.checkpoint.root, bundleFile: DOSSIER_FILES.bundle, bundleSha256: exported.sha256, recordsSha256: sha256(json), recordsItemId: item.id };
    const html = dossierHtml(data, evidence, seal, terms);
    const pdf = await htmlToPdf(html, { footer: `Vigil ${id} · ${profile} · checkpoint ${seal.size} ${seal.root}`, chromiumPath });
    await writeFile(join(tmp, DOSSIER_FILES.pdf), pdf, { mode: 0o600 });
    await writeFile(
      join(tmp, DOSSIER_FILES.readme),
      [
        `Vigil dossier ${id} about ${data.subject.id}, prepared for: ${profile}.`,
        `${DOSSIER_FILES.pdf}: the dossier to read.`,
        `${DOSSIER_FILES.records}: its records as JSON (${seal.recordsSha256}); the same bytes are item ${item.id} of the bundle.`,
        `${DOSSIER_FILES.bundle}: the evidence bundle (${seal.bundleSha256}). Check it offline: vigil verify ${DOSSIER_FILES.bundle}`,
        `Checkpoint named in the PDF: ${seal.origin} size ${seal.size} root ${seal.root}`,
        "",
      ].join("\n"),
      { mode: 0o600 },
    );
    // The register's row and the folder land together: the rename happens inside the transaction.
    await withTransaction(ctx, async (tx) => {
      await dossierDb(tx)
        .insertInto("dossiers")
        .values({ id, subject_id: data.subject.id, subject_type: data.kind, profile, lang, built_by: ctx.actor.id, built_at: data.builtAt, dir: out, claims: data.claims.size, withheld: data.withheld, evidence: evidence.length, checkpoint_origin: seal.origin, checkpoint_size: seal.size, checkpoint_root: seal.root, bundle_sha256: seal.bundleSha256, records_sha256: seal.recordsSha256 })
        .execute();
      await rename(tmp, out);
    });
    await audit(ctx, { action: "dossier.build", targetType: data.kind, targetId: data.subject.id, detail: { dossier: id, profile, claims: data.claims.size, withheld: data.withheld, checkpoint: seal.size, bundle: seal.bundleSha256 } });
    return { id, profile, dir: out, pdf: join(out, DOSSIER_FILES.pdf), bundle: join(out, DOSSIER_FILES.bundle), records: join(out, DOSSIER_FILES.records), seal, claims: data.claims.size, withheld: data.withheld, evidence: evidence.length };
  } catch (e) {
    await rm(tmp, { recursive: true, force: true });
    throw e;
  }
}
