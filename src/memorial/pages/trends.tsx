import { dayOf, type FuzzyDate } from "../../core/dates.ts";
import type { Series, SeriesPoint } from "../../monitor/trends.ts";
import { date, digits, num } from "../../web/index.ts";
import type { PublicTrends } from "../presenters/index.ts";
import { Site, type PageCtx } from "./common.tsx";

const monthOf = (p: SeriesPoint): FuzzyDate => ({ text: p.period, calendar: "gregorian", precision: "month", value: p.period, earliest: p.start, latest: p.end });

/** The period as a reader names it: an ISO week or a Gregorian month (in Persian too: these are not Jalali months). */
function periodLabel(ctx: PageCtx, s: Series, p: SeriesPoint): string {
  return s.granularity === "week" ? digits(ctx.lang, p.period) : date(ctx.lang, monthOf(p), "gregorian");
}

/** First and last day, in the reader's calendar (Jalali in Persian). */
function periodDates(ctx: PageCtx, p: SeriesPoint): string {
  return `${date(ctx.lang, dayOf(p.start))} – ${date(ctx.lang, dayOf(p.end))}`;
}

function remark(ctx: PageCtx, p: SeriesPoint): string {
  const parts: string[] = [];
  if (p.provisional) parts.push(ctx.t("memorial.trends.provisional"));
  if (p.anomaly) parts.push(ctx.t(`memorial.trends.${p.anomaly.direction}`));
  return parts.join(ctx.t("memorial.listSeparator"));
}

/** One chart (inline SVG, drawn on the server) and its figures as a table, newest period first. */
function TrendBlock({ ctx, id, heading, series, svg }: { ctx: PageCtx; id: string; heading: string; series: Series; svg: string }) {
  const { t, lang } = ctx;
  const total = series.points.reduce((n, p) => n + p.count, 0);
  return (
    <section class="trend" aria-labelledby={`${id}-heading`}>
      <h2 id={`${id}-heading`}>{heading}</h2>
      {total === 0 ? <p class="muted">{t("memorial.trends.empty")}</p> : null}
      <div class="trend-figure" dangerouslySetInnerHTML={{ __html: svg }} />
      <details class="trend-table">
        <summary>{t("memorial.trends.table")}</summary>
        <div class="table-wrap">
          <table>
            <caption>{t("memorial.trends.tableCaption", { what: heading })}</caption>
            <thead>
              <tr>
                <th scope="col">{t("memorial.trends.period")}</th>
                <th scope="col">{t("memorial.trends.dates")}</th>
                <th scope="col" class="num">
                  {t("memorial.trends.count")}
                </th>
                <th scope="col">{t("memorial.trends.remark")}</th>
              </tr>
            </thead>
            <tbody>
              {[...series.points].reverse().map((p) => (
                <tr class={[p.provisional ? "provisional" : "", p.anomaly ? "anomaly" : ""].filter(Boolean).join(" ") || undefined}>
                  <th scope="row">{periodLabel(ctx, series, p)}</th>
                  <td>{periodDates(ctx, p)}</td>
                  <td class="num">{num(lang, p.count)}</td>
                  <td>{remark(ctx, p)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </details>
    </section>
  );
}

/** Executions per week and per month from confirmed public records, with what the marks mean. */
export function TrendsPage({ ctx, trends }: { ctx: PageCtx; trends: PublicTrends }) {
  const { t } = ctx;
  const ex = trends.weekly.excluded;
  return (
    <Site ctx={ctx} title={t("memorial.trends.title")}>
      <h1>{t("memorial.trends.title")}</h1>
      <p class="lede">{t("memorial.trends.intro")}</p>
      <p class="muted">{t("memorial.trends.limits")}</p>
      <TrendBlock ctx={ctx} id="weekly" heading={t("memorial.trends.weekly")} series={trends.weekly} svg={trends.weeklySvg} />
      <TrendBlock ctx={ctx} id="monthly" heading={t("memorial.trends.monthly")} series={trends.monthly} svg={trends.monthlySvg} />
      <section class="panel" aria-labelledby="trends-how">
        <h2 id="trends-how">{t("memorial.trends.howHeading")}</h2>
        <p>{t("memorial.trends.provisionalNote")}</p>
        <p>{t("memorial.trends.anomalyNote")}</p>
        {ex.unconfirmed || ex.tooImprecise ? <p>{t("memorial.trends.excludedNote", { unconfirmed: ex.unconfirmed, imprecise: ex.tooImprecise })}</p> : null}
      </section>
    </Site>
  );
}
