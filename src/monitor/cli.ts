import { createReadStream, statSync } from "node:fs";
import { createInterface } from "node:readline";
import type { Readable } from "node:stream";
import type { Command } from "commander";
import { SingleBar, Presets } from "cli-progress";
import { VigilError } from "../core/errors.ts";
import { classifyItem, defaultDetector, parseItemLine } from "./classify.ts";
import { emit, openForCommand, progressBar, withData } from "../cli/common.ts";
import { addSource, listSources, listTriage } from "./sources.ts";
import { dispatchStore, pollStore, schedulePoll } from "./jobs.ts";
import { configureMonitor } from "./runtime.ts";
import { StoreMonitorRepository } from "./store-repository.ts";
import type { SourceKind } from "./poller.ts";

/** Streams JSON lines in, classified JSON lines out; bad lines are reported on stderr and counted. */
export async function classifyStream(input: Readable, write: (line: string) => void, report: (err: VigilError) => void, onLine?: (bytes: number) => void): Promise<{ items: number; errors: number }> {
  const detector = defaultDetector();
  const lines = createInterface({ input, crlfDelay: Infinity });
  let n = 0;
  let items = 0;
  let errors = 0;
  for await (const raw of lines) {
    n++;
    onLine?.(Buffer.byteLength(raw) + 1);
    if (!raw.trim()) continue;
    try {
      const item = parseItemLine(raw, n);
      write(JSON.stringify(classifyItem(item, detector)));
      items++;
    } catch (err) {
      if (!(err instanceof VigilError)) throw err;
      errors++;
      report(err);
    }
  }
  return { items, errors };
}

/** Registers `vigil monitor …`. */
export function register(program: Command): void {
  const monitor = program.command("monitor").description("Monitoring and early warning: classify items, watch feeds, alert subscribers");

  monitor
    .command("classify")
    .description("Label items (execution_report, death_sentence, arrest, at_risk, glorification, incitement) with reasons and entities")
    .argument("<file>", "JSON lines with at least id and text (optionally title, url, published, lang); - for stdin")
    .addHelpText("after", "\nOutput: one JSON object per line with id, lang, labels, reasons and entities.\nLines that cannot be read are reported on stderr with their line number; the exit code is 1 if any were.")
    .action(async (file: string) => {
      let input: Readable;
      let bar: SingleBar | undefined;
      if (file === "-") input = process.stdin;
      else {
        let size: number;
        try {
          size = statSync(file).size;
        } catch (err) {
          throw new VigilError("not_found", `cannot read ${file}: ${(err as Error).message}`, { where: { file }, cause: err });
        }
        input = createReadStream(file);
        if (process.stderr.isTTY && size > 1_000_000) {
          bar = new SingleBar({ format: "classifying [{bar}] {percentage}% | {eta}s left", stream: process.stderr }, Presets.shades_classic);
          bar.start(size, 0);
        }
      }
      const out: string[] = [];
      const flush = (): void => {
        if (out.length) process.stdout.write(`${out.join("\n")}\n`);
        out.length = 0;
      };
      const result = await classifyStream(
        input,
        (line) => {
          out.push(line);
          if (out.length >= 100) flush();
        },
        (err) => process.stderr.write(`vigil: ${file === "-" ? "stdin" : file}, ${err.describe()}\n`),
        bar ? (bytes) => bar.increment(bytes) : undefined,
      );
      flush();
      bar?.stop();
      if (result.errors > 0) {
        process.stderr.write(`vigil: ${result.errors} line(s) could not be classified; ${result.items} classified\n`);
        process.exitCode = 1;
      }
    });

  withData(
    monitor
      .command("add-feed")
      .description("Watch a feed (RSS, Atom, JSON Feed) or a web page")
      .argument("<url>", "http(s) address of the feed or page")
      .option("--page", "watch a web page (its article text) instead of a feed")
      .option("--interval <minutes>", "minutes between polls", "30")
      .option("--title <title>", "a name for the source")
      .option("--allow-private", "permit a private or loopback address for this source (an intranet server)")
      .option("--json", "machine-readable output"),
  ).action(async (url: string, opts: { page?: boolean; interval: string; title?: string; allowPrivate?: boolean; json?: boolean; data?: string }) => {
    if (!/^\d+$/.test(opts.interval)) throw new VigilError("validation", "--interval must be a whole number of minutes", { where: { field: "interval" } });
    const { store, ctx } = await openForCommand(opts);
    try {
      const kind: SourceKind = opts.page ? "page" : "feed";
      const source = await addSource(ctx, { url, kind, intervalMinutes: Number(opts.interval), ...(opts.title ? { title: opts.title } : {}), ...(opts.allowPrivate ? { allowPrivate: true } : {}) });
      await schedulePoll(store, new Date());
      emit(opts.json, source, () => `watching ${source.url} (${source.kind}, every ${source.intervalMinutes} min) as ${source.id}`);
    } finally {
      await store.close();
    }
  });

  withData(
    monitor
      .command("run")
      .description("Poll the sources that are due, classify new items and store them for triage")
      .option("--once", "one poll cycle, then exit (the worker polls on a schedule)")
      .option("--allow-private-host <host...>", "permit these private or loopback hosts for this run (testing a local feed)")
      .option("--per-host-delay <ms>", "pause between two requests to one host", "2000")
      .option("--json", "machine-readable report"),
  ).action(async (opts: { once?: boolean; allowPrivateHost?: string[]; perHostDelay: string; json?: boolean; data?: string }) => {
    if (!opts.once) throw new VigilError("validation", "only --once is supported here; continuous polling runs in the worker (vigil serve or vigil worker)");
    if (!/^\d+$/.test(opts.perHostDelay)) throw new VigilError("validation", "--per-host-delay must be a whole number of milliseconds", { where: { field: "per-host-delay" } });
    const { store } = await openForCommand(opts);
    try {
      const due = await new StoreMonitorRepository(store).dueSources(new Date());
      const bar = progressBar("polling", due.length);
      const report = await pollStore(store, {
        perHostDelayMs: Number(opts.perHostDelay),
        ...(opts.allowPrivateHost?.length ? { allowPrivate: opts.allowPrivateHost.map((h) => h.toLowerCase()) } : {}),
        onSource: () => bar.tick(),
      });
      bar.stop();
      const labelled = report.newItems.filter((i) => i.classification.labels.length > 0);
      emit(
        opts.json,
        { sources: report.sources, ok: report.ok, notModified: report.notModified, failed: report.failed, newItems: report.newItems.length, labelled: labelled.length, durationMs: report.durationMs },
        () =>
          [
            `polled ${report.sources} source(s): ${report.ok} ok, ${report.notModified} not modified, ${report.failed.length} failed; ${report.newItems.length} new item(s), ${labelled.length} labelled`,
            ...report.failed.map((f) => `  failed ${f.url}: ${f.failure.kind}: ${f.failure.message}`),
            ...labelled.map((i) => `  [${i.classification.labels.join(", ")}] ${i.title || i.key}`),
          ].join("\n"),
      );
      if (report.failed.length > 0 && report.ok + report.notModified === 0) process.exitCode = 1;
    } finally {
      await store.close();
    }
  });

  withData(monitor.command("sources").description("List watched sources with their state and last failure").option("--json", "machine-readable output")).action(async (opts: { json?: boolean; data?: string }) => {
    const { store, ctx } = await openForCommand(opts);
    try {
      const sources = await listSources(ctx);
      emit(opts.json, sources, () => (sources.length ? sources.map((s) => `${s.id} ${s.kind} ${s.url}${s.lastFailure ? ` — last failure: ${s.lastFailure.kind}: ${s.lastFailure.message}` : ""}`).join("\n") : "no sources"));
    } finally {
      await store.close();
    }
  });

  withData(monitor.command("triage").description("List collected items waiting for review (labelled ones by default)").option("--all", "include items without labels").option("--limit <n>", "at most this many", "50").option("--json", "machine-readable output")).action(
    async (opts: { all?: boolean; limit: string; json?: boolean; data?: string }) => {
      const { store, ctx } = await openForCommand(opts);
      try {
        const items = await listTriage(ctx, { labelledOnly: !opts.all, limit: Number(opts.limit) || 50 });
        emit(opts.json, items, () => (items.length ? items.map((i) => `${i.id} [${i.labels.join(", ")}] ${i.title}`).join("\n") : "nothing to review"));
      } finally {
        await store.close();
      }
    },
  );

  withData(
    monitor
      .command("dispatch")
      .description("Send the alerts that are due (email over VIGIL_SMTP_URL, signed webhooks); the worker does this on its own")
      .option("--once", "one pass over the outbox, then exit")
      .option("--json", "machine-readable report"),
  ).action(async (opts: { once?: boolean; json?: boolean; data?: string }) => {
    if (!opts.once) throw new VigilError("validation", "only --once is supported here; the worker dispatches continuously (vigil serve)");
    const { store, config } = await openForCommand(opts);
    try {
      configureMonitor(config);
      const r = await dispatchStore(store);
      emit(opts.json, r, () =>
        [
          `sent ${r.sent} alert(s); ${r.waiting} waiting for a transport (${config.smtp ? "SMTP configured" : "VIGIL_SMTP_URL not set"}); ${r.retrying.length} batch(es) to retry; ${r.dead.length} given up`,
          ...r.retrying.map((x) => `  retrying ${x.subscriptionId}: ${x.error}`),
          ...r.dead.map((x) => `  given up ${x.subscriptionId}: ${x.error}`),
        ].join("\n"),
      );
      if (r.dead.length || r.retrying.length) process.exitCode = 1;
    } finally {
      await store.close();
    }
  });
}
