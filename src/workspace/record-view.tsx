import type { Claim, RecordView, VRecord } from "../records/index.ts";
import { PROPERTIES } from "../records/index.ts";
import { dateBoth, digits, type Lang, type T } from "../web/index.ts";
import { messages } from "./messages.ts";
import { Badge, confBadge, confidenceBadge, statusBadge } from "./ui.tsx";

messages({
  "workspace.claim.sources": ["Sources", "منابع"],
  "workspace.claim.locator": ["at", "در"],
  "workspace.claim.note": ["Note", "یادداشت"],
  "workspace.claim.hiddenSource": ["a source you may not see", "منبعی که اجازه دیدنش را ندارید"],
  "workspace.claim.age": ["{age, number} years", "{age, number} سال"],
  "workspace.claim.count": ["{count, number} people", "{count, number} نفر"],
  "workspace.claim.at": ["at", "در"],
  "workspace.claim.object": ["concerning", "درباره"],
  "workspace.claim.by": ["by {who}, {at}", "توسط {who}، {at}"],
  "workspace.nameKind.full": ["full name", "نام کامل"],
  "workspace.nameKind.given": ["given name", "نام کوچک"],
  "workspace.nameKind.family": ["family name", "نام خانوادگی"],
  "workspace.nameKind.father": ["father's name", "نام پدر"],
  "workspace.nameKind.alias": ["alias", "نام دیگر"],
  "workspace.nameKind.birth": ["birth name", "نام هنگام تولد"],
  "workspace.nameKind.nickname": ["nickname", "لقب"],
});

export type TermLabel = (vocabulary: string, code: string | null, lang: "en" | "fa") => string;

export function recordLabel(r: { label: string; labelFa: string }, lang: Lang): string {
  return (lang === "fa" ? r.labelFa || r.label : r.label || r.labelFa) || "—";
}

export function RecordLink({ id, related, lang }: { id: string; related: RecordView["related"]; lang: Lang }) {
  const r = related.get(id);
  if (!r) return <span class="muted ltr-value">{id}</span>;
  return (
    <a href={`/workspace/records/${encodeURIComponent(id)}`}>
      <bdi>{recordLabel(r, lang)}</bdi>
    </a>
  );
}

/** The value of a claim in words: its term, text, numbers, what and where it points to. */
export function ClaimValue({ claim, lang, t, term, related }: { claim: Claim; lang: Lang; t: T; term: TermLabel; related: RecordView["related"] }) {
  const spec = PROPERTIES[claim.property];
  const v = claim.value as Record<string, unknown>;
  const txt = (x: unknown, fallback = ""): string => (typeof x === "string" || typeof x === "number" ? String(x) : fallback);
  const parts: preact.ComponentChildren[] = [];
  if (claim.term && spec?.vocabulary) parts.push(<strong>{term(spec.vocabulary, claim.term, lang)}</strong>);
  switch (spec?.value) {
    case "name":
      parts.push(
        <bdi class="name" lang={v.script === "latin" ? "en" : v.script === "persian" ? "fa" : undefined}>
          {txt(v.text)}
        </bdi>,
        <span class="muted"> ({t(`workspace.nameKind.${txt(v.kind, "full")}`)})</span>,
      );
      break;
    case "age":
      parts.push(t("workspace.claim.age", { age: Number(v.age) }));
      break;
    case "count":
      parts.push(t("workspace.claim.count", { count: Number(v.count) }));
      break;
    case "identifier":
      parts.push(<span class="ltr-value">{`${txt(v.scheme)}: ${txt(v.value)}`}</span>);
      break;
    case "coordinates":
      parts.push(<span class="ltr-value">{`${txt(v.lat)}, ${txt(v.lon)}`}</span>);
      break;
    case "act":
      if (typeof v.victim_status === "string") parts.push(<span> · {term("victim_status", v.victim_status, lang)}</span>);
      if (Array.isArray(v.charges) && v.charges.length) parts.push(<span> · {v.charges.map((c) => term("charge", String(c), lang)).join("، ")}</span>);
      if (typeof v.text === "string") parts.push(<span> · <bdi>{v.text}</bdi></span>);
      break;
    case "text":
      if (typeof v.text === "string") parts.push(<bdi class="text">{v.text}</bdi>);
      break;
    default:
      break;
  }
  return (
    <span class="claim-value">
      {parts.map((p, i) => (
        <>
          {i > 0 && " "}
          {p}
        </>
      ))}
      {claim.objectId && spec?.object !== "claim" && (
        <span>
          {" "}
          {t("workspace.claim.object")} <RecordLink id={claim.objectId} related={related} lang={lang} />
        </span>
      )}
      {claim.placeId && (
        <span>
          {" "}
          {t("workspace.claim.at")} <RecordLink id={claim.placeId} related={related} lang={lang} />
        </span>
      )}
      {claim.date && <span class="date"> · {dateBoth(lang, claim.date)}</span>}
    </span>
  );
}

/** One claim with everything a reader needs to weigh it: value, confidence, confidentiality, every source with its locator and quote. */
export function ClaimCard({ claim, lang, t, term, related, actions }: { claim: Claim; lang: Lang; t: T; term: TermLabel; related: RecordView["related"]; actions?: preact.ComponentChildren }) {
  return (
    <li class={`claim${claim.status === "retracted" ? " retracted" : ""}`} id={`claim-${claim.id}`}>
      <div class="claim-head">
        <ClaimValue claim={claim} lang={lang} t={t} term={term} related={related} />
        <span class="badges">
          {confidenceBadge(t, claim.confidence)} {confBadge(t, claim.confidentiality)} {claim.status === "retracted" && <Badge kind="disputed" label={t("workspace.status.retracted")} />}
        </span>
      </div>
      <div class="sources">
        <span class="visually-hidden">{t("workspace.claim.sources")}: </span>
        <ul class="citations">
          {claim.citations.map((c) => (
            <li>
              <span aria-hidden="true">↳ </span>
              {related.has(c.sourceId) ? <RecordLink id={c.sourceId} related={related} lang={lang} /> : <span class="muted">{t("workspace.claim.hiddenSource")}</span>}
              {c.locator && (
                <span>
                  {" "}
                  · {t("workspace.claim.locator")} <bdi>{c.locator}</bdi>
                </span>
              )}
              {c.reliability && <span> · {term("source_reliability", c.reliability, lang)}</span>}
              {c.connection && <span> · {term("source_connection", c.connection, lang)}</span>}
              {c.quote && (
                <blockquote class="quote">
                  <bdi>{c.quote}</bdi>
                </blockquote>
              )}
            </li>
          ))}
        </ul>
      </div>
      {claim.note && (
        <p class="note">
          <strong>{t("workspace.claim.note")}:</strong> <bdi>{claim.note}</bdi>
        </p>
      )}
      <p class="meta muted">
        {t("workspace.claim.by", { who: claim.updatedBy, at: digits(lang, claim.updatedAt.slice(0, 16).replace("T", " ")) })}
        {actions}
      </p>
    </li>
  );
}

export function RecordBadges({ record, t }: { record: VRecord; t: T }) {
  return (
    <span class="badges">
      <Badge kind="type" label={t(`workspace.type.${record.type}`)} /> {statusBadge(t, record.status)} {confBadge(t, record.confidentiality)} {record.synthetic && <Badge kind="synthetic" label={t("workspace.synthetic")} />}
    </span>
  );
}
