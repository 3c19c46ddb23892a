import { authorize, visibleLevels } from "../accounts/index.ts";
import type { Ctx } from "../core/context.ts";
import type { Kysely } from "kysely";
import { dateFromColumns } from "../records/index.ts";
import type { CoreTables } from "../store/schema.ts";
import { barChartSvg, markAnomalies, monthlySeries, weeklySeries, type ExecutionRecord, type Series } from "./trends.ts";

/**
 * The execution trend from the records themselves: every active `act` claim
 * of type execution is one record of executions (a group's `count` claim
 * says how many people), counted when its confidence is "confirmed". Staff
 * see what their role may read; the public trend uses only published,
 * public people and public claims.
 */
async function executionClaims(db: Kysely<CoreTables>, levels: readonly string[], publicOnly: boolean): Promise<ExecutionRecord[]> {
  let q = db
    .selectFrom("claims as c")
    .innerJoin("records as r", "r.id", "c.subject_id")
    .select(["c.subject_id", "c.confidence", "c.date_text", "c.date_calendar", "c.date_precision", "c.date_value", "c.date_earliest", "c.date_latest", "r.kind"])
    .where("c.property", "=", "act")
    .where("c.term", "=", "execution")
    .where("c.status", "=", "active")
    .where("r.type", "=", "person")
    .where("r.status", "!=", "merged")
    .where("c.confidentiality", "in", [...levels])
    .where("r.confidentiality", "in", [...levels]);
  if (publicOnly) q = q.where("r.status", "=", "published");
  const rows = await q.execute();
  const groups = [...new Set(rows.filter((r) => r.kind === "group").map((r) => r.subject_id))];
  const counts = new Map<string, number>();
  for (let i = 0; i < groups.length; i += 500) {
    const chunk = groups.slice(i, i + 500);
    const cs = await db
      .selectFrom("claims")
      .select(["subject_id", "value", "updated_at"])
      .where("subject_id", "in", chunk)
      .where("property", "=", "count")
      .where("status", "=", "active")
      .where("confidentiality", "in", [...levels])
      .orderBy("updated_at")
      .execute();
    for (const c of cs) {
      const n = (JSON.parse(c.value) as { count?: unknown }).count;
      if (typeof n === "number" && Number.isInteger(n) && n > 0) counts.set(c.subject_id, n);
    }
  }
  const out: ExecutionRecord[] = [];
  for (const r of rows) {
    const date = dateFromColumns(r);
    if (!date) continue;
    // A group without a readable count is still at least one execution; never more than the sources say.
    out.push({ date, count: r.kind === "group" ? (counts.get(r.subject_id) ?? 1) : 1, confirmed: r.confidence === "confirmed" });
  }
  return out;
}

/** Execution records visible to a member of staff. */
export async function staffExecutionRecords(ctx: Ctx): Promise<ExecutionRecord[]> {
  authorize(ctx.actor, "monitor.read");
  return executionClaims(ctx.db, visibleLevels(ctx.actor), false);
}

/** Execution records the public may see: published, public people; public claims. */
export async function publicExecutionRecords(db: Kysely<CoreTables>): Promise<ExecutionRecord[]> {
  return executionClaims(db, ["public"], true);
}

export interface TrendCharts {
  weekly: Series;
  monthly: Series;
}

/**
 * Weekly series over the last `weeks` weeks and monthly over the last
 * `months` months up to `asOf`, anomalies marked (recent periods provisional).
 */
export function trendSeries(records: readonly ExecutionRecord[], asOf: string, options: { weeks?: number; months?: number } = {}): TrendCharts {
  const day = (iso: string, back: number): string => new Date(Date.parse(`${iso}T00:00:00Z`) - back * 86_400_000).toISOString().slice(0, 10);
  const weekly = markAnomalies(weeklySeries(records, { asOf, from: day(asOf, 7 * (options.weeks ?? 52)) }));
  const monthStart = (() => {
    const d = new Date(`${asOf}T00:00:00Z`);
    d.setUTCMonth(d.getUTCMonth() - (options.months ?? 36) + 1, 1);
    return d.toISOString().slice(0, 10);
  })();
  const monthly = markAnomalies(monthlySeries(records, { asOf, from: monthStart }));
  return { weekly, monthly };
}

/** One chart as SVG markup, titled in the reader's language. */
export function trendSvg(series: Series, lang: "en" | "fa", scope: "staff" | "public", idPrefix?: string): string {
  const fa = lang === "fa";
  const week = series.granularity === "week";
  const title = fa ? (week ? "اعدام‌ها در هر هفته" : "اعدام‌ها در هر ماه") : week ? "Executions per week" : "Executions per month";
  const from = fa ? (scope === "public" ? "از سوابق عمومی تأییدشده" : "از سوابق تأییدشده") : scope === "public" ? "from confirmed public records" : "from confirmed records";
  const desc = fa
    ? `${title}، ${from}؛ ستون‌های هاشورخورده موقت‌اند (گزارش‌ها دیرتر می‌رسند) و ستون‌های قرمز ناهنجاری.`
    : `${title}, ${from}; hatched bars are provisional (reports arrive late), red bars are anomalies against the median of the previous twelve periods.`;
  return barChartSvg(series, { title: `${title} (${from})`, description: desc, lang, ...(idPrefix ? { idPrefix } : {}) });
}
