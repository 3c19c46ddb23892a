import { randomBytes } from "node:crypto";
import type { Kysely } from "kysely";
import { authorize, can, visibleLevels } from "../accounts/index.ts";
import { audit, makeCtx, nowIso, SYSTEM, type Ctx } from "../core/context.ts";
import { notFound, Problems, validation, VigilError } from "../core/errors.ts";
import { enqueue, type Job } from "../jobs/index.ts";
import type { CoreTables, Store } from "../store/index.ts";
import type { EstimateOptions, EstimateReport, Method, SelectRule } from "./estimate.ts";
import { LCMCR_DEFAULTS } from "./lcmcr.ts";
import { linkedTables, STRATIFY_FIELDS, type Provenance, type StratifyField } from "./linked.ts";
import { parseModel } from "./model.ts";
import { EstimatorPool, type ThreadResult } from "./pool.ts";
import type { StratifiedReport } from "./strata.ts";
import { fromTableSet, toTableSet, type TableSet } from "./table-set.ts";
import { observedTotal, parseCaptureCsv, parseStratifiedCsv, type CaptureTable } from "./table.ts";

/**
 * Saved estimates: a run is asked for (lists or a capture-pattern CSV, a
 * method and its settings), its table is built and kept with it, and the
 * engine runs in a worker thread — at once for quick methods, in the job
 * worker for long ones (LCMCR, five lists or more). Every run keeps its
 * inputs and table, so it can be read again, exported and reproduced.
 */

export const ESTIMATE_JOB = "estimate.run";

export type RunStatus = "queued" | "running" | "done" | "refused" | "failed";

/** What a run was asked: everything needed to reproduce it from its table. */
export interface RunInput {
  title: string;
  data: { kind: "lists"; sources: string[]; stratify: StratifyField | null } | { kind: "csv"; fileName: string | null; strataColumn: string | null };
  method: Method;
  /** Log-linear: how the model is chosen when none is given. */
  select: SelectRule;
  /** Log-linear: a given model as TERMS (list names A, B … or the CSV's). */
  model: string | null;
  /** BMA: prior people per cell (null: 2^-lists). */
  delta: number | null;
  lcmcr: { seed: number; burnIn: number; iterations: number; thin: number; chains: number; classes: number };
  sensitivity: boolean;
}

export interface RunError {
  code: string;
  message: string;
  where?: unknown;
}

export interface EstimateRun {
  id: string;
  title: string;
  status: RunStatus;
  origin: "lists" | "csv" | "rerun";
  input: RunInput;
  tables: TableSet;
  provenance: Provenance;
  stratified: boolean;
  report: EstimateReport | StratifiedReport | null;
  error: RunError | null;
  progress: { done: number; total: number };
  includesRestricted: boolean;
  /** The run this one reproduces (same table and settings). */
  reproduces: string | null;
  jobId: string | null;
  createdBy: string;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
}

type EstimateRunsTable = {
  estimate_runs: {
    id: string;
    title: string;
    status: string;
    origin: string;
    input: string;
    tables: string;
    provenance: string;
    report: string | null;
    error: string | null;
    progress_done: number;
    progress_total: number;
    includes_restricted: number;
    reproduces: string | null;
    job_id: string | null;
    created_by: string;
    created_at: string;
    started_at: string | null;
    finished_at: string | null;
  };
};
type Row = EstimateRunsTable["estimate_runs"];

const runsDb = (db: Kysely<CoreTables>) => db.withTables<EstimateRunsTable>();

function fromRow(r: Row): EstimateRun {
  const tables = JSON.parse(r.tables) as TableSet;
  return {
    id: r.id,
    title: r.title,
    status: r.status as RunStatus,
    origin: r.origin as EstimateRun["origin"],
    input: JSON.parse(r.input) as RunInput,
    tables,
    provenance: JSON.parse(r.provenance) as Provenance,
    stratified: tables.strata.some((s) => s.key !== null),
    report: r.report ? (JSON.parse(r.report) as EstimateReport | StratifiedReport) : null,
    error: r.error ? (JSON.parse(r.error) as RunError) : null,
    progress: { done: Number(r.progress_done), total: Number(r.progress_total) },
    includesRestricted: Boolean(r.includes_restricted),
    reproduces: r.reproduces,
    jobId: r.job_id,
    createdBy: r.created_by,
    createdAt: r.created_at,
    startedAt: r.started_at,
    finishedAt: r.finished_at,
  };
}

// ---------------------------------------------------------------------------
// Input

/** Limits that keep one run from holding a shared server for hours. */
export const RUN_LIMITS = { maxIterations: 2_000_000, maxChains: 8, maxClasses: 50, maxThin: 10_000, maxCsvBytes: 1_000_000, maxTitle: 200, maxModel: 500 } as const;

const METHODS: readonly Method[] = ["loglinear", "bma", "lcmcr"];
const SELECTS: readonly SelectRule[] = ["bic", "aic", "pvalue"];

const text = (v: unknown): string => (typeof v === "string" ? v : typeof v === "number" ? String(v) : Array.isArray(v) && typeof v[0] === "string" ? v[0] : "");
const list = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === "string") : typeof v === "string" && v ? [v] : []);

/**
 * Reads a request for a run (form fields or JSON alike) into a `RunInput`
 * and the table's source, collecting every problem at its field.
 */
export function parseRunInput(raw: Record<string, unknown>): { input: RunInput; csv: string | null } {
  const p = new Problems();
  const int = (name: string, def: number, min: number, max: number): number => {
    const v = text(raw[name]).trim();
    if (v === "") return def;
    const n = Number(v);
    if (!/^\d+$/.test(v) || !Number.isSafeInteger(n) || n < min || n > max) {
      p.add(name, `${name} must be a whole number from ${min.toLocaleString("en-US")} to ${max.toLocaleString("en-US")}`);
      return def;
    }
    return n;
  };
  const method = (text(raw.method) || "loglinear") as Method;
  if (!METHODS.includes(method)) p.add("method", "choose loglinear, bma or lcmcr");
  const select = (text(raw.select) || "bic") as SelectRule;
  if (!SELECTS.includes(select)) p.add("select", "choose bic, aic or pvalue");
  const model = text(raw.model).trim() || null;
  if (model && method !== "loglinear") p.add("model", "a given model applies to the log-linear method only");
  if (model && model.length > RUN_LIMITS.maxModel) p.add("model", `the model is longer than ${RUN_LIMITS.maxModel} characters`);
  let delta: number | null = null;
  const d = text(raw.delta).trim();
  if (d !== "") {
    delta = Number(d);
    if (!(delta > 0 && delta <= 100)) {
      p.add("delta", "delta must be a number above 0 and at most 100");
      delta = null;
    }
  }
  const lcmcr = {
    seed: int("seed", LCMCR_DEFAULTS.seed, 0, 2 ** 31 - 1),
    burnIn: int("burnIn", LCMCR_DEFAULTS.burnIn, 0, RUN_LIMITS.maxIterations),
    iterations: int("iterations", LCMCR_DEFAULTS.iterations, 1, RUN_LIMITS.maxIterations),
    thin: int("thin", LCMCR_DEFAULTS.thin, 1, RUN_LIMITS.maxThin),
    chains: int("chains", LCMCR_DEFAULTS.chains, 1, RUN_LIMITS.maxChains),
    classes: int("classes", LCMCR_DEFAULTS.K, 1, RUN_LIMITS.maxClasses),
  };
  if (method === "lcmcr" && lcmcr.iterations / lcmcr.thin < 2) p.add("thin", "iterations ÷ thin must leave at least 2 kept draws");
  const title = text(raw.title).trim();
  if (title.length > RUN_LIMITS.maxTitle) p.add("title", `the title is longer than ${RUN_LIMITS.maxTitle} characters`);
  const sensitivity = !["false", "0", "off", "no"].includes(text(raw.sensitivity).toLowerCase()) && raw.sensitivity !== false;
  const csvRaw = raw.csv;
  const csv = typeof csvRaw === "string" ? csvRaw : Buffer.isBuffer(csvRaw) ? csvRaw.toString("utf8") : "";
  const sources = list(raw.sources);
  let data: RunInput["data"];
  if (csv.trim()) {
    if (sources.length) p.add("sources", "choose lists or give a CSV table, not both");
    if (Buffer.byteLength(csv) > RUN_LIMITS.maxCsvBytes) p.add("csv", `the table is larger than ${RUN_LIMITS.maxCsvBytes.toLocaleString("en-US")} bytes`);
    data = { kind: "csv", fileName: text(raw.fileName).trim().slice(0, 200) || null, strataColumn: text(raw.strataColumn).trim() || null };
  } else {
    if (sources.length < 2) p.add("sources", "choose at least 2 lists (the estimate comes from how they overlap), or give a capture-pattern CSV");
    const stratify = text(raw.stratify).trim() || null;
    if (stratify && !(STRATIFY_FIELDS as readonly string[]).includes(stratify)) p.add("stratify", `stratify by ${STRATIFY_FIELDS.join(", ")}, or nothing`);
    data = { kind: "lists", sources, stratify: stratify as StratifyField | null };
  }
  p.throwIfAny();
  return { input: { title, data, method, select, model, delta, lcmcr, sensitivity }, csv: data.kind === "csv" ? csv : null };
}

/** Engine options from a run's input. */
export function engineOptions(input: RunInput): Omit<EstimateOptions, "onProgress"> {
  return {
    method: input.method,
    select: input.select,
    ...(input.model ? { model: input.model } : {}),
    ...(input.delta !== null ? { delta: input.delta } : {}),
    seed: input.lcmcr.seed,
    lcmcr: { burnIn: input.lcmcr.burnIn, iterations: input.lcmcr.iterations, thin: input.lcmcr.thin, chains: input.lcmcr.chains, K: input.lcmcr.classes },
    sensitivity: input.sensitivity,
  };
}

/** Whether a run is long enough to go to the job worker rather than be computed while the person waits. */
export function isLong(input: RunInput, tables: TableSet): boolean {
  return input.method === "lcmcr" || tables.lists.length >= 5 || tables.strata.length > 8;
}

/** The equivalent command line, to reproduce the run from its table (exported as table.csv). */
export function commandLine(input: RunInput, stratified: boolean): string {
  const a = ["vigil estimate table.csv", `--method ${input.method}`];
  if (input.method === "loglinear") a.push(input.model ? `--model "${input.model}"` : `--select ${input.select}`);
  if (input.method === "bma" && input.delta !== null) a.push(`--delta ${input.delta}`);
  if (input.method === "lcmcr") a.push(`--seed ${input.lcmcr.seed} --burn-in ${input.lcmcr.burnIn} --iterations ${input.lcmcr.iterations} --thin ${input.lcmcr.thin} --chains ${input.lcmcr.chains} --classes ${input.lcmcr.classes}`);
  if (stratified) a.push("--strata stratum");
  if (!input.sensitivity) a.push("--no-sensitivity");
  return `${a.join(" ")} --json`;
}

function checkModel(input: RunInput, tables: TableSet): void {
  if (!input.model) return;
  try {
    parseModel(input.model, tables.lists);
  } catch (e) {
    if (e instanceof VigilError) throw validation(`${e.message} (lists are named ${tables.lists.join(", ")})`, { field: "model" });
    throw e;
  }
}

// ---------------------------------------------------------------------------
// Computing

const requestPool = new EstimatorPool(2);
const jobPool = new EstimatorPool(1);

function labelsOf(provenance: Provenance): Record<string, string> {
  return Object.fromEntries(Object.entries(provenance.stratify?.labels ?? {}).map(([k, v]) => [k, v.en]));
}

async function compute(store: Store, run: EstimateRun, pool: EstimatorPool): Promise<void> {
  const db = runsDb(store.db);
  await db.updateTable("estimate_runs").set({ status: "running", started_at: new Date().toISOString() }).where("id", "=", run.id).execute();
  let lastWrite = 0;
  let writing: Promise<unknown> = Promise.resolve();
  const onProgress = (done: number, total: number) => {
    const now = Date.now();
    if (now - lastWrite < 1000) return;
    lastWrite = now;
    writing = writing.then(() => db.updateTable("estimate_runs").set({ progress_done: done, progress_total: total }).where("id", "=", run.id).where("status", "=", "running").execute()).catch(() => undefined);
  };
  const result: ThreadResult = await pool.run({ tables: run.tables, stratified: run.stratified, options: engineOptions(run.input), labels: labelsOf(run.provenance) }, onProgress);
  await writing;
  const finished = new Date().toISOString();
  const set =
    result.kind === "report"
      ? { status: "done", report: JSON.stringify(result.report), error: null }
      : result.kind === "refused"
        ? { status: "refused", report: null, error: JSON.stringify(result.error) }
        : { status: "failed", report: null, error: JSON.stringify({ code: "internal", message: result.message }) };
  await db
    .updateTable("estimate_runs")
    .set({ ...set, finished_at: finished, ...(result.kind === "report" ? { progress_done: 1, progress_total: 1 } : {}) })
    .where("id", "=", run.id)
    .execute();
}

// ---------------------------------------------------------------------------
// Use cases

const newRunId = (): string => `est_${randomBytes(10).toString("hex")}`;

/** May this actor read a run (one that used restricted facts needs the right to read every restricted fact)? */
function mayReadRun(ctx: Ctx, row: { includes_restricted: number }): boolean {
  return !row.includes_restricted || visibleLevels(ctx.actor).includes("restricted");
}

/** Starts a run: builds its table, saves it, and computes it now or in the job worker. Input errors are thrown with their fields; a refused model is a saved run with its reason. */
export async function startRun(ctx: Ctx, raw: Record<string, unknown>): Promise<EstimateRun> {
  authorize(ctx.actor, "estimate.run");
  const { input, csv } = parseRunInput(raw);
  let tables: TableSet;
  let provenance: Provenance;
  if (input.data.kind === "csv") {
    const file = input.data.fileName ?? "table.csv";
    const map: Map<string | null, CaptureTable> = input.data.strataColumn ? new Map(parseStratifiedCsv(csv!, input.data.strataColumn, { file })) : new Map([[null, parseCaptureCsv(csv!, { file })]]);
    tables = toTableSet(map);
    const labels = Object.fromEntries([...map.keys()].filter((k): k is string => k !== null).map((k) => [k, { en: k, fa: k }]));
    let observed = 0;
    for (const t of map.values()) observed += observedTotal(t);
    const perList = tables.lists.map((_, j) => [...map.values()].reduce((s, t) => s + t.counts.reduce((a, c, p) => a + ((p >> j) & 1 ? c : 0), 0), 0));
    provenance = {
      from: "csv",
      lists: tables.lists.map((name, j) => ({ name, label: name, people: perList[j]! })),
      people: observed,
      hidden: 0,
      synthetic: 0,
      restrictedUsed: false,
      ...(input.data.strataColumn ? { stratify: { field: "column" as const, column: input.data.strataColumn, labels, unknown: 0 } } : {}),
    };
  } else {
    const built = await linkedTables(ctx, { sources: input.data.sources, stratify: input.data.stratify });
    tables = toTableSet(built.tables);
    provenance = built.provenance;
    // Sources in the order of their names, as the table has them.
    input.data.sources = built.provenance.lists.map((l) => l.sourceId!);
  }
  checkModel(input, tables);
  return saveAndRun(ctx, { input, tables, provenance, origin: input.data.kind, reproduces: null });
}

/** Runs computed while their requesters wait, beyond which new ones are turned away for a minute. */
const MAX_WAITING = 20;

async function saveAndRun(ctx: Ctx, r: { input: RunInput; tables: TableSet; provenance: Provenance; origin: EstimateRun["origin"]; reproduces: string | null }): Promise<EstimateRun> {
  const id = newRunId();
  const long = isLong(r.input, r.tables);
  if (!long && requestPool.waiting >= MAX_WAITING) throw new VigilError("rate_limited", "the server is busy with other estimates; try again in a minute");
  const jobId = long ? `job_${id}` : null;
  const row: Row = {
    id,
    title: r.input.title,
    status: "queued",
    origin: r.origin,
    input: JSON.stringify(r.input),
    tables: JSON.stringify(r.tables),
    provenance: JSON.stringify(r.provenance),
    report: null,
    error: null,
    progress_done: 0,
    progress_total: 0,
    includes_restricted: r.provenance.restrictedUsed ? 1 : 0,
    reproduces: r.reproduces,
    job_id: jobId,
    created_by: ctx.actor.id,
    created_at: nowIso(ctx),
    started_at: null,
    finished_at: null,
  };
  await ctx.store.transaction(async (trx) => {
    await runsDb(trx).insertInto("estimate_runs").values(row).execute();
    if (jobId) await enqueue(trx, ESTIMATE_JOB, { runId: id }, { id: jobId, maxAttempts: 2 });
  });
  await audit(ctx, { action: "estimate.run", targetType: "estimate", targetId: id, detail: { method: r.input.method, lists: r.provenance.lists.map((l) => l.sourceId ?? l.name), from: r.provenance.from, restricted: r.provenance.restrictedUsed, ...(r.reproduces ? { reproduces: r.reproduces } : {}) } });
  const run = fromRow(row);
  if (!long) await compute(ctx.store, run, requestPool);
  return getRun(ctx, id);
}

/** How long a run computed while its requester waits may take before it is taken for lost (the server stopped meanwhile). */
const INLINE_STALE_MS = 15 * 60_000;

/** A saved run (404 for one the actor may not read). */
export async function getRun(ctx: Ctx, id: string): Promise<EstimateRun> {
  authorize(ctx.actor, "estimate.read");
  let row = await runsDb(ctx.db).selectFrom("estimate_runs").selectAll().where("id", "=", id).executeTakeFirst();
  if (!row || !mayReadRun(ctx, row)) throw notFound("estimate", id);
  if (!row.job_id && (row.status === "queued" || row.status === "running") && ctx.now().getTime() - Date.parse(row.created_at) > INLINE_STALE_MS) {
    const error = JSON.stringify({ code: "internal", message: "the server stopped while computing this estimate; run it again" });
    await runsDb(ctx.db).updateTable("estimate_runs").set({ status: "failed", error, finished_at: nowIso(ctx) }).where("id", "=", id).where("status", "=", row.status).execute();
    row = { ...row, status: "failed", error };
  }
  return fromRow(row);
}

/** A saved run for download (JSON or CSV): read as `getRun`, and written to the audit log. */
export async function exportedRun(ctx: Ctx, id: string, format: "json" | "csv"): Promise<EstimateRun> {
  const run = await getRun(ctx, id);
  await audit(ctx, { action: "estimate.export", targetType: "estimate", targetId: id, detail: { format, restricted: run.includesRestricted } });
  return run;
}

/** A run in brief, for lists. */
export interface RunSummary {
  id: string;
  title: string;
  status: RunStatus;
  method: Method;
  /** The lists by their names in model terms and their titles. */
  lists: { name: string; label: string; labelFa?: string | undefined }[];
  N: number | null;
  interval: [number | null, number | null] | null;
  observed: number | null;
  createdBy: string;
  createdAt: string;
}

/** Saved runs, newest first, in pages (`before`: the last created_at|id seen). */
export async function listRuns(ctx: Ctx, opts: { limit?: number; before?: string } = {}): Promise<{ items: RunSummary[]; next: string | null }> {
  authorize(ctx.actor, "estimate.read");
  const limit = Math.min(Math.max(opts.limit ?? 50, 1), 200);
  let q = runsDb(ctx.db).selectFrom("estimate_runs").selectAll().orderBy("created_at", "desc").orderBy("id", "desc").limit(limit + 1);
  if (!visibleLevels(ctx.actor).includes("restricted")) q = q.where("includes_restricted", "=", 0);
  if (opts.before) {
    const [at, id] = opts.before.split("|");
    if (at && id) q = q.where((eb) => eb.or([eb("created_at", "<", at), eb.and([eb("created_at", "=", at), eb("id", "<", id)])]));
  }
  const rows = await q.execute();
  const items = rows.slice(0, limit).map((r) => {
    const run = fromRow(r);
    const rep = run.report;
    return {
      id: run.id,
      title: run.title,
      status: run.status,
      method: run.input.method,
      lists: run.provenance.lists.map((l) => ({ name: l.name, label: l.label, ...(l.labelFa ? { labelFa: l.labelFa } : {}) })),
      N: rep ? rep.N : null,
      interval: rep ? rep.interval : null,
      observed: rep ? rep.observed : run.provenance.people,
      createdBy: run.createdBy,
      createdAt: run.createdAt,
    };
  });
  const last = rows[limit - 1];
  return { items, next: rows.length > limit && last ? `${last.created_at}|${last.id}` : null };
}

/**
 * Runs again: `same-table` with the saved table and settings (the same
 * answer, seeds included), or `current-data` rebuilding the table from the
 * lists as they are now (after more linkage review, say).
 */
export async function rerun(ctx: Ctx, id: string, mode: "same-table" | "current-data" = "same-table"): Promise<EstimateRun> {
  authorize(ctx.actor, "estimate.run");
  const old = await getRun(ctx, id);
  if (mode === "same-table") return saveAndRun(ctx, { input: old.input, tables: old.tables, provenance: old.provenance, origin: "rerun", reproduces: old.id });
  if (old.input.data.kind !== "lists") throw validation("a run from a CSV table can only be run again with the same table", { field: "mode" });
  const built = await linkedTables(ctx, { sources: old.input.data.sources, stratify: old.input.data.stratify });
  const tables = toTableSet(built.tables);
  checkModel(old.input, tables);
  return saveAndRun(ctx, { input: old.input, tables, provenance: built.provenance, origin: "lists", reproduces: null });
}

/** The job worker's handler: computes a queued run in a thread, with progress. */
export async function estimateJobHandler(store: Store, job: Job): Promise<void> {
  const runId = (job.payload as { runId?: unknown } | null)?.runId;
  if (typeof runId !== "string") throw new VigilError("validation", "estimate job without a run id");
  const ctx = makeCtx(store, { ...SYSTEM, id: "system:worker" });
  const row = await runsDb(ctx.db).selectFrom("estimate_runs").selectAll().where("id", "=", runId).executeTakeFirst();
  if (!row || row.status === "done" || row.status === "refused" || row.status === "failed") return;
  await compute(store, fromRow(row), jobPool);
}

/** The table(s) of a run as engine tables. */
export function runTables(run: EstimateRun) {
  return fromTableSet(run.tables);
}

/** Whether the actor may start runs (for showing the form). */
export const mayRun = (ctx: Ctx): boolean => can(ctx.actor, "estimate.run");
