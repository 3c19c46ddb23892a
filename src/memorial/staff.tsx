import { authorize, can } from "../accounts/index.ts";
import { VigilError } from "../core/errors.ts";
import { authenticate, Csrf, pageEnv, registerWorkspaceSection, sendPage, StaffLayout, withStaff } from "../workspace/index.ts";
import { listTestimonies } from "./testimony/intake.ts";
import { moderatePost, moderationQueue } from "./tributes.ts";

registerWorkspaceSection({ id: "memorial", href: "/workspace/memorial/moderation", label: { en: "Memorial moderation", fa: "نظارت بر یادمان" }, order: 300, visible: (actor) => can(actor, "memorial.moderate") });

const STATUSES = ["pending", "approved", "rejected"] as const;

/**
 * The memorial's staff pages inside the workspace (its layout, session guard,
 * CSRF check and language): the moderation queue of tributes and comments,
 * and the list of sealed testimony (codename and day only: opening it needs
 * the reviewer's key, on the reviewer's machine).
 */
export const memorialStaffPages = withStaff(async (app) => {
  app.get<{ Querystring: { status?: string } }>("/workspace/memorial/moderation", async (req, reply) => {
    const env = await pageEnv(req, reply);
    const { ctx } = await authenticate(req);
    const status = STATUSES.find((s) => s === req.query.status) ?? "pending";
    const posts = await moderationQueue(ctx, status);
    const testimonies = can(ctx.actor, "memorial.testimony") ? await listTestimonies(ctx) : null;
    const { t } = env;
    const done = typeof (req.query as { done?: unknown }).done === "string";
    return sendPage(
      reply,
      <StaffLayout env={env} title={t("memorial.moderation.title")} section="memorial" notice={done ? { kind: "ok", text: t("memorial.moderation.done") } : undefined}>
        <h1>{t("memorial.moderation.title")}</h1>
        <nav aria-label={t("memorial.moderation.filter")}>
          <ul class="row">
            {STATUSES.map((s) => (
              <li>
                <a href={`/workspace/memorial/moderation?status=${s}`} aria-current={s === status ? "page" : undefined}>
                  {t(`memorial.moderation.status.${s}`)}
                </a>
              </li>
            ))}
          </ul>
        </nav>
        {posts.length ? (
          <ul class="plain">
            {posts.map((p) => (
              <li>
                <p class="muted">
                  {t(`memorial.moderation.kind.${p.kind}`)} · <a href={`/workspace/records/${p.recordId}`}>{p.recordLabel}</a> · <a href={`/${env.lang}/${p.recordId.startsWith("evt_") ? "events" : "people"}/${p.recordId}`}>{t("memorial.moderation.publicPage")}</a> · {p.createdAt.slice(0, 16).replace("T", " ")}
                  {p.parentId ? ` · ${t("memorial.moderation.reply")}` : ""}
                </p>
                <blockquote lang={p.lang} dir={p.lang === "fa" ? "rtl" : "ltr"} class="panel">
                  <p class="tribute-body">{p.body}</p>
                  {p.author ? <footer>— {p.author}</footer> : null}
                </blockquote>
                <form method="post" action={`/workspace/memorial/moderation/${p.id}`} class="row">
                  <Csrf env={env} />
                  <label for={`note-${p.id}`} class="visually-hidden">
                    {t("memorial.moderation.note")}
                  </label>
                  <input id={`note-${p.id}`} type="text" name="note" placeholder={t("memorial.moderation.note")} maxLength={500} />
                  <button type="submit" name="decision" value="approve">
                    {t("memorial.moderation.approve")}
                  </button>
                  <button type="submit" name="decision" value="reject" class="secondary">
                    {t("memorial.moderation.reject")}
                  </button>
                </form>
              </li>
            ))}
          </ul>
        ) : (
          <p class="muted">{t("memorial.moderation.empty")}</p>
        )}
        {testimonies ? (
          <section aria-labelledby="testimony-heading">
            <h2 id="testimony-heading">{t("memorial.moderation.testimony")}</h2>
            <p class="hint">{t("memorial.moderation.testimonyHint")}</p>
            {testimonies.length ? (
              <table>
                <thead>
                  <tr>
                    <th scope="col">{t("memorial.testimony.codename")}</th>
                    <th scope="col">{t("memorial.moderation.received")}</th>
                    <th scope="col">{t("memorial.moderation.files")}</th>
                    <th scope="col">{t("memorial.moderation.messages")}</th>
                    <th scope="col">{t("memorial.moderation.statusHeading")}</th>
                  </tr>
                </thead>
                <tbody>
                  {testimonies.map((x) => (
                    <tr>
                      <td>
                        <code>{x.codename}</code>
                      </td>
                      <td>{x.receivedOn}</td>
                      <td>{x.files}</td>
                      <td>{x.messages}</td>
                      <td>{x.status}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            ) : (
              <p class="muted">{t("memorial.moderation.noTestimony")}</p>
            )}
          </section>
        ) : null}
      </StaffLayout>,
    );
  });

  app.post<{ Params: { id: string }; Body: Record<string, unknown> }>("/workspace/memorial/moderation/:id", async (req, reply) => {
    const { ctx } = await authenticate(req);
    // Permission first: a refusal never depends on what was sent.
    authorize(ctx.actor, "memorial.moderate");
    const body = (req.body ?? {});
    const decision = body.decision === "approve" ? "approve" : body.decision === "reject" ? "reject" : null;
    if (!decision) throw new VigilError("validation", "choose approve or reject", { where: { field: "decision" } });
    await moderatePost(ctx, req.params.id, decision, typeof body.note === "string" ? body.note : undefined);
    return reply.redirect("/workspace/memorial/moderation?done=1", 303);
  });
});
