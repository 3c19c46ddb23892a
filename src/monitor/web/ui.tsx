import type { ComponentChildren } from "preact";
import { can } from "../../accounts/index.ts";
import type { Actor } from "../../core/context.ts";
import type { FuzzyDate } from "../../core/dates.ts";
import { dateBoth, num, type Lang, type T } from "../../web/index.ts";
import { StaffLayout, type PageEnv } from "../../workspace/index.ts";
import type { LabelReason } from "../detect.ts";
import type { Entity } from "../extract.ts";
import type { Label } from "../lexicon.ts";
import "./messages.ts";
import { provinceName } from "./provinces.ts";

/** The monitoring sub-sections and who sees each. */
const SUBNAV: { id: string; href: string; visible: (a: Actor) => boolean }[] = [
  { id: "triage", href: "/workspace/monitor/", visible: (a) => can(a, "monitor.read") },
  { id: "sources", href: "/workspace/monitor/sources", visible: (a) => can(a, "monitor.read") },
  { id: "watchlist", href: "/workspace/monitor/watchlist", visible: (a) => can(a, "monitor.read") },
  { id: "subscriptions", href: "/workspace/monitor/subscriptions", visible: (a) => can(a, "monitor.subscriptions") },
  { id: "trends", href: "/workspace/monitor/trends", visible: (a) => can(a, "monitor.read") },
];

/** A monitoring page: the workspace frame, the monitoring sub-navigation and its stylesheet. */
export function MonitorLayout({ env, title, sub, notice, children }: { env: PageEnv; title: string; sub: string; notice?: { kind: "ok" | "error" | "info"; text: string } | undefined; children: ComponentChildren }) {
  return (
    <StaffLayout env={env} title={title} section="monitor" notice={notice}>
      <link rel="stylesheet" href="/assets/monitor.css" />
      <nav class="monitor-nav" aria-label={env.t("monitor.subnav")}>
        <ul>
          {SUBNAV.filter((s) => s.visible(env.actor)).map((s) => (
            <li>
              <a href={s.href} aria-current={s.id === sub ? "page" : undefined}>
                {env.t(`monitor.nav.${s.id}`)}
              </a>
            </li>
          ))}
        </ul>
      </nav>
      {children}
    </StaffLayout>
  );
}

export function LabelBadge({ t, label }: { t: T; label: Label }) {
  return <span class={`badge label-${label}`}>{t(`monitor.label.${label}`)}</span>;
}

/** A probability as a percentage in the reader's digits. */
export const pct = (lang: Lang, p: number): string => new Intl.NumberFormat(lang === "fa" ? "fa-IR" : "en-GB", { style: "percent", maximumFractionDigits: 0 }).format(p);

interface Span {
  start: number;
  end: number;
  kind: "hit" | "aside";
  title: string;
}

/**
 * A field's text with the words that decided a label marked (and those set
 * aside struck through). Overlapping spans keep the first; the text itself
 * goes through JSX, so nothing in it is ever markup.
 */
export function Highlighted({ text, spans }: { text: string; spans: readonly Span[] }) {
  const sorted = [...spans].filter((s) => s.start >= 0 && s.end <= text.length && s.end > s.start).sort((a, b) => a.start - b.start || b.end - a.end);
  const out: ComponentChildren[] = [];
  let at = 0;
  for (const s of sorted) {
    if (s.start < at) continue;
    if (s.start > at) out.push(text.slice(at, s.start));
    out.push(s.kind === "hit" ? <mark title={s.title}>{text.slice(s.start, s.end)}</mark> : <del class="aside" title={s.title}>{text.slice(s.start, s.end)}</del>);
    at = s.end;
  }
  if (at < text.length) out.push(text.slice(at));
  return <>{out}</>;
}

/** The spans to mark in one field from an item's reasons. */
export function spansOf(reasons: readonly LabelReason[], field: "title" | "text", t: T): Span[] {
  const out: Span[] = [];
  for (const r of reasons) {
    for (const m of r.matches) if (m.field === field) out.push({ start: m.start, end: m.end, kind: "hit", title: `${t(`monitor.label.${r.label}`)} · ${m.rule}` });
    for (const m of r.suppressed) if (m.field === field) out.push({ start: m.start, end: m.end, kind: "aside", title: `${t(`monitor.label.${r.label}`)} · ${t(`monitor.because.${m.because.kind}`)}` });
  }
  return out;
}

/** The best classifier probability among the applied labels (for the queue). */
export function topScore(reasons: readonly LabelReason[]): number {
  return Math.max(0, ...reasons.filter((r) => r.applied).map((r) => r.classifier.probability));
}

/** Each label's decision with what led to it: the rule matches, those set aside and why, the classifier's probability and strongest n-grams. */
export function ReasonList({ env, reasons }: { env: PageEnv; reasons: readonly LabelReason[] }) {
  const { t, lang } = env;
  if (!reasons.length) return <p class="muted">{t("monitor.item.noLabels")}</p>;
  return (
    <ul class="reasons plain">
      {reasons.map((r) => (
        <li class={`reason ${r.applied ? "applied" : "not-applied"}`}>
          <p>
            <LabelBadge t={t} label={r.label} /> <strong>{r.applied ? t("monitor.applied") : t("monitor.notApplied")}</strong> — {t(`monitor.decision.${r.decision}`)} <span class="muted">{t("monitor.classifier", { p: pct(lang, r.classifier.probability) })}</span>
          </p>
          {lang === "en" && <p class="muted small">{r.explanation}</p>}
          {r.matches.length > 0 && (
            <p>
              {t("monitor.matches")}:{" "}
              {r.matches.map((m, i) => (
                <>
                  {i > 0 && (lang === "fa" ? "، " : ", ")}
                  <mark>
                    <bdi>{m.text}</bdi>
                  </mark>{" "}
                  <span class="muted small">
                    ({t(`monitor.weight.${m.weight}`)} · <code>{m.rule}</code>)
                  </span>
                </>
              ))}
            </p>
          )}
          {r.suppressed.length > 0 && (
            <p>
              {t("monitor.setAside")}:{" "}
              {r.suppressed.map((m, i) => (
                <>
                  {i > 0 && (lang === "fa" ? "، " : ", ")}
                  <del class="aside">
                    <bdi>{m.text}</bdi>
                  </del>{" "}
                  <span class="muted small">
                    ({t(`monitor.because.${m.because.kind}`)}
                    {m.because.text ? (
                      <>
                        : «<bdi>{m.because.text}</bdi>»
                      </>
                    ) : null}
                    )
                  </span>
                </>
              ))}
            </p>
          )}
          {r.classifier.top.length > 0 && (
            <details>
              <summary>{t("monitor.topFeatures")}</summary>
              <ul class="features">
                {r.classifier.top.map((f) => (
                  <li>
                    <code dir="auto">{f.feature}</code> <span class="muted">+{num(lang, Math.round(f.contribution * 100) / 100)}</span>
                  </li>
                ))}
              </ul>
            </details>
          )}
        </li>
      ))}
    </ul>
  );
}

/** What extraction found, as written, with what it was read as. */
export function EntityTable({ env, entities }: { env: PageEnv; entities: readonly Entity[] }) {
  const { t } = env;
  if (!entities.length) return null;
  return (
    <table class="entities">
      <thead>
        <tr>
          <th scope="col">{t("monitor.item.entity")}</th>
          <th scope="col">{t("monitor.item.asWritten")}</th>
          <th scope="col">{t("monitor.item.detail")}</th>
        </tr>
      </thead>
      <tbody>
        {entities.map((e) => (
          <tr>
            <td>{t(`monitor.entity.${e.type}`)}</td>
            <td>
              <bdi>{e.text}</bdi>
            </td>
            <td>
              {e.type === "date" && e.date ? <DateBoth env={env} date={e.date} /> : null}
              {e.count ? `${num(env.lang, e.count.value)} (${t(`monitor.qualifier.${e.count.qualifier}`)})` : null}
              {e.type === "charge" && e.name ? <bdi>{e.name}</bdi> : null}
              {(e.type === "place" || e.type === "prison") && e.province ? t("monitor.item.inProvince", { province: provinceName(e.province, env.lang) }) : null}{" "}
              {e.executions ? <span class="badge restricted">{t("monitor.entity.executions")}</span> : null}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** A date in both calendars, the reader's first. */
export function DateBoth({ env, date }: { env: PageEnv; date: FuzzyDate | null | undefined }) {
  return <span class="date">{dateBoth(env.lang, date)}</span>;
}

/** An ISO timestamp for the reader: the day in both calendars and the UTC time. */
export function when(lang: Lang, iso: string | undefined | null): string {
  if (!iso) return "—";
  const day = iso.slice(0, 10);
  const d: FuzzyDate = { text: day, calendar: "gregorian", precision: "day", value: day, earliest: day, latest: day };
  const time = iso.slice(11, 16);
  return `${dateBoth(lang, d)} ${lang === "fa" ? time.replace(/\d/g, (c) => "۰۱۲۳۴۵۶۷۸۹"[Number(c)]!) : time} UTC`;
}
