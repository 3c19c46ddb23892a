import { createReadStream, createWriteStream, readFileSync } from "node:fs";
import { once } from "node:events";
import type { Command } from "commander";
import { emit, openForCommand, progressBar, withData } from "../cli/common.ts";
import { formatDate } from "../core/dates.ts";
import { VigilError } from "../core/errors.ts";
import { createRecord, getRecord, searchRecords, exportNdjson, importNdjson, termLabels, type ClaimInput, type RecordInput, type RecordType } from "./index.ts";
import { RECORD_TYPES } from "./types.ts";

/** Lines in a file, for the import's progress bar (only computed on a terminal). */
async function countLines(file: string): Promise<number> {
  if (!process.stderr.isTTY) return 0;
  let n = 0;
  for await (const chunk of createReadStream(file)) for (const b of chunk as Buffer) if (b === 10) n++;
  return n;
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

export function register(program: Command): void {
  const records = program.command("records").description("people, organisations, places, events and sources");

  withData(
    records
      .command("add")
      .description("add a record; its facts as claims citing a source")
      .argument("<type>", `one of ${RECORD_TYPES.join(", ")}`)
      .option("--input <file>", "the whole record as JSON (RecordInput: see docs/records.md), or - for stdin")
      .option("--name <text>", "a name (Persian or Latin script); repeatable; needs --source", collect, [])
      .option("--label <text>", "title of a non-person record (English)")
      .option("--label-fa <text>", "title of a non-person record (Persian)")
      .option("--kind <term>", "kind, from the record type's vocabulary")
      .option("--date <text>", "date of an event (Jalali, Gregorian, approximate…)")
      .option("--source <id>", "source that names cite")
      .option("--confidentiality <level>", "public, staff or restricted", "staff")
      .option("--publish", "publish the record (the memorial shows its public claims)")
      .option("--reason <text>", "why, for history")
      .option("--json", "machine-readable output"),
  ).action(
    async (
      type: string,
      opts: { data?: string; input?: string; name: string[]; label?: string; labelFa?: string; kind?: string; date?: string; source?: string; confidentiality: string; publish?: boolean; reason?: string; json?: boolean },
    ) => {
      let input: RecordInput;
      if (opts.input) {
        const text = readFileSync(opts.input === "-" ? 0 : opts.input, "utf8");
        try {
          input = { ...(JSON.parse(text) as RecordInput), type };
        } catch (e) {
          throw new VigilError("validation", `${opts.input} is not JSON: ${e instanceof Error ? e.message : String(e)}`, { where: { file: opts.input } });
        }
      } else {
        if (opts.name.length && !opts.source) throw new VigilError("validation", "names are claims: give the source that names them with --source ID", { where: { field: "source" } });
        const claims: ClaimInput[] = opts.name.map((text) => ({ property: "name", value: { text, kind: "full" }, confidence: "confirmed", confidentiality: opts.confidentiality, citations: [{ sourceId: opts.source ?? "" }] }));
        input = {
          type,
          confidentiality: opts.confidentiality,
          status: opts.publish ? "published" : "draft",
          ...(opts.kind ? { kind: opts.kind } : {}),
          ...(opts.label ? { label: opts.label } : {}),
          ...(opts.labelFa ? { labelFa: opts.labelFa } : {}),
          ...(opts.date ? { date: opts.date } : {}),
          claims,
        };
      }
      const { store, ctx } = await openForCommand(opts);
      try {
        const r = await createRecord(ctx, input, opts.reason ?? "added from the command line");
        emit(opts.json, r, () => `${r.id}\t${r.type}\t${r.label || r.labelFa}`);
      } finally {
        await store.close();
      }
    },
  );

  withData(records.command("get").description("show a record with its claims and their sources").argument("<id>").option("--lang <lang>", "en or fa", "en").option("--json", "machine-readable output")).action(
    async (id: string, opts: { data?: string; lang: string; json?: boolean }) => {
      const { store, ctx } = await openForCommand(opts);
      try {
        const view = await getRecord(ctx, id);
        if (opts.json) {
          emit(true, { ...view, related: Object.fromEntries(view.related) }, () => "");
          return;
        }
        const lang = opts.lang === "fa" ? "fa" : "en";
        const label = await termLabels(ctx);
        const r = view.record;
        const lines = [`${r.id}  ${r.type}${r.kind ? ` (${r.kind})` : ""}  ${r.status}  ${r.confidentiality}${r.synthetic ? "  SYNTHETIC (fictional demo data)" : ""}`, `  ${r.label}${r.labelFa && r.labelFa !== r.label ? `  /  ${r.labelFa}` : ""}`];
        if (view.mergedFrom.length) lines.push(`  (reached through merged ${view.mergedFrom.join(", ")})`);
        if (r.date) lines.push(`  date: ${formatDate(r.date, { lang })} (as written: ${r.date.text})`);
        for (const c of view.claims) {
          const what = c.valueText ?? "";
          const term = c.term ? label(c.property === "act" ? "act_type" : c.property === "involvement" ? "involvement_degree" : c.property === "membership" ? "post_role" : c.property === "sex" ? "sex" : c.property === "charge" ? "charge" : "event_relation", c.term, lang) : "";
          const obj = c.objectId ? ` → ${view.related.get(c.objectId)?.label ?? c.objectId}` : "";
          const place = c.placeId ? ` @ ${view.related.get(c.placeId)?.label ?? c.placeId}` : "";
          const date = c.date ? ` [${formatDate(c.date, { lang })}]` : "";
          lines.push(`  - ${c.property}${term ? ` ${term}` : ""}: ${what}${obj}${place}${date}  (${c.confidence}, ${c.confidentiality}) ${c.id}`);
          for (const s of c.citations) lines.push(`      source: ${view.related.get(s.sourceId)?.label ?? s.sourceId}${s.locator ? `, ${s.locator}` : ""}${s.quote ? `: “${s.quote}”` : ""}`);
        }
        if (view.hiddenClaims) lines.push(`  (${view.hiddenClaims} claims you may not see)`);
        emit(false, null, () => lines.join("\n"));
      } finally {
        await store.close();
      }
    },
  );

  withData(
    records
      .command("search")
      .description("search names (either script, variant spellings) and source text")
      .argument("<query>")
      .option("--type <type>", `only this type (${RECORD_TYPES.join(", ")})`)
      .option("--text", "search source text too")
      .option("--limit <n>", "at most this many", "20")
      .option("--json", "machine-readable output"),
  ).action(async (query: string, opts: { data?: string; type?: string; text?: boolean; limit: string; json?: boolean }) => {
    if (opts.type && !RECORD_TYPES.includes(opts.type as RecordType)) throw new VigilError("validation", `--type must be one of ${RECORD_TYPES.join(", ")}`, { where: { field: "type" } });
    const { store, ctx } = await openForCommand(opts);
    try {
      const hits = await searchRecords(ctx, query, { ...(opts.type ? { types: [opts.type as RecordType] } : {}), includeText: Boolean(opts.text), limit: Number(opts.limit) });
      const labels = new Map((hits.length ? await store.db.selectFrom("records").select(["id", "label", "label_fa"]).where("id", "in", hits.map((h) => h.id)).execute() : []).map((r) => [r.id, r]));
      emit(
        opts.json,
        hits.map((h) => ({ ...h, label: labels.get(h.id)?.label ?? "", label_fa: labels.get(h.id)?.label_fa ?? "" })),
        () => (hits.length ? hits.map((h) => `${h.id}\t${h.type}\t${labels.get(h.id)?.label ?? ""}\t${labels.get(h.id)?.label_fa ?? ""}`).join("\n") : "no match"),
      );
    } finally {
      await store.close();
    }
  });

  withData(
    program
      .command("export")
      .description("write the whole database as NDJSON (docs/export-format.md), or with --format popolo|esf the accountability exports (docs/popolo-export.md, docs/esf-export.md)")
      .option("--out <file>", "file to write (default: standard output)")
      .option("--format <format>", "ndjson (default), popolo or esf")
      .option("--public", "popolo and esf: only public claims of published records (as the memorial shows them)"),
  ).action(
    async (opts: { data?: string; out?: string; format?: string; public?: boolean }) => {
      if (opts.format && opts.format !== "ndjson") {
        const { runFormatExport } = await import("../accountability/index.ts");
        return runFormatExport(opts);
      }
      const { store, ctx } = await openForCommand(opts);
      const out = opts.out ? createWriteStream(opts.out, { mode: 0o600 }) : process.stdout;
      let bar: ReturnType<typeof progressBar> | undefined;
      try {
        for await (const line of exportNdjson(ctx, (done, total) => {
          bar ??= progressBar("export", total);
          bar.update(done);
        })) {
          if (!out.write(line)) await once(out, "drain");
        }
        bar?.stop();
        if (opts.out) {
          out.end();
          await once(out, "finish");
          process.stderr.write(`exported to ${opts.out}\n`);
        }
      } finally {
        await store.close();
      }
    },
  );

  withData(program.command("import").description("import an NDJSON export, all or nothing").argument("<file>", "the export file, or - for stdin").option("--json", "machine-readable output")).action(
    async (file: string, opts: { data?: string; json?: boolean }) => {
      const { store, ctx } = await openForCommand(opts);
      try {
        const input = file === "-" ? process.stdin : createReadStream(file);
        const total = file === "-" ? 0 : await countLines(file);
        const bar = progressBar("import", total);
        const result = await importNdjson(ctx, input, (lines) => bar.update(lines)).finally(() => bar.stop()).catch((e: unknown) => {
          if (e instanceof VigilError && e.where) throw new VigilError(e.code, e.message, { where: { ...e.where, file } });
          throw e;
        });
        emit(opts.json, result, () => `imported ${result.counts.record} records, ${result.counts.claim} claims, ${result.counts.change} changes, ${result.counts.merge} merges`);
      } finally {
        await store.close();
      }
    },
  );
}
