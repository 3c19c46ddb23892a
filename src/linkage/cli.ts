import type { Command } from "commander";
import { SingleBar } from "cli-progress";
import { randomBytes } from "node:crypto";
import { readFile, rename, writeFile } from "node:fs/promises";
import { VigilError } from "../core/errors.ts";
import { loadList, type ListEntry } from "../lists/index.ts";
import { linkRecords, type LinkStage } from "./link.ts";
import { Preparer, personSpec } from "./person.ts";
import { buildReviewQueue, decisionFromArgs, parseDecisions, refKey, resolveDecisions, type Decision } from "./review.ts";

/** Splits `FILE[:MAPPING.json]`; a colon only counts when what follows names a .json file (so `C:\…` paths work). */
export function splitInput(arg: string): { file: string; mapping?: string } {
  const i = arg.lastIndexOf(":");
  if (i > 1 && /\.json$/i.test(arg.slice(i + 1))) return { file: arg.slice(0, i), mapping: arg.slice(i + 1) };
  return { file: arg };
}

/** Writes a file whole or not at all: a temporary file renamed over the target. */
async function writeAtomic(path: string, content: string): Promise<void> {
  const tmp = `${path}.${randomBytes(6).toString("hex")}.tmp`;
  await writeFile(tmp, content, { flag: "wx" });
  await rename(tmp, path);
}

const csvCell = (s: string): string => (/[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);

async function readDecisions(path: string | undefined): Promise<Decision[]> {
  if (!path) return [];
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (cause) {
    if ((cause as { code?: string }).code === "ENOENT") return [];
    throw new VigilError("import_failed", "cannot read the decisions file", { where: { file: path }, cause });
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (cause) {
    throw new VigilError("validation", "the decisions file is not valid JSON", { where: { file: path }, cause });
  }
  return parseDecisions(json, path);
}

function progressBar(): { update(stage: LinkStage, done: number, total: number): void; stop(): void } {
  if (!process.stderr.isTTY) return { update: () => undefined, stop: () => undefined };
  const bar = new SingleBar({ stream: process.stderr, format: "{stage} [{bar}] {percentage}%", hideCursor: true, clearOnComplete: true });
  let current: LinkStage | undefined;
  return {
    update(stage, done, total) {
      if (stage !== current) {
        if (current) bar.stop();
        bar.start(Math.max(1, total), 0, { stage: stage.padEnd(10) });
        current = stage;
      }
      bar.update(Math.min(done, total));
    },
    stop() {
      if (current) bar.stop();
    },
  };
}

interface LinkCliOptions {
  out: string;
  threshold: string;
  json?: boolean;
  skipBad?: boolean;
  blankBadCells?: boolean;
  decisions?: string;
  review?: string;
}

/** `vigil link` and `vigil decide`: linkage on files, no database needed. */
export function register(program: Command): void {
  program
    .command("link")
    .description("find the rows of one person within and across list files; writes file,row_id,cluster_id,match_probability per row")
    .argument("<inputs...>", "list files, each optionally with its mapping: FILE[:MAPPING.json] (without one, the suggested mapping is used and said so)")
    .requiredOption("--out <clusters.csv>", "where to write one row per input row")
    .option("--threshold <p>", "match probability from which two rows are one person", "0.5")
    .option("--skip-bad", "leave out rows that cannot be read (each is listed) instead of failing")
    .option("--blank-bad-cells", "read a date, age or sex that cannot be read as empty and keep the row (each cell is listed)")
    .option("--decisions <file>", "reviewers' decisions (JSON) to respect; see `vigil decide`")
    .option("--review <file>", "write the review queue (uncertain pairs and clusters, rows side by side) as JSON")
    .option("--json", "print the summary as JSON")
    .action(async (inputs: string[], opts: LinkCliOptions) => {
      const threshold = Number(opts.threshold);
      if (!(threshold > 0 && threshold < 1)) throw new VigilError("validation", "--threshold must be a probability between 0 and 1", { where: { field: "threshold" } });
      const entries: (ListEntry & { arg: string })[] = [];
      const summaries: { file: string; list: string; rows: number; skipped: { row: number; line: number; problems: string[] }[]; suggestedMapping: boolean; blankedCells: number }[] = [];
      const listNames = new Map<string, string>();
      for (const input of inputs) {
        const { file, mapping } = splitInput(input);
        const loaded = await loadList(file, mapping, { skipBad: opts.skipBad ?? false, blankBadCells: opts.blankBadCells ?? false });
        const other = listNames.get(loaded.mapping.list_name);
        if (other !== undefined) throw new VigilError("validation", `${other} and ${file} have the same list name ${JSON.stringify(loaded.mapping.list_name)}: give each list its own list_name in its mapping`, { where: { file } });
        listNames.set(loaded.mapping.list_name, file);
        if (loaded.suggested && !opts.json) process.stderr.write(`vigil: ${file}: no mapping given, so the suggested one was used; review it with \`vigil lists suggest-mapping ${file}\`\n`);
        for (const e of loaded.entries) entries.push({ ...e, arg: file });
        summaries.push({
          file,
          list: loaded.mapping.list_name,
          rows: loaded.entries.length,
          skipped: loaded.skipped.map((s) => ({ row: s.row, line: s.line, problems: s.problems.map((p) => `${p.column ? `column ${JSON.stringify(p.column)}: ` : ""}${p.message}`) })),
          suggestedMapping: loaded.suggested,
          blankedCells: loaded.blanked.length,
        });
        if (!opts.json) for (const s of loaded.skipped) process.stderr.write(`vigil: skipped ${file}, row ${s.row} (line ${s.line}): ${s.problems.map((p) => p.message).join("; ")}\n`);
        if (!opts.json) for (const b of loaded.blanked) process.stderr.write(`vigil: read as empty: ${file}, row ${b.row ?? "?"}, column ${JSON.stringify(b.column ?? "")}: ${b.message}\n`);
      }
      const index = new Map<string, number>();
      entries.forEach((e, i) => index.set(refKey({ list: e.list, row_id: e.rowId }), i));
      const decisions = await readDecisions(opts.decisions);
      const resolved = resolveDecisions(decisions, (r) => index.get(refKey(r)));

      const prep = new Preparer();
      const prepared = entries.map((e) => prep.prepare(e.person));
      const bar = progressBar();
      const result = linkRecords(prepared, personSpec(prep), { threshold, mustLink: resolved.mustLink, cannotLink: resolved.cannotLink, onProgress: (s, d, t) => bar.update(s, d, t) });
      bar.stop();

      const { cluster, membership } = result.clustering;
      const lines = ["file,row_id,cluster_id,match_probability"];
      entries.forEach((e, i) => {
        const m = membership[i]!;
        lines.push([csvCell(e.arg), csvCell(e.rowId), String(cluster[i]! + 1), Number.isNaN(m) ? "" : m.toFixed(4)].join(","));
      });
      await writeAtomic(opts.out, `${lines.join("\n")}\n`);

      const decidedPairs = new Set([...resolved.mustLink, ...resolved.cannotLink].map(([a, b]) => `${a},${b}`));
      const queue = buildReviewQueue(result, { decided: decidedPairs });
      if (opts.review) {
        const side = (i: number) => ({ list: entries[i]!.list, row_id: entries[i]!.rowId, file: entries[i]!.arg, row: entries[i]!.row, cluster_id: cluster[i]! + 1, columns: entries[i]!.raw });
        const items = queue.map((q) =>
          q.kind === "pair"
            ? { kind: q.kind, reason: q.reason, match_probability: q.probability, records: [side(q.a), side(q.b)], comparisons: q.explanation.comparisons.filter((c) => c.level > 0).map((c) => ({ field: c.name, agreement: c.label, weight_bits: Number(c.bits.toFixed(2)) })) }
            : { kind: q.kind, reason: q.reason, weakest_pair: { records: [side(q.weakest.a), side(q.weakest.b)], match_probability: q.weakest.probability }, records: q.members.map(side) },
        );
        await writeAtomic(opts.review, `${JSON.stringify({ items }, null, 2)}\n`);
      }

      const sizes = new Map<number, number>();
      for (const c of cluster) sizes.set(c, (sizes.get(c) ?? 0) + 1);
      const summary = {
        out: opts.out,
        lists: summaries,
        rows: entries.length,
        people: sizes.size,
        people_on_several_rows: [...sizes.values()].filter((s) => s > 1).length,
        threshold,
        candidate_pairs: result.stats.candidatePairs,
        skipped_blocks: result.stats.skippedBlocks.length,
        review_items: queue.length,
        decisions: { applied: decisions.length, unknown_records: resolved.unknown, conflicts: resolved.conflicts },
        model: { prior: result.model.lambda, em_iterations: result.model.iterations, converged: result.model.converged },
      };
      if (opts.json) process.stdout.write(`${JSON.stringify(summary)}\n`);
      else {
        process.stdout.write(`${entries.length} rows from ${inputs.length} list${inputs.length === 1 ? "" : "s"} → ${sizes.size} people (${summary.people_on_several_rows} on several rows); written to ${opts.out}\n`);
        if (queue.length) process.stdout.write(`${queue.length} item${queue.length === 1 ? "" : "s"} to review${opts.review ? ` in ${opts.review}` : " (write them with --review FILE)"}\n`);
        for (const c of resolved.conflicts) process.stderr.write(`vigil: decision conflict: ${c}\n`);
        for (const u of resolved.unknown) process.stderr.write(`vigil: a decision names ${u.list}#${u.row_id}, which is not in these lists\n`);
      }
    });

  program
    .command("decide")
    .description("record a review decision in a decisions file: accept (same person), reject (different people), split (into groups), undo")
    .argument("<action>", "accept | reject | split | undo")
    .argument("<items...>", "records as LIST#ROW_ID (split: one comma-separated group per argument; undo: the decision id)")
    .requiredOption("--decisions <file>", "the decisions file (created if missing)")
    .option("--note <text>", "why")
    .option("--by <name>", "who decided")
    .option("--json", "print the recorded decision as JSON")
    .action(async (action: string, items: string[], opts: { decisions: string; note?: string; by?: string; json?: boolean }) => {
      const input = decisionFromArgs(action, items, opts.note);
      const existing = await readDecisions(opts.decisions);
      if (input.action === "undo" && !existing.some((d) => d.id === input.target)) throw new VigilError("not_found", `no decision ${JSON.stringify(input.target)} in ${opts.decisions}`);
      const decision: Decision = { id: `dec_${randomBytes(6).toString("hex")}`, at: new Date().toISOString(), ...(opts.by ? { by: opts.by } : {}), ...input };
      const all = parseDecisions({ decisions: [...existing, decision] }, opts.decisions);
      await writeAtomic(opts.decisions, `${JSON.stringify({ decisions: all }, null, 2)}\n`);
      process.stdout.write(opts.json ? `${JSON.stringify(decision)}\n` : `recorded ${decision.action} as ${decision.id}\n`);
    });
}
