import { publicSeriesSvg, publicTrendSeries, type TrendCharts } from "../../monitor/public.ts";
import type { Lang } from "../../web/index.ts";
import type { MemorialDb } from "../schema.ts";

/**
 * The execution trend for the memorial: monitoring's public series (confirmed,
 * public act claims of published, public people only), per week and per
 * month, with both charts drawn on the server as SVG to embed in the page.
 */
export interface PublicTrends extends TrendCharts {
  weeklySvg: string;
  monthlySvg: string;
  asOf: string;
}

export async function presentTrends(db: MemorialDb, lang: Lang, asOf: string = new Date().toISOString().slice(0, 10)): Promise<PublicTrends> {
  const charts = await publicTrendSeries(db, asOf);
  return { ...charts, asOf, weeklySvg: publicSeriesSvg(charts.weekly, lang, "trend-week"), monthlySvg: publicSeriesSvg(charts.monthly, lang, "trend-month") };
}
