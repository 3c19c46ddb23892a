import type { Command } from "commander";
import { emit, openForCommand, progressBar, withData } from "../cli/common.ts";
import { VigilError } from "../core/errors.ts";
import { acceptCluster, decisionFromArgs, linkStoredLists, recordDecision, reviewQueue, undoAcceptance } from "../linkage/index.ts";
import { importList } from "./importer.ts";
import { readBytes } from "./load.ts";
import { parseMapping, suggestMapping } from "./mapping.ts";
import { readTable } from "./table.ts";

/** `vigil lists …`: list files, and lists imported into the database with their linkage and review. */
export function register(program: Command): void {
  const lists = program.command("lists").description("victim lists: read CSV/XLSX files with column mappings; import them, link them, review the matches");
  lists
    .command("suggest-mapping")
    .description("print a suggested mapping (JSON) for a list file; check it, edit it, save it and pass it as FILE:MAPPING.json")
    .argument("<file>", "a CSV or XLSX list")
    .option("--list-name <name>", "the list's name in the mapping (default: the file name)")
    .action(async (file: string, opts: { listName?: string }) => {
      const table = await readTable(await readBytes(file), file);
      process.stdout.write(`${JSON.stringify(suggestMapping(table, opts.listName), null, 2)}\n`);
    });

  withData(
    lists
      .command("import")
      .description("import a list into the database: the list becomes a source, each row an entry kept verbatim (all rows or none; the same file again changes nothing)")
      .argument("<input>", "FILE:MAPPING.json (the mapping is required: make one with `vigil lists suggest-mapping FILE`)")
      .option("--skip-bad", "leave out rows that cannot be read (each is listed) instead of failing")
      .option("--json", "machine-readable output"),
  ).action(async (input: string, opts: { data?: string; skipBad?: boolean; json?: boolean }) => {
    const i = input.lastIndexOf(":");
    if (i <= 1 || !/\.json$/i.test(input.slice(i + 1))) throw new VigilError("validation", `give the list with its mapping as FILE:MAPPING.json (vigil lists suggest-mapping ${input} makes one)`, { where: { file: input } });
    const file = input.slice(0, i);
    const mappingFile = input.slice(i + 1);
    let json: unknown;
    try {
      json = JSON.parse(new TextDecoder().decode(await readBytes(mappingFile)));
    } catch (cause) {
      if (cause instanceof VigilError) throw cause;
      throw new VigilError("validation", "the mapping is not valid JSON", { where: { file: mappingFile }, cause });
    }
    const mapping = parseMapping(json, mappingFile);
    const bytes = await readBytes(file);
    const { store, ctx } = await openForCommand(opts);
    try {
      const r = await importList(ctx, { bytes, file, mapping, mappingFile, skipBad: opts.skipBad ?? false });
      if (!opts.json) for (const s of r.skipped) process.stderr.write(`vigil: skipped ${file}, row ${s.row} (line ${s.line}): ${s.problems.map((p) => `${p.column ? `column ${JSON.stringify(p.column)}: ` : ""}${p.message}`).join("; ")}\n`);
      emit(opts.json, r, () => (r.alreadyImported ? `${file} was already imported as ${r.listName} (source ${r.sourceId}); nothing changed` : `imported ${r.rows} rows of ${file} as ${r.listName} (source ${r.sourceId})${r.skipped.length ? `; ${r.skipped.length} rows skipped` : ""}`));
    } finally {
      await store.close();
    }
  });

  withData(
    lists
      .command("link")
      .description("link every imported list: clusters per entry and a new review queue (decisions and accepted people are respected)")
      .option("--threshold <p>", "match probability from which two rows are one person", "0.5")
      .option("--json", "machine-readable output"),
  ).action(async (opts: { data?: string; threshold: string; json?: boolean }) => {
    const threshold = Number(opts.threshold);
    if (!(threshold > 0 && threshold < 1)) throw new VigilError("validation", "--threshold must be a probability between 0 and 1", { where: { field: "threshold" } });
    const { store, ctx } = await openForCommand(opts);
    const bars = new Map<string, ReturnType<typeof progressBar>>();
    try {
      const s = await linkStoredLists(ctx, {
        threshold,
        onProgress: (stage, done, total) => {
          let bar = bars.get(stage);
          if (!bar) {
            for (const b of bars.values()) b.stop();
            bar = progressBar(stage, total);
            bars.set(stage, bar);
          }
          bar.update(done);
        },
      });
      for (const b of bars.values()) b.stop();
      emit(opts.json, s, () => `${s.entries} entries → ${s.people} people (${s.peopleOnSeveralRows} on several rows); ${s.reviewItems} items to review${s.conflicts.length ? `\n${s.conflicts.map((c) => `decision conflict: ${c}`).join("\n")}` : ""}`);
    } finally {
      await store.close();
    }
  });

  withData(lists.command("review").description("show the review queue: uncertain pairs and clusters, rows side by side as the lists wrote them").option("--limit <n>", "items", "20").option("--json", "machine-readable output")).action(
    async (opts: { data?: string; limit: string; json?: boolean }) => {
      const { store, ctx } = await openForCommand(opts);
      try {
        const items = await reviewQueue(ctx, Number(opts.limit) || 20);
        emit(opts.json, items, () =>
          items
            .map((it) =>
              [
                `${it.kind} ${it.probability.toFixed(3)}: ${it.reason}`,
                ...it.entries.map((e) => `  ${e.list}#${e.row_id} (row ${e.row}, cluster ${e.cluster ?? "-"}): ${Object.entries(e.columns).filter(([, v]) => v).map(([k, v]) => `${k}: ${v}`).join(" | ")}`),
              ].join("\n"),
            )
            .join("\n\n") || "nothing to review",
        );
      } finally {
        await store.close();
      }
    },
  );

  withData(
    lists
      .command("decide")
      .description("record a review decision: accept (same person), reject (different people), split (into groups), undo (a decision id)")
      .argument("<action>", "accept | reject | split | undo")
      .argument("<items...>", "records as LIST#ROW_ID (split: one comma-separated group per argument; undo: the decision id)")
      .option("--note <text>", "why")
      .option("--json", "machine-readable output"),
  ).action(async (action: string, items: string[], opts: { data?: string; note?: string; json?: boolean }) => {
    const input = decisionFromArgs(action, items, opts.note);
    const { store, ctx } = await openForCommand(opts);
    try {
      const d = await recordDecision(ctx, input);
      emit(opts.json, d, () => `recorded ${d.action} as ${d.id}; run \`vigil lists link\` to apply it`);
    } finally {
      await store.close();
    }
  });

  withData(
    lists
      .command("accept")
      .description("accept a cluster of the last link as one person: a Person record whose claims cite every row (undo with `vigil lists undo-accept`)")
      .argument("<cluster>", "cluster number from the last `vigil lists link`")
      .option("--note <text>", "why")
      .option("--json", "machine-readable output"),
  ).action(async (cluster: string, opts: { data?: string; note?: string; json?: boolean }) => {
    const n = Number(cluster);
    if (!Number.isInteger(n) || n < 1) throw new VigilError("validation", `${JSON.stringify(cluster)} is not a cluster number`);
    const { store, ctx } = await openForCommand(opts);
    try {
      const r = await acceptCluster(ctx, n, opts.note);
      emit(opts.json, r, () => `${r.created ? "created" : "extended"} person ${r.personId} with ${r.claims} claims${r.merged.length ? `, merging ${r.merged.join(", ")}` : ""} (decision ${r.decisionId})`);
    } finally {
      await store.close();
    }
  });

  withData(
    lists
      .command("undo-accept")
      .description("undo an accepted cluster: its claims are retracted, its merges undone, its rows released")
      .argument("<decision>", "the acceptance's decision id")
      .requiredOption("--reason <text>", "why")
      .option("--json", "machine-readable output"),
  ).action(async (decision: string, opts: { data?: string; reason: string; json?: boolean }) => {
    const { store, ctx } = await openForCommand(opts);
    try {
      await undoAcceptance(ctx, decision, opts.reason);
      emit(opts.json, { undone: decision }, () => `undone ${decision}`);
    } finally {
      await store.close();
    }
  });
}
