import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { authorize, can } from "../../accounts/index.ts";
import { parseDate } from "../../core/dates.ts";
import { VigilError } from "../../core/errors.ts";
import { relatedLabels } from "../../records/index.ts";
import { authenticate, Csrf, ErrorSummary, errorsByField, pageEnv, SelectField, sendPage, str, TextArea, TextField, type FieldErrors, type PageEnv } from "../../workspace/index.ts";
import { createWatch, getWatch, listWatches, recordStep, updateWatch, type WatchSummary } from "../store-alerts.ts";
import { WATCH_STEP_KINDS, type WatchSourceRef, type WatchStepKind } from "../watchlist.ts";
import { provinceName, provinceOptions } from "./provinces.ts";
import { DateBoth, MonitorLayout, when } from "./ui.tsx";

const RISK_BADGE: Record<WatchSummary["risk"], string> = { imminent: "restricted", high: "restricted", elevated: "staff", ended: "draft", unknown: "draft" };

function notice(req: FastifyRequest, env: PageEnv) {
  const q = req.query as Record<string, string | undefined>;
  if (q.done === "added") return { kind: "ok" as const, text: env.t("monitor.watch.added") };
  if (q.done === "saved") return { kind: "ok" as const, text: env.t("monitor.watch.saved") };
  if (q.done === "step") return { kind: "ok" as const, text: env.t("monitor.watch.stepDone", { n: Number(q.n) || 0 }) };
  return undefined;
}

interface WatchForm {
  names: string;
  personId: string;
  province: string;
}
const watchFormOf = (body: unknown): WatchForm => ({ names: str(body, "names"), personId: str(body, "personId").trim(), province: str(body, "province") });
const watchInput = (f: WatchForm) => ({ names: f.names.split(/\r?\n/), ...(f.personId ? { personId: f.personId } : {}), ...(f.province ? { province: f.province } : {}) });

function WatchFields({ env, values, errors }: { env: PageEnv; values: WatchForm; errors?: FieldErrors | undefined }) {
  const { t, lang } = env;
  return (
    <>
      <TextArea name="names" label={t("monitor.watch.names")} hint={t("monitor.watch.namesHint")} value={values.names} errors={errors} rows={3} />
      <div class="grid two">
        <SelectField name="province" label={t("monitor.watch.province")} value={values.province} options={provinceOptions(lang)} blank={t("monitor.watch.noProvince")} errors={errors} />
        <TextField name="personId" label={t("monitor.watch.personId")} value={values.personId} errors={errors} dir="ltr" />
      </div>
    </>
  );
}

interface StepForm {
  kind: string;
  date: string;
  url: string;
  org: string;
  title: string;
  note: string;
}
const stepFormOf = (body: unknown): StepForm => ({ kind: str(body, "kind"), date: str(body, "date"), url: str(body, "url").trim(), org: str(body, "org").trim(), title: str(body, "title").trim(), note: str(body, "note").trim() });

async function listPage(req: FastifyRequest, reply: FastifyReply, opts: { values?: WatchForm; errors?: FieldErrors; status?: number } = {}) {
  const env = await pageEnv(req, reply);
  const { ctx } = await authenticate(req);
  const { t, lang } = env;
  const watches = await listWatches(ctx);
  return sendPage(
    reply,
    <MonitorLayout env={env} title={t("monitor.watch.title")} sub="watchlist" notice={notice(req, env)}>
      <h1>{t("monitor.watch.title")}</h1>
      <p>{t("monitor.watch.intro")}</p>
      {watches.length === 0 ? (
        <p class="muted">{t("monitor.watch.empty")}</p>
      ) : (
        <table>
          <thead>
            <tr>
              <th scope="col">{t("monitor.watch.name")}</th>
              <th scope="col">{t("monitor.watch.status")}</th>
              <th scope="col">{t("monitor.watch.since")}</th>
              <th scope="col">{t("monitor.watch.risk")}</th>
              <th scope="col">{t("monitor.watch.province")}</th>
            </tr>
          </thead>
          <tbody>
            {watches.map((w) => (
              <tr>
                <td>
                  <a href={`/workspace/monitor/watchlist/${w.id}`}>
                    <bdi>{w.names[0]}</bdi>
                  </a>
                  {w.names.slice(1).map((n) => (
                    <>
                      {" · "}
                      <bdi class="alt-name">{n}</bdi>
                    </>
                  ))}
                </td>
                <td>{w.status ? t(`monitor.step.${w.status}`) : <span class="muted">{t("monitor.watch.noStatus")}</span>}</td>
                <td>{w.statusStep ? <DateBoth env={env} date={w.statusStep.date} /> : "—"}</td>
                <td>
                  <span class={`badge ${RISK_BADGE[w.risk]}`}>{t(`monitor.watch.risk.${w.risk}`)}</span>
                </td>
                <td>{provinceName(w.province, lang) || "—"}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {can(ctx.actor, "monitor.watchlist") && (
        <section class="panel">
          <h2>{t("monitor.watch.add")}</h2>
          <form method="post" action="/workspace/monitor/watchlist">
            <Csrf env={env} />
            <ErrorSummary env={env} errors={opts.errors} />
            <WatchFields env={env} values={opts.values ?? { names: "", personId: "", province: "" }} errors={opts.errors} />
            <button type="submit">{t("monitor.watch.addSubmit")}</button>
          </form>
        </section>
      )}
    </MonitorLayout>,
    opts.status ?? 200,
  );
}

function SourceRef({ s }: { s: WatchSourceRef }) {
  const text = [s.org, s.title].filter(Boolean).join(" — ");
  return (
    <>
      {text && <bdi>{text}</bdi>} {s.url && (
        <a href={s.url} rel="noopener noreferrer nofollow" target="_blank" class="ltr-value" dir="ltr">
          {s.url}
        </a>
      )}
      {s.itemId && (
        <>
          {" "}
          <a href={`/workspace/monitor/items/${s.itemId}`}>{s.itemId}</a>
        </>
      )}
      {s.recordId && (
        <>
          {" "}
          <a href={`/workspace/records/${s.recordId}`}>{s.recordId}</a>
        </>
      )}
    </>
  );
}

async function watchPage(req: FastifyRequest, reply: FastifyReply, opts: { step?: StepForm; stepErrors?: FieldErrors; values?: WatchForm; errors?: FieldErrors; status?: number } = {}) {
  const env = await pageEnv(req, reply);
  const { ctx } = await authenticate(req);
  const { t, lang } = env;
  const w = await getWatch(ctx, (req.params as { id: string }).id);
  const manage = can(ctx.actor, "monitor.watchlist");
  const record = w.personId ? (await relatedLabels(ctx, [w.personId])).get(w.personId) : undefined;
  const executed = w.steps.find((s) => s.kind === "executed");
  const conflicting = (s: (typeof w.steps)[number]) => executed !== undefined && s !== executed && s.kind !== "note" && s.kind !== "executed" && (s.date.earliest ?? "") >= (executed.date.earliest ?? "");
  return sendPage(
    reply,
    <MonitorLayout env={env} title={w.names[0] ?? w.id} sub="watchlist" notice={notice(req, env)}>
      <p class="muted">
        <a href="/workspace/monitor/watchlist">{t("monitor.watch.title")}</a>
      </p>
      <h1>
        <bdi>{w.names[0]}</bdi>
      </h1>
      {w.names.length > 1 && (
        <p>
          {w.names.slice(1).map((n) => (
            <>
              <bdi class="alt-name">{n}</bdi>{" "}
            </>
          ))}
        </p>
      )}
      <p>
        {t("monitor.watch.status")}: <strong>{w.status ? t(`monitor.step.${w.status}`) : t("monitor.watch.noStatus")}</strong> {w.statusStep && <DateBoth env={env} date={w.statusStep.date} />} · {t("monitor.watch.risk")}: <span class={`badge ${RISK_BADGE[w.risk]}`}>{t(`monitor.watch.risk.${w.risk}`)}</span>
        {w.province ? ` · ${t("monitor.watch.province")}: ${provinceName(w.province, lang)}` : ""}
      </p>
      {w.personId && (
        <p>
          {t("monitor.watch.record")}:{" "}
          <a href={`/workspace/records/${w.personId}`}>
            <bdi>{record ? (lang === "fa" ? record.labelFa || record.label : record.label || record.labelFa) : w.personId}</bdi>
          </a>
        </p>
      )}
      <section>
        <h2>{t("monitor.watch.timeline")}</h2>
        {w.steps.length === 0 ? (
          <p class="muted">{t("monitor.watch.noSteps")}</p>
        ) : (
          <ol class="timeline">
            {w.steps.map((s) => (
              <li class={`step step-${s.kind}${conflicting(s) ? " conflict" : ""}`}>
                <p>
                  <strong>{t(`monitor.step.${s.kind}`)}</strong> — <DateBoth env={env} date={s.date} /> <span class="muted small">{t("monitor.watch.recordedBy", { at: when(lang, s.recordedAt) })}</span>
                </p>
                {conflicting(s) && <p class="notice error">{t("monitor.watch.conflict")}</p>}
                {s.note && <p dir="auto">{s.note}</p>}
                <p class="small">
                  {t("monitor.watch.sources")}:{" "}
                  {s.sources.map((src, i) => (
                    <>
                      {i > 0 && "; "}
                      <SourceRef s={src} />
                    </>
                  ))}
                </p>
              </li>
            ))}
          </ol>
        )}
      </section>
      {manage && (
        <>
          <section class="panel">
            <h2>{t("monitor.watch.addStep")}</h2>
            <form method="post" action={`/workspace/monitor/watchlist/${w.id}/steps`}>
              <Csrf env={env} />
              <ErrorSummary env={env} errors={opts.stepErrors} />
              <div class="grid two">
                <SelectField name="kind" label={t("monitor.watch.stepKind")} value={opts.step?.kind ?? ""} options={WATCH_STEP_KINDS.map((k) => ({ value: k, label: t(`monitor.step.${k}`) }))} blank="—" errors={opts.stepErrors} />
                <TextField name="date" label={t("monitor.watch.stepDate")} hint={t("monitor.confirm.dateHint")} value={opts.step?.date ?? ""} errors={opts.stepErrors} />
              </div>
              <p class="hint">{t("monitor.watch.sourceHint")}</p>
              <TextField name="url" label={t("monitor.watch.sourceUrl")} value={opts.step?.url ?? ""} errors={opts.stepErrors} type="url" dir="ltr" />
              <div class="grid two">
                <TextField name="org" label={t("monitor.watch.sourceOrg")} value={opts.step?.org ?? ""} errors={opts.stepErrors} />
                <TextField name="title" label={t("monitor.watch.sourceTitle")} value={opts.step?.title ?? ""} errors={opts.stepErrors} />
              </div>
              <TextArea name="note" label={t("monitor.watch.stepNote")} value={opts.step?.note ?? ""} errors={opts.stepErrors} rows={2} />
              <button type="submit">{t("monitor.watch.stepSubmit")}</button>
            </form>
          </section>
          <section class="panel">
            <h2>{t("monitor.watch.edit")}</h2>
            <form method="post" action={`/workspace/monitor/watchlist/${w.id}`}>
              <Csrf env={env} />
              <ErrorSummary env={env} errors={opts.errors} />
              <WatchFields env={env} values={opts.values ?? { names: w.names.join("\n"), personId: w.personId ?? "", province: w.province ?? "" }} errors={opts.errors} />
              <button type="submit">{t("workspace.save")}</button>
            </form>
          </section>
        </>
      )}
    </MonitorLayout>,
    opts.status ?? 200,
  );
}

const problemsOf = (e: VigilError) => errorsByField(e.problems.length ? e.problems : [{ field: e.where?.field ?? "_form", message: e.message }], (f) => f.replace(/^sources.*/, "url"));

/** The watchlist, each person's timeline with its sources, and the forms to add people and steps. */
export async function watchlistPages(app: FastifyInstance): Promise<void> {
  app.get("/workspace/monitor/watchlist", async (req, reply) => {
    authorize((await authenticate(req)).actor, "monitor.read");
    return listPage(req, reply);
  });
  app.post("/workspace/monitor/watchlist", async (req, reply) => {
    const { ctx } = await authenticate(req);
    authorize(ctx.actor, "monitor.watchlist");
    const values = watchFormOf(req.body);
    try {
      const w = await createWatch(ctx, watchInput(values));
      return reply.redirect(`/workspace/monitor/watchlist/${w.id}?done=added`, 303);
    } catch (e) {
      if (e instanceof VigilError && e.code === "validation") return listPage(req, reply, { values, errors: problemsOf(e), status: 400 });
      throw e;
    }
  });
  app.get("/workspace/monitor/watchlist/:id", async (req, reply) => {
    authorize((await authenticate(req)).actor, "monitor.read");
    return watchPage(req, reply);
  });
  app.post("/workspace/monitor/watchlist/:id", async (req, reply) => {
    const { ctx } = await authenticate(req);
    authorize(ctx.actor, "monitor.watchlist");
    const id = (req.params as { id: string }).id;
    const values = watchFormOf(req.body);
    try {
      await updateWatch(ctx, id, watchInput(values));
      return reply.redirect(`/workspace/monitor/watchlist/${id}?done=saved`, 303);
    } catch (e) {
      if (e instanceof VigilError && e.code === "validation") return watchPage(req, reply, { values, errors: problemsOf(e), status: 400 });
      throw e;
    }
  });
  app.post("/workspace/monitor/watchlist/:id/steps", async (req, reply) => {
    const { ctx } = await authenticate(req);
    authorize(ctx.actor, "monitor.watchlist");
    const id = (req.params as { id: string }).id;
    const step = stepFormOf(req.body);
    try {
      let date;
      try {
        date = parseDate(step.date, { field: "date" });
      } catch (e) {
        throw new VigilError("validation", e instanceof Error ? e.message : String(e), { where: { field: "date" } });
      }
      const source: WatchSourceRef = { ...(step.url ? { url: step.url } : {}), ...(step.org ? { org: step.org } : {}), ...(step.title ? { title: step.title } : {}) };
      const r = await recordStep(ctx, id, { kind: step.kind as WatchStepKind, date, sources: Object.keys(source).length ? [source] : [], ...(step.note ? { note: step.note } : {}) });
      return reply.redirect(`/workspace/monitor/watchlist/${id}?done=step&n=${r.deliveries}`, 303);
    } catch (e) {
      if (e instanceof VigilError && (e.code === "validation" || e.code === "date_parse")) return watchPage(req, reply, { step, stepErrors: problemsOf(e), status: 400 });
      throw e;
    }
  });
}
