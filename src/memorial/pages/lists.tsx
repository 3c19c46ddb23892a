import type { ComponentChildren } from "preact";
import { Layout, digits, num, type Lang } from "../../web/index.ts";
import type { Links } from "../links.ts";
import { AGE_BANDS, FACETS, type AtRiskEntry, type Facet, type ListedAct, type ListedRecord, type PubRef, type PublicStatements, type SearchParams, type SearchResult } from "../presenters/index.ts";
import { Cites, DateText, Label, Pager, RecordLink, Site, SourceList, Text, type PageCtx } from "./common.tsx";
import { ActLine } from "./person.tsx";

/** A list of people with what happened to each, for listings and search results. */
export function PeopleList({ ctx, people, acts, refs }: { ctx: PageCtx; people: ListedRecord[]; acts: Map<string, ListedAct>; refs: Map<string, PubRef> }) {
  return (
    <ul class="people">
      {people.map((p) => {
        const act = acts.get(p.id);
        const other = ctx.lang === "fa" ? p.label : p.labelFa;
        const place = act?.placeId ? refs.get(act.placeId) : undefined;
        return (
          <li>
            <RecordLink ctx={ctx} r={p} />
            {other && other !== (ctx.lang === "fa" ? p.labelFa : p.label) ? (
              <span class="muted">
                {" · "}
                <Text ctx={ctx} text={other} />
              </span>
            ) : null}
            {act ? (
              <div class="muted">
                {ctx.term("act_type", act.term)}
                {act.date ? (
                  <>
                    {" · "}
                    <DateText ctx={ctx} d={act.date} />
                  </>
                ) : null}
                {place ? (
                  <>
                    {" · "}
                    <Label ctx={ctx} r={place} />
                  </>
                ) : null}
              </div>
            ) : null}
          </li>
        );
      })}
    </ul>
  );
}

export function SearchForm({ ctx, q, id = "q" }: { ctx: PageCtx; q?: string; id?: string }) {
  if (ctx.links.mode.kind === "static") {
    return (
      <p>
        <a class="button" href={ctx.links.page(ctx.lang, "names")}>
          {ctx.t("memorial.static.indexLink")}
        </a>{" "}
        <a class="button secondary" href={ctx.links.page(ctx.lang, "years")}>
          {ctx.t("memorial.static.yearsLink")}
        </a>
      </p>
    );
  }
  return (
    <form method="get" action={ctx.links.page(ctx.lang, "search")} role="search" class="search-form">
      <label for={id} class="visually-hidden">
        {ctx.t("memorial.search.label")}
      </label>
      <input id={id} type="search" name="q" value={q ?? ""} placeholder={ctx.t("memorial.search.placeholder")} maxLength={200} />
      <button type="submit">{ctx.t("memorial.search.submit")}</button>
    </form>
  );
}

export interface HomeData {
  counts: Record<string, number>;
  recent: PubRef[];
  recentActs: Map<string, ListedAct>;
  recentRefs: Map<string, PubRef>;
  events: PubRef[];
  atRisk: number;
}

export function HomePage({ ctx, d }: { ctx: PageCtx; d: HomeData }) {
  const { t, lang } = ctx;
  return (
    <Site ctx={ctx} title={t("memorial.home.title")}>
      <section class="hero" aria-labelledby="home-title">
        <h1 id="home-title">{t("memorial.home.title")}</h1>
        <p class="lede">{t("memorial.home.lede")}</p>
        <SearchForm ctx={ctx} id="home-q" />
        <ul class="stats">
          <li>
            <strong>{num(lang, d.counts.person ?? 0)}</strong> {t("memorial.home.people", { n: d.counts.person ?? 0 })}
          </li>
          <li>
            <a href={ctx.links.page(lang, "events")}>
              <strong>{num(lang, d.counts.event ?? 0)}</strong> {t("memorial.home.events", { n: d.counts.event ?? 0 })}
            </a>
          </li>
          <li>
            <a href={ctx.links.page(lang, "places")}>
              <strong>{num(lang, d.counts.place ?? 0)}</strong> {t("memorial.home.places", { n: d.counts.place ?? 0 })}
            </a>
          </li>
          <li>
            <a href={ctx.links.page(lang, "sources")}>
              <strong>{num(lang, d.counts.source ?? 0)}</strong> {t("memorial.home.sources", { n: d.counts.source ?? 0 })}
            </a>
          </li>
        </ul>
      </section>
      {d.atRisk ? (
        <p class="notice error">
          <a href={ctx.links.page(lang, "at-risk")}>{t("memorial.home.atRisk", { n: d.atRisk })}</a>
        </p>
      ) : null}
      <div class="grid">
        <section aria-labelledby="recent-heading">
          <h2 id="recent-heading">{t("memorial.home.recent")}</h2>
          <PeopleList ctx={ctx} people={d.recent} acts={d.recentActs} refs={d.recentRefs} />
        </section>
        <section aria-labelledby="events-heading">
          <h2 id="events-heading">{t("memorial.home.eventsHeading")}</h2>
          <ul class="plain">
            {d.events.map((e) => (
              <li>
                <RecordLink ctx={ctx} r={e} />
                {e.date ? (
                  <div class="muted">
                    <DateText ctx={ctx} d={e.date} />
                  </div>
                ) : null}
              </li>
            ))}
          </ul>
        </section>
      </div>
      {ctx.forms ? (
        <section class="panel know-more" aria-labelledby="testify-heading">
          <h2 id="testify-heading">{t("memorial.home.testifyHeading")}</h2>
          <p>{t("memorial.home.testifyText")}</p>
          <a class="button" href={ctx.links.page(lang, "testimony")}>
            {t("memorial.person.tellUs")}
          </a>
        </section>
      ) : null}
    </Site>
  );
}

function facetValueLabel(ctx: PageCtx, facet: Facet, value: string, refs: Map<string, PubRef>): ComponentChildren {
  switch (facet) {
    case "year":
      return ctx.lang === "fa" ? `${digits("fa", value)} (${digits("fa", `${Number(value) - 622}–${Number(value) - 621}`)})` : value;
    case "province":
    case "prison":
      return refs.get(value) ? <Label ctx={ctx} r={refs.get(value)!} /> : value;
    case "charge":
      return ctx.term("charge", value);
    case "age":
      return ctx.t(`memorial.age.${value}`);
    case "sex":
      return ctx.term("sex", value);
  }
}

/** Search results with facets as plain links and selects (no script needed). */
export function SearchPage({ ctx, params, r }: { ctx: PageCtx; params: SearchParams; r: SearchResult }) {
  const { t, lang } = ctx;
  const query: Record<string, string | undefined> = { q: params.q || undefined, ...params.filter };
  const any = Boolean(params.q) || Object.values(params.filter).some(Boolean);
  return (
    <Site ctx={ctx} title={params.q ? t("memorial.search.titleFor", { q: params.q }) : t("memorial.search.title")} query={{ ...query, page: params.page ? String(params.page + 1) : undefined }}>
      <h1>{t("memorial.search.title")}</h1>
      <SearchForm ctx={ctx} q={params.q} id="search-q" />
      <div class="search-layout">
        <aside class="facets" aria-labelledby="facets-heading">
          <h2 id="facets-heading">{t("memorial.facets.heading")}</h2>
          <form method="get" action={ctx.links.page(lang, "search")}>
            {params.q ? <input type="hidden" name="q" value={params.q} /> : null}
            {FACETS.map((f) => {
              const options = r.facets[f];
              const chosen = params.filter[f];
              if (!options.length && !chosen) return null;
              return (
                <div class="field">
                  <label for={`facet-${f}`}>{t(`memorial.facets.${f}`)}</label>
                  <select id={`facet-${f}`} name={f}>
                    <option value="">{t("memorial.facets.any")}</option>
                    {(f === "age" ? AGE_BANDS.filter((b) => options.some((o) => o.value === b)).map((b) => options.find((o) => o.value === b)!) : options).slice(0, 200).map((o) => (
                      <option value={o.value} selected={chosen === o.value}>
                        {facetValueLabel(ctx, f, o.value, r.refs)} ({num(lang, o.n)})
                      </option>
                    ))}
                  </select>
                </div>
              );
            })}
            <button type="submit">{t("memorial.facets.apply")}</button>
            {any ? (
              <p>
                <a href={ctx.links.page(lang, "search")}>{t("memorial.facets.clear")}</a>
              </p>
            ) : null}
          </form>
        </aside>
        <section class="results" aria-labelledby="results-heading">
          <h2 id="results-heading">{t(r.capped ? "memorial.search.countCapped" : "memorial.search.count", { n: r.total })}</h2>
          {r.capped ? <p class="muted">{t("memorial.search.cappedHint")}</p> : null}
          {r.people.length ? <PeopleList ctx={ctx} people={r.people.map((h) => h.person)} acts={new Map(r.people.flatMap((h) => (h.act ? [[h.person.id, h.act] as const] : [])))} refs={r.refs} /> : <p>{t("memorial.search.none")}</p>}
          <Pager ctx={ctx} path="search" page={params.page} total={r.total} size={r.pageSize} query={query} />
          {r.others.length ? (
            <>
              <h2>{t("memorial.search.others")}</h2>
              <ul class="plain">
                {r.others.map((o) => (
                  <li>
                    <RecordLink ctx={ctx} r={o} /> <span class="muted">· {t(`memorial.type.${o.type}`)}</span>
                  </li>
                ))}
              </ul>
            </>
          ) : null}
        </section>
      </div>
    </Site>
  );
}

/** A plain list of records (events, sources, organisations) with dates. */
export function RecordListPage({ ctx, title, intro, records, kindVocabulary, children }: { ctx: PageCtx; title: string; intro?: string; records: PubRef[]; kindVocabulary: string; children?: ComponentChildren }) {
  return (
    <Site ctx={ctx} title={title}>
      <h1>{title}</h1>
      {intro ? <p class="lede">{intro}</p> : null}
      {children}
      {records.length ? (
        <ul class="plain">
          {records.map((r) => (
            <li>
              <RecordLink ctx={ctx} r={r} />
              <div class="muted">
                {r.kind ? ctx.term(kindVocabulary, r.kind) : null}
                {r.date ? (
                  <>
                    {" · "}
                    <DateText ctx={ctx} d={r.date} />
                  </>
                ) : null}
              </div>
            </li>
          ))}
        </ul>
      ) : (
        <p class="muted">{ctx.t("memorial.list.empty")}</p>
      )}
    </Site>
  );
}

export function StatementsPage({ ctx, s }: { ctx: PageCtx; s: PublicStatements }) {
  const { t } = ctx;
  return (
    <Site ctx={ctx} title={t("memorial.statements.title")}>
      <h1>{t("memorial.statements.title")}</h1>
      <p class="lede">{t("memorial.statements.intro")}</p>
      {s.statements.length ? (
        s.statements.map((c) => (
          <blockquote class="statement">
            <p>
              <Text ctx={ctx} text={c.text ?? ""} />
            </p>
            <footer class="muted">
              {s.refs.get(c.subjectId) ? <RecordLink ctx={ctx} r={s.refs.get(c.subjectId)!} /> : null}
              {c.date ? (
                <>
                  {" · "}
                  <DateText ctx={ctx} d={c.date} />
                </>
              ) : null}
              {c.objectId && s.refs.get(c.objectId) ? (
                <>
                  {" · "}
                  <RecordLink ctx={ctx} r={s.refs.get(c.objectId)!} />
                </>
              ) : null}{" "}
              <Cites ctx={ctx} claim={c} sources={s.sources} />
            </footer>
          </blockquote>
        ))
      ) : (
        <p class="muted">{t("memorial.list.empty")}</p>
      )}
      {s.events.length ? (
        <section aria-labelledby="statement-events">
          <h2 id="statement-events">{t("memorial.statements.events")}</h2>
          <ul class="plain">
            {s.events.map((e) => (
              <li>
                <RecordLink ctx={ctx} r={e} />
              </li>
            ))}
          </ul>
        </section>
      ) : null}
      <SourceList ctx={ctx} sources={s.sources} refs={s.refs} />
    </Site>
  );
}

export function AtRiskPage({ ctx, entries, refs, sources }: { ctx: PageCtx; entries: AtRiskEntry[]; refs: Map<string, PubRef>; sources: string[] }) {
  const { t } = ctx;
  return (
    <Site ctx={ctx} title={t("memorial.atRisk.title")}>
      <h1>{t("memorial.atRisk.title")}</h1>
      <p class="lede">{t("memorial.atRisk.intro")}</p>
      <p class="muted">{t("memorial.atRisk.levels")}</p>
      {entries.length ? (
        <ul class="plain at-risk">
          {entries.map((e) => (
            <li class={`risk-${e.risk}`}>
              <h2 class="h3">
                <RecordLink ctx={ctx} r={e.person} />
              </h2>
              <p class="risk-level">
                <span class={`badge risk ${e.risk}`}>{t("memorial.atRisk.level", { level: t(`memorial.risk.${e.risk}`) })}</span>
              </p>
              {e.act ? (
                <ol class="timeline">
                  <ActLine ctx={ctx} act={e.act} refs={refs} sources={sources} />
                </ol>
              ) : null}
              {e.notes.map((n) => (
                <p>
                  <Text ctx={ctx} text={n.text ?? ""} /> <Cites ctx={ctx} claim={n} sources={sources} />
                </p>
              ))}
            </li>
          ))}
        </ul>
      ) : (
        <p class="muted">{t("memorial.list.empty")}</p>
      )}
      <SourceList ctx={ctx} sources={sources} refs={refs} />
    </Site>
  );
}

/** Index pages of the static mirror: by first letter and by year, instead of a search box. */
export function IndexPage({ ctx, title, groups, current, people, acts, refs, pager }: { ctx: PageCtx; title: string; groups: { key: string; label: string; path: string; n: number }[]; current: string | null; people: PubRef[]; acts: Map<string, ListedAct>; refs: Map<string, PubRef>; pager?: { path: string; page: number; total: number; size: number } }) {
  return (
    <Site ctx={ctx} title={title}>
      <h1>{title}</h1>
      <nav aria-label={ctx.t("memorial.index.groups")}>
        <ul class="letters">
          {groups.map((g) => (
            <li>
              <a href={ctx.links.page(ctx.lang, g.path)} aria-current={g.key === current ? "page" : undefined}>
                {g.label} <span class="muted">({num(ctx.lang, g.n)})</span>
              </a>
            </li>
          ))}
        </ul>
      </nav>
      {people.length ? <PeopleList ctx={ctx} people={people} acts={acts} refs={refs} /> : null}
      {pager ? <Pager ctx={ctx} path={pager.path} page={pager.page} total={pager.total} size={pager.size} /> : null}
    </Site>
  );
}

/** The root: two plain links, one per language; nothing is guessed from the browser. */
export function RootPage({ links }: { links: Links }) {
  return (
    <Layout lang="en" title="Vigil memorial · یادمان" styles={[links.asset("memorial.css")]} assetBase={links.assetBase()}>
      <main class="container root-choice">
        <h1>
          <span lang="fa" dir="rtl">
            یادمان
          </span>{" "}
          · Memorial
        </h1>
        <ul class="choice">
          <li lang="fa" dir="rtl">
            <a href={links.page("fa", "")} hrefLang="fa">
              فارسی
            </a>
            <span>یادمان قربانیان، به فارسی</span>
          </li>
          <li>
            <a href={links.page("en", "")} hrefLang="en">
              English
            </a>
            <span>The memorial to the victims, in English</span>
          </li>
        </ul>
      </main>
    </Layout>
  );
}

export function MessagePage({ ctx, title, children }: { ctx: PageCtx; title: string; children: ComponentChildren }) {
  return (
    <Site ctx={ctx} title={title}>
      <h1>{title}</h1>
      {children}
    </Site>
  );
}

export function AboutPage({ ctx }: { ctx: PageCtx }) {
  const { t } = ctx;
  return (
    <Site ctx={ctx} title={t("memorial.about.title")}>
      <h1>{t("memorial.about.title")}</h1>
      <p>{t("memorial.about.what")}</p>
      <h2>{t("memorial.about.sourcesHeading")}</h2>
      <p>{t("memorial.about.sources")}</p>
      <h2>{t("memorial.about.safetyHeading")}</h2>
      <p>{t("memorial.about.safety")}</p>
      <h2>{t("memorial.about.mirrorHeading")}</h2>
      <p>{t("memorial.about.mirror")}</p>
    </Site>
  );
}

export type { Lang };
