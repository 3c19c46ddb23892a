import { Layout, type Lang, type T } from "../../web/index.ts";
import type { TestimonySummary } from "../testimony/intake.ts";
import type { QueuedPost } from "../tributes.ts";

/** The moderation queue for staff: each post with approve and reject buttons (plain forms). */
export function ModerationPage({ lang, t, posts, status, token, testimonies }: { lang: Lang; t: T; posts: QueuedPost[]; status: string; token: string; testimonies: TestimonySummary[] | null }) {
  return (
    <Layout lang={lang} title={t("memorial.moderation.title")} robots="noindex" styles={["/assets/memorial.css"]}>
      <main class="container" id="main">
        <h1>{t("memorial.moderation.title")}</h1>
        <nav aria-label={t("memorial.moderation.filter")}>
          <ul class="letters">
            {(["pending", "approved", "rejected"] as const).map((s) => (
              <li>
                <a href={`/staff/memorial/moderation?status=${s}&lang=${lang}`} aria-current={s === status ? "page" : undefined}>
                  {t(`memorial.moderation.status.${s}`)}
                </a>
              </li>
            ))}
          </ul>
        </nav>
        {posts.length ? (
          <ul class="plain">
            {posts.map((p) => (
              <li class="moderation-item">
                <p class="muted">
                  {t(`memorial.moderation.kind.${p.kind}`)} · <a href={`/${lang}/${p.recordId.startsWith("evt_") ? "events" : "people"}/${p.recordId}`}>{p.recordLabel}</a> · {p.createdAt.slice(0, 16).replace("T", " ")}
                  {p.parentId ? ` · ${t("memorial.moderation.reply")}` : ""}
                </p>
                <blockquote lang={p.lang} dir={p.lang === "fa" ? "rtl" : "ltr"}>
                  <p class="tribute-body">{p.body}</p>
                  {p.author ? <footer>— {p.author}</footer> : null}
                </blockquote>
                <form method="post" action={`/staff/memorial/moderation/${p.id}?lang=${lang}`} class="row">
                  <input type="hidden" name="token" value={token} />
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
          </section>
        ) : null}
      </main>
    </Layout>
  );
}
