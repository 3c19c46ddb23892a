import { digits, num } from "../../web/index.ts";
import { summaryAct, type PubClaim, type PubRef, type PublicPerson } from "../presenters/index.ts";
import { Cites, Confidence, DateText, Label, RecordLink, Site, SourceList, SyntheticNotice, Text, type PageCtx } from "./common.tsx";
import { Tributes, type FormState, type PublicPost } from "./tributes.tsx";

/** An official's page lists their part in this many acts; the rest are counted (their victims' pages name them). */
const INVOLVEMENTS_SHOWN = 100;

export interface EvidenceItem {
  itemId: string;
  sourceId: string;
  title: string | null;
  digest: string;
  mediaType: string;
  /** Address of the public copy (metadata removed), when the item has one. */
  publicCopy: string | null;
}

/** One act in the timeline: type, date, place, event, charges, status, who took part, sources. */
export function ActLine({ ctx, act, refs, sources, involvements = [], charges = [], victim }: { ctx: PageCtx; act: PubClaim; refs: Map<string, PubRef>; sources: string[]; involvements?: PubClaim[]; charges?: PubClaim[]; victim?: PubRef }) {
  const { t, term } = ctx;
  const place = act.placeId ? refs.get(act.placeId) : undefined;
  const event = act.objectId ? refs.get(act.objectId) : undefined;
  const allCharges = [...new Set([...act.charges, ...charges.map((c) => c.term ?? "")].filter(Boolean))];
  return (
    <li class="act">
      <div class="act-date">{act.date ? <DateText ctx={ctx} d={act.date} /> : <span class="muted">{t("memorial.date.unknown")}</span>}</div>
      <div class="act-body">
        <strong class="act-type">{term("act_type", act.term)}</strong>
        {victim ? (
          <>
            {" · "}
            <RecordLink ctx={ctx} r={victim} />
          </>
        ) : null}
        <Confidence ctx={ctx} c={act} />
        {place ? (
          <>
            {" · "}
            {t("memorial.act.at")} <RecordLink ctx={ctx} r={place} />
          </>
        ) : null}
        {event ? (
          <>
            {" · "}
            {t("memorial.act.during")} <RecordLink ctx={ctx} r={event} />
          </>
        ) : null}
        {allCharges.length ? (
          <div>
            {t("memorial.act.charges")} {allCharges.map((c) => term("charge", c)).join(t("memorial.listSeparator"))}
          </div>
        ) : null}
        {act.victimStatus ? (
          <div class="muted">
            {t("memorial.act.status")} {term("victim_status", act.victimStatus)}
          </div>
        ) : null}
        {act.text ? (
          <div>
            <Text ctx={ctx} text={act.text} />
          </div>
        ) : null}
        {involvements.map((inv) => {
          const who = refs.get(inv.subjectId);
          return who ? (
            <div class="involvement">
              {term("involvement_degree", inv.term)}: <RecordLink ctx={ctx} r={who} />
              <Confidence ctx={ctx} c={inv} /> <Cites ctx={ctx} claim={inv} sources={sources} />
            </div>
          ) : null;
        })}
        <div>
          <Cites ctx={ctx} claim={act} sources={sources} />
        </div>
      </div>
    </li>
  );
}

function Fact({ ctx, c, refs, sources }: { ctx: PageCtx; c: PubClaim; refs: Map<string, PubRef>; sources: string[] }) {
  const { t, term } = ctx;
  const place = c.placeId ? refs.get(c.placeId) : undefined;
  const object = c.objectId ? refs.get(c.objectId) : undefined;
  let value: preact.ComponentChildren = null;
  switch (c.property) {
    case "sex":
      value = term("sex", c.term);
      break;
    case "age":
      value = c.age === null ? null : t("memorial.person.ageValue", { n: c.age });
      break;
    case "count":
      value = c.count === null ? null : num(ctx.lang, c.count);
      break;
    case "identifier":
      value = c.identifier ? (
        <span class="ltr-value">
          {c.identifier.scheme}: {digits(ctx.lang, c.identifier.value)}
        </span>
      ) : null;
      break;
    case "charge":
      value = term("charge", c.term);
      break;
    default:
      value = c.text ? <Text ctx={ctx} text={c.text} /> : null;
  }
  return (
    <>
      <dt>{t(`memorial.property.${c.property}`)}</dt>
      <dd>
        {value}
        {object ? (
          <>
            {value ? " · " : null}
            <RecordLink ctx={ctx} r={object} />
          </>
        ) : null}
        {c.date && c.property !== "age" ? (
          <>
            {" · "}
            <DateText ctx={ctx} d={c.date} />
          </>
        ) : null}
        {c.property === "age" && c.date ? (
          <>
            {" "}
            ({t("memorial.person.ageAt")} <DateText ctx={ctx} d={c.date} />)
          </>
        ) : null}
        {place ? (
          <>
            {" · "}
            <RecordLink ctx={ctx} r={place} />
          </>
        ) : null}
        <Confidence ctx={ctx} c={c} /> <Cites ctx={ctx} claim={c} sources={sources} />
      </dd>
    </>
  );
}

/** The person's page: names in both scripts, what happened, facts, sources, evidence, tributes. */
export function PersonPage({ ctx, p, posts, tribute, token, evidence, officialHref = null }: { ctx: PageCtx; p: PublicPerson; posts: PublicPost[]; tribute: FormState | undefined; token: string; evidence: EvidenceItem[]; officialHref?: string | null }) {
  const { t, term, lang } = ctx;
  const { person, refs, sources } = p;
  const summary = summaryAct(p);
  const title = (lang === "fa" ? (person.labelFa ?? person.label) : (person.label ?? person.labelFa)) ?? t("memorial.nameWithheld");
  const otherName = lang === "fa" ? person.label : person.labelFa;
  const photos = evidence.filter((e) => e.publicCopy && e.mediaType.startsWith("image/"));
  const self = ctx.links.page(lang, `people/${person.id}`);
  return (
    <Site ctx={ctx} title={title} scripts={["memorial-pow.js"]}>
      <article class="person" aria-labelledby="person-name">
        <header class="record-header">
          <h1 id="person-name">
            <Label ctx={ctx} r={person} />
          </h1>
          {otherName && otherName !== title ? (
            <p class="other-script">
              <Text ctx={ctx} text={otherName} />
            </p>
          ) : null}
          {person.synthetic ? <SyntheticNotice ctx={ctx} /> : null}
          {summary ? (
            <p class="summary">
              {term("act_type", summary.term)}
              {summary.date ? (
                <>
                  {" · "}
                  <DateText ctx={ctx} d={summary.date} />
                </>
              ) : null}
              {summary.placeId && refs.get(summary.placeId) ? (
                <>
                  {" · "}
                  <Label ctx={ctx} r={refs.get(summary.placeId)!} />
                </>
              ) : null}
            </p>
          ) : null}
          {officialHref ? (
            <p class="official-link">
              <a href={officialHref}>{t("memorial.person.officialPage")}</a>
            </p>
          ) : null}
        </header>

        {photos.length ? (
          <section aria-labelledby="photos-heading">
            <h2 id="photos-heading">{t("memorial.person.photos")}</h2>
            <div class="photos">
              {photos.map((ph) => (
                <figure>
                  <img src={ph.publicCopy!} alt={ph.title ?? t("memorial.person.photoAlt", { name: title })} loading="lazy" />
                  {ph.title ? <figcaption>{ph.title}</figcaption> : null}
                </figure>
              ))}
            </div>
          </section>
        ) : null}

        {p.names.length ? (
          <section aria-labelledby="names-heading">
            <h2 id="names-heading">{t("memorial.person.names")}</h2>
            <ul class="names">
              {p.names.map((n) => (
                <li>
                  <Text ctx={ctx} text={n.text ?? ""} /> <span class="muted">({t(`memorial.nameKind.${n.nameKind ?? "full"}`)})</span>
                  <Confidence ctx={ctx} c={n} /> <Cites ctx={ctx} claim={n} sources={sources} />
                </li>
              ))}
            </ul>
          </section>
        ) : null}

        {p.acts.length ? (
          <section aria-labelledby="acts-heading">
            <h2 id="acts-heading">{t("memorial.person.whatHappened")}</h2>
            <ol class="timeline">
              {p.acts.map((a) => (
                <ActLine ctx={ctx} act={a.act} refs={refs} sources={sources} involvements={a.involvements} charges={a.charges} />
              ))}
            </ol>
          </section>
        ) : null}

        {p.facts.length ? (
          <section aria-labelledby="facts-heading">
            <h2 id="facts-heading">{t("memorial.person.facts")}</h2>
            <dl class="facts">
              {p.facts.map((c) => (
                <Fact ctx={ctx} c={c} refs={refs} sources={sources} />
              ))}
            </dl>
          </section>
        ) : null}

        {p.memberships.length ? (
          <section aria-labelledby="career-heading">
            <h2 id="career-heading">{t("memorial.person.career")}</h2>
            <ul class="plain">
              {p.memberships.map((m) => (
                <li>
                  <strong>{term("post_role", m.term)}</strong>
                  {m.objectId && refs.get(m.objectId) ? (
                    <>
                      {" · "}
                      <RecordLink ctx={ctx} r={refs.get(m.objectId)!} />
                    </>
                  ) : null}
                  {m.date ? (
                    <>
                      {" · "}
                      <DateText ctx={ctx} d={m.date} />
                    </>
                  ) : null}
                  {m.text ? (
                    <>
                      {" · "}
                      <Text ctx={ctx} text={m.text} />
                    </>
                  ) : null}
                  <Confidence ctx={ctx} c={m} /> <Cites ctx={ctx} claim={m} sources={sources} />
                </li>
              ))}
            </ul>
          </section>
        ) : null}

        {p.involvements.length ? (
          <section aria-labelledby="involved-heading">
            <h2 id="involved-heading">{t("memorial.person.involvedIn", { n: p.involvements.length })}</h2>
            <ol class="timeline">
              {p.involvements.slice(0, INVOLVEMENTS_SHOWN).map((i) => (
                <ActLine ctx={ctx} act={{ ...i.act, citations: i.involvement.citations }} refs={refs} sources={sources} victim={refs.get(i.act.subjectId)} />
              ))}
            </ol>
            {p.involvements.length > INVOLVEMENTS_SHOWN ? <p class="muted">{t("memorial.person.moreInvolvements", { n: p.involvements.length - INVOLVEMENTS_SHOWN })}</p> : null}
          </section>
        ) : null}

        {p.statements.length ? (
          <section aria-labelledby="statements-heading">
            <h2 id="statements-heading">{t("memorial.person.statements")}</h2>
            {p.statements.map((s) => (
              <blockquote class="statement">
                <p>
                  <Text ctx={ctx} text={s.text ?? ""} />
                </p>
                <footer class="muted">
                  {s.date ? <DateText ctx={ctx} d={s.date} /> : null}
                  {s.objectId && refs.get(s.objectId) ? (
                    <>
                      {" · "}
                      <RecordLink ctx={ctx} r={refs.get(s.objectId)!} />
                    </>
                  ) : null}{" "}
                  <Cites ctx={ctx} claim={s} sources={sources} />
                </footer>
              </blockquote>
            ))}
          </section>
        ) : null}

        <SourceList ctx={ctx} sources={sources} refs={refs} />
        {evidence.length ? <EvidenceList ctx={ctx} evidence={evidence} refs={refs} /> : null}

        <Tributes ctx={ctx} posts={posts} action={self} state={tribute} token={token} kind="tribute" />

        {ctx.forms ? (
          <section class="panel know-more" aria-labelledby="know-heading">
            <h2 id="know-heading">{t("memorial.person.knowMore")}</h2>
            <p>{t("memorial.person.knowMoreText")}</p>
            <a class="button" href={ctx.links.page(lang, "testimony", { about: person.id })}>
              {t("memorial.person.tellUs")}
            </a>
          </section>
        ) : null}
      </article>
    </Site>
  );
}

/** Evidence kept in the vault for the page's sources: what a reader can verify by its fingerprint. */
export function EvidenceList({ ctx, evidence, refs }: { ctx: PageCtx; evidence: EvidenceItem[]; refs: Map<string, PubRef> }) {
  return (
    <section aria-labelledby="evidence-heading">
      <h2 id="evidence-heading">{ctx.t("memorial.evidence.heading")}</h2>
      <p class="hint">{ctx.t("memorial.evidence.hint")}</p>
      <ul class="plain evidence">
        {evidence.map((e) => {
          const s = refs.get(e.sourceId);
          return (
            <li>
              {e.title ? <Text ctx={ctx} text={e.title} /> : e.itemId}
              {s ? (
                <>
                  {" · "}
                  <RecordLink ctx={ctx} r={s} />
                </>
              ) : null}
              <div class="digest ltr-value" dir="ltr">
                SHA-256 <code>{e.digest.replace(/^sha256:/, "")}</code>
              </div>
              {e.publicCopy ? <a href={e.publicCopy}>{ctx.t("memorial.evidence.publicCopy")}</a> : null}
            </li>
          );
        })}
      </ul>
    </section>
  );
}
