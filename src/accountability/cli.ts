import { randomBytes } from "node:crypto";
import { rename, rm, writeFile } from "node:fs/promises";
import { resolve } from "node:path";
import { Option, type Command } from "commander";
import { auditSink } from "../accounts/index.ts";
import { emit, openForCommand as openStoreForCommand, withData } from "../cli/common.ts";
import { makeCtx } from "../core/context.ts";
import { VigilError } from "../core/errors.ts";
import { DEFAULT_ORIGIN } from "../vault/index.ts";
import { openVaultFor } from "./vault-port.ts";
import { buildDossier } from "./dossier.ts";
import { esfExport, popoloExport } from "./exports.ts";
import { PROFILES } from "./profiles.ts";
import { listDossiers } from "./register.ts";

/** The command's store and context, with the audit log attached: dossiers and exports are audited from the command line too. */
async function openForCommand(flags: { data?: string }): Promise<Awaited<ReturnType<typeof openStoreForCommand>>> {
  const opened = await openStoreForCommand(flags);
  return { ...opened, ctx: makeCtx(opened.store, opened.ctx.actor, { audit: auditSink }) };
}

/**
 * `vigil export --format popolo|esf`: called by the records export command,
 * which keeps NDJSON as its default. Written whole to a temp file and renamed.
 */
export async function runFormatExport(opts: { data?: string; out?: string; format?: string; public?: boolean }): Promise<void> {
  if (opts.format !== "popolo" && opts.format !== "esf") throw new VigilError("validation", `--format must be ndjson, popolo or esf, not ${JSON.stringify(opts.format)}`, { where: { field: "format" } });
  const { store, ctx } = await openForCommand(opts);
  try {
    const scope = opts.public ? "public" : "staff";
    const doc = opts.format === "popolo" ? await popoloExport(ctx, scope) : await esfExport(ctx, scope);
    const text = JSON.stringify(doc, null, 1) + "\n";
    if (!opts.out) {
      process.stdout.write(text);
      return;
    }
    const out = resolve(opts.out);
    const tmp = `${out}.${randomBytes(6).toString("hex")}.part`;
    try {
      await writeFile(tmp, text, { mode: 0o600 });
      await rename(tmp, out);
    } catch (e) {
      await rm(tmp, { force: true });
      throw e;
    }
    process.stderr.write(`exported ${opts.format} (${scope}) to ${opts.out}\n`);
  } finally {
    await store.close();
  }
}

/** Registers `vigil dossier build` and `vigil dossier list`. */
export function register(program: Command): void {
  const dossier = program.command("dossier").description("accountability dossiers for courts, UN mechanisms and the public");
  withData(
    dossier
      .command("build")
      .description("build a dossier (PDF, records JSON and an evidence bundle that `vigil verify` checks offline) for a person or an event")
      .option("--person <id>", "the official (or unit) the dossier is about")
      .option("--event <id>", "the event the dossier is about")
      .addOption(new Option("--profile <profile>", "who receives it: decides which claims may be included").choices([...PROFILES]).makeOptionMandatory())
      .requiredOption("--out <dir>", "folder to create for the dossier (must not exist)")
      .addOption(new Option("--lang <lang>", "language of the PDF").choices(["en", "fa"]).default("en"))
      .option("--at <date>", "date of the command chain shown (default: when the acts began)")
      .option("--origin <origin>", "the vault log's origin (as for vigil vault)", DEFAULT_ORIGIN)
      .option("--json", "machine-readable output"),
  ).action(async (opts: { data?: string; person?: string; event?: string; profile: string; out: string; lang: "en" | "fa"; at?: string; origin: string; json?: boolean }) => {
    const { store, ctx } = await openForCommand(opts);
    try {
      const vault = await openVaultFor(store, opts.origin);
      const r = await buildDossier(ctx, vault, { ...(opts.person ? { personId: opts.person } : {}), ...(opts.event ? { eventId: opts.event } : {}), profile: opts.profile, lang: opts.lang, outDir: opts.out, ...(opts.at ? { at: opts.at } : {}) });
      emit(opts.json, r, () =>
        [
          `dossier ${r.id} (${r.profile}) written to ${r.dir}`,
          `  ${r.pdf}`,
          `  ${r.records}  ${r.seal.recordsSha256}`,
          `  ${r.bundle}  ${r.seal.bundleSha256}`,
          `  checkpoint ${r.seal.origin} size ${r.seal.size} root ${r.seal.root}`,
          `  ${r.claims} claims, ${r.withheld} withheld for this profile, ${r.evidence} evidence items`,
          `check it offline: vigil verify ${r.bundle}`,
        ].join("\n"),
      );
    } finally {
      await store.close();
    }
  });

  withData(dossier.command("list").description("the register of dossiers built: what was handed to whom, tied to which checkpoint").option("--subject <id>", "only dossiers about this person or event").option("--json", "machine-readable output")).action(
    async (opts: { data?: string; subject?: string; json?: boolean }) => {
      const { store, ctx } = await openForCommand(opts);
      try {
        const rows = await listDossiers(ctx, { ...(opts.subject ? { subjectId: opts.subject } : {}) });
        emit(opts.json, rows, () => (rows.length ? rows.map((r) => `${r.id}\t${r.built_at}\t${r.profile}\t${r.subject_id}\t${r.built_by}\tcheckpoint ${r.checkpoint_size} ${r.checkpoint_root}\t${r.dir}`).join("\n") : "no dossier built yet"));
      } finally {
        await store.close();
      }
    },
  );
}
