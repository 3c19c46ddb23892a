import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { authorize, can } from "../../accounts/index.ts";
import { VigilError } from "../../core/errors.ts";
import { num } from "../../web/index.ts";
import { authenticate, Csrf, ErrorSummary, errorsByField, pageEnv, SelectField, sendPage, str, TextField, type FieldErrors, type PageEnv } from "../../workspace/index.ts";
import type { SourceState } from "../poller.ts";
import { addSource, getSource, listSources, pollSourceNow, updateSource } from "../sources.ts";
import { MonitorLayout, when } from "./ui.tsx";

const DONE: Record<string, string> = { added: "monitor.sources.added", saved: "monitor.sources.saved", queued: "monitor.sources.queued" };
const done = (req: FastifyRequest, env: PageEnv) => {
  const d = (req.query as Record<string, string | undefined>).done;
  return d && DONE[d] ? { kind: "ok" as const, text: env.t(DONE[d]) } : undefined;
};

function State({ env, s }: { env: PageEnv; s: SourceState }) {
  const { t } = env;
  if (!s.enabled) return <span class="badge draft">{t("monitor.sources.paused")}</span>;
  if (s.consecutiveFailures > 0) return <span class="badge restricted">{t("monitor.sources.failing", { n: s.consecutiveFailures })}</span>;
  return <span class="badge public">{t("monitor.sources.ok")}</span>;
}

interface SourceForm {
  url: string;
  kind: string;
  title: string;
  interval: string;
}

function SourceFields({ env, values, errors }: { env: PageEnv; values: SourceForm; errors?: FieldErrors | undefined }) {
  const { t } = env;
  return (
    <>
      <TextField name="url" label={t("monitor.sources.url")} value={values.url} errors={errors} type="url" dir="ltr" required />
      <div class="grid three">
        <SelectField name="kind" label={t("monitor.sources.kind")} value={values.kind} options={["feed", "page"].map((k) => ({ value: k, label: t(`monitor.sources.kind.${k}`) }))} errors={errors} />
        <TextField name="title" label={t("monitor.sources.sourceTitle")} value={values.title} errors={errors} />
        <TextField name="interval" label={t("monitor.sources.interval")} value={values.interval} errors={errors} inputmode="numeric" />
      </div>
    </>
  );
}

const formOf = (body: unknown): SourceForm => ({ url: str(body, "url").trim(), kind: str(body, "kind") || "feed", title: str(body, "title"), interval: str(body, "interval").trim() || "30" });

function intervalOf(text: string): number {
  return /^\d{1,6}$/.test(text) ? Number(text) : Number.NaN;
}

async function listPage(req: FastifyRequest, reply: FastifyReply, opts: { values?: SourceForm; errors?: FieldErrors; status?: number } = {}) {
  const env = await pageEnv(req, reply);
  const { ctx } = await authenticate(req);
  const { t, lang } = env;
  const sources = await listSources(ctx);
  const manage = can(ctx.actor, "monitor.sources");
  return sendPage(
    reply,
    <MonitorLayout env={env} title={t("monitor.sources.title")} sub="sources" notice={done(req, env)}>
      <h1>{t("monitor.sources.title")}</h1>
      <p>{t("monitor.sources.intro")}</p>
      {sources.length === 0 ? (
        <p class="muted">{t("monitor.sources.empty")}</p>
      ) : (
        <table>
          <thead>
            <tr>
              <th scope="col">{t("monitor.sources.source")}</th>
              <th scope="col">{t("monitor.sources.kind")}</th>
              <th scope="col">{t("monitor.sources.lastPoll")}</th>
              <th scope="col">{t("monitor.sources.nextPoll")}</th>
              <th scope="col">{t("monitor.sources.state")}</th>
            </tr>
          </thead>
          <tbody>
            {sources.map((s) => (
              <tr>
                <td>
                  <a href={`/workspace/monitor/sources/${s.id}`}>
                    <bdi>{s.title ?? s.url}</bdi>
                  </a>
                  <br />
                  <span class="muted small ltr-value" dir="ltr">
                    {s.url}
                  </span>
                </td>
                <td>
                  {t(`monitor.sources.kind.${s.kind}`)}, {t("monitor.sources.every", { n: s.intervalMinutes })}
                </td>
                <td>{s.lastPolledAt ? when(lang, s.lastPolledAt) : t("monitor.sources.never")}</td>
                <td>{s.enabled ? when(lang, s.nextPollAt) : "—"}</td>
                <td>
                  <State env={env} s={s} />
                  {s.lastFailure && (
                    <>
                      <br />
                      <span class="small">
                        {s.lastFailure.kind}: {s.lastFailure.message}
                      </span>
                    </>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {manage && (
        <section class="panel">
          <h2>{t("monitor.sources.add")}</h2>
          <form method="post" action="/workspace/monitor/sources">
            <Csrf env={env} />
            <ErrorSummary env={env} errors={opts.errors} />
            <SourceFields env={env} values={opts.values ?? { url: "", kind: "feed", title: "", interval: "30" }} errors={opts.errors} />
            <button type="submit">{t("monitor.sources.addSubmit")}</button>
          </form>
        </section>
      )}
    </MonitorLayout>,
    opts.status ?? 200,
  );
}

async function sourcePage(req: FastifyRequest, reply: FastifyReply, opts: { values?: SourceForm; errors?: FieldErrors; status?: number } = {}) {
  const env = await pageEnv(req, reply);
  const { ctx } = await authenticate(req);
  const { t, lang } = env;
  const s = await getSource(ctx, (req.params as { id: string }).id);
  const manage = can(ctx.actor, "monitor.sources");
  return sendPage(
    reply,
    <MonitorLayout env={env} title={s.title ?? s.url} sub="sources" notice={done(req, env)}>
      <p class="muted">
        <a href="/workspace/monitor/sources">{t("monitor.sources.title")}</a>
      </p>
      <h1>
        <bdi>{s.title ?? s.url}</bdi>
      </h1>
      <p class="ltr-value" dir="ltr">
        {s.url}
      </p>
      <p>
        <State env={env} s={s} /> {t(`monitor.sources.kind.${s.kind}`)}, {t("monitor.sources.every", { n: s.intervalMinutes })} · {t("monitor.sources.lastPoll")}: {s.lastPolledAt ? when(lang, s.lastPolledAt) : t("monitor.sources.never")} · {t("monitor.sources.nextPoll")}: {s.enabled ? when(lang, s.nextPollAt) : "—"}
      </p>
      <p>
        {t("monitor.sources.items", { n: s.items, l: s.labelled })} — <a href={`/workspace/monitor/?status=all&source=${s.id}`}>{t("monitor.sources.itemsLink")}</a>
      </p>
      {manage && (
        <p class="row">
          <form method="post" action={`/workspace/monitor/sources/${s.id}/state`} class="inline">
            <Csrf env={env} />
            <input type="hidden" name="enabled" value={s.enabled ? "0" : "1"} />
            <button type="submit" class="secondary">
              {s.enabled ? t("monitor.sources.pause") : t("monitor.sources.resume")}
            </button>
          </form>
          {s.enabled && (
            <form method="post" action={`/workspace/monitor/sources/${s.id}/poll`} class="inline">
              <Csrf env={env} />
              <button type="submit" class="secondary">
                {t("monitor.sources.pollNow")}
              </button>
            </form>
          )}
        </p>
      )}
      {s.lastWarnings && s.lastWarnings.length > 0 && (
        <section>
          <h2>{t("monitor.sources.warnings")}</h2>
          <ul>
            {s.lastWarnings.slice(0, 20).map((w) => (
              <li dir="auto">{w}</li>
            ))}
          </ul>
        </section>
      )}
      <section>
        <h2>{t("monitor.sources.failures")}</h2>
        {s.failures.length === 0 ? (
          <p class="muted">{t("monitor.sources.noFailures")}</p>
        ) : (
          <ul>
            {s.failures.map((f) => (
              <li>
                {t("monitor.sources.failure", { kind: f.httpStatus ? `${f.kind} ${num(lang, f.httpStatus)}` : f.kind, at: when(lang, f.at), message: f.message })}
              </li>
            ))}
          </ul>
        )}
      </section>
      {manage && (
        <section class="panel">
          <h2>{t("monitor.sources.edit")}</h2>
          <form method="post" action={`/workspace/monitor/sources/${s.id}`}>
            <Csrf env={env} />
            <ErrorSummary env={env} errors={opts.errors} />
            <SourceFields env={env} values={opts.values ?? { url: s.url, kind: s.kind, title: s.title ?? "", interval: String(s.intervalMinutes) }} errors={opts.errors} />
            <button type="submit">{t("workspace.save")}</button>
          </form>
        </section>
      )}
    </MonitorLayout>,
    opts.status ?? 200,
  );
}

const problemsOf = (e: VigilError) => errorsByField(e.problems.length ? e.problems : [{ field: e.where?.field ?? "_form", message: e.message }]);

/** Watched sources: the list with their state, a form to add one, and each source's page with its failures. */
export async function sourcePages(app: FastifyInstance): Promise<void> {
  app.get("/workspace/monitor/sources", async (req, reply) => {
    authorize((await authenticate(req)).actor, "monitor.read");
    return listPage(req, reply);
  });
  app.post("/workspace/monitor/sources", async (req, reply) => {
    const { ctx } = await authenticate(req);
    authorize(ctx.actor, "monitor.sources");
    const values = formOf(req.body);
    try {
      const s = await addSource(ctx, { url: values.url, kind: values.kind === "page" ? "page" : "feed", intervalMinutes: intervalOf(values.interval), ...(values.title.trim() ? { title: values.title } : {}) });
      return reply.redirect(`/workspace/monitor/sources/${s.id}?done=added`, 303);
    } catch (e) {
      if (e instanceof VigilError && (e.code === "validation" || e.code === "conflict")) return listPage(req, reply, { values, errors: problemsOf(e), status: e.status });
      throw e;
    }
  });
  app.get("/workspace/monitor/sources/:id", async (req, reply) => {
    authorize((await authenticate(req)).actor, "monitor.read");
    return sourcePage(req, reply);
  });
  app.post("/workspace/monitor/sources/:id", async (req, reply) => {
    const { ctx } = await authenticate(req);
    authorize(ctx.actor, "monitor.sources");
    const id = (req.params as { id: string }).id;
    const values = formOf(req.body);
    try {
      await updateSource(ctx, id, { url: values.url, kind: values.kind === "page" ? "page" : "feed", intervalMinutes: intervalOf(values.interval), title: values.title.trim() || null });
      return reply.redirect(`/workspace/monitor/sources/${id}?done=saved`, 303);
    } catch (e) {
      if (e instanceof VigilError && (e.code === "validation" || e.code === "conflict")) return sourcePage(req, reply, { values, errors: problemsOf(e), status: e.status });
      throw e;
    }
  });
  app.post("/workspace/monitor/sources/:id/state", async (req, reply) => {
    const { ctx } = await authenticate(req);
    authorize(ctx.actor, "monitor.sources");
    const id = (req.params as { id: string }).id;
    await updateSource(ctx, id, { enabled: str(req.body, "enabled") === "1" });
    return reply.redirect(`/workspace/monitor/sources/${id}?done=saved`, 303);
  });
  app.post("/workspace/monitor/sources/:id/poll", async (req, reply) => {
    const { ctx } = await authenticate(req);
    authorize(ctx.actor, "monitor.sources");
    const id = (req.params as { id: string }).id;
    await pollSourceNow(ctx, id);
    return reply.redirect(`/workspace/monitor/sources/${id}?done=queued`, 303);
  });
}
