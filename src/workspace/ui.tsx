import type { ComponentChildren, VNode } from "preact";
import type { FastifyReply, FastifyRequest } from "fastify";
import { can, type Action } from "../accounts/index.ts";
import type { Actor } from "../core/context.ts";
import type { FieldProblem } from "../core/errors.ts";
import { Layout, renderPage, translator, type Lang, type T } from "../web/index.ts";
import { authenticate, csrfToken } from "./http.ts";
import { messages } from "./messages.ts";

messages({
  "workspace.brand": ["Vigil workspace", "میز کار ویجیل"],
  "workspace.skip": ["Skip to content", "رفتن به محتوا"],
  "workspace.nav.label": ["Workspace", "میز کار"],
  "workspace.nav.dashboard": ["Dashboard", "پیشخوان"],
  "workspace.nav.search": ["Search", "جستجو"],
  "workspace.nav.people": ["People", "افراد"],
  "workspace.nav.events": ["Events", "رویدادها"],
  "workspace.nav.places": ["Places", "مکان‌ها"],
  "workspace.nav.organisations": ["Organisations", "سازمان‌ها"],
  "workspace.nav.sources": ["Sources", "منابع"],
  "workspace.nav.review": ["Review", "بازبینی"],
  "workspace.nav.vocabularies": ["Vocabularies", "واژگان"],
  "workspace.nav.users": ["Users", "کاربران"],
  "workspace.nav.audit": ["Audit log", "گزارش حسابرسی"],
  "workspace.account": ["Your account", "حساب شما"],
  "workspace.signOut": ["Sign out", "خروج"],
  "workspace.switchLang": ["فارسی", "English"],
  "workspace.footer": ["Vigil — staff workspace. Everything you change is kept in history with your name.", "ویجیل — میز کار کارکنان. هر تغییری که می‌دهید با نام شما در تاریخچه می‌ماند."],
  "workspace.formErrors": ["The form has {n, plural, one {one error} other {# errors}}; each is shown at its field.", "فرم {n, plural, one {یک خطا} other {# خطا}} دارد؛ هر خطا کنار فیلد خودش آمده است."],
  "workspace.conf.public": ["public", "عمومی"],
  "workspace.conf.staff": ["staff only", "فقط کارکنان"],
  "workspace.conf.restricted": ["restricted", "محرمانه"],
  "workspace.confidence.confirmed": ["confirmed", "تأییدشده"],
  "workspace.confidence.probable": ["probable", "محتمل"],
  "workspace.confidence.possible": ["possible", "ممکن"],
  "workspace.confidence.disputed": ["disputed", "مورد اختلاف"],
  "workspace.status.draft": ["draft", "پیش‌نویس"],
  "workspace.status.published": ["published", "منتشرشده"],
  "workspace.status.merged": ["merged", "ادغام‌شده"],
  "workspace.status.retracted": ["retracted", "پس‌گرفته"],
  "workspace.synthetic": ["synthetic (fictional demo data)", "ساختگی (داده نمایشی)"],
  "workspace.role.admin": ["admin", "مدیر"],
  "workspace.role.editor": ["editor", "ویراستار"],
  "workspace.role.researcher": ["researcher", "پژوهشگر"],
  "workspace.role.viewer": ["viewer", "بیننده"],
  "workspace.type.person": ["person", "فرد"],
  "workspace.type.organisation": ["organisation", "سازمان"],
  "workspace.type.place": ["place", "مکان"],
  "workspace.type.event": ["event", "رویداد"],
  "workspace.type.source": ["source", "منبع"],
  "workspace.type.post": ["post", "سمت"],
  "workspace.save": ["Save", "ذخیره"],
  "workspace.cancel": ["Cancel", "انصراف"],
  "workspace.find": ["Find", "پیدا کن"],
  "workspace.reason": ["Reason for the change (kept in history)", "دلیل تغییر (در تاریخچه می‌ماند)"],
  "workspace.none": ["—", "—"],
  "workspace.next": ["Next page", "صفحه بعد"],
  "workspace.error.title": ["Something is wrong", "مشکلی پیش آمد"],
  "workspace.error.notFound": ["Not found", "پیدا نشد"],
  "workspace.error.notFoundText": ["There is nothing here, or you may not see it.", "چیزی اینجا نیست، یا شما اجازه دیدن آن را ندارید."],
  "workspace.error.forbidden": ["Not permitted", "مجاز نیست"],
  "workspace.error.forbiddenText": ["Your role may not do this. The refusal was logged. Ask an administrator if you need it.", "نقش شما اجازه این کار را ندارد. این رد شدن ثبت شد. اگر لازم دارید از مدیر بخواهید."],
  "workspace.error.conflict": ["Changed by someone else", "کس دیگری تغییر داده است"],
  "workspace.error.tooMany": ["Too many requests", "درخواست‌ها بیش از حد است"],
  "workspace.error.tooManyText": ["Please wait a minute and try again.", "لطفاً یک دقیقه صبر کنید و دوباره امتحان کنید."],
  "workspace.error.internal": ["The server failed", "سرور با خطا روبه‌رو شد"],
  "workspace.error.internalText": ["Nothing was half-saved. Try again; if it keeps failing, tell an administrator.", "چیزی نیمه‌کاره ذخیره نشد. دوباره امتحان کنید؛ اگر باز هم شد به مدیر بگویید."],
  "workspace.back": ["Back", "بازگشت"],
});

/** A section of the workspace navigation; other capabilities add theirs with `registerWorkspaceSection`. */
export interface WorkspaceSection {
  id: string;
  href: string;
  label: { en: string; fa: string };
  /** Position in the menu (built-in sections use 10, 20, … 900). */
  order?: number;
  /** Who sees it in the menu (the pages still check their own actions). */
  visible?: (actor: Actor) => boolean;
}

const sections: WorkspaceSection[] = [];
const t2 = (key: string): { en: string; fa: string } => ({ en: translator("en")(key), fa: translator("fa")(key) });

/** Adds a section to the workspace navigation. */
export function registerWorkspaceSection(section: WorkspaceSection): void {
  const i = sections.findIndex((s) => s.id === section.id);
  if (i >= 0) sections.splice(i, 1);
  sections.push(section);
  sections.sort((a, b) => (a.order ?? 500) - (b.order ?? 500));
}

export function workspaceSections(): readonly WorkspaceSection[] {
  return sections;
}

const allowed = (action: Action) => (actor: Actor) => can(actor, action) || (action === "proposal.read" && can(actor, "record.propose"));
for (const [order, id, href, action] of [
  [10, "dashboard", "/workspace/", "record.read"],
  [20, "search", "/workspace/search", "search.staff"],
  [30, "people", "/workspace/list/person", "record.read"],
  [40, "events", "/workspace/list/event", "record.read"],
  [50, "places", "/workspace/list/place", "record.read"],
  [60, "organisations", "/workspace/list/organisation", "record.read"],
  [70, "sources", "/workspace/list/source", "record.read"],
  [100, "review", "/workspace/review", "proposal.read"],
  [110, "vocabularies", "/workspace/vocabularies", "vocab.read"],
  [800, "users", "/workspace/users", "user.read"],
  [810, "audit", "/workspace/audit", "audit.read"],
] as const) {
  registerWorkspaceSection({ id, href, order, label: t2(`workspace.nav.${id}`), visible: allowed(action) });
}

/** What every staff page component gets. */
export interface PageEnv {
  lang: Lang;
  t: T;
  actor: Actor;
  csrf: string;
  path: string;
  userName: string;
}

export async function pageEnv(req: FastifyRequest, reply: FastifyReply): Promise<PageEnv> {
  const auth = await authenticate(req);
  return { lang: auth.lang, t: translator(auth.lang), actor: auth.actor, csrf: await csrfToken(req, reply), path: req.url, userName: auth.user?.display_name ?? "" };
}

export function Csrf({ env }: { env: PageEnv }) {
  return <input type="hidden" name="_csrf" value={env.csrf} />;
}

export interface StaffLayoutProps {
  env: PageEnv;
  title: string;
  section?: string;
  /** Signed-out and enrolment pages have no navigation. */
  bare?: boolean;
  notice?: { kind: "ok" | "error" | "info"; text: string } | undefined;
  children: ComponentChildren;
}

/** The frame of every staff page: navigation, language switch, account and sign-out; same-origin assets only. */
export function StaffLayout({ env, title, section, bare, notice, children }: StaffLayoutProps) {
  const { t, lang } = env;
  const other = lang === "fa" ? "en" : "fa";
  return (
    <Layout lang={lang} title={`${title} · ${t("workspace.brand")}`} robots="noindex, nofollow" styles={["/assets/workspace.css"]} scripts={["/assets/workspace.js"]}>
      <a class="skip-link" href="#main">
        {t("workspace.skip")}
      </a>
      <header class="site">
        <div class="container">
          <a class="brand" href="/workspace/">
            {t("workspace.brand")}
          </a>
          {!bare && (
            <nav aria-label={t("workspace.nav.label")}>
              <ul>
                {sections
                  .filter((s) => !s.visible || s.visible(env.actor))
                  .map((s) => (
                    <li>
                      <a href={s.href} aria-current={s.id === section ? "page" : undefined}>
                        {s.label[lang]}
                      </a>
                    </li>
                  ))}
              </ul>
            </nav>
          )}
          <span class="spacer" />
          {env.userName ? (
            <>
              <form method="post" action="/workspace/lang" class="inline">
                <Csrf env={env} />
                <input type="hidden" name="lang" value={other} />
                <input type="hidden" name="next" value={env.path} />
                <button type="submit" class="link" lang={other}>
                  {t("workspace.switchLang")}
                </button>
              </form>
              <a href="/workspace/account">
                <bdi>{env.userName}</bdi>
              </a>
              <form method="post" action="/workspace/sign-out" class="inline">
                <Csrf env={env} />
                <button type="submit" class="link">
                  {t("workspace.signOut")}
                </button>
              </form>
            </>
          ) : (
            <a href={`?lang=${other}`} lang={other}>
              {t("workspace.switchLang")}
            </a>
          )}
        </div>
      </header>
      <main id="main" class="container" tabIndex={-1}>
        {notice && (
          <div class={`notice ${notice.kind === "info" ? "" : notice.kind}`} role={notice.kind === "error" ? "alert" : "status"}>
            {notice.text}
          </div>
        )}
        {children}
      </main>
      <footer class="site">
        <div class="container">{t("workspace.footer")}</div>
      </footer>
    </Layout>
  );
}

/** Sends a staff page: never cached, never indexed. */
export function sendPage(reply: FastifyReply, page: VNode, status = 200): FastifyReply {
  return reply.code(status).header("cache-control", "no-store").type("text/html; charset=utf-8").send(renderPage(page));
}

export function Badge({ kind, label }: { kind: string; label: string }) {
  return <span class={`badge ${kind}`}>{label}</span>;
}

export const confBadge = (t: T, c: string) => <Badge kind={c} label={t(`workspace.conf.${c}`)} />;
export const confidenceBadge = (t: T, c: string) => <Badge kind={c} label={t(`workspace.confidence.${c}`)} />;
export const statusBadge = (t: T, s: string) => <Badge kind={s === "published" ? "public" : "draft"} label={t(`workspace.status.${s}`)} />;

/** Problems for a field (exact name, or names below it such as claims[0].value.text → mapped by the caller). */
export type FieldErrors = Record<string, string[]>;

export function errorsByField(problems: readonly FieldProblem[], map: (field: string) => string = (f) => f): FieldErrors {
  const out: FieldErrors = {};
  for (const p of problems) {
    const f = map(p.field ?? "_form");
    (out[f] ??= []).push(p.message);
  }
  return out;
}

export interface FieldProps {
  name: string;
  label: string;
  hint?: string | undefined;
  errors?: FieldErrors | undefined;
  children: (props: { id: string; name: string; "aria-invalid"?: "true"; "aria-describedby"?: string }) => ComponentChildren;
}

/** A labelled form field with its hint and every error shown at it. */
export function Field({ name, label, hint, errors, children }: FieldProps) {
  const id = `f-${name.replace(/[^a-zA-Z0-9_-]/g, "-")}`;
  const errs = errors?.[name] ?? [];
  const described = [hint ? `${id}-hint` : "", errs.length ? `${id}-error` : ""].filter(Boolean).join(" ");
  return (
    <div class={`field${errs.length ? " invalid" : ""}`}>
      <label for={id}>{label}</label>
      {hint && (
        <span class="hint" id={`${id}-hint`}>
          {hint}
        </span>
      )}
      {children({ id, name, ...(errs.length ? { "aria-invalid": "true" as const } : {}), ...(described ? { "aria-describedby": described } : {}) })}
      {errs.length > 0 && (
        <span class="error-text" id={`${id}-error`}>
          {errs.join(" ")}
        </span>
      )}
    </div>
  );
}

export function TextField(props: { name: string; label: string; value?: string | null | undefined; hint?: string; errors?: FieldErrors | undefined; type?: string; dir?: "auto" | "rtl" | "ltr"; required?: boolean; autocomplete?: string; inputmode?: string; lang?: string }) {
  return (
    <Field name={props.name} label={props.label} hint={props.hint} errors={props.errors}>
      {(a) => <input {...a} type={props.type ?? "text"} value={props.value ?? ""} dir={props.dir ?? "auto"} required={props.required} autocomplete={props.autocomplete} inputMode={props.inputmode} lang={props.lang} />}
    </Field>
  );
}

export function TextArea(props: { name: string; label: string; value?: string | null | undefined; hint?: string; errors?: FieldErrors | undefined; rows?: number }) {
  return (
    <Field name={props.name} label={props.label} hint={props.hint} errors={props.errors}>
      {(a) => (
        <textarea {...a} dir="auto" rows={props.rows ?? 4}>
          {props.value ?? ""}
        </textarea>
      )}
    </Field>
  );
}

export function SelectField(props: { name: string; label: string; value?: string | null | undefined; options: readonly { value: string; label: string }[]; hint?: string; errors?: FieldErrors | undefined; blank?: string }) {
  return (
    <Field name={props.name} label={props.label} hint={props.hint} errors={props.errors}>
      {(a) => (
        <select {...a}>
          {props.blank !== undefined && <option value="">{props.blank}</option>}
          {props.options.map((o) => (
            <option value={o.value} selected={o.value === (props.value ?? "")}>
              {o.label}
            </option>
          ))}
        </select>
      )}
    </Field>
  );
}

/** A summary at the top of a form with errors, linking to each field. */
export function ErrorSummary({ env, errors }: { env: PageEnv; errors: FieldErrors | undefined }) {
  const entries = Object.entries(errors ?? {});
  if (!entries.length) return null;
  const n = entries.reduce((s, [, v]) => s + v.length, 0);
  return (
    <div class="notice error" role="alert" tabIndex={-1} id="error-summary">
      <p>{env.t("workspace.formErrors", { n })}</p>
      <ul>
        {entries.map(([field, msgs]) => (
          <li>{field === "_form" ? msgs.join(" ") : <a href={`#f-${field.replace(/[^a-zA-Z0-9_-]/g, "-")}`}>{msgs.join(" ")}</a>}</li>
        ))}
      </ul>
    </div>
  );
}

/** Plain-text value of a form field. */
export function str(body: unknown, name: string): string {
  const v = (body as Record<string, unknown> | undefined)?.[name];
  if (Array.isArray(v)) return typeof v[0] === "string" ? v[0] : "";
  return typeof v === "string" ? v : "";
}

/** All values of a repeated form field. */
export function strs(body: unknown, name: string): string[] {
  const v = (body as Record<string, unknown> | undefined)?.[name];
  if (Array.isArray(v)) return v.filter((x): x is string => typeof x === "string");
  return typeof v === "string" ? [v] : [];
}
