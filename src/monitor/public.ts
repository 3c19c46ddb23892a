import type { Kysely } from "kysely";
import type { FuzzyDate } from "../core/dates.ts";
import { dateFromColumns } from "../records/index.ts";
import type { CoreTables } from "../store/schema.ts";
import { publicExecutionRecords, trendSeries, trendSvg, type TrendCharts } from "./record-trends.ts";
import type { MonitorTables } from "./schema.ts";
import type { Series } from "./trends.ts";
import { riskLevel, type WatchStatus } from "./watchlist.ts";

/**
 * What the public memorial may show of monitoring. Only people whose record
 * is published and public, only their public, active claims: the
 * watchlist's own steps (typed by staff, with sources that may be
 * confidential) never leave the workspace; the watchlist decides only who is
 * listed, and the public facts say why.
 */

/** act_type terms that are steps of a prisoner's path, and the status each means. */
export const PUBLIC_ACT_STATUS: Readonly<Record<string, WatchStatus>> = {
  arrest: "arrested",
  detention: "arrested",
  death_sentence: "sentenced",
  sentence_upheld: "sentence_upheld",
  transfer_solitary: "transferred_to_solitary",
  execution: "executed",
  commutation: "commuted",
  release: "released",
};

export type PublicRisk = ReturnType<typeof riskLevel>;

/**
 * How urgent a person's situation is from public facts alone: the status
 * their latest public act means, raised to "high" by a public at-risk claim.
 * The same rule for watched people and for those the memorial lists from
 * their records only.
 */
export function publicRisk(latestActTerm: string | null | undefined, atRisk: boolean): PublicRisk {
  const risk = riskLevel(latestActTerm ? PUBLIC_ACT_STATUS[latestActTerm] : undefined);
  return atRisk && (risk === "unknown" || risk === "elevated") ? "high" : risk;
}

/** Most urgent first. */
export const RISK_RANK: Readonly<Record<PublicRisk, number>> = { imminent: 0, high: 1, elevated: 2, unknown: 3, ended: 4 };

export interface PublicWatchEntry {
  personId: string;
  /** Public labels of the person's record. */
  label: string;
  labelFa: string;
  /** The latest public step, when there is one. */
  status?: WatchStatus;
  date?: FuzzyDate;
  risk: PublicRisk;
  /** The public claims this rests on (act and at_risk), for the memorial to show with their citations through its own gate. */
  claimIds: string[];
}

/**
 * Watched people the public may see, most urgent first: linked to a
 * published, public person record, with at least one public active act or
 * at-risk claim; status and date from the latest public act. `includeEnded`
 * keeps those executed, released or whose sentence was commuted.
 */
export async function publicWatchlist(db: Kysely<CoreTables>, options: { includeEnded?: boolean } = {}): Promise<PublicWatchEntry[]> {
  const watched = await db.withTables<MonitorTables>().selectFrom("monitor_watches").select("person_id").where("person_id", "is not", null).execute();
  const ids = [...new Set(watched.map((w) => w.person_id!))];
  const out: PublicWatchEntry[] = [];
  for (let i = 0; i < ids.length; i += 500) {
    const chunk = ids.slice(i, i + 500);
    const people = await db
      .selectFrom("records")
      .select(["id", "label_public", "label_public_fa"])
      .where("id", "in", chunk)
      .where("type", "=", "person")
      .where("status", "=", "published")
      .where("confidentiality", "=", "public")
      .execute();
    if (!people.length) continue;
    const claims = await db
      .selectFrom("claims")
      .select(["id", "subject_id", "property", "term", "date_text", "date_calendar", "date_precision", "date_value", "date_earliest", "date_latest", "created_at"])
      .where("subject_id", "in", people.map((p) => p.id))
      .where("status", "=", "active")
      .where("confidentiality", "=", "public")
      .where((eb) => eb.or([eb("property", "=", "at_risk"), eb.and([eb("property", "=", "act"), eb("term", "in", Object.keys(PUBLIC_ACT_STATUS))])]))
      .execute();
    for (const p of people) {
      const mine = claims.filter((c) => c.subject_id === p.id);
      if (!mine.length) continue;
      const acts = mine
        .filter((c) => c.property === "act")
        .map((c) => ({ c, date: dateFromColumns(c) }))
        .sort((a, b) => (a.date?.earliest ?? "").localeCompare(b.date?.earliest ?? "") || a.c.created_at.localeCompare(b.c.created_at));
      // As on the watchlist: nothing after an execution replaces it.
      const executed = acts.find((a) => a.c.term === "execution");
      const last = executed ?? acts[acts.length - 1];
      const status = last ? PUBLIC_ACT_STATUS[last.c.term!] : undefined;
      const risk = publicRisk(last?.c.term, mine.some((c) => c.property === "at_risk"));
      if (risk === "ended" && !options.includeEnded) continue;
      out.push({ personId: p.id, label: p.label_public ?? "", labelFa: p.label_public_fa ?? "", ...(status ? { status } : {}), ...(last?.date ? { date: last.date } : {}), risk, claimIds: mine.map((c) => c.id) });
    }
  }
  return out.sort((a, b) => RISK_RANK[a.risk] - RISK_RANK[b.risk] || (b.date?.earliest ?? "").localeCompare(a.date?.earliest ?? "") || a.personId.localeCompare(b.personId));
}

/** The public execution trend as SVG (confirmed, public claims of published, public people only). */
export async function publicTrendSvg(db: Kysely<CoreTables>, granularity: "week" | "month", lang: "en" | "fa", asOf: string = new Date().toISOString().slice(0, 10)): Promise<string> {
  const charts = trendSeries(await publicExecutionRecords(db), asOf);
  return trendSvg(granularity === "week" ? charts.weekly : charts.monthly, lang, "public");
}

/** The public execution trend as figures (for a table beside the chart, and for readers without images). */
export async function publicTrendSeries(db: Kysely<CoreTables>, asOf: string = new Date().toISOString().slice(0, 10)) {
  return trendSeries(await publicExecutionRecords(db), asOf);
}

/** One chart of a public series already computed (the memorial draws both from one reading); ids inside start with `idPrefix`. */
export function publicSeriesSvg(series: Series, lang: "en" | "fa", idPrefix: string): string {
  return trendSvg(series, lang, "public", idPrefix);
}

export type { TrendCharts };
