import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { can } from "../accounts/index.ts";
import { VigilError } from "../core/errors.ts";
import {
  countRecords,
  diffSnapshots,
  getRecord,
  listRecords,
  mergePeople,
  mergesOf,
  recordHistory,
  relatedLabels,
  restoreVersion,
  searchRecords,
  termLabels,
  undoMerge,
  PROPERTIES,
  RECORD_TYPES,
  type RecordType,
} from "../records/index.ts";
import { dateBoth, digits, num } from "../web/index.ts";
import { authenticate } from "./http.ts";
import { messages } from "./messages.ts";
import { listProposals } from "./proposals.ts";
import { renderRecordPanels } from "./record-panels.tsx";
import { ClaimCard, RecordBadges, RecordLink, recordLabel } from "./record-view.tsx";
import { Csrf, ErrorSummary, pageEnv, sendPage, StaffLayout, str, TextField, type FieldErrors, type PageEnv } from "./ui.tsx";

messages({
  "workspace.dash.title": ["Dashboard", "پیشخوان"],
  "workspace.dash.welcome": ["Welcome, {name}.", "خوش آمدید، {name}."],
  "workspace.dash.counts": ["Records you can see", "رکوردهایی که می‌بینید"],
  "workspace.dash.recent": ["Recently changed", "تغییرات اخیر"],
  "workspace.dash.review": ["{n, plural, =0 {No proposals wait for review.} one {One proposal waits for review.} other {# proposals wait for review.}}", "{n, plural, =0 {پیشنهادی در انتظار بازبینی نیست.} one {یک پیشنهاد در انتظار بازبینی است.} other {# پیشنهاد در انتظار بازبینی است.}}"],
  "workspace.dash.mine": ["{n, plural, =0 {You have no pending proposals.} one {You have one pending proposal.} other {You have # pending proposals.}}", "{n, plural, =0 {پیشنهاد در انتظاری ندارید.} one {یک پیشنهاد در انتظار دارید.} other {# پیشنهاد در انتظار دارید.}}"],
  "workspace.dash.enrolled": ["Your second factor is set up. Welcome.", "عامل دوم شما تنظیم شد. خوش آمدید."],
  "workspace.new": ["New {type}", "{type} تازه"],
  "workspace.list.title": ["{type}: {n, number}", "{type}: {n, number}"],
  "workspace.list.empty": ["Nothing here yet.", "هنوز چیزی اینجا نیست."],
  "workspace.list.updated": ["updated", "به‌روزشده"],
  "workspace.search.title": ["Search", "جستجو"],
  "workspace.search.q": ["Name, in Persian or Latin letters, or words from a source", "نام، به فارسی یا لاتین، یا واژه‌هایی از یک منبع"],
  "workspace.search.type": ["Only", "فقط"],
  "workspace.search.all": ["all kinds", "همه انواع"],
  "workspace.search.go": ["Search", "جستجو"],
  "workspace.search.none": ["No record matches “{q}”.", "هیچ رکوردی با «{q}» جور نیست."],
  "workspace.search.results": ["{n, plural, one {One result} other {# results}}", "{n, plural, one {یک نتیجه} other {# نتیجه}}"],
  "workspace.record.edit": ["Edit record", "ویرایش رکورد"],
  "workspace.record.addClaim": ["Add a fact with its source", "افزودن یک واقعیت با منبعش"],
  "workspace.record.history": ["History", "تاریخچه"],
  "workspace.record.merge": ["Merge with another person", "ادغام با فرد دیگر"],
  "workspace.record.claims": ["Facts (claims)", "واقعیت‌ها (ادعاها)"],
  "workspace.record.noClaims": ["No facts recorded yet.", "هنوز واقعیتی ثبت نشده است."],
  "workspace.record.hidden": ["{n, plural, one {One fact is} other {# facts are}} restricted and hidden from you.", "{n, plural, one {یک واقعیت} other {# واقعیت}} محرمانه است و از شما پنهان است."],
  "workspace.record.mergedFrom": ["Also known by merged records: {ids}", "رکوردهای ادغام‌شده در این: {ids}"],
  "workspace.record.text": ["Text of the source", "متن منبع"],
  "workspace.record.fields": ["Record", "رکورد"],
  "workspace.record.kind": ["Kind", "نوع"],
  "workspace.record.date": ["Date", "تاریخ"],
  "workspace.record.url": ["Address (URL)", "نشانی (URL)"],
  "workspace.record.parent": ["Part of", "بخشی از"],
  "workspace.record.place": ["Place", "مکان"],
  "workspace.record.id": ["Id", "شناسه"],
  "workspace.record.version": ["Version", "نسخه"],
  "workspace.record.merges": ["Merges", "ادغام‌ها"],
  "workspace.claim.edit": ["edit", "ویرایش"],
  "workspace.claim.retract": ["retract", "پس گرفتن"],
  "workspace.saved": ["Saved.", "ذخیره شد."],
  "workspace.proposed": ["Your change was sent for review. An editor will approve or reject it.", "تغییر شما برای بازبینی فرستاده شد. ویراستاری آن را می‌پذیرد یا رد می‌کند."],
  "workspace.history.title": ["History of {label}", "تاریخچه {label}"],
  "workspace.history.none": ["No history.", "تاریخچه‌ای نیست."],
  "workspace.history.action": ["{action} by {who} on {at}", "{action} توسط {who} در {at}"],
  "workspace.history.field": ["Field", "فیلد"],
  "workspace.history.before": ["Before", "پیش"],
  "workspace.history.after": ["After", "پس"],
  "workspace.history.restore": ["Restore this version", "بازگرداندن این نسخه"],
  "workspace.history.redacted": ["(restricted: hidden from you)", "(محرمانه: از شما پنهان)"],
  "workspace.history.claim": ["fact", "واقعیت"],
  "workspace.history.record": ["record", "رکورد"],
  "workspace.history.restored": ["Restored. The restore is itself a new version: nothing was lost.", "بازگردانده شد. بازگرداندن خودش نسخه‌ای تازه است: چیزی از دست نرفت."],
  "workspace.history.reasonHint": ["Why restore?", "چرا بازگردانده می‌شود؟"],
  "workspace.merge.title": ["Merge into {label}", "ادغام در {label}"],
  "workspace.merge.intro": ["The other person's facts move to this record, and their id keeps leading here. A merge can be undone.", "واقعیت‌های فرد دیگر به این رکورد منتقل می‌شوند و شناسه‌اش به اینجا می‌رسد. ادغام برگشت‌پذیر است."],
  "workspace.merge.other": ["Id of the other person (the one merged away)", "شناسه فرد دیگر (کسی که ادغام می‌شود)"],
  "workspace.merge.find": ["Find the other person by name", "فرد دیگر را با نام پیدا کنید"],
  "workspace.merge.submit": ["Merge", "ادغام"],
  "workspace.merge.done": ["Merged. You can undo it below.", "ادغام شد. می‌توانید در پایین آن را برگردانید."],
  "workspace.merge.undo": ["Undo this merge", "برگرداندن این ادغام"],
  "workspace.merge.undone": ["The merge was undone.", "ادغام برگردانده شد."],
  "workspace.merge.line": ["{merged} merged into {survivor} on {at}", "{merged} در {survivor} ادغام شد، {at}"],
  "workspace.merge.undoneAt": ["undone {at}", "برگردانده در {at}"],
  "workspace.picker.pick": ["Choose", "انتخاب"],
  "workspace.picker.none": ["Nothing found.", "چیزی پیدا نشد."],
});

const TYPE_PATH: Record<string, RecordType> = { person: "person", event: "event", place: "place", organisation: "organisation", source: "source", post: "post" };

const DONE: Record<string, string> = { saved: "workspace.saved", proposed: "workspace.proposed", restored: "workspace.history.restored", merged: "workspace.merge.done", unmerged: "workspace.merge.undone", enrolled: "workspace.dash.enrolled" };

export function doneNotice(req: FastifyRequest, env: PageEnv): { kind: "ok"; text: string } | undefined {
  const d = (req.query as Record<string, string | undefined>).done;
  return d && DONE[d] ? { kind: "ok", text: env.t(DONE[d]) } : undefined;
}

/** Search results as choices for a form field (works without JavaScript: the form is sent back with the choices). */
export function PickerResults({ env, field, results }: { env: PageEnv; field: string; results: { id: string; label: string; type: string }[] | undefined }) {
  if (!results) return null;
  if (!results.length) return <p class="muted">{env.t("workspace.picker.none")}</p>;
  return (
    <fieldset class="picker-results">
      <legend>{env.t("workspace.picker.pick")}</legend>
      {results.map((r, i) => (
        <label class="choice">
          <input type="radio" name={`pick_${field}`} value={r.id} checked={i === 0} /> <bdi>{r.label}</bdi> <span class="muted">({env.t(`workspace.type.${r.type}`)})</span>
        </label>
      ))}
    </fieldset>
  );
}

/** Finds records by name for a picker, labelled in the reader's language. */
export async function pickerSearch(req: FastifyRequest, q: string, types: readonly RecordType[]): Promise<{ id: string; label: string; type: string }[]> {
  const auth = await authenticate(req);
  if (!q.trim()) return [];
  const hits = await searchRecords(auth.ctx, q, { types, limit: 10, includeText: types.includes("source") });
  const labels = await relatedLabels(auth.ctx, hits.map((h) => h.id));
  return hits.filter((h) => labels.has(h.id)).map((h) => ({ id: h.id, type: h.type, label: recordLabel(labels.get(h.id)!, auth.lang) }));
}

/** A record id chosen in a picker, or typed. */
export function picked(body: unknown, field: string): string {
  return (str(body, `pick_${field}`) || str(body, field)).trim();
}

export async function recordPages(app: FastifyInstance): Promise<void> {
  app.get("/", async (req, reply) => {
    const env = await pageEnv(req, reply);
    const { ctx } = await authenticate(req);
    const counts = await countRecords(ctx);
    const recent = await Promise.all((["person", "event", "source"] as const).map(async (type) => ({ type, items: (await listRecords(ctx, { type, limit: 5 })).items })));
    const canReview = can(ctx.actor, "proposal.review");
    const pending = canReview || can(ctx.actor, "record.propose") ? (await listProposals(ctx, { status: "pending", mine: !canReview, limit: 1000 })).length : undefined;
    const { t, lang } = env;
    return sendPage(
      reply,
      <StaffLayout env={env} title={t("workspace.dash.title")} section="dashboard" notice={doneNotice(req, env)}>
        <h1>{t("workspace.dash.title")}</h1>
        <p>{t("workspace.dash.welcome", { name: env.userName })}</p>
        {pending !== undefined && (
          <p class="notice">
            <a href="/workspace/review">{t(canReview ? "workspace.dash.review" : "workspace.dash.mine", { n: pending })}</a>
          </p>
        )}
        <h2>{t("workspace.dash.counts")}</h2>
        <ul class="tiles">
          {RECORD_TYPES.filter((ty) => ty !== "post").map((type) => (
            <li>
              <a href={`/workspace/list/${type}`}>
                <span class="tile-n">{num(lang, counts[type] ?? 0)}</span> <span>{t(`workspace.nav.${type === "person" ? "people" : `${type}s`}`)}</span>
              </a>
            </li>
          ))}
        </ul>
        {can(ctx.actor, "record.propose") && (
          <p class="row">
            {(["person", "event", "place", "organisation", "source"] as const).map((type) => (
              <a class="button secondary" href={`/workspace/new/${type}`}>
                {t("workspace.new", { type: t(`workspace.type.${type}`) })}
              </a>
            ))}
          </p>
        )}
        <h2>{t("workspace.dash.recent")}</h2>
        <div class="grid">
          {recent.map(({ type, items }) => (
            <section class="panel">
              <h3>{t(`workspace.nav.${type === "person" ? "people" : `${type}s`}`)}</h3>
              <ul class="plain">
                {items.map((r) => (
                  <li>
                    <a href={`/workspace/records/${r.id}`}>
                      <bdi>{recordLabel(r, lang)}</bdi>
                    </a>{" "}
                    {r.synthetic && <span class="badge synthetic">{t("workspace.synthetic")}</span>}
                  </li>
                ))}
              </ul>
            </section>
          ))}
        </div>
      </StaffLayout>,
    );
  });

  app.get("/list/:type", async (req, reply) => {
    const { type: typeParam } = req.params as { type: string };
    const type = TYPE_PATH[typeParam];
    if (!type) throw new VigilError("not_found", `no list of ${typeParam}`);
    const q = req.query as Record<string, string | undefined>;
    const env = await pageEnv(req, reply);
    const { ctx } = await authenticate(req);
    const page = await listRecords(ctx, { type, limit: 50, ...(q.after ? { after: q.after } : {}) });
    const { t, lang } = env;
    const section = type === "person" ? "people" : `${type}s`;
    return sendPage(
      reply,
      <StaffLayout env={env} title={t(`workspace.nav.${section}`)} section={section}>
        <div class="row spread">
          <h1>{t("workspace.list.title", { type: t(`workspace.nav.${section}`), n: page.total })}</h1>
          {can(ctx.actor, "record.propose") && (
            <a class="button" href={`/workspace/new/${type}`}>
              {t("workspace.new", { type: t(`workspace.type.${type}`) })}
            </a>
          )}
        </div>
        {page.items.length === 0 ? (
          <p>{t("workspace.list.empty")}</p>
        ) : (
          <table>
            <thead>
              <tr>
                <th scope="col">{t("workspace.record.fields")}</th>
                <th scope="col">{t("workspace.record.date")}</th>
                <th scope="col">{t("workspace.list.updated")}</th>
              </tr>
            </thead>
            <tbody>
              {page.items.map((r) => (
                <tr>
                  <td>
                    <a href={`/workspace/records/${r.id}`}>
                      <bdi>{recordLabel(r, lang)}</bdi>
                    </a>{" "}
                    <RecordBadges record={r} t={t} />
                  </td>
                  <td>{r.date ? dateBoth(lang, r.date) : ""}</td>
                  <td>{digits(lang, r.updatedAt.slice(0, 10))}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
        {page.next && (
          <p class="pagination">
            <a href={`/workspace/list/${type}?after=${encodeURIComponent(page.next)}`}>{t("workspace.next")}</a>
          </p>
        )}
      </StaffLayout>,
    );
  });

  app.get("/search", async (req, reply) => {
    const q = req.query as Record<string, string | undefined>;
    const text = (q.q ?? "").slice(0, 200);
    const type = q.type && TYPE_PATH[q.type] ? TYPE_PATH[q.type] : undefined;
    const env = await pageEnv(req, reply);
    const { ctx } = await authenticate(req);
    const hits = text.trim() ? await searchRecords(ctx, text, { ...(type ? { types: [type] } : {}), limit: 50, includeText: true }) : undefined;
    const labels = hits ? await relatedLabels(ctx, hits.map((h) => h.id)) : new Map();
    const { t, lang } = env;
    return sendPage(
      reply,
      <StaffLayout env={env} title={t("workspace.search.title")} section="search">
        <h1>{t("workspace.search.title")}</h1>
        <form method="get" action="/workspace/search" class="search-form" role="search">
          <label for="q" class="visually-hidden">
            {t("workspace.search.q")}
          </label>
          <input id="q" type="search" name="q" value={text} dir="auto" placeholder={t("workspace.search.q")} />
          <label for="type" class="visually-hidden">
            {t("workspace.search.type")}
          </label>
          <select id="type" name="type">
            <option value="">{t("workspace.search.all")}</option>
            {RECORD_TYPES.map((ty) => (
              <option value={ty} selected={ty === type}>
                {t(`workspace.type.${ty}`)}
              </option>
            ))}
          </select>
          <button type="submit">{t("workspace.search.go")}</button>
        </form>
        {hits && (hits.length === 0 ? <p>{t("workspace.search.none", { q: text })}</p> : <p>{t("workspace.search.results", { n: hits.length })}</p>)}
        {hits && hits.length > 0 && (
          <ul class="plain results">
            {hits
              .filter((h) => labels.has(h.id))
              .map((h) => (
                <li>
                  <RecordLink id={h.id} related={labels} lang={lang} /> <span class="badge type">{t(`workspace.type.${h.type}`)}</span>
                  {h.field === "text" && <p class="muted snippet">{h.matched}</p>}
                </li>
              ))}
          </ul>
        )}
      </StaffLayout>,
    );
  });

  app.get("/records/:id", async (req, reply) => {
    const { id } = req.params as { id: string };
    const env = await pageEnv(req, reply);
    const { ctx } = await authenticate(req);
    const view = await getRecord(ctx, id, { includeRetracted: true });
    if (view.record.id !== id) return reply.redirect(`/workspace/records/${view.record.id}`, 301);
    const term = await termLabels(ctx);
    const { t, lang } = env;
    const r = view.record;
    const canEdit = can(ctx.actor, "claim.update");
    const canPropose = can(ctx.actor, "record.propose");
    const merges = r.type === "person" ? await mergesOf(ctx, r.id) : [];
    const byProperty = new Map<string, typeof view.claims>();
    for (const c of view.claims) byProperty.set(c.property, [...(byProperty.get(c.property) ?? []), c]);
    const title = recordLabel(r, lang);
    const panels = await renderRecordPanels({ req, env, ctx, record: r });
    return sendPage(
      reply,
      <StaffLayout env={env} title={title} section={r.type === "person" ? "people" : `${r.type}s`} notice={doneNotice(req, env)}>
        <h1>
          <bdi>{title}</bdi>
        </h1>
        {r.label && r.labelFa && r.label !== r.labelFa && (
          <p class="alt-name">
            <bdi lang={lang === "fa" ? "en" : "fa"}>{lang === "fa" ? r.label : r.labelFa}</bdi>
          </p>
        )}
        <p>
          <RecordBadges record={r} t={t} />
        </p>
        {r.synthetic && <p class="notice synthetic">{t("workspace.synthetic")}</p>}
        <nav class="row actions" aria-label={t("workspace.record.fields")}>
          {canPropose && (
            <a class="button secondary" href={`/workspace/records/${r.id}/edit`}>
              {t("workspace.record.edit")}
            </a>
          )}
          {canPropose && r.type !== "source" && (
            <a class="button" href={`/workspace/records/${r.id}/claims/new`}>
              {t("workspace.record.addClaim")}
            </a>
          )}
          <a class="button secondary" href={`/workspace/records/${r.id}/history`}>
            {t("workspace.record.history")}
          </a>
          {r.type === "person" && can(ctx.actor, "person.merge") && (
            <a class="button secondary" href={`/workspace/records/${r.id}/merge`}>
              {t("workspace.record.merge")}
            </a>
          )}
        </nav>
        <dl class="facts panel">
          <dt>{t("workspace.record.id")}</dt>
          <dd class="ltr-value">{r.id}</dd>
          {r.kind && (
            <>
              <dt>{t("workspace.record.kind")}</dt>
              <dd>{r.type === "person" ? r.kind : term(kindVocabulary(r.type), r.kind, lang)}</dd>
            </>
          )}
          {r.date && (
            <>
              <dt>{t("workspace.record.date")}</dt>
              <dd>{dateBoth(lang, r.date)}</dd>
            </>
          )}
          {typeof r.data.url === "string" && r.data.url && (
            <>
              <dt>{t("workspace.record.url")}</dt>
              <dd class="ltr-value">{r.data.url}</dd>
            </>
          )}
          {r.parentId && (
            <>
              <dt>{t("workspace.record.parent")}</dt>
              <dd>
                <RecordLink id={r.parentId} related={view.related} lang={lang} />
              </dd>
            </>
          )}
          {r.placeId && (
            <>
              <dt>{t("workspace.record.place")}</dt>
              <dd>
                <RecordLink id={r.placeId} related={view.related} lang={lang} />
              </dd>
            </>
          )}
          <dt>{t("workspace.record.version")}</dt>
          <dd>{num(lang, r.version)}</dd>
        </dl>
        {view.mergedFrom.length > 0 && <p class="muted">{t("workspace.record.mergedFrom", { ids: view.mergedFrom.join(", ") })}</p>}
        {r.type !== "source" && <h2>{t("workspace.record.claims")}</h2>}
        {view.hiddenClaims > 0 && <p class="notice">{t("workspace.record.hidden", { n: view.hiddenClaims })}</p>}
        {r.type !== "source" && view.claims.length === 0 && <p>{t("workspace.record.noClaims")}</p>}
        {[...byProperty].map(([property, claims]) => (
          <section class="property" aria-labelledby={`p-${property}`}>
            <h3 id={`p-${property}`}>{PROPERTIES[property]?.label[lang] ?? property}</h3>
            <ul class="plain claims">
              {claims.map((c) => (
                <ClaimCard
                  claim={c}
                  lang={lang}
                  t={t}
                  term={term}
                  related={view.related}
                  actions={
                    canPropose && c.status === "active" ? (
                      <>
                        {" · "}
                        <a href={`/workspace/claims/${c.id}/edit`}>{t("workspace.claim.edit")}</a>
                      </>
                    ) : null
                  }
                />
              ))}
            </ul>
          </section>
        ))}
        {view.sourceText && (
          <section>
            <h2>{t("workspace.record.text")}</h2>
            <div class="source-text panel" dir="auto">
              {view.sourceText}
            </div>
          </section>
        )}
        {panels}
        {merges.length > 0 && (
          <section>
            <h2>{t("workspace.record.merges")}</h2>
            <ul class="plain">
              {merges.map((m) => (
                <li>
                  {t("workspace.merge.line", { merged: m.mergedId, survivor: m.survivorId, at: digits(lang, m.at.slice(0, 16).replace("T", " ")) })}
                  {m.undoneAt ? (
                    <span class="muted"> · {t("workspace.merge.undoneAt", { at: digits(lang, m.undoneAt.slice(0, 10)) })}</span>
                  ) : (
                    canEdit && (
                      <form method="post" action={`/workspace/merges/${m.id}/undo`} class="inline">
                        <Csrf env={env} />
                        <input type="hidden" name="back" value={r.id} />
                        <button type="submit" class="secondary small">
                          {t("workspace.merge.undo")}
                        </button>
                      </form>
                    )
                  )}
                </li>
              ))}
            </ul>
          </section>
        )}
      </StaffLayout>,
    );
  });

  app.get("/records/:id/history", async (req, reply) => {
    const { id } = req.params as { id: string };
    const env = await pageEnv(req, reply);
    const { ctx } = await authenticate(req);
    const view = await getRecord(ctx, id);
    const changes = await recordHistory(ctx, view.record.id);
    const { t, lang } = env;
    const canRestore = can(ctx.actor, "history.restore");
    const show = (v: unknown): string => (v === null || v === undefined ? "—" : typeof v === "string" ? v : JSON.stringify(v));
    return sendPage(
      reply,
      <StaffLayout env={env} title={t("workspace.history.title", { label: recordLabel(view.record, lang) })} notice={doneNotice(req, env)}>
        <p>
          <a href={`/workspace/records/${view.record.id}`}>← {recordLabel(view.record, lang)}</a>
        </p>
        <h1>{t("workspace.history.title", { label: recordLabel(view.record, lang) })}</h1>
        {changes.length === 0 && <p>{t("workspace.history.none")}</p>}
        <ol class="plain history">
          {changes.map((c) => {
            const redacted = Boolean((c.after as { redacted?: boolean } | null)?.redacted ?? (c.before as { redacted?: boolean } | null)?.redacted);
            const diff = redacted ? [] : diffSnapshots(c.before, c.after);
            return (
              <li class="panel change">
                <h2 class="h3">
                  {t(c.entityType === "claim" ? "workspace.history.claim" : "workspace.history.record")} · {t("workspace.history.action", { action: c.action, who: c.actor, at: digits(lang, c.at.slice(0, 19).replace("T", " ")) })} · v{num(lang, c.version)}
                </h2>
                {c.reason && (
                  <p>
                    <bdi>{c.reason}</bdi>
                  </p>
                )}
                {redacted ? (
                  <p class="muted">{t("workspace.history.redacted")}</p>
                ) : (
                  diff.length > 0 && (
                    <table class="diff">
                      <thead>
                        <tr>
                          <th scope="col">{t("workspace.history.field")}</th>
                          <th scope="col">{t("workspace.history.before")}</th>
                          <th scope="col">{t("workspace.history.after")}</th>
                        </tr>
                      </thead>
                      <tbody>
                        {diff.map((d) => (
                          <tr>
                            <th scope="row">{d.field}</th>
                            <td class="del">
                              <bdi>{show(d.before)}</bdi>
                            </td>
                            <td class="ins">
                              <bdi>{show(d.after)}</bdi>
                            </td>
                          </tr>
                        ))}
                      </tbody>
                    </table>
                  )
                )}
                {canRestore && !redacted && c.after && (c.action === "update" || c.action === "create" || c.action === "restore") && (
                  <form method="post" action="/workspace/history/restore" class="row">
                    <Csrf env={env} />
                    <input type="hidden" name="entityId" value={c.entityId} />
                    <input type="hidden" name="version" value={String(c.version)} />
                    <input type="hidden" name="recordId" value={view.record.id} />
                    <label class="visually-hidden" for={`reason-${c.seq}`}>
                      {t("workspace.history.reasonHint")}
                    </label>
                    <input id={`reason-${c.seq}`} type="text" name="reason" dir="auto" placeholder={t("workspace.history.reasonHint")} />
                    <button type="submit" class="secondary">
                      {t("workspace.history.restore")}
                    </button>
                  </form>
                )}
              </li>
            );
          })}
        </ol>
      </StaffLayout>,
    );
  });

  app.post("/history/restore", async (req, reply) => {
    const { ctx } = await authenticate(req);
    if (!can(ctx.actor, "history.restore")) throw new VigilError("forbidden", "not permitted: history.restore");
    const version = Number(str(req.body, "version"));
    if (!Number.isInteger(version) || version < 1) throw new VigilError("validation", "version must be a whole number", { where: { field: "version" } });
    const entityId = str(req.body, "entityId");
    await restoreVersion(ctx, entityId, version, str(req.body, "reason").trim() || `restored version ${version}`);
    const recordId = str(req.body, "recordId");
    return reply.redirect(`/workspace/records/${encodeURIComponent(/^[a-z]{3}_[A-Za-z0-9_-]+$/.test(recordId) ? recordId : entityId)}/history?done=restored`, 303);
  });

  const mergePage = async (req: FastifyRequest, reply: FastifyReply, values: Record<string, string>, errors?: FieldErrors, results?: { id: string; label: string; type: string }[]): Promise<FastifyReply> => {
    const { id } = req.params as { id: string };
    const env = await pageEnv(req, reply);
    const { ctx } = await authenticate(req);
    if (!can(ctx.actor, "person.merge")) throw new VigilError("forbidden", "not permitted: person.merge");
    const view = await getRecord(ctx, id);
    if (view.record.type !== "person") throw new VigilError("validation", "only people are merged");
    const { t, lang } = env;
    const label = recordLabel(view.record, lang);
    return sendPage(
      reply,
      <StaffLayout env={env} title={t("workspace.merge.title", { label })}>
        <p>
          <a href={`/workspace/records/${view.record.id}`}>← {label}</a>
        </p>
        <h1>{t("workspace.merge.title", { label })}</h1>
        <p>{t("workspace.merge.intro")}</p>
        <ErrorSummary env={env} errors={errors} />
        <form method="post" action={`/workspace/records/${view.record.id}/merge`} class="panel">
          <Csrf env={env} />
          <div class="picker" data-picker="person">
            <TextField name="otherQ" label={t("workspace.merge.find")} value={values.otherQ} type="search" />
            <button type="submit" name="find" value="other" class="secondary">
              {t("workspace.find")}
            </button>
            <PickerResults env={env} field="otherId" results={results} />
            <TextField name="otherId" label={t("workspace.merge.other")} value={values.otherId} errors={errors} dir="ltr" />
          </div>
          <TextField name="reason" label={t("workspace.reason")} value={values.reason} errors={errors} required />
          <button type="submit">{t("workspace.merge.submit")}</button>
        </form>
      </StaffLayout>,
      errors ? 400 : 200,
    );
  };

  app.get("/records/:id/merge", async (req, reply) => mergePage(req, reply, {}));
  app.post("/records/:id/merge", async (req, reply) => {
    const { id } = req.params as { id: string };
    const body = req.body;
    if (!can((await authenticate(req)).actor, "person.merge")) throw new VigilError("forbidden", "not permitted: person.merge");
    const values = { otherQ: str(body, "otherQ"), otherId: picked(body, "otherId"), reason: str(body, "reason") };
    if (str(body, "find")) return mergePage(req, reply, values, undefined, await pickerSearch(req, values.otherQ, ["person"]));
    const { ctx } = await authenticate(req);
    const errors: FieldErrors = {};
    if (!values.otherId) errors.otherId = ["choose the other person"];
    if (!values.reason.trim()) errors.reason = ["say why these are the same person"];
    if (Object.keys(errors).length) return mergePage(req, reply, values, errors);
    try {
      await mergePeople(ctx, id, values.otherId, values.reason);
    } catch (e) {
      if (e instanceof VigilError && (e.code === "validation" || e.code === "not_found" || e.code === "conflict")) return mergePage(req, reply, values, { otherId: [e.message] });
      throw e;
    }
    return reply.redirect(`/workspace/records/${encodeURIComponent(id)}?done=merged`, 303);
  });

  app.post("/merges/:id/undo", async (req, reply) => {
    const { id } = req.params as { id: string };
    const { ctx } = await authenticate(req);
    const r = await undoMerge(ctx, id, str(req.body, "reason") || "merge undone from the workspace");
    return reply.redirect(`/workspace/records/${r.survivor.id}?done=unmerged`, 303);
  });
}

function kindVocabulary(type: RecordType): string {
  return { person: "", organisation: "organisation_type", place: "place_type", event: "event_type", source: "source_type", post: "post_role" }[type];
}
