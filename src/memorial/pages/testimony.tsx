import { date } from "../../web/index.ts";
import { parseDate } from "../../core/dates.ts";
import { TESTIMONY_KINDS, LIMITS } from "../testimony/intake.ts";
import { Site, Text, type PageCtx } from "./common.tsx";
import { Field, Honeypot, type FormState } from "./tributes.tsx";

/** The testimony form: anonymous, no account, no script; sealed on arrival. */
export function TestimonyPage({ ctx, state, token, aboutLabel, open }: { ctx: PageCtx; state: FormState | undefined; token: string; aboutLabel: string | null; open: boolean }) {
  const { t, lang } = ctx;
  const v = state?.values ?? {};
  const e = state?.errors ?? {};
  const err = (k: string): string | undefined => (e[k] ? t(e[k]) : undefined);
  const mb = Math.round(LIMITS.fileBytes / (1024 * 1024));
  return (
    <Site ctx={ctx} title={t("memorial.testimony.title")}>
      <h1>{t("memorial.testimony.title")}</h1>
      <p class="lede">{t("memorial.testimony.intro")}</p>
      <div class="notice">
        <p>
          <strong>{t("memorial.testimony.safetyHeading")}</strong>
        </p>
        <ul>
          <li>{t("memorial.testimony.safety1")}</li>
          <li>{t("memorial.testimony.safety2")}</li>
          <li>{t("memorial.testimony.safety3")}</li>
        </ul>
      </div>
      <p>
        <a href={ctx.links.page(lang, "testimony/follow-up")}>{t("memorial.testimony.followUpLink")}</a>
      </p>
      {!open ? (
        <p class="notice error" role="alert">
          {t("memorial.testimony.closed")}
        </p>
      ) : (
        <form method="post" action={ctx.links.page(lang, "testimony")} enctype="multipart/form-data" class="panel" noValidate>
          {Object.keys(e).length ? (
            <p class="notice error" role="alert">
              {t("memorial.form.hasErrors")} {v.hadFiles ? t("memorial.testimony.reattach") : null}
            </p>
          ) : null}
          <input type="hidden" name="token" value={token} />
          <fieldset class={e.kind ? "invalid" : undefined} aria-describedby={e.kind ? "kind-error" : undefined}>
            <legend>{t("memorial.testimony.kind")}</legend>
            {TESTIMONY_KINDS.map((k) => (
              <div class="choice-row">
                <input type="radio" id={`kind-${k}`} name="kind" value={k} checked={(v.kind ?? "") === k} />
                <label for={`kind-${k}`}>{t(`memorial.testimony.kind.${k}`)}</label>
              </div>
            ))}
            {e.kind ? (
              <span class="error-text" id="kind-error">
                {err("kind")}
              </span>
            ) : null}
          </fieldset>
          <Field id="t-about" label={t("memorial.testimony.about")} hint={t("memorial.testimony.aboutHint")} error={err("about")}>
            <input id="t-about" type="text" name="about" value={v.about ?? aboutLabel ?? ""} maxLength={500} aria-describedby="t-about-hint" />
          </Field>
          <Field id="t-text" label={t("memorial.testimony.text")} hint={t("memorial.testimony.textHint")} error={err("text")}>
            <textarea id="t-text" name="text" rows={10} maxLength={LIMITS.textMax} required aria-invalid={e.text ? "true" : undefined} aria-describedby={e.text ? "t-text-error" : "t-text-hint"}>
              {v.text ?? ""}
            </textarea>
          </Field>
          <Field id="t-when" label={t("memorial.testimony.when")} hint={t("memorial.testimony.whenHint")} error={err("when")}>
            <input id="t-when" type="text" name="when" value={v.when ?? ""} maxLength={500} aria-describedby="t-when-hint" />
          </Field>
          <Field id="t-where" label={t("memorial.testimony.where")} error={err("where")}>
            <input id="t-where" type="text" name="where" value={v.where ?? ""} maxLength={500} />
          </Field>
          <Field id="t-contact" label={t("memorial.testimony.contact")} hint={t("memorial.testimony.contactHint")} error={err("contact")}>
            <input id="t-contact" type="text" name="contact" value={v.contact ?? ""} maxLength={500} aria-describedby="t-contact-hint" />
          </Field>
          <Field id="t-files" label={t("memorial.testimony.files")} hint={t("memorial.testimony.filesHint", { n: LIMITS.files, mb })} error={err("files") ? `${v.badFile ? `${v.badFile}: ` : ""}${err("files")}` : undefined}>
            <input id="t-files" type="file" name="files" multiple accept="image/*,application/pdf,audio/*,video/*" aria-describedby="t-files-hint" />
          </Field>
          <Honeypot ctx={ctx} />
          <input type="hidden" name="lang" value={lang} />
          <button type="submit">{t("memorial.testimony.submit")}</button>
        </form>
      )}
    </Site>
  );
}

/** Shown once after a testimony is sealed: the codename and secret, which are not kept in the clear anywhere. */
export function TestimonyReceipt({ ctx, codename, secret }: { ctx: PageCtx; codename: string; secret: string }) {
  const { t, lang } = ctx;
  return (
    <Site ctx={ctx} title={t("memorial.testimony.receivedTitle")}>
      <h1>{t("memorial.testimony.receivedTitle")}</h1>
      <p class="notice ok" role="status">
        {t("memorial.testimony.received")}
      </p>
      <div class="panel receipt">
        <p>{t("memorial.testimony.keepThese")}</p>
        <dl class="facts">
          <dt>{t("memorial.testimony.codename")}</dt>
          <dd>
            <code class="ltr-value" dir="ltr">
              {codename}
            </code>
          </dd>
          <dt>{t("memorial.testimony.secret")}</dt>
          <dd>
            <code class="ltr-value" dir="ltr">
              {secret}
            </code>
          </dd>
        </dl>
        <p class="hint">{t("memorial.testimony.secretHint")}</p>
      </div>
      <p>
        <a href={ctx.links.page(lang, "testimony/follow-up")}>{t("memorial.testimony.followUpLink")}</a>
      </p>
    </Site>
  );
}

/** The follow-up page: codename and secret in, replies out; more can be added, sealed like the first message. */
export function FollowUpPage({ ctx, token, codename, secret, messages, error, added }: { ctx: PageCtx; token: string; codename?: string; secret?: string; messages?: { direction: "in" | "out"; day: string; text: string | null }[]; error?: string; added?: boolean }) {
  const { t, lang } = ctx;
  return (
    <Site ctx={ctx} title={t("memorial.followUp.title")}>
      <h1>{t("memorial.followUp.title")}</h1>
      <p class="lede">{t("memorial.followUp.intro")}</p>
      {error ? (
        <p class="notice error" role="alert">
          {t(error)}
        </p>
      ) : null}
      {added ? (
        <p class="notice ok" role="status">
          {t("memorial.followUp.added")}
        </p>
      ) : null}
      {messages ? (
        <section aria-labelledby="messages-heading">
          <h2 id="messages-heading">{t("memorial.followUp.messages")}</h2>
          {messages.length ? (
            <ol class="plain messages">
              {messages.map((m) => (
                <li class={m.direction}>
                  <p class="muted">
                    {t(m.direction === "out" ? "memorial.followUp.fromUs" : "memorial.followUp.fromYou")} · {date(lang, parseDate(m.day))}
                  </p>
                  {m.text ? <p class="message-text">{m.text}</p> : <p class="muted">{t("memorial.followUp.sealed")}</p>}
                </li>
              ))}
            </ol>
          ) : (
            <p class="muted">{t("memorial.followUp.noReplies")}</p>
          )}
        </section>
      ) : null}
      <form method="post" action={ctx.links.page(lang, "testimony/follow-up")} class="panel" noValidate>
        <input type="hidden" name="token" value={token} />
        <Field id="f-codename" label={t("memorial.testimony.codename")}>
          <input id="f-codename" type="text" name="codename" value={codename ?? ""} autoComplete="off" dir="ltr" required maxLength={60} />
        </Field>
        <Field id="f-secret" label={t("memorial.testimony.secret")}>
          <input id="f-secret" type="password" name="secret" value={secret ?? ""} autoComplete="off" dir="ltr" required maxLength={80} />
        </Field>
        {messages ? (
          <Field id="f-text" label={t("memorial.followUp.more")} hint={t("memorial.followUp.moreHint")}>
            <textarea id="f-text" name="text" rows={6} maxLength={LIMITS.textMax} aria-describedby="f-text-hint" />
          </Field>
        ) : null}
        <Honeypot ctx={ctx} />
        <button type="submit">{t(messages ? "memorial.followUp.send" : "memorial.followUp.open")}</button>
      </form>
    </Site>
  );
}

export { Text };
