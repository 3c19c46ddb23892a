import type { EstimateReport } from "./estimate.ts";
import type { StratifiedReport } from "./strata.ts";

/**
 * Turns a report into text for a terminal and into an SVG plot of the
 * estimates across models. Both are pure string functions, so the CLI prints
 * them and a server-rendered page can embed them as they are.
 */

const int = (x: number | null): string => (x === null ? "no upper limit" : Math.round(x).toLocaleString("en-US"));
const interval = (lo: number | null, hi: number | null): string => (lo === null && hi === null ? "" : `${int(lo)} – ${hi === null ? "∞" : int(hi)}`);

function pad(s: string, w: number, right = false): string {
  const len = [...s].length;
  if (len >= w) return s;
  return right ? " ".repeat(w - len) + s : s + " ".repeat(w - len);
}

function table(head: string[], rows: string[][], rightCols: number[] = []): string[] {
  const widths = head.map((h, i) => Math.max([...h].length, ...rows.map((r) => [...(r[i] ?? "")].length)));
  const line = (r: string[]) => r.map((c, i) => pad(c, widths[i]!, rightCols.includes(i))).join("  ").trimEnd();
  return [line(head), widths.map((w) => "-".repeat(w)).join("  "), ...rows.map(line)];
}

function wrap(text: string, width = 88, indent = "  "): string[] {
  const out: string[] = [];
  let line = "";
  for (const word of text.split(/\s+/)) {
    if (line && line.length + word.length + 1 > width - indent.length) {
      out.push(indent + line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  if (line) out.push(indent + line);
  return out;
}

const METHOD_NAMES: Record<EstimateReport["method"], string> = {
  loglinear: "log-linear models",
  bma: "Bayesian model averaging (decomposable graphical models)",
  lcmcr: "latent-class model (LCMCR)",
};

/** A plain-text report for a terminal. */
export function renderText(r: EstimateReport): string {
  const out: string[] = [];
  out.push(`Estimated total: ${int(r.N)}   95% interval: ${interval(r.interval[0], r.interval[1])}`);
  out.push(`Observed on at least one list: ${int(r.observed)}   Estimated missing: ${int(r.N - r.observed)}`);
  out.push(`Method: ${METHOD_NAMES[r.method]}; ${r.estimator}; interval: ${r.intervalMethod}`);
  out.push(`Model: ${r.model}`);
  if (r.selection && r.selection.search !== "given") {
    const how = r.selection.search === "all" ? `all ${r.selection.considered} hierarchical models fitted` : r.selection.search === "stepwise" ? `stepwise search, ${r.selection.considered} models fitted` : "p-value stepwise (SparseMSE rule, threshold 0.02)";
    out.push(`Selection: ${r.selection.rule.toUpperCase()}; ${how}; ${r.selection.refused} refused (estimate does not exist or is not identifiable)`);
  }
  out.push(`Lists: ${r.lists.join(", ")}`);
  out.push("");
  if (r.models.length) {
    out.push(r.method === "bma" ? "Models by posterior probability" : r.method === "lcmcr" ? "Model" : "Models considered");
    const head = ["model", "N", "95% interval"];
    const hasW = r.models.some((m) => m.weight !== undefined);
    const hasScores = r.models.some((m) => m.aic !== undefined);
    if (hasScores) head.push("AIC", "BIC");
    if (hasW) head.push(r.method === "bma" ? "prob." : "weight");
    head.push("note");
    const rows = r.models.slice(0, 15).map((m) => {
      const row = [m.model, int(m.N), interval(m.low, m.high)];
      if (hasScores) row.push(m.aic?.toFixed(2) ?? "", m.bic?.toFixed(2) ?? "");
      if (hasW) row.push(m.weight !== undefined ? m.weight.toFixed(3) : "");
      row.push(m.note ?? "");
      return row;
    });
    out.push(...table(head, rows, [1]));
    if (r.models.length > 15) out.push(`… and ${r.models.length - 15} more`);
    out.push("");
  }
  if (r.sensitivity.length) {
    out.push("Sensitivity: the total under other reasonable choices");
    out.push(...table(["choice", "N", "95% interval", "note"], r.sensitivity.map((s) => [s.label, int(s.N), interval(s.low, s.high), s.note ?? ""]), [1]));
    out.push("");
  }
  if (r.diagnostics) {
    const d = r.diagnostics;
    out.push(`Convergence: split-R̂ ${d.rhat.toFixed(3)}, effective draws ${Math.round(d.ess)}, Geweke z ${d.geweke.map((z) => z.toFixed(2)).join(", ")}`);
    out.push("");
  }
  if (r.refused.length && r.method === "loglinear") {
    out.push(`Refused models (${r.selection?.refused ?? r.refused.length}), for example:`);
    for (const x of r.refused.slice(0, 3)) out.push(...wrap(`${x.model}: ${x.reason}`));
    out.push("");
  }
  out.push("Caveats");
  for (const c of r.caveats) out.push(...wrap(`- ${c.text}`, 88, "  ").map((l, i) => (i === 0 ? l : `  ${l}`)));
  return `${out.join("\n")}\n`;
}

/** Text for a stratified estimate: the total, then each stratum briefly. */
export function renderStratifiedText(r: StratifiedReport): string {
  const out: string[] = [];
  out.push(`Estimated total over ${r.strata.length} strata: ${int(r.N)}   95% interval: ${interval(r.interval[0], r.interval[1])}`);
  out.push(`Observed: ${int(r.observed)}   Method: ${METHOD_NAMES[r.method]}   Combined interval: ${r.intervalMethod}`);
  out.push("");
  out.push(...table(["stratum", "observed", "N", "95% interval", "model"], r.strata.map((s) => [s.stratum, int(s.report.observed), int(s.report.N), interval(s.report.interval[0], s.report.interval[1]), s.report.model]), [1, 2]));
  if (r.refused.length) {
    out.push("");
    out.push("Strata without an estimate:");
    for (const x of r.refused) out.push(...wrap(`${x.stratum}: ${x.reason}`));
  }
  out.push("");
  out.push("Caveats");
  for (const c of r.caveats) out.push(...wrap(`- ${c.text}`, 88, "  ").map((l, i) => (i === 0 ? l : `  ${l}`)));
  return `${out.join("\n")}\n`;
}

const esc = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");

/** Words of the plot, for the reader's language (English by default). */
export interface SvgText {
  title: string;
  heading: string;
  logScale: string;
  chosen: string;
  total: string;
  observed: string;
  noUpper: string;
  /** The description for screen readers. */
  desc: (estimate: string, interval: string, rows: number, observed: string) => string;
}

const EN_TEXT: SvgText = {
  title: "Estimated total across models",
  heading: "Estimated total (dot) and 95% interval (line)",
  logScale: ", log scale",
  chosen: "chosen",
  total: "Total over strata",
  observed: "observed",
  noUpper: "no upper limit",
  desc: (e, i, n, o) => `Estimate ${e} with 95% interval ${i}; ${n} rows of alternative models and choices; observed ${o}.`,
};

export interface SvgOptions {
  width?: number;
  maxRows?: number;
  text?: Partial<SvgText>;
  /** Writes digits as the reader does (Persian digits in Persian). */
  digits?: (s: string) => string;
  /** The words (heading, observed) are right-to-left; labels of models stay as they are. */
  rtl?: boolean;
}

interface PlotRow {
  label: string;
  N: number;
  low: number | null;
  high: number | null;
  strong: boolean;
}

/**
 * An SVG dot-and-whisker plot: one row per model or sensitivity choice, the
 * estimate as a dot and its 95% interval as a line, the observed count as a
 * dashed rule. Self-contained, no scripts, readable without colour.
 */
export function renderSvg(r: EstimateReport, opts: SvgOptions = {}): string {
  const text = { ...EN_TEXT, ...opts.text };
  const rows: PlotRow[] = [];
  rows.push({ label: `${r.model} (${text.chosen})`, N: r.N, low: r.interval[0], high: r.interval[1], strong: true });
  const maxRows = opts.maxRows ?? 12;
  for (const m of r.models.slice(0, maxRows)) if (m.model !== r.model || r.method !== "loglinear") rows.push({ label: m.model + (m.weight !== undefined ? ` (${m.weight.toFixed(2)})` : ""), N: m.N, low: m.low, high: m.high, strong: false });
  for (const s of r.sensitivity) rows.push({ label: s.label, N: s.N, low: s.low, high: s.high, strong: false });
  return plot(rows, r.observed, { N: r.N, interval: r.interval }, text, opts);
}

/** The same plot for a stratified estimate: each stratum, then the total. */
export function renderStratifiedSvg(r: StratifiedReport, opts: SvgOptions & { label?: (stratum: string) => string } = {}): string {
  const text = { ...EN_TEXT, ...opts.text };
  const rows: PlotRow[] = [];
  if (r.N !== null) rows.push({ label: text.total, N: r.N, low: r.interval[0], high: r.interval[1], strong: true });
  for (const s of r.strata) rows.push({ label: opts.label ? opts.label(s.stratum) : s.stratum, N: s.report.N, low: s.report.interval[0], high: s.report.interval[1], strong: false });
  return plot(rows, r.observed, r.N !== null ? { N: r.N, interval: r.interval } : null, text, opts);
}

function plot(rows: PlotRow[], observed: number, main: { N: number; interval: [number | null, number | null] } | null, text: SvgText, opts: SvgOptions): string {
  const dg = opts.digits ?? ((x: string) => x);
  const n = (x: number | null) => (x === null ? text.noUpper : dg(int(x)));
  const iv = (lo: number | null, hi: number | null) => (lo === null && hi === null ? "" : `${n(lo)} – ${hi === null ? "∞" : n(hi)}`);
  const width = opts.width ?? 760;
  const labelW = 300;
  const rowH = 22;
  const top = 40;
  const bottom = 44;
  const height = top + rows.length * rowH + bottom;
  const values = rows.flatMap((x) => [x.N, x.low ?? x.N, x.high ?? x.N]).filter((v) => Number.isFinite(v));
  const finiteHighs = values.length ? Math.max(...values) : observed;
  let lo = Math.min(observed, ...values);
  let hi = Math.max(finiteHighs, observed + 1);
  const useLog = hi / Math.max(1, lo) > 20;
  if (!useLog) {
    const padAmt = (hi - lo) * 0.05 || 1;
    lo = Math.max(0, lo - padAmt);
    hi += padAmt;
  } else {
    lo = Math.max(1, lo / 1.2);
    hi *= 1.2;
  }
  const x0 = labelW + 10;
  const x1 = width - 20;
  const sx = (v: number) => (useLog ? x0 + ((Math.log(v) - Math.log(lo)) / (Math.log(hi) - Math.log(lo))) * (x1 - x0) : x0 + ((v - lo) / (hi - lo)) * (x1 - x0));
  const parts: string[] = [];
  parts.push(`<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="img" aria-labelledby="est-title est-desc" font-family="sans-serif" font-size="12" direction="ltr">`);
  parts.push(`<title id="est-title">${esc(text.title)}</title>`);
  parts.push(`<desc id="est-desc">${esc(main ? text.desc(n(main.N), iv(main.interval[0], main.interval[1]), rows.length, n(observed)) : text.desc("—", "—", rows.length, n(observed)))}</desc>`);
  parts.push(`<rect x="0" y="0" width="${width}" height="${height}" fill="#fff"/>`);
  const words = opts.rtl ? ' direction="rtl" unicode-bidi="embed"' : "";
  parts.push(`<text x="${opts.rtl ? x1 : x0}" y="20" font-weight="bold"${words}>${esc(text.heading + (useLog ? text.logScale : ""))}</text>`);
  // Axis ticks.
  const ticks = useLog ? logTicks(lo, hi) : linTicks(lo, hi);
  const axisY = top + rows.length * rowH + 6;
  for (const t of ticks) {
    const x = sx(t).toFixed(1);
    parts.push(`<line x1="${x}" y1="${top - 6}" x2="${x}" y2="${axisY}" stroke="#ddd"/>`);
    parts.push(`<text x="${x}" y="${axisY + 16}" text-anchor="middle">${esc(dg(compact(t)))}</text>`);
  }
  const ox = sx(observed).toFixed(1);
  parts.push(`<line x1="${ox}" y1="${top - 6}" x2="${ox}" y2="${axisY}" stroke="#555" stroke-dasharray="4 3"/>`);
  parts.push(`<text x="${ox}" y="${axisY + 32}" text-anchor="middle" fill="#555"${words}>${esc(`${text.observed} ${n(observed)}`)}</text>`);
  rows.forEach((row, i) => {
    const y = top + i * rowH + rowH / 2;
    const label = row.label.length > 46 ? `${row.label.slice(0, 45)}…` : row.label;
    parts.push(`<text x="${labelW}" y="${y + 4}" text-anchor="end"${row.strong ? ' font-weight="bold"' : ""}><title>${esc(row.label)}</title>${esc(label)}</text>`);
    if (row.low !== null) {
      const a = sx(Math.max(lo, row.low)).toFixed(1);
      const b = row.high === null ? x1.toFixed(1) : sx(Math.min(hi, row.high)).toFixed(1);
      parts.push(`<line x1="${a}" y1="${y}" x2="${b}" y2="${y}" stroke="#333" stroke-width="${row.strong ? 3 : 1.5}"${row.high === null ? ' stroke-dasharray="6 3"' : ""}/>`);
    }
    parts.push(`<circle cx="${sx(row.N).toFixed(1)}" cy="${y}" r="${row.strong ? 5 : 4}" fill="${row.strong ? "#b00" : "#333"}"><title>${esc(`${row.label}: ${n(row.N)} (${iv(row.low, row.high)})`)}</title></circle>`);
  });
  parts.push("</svg>");
  return parts.join("\n");
}

function compact(v: number): string {
  if (v >= 1e6) return `${+(v / 1e6).toPrecision(3)}M`;
  if (v >= 1e4) return `${+(v / 1e3).toPrecision(3)}k`;
  return Math.round(v).toLocaleString("en-US");
}

function linTicks(lo: number, hi: number): number[] {
  const span = hi - lo;
  const step0 = 10 ** Math.floor(Math.log10(span / 5));
  const step = [1, 2, 5, 10].map((m) => m * step0).find((s) => span / s <= 7) ?? step0 * 10;
  const out: number[] = [];
  for (let t = Math.ceil(lo / step) * step; t <= hi; t += step) out.push(t);
  return out;
}

function logTicks(lo: number, hi: number): number[] {
  const out: number[] = [];
  // Over many decades 2 and 5 crowd the axis; keep the powers of ten alone there.
  const mantissas = Math.log10(hi / lo) > 2.5 ? [1] : [1, 2, 5];
  for (let e = Math.floor(Math.log10(lo)); e <= Math.ceil(Math.log10(hi)); e++) for (const m of mantissas) {
    const t = m * 10 ** e;
    if (t >= lo && t <= hi) out.push(t);
  }
  return out;
}
