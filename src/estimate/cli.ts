import { readFileSync, renameSync, writeFileSync } from "node:fs";
import { basename } from "node:path";
import { InvalidArgumentError, Option, type Command } from "commander";
import { emit, openForCommand, positiveInt, progressBar, withData } from "../cli/common.ts";
import { validation, VigilError } from "../core/errors.ts";
import { estimate, estimateStratified, LCMCR_DEFAULTS, loadSyntheticLists, parseCaptureCsv, parseStratifiedCsv, renderStratifiedText, renderSvg, renderText, type EstimateOptions, type PriorN } from "./index.ts";

const positiveNumber = (v: string): number => {
  const n = Number(v);
  if (!(n > 0) || !Number.isFinite(n)) throw new InvalidArgumentError("must be a positive number");
  return n;
};

function parsePriorN(v: string): PriorN {
  if (v === "improper" || v === "1/N") return { kind: "improper" };
  const m = /^nb:([0-9.]+),([0-9.]+)$/.exec(v);
  if (m && Number(m[1]) > 0 && Number(m[2]) > 0) return { kind: "negative-binomial", a: Number(m[1]), b: Number(m[2]) };
  throw new InvalidArgumentError('use "improper" (1/N) or "nb:A,B" (dga\'s negative-binomial prior)');
}

function parseRange(v: string): { from: number; to: number } {
  const m = /^(\d+):(\d+)$/.exec(v);
  if (!m || Number(m[1]) > Number(m[2])) throw new InvalidArgumentError("use FROM:TO, e.g. 1:300");
  return { from: Number(m[1]), to: Number(m[2]) };
}

interface Flags {
  method: "loglinear" | "bma" | "lcmcr";
  select: "aic" | "bic" | "pvalue";
  model?: string;
  heterogeneity?: "darroch" | "poisson";
  bootstrap?: number;
  delta?: number;
  priorN?: PriorN;
  missingRange?: { from: number; to: number };
  seed?: number;
  burnIn?: number;
  iterations?: number;
  thin?: number;
  chains?: number;
  classes?: number;
  strata?: string;
  svg?: string;
  sensitivity: boolean;
  json?: boolean;
}

/** Registers `vigil estimate` and `vigil estimate-demo`. */
export function register(program: Command): void {
  registerDemo(program);
  program
    .command("estimate")
    .description("Estimate how many people were on none of several overlapping lists (multiple systems estimation)")
    .argument("<table>", "capture-pattern CSV: one 0/1 column per list (the header names the lists) and a count column")
    .addOption(new Option("--method <method>", "estimation method").choices(["loglinear", "bma", "lcmcr"]).default("loglinear"))
    .addOption(new Option("--select <rule>", "log-linear model choice when --model is not given: aic, bic, or pvalue (SparseMSE's stepwise rule)").choices(["aic", "bic", "pvalue"]).default("bic"))
    .option("--model <terms>", "log-linear model as TERMS with list names from the header, e.g. A*B*C+A*D+C*D; independence is A+B+C+D")
    .addOption(new Option("--heterogeneity <kind>", "add a heterogeneity column to the log-linear model (Rcapture's Mth)").choices(["darroch", "poisson"]))
    .option("--bootstrap <reps>", "loglinear: add a BCa bootstrap interval of the whole procedure, model choice included", positiveInt("--bootstrap"))
    .option("--delta <d>", "bma: hyper-Dirichlet prior counts per cell (default 2^-lists)", positiveNumber)
    .option("--prior-n <prior>", 'bma: prior on N, "improper" (1/N, default) or "nb:A,B"', parsePriorN)
    .option("--missing-range <from:to>", "bma: range of missing counts to consider (default: widened until the posterior vanishes)", parseRange)
    .option("--seed <n>", "lcmcr: random seed (chain c uses seed + c)", positiveInt("--seed", 0))
    .option("--burn-in <n>", `lcmcr: iterations discarded per chain (default ${LCMCR_DEFAULTS.burnIn})`, positiveInt("--burn-in", 0))
    .option("--iterations <n>", `lcmcr: iterations kept per chain, before thinning (default ${LCMCR_DEFAULTS.iterations})`, positiveInt("--iterations"))
    .option("--thin <n>", `lcmcr: keep one draw in n (default ${LCMCR_DEFAULTS.thin})`, positiveInt("--thin"))
    .option("--chains <n>", `lcmcr: independent chains for convergence diagnostics (default ${LCMCR_DEFAULTS.chains})`, positiveInt("--chains"))
    .option("--classes <k>", `lcmcr: maximum number of latent classes (default ${LCMCR_DEFAULTS.K})`, positiveInt("--classes"))
    .option("--strata <column>", "estimate each stratum named in this column separately and sum them")
    .option("--svg <file>", "also write the plot of estimates across models as SVG")
    .option("--no-sensitivity", "skip the sensitivity table (faster)")
    .option("--json", "print one JSON object (with method, model, N, interval, observed) instead of text")
    .addHelpText(
      "after",
      `
Examples:
  vigil estimate lists.csv                      log-linear, model chosen by BIC among all hierarchical models
  vigil estimate lists.csv --model "A*B+C"      one given model, with its profile-likelihood interval
  vigil estimate lists.csv --method bma --delta 0.5
  vigil estimate lists.csv --method lcmcr --seed 7 --burn-in 20000 --iterations 50000 --thin 50

A model whose estimate does not exist or is not identifiable (for example when
lists never overlap) is refused with the reason, and the command exits with 1.`,
    )
    .action((tablePath: string, flags: Flags) => {
      let text: string;
      try {
        text = readFileSync(tablePath, "utf8");
      } catch (err) {
        throw new VigilError("not_found", `cannot read ${tablePath}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`, { where: { file: tablePath } });
      }
      const file = basename(tablePath);
      if (flags.model !== undefined && flags.method !== "loglinear") throw validation("--model applies to --method loglinear only", { field: "model" });
      const lcmcrOpts = {
        ...(flags.burnIn !== undefined ? { burnIn: flags.burnIn } : {}),
        ...(flags.iterations !== undefined ? { iterations: flags.iterations } : {}),
        ...(flags.thin !== undefined ? { thin: flags.thin } : {}),
        ...(flags.chains !== undefined ? { chains: flags.chains } : {}),
        ...(flags.classes !== undefined ? { K: flags.classes } : {}),
      };
      let bar: ReturnType<typeof progressBar> | null = null;
      const opts: EstimateOptions = {
        method: flags.method,
        select: flags.select,
        ...(flags.model !== undefined ? { model: flags.model } : {}),
        ...(flags.heterogeneity ? { heterogeneity: flags.heterogeneity } : {}),
        ...(flags.delta !== undefined ? { delta: flags.delta } : {}),
        ...(flags.bootstrap !== undefined ? { bootstrap: flags.bootstrap } : {}),
        ...(flags.priorN ? { priorN: flags.priorN } : {}),
        ...(flags.missingRange ? { nMissing: flags.missingRange } : {}),
        ...(flags.seed !== undefined ? { seed: flags.seed } : {}),
        lcmcr: lcmcrOpts,
        sensitivity: flags.sensitivity,
        ...(flags.method === "lcmcr"
          ? {
              onProgress: (done: number, total: number) => {
                bar ??= progressBar("sampling", total);
                bar.update(done);
              },
            }
          : {}),
      };
      try {
        if (flags.strata !== undefined) {
          const tables = parseStratifiedCsv(text, flags.strata, { file });
          const report = estimateStratified(tables, opts);
          if (flags.json) process.stdout.write(`${JSON.stringify(report)}\n`);
          else process.stdout.write(renderStratifiedText(report));
          if (report.N === null) process.exitCode = 1;
          return;
        }
        const table = parseCaptureCsv(text, { file });
        const report = estimate(table, opts);
        if (flags.svg) {
          const tmp = `${flags.svg}.tmp-${process.pid}`;
          writeFileSync(tmp, renderSvg(report));
          renameSync(tmp, flags.svg);
        }
        if (flags.json) process.stdout.write(`${JSON.stringify(report)}\n`);
        else process.stdout.write(renderText(report));
      } finally {
        (bar as ReturnType<typeof progressBar> | null)?.stop();
      }
    });
}

/** Registers `vigil estimate-demo`: fictional overlapping lists in the database, to try the Estimates page. */
export function registerDemo(program: Command): void {
  withData(
    program
      .command("estimate-demo")
      .description("add fictional overlapping lists (clearly marked synthetic) to the database, to try estimates from linked lists; the true total is printed")
      .option("--people <n>", "the true number of fictional people", positiveInt("--people"), 2000)
      .option("--lists <k>", "number of lists (2 to 8)", positiveInt("--lists", 2), 4)
      .option("--seed <n>", "random seed", positiveInt("--seed", 0), 1)
      .option("--json", "machine-readable output"),
  ).action(async (opts: { data?: string; people: number; lists: number; seed: number; json?: boolean }) => {
    if (opts.lists > 8) throw new InvalidArgumentError("--lists must be at most 8");
    const { store, ctx } = await openForCommand(opts);
    try {
      const probabilities = [0.45, 0.35, 0.3, 0.25, 0.2, 0.2, 0.15, 0.15];
      const gen = await loadSyntheticLists(ctx, {
        total: opts.people,
        seed: opts.seed,
        lists: probabilities.slice(0, opts.lists).map((p, j) => ({ name: String.fromCharCode(65 + j), p })),
        strata: [
          { name: "North", share: 2, factor: 1.2 },
          { name: "Centre", share: 3, factor: 1 },
          { name: "South", share: 1, factor: 0.6 },
        ],
        hidden: { share: 0.2, factor: 0.5 },
        female: 0.15,
        years: [
          { year: 1988, share: 0.9 },
          { year: 1989, share: 0.1 },
        ],
      });
      const out = { total: gen.total, observed: gen.observed.length, sources: Object.fromEntries(gen.sources), provinces: Object.fromEntries(gen.stratumTotals) };
      emit(opts.json, out, () => `added ${gen.sources.size} fictional lists with ${gen.observed.length} fictional people on them; the true total (recorded or not) is ${gen.total}, by province ${[...gen.stratumTotals].map(([k, v]) => `${k} ${v}`).join(", ")}. Open Estimates in the workspace.`);
    } finally {
      await store.close();
    }
  });
}
