import { createReadStream } from "node:fs";
import { stat } from "node:fs/promises";
import { randomBytes } from "node:crypto";
import { join } from "node:path";
import type { FastifyReply, FastifyRequest } from "fastify";
import { can } from "../accounts/index.ts";
import { audit } from "../core/context.ts";
import { VigilError } from "../core/errors.ts";
import { termLabels } from "../records/index.ts";
import { authenticate, Csrf, ErrorSummary, errorsByField, pageEnv, registerWorkspaceSection, SelectField, sendPage, StaffLayout, str, TextField, withStaff, type FieldErrors, type PageEnv } from "../workspace/index.ts";
import { careerOf } from "./careers.ts";
import { buildDossier, DOSSIER_FILES } from "./dossier.ts";
import { staffLens } from "./lens.ts";
import { Loader } from "./loader.ts";
import { CareerBody, STYLESHEET } from "./pages.tsx";
import { PROFILES } from "./profiles.ts";
import { getDossier, listDossiers, profilesFor, type DossiersTable } from "./register.ts";
import { careerPageData } from "./routes.tsx";
import { makeShow } from "./show.ts";
import { openVaultFor } from "./vault-port.ts";

const BASE = "/workspace/accountability";

registerWorkspaceSection({ id: "accountability", href: `${BASE}/dossiers`, label: { en: "Accountability", fa: "پاسخ‌گویی" }, order: 250, visible: (actor) => can(actor, "accountability.read") });

const FILES: Record<string, { name: string; type: string }> = {
  pdf: { name: DOSSIER_FILES.pdf, type: "application/pdf" },
  records: { name: DOSSIER_FILES.records, type: "application/json" },
  bundle: { name: DOSSIER_FILES.bundle, type: "application/zip" },
};

function Register({ env, rows }: { env: PageEnv; rows: DossiersTable[] }) {
  const t = env.t;
  if (!rows.length) return <p class="muted">{t("acc.ws.none")}</p>;
  return (
    <table>
      <thead>
        <tr>
          <th>{t("acc.ws.builtAt")}</th>
          <th>{t("acc.ws.subject")}</th>
          <th>{t("acc.ws.profile")}</th>
          <th>{t("acc.ws.builtBy")}</th>
          <th>{t("acc.ws.checkpoint")}</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((r) => (
          <tr>
            <td>
              <a href={`${BASE}/dossiers/${r.id}`}>
                <bdi>{r.built_at}</bdi>
              </a>
            </td>
            <td>
              <bdi class="acc-ids">{r.subject_id}</bdi>
            </td>
            <td>{t(`acc.dossier.profile.${r.profile}`)}</td>
            <td>
              <bdi>{r.built_by}</bdi>
            </td>
            <td>
              <bdi class="acc-ids">{`${r.checkpoint_size} ${r.checkpoint_root}`}</bdi>
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function BuilderForm({ env, values, errors }: { env: PageEnv; values: Record<string, string>; errors?: FieldErrors }) {
  const t = env.t;
  const profiles = PROFILES.filter((p) => can(env.actor, `dossier.${p}`));
  if (!profiles.length) return <p class="muted">{t("acc.ws.noProfile")}</p>;
  return (
    <form method="post" action={`${BASE}/dossiers`} class="panel stack">
      <Csrf env={env} />
      <ErrorSummary env={env} errors={errors} />
      <SelectField name="kind" label={t("acc.ws.subjectKind")} value={values.kind ?? "person"} options={[{ value: "person", label: t("acc.ws.kind.person") }, { value: "event", label: t("acc.ws.kind.event") }]} errors={errors} />
      <TextField name="subject" label={t("acc.ws.subject")} value={values.subject} dir="ltr" required errors={errors} />
      <SelectField name="profile" label={t("acc.ws.profile")} value={values.profile ?? profiles[profiles.length - 1]} options={profiles.map((p) => ({ value: p, label: t(`acc.dossier.profile.${p}`) }))} errors={errors} />
      <SelectField name="lang" label={t("acc.ws.lang")} value={values.lang ?? env.lang} options={[{ value: "fa", label: "فارسی" }, { value: "en", label: "English" }]} errors={errors} />
      <TextField name="at" label={t("acc.ws.at")} hint={t("acc.ws.atHint")} value={values.at} errors={errors} />
      <button type="submit">{t("acc.ws.build")}</button>
    </form>
  );
}

async function builderPage(req: FastifyRequest, reply: FastifyReply, values: Record<string, string>, errors?: FieldErrors, status = 200): Promise<FastifyReply> {
  const env = await pageEnv(req, reply);
  const { ctx } = await authenticate(req);
  const rows = await listDossiers(ctx);
  return sendPage(
    reply,
    <StaffLayout env={env} title={env.t("acc.ws.builder")} section="accountability">
      <link rel="stylesheet" href={STYLESHEET} />
      <h1>{env.t("acc.ws.builder")}</h1>
      <p>{env.t("acc.ws.builderLede")}</p>
      <BuilderForm env={env} values={values} {...(errors ? { errors } : {})} />
      <h2>{env.t("acc.ws.register")}</h2>
      <Register env={env} rows={rows} />
    </StaffLayout>,
    status,
  );
}

/**
 * Staff pages: a career timeline with the command chain at a chosen date,
 * and the dossier builder with the register of dossiers built and their files.
 */
export const accountabilityWorkspace = withStaff(async (app) => {
  app.get<{ Params: { id: string }; Querystring: { at?: string } }>(`${BASE}/people/:id`, async (req, reply) => {
    const env = await pageEnv(req, reply);
    const { ctx } = await authenticate(req);
    const career = await careerOf(ctx, req.params.id);
    const at = typeof req.query.at === "string" && req.query.at.trim() ? req.query.at.trim() : undefined;
    let errors: FieldErrors | undefined;
    const loader = new Loader(ctx, staffLens(ctx.actor));
    let data;
    try {
      data = await careerPageData(loader, career, true, at);
    } catch (e) {
      if (!(e instanceof VigilError) || e.code === "not_found") throw e;
      errors = { at: [e.message] };
      data = await careerPageData(loader, career, true);
    }
    const sources = new Map([...data.names].filter(([, r]) => r.type === "source"));
    const show = makeShow(env.lang, await termLabels(ctx), sources, (r) => (r.type === "person" || r.type === "organisation" ? `${BASE}/people/${r.id}` : null));
    const name = show.name(career.person);
    const rows = await listDossiers(ctx, { subjectId: career.person.id });
    return sendPage(
      reply,
      <StaffLayout env={env} title={env.t("acc.ws.career", { name })} section="accountability">
        <link rel="stylesheet" href={STYLESHEET} />
        <h1>{env.t("acc.ws.career", { name })}</h1>
        <p>
          <a href={`/workspace/records/${career.person.id}`}>
            <bdi class="acc-ids">{career.person.id}</bdi>
          </a>
        </p>
        <form method="get" action={`${BASE}/people/${career.person.id}`} class="row">
          <ErrorSummary env={env} errors={errors} />
          <TextField name="at" label={env.t("acc.ws.at")} hint={env.t("acc.ws.atHint")} value={at} errors={errors} />
          <button type="submit">{env.t("acc.ws.show")}</button>
        </form>
        <CareerBody data={data} show={show} />
        <h2>{env.t("acc.ws.dossiers")}</h2>
        {profilesFor(ctx).length ? (
          <p>
            <a href={`${BASE}/dossiers?person=${encodeURIComponent(career.person.id)}`}>{env.t("acc.ws.buildFor", { name })}</a>
          </p>
        ) : null}
        <Register env={env} rows={rows} />
      </StaffLayout>,
    );
  });

  app.get<{ Querystring: { person?: string; event?: string } }>(`${BASE}/dossiers`, async (req, reply) => {
    const { person, event } = req.query;
    return builderPage(req, reply, typeof event === "string" ? { kind: "event", subject: event } : typeof person === "string" ? { kind: "person", subject: person } : {});
  });

  app.post(`${BASE}/dossiers`, async (req, reply) => {
    const { ctx } = await authenticate(req);
    // A role that may build for no recipient is refused before anything else.
    if (!profilesFor(ctx).length) throw new VigilError("forbidden", "your role may not build dossiers");
    const values = { kind: str(req.body, "kind"), subject: str(req.body, "subject").trim(), profile: str(req.body, "profile"), lang: str(req.body, "lang"), at: str(req.body, "at").trim() };
    const errors: FieldErrors = {};
    if (!values.subject) errors.subject = ["give the id of the person, unit or event"];
    if (values.kind !== "person" && values.kind !== "event") errors.kind = ["choose a person or an event"];
    if (!(PROFILES as readonly string[]).includes(values.profile)) errors.profile = ["choose a recipient"];
    if (values.lang !== "fa" && values.lang !== "en") errors.lang = ["choose a language"];
    if (Object.keys(errors).length) return builderPage(req, reply, values, errors, 400);
    const { config } = req.server.deps;
    const out = join(config.dataDir, "dossiers", `${new Date().toISOString().slice(0, 10)}-${randomBytes(8).toString("hex")}`);
    try {
      const vault = await openVaultFor(req.server.deps.store);
      const r = await buildDossier(ctx, vault, { ...(values.kind === "event" ? { eventId: values.subject } : { personId: values.subject }), profile: values.profile, lang: values.lang as "fa" | "en", outDir: out, ...(values.at ? { at: values.at } : {}) });
      return reply.redirect(`${BASE}/dossiers/${r.id}?built=1`, 303);
    } catch (e) {
      if (e instanceof VigilError && (e.code === "validation" || e.code === "date_parse" || e.code === "not_found")) {
        const byField = e.code === "not_found" ? { subject: [e.message] } : errorsByField(e.problems.length ? e.problems : [{ message: e.message }], (f) => (f === "personId" || f === "eventId" ? "subject" : f));
        return builderPage(req, reply, values, byField, 400);
      }
      throw e;
    }
  });

  app.get<{ Params: { id: string }; Querystring: { built?: string } }>(`${BASE}/dossiers/:id`, async (req, reply) => {
    const env = await pageEnv(req, reply);
    const { ctx } = await authenticate(req);
    const d = await getDossier(ctx, req.params.id);
    const t = env.t;
    return sendPage(
      reply,
      <StaffLayout env={env} title={t("acc.ws.dossier", { id: d.id })} section="accountability" notice={req.query.built ? { kind: "ok", text: t("acc.ws.built") } : undefined}>
        <link rel="stylesheet" href={STYLESHEET} />
        <h1>{t("acc.ws.dossier", { id: d.id })}</h1>
        <dl>
          <dt>{t("acc.ws.subject")}</dt>
          <dd>
            <a href={`${BASE}/people/${d.subject_id}`}>
              <bdi class="acc-ids">{d.subject_id}</bdi>
            </a>
          </dd>
          <dt>{t("acc.ws.profile")}</dt>
          <dd>{t(`acc.dossier.profile.${d.profile}`)}</dd>
          <dt>{t("acc.ws.builtAt")}</dt>
          <dd>
            <bdi>{`${d.built_at} · ${d.built_by}`}</bdi>
          </dd>
          <dt>{t("acc.ws.checkpoint")}</dt>
          <dd>
            <bdi class="acc-ids">{`${d.checkpoint_origin} ${d.checkpoint_size} ${d.checkpoint_root}`}</bdi>
          </dd>
        </dl>
        <p>{t("acc.ws.claims", { claims: d.claims, withheld: d.withheld, evidence: d.evidence })}</p>
        <h2>{t("acc.ws.files")}</h2>
        <ul>
          {Object.keys(FILES).map((f) => (
            <li>
              <a href={`${BASE}/dossiers/${d.id}/${f}`}>{t(`acc.ws.file.${f}`)}</a>
              {f === "bundle" ? <bdi class="acc-ids">{` ${d.bundle_sha256}`}</bdi> : f === "records" ? <bdi class="acc-ids">{` ${d.records_sha256}`}</bdi> : null}
            </li>
          ))}
        </ul>
      </StaffLayout>,
    );
  });

  app.get<{ Params: { id: string; file: string } }>(`${BASE}/dossiers/:id/:file`, async (req, reply) => {
    const { ctx } = await authenticate(req);
    const d = await getDossier(ctx, req.params.id);
    const file = FILES[req.params.file];
    if (!file || !Object.hasOwn(FILES, req.params.file)) throw new VigilError("not_found", "no such file");
    const path = join(d.dir, file.name);
    const s = await stat(path).catch(() => undefined);
    if (!s?.isFile()) throw new VigilError("not_found", `the files of dossier ${d.id} are no longer at ${d.dir}`);
    await audit(ctx, { action: "dossier.download", targetType: "dossier", targetId: d.id, detail: { file: file.name, profile: d.profile } });
    return reply
      .header("content-type", file.type)
      .header("content-length", String(s.size))
      .header("content-disposition", `attachment; filename="${d.id}-${file.name}"`)
      .header("cache-control", "no-store")
      .send(createReadStream(path));
  });
});
