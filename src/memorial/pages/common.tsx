import type { ComponentChildren } from "preact";
import type { FuzzyDate } from "../../core/dates.ts";
import { detectScript } from "../../core/names.ts";
import { Layout, dateBoth, digits, translator, type Lang, type T } from "../../web/index.ts";
import type { Links } from "../links.ts";
import type { PubCitation, PubClaim, PubRef } from "../presenters/index.ts";

/** Labels of vocabulary terms (public information), bound to a language. */
export type TermLabel = (vocabulary: string, code: string | null) => string;

/** What every page component gets: language, messages, links and the page's own path. */
export interface PageCtx {
  lang: Lang;
  t: T;
  links: Links;
  /** Canonical path of this page without language (`people/ID`), for the language switch. */
  path: string;
  term: TermLabel;
  /** Where forms are: false in the static mirror. */
  forms: boolean;
  /** Address of the live memorial (e.g. an onion address), for the static mirror's notices. */
  liveUrl?: string | undefined;
}

export function makePageCtx(lang: Lang, links: Links, path: string, terms: (vocabulary: string, code: string | null, lang: Lang) => string, options: { forms?: boolean; liveUrl?: string | undefined } = {}): PageCtx {
  return { lang, t: translator(lang), links, path, term: (v, c) => terms(v, c, lang), forms: options.forms ?? links.mode.kind === "server", liveUrl: options.liveUrl };
}

export const other = (lang: Lang): Lang => (lang === "fa" ? "en" : "fa");

const NAV: { key: string; path: string; staticPath?: string }[] = [
  { key: "memorial.nav.search", path: "search", staticPath: "names" },
  { key: "memorial.nav.events", path: "events" },
  { key: "memorial.nav.places", path: "places" },
  { key: "memorial.nav.statements", path: "statements" },
  { key: "memorial.nav.atRisk", path: "at-risk" },
  { key: "memorial.nav.trends", path: "trends" },
  { key: "memorial.nav.sources", path: "sources" },
  { key: "memorial.nav.testimony", path: "testimony" },
];

/** The page shell: header with navigation and language switch, main, footer; `styles` are further stylesheets under the assets. */
export function Site({ ctx, title, children, query, scripts, styles = [] }: { ctx: PageCtx; title: string; children: ComponentChildren; query?: Record<string, string | undefined>; scripts?: string[]; styles?: string[] }) {
  const { lang, t, links } = ctx;
  const isStatic = links.mode.kind === "static";
  const otherLang = other(lang);
  const current = ctx.path.split("/")[0] ?? "";
  return (
    <Layout lang={lang} title={`${title} · ${t("memorial.siteName")}`} styles={[links.asset("memorial.css"), ...styles.map((s) => links.asset(s))]} assetBase={links.assetBase()} scripts={ctx.forms ? (scripts ?? []).map((s) => links.asset(s)) : []}>
      <a class="skip-link" href="#main">
        {t("memorial.skip")}
      </a>
      <header class="site memorial-header">
        <div class="container">
          <a class="brand" href={links.page(lang, "")}>
            {t("memorial.siteName")}
          </a>
          <nav aria-label={t("memorial.nav.label")}>
            <ul>
              {NAV.filter((n) => !(isStatic && n.path === "testimony")).map((n) => {
                const path = isStatic && n.staticPath ? n.staticPath : n.path;
                return (
                  <li>
                    <a href={links.page(lang, path)} aria-current={current === path ? "page" : undefined}>
                      {t(isStatic && n.staticPath ? "memorial.nav.index" : n.key)}
                    </a>
                  </li>
                );
              })}
            </ul>
          </nav>
          <span class="spacer" />
          <a class="lang-switch" href={links.page(otherLang, ctx.path, query)} lang={otherLang} hrefLang={otherLang}>
            {otherLang === "fa" ? "فارسی" : "English"}
          </a>
        </div>
      </header>
      <main id="main" class="container" tabIndex={-1}>
        {children}
      </main>
      <footer class="site">
        <div class="container">
          <p>{t("memorial.footer.purpose")}</p>
          <p>
            {t("memorial.footer.safety")}{" "}
            {isStatic ? t("memorial.footer.mirror") : <a href={links.page(lang, "about")}>{t("memorial.footer.about")}</a>}
          </p>
        </div>
      </footer>
    </Layout>
  );
}

/** A record's public label in the reader's language, marked with its script's language and direction. */
export function Label({ ctx, r, prefer }: { ctx: PageCtx; r: Pick<PubRef, "label" | "labelFa">; prefer?: Lang }) {
  const lang = prefer ?? ctx.lang;
  const text = lang === "fa" ? (r.labelFa ?? r.label) : (r.label ?? r.labelFa);
  if (!text) return <span class="muted">{ctx.t("memorial.nameWithheld")}</span>;
  return <Text text={text} ctx={ctx} />;
}

/** Text in whichever script it is written, isolated so it reads right in either direction. */
export function Text({ text, ctx }: { text: string; ctx: PageCtx }) {
  const script = detectScript(text);
  const lang = script === "persian" || script === "arabic" ? "fa" : script === "latin" ? "en" : undefined;
  if (!lang || lang === ctx.lang) return <bdi>{text}</bdi>;
  return (
    <bdi lang={lang} dir={lang === "fa" ? "rtl" : "ltr"}>
      {text}
    </bdi>
  );
}

const PATHS: Record<string, string> = { person: "people", event: "events", place: "places", source: "sources", organisation: "organisations" };

export function hrefOf(ctx: PageCtx, r: Pick<PubRef, "id" | "type">): string | undefined {
  const p = PATHS[r.type];
  return p ? ctx.links.page(ctx.lang, `${p}/${r.id}`) : undefined;
}

/** A link to a public record, with the fictional mark when it is synthetic. */
export function RecordLink({ ctx, r }: { ctx: PageCtx; r: Pick<PubRef, "id" | "type" | "label" | "labelFa" | "synthetic"> }) {
  const href = hrefOf(ctx, r);
  return (
    <>
      {href ? (
        <a href={href}>
          <Label ctx={ctx} r={r} />
        </a>
      ) : (
        <Label ctx={ctx} r={r} />
      )}
      {r.synthetic ? (
        <>
          {" "}
          <SyntheticBadge ctx={ctx} />
        </>
      ) : null}
    </>
  );
}

export function SyntheticBadge({ ctx }: { ctx: PageCtx }) {
  return <span class="badge synthetic">{ctx.t("memorial.synthetic.badge")}</span>;
}

export function SyntheticNotice({ ctx }: { ctx: PageCtx }) {
  return (
    <p class="notice synthetic" role="note">
      <strong>{ctx.t("memorial.synthetic.badge")}</strong> {ctx.t("memorial.synthetic.notice")}
    </p>
  );
}

const dateMemo = new Map<string, string>();

/** A date in both calendars; formatting is memoised, as a page of a large event repeats a few dates many times. */
export function DateText({ ctx, d }: { ctx: PageCtx; d: FuzzyDate | null | undefined }) {
  if (!d) return null;
  const key = `${ctx.lang}|${d.calendar}|${d.precision}|${d.value ?? ""}|${d.earliest ?? ""}|${d.latest ?? ""}`;
  let text = dateMemo.get(key);
  if (text === undefined) {
    if (dateMemo.size > 20_000) dateMemo.clear();
    text = dateBoth(ctx.lang, d);
    dateMemo.set(key, text);
  }
  return <span class="date">{text}</span>;
}

export function Confidence({ ctx, c }: { ctx: PageCtx; c: Pick<PubClaim, "confidence"> }) {
  if (c.confidence === "confirmed") return null;
  return (
    <>
      {" "}
      <span class={`badge ${c.confidence}`}>{ctx.term("confidence", c.confidence)}</span>
    </>
  );
}

/** Citations of a claim as numbered references to the page's source list; a source not public is said so, unnamed. */
export function Cites({ ctx, claim, sources }: { ctx: PageCtx; claim: PubClaim; sources: string[] }) {
  if (!claim.citations.length) return null;
  return (
    <span class="cites">
      {claim.citations.map((c) => (
        <Cite ctx={ctx} c={c} sources={sources} />
      ))}
    </span>
  );
}

function Cite({ ctx, c, sources }: { ctx: PageCtx; c: PubCitation; sources: string[] }) {
  if (!c.sourceId) return <span class="cite hidden-source">{ctx.t("memorial.source.notPublic")}</span>;
  const n = sources.indexOf(c.sourceId) + 1;
  return (
    <span class="cite">
      <a href={`#source-${n}`} aria-label={ctx.t("memorial.source.ref", { n })}>
        [{digits(ctx.lang, String(n))}]
      </a>
      {/* Isolated, so that a Latin locator such as "row 3" keeps its order on right-to-left pages. */}
      {c.locator ? (
        <span class="locator">
          {" ("}
          <bdi>{c.locator}</bdi>
          {")"}
        </span>
      ) : null}
      {c.quote ? (
        <q class="quote">
          <Text ctx={ctx} text={c.quote} />
        </q>
      ) : null}
    </span>
  );
}

/** The numbered list of public sources cited on a page. */
export function SourceList({ ctx, sources, refs }: { ctx: PageCtx; sources: string[]; refs: Map<string, PubRef> }) {
  if (!sources.length) return null;
  return (
    <section aria-labelledby="sources-heading">
      <h2 id="sources-heading">{ctx.t("memorial.sources.heading")}</h2>
      <ol class="source-list">
        {sources.map((id, i) => {
          const s = refs.get(id);
          if (!s) return null;
          return (
            <li id={`source-${i + 1}`}>
              <RecordLink ctx={ctx} r={s} />
              {s.kind ? <span class="muted"> · {ctx.term("source_type", s.kind)}</span> : null}
              {s.date ? (
                <span class="muted">
                  {" "}
                  · <DateText ctx={ctx} d={s.date} />
                </span>
              ) : null}
            </li>
          );
        })}
      </ol>
    </section>
  );
}

/** Pagination links (server: ?page=N; static mirror: -pN.html files). */
export function Pager({ ctx, path, page, total, size, query }: { ctx: PageCtx; path: string; page: number; total: number; size: number; query?: Record<string, string | undefined> }) {
  const pages = Math.ceil(total / size);
  if (pages <= 1) return null;
  return (
    <nav class="pagination" aria-label={ctx.t("memorial.pager.label")}>
      {page > 0 ? (
        <a href={ctx.links.page(ctx.lang, path, { ...query, page: String(page) })} rel="prev">
          {ctx.t("memorial.pager.prev")}
        </a>
      ) : null}
      <span>{ctx.t("memorial.pager.of", { page: page + 1, pages })}</span>
      {page + 1 < pages ? (
        <a href={ctx.links.page(ctx.lang, path, { ...query, page: String(page + 2) })} rel="next">
          {ctx.t("memorial.pager.next")}
        </a>
      ) : null}
    </nav>
  );
}

/** The text of a claim's value, for properties that carry text. */
export function ClaimText({ ctx, c }: { ctx: PageCtx; c: PubClaim }) {
  if (c.text) return <Text ctx={ctx} text={c.text} />;
  return null;
}
