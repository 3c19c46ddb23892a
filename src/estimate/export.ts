import type { EstimateReport } from "./estimate.ts";
import { commandLine, type EstimateRun } from "./runs.ts";
import type { TableSet } from "./table-set.ts";

/**
 * A saved run for download: as JSON (everything, with the table as CSV and
 * the command line that reproduces it) or as CSV (one row per figure, for a
 * spreadsheet).
 */

export const EXPORT_FORMAT = "vigil-estimate";
export const EXPORT_VERSION = 1;

/** The run's table(s) as a capture-pattern CSV; a `stratum` column when stratified, as `vigil estimate --strata stratum` reads it. */
export function tableSetCsv(ts: TableSet): string {
  const stratified = ts.strata.some((s) => s.key !== null);
  // Read back by `vigil estimate`: quoted where needed, never altered.
  const plain = (v: string) => (/[",\n\r]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);
  const lines = [[...ts.lists, ...(stratified ? ["stratum"] : []), "count"].map(plain).join(",")];
  for (const s of ts.strata) {
    for (const [p, c] of [...s.patterns].sort((a, b) => a[0] - b[0])) {
      lines.push([...ts.lists.map((_, j) => ((p >> j) & 1 ? "1" : "0")), ...(stratified ? [plain(s.key ?? "")] : []), String(c)].join(","));
    }
  }
  return `${lines.join("\n")}\n`;
}

/** Everything about a run, as one JSON object. */
export function exportRun(run: EstimateRun): Record<string, unknown> {
  return {
    format: EXPORT_FORMAT,
    version: EXPORT_VERSION,
    id: run.id,
    title: run.title,
    status: run.status,
    createdAt: run.createdAt,
    createdBy: run.createdBy,
    startedAt: run.startedAt,
    finishedAt: run.finishedAt,
    reproduces: run.reproduces,
    progress: run.progress,
    input: run.input,
    lists: run.provenance.lists,
    provenance: run.provenance,
    table: run.tables,
    tableCsv: tableSetCsv(run.tables),
    command: commandLine(run.input, run.stratified),
    report: run.report,
    error: run.error,
  };
}

/** A cell safe for spreadsheets: quoted when needed, and text that would start a formula is prefixed with an apostrophe. */
function cell(v: string | number | null | undefined): string {
  if (v === null || v === undefined) return "";
  if (typeof v === "number") return Number.isFinite(v) ? String(Math.round(v * 1e6) / 1e6) : "";
  const s = /^[=+\-@\t\r]/.test(v) ? `'${v}` : v;
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

const HEAD = ["section", "stratum", "item", "N", "low", "high", "aic", "bic", "weight", "note"] as const;
type Line = Partial<Record<(typeof HEAD)[number], string | number | null | undefined>>;

function reportLines(r: EstimateReport, stratum: string | null): Line[] {
  const out: Line[] = [];
  out.push({ section: "estimate", stratum, item: r.model, N: r.N, low: r.interval[0], high: r.interval[1], note: `${r.estimator}; interval: ${r.intervalMethod}; observed ${r.observed}` });
  for (const m of r.models) out.push({ section: "model", stratum, item: m.model, N: m.N, low: m.low, high: m.high, aic: m.aic, bic: m.bic, weight: m.weight, note: m.note });
  for (const s of r.sensitivity) out.push({ section: "sensitivity", stratum, item: s.label, N: s.N, low: s.low, high: s.high, note: s.note });
  for (const x of r.refused) out.push({ section: "refused", stratum, item: x.model, note: x.reason });
  for (const c of r.caveats) out.push({ section: "caveat", stratum, item: c.kind, note: c.text });
  for (const p of r.patterns) out.push({ section: "pattern", stratum, item: p.lists.join("+"), N: p.count });
  return out;
}

/** The run's figures as CSV: the estimate, models, sensitivity, refusals, caveats and the table, one row each. */
export function reportCsv(run: EstimateRun): string {
  const lines: Line[] = [];
  for (const l of run.provenance.lists) lines.push({ section: "list", item: l.name, N: l.people, note: l.label });
  const r = run.report;
  if (run.error) lines.push({ section: run.status === "refused" ? "refused" : "failed", item: run.input.model ?? run.input.method, note: run.error.message });
  if (r && "strata" in r) {
    const s = r;
    lines.push({ section: "estimate", item: "total over strata", N: s.N, low: s.interval[0], high: s.interval[1], note: s.intervalMethod });
    for (const x of s.strata) lines.push(...reportLines(x.report, x.stratum));
    for (const x of s.refused) lines.push({ section: "refused", stratum: x.stratum, note: x.reason });
    for (const c of s.caveats) lines.push({ section: "caveat", item: c.kind, note: c.text });
  } else if (r) lines.push(...reportLines(r, null));
  return `${[HEAD.join(","), ...lines.map((l) => HEAD.map((h) => cell(l[h])).join(","))].join("\n")}\n`;
}
