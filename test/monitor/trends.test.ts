import { test } from "node:test";
import assert from "node:assert/strict";
import { parseHTML } from "linkedom";
import { dayOf, daysToIso, isoToDays, parseDate } from "../../src/core/dates.ts";
import { barChartSvg, markAnomalies, monthlySeries, weeklySeries, type ExecutionRecord } from "../../src/monitor/trends.ts";
import { sharedCsv } from "./shared-data.ts";

/** Spreads `total` executions evenly over the days [from, to], as one record per day (cumulative rounding). */
function spread(from: string, to: string, total: number): ExecutionRecord[] {
  const a = isoToDays(from);
  const days = isoToDays(to) - a + 1;
  const out: ExecutionRecord[] = [];
  let given = 0;
  for (let i = 0; i < days; i++) {
    const upTo = Math.round(((i + 1) * total) / days);
    if (upTo > given) out.push({ date: dayOf(daysToIso(a + i)), count: upTo - given, confirmed: true });
    given = upTo;
  }
  return out;
}

test("weekly series from the published 2025 figures: the week of ~9 executions a day stands out (../shared/data/monitoring/iran_execution_counts_published.csv)", (t) => {
  const rows = sharedCsv("monitoring/iran_execution_counts_published.csv");
  if (!rows) return t.skip("../shared/data/monitoring/iran_execution_counts_published.csv not found");
  // IHRNGO: at least 1000 executions from 1 January to 23 September 2025, "~9 per day in the preceding week".
  const row = rows.find((r) => r.period === "2025-01-01..2025-09-23")!;
  const total = Number(row.count);
  const perDay = Number(/~(\d+) per day/.exec(row.scope_note!)![1]);
  const lastWeek = perDay * 7;
  const records = [...spread("2025-01-01", "2025-09-15", total - lastWeek), ...spread("2025-09-16", "2025-09-22", lastWeek)];
  const s = markAnomalies(weeklySeries(records, { asOf: row.as_of!, from: "2025-01-01" }));
  assert.equal(s.points.reduce((n, p) => n + p.count, 0), total);
  const flagged = s.points.filter((p) => p.anomaly);
  assert.ok(flagged.length >= 1, "the surge is flagged");
  assert.ok(flagged.every((p) => p.start >= "2025-09-15"), `only the surge: ${flagged.map((p) => p.period).join(", ")}`);
  assert.equal(flagged[0]!.anomaly!.direction, "rise");
  assert.equal(flagged[0]!.anomaly!.provisional, true, "within the last four weeks: provisional");
  // The week of 23 September has barely begun: a low count there is not called a fall.
  const last = s.points[s.points.length - 1]!;
  assert.equal(last.provisional, true);
  assert.equal(last.anomaly, undefined);
});

test("only confirmed records count, and imprecise dates are never guessed into a week", () => {
  const records: ExecutionRecord[] = [
    { date: dayOf("2025-07-27"), count: 2, confirmed: true },
    { date: dayOf("2025-07-28"), confirmed: true },
    { date: dayOf("2025-07-29"), confirmed: false },
    { date: parseDate("2025-07"), count: 5, confirmed: true }, // month precision
    { date: parseDate("مرداد ۱۴۰۴"), count: 3, confirmed: true }, // a Jalali month spans two Gregorian months
  ];
  const w = weeklySeries(records, { asOf: "2025-08-10" });
  assert.deepEqual(w.points.map((p) => [p.period, p.count]), [["2025-W30", 2], ["2025-W31", 1], ["2025-W32", 0]]);
  assert.deepEqual(w.excluded, { unconfirmed: 1, tooImprecise: 2, outOfRange: 0 });
  const m = monthlySeries(records, { asOf: "2025-08-10" });
  assert.deepEqual(m.points.map((p) => [p.period, p.count, p.provisional]), [["2025-07", 8, false], ["2025-08", 0, true]]);
  assert.deepEqual(m.excluded, { unconfirmed: 1, tooImprecise: 1, outOfRange: 0 });
});

test("robust detection: one outlier in the history does not hide the next one or raise false alarms; a flat history needs a real jump", () => {
  const counts = [10, 12, 9, 11, 60, 10, 11, 12, 9, 10, 45, 11, 10];
  const records = counts.map((c, i) => ({ date: dayOf(daysToIso(isoToDays("2025-01-06") + i * 7)), count: c, confirmed: true }));
  const s = markAnomalies(weeklySeries(records, { asOf: "2025-04-06", provisional: 0 }), { minHistory: 4 });
  assert.deepEqual(s.points.filter((p) => p.anomaly).map((p) => p.count), [60, 45]);
  const flat = markAnomalies(weeklySeries([...Array(10).keys()].map((i) => ({ date: dayOf(daysToIso(isoToDays("2025-01-06") + i * 7)), count: i === 9 ? 6 : 5, confirmed: true })), { asOf: "2025-03-10", provisional: 0 }));
  assert.equal(flat.points.filter((p) => p.anomaly).length, 0, "one more than usual on a flat history is not an alarm");
});

test("SVG charts: valid markup, accessible, provisional and anomalous bars marked, text escaped, Persian right to left", () => {
  const records = [10, 11, 9, 10, 12, 10, 40, 10].map((c, i) => ({ date: dayOf(daysToIso(isoToDays("2025-06-02") + i * 7)), count: c, confirmed: true }));
  const s = markAnomalies(weeklySeries(records, { asOf: "2025-07-27", provisional: 2 }), { minHistory: 4 });
  const svg = barChartSvg(s, { title: 'Executions <script>alert("x")</script> per week' });
  const { document } = parseHTML(`<html><body>${svg}</body></html>`);
  const root = document.querySelector("svg")!;
  assert.equal(root.getAttribute("role"), "img");
  assert.equal(document.querySelectorAll("g.bar").length, s.points.length);
  assert.equal(document.querySelectorAll("g.provisional").length, 2);
  assert.equal(document.querySelectorAll("g.anomaly.rise").length, 1);
  assert.ok(!svg.includes("<script>"), "the title is escaped");
  assert.match(document.querySelector("title")!.textContent, /Executions <script>/);
  const fa = barChartSvg(s, { title: "اعدام‌ها در هفته", lang: "fa" });
  assert.match(fa, /direction="rtl"/);
  assert.match(fa, /۴۰/);
});

test("SVG charts: the axis has whole numbers at round steps, ends at a round value at or above the highest bar, and bars stand to it", () => {
  const chart = (highest: number): { labels: number[]; lineY: (v: number) => number; barTop: number; bottom: number } => {
    const s = weeklySeries([{ date: dayOf("2025-06-04"), count: highest, confirmed: true }, { date: dayOf("2025-06-11"), count: 1, confirmed: true }], { asOf: "2025-06-15", provisional: 0 });
    const { document } = parseHTML(`<html><body>${barChartSvg(s, { title: "t" })}</body></html>`);
    const ticks = [...document.querySelectorAll("g.tick")].map((g) => ({ label: Number(g.querySelector("text")!.textContent), y: Number(g.querySelector("line")!.getAttribute("y1")) }));
    const bar = document.querySelector("g.bar rect")!;
    return { labels: ticks.map((t) => t.label), lineY: (v) => ticks.find((t) => t.label === v)!.y, barTop: Number(bar.getAttribute("y")), bottom: ticks.find((t) => t.label === 0)!.y };
  };
  assert.deepEqual(chart(5).labels, [0, 1, 2, 3, 4, 5]);
  assert.deepEqual(chart(8).labels, [0, 2, 4, 6, 8]);
  assert.deepEqual(chart(1).labels, [0, 1]);
  const c = chart(37);
  assert.deepEqual(c.labels, [0, 10, 20, 30, 40]);
  // A bar of 37 stands at 37/40 of the axis, and the line for 20 at half of it.
  assert.ok(Math.abs((c.bottom - c.barTop) / (c.bottom - c.lineY(40)) - 37 / 40) < 0.01);
  assert.ok(Math.abs((c.bottom - c.lineY(20)) / (c.bottom - c.lineY(40)) - 0.5) < 0.01);
});
