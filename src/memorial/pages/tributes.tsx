import { date } from "../../web/index.ts";
import { parseDate } from "../../core/dates.ts";
import type { PageCtx } from "./common.tsx";
import { Text } from "./common.tsx";

/** An approved tribute or comment as the public sees it: what was written, by the name the writer chose, and the day. */
export interface PublicPost {
  id: string;
  author: string | null;
  body: string;
  lang: string;
  day: string;
  replies: PublicPost[];
}

/** What a tribute form shows again after a refusal: the values typed and the message at each field. */
export interface FormState {
  values: Record<string, string>;
  errors: Record<string, string>;
  /** Set after a post was received and held for moderation. */
  held?: boolean;
  /** Reply being written to this post. */
  replyTo?: string;
}

/** The honeypot: a field people never see nor fill; bots that fill every field give themselves away. */
export function Honeypot({ ctx }: { ctx: PageCtx }) {
  return (
    <div class="hp" aria-hidden="true">
      <label for="hp-website">{ctx.t("memorial.form.honeypot")}</label>
      <input id="hp-website" type="text" name="website" tabIndex={-1} autoComplete="off" />
    </div>
  );
}

function Field({ id, label, hint, error, children }: { id: string; label: string; hint?: string; error?: string | undefined; children: preact.ComponentChildren }) {
  return (
    <div class={`field${error ? " invalid" : ""}`}>
      <label for={id}>
        {label}
        {hint ? <span class="hint" id={`${id}-hint`}>{hint}</span> : null}
      </label>
      {children}
      {error ? (
        <span class="error-text" id={`${id}-error`}>
          {error}
        </span>
      ) : null}
    </div>
  );
}

export { Field };

function Post({ ctx, post, action, reply }: { ctx: PageCtx; post: PublicPost; action: string; reply: boolean }) {
  const day = parseDate(post.day);
  return (
    <article class="tribute" id={`post-${post.id}`} lang={post.lang} dir={post.lang === "fa" ? "rtl" : "ltr"}>
      <p class="tribute-body">{post.body}</p>
      <p class="tribute-meta muted" lang={ctx.lang} dir={ctx.lang === "fa" ? "rtl" : "ltr"}>
        {post.author ? <Text ctx={ctx} text={post.author} /> : ctx.t("memorial.tributes.anonymous")} · {date(ctx.lang, day)}
        {reply && ctx.forms ? (
          <>
            {" "}
            · <a href={`${action}?reply=${post.id}#tribute-form`}>{ctx.t("memorial.tributes.reply")}</a>
          </>
        ) : null}
      </p>
      {post.replies.length ? (
        <div class="replies">
          {post.replies.map((r) => (
            <Post ctx={ctx} post={r} action={action} reply={false} />
          ))}
        </div>
      ) : null}
    </article>
  );
}

/**
 * Approved tributes with their replies, and the plain form (no script) to
 * leave one. `action` is the page's own path; the form posts to it + `/tributes`.
 */
export function Tributes({ ctx, posts, action, state, token, kind }: { ctx: PageCtx; posts: PublicPost[]; action: string; state: FormState | undefined; token: string; kind: "tribute" | "comment" }) {
  const { t } = ctx;
  const replyTo = state?.replyTo ? posts.find((p) => p.id === state.replyTo) : undefined;
  return (
    <section aria-labelledby="tributes-heading" class="tributes">
      <h2 id="tributes-heading">{t(kind === "tribute" ? "memorial.tributes.heading" : "memorial.comments.heading")}</h2>
      {posts.length ? posts.map((p) => <Post ctx={ctx} post={p} action={action} reply={true} />) : <p class="muted">{t(kind === "tribute" ? "memorial.tributes.none" : "memorial.comments.none")}</p>}
      {ctx.forms ? (
        <form method="post" action={`${action}/tributes`} id="tribute-form" class="panel" noValidate>
          <h3>{replyTo ? t("memorial.tributes.replyHeading") : t(kind === "tribute" ? "memorial.tributes.formHeading" : "memorial.comments.formHeading")}</h3>
          {state?.held ? (
            <p class="notice ok" role="status">
              {t("memorial.tributes.held")}
            </p>
          ) : null}
          {state && Object.keys(state.errors).length ? (
            <p class="notice error" role="alert">
              {t("memorial.form.hasErrors")}
            </p>
          ) : null}
          {replyTo ? (
            <p class="muted">
              {t("memorial.tributes.replyingTo")} <q>{replyTo.body.length > 120 ? `${replyTo.body.slice(0, 120)}…` : replyTo.body}</q>
            </p>
          ) : null}
          <p class="hint">{t("memorial.tributes.moderated")}</p>
          <input type="hidden" name="token" value={token} />
          <input type="hidden" name="kind" value={kind} />
          {replyTo ? <input type="hidden" name="parent" value={replyTo.id} /> : null}
          <Field id="tribute-body" label={t("memorial.tributes.body")} hint={t("memorial.tributes.bodyHint")} error={state?.errors.body}>
            <textarea id="tribute-body" name="body" required maxLength={2000} aria-describedby={state?.errors.body ? "tribute-body-error" : "tribute-body-hint"} aria-invalid={state?.errors.body ? "true" : undefined}>
              {state?.values.body ?? ""}
            </textarea>
          </Field>
          <Field id="tribute-author" label={t("memorial.tributes.author")} hint={t("memorial.tributes.authorHint")} error={state?.errors.author}>
            <input id="tribute-author" type="text" name="author" maxLength={80} value={state?.values.author ?? ""} aria-describedby={state?.errors.author ? "tribute-author-error" : "tribute-author-hint"} aria-invalid={state?.errors.author ? "true" : undefined} />
          </Field>
          <Honeypot ctx={ctx} />
          <input type="hidden" name="pow" value="" data-pow={token} />
          <button type="submit">{t("memorial.tributes.submit")}</button>
        </form>
      ) : (
        <p class="notice">{ctx.liveUrl ? t("memorial.static.formsAt", { url: ctx.liveUrl }) : t("memorial.static.forms")}</p>
      )}
    </section>
  );
}
