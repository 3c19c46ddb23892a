import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { authorize, can } from "../../accounts/index.ts";
import { parseDate } from "../../core/dates.ts";
import { VigilError, type FieldProblem } from "../../core/errors.ts";
import { listVocabularies, relatedLabels, type Term } from "../../records/index.ts";
import { dateBoth, num } from "../../web/index.ts";
import { authenticate, Csrf, ErrorSummary, errorsByField, Field, pageEnv, SelectField, sendPage, str, strs, TextArea, TextField, type FieldErrors, type PageEnv } from "../../workspace/index.ts";
import { LABELS, type Label } from "../lexicon.ts";
import { getSource, listSources, listTriage, triageCounts, type TriageItem } from "../sources.ts";
import { confirmItem, dismissItem, mayTriage, reopenItem, triageView, type ConfirmInput, type ConfirmPersonInput, type ConfirmSourceInput, type DraftPerson, type MatchSuggestion, type TriageView } from "../triage.ts";
import { EntityTable, Highlighted, LabelBadge, MonitorLayout, pct, ReasonList, spansOf, topScore, when } from "./ui.tsx";

const DONE: Record<string, string> = { confirmed: "monitor.confirm.done", dismissed: "monitor.dismiss.done", reopened: "monitor.reopen.done" };
const done = (req: FastifyRequest, env: PageEnv) => {
  const d = (req.query as Record<string, string | undefined>).done;
  return d && DONE[d] ? { kind: "ok" as const, text: env.t(DONE[d]) } : undefined;
};

const STATUSES = ["new", "confirmed", "dismissed", "all"] as const;

/** The form as the page shows it: what will be sent, plus choices that only the page needs. */
interface FormRow extends ConfirmPersonInput {
  include: boolean;
  matchOther: string;
  placeOther: string;
  mentions: DraftPerson["mentions"];
}
interface FormState {
  source: ConfirmSourceInput;
  rows: FormRow[];
  note: string;
}

const blankRow = (): FormRow => ({ match: "new", kind: "individual", nameEn: "", nameFa: "", count: null, actType: "", date: "", place: "", newPlaceName: "", newPlaceKind: "prison", charges: [], victimStatus: "", quote: "", confidence: "probable", confidentiality: "staff", include: false, matchOther: "", placeOther: "", mentions: [] });

function stateFromDraft(view: TriageView): FormState {
  const rows: FormRow[] = view.draft.people.map(({ father: _f, age: _a, ...p }) => ({ ...p, matchOther: "", placeOther: "" }));
  // One empty row for someone extraction missed; without JavaScript there is no "add" button to press.
  rows.push({ ...blankRow(), actType: view.draft.people[0]?.actType ?? "", date: view.draft.people[0]?.date ?? "", victimStatus: view.draft.people[0]?.victimStatus ?? "" });
  return { source: view.draft.source, rows, note: "" };
}

function stateFromBody(body: unknown): FormState {
  const n = Math.min(Math.max(Number(str(body, "rows")) || 0, 0), 60);
  const rows: FormRow[] = [];
  for (let i = 0; i < n; i++) {
    const f = (k: string) => str(body, `p${i}_${k}`);
    const count = f("count").trim();
    rows.push({
      include: f("include") === "1",
      match: f("match") || "new",
      matchOther: f("matchOther").trim(),
      kind: f("kind") === "group" ? "group" : "individual",
      nameEn: f("nameEn"),
      nameFa: f("nameFa"),
      count: count === "" ? null : /^\d+$/.test(count) ? Number(count) : Number.NaN,
      actType: f("actType"),
      date: f("date"),
      place: f("place"),
      placeOther: f("placeOther").trim(),
      newPlaceName: f("newPlaceName"),
      newPlaceKind: f("newPlaceKind") || "prison",
      charges: strs(body, `p${i}_charges`),
      victimStatus: f("victimStatus"),
      quote: f("quote"),
      confidence: f("confidence") || "probable",
      confidentiality: f("confidentiality") || "staff",
      mentions: [],
    });
  }
  return {
    source: { title: str(body, "s_title"), titleFa: str(body, "s_titleFa"), url: str(body, "s_url").trim(), lang: str(body, "s_lang").trim(), published: str(body, "s_published"), confidentiality: str(body, "s_confidentiality") || "staff", reliability: str(body, "s_reliability") },
    rows,
    note: str(body, "note"),
  };
}

/** What the use case gets: the ticked rows, with "other" choices resolved; and which row each came from. */
function inputFromState(s: FormState): { input: ConfirmInput; rowOf: number[] } {
  const people: ConfirmPersonInput[] = [];
  const rowOf: number[] = [];
  s.rows.forEach((r, i) => {
    if (!r.include) return;
    const { include: _i, matchOther, placeOther, mentions: _m, ...p } = r;
    people.push({ ...p, match: p.match === "other" ? matchOther || "(none given)" : p.match, place: p.place === "other" ? placeOther || "(none given)" : p.place, count: p.kind === "group" ? p.count : null });
    rowOf.push(i);
  });
  return { input: { source: s.source, people, ...(s.note.trim() ? { note: s.note } : {}) }, rowOf };
}

/** A use-case problem's field → the form field it belongs to. */
function formField(field: string, rowOf: number[]): string {
  const m = /^people\[(\d+)\]\.?(.*)$/.exec(field);
  if (!m) {
    const s = /^source\.(\w+)/.exec(field);
    return s ? `s_${s[1]!}` : "_form";
  }
  const row = rowOf[Number(m[1])] ?? 0;
  const rest = m[2] ?? "";
  const at = (k: string) => `p${row}_${k}`;
  if (/^nameEn/.test(rest)) return at("nameEn");
  if (/^nameFa/.test(rest)) return at("nameFa");
  if (/^count/.test(rest)) return at("count");
  if (/confidentiality$/.test(rest)) return at("confidentiality");
  if (/confidence$/.test(rest)) return at("confidence");
  if (/citations/.test(rest)) return at("quote");
  if (rest === "act.date") return at("date");
  if (rest === "act.term") return at("actType");
  if (rest.startsWith("act.value.charges")) return at("charges");
  if (rest.startsWith("act.value.victim_status")) return at("victimStatus");
  if (rest === "act.placeId" || rest === "place") return at("place");
  if (["match", "kind", "newPlaceName", "newPlaceKind"].includes(rest)) return at(rest);
  return at("nameEn");
}

type Vocab = Map<string, Term[]>;
const options = (v: Vocab, name: string, lang: "en" | "fa") => (v.get(name) ?? []).filter((x) => !x.retired).map((x) => ({ value: x.code, label: lang === "fa" ? x.labelFa : x.labelEn }));

function DateHint({ env, text }: { env: PageEnv; text: string }) {
  if (!text.trim()) return null;
  try {
    return <span class="hint">{env.t("monitor.confirm.reads", { date: dateBoth(env.lang, parseDate(text)) })}</span>;
  } catch {
    return null;
  }
}

/** "a, b and c" as each language writes it (Persian: «الف، ب و ج», without a comma before و). */
const listOf = (lang: "en" | "fa", xs: string[]): string => (lang === "fa" ? (xs.length > 1 ? `${xs.slice(0, -1).join("، ")} و ${xs[xs.length - 1]!}` : (xs[0] ?? "")) : new Intl.ListFormat("en", { style: "long", type: "conjunction" }).format(xs));

/** A probability as a percentage; one that rounds to 100% is shown as "above 99%" (a suggestion is never certain). */
const probabilityText = (t: PageEnv["t"], lang: "en" | "fa", p: number): string => (p > 0.99 ? t("monitor.confirm.matchAbove", { p: pct(lang, 0.99) }) : t("monitor.confirm.matchExisting", { p: pct(lang, p) }));

/** Why a suggestion got its probability: the fields that agree, differ, or say little. */
function MatchWhy({ env, fields }: { env: PageEnv; fields: MatchSuggestion["fields"] }) {
  const { t, lang } = env;
  const groups = (["agrees", "disagrees", "neutral"] as const).map((a) => ({ a, names: fields.filter((f) => f.agreement === a).map((f) => t(`monitor.match.field.${f.field}`)) })).filter((g) => g.names.length > 0);
  if (!groups.length) return null;
  return (
    <span class="match-why">
      {groups.map((g, k) => (
        <>
          {k > 0 && " · "}
          <span class={`match-${g.a}`}>{t(`monitor.confirm.${g.a}`, { fields: listOf(lang, g.names) })}</span>
        </>
      ))}
    </span>
  );
}

/** What extraction read by the name besides it (father's name, age), which the suggestions compare. */
function ArticleFacts({ env, person }: { env: PageEnv; person: DraftPerson }) {
  const { t, lang } = env;
  const facts = [...(person.father ? [t("monitor.confirm.fact.father", { name: person.father })] : []), ...(person.age ? [t("monitor.confirm.fact.age", { age: num(lang, person.age) })] : [])];
  if (!facts.length) return null;
  return <span class="hint">{t("monitor.confirm.facts", { facts: listOf(lang, facts) })}</span>;
}

function ConfirmForm({ env, item, view, state, errors, vocab }: { env: PageEnv; item: TriageItem; view: TriageView; state: FormState; errors?: FieldErrors | undefined; vocab: Vocab }) {
  const { t, lang } = env;
  const conf = ["public", "staff", "restricted"].map((c) => ({ value: c, label: t(`workspace.conf.${c}`) }));
  const confidence = ["confirmed", "probable", "possible", "disputed"].map((c) => ({ value: c, label: t(`workspace.confidence.${c}`) }));
  const s = state.source;
  return (
    <form method="post" action={`/workspace/monitor/items/${item.id}/confirm`} class="confirm-form" novalidate>
      <Csrf env={env} />
      <input type="hidden" name="rows" value={String(state.rows.length)} />
      <ErrorSummary env={env} errors={errors} />
      <fieldset>
        <legend>{t("monitor.confirm.source")}</legend>
        <div class="grid two">
          <TextField name="s_title" label={t("monitor.confirm.titleEn")} value={s.title} errors={errors} />
          <TextField name="s_titleFa" label={t("monitor.confirm.titleFa")} value={s.titleFa} errors={errors} dir="rtl" lang="fa" />
        </div>
        <TextField name="s_url" label={t("monitor.confirm.url")} value={s.url} errors={errors} type="url" dir="ltr" />
        <div class="grid three">
          <TextField name="s_lang" label={t("monitor.confirm.lang")} value={s.lang} errors={errors} dir="ltr" />
          <Field name="s_published" label={t("monitor.confirm.published")} hint={t("monitor.confirm.dateHint")} errors={errors}>
            {(a) => (
              <>
                <input {...a} type="text" value={s.published} dir="auto" />
                <DateHint env={env} text={s.published} />
              </>
            )}
          </Field>
          <SelectField name="s_reliability" label={t("monitor.confirm.reliability")} value={s.reliability} options={options(vocab, "source_reliability", lang)} blank={t("monitor.confirm.unknown")} errors={errors} />
        </div>
        <SelectField name="s_confidentiality" label={t("monitor.confirm.confidentiality")} value={s.confidentiality} options={conf} errors={errors} />
      </fieldset>
      {state.rows.map((r, i) => {
        const p = (k: string) => `p${i}_${k}`;
        const draftIndex = i < view.draft.people.length ? i : -1;
        const matches = draftIndex >= 0 ? (view.matches[draftIndex] ?? []) : [];
        const places = draftIndex >= 0 ? (view.places[draftIndex] ?? []) : [];
        const extra = draftIndex < 0;
        const legend = extra ? t("monitor.confirm.extra") : t(r.kind === "group" ? "monitor.confirm.group" : "monitor.confirm.person", { n: num(lang, i + 1) });
        const matchErr = errors?.[p("match")];
        const chargeErr = errors?.[p("charges")];
        return (
          <fieldset class={`person${r.include ? " included" : ""}`}>
            <legend>{legend}</legend>
            <label class="choice include">
              <input type="checkbox" name={p("include")} value="1" checked={r.include} /> {t("monitor.confirm.include")}
            </label>
            {r.mentions.length > 0 && (
              <p class="muted">
                {t("monitor.confirm.mentions", { text: "" })}
                {r.mentions.map((m, k) => (
                  <>
                    {k > 0 && " · "}
                    <bdi>{m.text.replace(/^[\s\p{P}]+|[\s\p{P}]+$/gu, "")}</bdi>
                  </>
                ))}
              </p>
            )}
            <input type="hidden" name={p("kind")} value={r.kind} />
            <fieldset class={`match${matchErr ? " invalid" : ""}`}>
              <legend>{t("monitor.confirm.match")}</legend>
              <span class="hint">{t("monitor.confirm.matchHint")}</span>
              {draftIndex >= 0 && <ArticleFacts env={env} person={view.draft.people[draftIndex]!} />}
              <label class="choice">
                <input type="radio" name={p("match")} value="new" checked={r.match === "new"} /> {t("monitor.confirm.matchNew")}
              </label>
              {matches.map((m) => (
                <label class="choice">
                  <input type="radio" name={p("match")} value={m.id} checked={r.match === m.id} />{" "}
                  <a href={`/workspace/records/${m.id}`} target="_blank" rel="noopener">
                    <bdi>{(lang === "fa" ? m.labelFa || m.label : m.label || m.labelFa) || m.id}</bdi>
                  </a>{" "}
                  <span class="muted ltr-value">{m.id}</span> — <strong class="match-probability">{probabilityText(t, lang, m.probability)}</strong>
                  <MatchWhy env={env} fields={m.fields} />
                </label>
              ))}
              {r.kind === "individual" && matches.length === 0 && !extra && <p class="muted">{t("monitor.confirm.noMatches")}</p>}
              <label class="choice">
                <input type="radio" name={p("match")} value="other" checked={r.match === "other" || (r.match !== "new" && !matches.some((m) => m.id === r.match))} /> {t("monitor.confirm.matchOther")}
              </label>
              <label class="visually-hidden" for={`f-${p("matchOther")}`}>
                {t("monitor.confirm.matchOtherId")}
              </label>
              <input type="text" id={`f-${p("matchOther")}`} name={p("matchOther")} value={r.match !== "new" && r.match !== "other" && !matches.some((m) => m.id === r.match) ? r.match : r.matchOther} dir="ltr" placeholder="per_…" />
              {matchErr && <span class="error-text">{matchErr.join(" ")}</span>}
            </fieldset>
            <div class="grid two">
              <TextField name={p("nameEn")} label={t("monitor.confirm.nameEn")} value={r.nameEn} errors={errors} dir="ltr" />
              <TextField name={p("nameFa")} label={t("monitor.confirm.nameFa")} value={r.nameFa} errors={errors} dir="rtl" lang="fa" />
            </div>
            {r.kind === "group" && <TextField name={p("count")} label={t("monitor.confirm.count")} value={r.count === null || Number.isNaN(r.count) ? "" : String(r.count)} errors={errors} inputmode="numeric" />}
            <div class="grid three">
              <SelectField name={p("actType")} label={t("monitor.confirm.act")} value={r.actType} options={options(vocab, "act_type", lang)} blank={t("monitor.confirm.noAct")} errors={errors} />
              <Field name={p("date")} label={t("monitor.confirm.date")} hint={t("monitor.confirm.dateHint")} errors={errors}>
                {(a) => (
                  <>
                    <input {...a} type="text" value={r.date} dir="auto" />
                    <DateHint env={env} text={r.date} />
                  </>
                )}
              </Field>
              <SelectField name={p("victimStatus")} label={t("monitor.confirm.victimStatus")} value={r.victimStatus} options={options(vocab, "victim_status", lang)} blank={t("monitor.confirm.unknown")} errors={errors} />
            </div>
            <div class="grid three">
              <SelectField
                name={p("place")}
                label={t("monitor.confirm.place")}
                value={r.place !== "" && r.place !== "new" && !places.some((x) => x.id === r.place) ? "other" : r.place}
                options={[
                  { value: "new", label: t("monitor.confirm.placeNew") },
                  ...places.map((x) => ({ value: x.id, label: `${(lang === "fa" ? x.labelFa || x.label : x.label || x.labelFa) || x.id} (${x.id})` })),
                  { value: "other", label: t("monitor.confirm.placeOther") },
                ]}
                blank={t("monitor.confirm.placeNone")}
                errors={errors}
              />
              <TextField name={p("newPlaceName")} label={t("monitor.confirm.newPlaceName")} value={r.newPlaceName} errors={errors} />
              <SelectField name={p("newPlaceKind")} label={t("monitor.confirm.newPlaceKind")} value={r.newPlaceKind} options={options(vocab, "place_type", lang)} errors={errors} />
            </div>
            <TextField name={p("placeOther")} label={t("monitor.confirm.placeOtherId")} value={r.place !== "" && r.place !== "new" && r.place !== "other" && !places.some((x) => x.id === r.place) ? r.place : r.placeOther} errors={errors} dir="ltr" />
            <fieldset class={`charges${chargeErr ? " invalid" : ""}`}>
              <legend>{t("monitor.confirm.charges")}</legend>
              {options(vocab, "charge", lang).map((c) => (
                <label class="choice">
                  <input type="checkbox" name={p("charges")} value={c.value} checked={r.charges.includes(c.value)} /> {c.label}
                </label>
              ))}
              {chargeErr && <span class="error-text">{chargeErr.join(" ")}</span>}
            </fieldset>
            <TextArea name={p("quote")} label={t("monitor.confirm.quote")} value={r.quote} errors={errors} rows={2} />
            <div class="grid two">
              <SelectField name={p("confidence")} label={t("monitor.confirm.confidence")} value={r.confidence} options={confidence} errors={errors} />
              <SelectField name={p("confidentiality")} label={t("monitor.confirm.claimConfidentiality")} value={r.confidentiality} options={conf} errors={errors} />
            </div>
          </fieldset>
        );
      })}
      <TextField name="note" label={t("monitor.confirm.note")} value={state.note} errors={errors} />
      <p>
        <button type="submit">{t("monitor.confirm.submit")}</button>
      </p>
    </form>
  );
}

async function itemPage(req: FastifyRequest, reply: FastifyReply, opts: { state?: FormState; errors?: FieldErrors; dismissErrors?: FieldErrors; dismissReason?: string; status?: number } = {}) {
  const env = await pageEnv(req, reply);
  const { ctx } = await authenticate(req);
  const { t, lang } = env;
  const id = (req.params as { id: string }).id;
  const view = await triageView(ctx, id);
  const item = view.item;
  const source = await getSource(ctx, item.sourceId).catch(() => undefined);
  const triage = mayTriage(ctx) && item.status === "new";
  const vocab = triage ? await listVocabularies(ctx) : new Map<string, Term[]>();
  const madeIds = [...(item.decision?.sourceId ? [item.decision.sourceId] : []), ...(item.decision?.recordIds ?? [])];
  const made = await relatedLabels(ctx, madeIds);
  const titleSpans = spansOf(item.reasons, "title", t);
  const textSpans = spansOf(item.reasons, "text", t);
  return sendPage(
    reply,
    <MonitorLayout env={env} title={item.title || t("monitor.item.title")} sub="triage" notice={done(req, env)}>
      <p class="muted">
        <a href="/workspace/monitor/">{t("monitor.triage.title")}</a>
      </p>
      <h1 dir="auto">
        <Highlighted text={item.title || t("monitor.item.title")} spans={item.title ? titleSpans : []} />
      </h1>
      <p class="meta">
        {item.labels.map((l) => (
          <>
            <LabelBadge t={t} label={l} />{" "}
          </>
        ))}
        {source && t("monitor.triage.from", { source: source.title ?? source.url })} · {item.published ? t("monitor.triage.published", { at: when(lang, item.published) }) : null} · {t("monitor.triage.fetched", { at: when(lang, item.fetchedAt) })} · {t("monitor.item.language", { lang: item.lang })} · {t("monitor.item.status", { status: t(`monitor.triage.status.${item.status}`) })}
      </p>
      {item.url && (
        <p>
          <a href={item.url} rel="noopener noreferrer nofollow" target="_blank" class="ltr-value" dir="ltr">
            {t("monitor.item.original")}: {item.url}
          </a>
        </p>
      )}
      {item.status !== "new" && (
        <section class="panel decision">
          <p>{t("monitor.item.reviewed", { status: t(`monitor.triage.status.${item.status}`), who: item.reviewedBy ?? "—", at: when(lang, item.reviewedAt) })}</p>
          {item.decision?.reason && <p>{t("monitor.item.dismissReason", { reason: item.decision.reason })}</p>}
          {item.status === "confirmed" && (
            <>
              <h2>{t("monitor.item.made")}</h2>
              <ul class="plain">
                {[...made.values()].map((r) => (
                  <li>
                    <a href={`/workspace/records/${r.id}`}>
                      <bdi>{(lang === "fa" ? r.labelFa || r.label : r.label || r.labelFa) || r.id}</bdi>
                    </a>{" "}
                    <span class="muted">({t(`workspace.type.${r.type}`)})</span>
                  </li>
                ))}
              </ul>
              {item.decision?.captureId && <p>{t("monitor.item.capture", { id: item.decision.captureId })}</p>}
              {item.decision?.captureNote && <p class="muted">{t("monitor.item.captureNote", { note: item.decision.captureNote })}</p>}
            </>
          )}
          {item.status === "dismissed" && can(ctx.actor, "monitor.triage") && (
            <form method="post" action={`/workspace/monitor/items/${item.id}/reopen`} class="inline">
              <Csrf env={env} />
              <button type="submit" class="secondary">
                {t("monitor.item.reopen")}
              </button>
            </form>
          )}
        </section>
      )}
      <section>
        <h2>{t("monitor.item.labels")}</h2>
        <ReasonList env={env} reasons={item.reasons} />
      </section>
      <section>
        <h2>{t("monitor.item.text")}</h2>
        <p class="muted small">{t("monitor.item.legend")}</p>
        <div class="item-text" dir="auto" lang={item.lang === "fa" || item.lang === "en" ? item.lang : undefined}>
          <Highlighted text={item.text} spans={textSpans} />
        </div>
      </section>
      <section>
        <h2>{t("monitor.item.entities")}</h2>
        <EntityTable env={env} entities={item.entities} />
      </section>
      {item.status === "new" && !triage && <p class="notice">{t("monitor.item.viewOnly")}</p>}
      {triage && (
        <>
          <section id="confirm">
            <h2>{t("monitor.confirm.title")}</h2>
            <p>{t("monitor.confirm.intro")}</p>
            <ConfirmForm env={env} item={item} view={view} state={opts.state ?? stateFromDraft(view)} errors={opts.errors} vocab={vocab} />
          </section>
          <section id="dismiss" class="panel">
            <h2>{t("monitor.dismiss.title")}</h2>
            <form method="post" action={`/workspace/monitor/items/${item.id}/dismiss`}>
              <Csrf env={env} />
              <TextArea name="reason" label={t("monitor.dismiss.reason")} hint={t("monitor.dismiss.hint")} value={opts.dismissReason ?? ""} errors={opts.dismissErrors} rows={2} />
              <button type="submit" class="secondary">
                {t("monitor.dismiss.submit")}
              </button>
            </form>
          </section>
        </>
      )}
    </MonitorLayout>,
    opts.status ?? 200,
  );
}

/** The triage queue, the item page and its confirm and dismiss forms. */
export async function triagePages(app: FastifyInstance): Promise<void> {
  app.get("/workspace/monitor/", async (req, reply) => {
    const env = await pageEnv(req, reply);
    const { ctx } = await authenticate(req);
    authorize(ctx.actor, "monitor.read");
    const { t, lang } = env;
    const q = req.query as Record<string, string | undefined>;
    const status = (STATUSES as readonly string[]).includes(q.status ?? "") ? (q.status as (typeof STATUSES)[number]) : "new";
    const label = LABELS.includes(q.label as Label) ? (q.label as Label) : undefined;
    const before = q.before && /^\d{4}-\d{2}-\d{2}T[\d:.]+Z$/.test(q.before) ? q.before : undefined;
    const sourceId = q.source && /^msrc_[a-z0-9]+$/.test(q.source) ? q.source : undefined;
    const [counts, items, sources] = await Promise.all([triageCounts(ctx), listTriage(ctx, { status, ...(label ? { label } : {}), ...(sourceId ? { sourceId } : {}), ...(before ? { before } : {}), limit: 50 }), listSources(ctx)]);
    const sourceName = new Map(sources.map((s) => [s.id, s.title ?? s.url]));
    const last = items[items.length - 1];
    return sendPage(
      reply,
      <MonitorLayout env={env} title={t("monitor.triage.title")} sub="triage" notice={done(req, env)}>
        <h1>{t("monitor.triage.title")}</h1>
        <p>{t("monitor.triage.intro")}</p>
        <p class="notice">
          {t("monitor.triage.waiting", { n: counts.waiting })}{" "}
          {LABELS.filter((l) => counts.byLabel[l]).map((l) => (
            <>
              <a href={`/workspace/monitor/?label=${l}`}>
                <LabelBadge t={t} label={l} /> {num(lang, counts.byLabel[l] ?? 0)}
              </a>{" "}
            </>
          ))}
        </p>
        <form method="get" action="/workspace/monitor/" class="row filters">
          <SelectField name="status" label={t("monitor.triage.filter")} value={status} options={STATUSES.map((s) => ({ value: s, label: t(`monitor.triage.status.${s}`) }))} />
          <SelectField name="label" label={t("monitor.item.labels")} value={label ?? ""} options={LABELS.map((l) => ({ value: l, label: t(`monitor.label.${l}`) }))} blank={t("monitor.triage.anyLabel")} />
          {sourceId && <input type="hidden" name="source" value={sourceId} />}
          <button type="submit" class="secondary">
            {t("workspace.find")}
          </button>
        </form>
        {items.length === 0 ? (
          <p class="muted">{t("monitor.triage.empty")}</p>
        ) : (
          <ol class="triage plain">
            {items.map((it) => (
              <li class="panel">
                <h2 class="h3" dir="auto">
                  <a href={`/workspace/monitor/items/${it.id}`}>{it.title || it.text.slice(0, 120)}</a>
                </h2>
                <p class="meta">
                  {it.labels.map((l) => (
                    <>
                      <LabelBadge t={t} label={l} />{" "}
                    </>
                  ))}
                  <span class="muted">
                    {t("monitor.triage.score", { p: pct(lang, topScore(it.reasons)) })} · {t("monitor.triage.from", { source: sourceName.get(it.sourceId) ?? it.sourceId })} · {t("monitor.triage.fetched", { at: when(lang, it.fetchedAt) })}
                    {it.status !== "new" ? ` · ${t(`monitor.triage.status.${it.status}`)}` : ""}
                  </span>
                </p>
                <p class="snippet" dir="auto">
                  <Highlighted text={it.text.slice(0, 400)} spans={spansOf(it.reasons, "text", t).filter((s) => s.end <= 400)} />
                  {it.text.length > 400 ? "…" : ""}
                </p>
              </li>
            ))}
          </ol>
        )}
        {last && items.length === 50 && (
          <p>
            <a href={`/workspace/monitor/?status=${status}${label ? `&label=${label}` : ""}${sourceId ? `&source=${sourceId}` : ""}&before=${encodeURIComponent(last.fetchedAt)}`}>{t("monitor.triage.older")}</a>
          </p>
        )}
      </MonitorLayout>,
    );
  });

  app.get("/workspace/monitor/items/:id", async (req, reply) => itemPage(req, reply));

  app.post("/workspace/monitor/items/:id/confirm", async (req, reply) => {
    const { ctx } = await authenticate(req);
    authorize(ctx.actor, "monitor.triage");
    const id = (req.params as { id: string }).id;
    const state = stateFromBody(req.body);
    const { input, rowOf } = inputFromState(state);
    try {
      await confirmItem(ctx, id, input);
    } catch (e) {
      if (e instanceof VigilError && (e.code === "validation" || e.code === "date_parse" || e.code === "unknown_term")) {
        const problems: FieldProblem[] = e.problems.length ? e.problems : [{ field: e.where?.field ?? "_form", message: e.message }];
        return itemPage(req, reply, { state, errors: errorsByField(problems, (f) => formField(f, rowOf)), status: 400 });
      }
      throw e;
    }
    return reply.redirect(`/workspace/monitor/items/${id}?done=confirmed`, 303);
  });

  app.post("/workspace/monitor/items/:id/dismiss", async (req, reply) => {
    const { ctx } = await authenticate(req);
    authorize(ctx.actor, "monitor.triage");
    const id = (req.params as { id: string }).id;
    const reason = str(req.body, "reason");
    try {
      await dismissItem(ctx, id, reason);
    } catch (e) {
      if (e instanceof VigilError && e.code === "validation") return itemPage(req, reply, { dismissErrors: { reason: [e.message] }, dismissReason: reason, status: 400 });
      throw e;
    }
    return reply.redirect(`/workspace/monitor/?done=dismissed`, 303);
  });

  app.post("/workspace/monitor/items/:id/reopen", async (req, reply) => {
    const { ctx } = await authenticate(req);
    authorize(ctx.actor, "monitor.triage");
    const id = (req.params as { id: string }).id;
    await reopenItem(ctx, id);
    return reply.redirect(`/workspace/monitor/items/${id}?done=reopened`, 303);
  });
}
