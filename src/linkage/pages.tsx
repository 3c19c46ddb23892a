import type { FastifyPluginAsync } from "fastify";
import { can } from "../accounts/index.ts";
import { VigilError } from "../core/errors.ts";
import { authenticate, Csrf, messages, pageEnv, registerWorkspaceSection, sendPage, StaffLayout, str, withStaff, type PageEnv } from "../workspace/index.ts";
import { importPages } from "./import-pages.tsx";
import { acceptCluster, clusterEntries, decideOnEntries, linkStoredLists, listImports, reviewQueue } from "./stored.ts";

messages({
  "linkage.title": ["Lists and linkage", "فهرست‌ها و پیوند"],
  "linkage.imports": ["Imported lists", "فهرست‌های واردشده"],
  "linkage.none": ["No list imported yet: import one here, or with `vigil lists import FILE:MAPPING.json`.", "هنوز فهرستی وارد نشده است: اینجا یکی وارد کنید، یا با `vigil lists import FILE:MAPPING.json`."],
  "linkage.importList": ["Import a list", "واردکردن فهرست"],
  "linkage.details": ["Mapping and rows left out", "نگاشت و ردیف‌های کنارگذاشته"],
  "linkage.downloadMapping": ["mapping (JSON)", "نگاشت (JSON)"],
  "linkage.rows": ["{n, number} rows", "{n, number} ردیف"],
  "linkage.skipped": ["Rows left out", "ردیف‌های کنارگذاشته"],
  "linkage.mapping": ["Column mapping", "نگاشت ستون‌ها"],
  "linkage.link": ["Link all lists again", "پیوند دوباره‌ی همه‌ی فهرست‌ها"],
  "linkage.linked": ["{entries, number} rows → {people, number} people ({several, number} on several rows); {review, number} items to review.", "{entries, number} ردیف → {people, number} نفر ({several, number} در چند ردیف)؛ {review, number} مورد برای بازبینی."],
  "linkage.queue": ["Review queue", "صف بازبینی"],
  "linkage.queue.empty": ["Nothing to review.", "چیزی برای بازبینی نیست."],
  "linkage.same": ["Same person", "یک نفر"],
  "linkage.different": ["Different people", "افراد متفاوت"],
  "linkage.note": ["Note", "یادداشت"],
  "linkage.cluster": ["Cluster {n}", "خوشه‌ی {n}"],
  "linkage.accept": ["Accept as one person", "پذیرش به‌عنوان یک نفر"],
  "linkage.decided": ["Decision recorded; it applies when the lists are linked again.", "تصمیم ثبت شد؛ در پیوند بعدی اعمال می‌شود."],
  "linkage.probability": ["match probability {p}", "احتمال یکسانی {p}"],
});

registerWorkspaceSection({ id: "linkage", href: "/workspace/linkage/", label: { en: "Lists and linkage", fa: "فهرست‌ها و پیوند" }, order: 200, visible: (actor) => can(actor, "record.read") });

function Row({ entry }: { entry: { list: string; row_id: string; row: number; columns: Record<string, string> } }) {
  return (
    <div class="card">
      <p>
        <strong>{entry.list}</strong> #{entry.row_id} (row {entry.row})
      </p>
      <dl>
        {Object.entries(entry.columns)
          .filter(([, v]) => v !== "")
          .map(([k, v]) => (
            <>
              <dt dir="auto">{k}</dt>
              <dd dir="auto">{v}</dd>
            </>
          ))}
      </dl>
    </div>
  );
}

function DecideForm({ env, ids }: { env: PageEnv; ids: string[] }) {
  const { t } = env;
  return (
    <form method="post" action="/workspace/linkage/decide">
      <Csrf env={env} />
      {ids.map((id) => (
        <input type="hidden" name="entries" value={id} />
      ))}
      <label>
        {t("linkage.note")} <input name="note" />
      </label>
      <button name="action" value="accept">
        {t("linkage.same")}
      </button>
      <button name="action" value="reject">
        {t("linkage.different")}
      </button>
    </form>
  );
}

/** Staff pages: imported lists with their mappings and row errors, the review queue, clusters. */
export const linkagePages: FastifyPluginAsync = withStaff(async (app) => {
  await importPages(app);

  app.get("/workspace/linkage/", async (req, reply) => {
    const env = await pageEnv(req, reply);
    const { ctx } = await authenticate(req);
    const imports = await listImports(ctx);
    const queue = await reviewQueue(ctx, 50);
    const { t } = env;
    const done = (req.query as { done?: string }).done;
    return sendPage(
      reply,
      <StaffLayout env={env} title={t("linkage.title")} section="linkage" notice={done === "decided" ? { kind: "ok", text: t("linkage.decided") } : done === "discarded" ? { kind: "info", text: t("lists.map.discarded") } : undefined}>
        <div class="row spread">
          <h1>{t("linkage.title")}</h1>
          {can(env.actor, "record.create") ? (
            <a class="button" href="/workspace/linkage/import">
              {t("linkage.importList")}
            </a>
          ) : null}
        </div>
        <h2>{t("linkage.imports")}</h2>
        {imports.length === 0 ? <p>{t("linkage.none")}</p> : null}
        {imports.map((i) => (
          <section class="card">
            <h3 dir="auto">{i.listName}</h3>
            <p>
              <bdi>{i.file}</bdi> · {t("linkage.rows", { n: i.rows })} · <a href={`/workspace/records/${i.sourceId}`}>{i.sourceId}</a> · <a href={`/workspace/linkage/imports/${i.id}`}>{t("linkage.details")}</a> · <a href={`/workspace/linkage/imports/${i.id}/mapping.json`}>{t("linkage.downloadMapping")}</a>
            </p>
            <details>
              <summary>{t("linkage.mapping")}</summary>
              <pre dir="auto">{JSON.stringify(i.mapping, null, 2)}</pre>
            </details>
            {i.skipped.length ? (
              <details open>
                <summary>
                  {t("linkage.skipped")} ({i.skipped.length})
                </summary>
                <ul>
                  {i.skipped.map((s) => (
                    <li dir="auto">
                      row {s.row} (line {s.line}): {s.problems.map((p) => `${p.column ? `${p.column}: ` : ""}${p.message}`).join("; ")}
                    </li>
                  ))}
                </ul>
              </details>
            ) : null}
          </section>
        ))}
        {can(env.actor, "record.propose") ? (
          <form method="post" action="/workspace/linkage/link">
            <Csrf env={env} />
            <button>{t("linkage.link")}</button>
          </form>
        ) : null}
        <h2>{t("linkage.queue")}</h2>
        {queue.length === 0 ? <p>{t("linkage.queue.empty")}</p> : null}
        {queue.map((item) => (
          <section class="card">
            <p>
              {item.reason} · {t("linkage.probability", { p: item.probability.toFixed(3) })}
              {item.entries[0]?.cluster ? (
                <>
                  {" · "}
                  <a href={`/workspace/linkage/clusters/${item.entries[0].cluster}`}>{t("linkage.cluster", { n: item.entries[0].cluster })}</a>
                </>
              ) : null}
            </p>
            <div class="side-by-side">
              {item.entries.map((e) => (
                <Row entry={e} />
              ))}
            </div>
            {can(env.actor, "person.merge") && item.kind === "pair" ? <DecideForm env={env} ids={item.entries.map((e) => e.id)} /> : null}
          </section>
        ))}
      </StaffLayout>,
    );
  });

  app.post("/workspace/linkage/link", async (req, reply) => {
    const { ctx } = await authenticate(req);
    await linkStoredLists(ctx);
    return reply.redirect("/workspace/linkage/", 303);
  });

  app.post("/workspace/linkage/decide", async (req, reply) => {
    const { ctx } = await authenticate(req);
    if (!can(ctx.actor, "person.merge")) throw new VigilError("forbidden", "not permitted: person.merge");
    const action = str(req.body, "action");
    if (action !== "accept" && action !== "reject") throw new VigilError("validation", "choose same person or different people", { where: { field: "action" } });
    const raw = (req.body as Record<string, unknown> | undefined)?.entries;
    const entries = (Array.isArray(raw) ? raw : [raw]).filter((x): x is string => typeof x === "string");
    await decideOnEntries(ctx, action, entries, str(req.body, "note").trim() || undefined);
    return reply.redirect("/workspace/linkage/?done=decided", 303);
  });

  const clusterNumber = (id: string): number => {
    const n = Number(id);
    if (!Number.isInteger(n) || n < 1) throw new VigilError("not_found", `cluster ${id} not found`);
    return n;
  };

  app.get("/workspace/linkage/clusters/:id", async (req, reply) => {
    const env = await pageEnv(req, reply);
    const { ctx } = await authenticate(req);
    if (!can(ctx.actor, "record.read")) throw new VigilError("forbidden", "not permitted: record.read");
    const n = clusterNumber((req.params as { id: string }).id);
    const entries = await clusterEntries(ctx, n);
    if (entries.length === 0) throw new VigilError("not_found", `cluster ${n} not found`);
    const { t } = env;
    const person = entries.find((e) => e.personId)?.personId;
    return sendPage(
      reply,
      <StaffLayout env={env} title={t("linkage.cluster", { n })} section="linkage">
        <h1>{t("linkage.cluster", { n })}</h1>
        {person ? (
          <p>
            <a href={`/workspace/records/${person}`}>{person}</a>
          </p>
        ) : null}
        <div class="side-by-side">
          {entries.map((e) => (
            <Row entry={e} />
          ))}
        </div>
        {can(env.actor, "person.merge") ? (
          <form method="post" action={`/workspace/linkage/clusters/${n}/accept`}>
            <Csrf env={env} />
            <label>
              {t("linkage.note")} <input name="note" />
            </label>
            <button>{t("linkage.accept")}</button>
          </form>
        ) : null}
      </StaffLayout>,
    );
  });

  app.post("/workspace/linkage/clusters/:id/accept", async (req, reply) => {
    const { ctx } = await authenticate(req);
    if (!can(ctx.actor, "person.merge")) throw new VigilError("forbidden", "not permitted: person.merge");
    const r = await acceptCluster(ctx, clusterNumber((req.params as { id: string }).id), str(req.body, "note").trim() || undefined);
    return reply.redirect(`/workspace/records/${r.personId}`, 303);
  });
});
