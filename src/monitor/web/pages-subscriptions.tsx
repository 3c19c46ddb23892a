import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { authorize } from "../../accounts/index.ts";
import { VigilError } from "../../core/errors.ts";
import { num } from "../../web/index.ts";
import { authenticate, Csrf, ErrorSummary, errorsByField, Field, pageEnv, SelectField, sendPage, str, strs, TextField, type FieldErrors, type PageEnv } from "../../workspace/index.ts";
import { TOPICS, type AlertEvent, type Topic } from "../alerts.ts";
import { monitorRuntime } from "../runtime.ts";
import { createSubscription, deleteSubscription, getSubscription, listDeliveries, listSubscriptions, listWatches, rotateWebhookSecret, updateSubscription, type SubscriptionView, type WatchSummary } from "../store-alerts.ts";
import { provinceName, provinceOptions } from "./provinces.ts";
import { MonitorLayout, when } from "./ui.tsx";

interface SubForm {
  name: string;
  channel: string;
  address: string;
  topics: string[];
  persons: string[];
  provinces: string[];
  mode: string;
  digestMinutes: string;
  lang: string;
  active: boolean;
}

const formOf = (body: unknown): SubForm => ({
  name: str(body, "name"),
  channel: str(body, "channel") || "email",
  address: str(body, "address").trim(),
  topics: strs(body, "topics"),
  persons: strs(body, "persons"),
  provinces: strs(body, "provinces"),
  mode: str(body, "mode") || "immediate",
  digestMinutes: str(body, "digestMinutes").trim(),
  lang: str(body, "lang") || "en",
  active: str(body, "active") === "1",
});

const viewForm = (s: SubscriptionView): SubForm => ({ name: s.name, channel: s.channel, address: s.address, topics: s.topics, persons: s.persons, provinces: s.provinces, mode: s.mode, digestMinutes: s.digestMinutes ? String(s.digestMinutes) : "", lang: s.lang, active: s.active });

function digestOf(text: string): number | undefined {
  if (!text) return undefined;
  return /^\d{1,6}$/.test(text) ? Number(text) : Number.NaN;
}

function Checks({ env, name, legend, options, checked, errors }: { env: PageEnv; name: string; legend: string; options: { value: string; label: string }[]; checked: readonly string[]; errors?: FieldErrors | undefined }) {
  const errs = errors?.[name];
  return (
    <fieldset class={`checks${errs ? " invalid" : ""}`} id={`f-${name}`}>
      <legend>{legend}</legend>
      {options.map((o) => (
        <label class="choice">
          <input type="checkbox" name={name} value={o.value} checked={checked.includes(o.value)} /> <bdi>{o.label}</bdi>
        </label>
      ))}
      {errs && <span class="error-text">{errs.join(" ")}</span>}
      {options.length === 0 && <span class="muted">{env.t("workspace.none")}</span>}
    </fieldset>
  );
}

function SubFields({ env, values, errors, watches, creating }: { env: PageEnv; values: SubForm; errors?: FieldErrors | undefined; watches: WatchSummary[]; creating: boolean }) {
  const { t, lang } = env;
  return (
    <>
      <div class="grid two">
        <TextField name="name" label={t("monitor.subs.name")} value={values.name} errors={errors} />
        {creating ? (
          <SelectField name="channel" label={t("monitor.subs.channel")} value={values.channel} options={["email", "webhook"].map((c) => ({ value: c, label: t(`monitor.subs.channel.${c}`) }))} errors={errors} />
        ) : (
          <p>
            {t("monitor.subs.channel")}: {t(`monitor.subs.channel.${values.channel}`)}
          </p>
        )}
      </div>
      <TextField name="address" label={t("monitor.subs.address")} value={values.address} errors={errors} dir="ltr" />
      <Checks env={env} name="topics" legend={t("monitor.subs.topics")} options={TOPICS.map((x) => ({ value: x, label: x === "watchlist" ? t("monitor.subs.topic.watchlist") : t(`monitor.label.${x}`) }))} checked={values.topics} errors={errors} />
      <Checks env={env} name="persons" legend={t("monitor.subs.persons")} options={watches.map((w) => ({ value: w.id, label: w.names.join(" · ") }))} checked={values.persons} errors={errors} />
      <Field name="provinces" label={t("monitor.subs.provinces")} errors={errors}>
        {(a) => (
          <select {...a} multiple size={6}>
            {provinceOptions(lang).map((o) => (
              <option value={o.value} selected={values.provinces.includes(o.value)}>
                {o.label}
              </option>
            ))}
          </select>
        )}
      </Field>
      <div class="grid three">
        <SelectField name="mode" label={t("monitor.subs.mode")} value={values.mode} options={["immediate", "digest"].map((m) => ({ value: m, label: t(`monitor.subs.mode.${m}`) }))} errors={errors} />
        <TextField name="digestMinutes" label={t("monitor.subs.digestMinutes")} value={values.digestMinutes} errors={errors} inputmode="numeric" />
        <SelectField name="lang" label={t("monitor.subs.lang")} value={values.lang} options={["en", "fa"].map((l) => ({ value: l, label: t(`monitor.subs.lang.${l}`) }))} errors={errors} />
      </div>
      <label class="choice">
        <input type="checkbox" name="active" value="1" checked={values.active} /> {t("monitor.subs.active")}
      </label>
    </>
  );
}

function SecretOnce({ env, secret }: { env: PageEnv; secret: string | undefined }) {
  if (!secret) return null;
  return (
    <div class="notice ok" role="status">
      <p>{env.t("monitor.subs.secretOnce")}</p>
      <p>
        <code class="secret ltr-value">{secret}</code>
      </p>
    </div>
  );
}

const problemsOf = (e: VigilError) => errorsByField(e.problems.length ? e.problems : [{ field: e.where?.field ?? "_form", message: e.message }], (f) => (f === "secret" ? "address" : f));

function describeEvent(env: PageEnv, e: AlertEvent): string {
  if (e.kind === "status_change") return `${e.names[0] ?? e.watchId}: ${env.t(`monitor.step.${e.to}`)}`;
  return `${e.labels.map((l) => env.t(`monitor.label.${l}`)).join(", ")} — ${e.title}`;
}

async function listPage(req: FastifyRequest, reply: FastifyReply, opts: { values?: SubForm; errors?: FieldErrors; secret?: string; status?: number } = {}) {
  const env = await pageEnv(req, reply);
  const { ctx } = await authenticate(req);
  const { t, lang } = env;
  const [subs, watches] = await Promise.all([listSubscriptions(ctx), listWatches(ctx)]);
  const watchName = new Map(watches.map((w) => [w.id, w.names[0] ?? w.id]));
  const q = req.query as Record<string, string | undefined>;
  return sendPage(
    reply,
    <MonitorLayout env={env} title={t("monitor.subs.title")} sub="subscriptions" notice={q.done === "deleted" ? { kind: "ok", text: t("monitor.subs.deleted") } : undefined}>
      <h1>{t("monitor.subs.title")}</h1>
      <p>{t("monitor.subs.intro")}</p>
      {!monitorRuntime().smtp && <p class="notice">{t("monitor.subs.noSmtp")}</p>}
      <SecretOnce env={env} secret={opts.secret} />
      {subs.length === 0 ? (
        <p class="muted">{t("monitor.subs.empty")}</p>
      ) : (
        <table>
          <thead>
            <tr>
              <th scope="col">{t("monitor.subs.name")}</th>
              <th scope="col">{t("monitor.subs.channel")}</th>
              <th scope="col">{t("monitor.subs.topics")}</th>
              <th scope="col">{t("monitor.subs.mode")}</th>
            </tr>
          </thead>
          <tbody>
            {subs.map((s) => (
              <tr>
                <td>
                  <a href={`/workspace/monitor/subscriptions/${s.id}`}>
                    <bdi>{s.name}</bdi>
                  </a>{" "}
                  {!s.active && <span class="badge draft">{t("monitor.subs.paused")}</span>}
                </td>
                <td>
                  {t(`monitor.subs.channel.${s.channel}`)}: <span class="ltr-value">{s.address}</span>
                </td>
                <td>
                  {[
                    ...s.topics.map((x: Topic) => (x === "watchlist" ? t("monitor.subs.topic.watchlist") : t(`monitor.label.${x}`))),
                    ...s.persons.map((p) => watchName.get(p) ?? p),
                    ...s.provinces.map((p) => provinceName(p, lang)),
                  ].join(lang === "fa" ? "، " : ", ")}
                </td>
                <td>
                  {t(`monitor.subs.mode.${s.mode}`)}
                  {s.mode === "digest" && s.digestMinutes ? ` (${num(lang, s.digestMinutes)})` : ""}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <section class="panel">
        <h2>{t("monitor.subs.add")}</h2>
        <form method="post" action="/workspace/monitor/subscriptions">
          <Csrf env={env} />
          <ErrorSummary env={env} errors={opts.errors} />
          <SubFields env={env} values={opts.values ?? { name: "", channel: "email", address: "", topics: [], persons: [], provinces: [], mode: "immediate", digestMinutes: "", lang: env.lang, active: true }} errors={opts.errors} watches={watches} creating />
          <button type="submit">{t("monitor.subs.addSubmit")}</button>
        </form>
      </section>
    </MonitorLayout>,
    opts.status ?? 200,
  );
}

async function subPage(req: FastifyRequest, reply: FastifyReply, opts: { values?: SubForm; errors?: FieldErrors; secret?: string; status?: number } = {}) {
  const env = await pageEnv(req, reply);
  const { ctx } = await authenticate(req);
  const { t, lang } = env;
  const id = (req.params as { id: string }).id;
  const [sub, deliveries, watches] = await Promise.all([getSubscription(ctx, id), listDeliveries(ctx, { subscriptionId: id, limit: 50 }), listWatches(ctx)]);
  const q = req.query as Record<string, string | undefined>;
  return sendPage(
    reply,
    <MonitorLayout env={env} title={sub.name} sub="subscriptions" notice={q.done === "saved" ? { kind: "ok", text: t("monitor.subs.saved") } : undefined}>
      <p class="muted">
        <a href="/workspace/monitor/subscriptions">{t("monitor.subs.title")}</a>
      </p>
      <h1>
        <bdi>{sub.name}</bdi>
      </h1>
      <SecretOnce env={env} secret={opts.secret} />
      <form method="post" action={`/workspace/monitor/subscriptions/${sub.id}`}>
        <Csrf env={env} />
        <ErrorSummary env={env} errors={opts.errors} />
        <SubFields env={env} values={opts.values ?? viewForm(sub)} errors={opts.errors} watches={watches} creating={false} />
        <button type="submit">{t("monitor.subs.save")}</button>
      </form>
      <section>
        <h2>{t("monitor.subs.deliveries")}</h2>
        {deliveries.length === 0 ? (
          <p class="muted">{t("monitor.subs.noDeliveries")}</p>
        ) : (
          <table>
            <thead>
              <tr>
                <th scope="col">{t("monitor.subs.event")}</th>
                <th scope="col">{t("monitor.watch.status")}</th>
                <th scope="col">{t("monitor.subs.due")}</th>
                <th scope="col">{t("monitor.subs.attempts")}</th>
                <th scope="col">{t("monitor.subs.lastError")}</th>
              </tr>
            </thead>
            <tbody>
              {deliveries.map((d) => (
                <tr>
                  <td dir="auto">{describeEvent(env, d.event)}</td>
                  <td>{t(`monitor.subs.delivery.${d.status}`)}</td>
                  <td>{when(lang, d.deliveredAt ?? d.dueAt)}</td>
                  <td>{num(lang, d.attempts)}</td>
                  <td class="small">{d.lastError ?? ""}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
      <section class="danger-zone row">
        {sub.channel === "webhook" && (
          <form method="post" action={`/workspace/monitor/subscriptions/${sub.id}/rotate`} class="inline">
            <Csrf env={env} />
            <button type="submit" class="secondary">
              {t("monitor.subs.rotate")}
            </button>
          </form>
        )}
        <form method="post" action={`/workspace/monitor/subscriptions/${sub.id}/delete`} class="inline">
          <Csrf env={env} />
          <button type="submit" class="danger">
            {t("monitor.subs.delete")}
          </button>
        </form>
      </section>
    </MonitorLayout>,
    opts.status ?? 200,
  );
}

/** Alert subscriptions: who is told of what, how and when; each with its recent deliveries. */
export async function subscriptionPages(app: FastifyInstance): Promise<void> {
  app.get("/workspace/monitor/subscriptions", async (req, reply) => {
    authorize((await authenticate(req)).actor, "monitor.subscriptions");
    return listPage(req, reply);
  });
  app.post("/workspace/monitor/subscriptions", async (req, reply) => {
    const { ctx } = await authenticate(req);
    authorize(ctx.actor, "monitor.subscriptions");
    const v = formOf(req.body);
    try {
      const digest = digestOf(v.digestMinutes);
      const r = await createSubscription(ctx, { name: v.name, channel: v.channel as "email" | "webhook", address: v.address, topics: v.topics as Topic[], persons: v.persons, provinces: v.provinces, mode: v.mode as "immediate" | "digest", ...(digest !== undefined ? { digestMinutes: digest } : {}), lang: v.lang as "en" | "fa", active: v.active });
      // The secret is shown once, on this very answer (never in a URL, never stored in the clear).
      return listPage(req, reply, { ...(r.secret ? { secret: r.secret } : {}), status: 201 });
    } catch (e) {
      if (e instanceof VigilError && e.code === "validation") return listPage(req, reply, { values: v, errors: problemsOf(e), status: 400 });
      throw e;
    }
  });
  app.get("/workspace/monitor/subscriptions/:id", async (req, reply) => {
    authorize((await authenticate(req)).actor, "monitor.subscriptions");
    return subPage(req, reply);
  });
  app.post("/workspace/monitor/subscriptions/:id", async (req, reply) => {
    const { ctx } = await authenticate(req);
    authorize(ctx.actor, "monitor.subscriptions");
    const id = (req.params as { id: string }).id;
    const v = formOf(req.body);
    try {
      const digest = digestOf(v.digestMinutes);
      await updateSubscription(ctx, id, { name: v.name, address: v.address, topics: v.topics as Topic[], persons: v.persons, provinces: v.provinces, mode: v.mode as "immediate" | "digest", ...(digest !== undefined ? { digestMinutes: digest } : {}), lang: v.lang as "en" | "fa", active: v.active });
      return reply.redirect(`/workspace/monitor/subscriptions/${id}?done=saved`, 303);
    } catch (e) {
      if (e instanceof VigilError && e.code === "validation") return subPage(req, reply, { values: v, errors: problemsOf(e), status: 400 });
      throw e;
    }
  });
  app.post("/workspace/monitor/subscriptions/:id/rotate", async (req, reply) => {
    const { ctx } = await authenticate(req);
    authorize(ctx.actor, "monitor.subscriptions");
    const { secret } = await rotateWebhookSecret(ctx, (req.params as { id: string }).id);
    return subPage(req, reply, { secret });
  });
  app.post("/workspace/monitor/subscriptions/:id/delete", async (req, reply) => {
    const { ctx } = await authenticate(req);
    authorize(ctx.actor, "monitor.subscriptions");
    await deleteSubscription(ctx, (req.params as { id: string }).id);
    return reply.redirect("/workspace/monitor/subscriptions?done=deleted", 303);
  });
}
