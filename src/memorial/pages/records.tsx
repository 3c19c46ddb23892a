import { date, num } from "../../web/index.ts";
import { parseDate } from "../../core/dates.ts";
import type { PubRef, PublicEvent, PublicOrganisation, PublicPlace, PublicSource } from "../presenters/index.ts";
import { EVENT_PAGE_SIZE, PLACE_PAGE_SIZE, SOURCE_PAGE_SIZE } from "../presenters/index.ts";
import { Cites, Confidence, DateText, Label, Pager, RecordLink, Site, SourceList, SyntheticNotice, Text, type PageCtx } from "./common.tsx";
import { ActLine, EvidenceList, type EvidenceItem } from "./person.tsx";
import { Tributes, type FormState, type PublicPost } from "./tributes.tsx";

function titleOf(ctx: PageCtx, r: PubRef): string {
  return (ctx.lang === "fa" ? (r.labelFa ?? r.label) : (r.label ?? r.labelFa)) ?? ctx.t("memorial.nameWithheld");
}

function Header({ ctx, r, kindVocabulary }: { ctx: PageCtx; r: PubRef; kindVocabulary: string }) {
  const other = ctx.lang === "fa" ? r.label : r.labelFa;
  return (
    <header class="record-header">
      <p class="kicker">{r.kind ? ctx.term(kindVocabulary, r.kind) : null}</p>
      <h1 id="record-title">
        <Label ctx={ctx} r={r} />
      </h1>
      {other && other !== titleOf(ctx, r) ? (
        <p class="other-script">
          <Text ctx={ctx} text={other} />
        </p>
      ) : null}
      {r.synthetic ? <SyntheticNotice ctx={ctx} /> : null}
      {r.date ? (
        <p class="summary">
          <DateText ctx={ctx} d={r.date} />
        </p>
      ) : null}
      {r.dateNote ? <p class="muted">{r.dateNote}</p> : null}
    </header>
  );
}

/** An event: what it was, when and where, its timeline of acts and related events, statements about it. */
export function EventPage({ ctx, e, page, posts, tribute, token, mapSvg }: { ctx: PageCtx; e: PublicEvent; page: number; posts: PublicPost[]; tribute: FormState | undefined; token: string; mapSvg: string | null }) {
  const { t, term, lang } = ctx;
  const { refs, sources } = e;
  const path = `events/${e.event.id}`;
  return (
    <Site ctx={ctx} title={titleOf(ctx, e.event)} query={page ? { page: String(page + 1) } : undefined} scripts={["memorial-pow.js"]}>
      <article aria-labelledby="record-title">
        <Header ctx={ctx} r={e.event} kindVocabulary="event_type" />
        {e.event.parentId && refs.get(e.event.parentId) ? (
          <p>
            {term("event_relation", "part_of")} <RecordLink ctx={ctx} r={refs.get(e.event.parentId)!} />
          </p>
        ) : null}
        {e.descriptions.map((d) => (
          <p class="claim">
            <Text ctx={ctx} text={d.text ?? ""} />
            <Confidence ctx={ctx} c={d} /> <Cites ctx={ctx} claim={d} sources={sources} />
          </p>
        ))}
        {e.occurred.length ? (
          <dl class="facts">
            {e.occurred.map((o) => (
              <>
                <dt>{t("memorial.property.occurred")}</dt>
                <dd>
                  {o.date ? <DateText ctx={ctx} d={o.date} /> : null}
                  {o.placeId && refs.get(o.placeId) ? (
                    <>
                      {" · "}
                      <RecordLink ctx={ctx} r={refs.get(o.placeId)!} />
                    </>
                  ) : null}{" "}
                  <Cites ctx={ctx} claim={o} sources={sources} />
                </dd>
              </>
            ))}
          </dl>
        ) : null}
        {mapSvg ? <div class="map-wrap" dangerouslySetInnerHTML={{ __html: mapSvg }} /> : null}

        {e.relations.length ? (
          <section aria-labelledby="related-heading">
            <h2 id="related-heading">{t("memorial.event.related")}</h2>
            <ol class="timeline">
              {e.relations.map((r) => (
                <li class="act">
                  <div class="act-date">{r.other.date ? <DateText ctx={ctx} d={r.other.date} /> : null}</div>
                  <div class="act-body">
                    {r.direction === "out" ? (
                      <>
                        <span class="muted">{t("memorial.event.thisIs", { relation: term("event_relation", r.claim.term) })}</span> <RecordLink ctx={ctx} r={r.other} />
                      </>
                    ) : (
                      <>
                        <RecordLink ctx={ctx} r={r.other} /> <span class="muted">{t("memorial.event.thatIs", { relation: term("event_relation", r.claim.term) })}</span>
                      </>
                    )}{" "}
                    <Cites ctx={ctx} claim={r.claim} sources={sources} />
                  </div>
                </li>
              ))}
            </ol>
          </section>
        ) : null}

        {e.actCount ? (
          <section aria-labelledby="victims-heading">
            <h2 id="victims-heading">{t("memorial.event.victims", { n: e.actCount })}</h2>
            <ul class="counts">
              {e.byType.map((b) => (
                <li>
                  {term("act_type", b.term)}: <strong>{num(lang, b.n)}</strong>
                </li>
              ))}
            </ul>
            {e.byMonth.length > 1 ? (
              <table class="by-month">
                <caption>{t("memorial.event.byMonth")}</caption>
                <thead>
                  <tr>
                    <th scope="col">{t("memorial.event.month")}</th>
                    <th scope="col">{t("memorial.event.acts")}</th>
                  </tr>
                </thead>
                <tbody>
                  {e.byMonth.map((m) => (
                    <tr>
                      <td>{date(lang, parseDate(m.month))}</td>
                      <td>
                        <span class="bar" data-n={m.n}>
                          {num(lang, m.n)}
                        </span>
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            ) : null}
            <h3>{t("memorial.event.timeline")}</h3>
            <ol class="timeline">
              {e.acts.map((a) => (
                <ActLine ctx={ctx} act={{ ...a, objectId: null }} refs={refs} sources={sources} victim={refs.get(a.subjectId)} />
              ))}
            </ol>
            <Pager ctx={ctx} path={path} page={page} total={e.actCount} size={EVENT_PAGE_SIZE} />
          </section>
        ) : null}

        {e.statements.length ? (
          <section aria-labelledby="statements-heading">
            <h2 id="statements-heading">{t("memorial.event.statements")}</h2>
            {e.statements.map((s) => (
              <blockquote class="statement">
                <p>
                  <Text ctx={ctx} text={s.text ?? ""} />
                </p>
                <footer class="muted">
                  {refs.get(s.subjectId) ? <RecordLink ctx={ctx} r={refs.get(s.subjectId)!} /> : null}
                  {s.date ? (
                    <>
                      {" · "}
                      <DateText ctx={ctx} d={s.date} />
                    </>
                  ) : null}{" "}
                  <Cites ctx={ctx} claim={s} sources={sources} />
                </footer>
              </blockquote>
            ))}
          </section>
        ) : null}

        {e.organisers.length ? (
          <section aria-labelledby="organisers-heading">
            <h2 id="organisers-heading">{t("memorial.event.organisers")}</h2>
            <ul class="plain">
              {e.organisers.map((o) => (
                <li>
                  {refs.get(o.subjectId) ? <RecordLink ctx={ctx} r={refs.get(o.subjectId)!} /> : null}
                  {o.text ? <span class="muted"> · {o.text}</span> : null} <Cites ctx={ctx} claim={o} sources={sources} />
                </li>
              ))}
            </ul>
          </section>
        ) : null}

        <SourceList ctx={ctx} sources={sources} refs={refs} />
        <Tributes ctx={ctx} posts={posts} action={ctx.links.page(lang, path)} state={tribute} token={token} kind="comment" />
      </article>
    </Site>
  );
}

/** A place: map, where it lies, what it contains, what happened there, and its destruction when it was destroyed. */
export function PlacePage({ ctx, p, page, mapSvg, evidence }: { ctx: PageCtx; p: PublicPlace; page: number; mapSvg: string | null; evidence: EvidenceItem[] }) {
  const { t, term, lang } = ctx;
  const { refs, sources } = p;
  const images = evidence.filter((e) => e.publicCopy && e.mediaType.startsWith("image/"));
  return (
    <Site ctx={ctx} title={titleOf(ctx, p.place)} query={page ? { page: String(page + 1) } : undefined}>
      <article aria-labelledby="record-title">
        <Header ctx={ctx} r={p.place} kindVocabulary="place_type" />
        {p.ancestors.length ? (
          <p>
            {t("memorial.place.in")}{" "}
            {p.ancestors.map((a, i) => (
              <>
                {i ? t("memorial.listSeparator") : null}
                <RecordLink ctx={ctx} r={a} />
              </>
            ))}
          </p>
        ) : null}
        {p.descriptions.map((d) => (
          <p class="claim">
            <Text ctx={ctx} text={d.text ?? ""} />
            <Confidence ctx={ctx} c={d} /> <Cites ctx={ctx} claim={d} sources={sources} />
          </p>
        ))}
        {mapSvg ? <div class="map-wrap" dangerouslySetInnerHTML={{ __html: mapSvg }} /> : null}
        {p.coordinates.map((c) => (
          <p class="muted coordinates">
            {t("memorial.place.coordinates")}{" "}
            <span class="ltr-value" dir="ltr">
              {c.coordinates!.lat.toFixed(3)}, {c.coordinates!.lon.toFixed(3)}
            </span>
            {c.coordinates!.precisionM ? <> ({t("memorial.place.precision", { n: Math.round(c.coordinates!.precisionM) })})</> : null} <Cites ctx={ctx} claim={c} sources={sources} />
          </p>
        ))}

        {p.destruction.length ? (
          <section aria-labelledby="destruction-heading" class="destruction">
            <h2 id="destruction-heading">{t("memorial.place.destroyed")}</h2>
            <ul class="plain">
              {p.destruction.map((d) => (
                <li>
                  <RecordLink ctx={ctx} r={d} />
                  {d.date ? (
                    <>
                      {" · "}
                      <DateText ctx={ctx} d={d.date} />
                    </>
                  ) : null}
                </li>
              ))}
            </ul>
            {images.length ? (
              <div class="before-after">
                {images.map((im) => (
                  <figure>
                    <img src={im.publicCopy!} alt={im.title ?? t("memorial.place.evidenceImage")} loading="lazy" />
                    <figcaption>{im.title ?? im.itemId}</figcaption>
                  </figure>
                ))}
              </div>
            ) : (
              <p class="muted">{t("memorial.place.noImages")}</p>
            )}
          </section>
        ) : null}

        {p.children.length ? (
          <section aria-labelledby="children-heading">
            <h2 id="children-heading">{t("memorial.place.contains")}</h2>
            <ul class="plain">
              {p.children.map((c) => (
                <li>
                  <RecordLink ctx={ctx} r={c} /> {c.kind ? <span class="muted">· {term("place_type", c.kind)}</span> : null}
                </li>
              ))}
            </ul>
          </section>
        ) : null}

        {p.events.length ? (
          <section aria-labelledby="events-heading">
            <h2 id="events-heading">{t("memorial.place.events")}</h2>
            <ul class="plain">
              {p.events.map((e) => (
                <li>
                  <RecordLink ctx={ctx} r={e} />
                  {e.date ? (
                    <>
                      {" · "}
                      <DateText ctx={ctx} d={e.date} />
                    </>
                  ) : null}
                </li>
              ))}
            </ul>
          </section>
        ) : null}

        {p.actCount ? (
          <section aria-labelledby="acts-heading">
            <h2 id="acts-heading">{t("memorial.place.acts", { n: p.actCount })}</h2>
            <ul class="counts">
              {p.byType.map((b) => (
                <li>
                  {term("act_type", b.term)}: <strong>{num(lang, b.n)}</strong>
                </li>
              ))}
            </ul>
            <ol class="timeline">
              {p.acts.map((a) => (
                <ActLine ctx={ctx} act={{ ...a, placeId: null }} refs={refs} sources={sources} victim={refs.get(a.subjectId)} />
              ))}
            </ol>
            <Pager ctx={ctx} path={`places/${p.place.id}`} page={page} total={p.actCount} size={PLACE_PAGE_SIZE} />
          </section>
        ) : null}
        <SourceList ctx={ctx} sources={sources} refs={refs} />
        {evidence.length ? <EvidenceList ctx={ctx} evidence={evidence} refs={refs} /> : null}
      </article>
    </Site>
  );
}

/** A source: what it is and which public records cite it; evidence kept for it in the vault. */
export function SourcePage({ ctx, s, page, evidence }: { ctx: PageCtx; s: PublicSource; page: number; evidence: EvidenceItem[] }) {
  const { t } = ctx;
  const refs = new Map([[s.source.id, s.source]]);
  return (
    <Site ctx={ctx} title={titleOf(ctx, s.source)} query={page ? { page: String(page + 1) } : undefined}>
      <article aria-labelledby="record-title">
        <Header ctx={ctx} r={s.source} kindVocabulary="source_type" />
        {s.source.url ? (
          <p>
            {t("memorial.source.original")}{" "}
            <a href={s.source.url} rel="noreferrer noopener external" class="ltr-value" dir="ltr">
              {s.source.url}
            </a>{" "}
            <span class="muted">{t("memorial.source.external")}</span>
          </p>
        ) : null}
        {evidence.length ? <EvidenceList ctx={ctx} evidence={evidence} refs={refs} /> : null}
        <section aria-labelledby="citing-heading">
          <h2 id="citing-heading">{t("memorial.source.citing", { n: s.citingCount })}</h2>
          <ul class="plain">
            {s.citing.map((r) => (
              <li>
                <RecordLink ctx={ctx} r={r} /> <span class="muted">· {t(`memorial.type.${r.type}`)}</span>
              </li>
            ))}
          </ul>
          <Pager ctx={ctx} path={`sources/${s.source.id}`} page={page} total={s.citingCount} size={SOURCE_PAGE_SIZE} />
        </section>
      </article>
    </Site>
  );
}

/** An organisation: its public facts, statements and the people who held posts in it. */
export function OrganisationPage({ ctx, o }: { ctx: PageCtx; o: PublicOrganisation }) {
  const { t, term } = ctx;
  const { refs, sources } = o;
  return (
    <Site ctx={ctx} title={titleOf(ctx, o.organisation)}>
      <article aria-labelledby="record-title">
        <Header ctx={ctx} r={o.organisation} kindVocabulary="organisation_type" />
        {o.organisation.parentId && refs.get(o.organisation.parentId) ? (
          <p>
            {t("memorial.property.parent")}: <RecordLink ctx={ctx} r={refs.get(o.organisation.parentId)!} />
          </p>
        ) : null}
        {o.claims.length ? (
          <ul class="plain">
            {o.claims.map((c) => (
              <li>
                <strong>{t(`memorial.property.${c.property}`)}</strong>
                {c.text ? (
                  <>
                    {": "}
                    <Text ctx={ctx} text={c.text} />
                  </>
                ) : null}
                {c.objectId && refs.get(c.objectId) ? (
                  <>
                    {" · "}
                    <RecordLink ctx={ctx} r={refs.get(c.objectId)!} />
                  </>
                ) : null}
                {c.date ? (
                  <>
                    {" · "}
                    <DateText ctx={ctx} d={c.date} />
                  </>
                ) : null}
                <Confidence ctx={ctx} c={c} /> <Cites ctx={ctx} claim={c} sources={sources} />
              </li>
            ))}
          </ul>
        ) : null}
        {o.members.length ? (
          <section aria-labelledby="members-heading">
            <h2 id="members-heading">{t("memorial.org.members")}</h2>
            <ul class="plain">
              {o.members.map((m) => (
                <li>
                  {refs.get(m.subjectId) ? <RecordLink ctx={ctx} r={refs.get(m.subjectId)!} /> : null} · {term("post_role", m.term)}
                  {m.date ? (
                    <>
                      {" · "}
                      <DateText ctx={ctx} d={m.date} />
                    </>
                  ) : null}{" "}
                  <Cites ctx={ctx} claim={m} sources={sources} />
                </li>
              ))}
            </ul>
          </section>
        ) : null}
        <SourceList ctx={ctx} sources={sources} refs={refs} />
      </article>
    </Site>
  );
}
