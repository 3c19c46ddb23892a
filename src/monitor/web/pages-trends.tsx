import type { FastifyInstance } from "fastify";
import { authorize } from "../../accounts/index.ts";
import { digits, num, type Lang } from "../../web/index.ts";
import { authenticate, pageEnv, sendPage, type PageEnv } from "../../workspace/index.ts";
import { staffExecutionRecords, trendSeries, trendSvg } from "../record-trends.ts";
import type { Series } from "../trends.ts";
import { MonitorLayout } from "./ui.tsx";

const today = (): string => new Date().toISOString().slice(0, 10);

function FiguresTable({ env, series }: { env: PageEnv; series: Series }) {
  const { t, lang } = env;
  return (
    <details>
      <summary>{t("monitor.trends.figures")}</summary>
      <table>
        <thead>
          <tr>
            <th scope="col">{t("monitor.trends.period")}</th>
            <th scope="col">{t("monitor.trends.count")}</th>
            <th scope="col">{t("monitor.trends.note")}</th>
          </tr>
        </thead>
        <tbody>
          {series.points.map((p) => (
            <tr class={p.anomaly ? "anomaly" : undefined}>
              <td>{digits(lang, p.period)}</td>
              <td>{num(lang, p.count)}</td>
              <td>
                {p.provisional ? t("monitor.trends.provisional") : ""}
                {p.anomaly ? `${p.provisional ? " · " : ""}${t("monitor.trends.anomaly", { direction: t(`monitor.trends.${p.anomaly.direction}`), z: num(lang, p.anomaly.score) })}` : ""}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <p class="muted">{t("monitor.trends.excluded", { u: series.excluded.unconfirmed, i: series.excluded.tooImprecise })}</p>
    </details>
  );
}

const langOf = (q: unknown, fallback: Lang): Lang => ((q as { lang?: string }).lang === "fa" ? "fa" : (q as { lang?: string }).lang === "en" ? "en" : fallback);

/** Trends: the weekly and monthly execution charts (SVG drawn on the server) with their figures. */
export async function trendPages(app: FastifyInstance): Promise<void> {
  app.get("/workspace/monitor/trends", async (req, reply) => {
    const env = await pageEnv(req, reply);
    const { ctx } = await authenticate(req);
    authorize(ctx.actor, "monitor.read");
    const { t } = env;
    const { weekly, monthly } = trendSeries(await staffExecutionRecords(ctx), today());
    return sendPage(
      reply,
      <MonitorLayout env={env} title={t("monitor.trends.title")} sub="trends">
        <h1>{t("monitor.trends.title")}</h1>
        <p>{t("monitor.trends.intro")}</p>
        <section>
          <h2>{t("monitor.trends.weekly")}</h2>
          <img class="chart" src={`/workspace/monitor/trends/weekly.svg?lang=${env.lang}`} alt={t("monitor.trends.alt", { title: t("monitor.trends.weekly") })} width={720} height={260} />
          <FiguresTable env={env} series={weekly} />
        </section>
        <section>
          <h2>{t("monitor.trends.monthly")}</h2>
          <img class="chart" src={`/workspace/monitor/trends/monthly.svg?lang=${env.lang}`} alt={t("monitor.trends.alt", { title: t("monitor.trends.monthly") })} width={720} height={260} />
          <FiguresTable env={env} series={monthly} />
        </section>
      </MonitorLayout>,
    );
  });
  for (const g of ["weekly", "monthly"] as const) {
    app.get(`/workspace/monitor/trends/${g}.svg`, async (req, reply) => {
      const auth = await authenticate(req);
      authorize(auth.actor, "monitor.read");
      const charts = trendSeries(await staffExecutionRecords(auth.ctx), today());
      return reply.type("image/svg+xml; charset=utf-8").header("cache-control", "no-store").send(trendSvg(g === "weekly" ? charts.weekly : charts.monthly, langOf(req.query, auth.lang), "staff"));
    });
  }
}
