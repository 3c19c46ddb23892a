import { daysToIso, isoToDays, type FuzzyDate } from "../core/dates.ts";
import { toPersianDigits } from "../core/digits.ts";
import { nice, ticks as tickValues } from "d3-array";

/** A confirmed record of executions: one or more people, on a date as precise as the source gave it. */
export interface ExecutionRecord {
  date: FuzzyDate;
  /** People executed in this record (default 1). */
  count?: number;
  /** Only confirmed records are counted; others are reported as excluded. */
  confirmed: boolean;
}

export interface SeriesPoint {
  /** "2025-W30" or "2025-07". */
  period: string;
  /** First and last Gregorian day of the period. */
  start: string;
  end: string;
  count: number;
  /** Recent periods still filling up as reports arrive late. */
  provisional: boolean;
  anomaly?: Anomaly;
}

export interface Anomaly {
  direction: "rise" | "fall";
  /** Robust z-score: distance from the rolling median in units of the robust spread. */
  score: number;
  median: number;
  /** The spread used: 1.4826 × MAD, but never less than √median. */
  spread: number;
  provisional: boolean;
}

export interface Series {
  granularity: "week" | "month";
  points: SeriesPoint[];
  /** Records left out, and why. */
  excluded: { unconfirmed: number; tooImprecise: number; outOfRange: number };
}

export interface SeriesOptions {
  /** The day the series is drawn up; periods after it are not shown. */
  asOf: string;
  /** First day to show (default: the earliest counted record). */
  from?: string;
  /** Periods up to `asOf` marked provisional (default 4 weeks or 1 month). */
  provisional?: number;
}

const weekday = (days: number): number => (((days + 3) % 7) + 7) % 7; // 1970-01-01 was a Thursday; 0 = Monday
const mondayOf = (iso: string): number => isoToDays(iso) - weekday(isoToDays(iso));

/** ISO 8601 week label ("2025-W30") of the week starting on a Monday (days since 1970). */
function isoWeekLabel(monday: number): string {
  const thursday = monday + 3;
  const year = Number(daysToIso(thursday).slice(0, 4));
  const week = Math.floor((thursday - isoToDays(`${year}-01-01`)) / 7) + 1;
  return `${year}-W${String(week).padStart(2, "0")}`;
}

function monthBounds(ym: string): [string, string] {
  const [y, m] = ym.split("-").map(Number) as [number, number];
  const start = `${ym}-01`;
  const next = m === 12 ? `${y + 1}-01-01` : `${y}-${String(m + 1).padStart(2, "0")}-01`;
  return [start, daysToIso(isoToDays(next) - 1)];
}

function build(records: readonly ExecutionRecord[], granularity: "week" | "month", o: SeriesOptions): Series {
  const excluded = { unconfirmed: 0, tooImprecise: 0, outOfRange: 0 };
  const counts = new Map<string, number>();
  let first: string | undefined;
  for (const r of records) {
    if (!r.confirmed) {
      excluded.unconfirmed++;
      continue;
    }
    const { earliest, latest } = r.date;
    if (!earliest || !latest) {
      excluded.tooImprecise++;
      continue;
    }
    // A record belongs to a period only if its whole interval lies inside it; a month-precise date is never guessed into a week.
    const key = granularity === "week" ? (mondayOf(earliest) === mondayOf(latest) ? daysToIso(mondayOf(earliest)) : undefined) : earliest.slice(0, 7) === latest.slice(0, 7) ? earliest.slice(0, 7) : undefined;
    if (!key) {
      excluded.tooImprecise++;
      continue;
    }
    if (earliest > o.asOf || (o.from && latest < o.from)) {
      excluded.outOfRange++;
      continue;
    }
    counts.set(key, (counts.get(key) ?? 0) + (r.count ?? 1));
    if (!first || earliest < first) first = earliest;
  }
  const points: SeriesPoint[] = [];
  const start = o.from ?? first;
  if (!start) return { granularity, points, excluded };
  if (granularity === "week") {
    const provisional = o.provisional ?? 4;
    const last = mondayOf(o.asOf);
    for (let d = mondayOf(start); d <= last; d += 7) {
      const key = daysToIso(d);
      points.push({ period: isoWeekLabel(d), start: key, end: daysToIso(d + 6), count: counts.get(key) ?? 0, provisional: (last - d) / 7 < provisional });
    }
  } else {
    const provisional = o.provisional ?? 1;
    let ym = start.slice(0, 7);
    const last = o.asOf.slice(0, 7);
    const months: string[] = [];
    while (ym <= last) {
      months.push(ym);
      const [y, m] = ym.split("-").map(Number) as [number, number];
      ym = m === 12 ? `${y + 1}-01` : `${y}-${String(m + 1).padStart(2, "0")}`;
    }
    months.forEach((key, i) => {
      const [s, e] = monthBounds(key);
      points.push({ period: key, start: s, end: e, count: counts.get(key) ?? 0, provisional: months.length - 1 - i < provisional });
    });
  }
  return { granularity, points, excluded };
}

/** Executions per ISO week (Monday to Sunday) from confirmed records; the last weeks are provisional. */
export function weeklySeries(records: readonly ExecutionRecord[], options: SeriesOptions): Series {
  return build(records, "week", options);
}

/** Executions per calendar month from confirmed records; the last month is provisional. */
export function monthlySeries(records: readonly ExecutionRecord[], options: SeriesOptions): Series {
  return build(records, "month", options);
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const n = s.length;
  return n % 2 ? s[(n - 1) / 2]! : (s[n / 2 - 1]! + s[n / 2]!) / 2;
}

export interface AnomalyOptions {
  /** Past periods the median and MAD are taken over (default 12). */
  window?: number;
  /** Past periods needed before any point is judged (default 6). */
  minHistory?: number;
  /** Robust z-score from which a point is an anomaly (default 3.5, after Iglewicz and Hoaglin). */
  threshold?: number;
}

/**
 * Marks anomalous periods: each point is compared with the median of the
 * `window` periods before it, in units of 1.4826 × MAD (the robust standard
 * deviation). The spread is never taken below √median, the Poisson spread of
 * counts, so that a flat history does not make one extra execution an alarm.
 * Falls in provisional periods are not flagged: they are usually reports not
 * yet in. Rises there are flagged and marked provisional.
 */
export function markAnomalies(series: Series, options: AnomalyOptions = {}): Series {
  const window = options.window ?? 12;
  const minHistory = options.minHistory ?? 6;
  const threshold = options.threshold ?? 3.5;
  const points = series.points.map((p, i, all): SeriesPoint => {
    const { anomaly: _drop, ...rest } = p;
    if (i < minHistory) return rest;
    const past = all.slice(Math.max(0, i - window), i).map((x) => x.count);
    const m = median(past);
    const mad = median(past.map((x) => Math.abs(x - m)));
    const spread = Math.max(1.4826 * mad, Math.sqrt(Math.max(m, 1)));
    const score = (p.count - m) / spread;
    if (Math.abs(score) < threshold) return rest;
    if (score < 0 && p.provisional) return rest;
    const anomaly: Anomaly = { direction: score > 0 ? "rise" : "fall", score: Math.round(score * 100) / 100, median: m, spread: Math.round(spread * 100) / 100, provisional: p.provisional };
    return { ...rest, anomaly };
  });
  return { ...series, points };
}

// ---------- SVG ----------

export interface ChartOptions {
  title: string;
  /** A sentence for screen readers: what the chart shows and where the data comes from. */
  description?: string;
  lang?: "en" | "fa";
  width?: number;
  height?: number;
  /** Prefix of the ids inside the SVG (title, description, hatch pattern), so that several charts can share a page. */
  idPrefix?: string;
}

const esc = (s: string): string => s.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);

/**
 * A bar chart as an SVG string, drawn on the server (no script, no external
 * request): provisional periods hatched, anomalies marked, a title and a
 * description for screen readers, every bar with its own <title>. Persian
 * charts read right to left with Persian digits.
 */
export function barChartSvg(series: Series, options: ChartOptions): string {
  const fa = options.lang === "fa";
  const num = (n: number): string => (fa ? toPersianDigits(String(n)) : String(n));
  const id = (options.idPrefix ?? "vigil").replace(/[^A-Za-z0-9_-]/g, "");
  const width = options.width ?? 720;
  const height = options.height ?? 260;
  const pad = { top: 28, right: 16, bottom: 36, left: 44 };
  const innerW = width - pad.left - pad.right;
  const innerH = height - pad.top - pad.bottom;
  const pts = series.points;
  const max = Math.max(1, ...pts.map((p) => p.count));
  const step = pts.length ? innerW / pts.length : innerW;
  const barW = Math.max(1, step * 0.8);
  const x = (i: number): number => (fa ? pad.left + innerW - (i + 1) * step + (step - barW) / 2 : pad.left + i * step + (step - barW) / 2);
  // Whole numbers at round steps (0, 2, 4, 6, 8; 0, 10, … 40): the axis ends at the round value at or above the highest bar.
  const top = Math.max(1, nice(0, max, 4)[1]);
  const ticks = tickValues(0, top, 4).filter((t) => Number.isInteger(t));
  const y = (v: number): number => pad.top + innerH - (v / top) * innerH;
  const provisionalWord = fa ? "موقت" : "provisional";
  const anomalyWord = fa ? "ناهنجاری" : "anomaly";
  const bars = pts
    .map((p, i) => {
      const cls = ["bar", p.provisional ? "provisional" : "", p.anomaly ? `anomaly ${p.anomaly.direction}` : ""].filter(Boolean).join(" ");
      const label = `${p.period}: ${num(p.count)}${p.provisional ? ` (${provisionalWord})` : ""}${p.anomaly ? ` — ${anomalyWord} (${p.anomaly.direction}, z=${p.anomaly.score})` : ""}`;
      const h = Math.max(0, pad.top + innerH - y(p.count));
      const fill = p.provisional ? `url(#${id}-hatch)` : p.anomaly ? "#9b1c1c" : "#3d3d3d";
      const mark = p.anomaly ? `<text x="${(x(i) + barW / 2).toFixed(1)}" y="${(y(p.count) - 4).toFixed(1)}" text-anchor="middle" font-size="11" fill="#9b1c1c">!</text>` : "";
      return `<g class="${cls}"><title>${esc(label)}</title><rect x="${x(i).toFixed(1)}" y="${y(p.count).toFixed(1)}" width="${barW.toFixed(1)}" height="${h.toFixed(1)}" fill="${fill}" stroke="#3d3d3d" stroke-width="0.5"/>${mark}</g>`;
    })
    .join("");
  const axis = ticks
    .map((t) => `<g class="tick"><line x1="${pad.left}" x2="${width - pad.right}" y1="${y(t).toFixed(1)}" y2="${y(t).toFixed(1)}" stroke="#ddd"/><text x="${fa ? width - pad.right + 4 : pad.left - 6}" y="${(y(t) + 4).toFixed(1)}" text-anchor="${fa ? "start" : "end"}" font-size="11">${num(t)}</text></g>`)
    .join("");
  const labelEvery = Math.max(1, Math.ceil(pts.length / 8));
  const xLabels = pts
    .map((p, i) => (i % labelEvery === 0 ? `<text x="${(x(i) + barW / 2).toFixed(1)}" y="${height - pad.bottom + 14}" text-anchor="middle" font-size="10" direction="ltr">${esc(fa ? toPersianDigits(p.period) : p.period)}</text>` : ""))
    .join("");
  // In a right-to-left chart "start" is the right-hand end of a line (the title starts at the right margin); period labels such as 2025-W30 stay left to right.
  const desc = options.description ?? `${series.granularity === "week" ? "Weekly" : "Monthly"} counts, ${pts.length} periods; hatched bars are provisional.`;
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" role="img" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" aria-labelledby="${id}-chart-title ${id}-chart-desc"${fa ? ' direction="rtl" xml:lang="fa"' : ' xml:lang="en"'} font-family="sans-serif">`,
    `<title id="${id}-chart-title">${esc(options.title)}</title><desc id="${id}-chart-desc">${esc(desc)}</desc>`,
    `<defs><pattern id="${id}-hatch" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)"><rect width="6" height="6" fill="#fff"/><line x1="0" y1="0" x2="0" y2="6" stroke="#3d3d3d" stroke-width="2"/></pattern></defs>`,
    `<text x="${fa ? width - pad.right : pad.left}" y="18" text-anchor="start" font-size="13" font-weight="bold">${esc(options.title)}</text>`,
    axis,
    bars,
    xLabels,
    `</svg>`,
  ].join("");
}
