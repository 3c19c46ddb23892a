import * as jalaali from "jalaali-js";
import { isoToDays } from "../core/dates.ts";
import type { Career } from "./model.ts";
import type { Show } from "./show.ts";
import { digits } from "../web/index.ts";

/** The timeline as pure data: rows with day offsets, ticks, act buckets; then drawn as SVG. */
export interface TimelineData {
  from: number;
  to: number;
  rows: { id: string; label: string; title: string; from: number; to: number; sureFrom: number | null; sureTo: number | null; later: boolean }[];
  acts: { from: number; to: number; count: number }[];
  actsFrom: number | null;
  actsTo: number | null;
  ticks: { day: number; label: string }[];
  actCount: number;
}

function jalaliYearStart(jy: number): number {
  const g = jalaali.toGregorian(jy, 1, 1);
  return isoToDays(`${String(g.gy).padStart(4, "0")}-${String(g.gm).padStart(2, "0")}-${String(g.gd).padStart(2, "0")}`);
}

/** Lays a career out in time: one row per post, a lane of acts bucketed by month or year. */
export function timelineData(career: Career, show: Show): TimelineData {
  const days = (iso: string | null): number | null => (iso ? isoToDays(iso) : null);
  const dated = career.postings.filter((p) => p.span.from && p.span.to);
  const actDays = career.involvements.map((i) => [days(i.act.claim.date?.earliest ?? null), days(i.act.claim.date?.latest ?? null)] as const).filter((x): x is readonly [number, number] => x[0] !== null && x[1] !== null);
  const all = [...dated.flatMap((p) => [days(p.span.from)!, days(p.span.to)!]), ...actDays.flat()];
  const lo = all.length ? Math.min(...all) : isoToDays("1980-01-01");
  const hi = all.length ? Math.max(...all) : isoToDays("2000-01-01");
  const from = lo - 200;
  const to = hi + 200;
  const later = new Set(career.laterPostingIds);
  const rows = dated.map((p) => {
    const org = show.name(p.post ?? p.organisation);
    const label = `${show.term("post_role", p.role)} — ${org}`;
    return {
      id: p.claim.id,
      label,
      title: `${label}: ${show.date(p.claim.date)} (${show.term("confidence", p.claim.confidence)})`,
      from: days(p.span.from)!,
      to: days(p.span.to)!,
      sureFrom: days(p.span.sureFrom),
      sureTo: days(p.span.sureTo),
      later: later.has(p.claim.id),
    };
  });
  // Acts bucketed so that a thousand of them stay legible: by month within six years, by year beyond.
  const byMonth = to - from < 6 * 366;
  const buckets = new Map<number, { from: number; to: number; count: number }>();
  for (const [a, b] of actDays) {
    const mid = Math.floor((a + b) / 2);
    const size = byMonth ? 30.44 : 365.25;
    const k = Math.floor(mid / size);
    const bucket = buckets.get(k) ?? { from: Math.floor(k * size), to: Math.floor((k + 1) * size), count: 0 };
    bucket.count++;
    buckets.set(k, bucket);
  }
  const span = to - from;
  const years = span / 365.25;
  const step = [1, 2, 5, 10, 20, 50].find((s) => years / s <= 12) ?? 100;
  const ticks: TimelineData["ticks"] = [];
  if (show.lang === "fa") {
    const first = jalaali.toJalaali(new Date(Date.UTC(1970, 0, 1) + from * 86400000)).jy + 1;
    for (let jy = Math.ceil(first / step) * step; jalaliYearStart(jy) <= to; jy += step) ticks.push({ day: jalaliYearStart(jy), label: digits("fa", String(jy)) });
  } else {
    const first = new Date(Date.UTC(1970, 0, 1) + from * 86400000).getUTCFullYear() + 1;
    for (let y = Math.ceil(first / step) * step; isoToDays(`${y}-01-01`) <= to; y += step) ticks.push({ day: isoToDays(`${y}-01-01`), label: String(y) });
  }
  return { from, to, rows, acts: [...buckets.values()].sort((a, b) => a.from - b.from), actsFrom: days(career.actsFrom), actsTo: days(career.actsTo), ticks, actCount: career.involvements.length };
}

const clip = (s: string, n: number): string => (s.length > n ? `${s.slice(0, n - 1)}…` : s);

/**
 * The career timeline as server-rendered SVG: posts as bars (solid where
 * surely held, faded where the sources leave an end uncertain), the acts as
 * a lane of counts, and the acts' period shaded across every row, so later
 * positions stand next to what came before them. Mirrored for Persian.
 */
export function TimelineSvg({ career, show, idPrefix = "tl" }: { career: Career; show: Show; idPrefix?: string }) {
  const d = timelineData(career, show);
  const W = 960;
  const labelW = 330;
  const rowH = 26;
  const top = 10;
  const plotX = labelW + 12;
  const plotW = W - plotX - 12;
  const actsH = 46;
  const H = top + d.rows.length * rowH + 8 + actsH + 30;
  const rtl = show.lang === "fa";
  const x = (day: number): number => plotX + ((day - d.from) / (d.to - d.from)) * plotW;
  // Mirror horizontally for right-to-left readers: time and labels run from the right.
  const mx = (px: number, w = 0): number => (rtl ? W - px - w : px);
  // With the SVG's direction set, "end" is the side next to the plot in both directions.
  const anchor = "end";
  const labelX = rtl ? W - labelW : labelW;
  const actsY = top + d.rows.length * rowH + 8;
  const maxCount = Math.max(1, ...d.acts.map((a) => a.count));
  const titleId = `${idPrefix}-title`;
  const descId = `${idPrefix}-desc`;
  return (
    <svg xmlns="http://www.w3.org/2000/svg" viewBox={`0 0 ${W} ${H}`} width={W} height={H} role="img" aria-labelledby={`${titleId} ${descId}`} class="acc-timeline" direction={rtl ? "rtl" : "ltr"}>
      <title id={titleId}>{show.t("acc.timeline.title")}</title>
      <desc id={descId}>{show.t("acc.timeline.desc", { name: show.name(career.person), posts: d.rows.length, acts: d.actCount })}</desc>
      <rect x="0" y="0" width={W} height={H} fill="#ffffff" />
      {d.actsFrom !== null && d.actsTo !== null ? (
        <g>
          <rect x={mx(x(d.actsFrom), Math.max(2, x(d.actsTo) - x(d.actsFrom)))} y={top - 6} width={Math.max(2, x(d.actsTo) - x(d.actsFrom))} height={actsY + actsH - top + 6} fill="#a4262c" fill-opacity="0.10" />
          <text x={mx(x(d.actsFrom))} y={H - 4} font-size="11" fill="#a4262c" text-anchor="start">
            {show.t("acc.timeline.actsPeriod")}
          </text>
        </g>
      ) : null}
      {d.ticks.map((tk) => (
        <g>
          <line x1={mx(x(tk.day))} x2={mx(x(tk.day))} y1={top - 4} y2={actsY + actsH} stroke="#dedad2" stroke-width="1" />
          <text x={mx(x(tk.day))} y={actsY + actsH + 14} font-size="11" fill="#4a4f5a" text-anchor="middle">
            {tk.label}
          </text>
        </g>
      ))}
      {d.rows.map((r, i) => {
        const y = top + i * rowH;
        const colour = r.later ? "#7a2e2e" : "#1f4e8c";
        const w = Math.max(3, x(r.to) - x(r.from));
        const sure = r.sureFrom !== null && r.sureTo !== null ? { x: x(r.sureFrom), w: Math.max(3, x(r.sureTo) - x(r.sureFrom)) } : null;
        return (
          <g>
            <title>{r.title}</title>
            <text x={labelX} y={y + 17} font-size="12" fill={r.later ? "#7a2e2e" : "#1d1f24"} font-weight={r.later ? "700" : "400"} text-anchor={anchor}>
              {clip(r.label, 48)}
            </text>
            <rect x={mx(x(r.from), w)} y={y + 5} width={w} height={rowH - 10} rx="3" fill={colour} fill-opacity="0.3" />
            {sure ? <rect x={mx(sure.x, sure.w)} y={y + 5} width={sure.w} height={rowH - 10} rx="3" fill={colour} /> : null}
          </g>
        );
      })}
      <text x={labelX} y={actsY + 26} font-size="12" fill="#1d1f24" text-anchor={anchor}>
        {`${show.t("acc.timeline.actsLane")} (${show.t("acc.timeline.acts", { n: d.actCount })})`}
      </text>
      <line x1={mx(plotX)} x2={mx(plotX + plotW)} y1={actsY + actsH} y2={actsY + actsH} stroke="#4a4f5a" />
      {d.acts.map((a) => {
        const h = Math.max(2, (a.count / maxCount) * (actsH - 6));
        const w = Math.max(2, x(a.to) - x(a.from) - 1);
        return (
          <rect x={mx(x(a.from), w)} y={actsY + actsH - h} width={w} height={h} fill="#a4262c">
            <title>{show.t("acc.timeline.acts", { n: a.count })}</title>
          </rect>
        );
      })}
    </svg>
  );
}
