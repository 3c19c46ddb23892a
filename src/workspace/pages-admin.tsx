import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import {
  addGrant,
  approveRecovery,
  baseUrl,
  can,
  cancelRecovery,
  changePassword,
  createApiToken,
  exportAudit,
  inviteUser,
  listApiTokens,
  listAudit,
  listGrants,
  listPasskeys,
  listRecoveryRequests,
  listSessions,
  listUsers,
  recentlyAuthenticated,
  reissueInvite,
  removeGrant,
  removePasskey,
  removeTotp,
  revokeApiToken,
  saveSecuritySettings,
  securitySettings,
  startRecovery,
  updateUser,
  adb,
  getUser,
  SCOPE_NAMES,
  USER_ROLES,
} from "../accounts/index.ts";
import { VigilError } from "../core/errors.ts";
import { listVocabularies, saveTerm, VOCABULARY_NAMES } from "../records/index.ts";
import { digits, num } from "../web/index.ts";
import { authenticate } from "./http.ts";
import { messages } from "./messages.ts";
import { approveProposal, getProposal, listProposals, rejectProposal, withdrawProposal, type Proposal } from "./proposals.ts";
import { doneNotice } from "./pages-records.tsx";
import { Csrf, ErrorSummary, errorsByField, pageEnv, SelectField, sendPage, StaffLayout, str, strs, TextField, type FieldErrors, type PageEnv } from "./ui.tsx";

messages({
  "workspace.users.title": ["Users and roles", "کاربران و نقش‌ها"],
  "workspace.users.email": ["Email", "ایمیل"],
  "workspace.users.name": ["Name", "نام"],
  "workspace.users.role": ["Role", "نقش"],
  "workspace.users.status": ["Status", "وضعیت"],
  "workspace.users.factors": ["Second factors", "عامل‌های دوم"],
  "workspace.users.status.active": ["active", "فعال"],
  "workspace.users.status.invited": ["invited", "دعوت‌شده"],
  "workspace.users.status.disabled": ["disabled", "غیرفعال"],
  "workspace.users.invite": ["Invite someone", "دعوت از کسی"],
  "workspace.users.inviteSubmit": ["Invite", "دعوت"],
  "workspace.users.link": ["Give this one-time link to {email} through a channel you trust. It works once, for {hours, number} hours, and will not be shown again:", "این پیوند یک‌بارمصرف را از راهی مطمئن به {email} بدهید. یک بار و تا {hours, number} ساعت کار می‌کند و دوباره نشان داده نمی‌شود:"],
  "workspace.users.save": ["Save", "ذخیره"],
  "workspace.users.disable": ["Disable", "غیرفعال کردن"],
  "workspace.users.enable": ["Enable", "فعال کردن"],
  "workspace.users.reinvite": ["New invitation link", "پیوند دعوت تازه"],
  "workspace.users.recover": ["Start recovery", "شروع بازیابی"],
  "workspace.users.recoverReason": ["How did they prove who they are?", "چگونه هویتشان را ثابت کردند؟"],
  "workspace.users.recoveries": ["Recovery requests waiting for a second admin", "درخواست‌های بازیابی در انتظار مدیر دوم"],
  "workspace.users.approve": ["Approve", "تأیید"],
  "workspace.users.cancel": ["Refuse", "رد"],
  "workspace.users.recoveryLine": ["{user}: asked by {by} — {reason}", "{user}: درخواست {by} — {reason}"],
  "workspace.users.recoveryStarted": ["Recovery requested. Another administrator must approve it.", "بازیابی درخواست شد. مدیر دیگری باید آن را تأیید کند."],
  "workspace.users.grants": ["Access to restricted facts", "دسترسی به واقعیت‌های محرمانه"],
  "workspace.users.grantRoles": ["Roles that may read every restricted fact", "نقش‌هایی که همه واقعیت‌های محرمانه را می‌خوانند"],
  "workspace.users.grantAdd": ["Grant", "اعطا"],
  "workspace.users.grantRemove": ["Remove", "حذف"],
  "workspace.users.grantWho": ["Person (email)", "فرد (ایمیل)"],
  "workspace.users.grantTarget": ["Record or fact id, or * for everything restricted", "شناسه رکورد یا واقعیت، یا * برای همه موارد محرمانه"],
  "workspace.users.grantLine": ["{subject} may read {target}", "{subject} می‌تواند {target} را بخواند"],
  "workspace.users.everything": ["every restricted fact", "همه واقعیت‌های محرمانه"],
  "workspace.settings.title": ["Sign-in settings", "تنظیمات ورود"],
  "workspace.settings.requirePasskeys": ["Require passkeys (refuse authenticator-app codes)", "الزام کلید عبور (رد کدهای برنامه احراز هویت)"],
  "workspace.settings.requirePasskeysHint": ["Phishing kits relay codes in real time; passkeys cannot be relayed. People without a passkey will be asked to add one at their next sign-in.", "ابزارهای فیشینگ کدها را در لحظه بازپخش می‌کنند؛ کلید عبور بازپخش‌شدنی نیست. از کسانی که کلید عبور ندارند در ورود بعدی خواسته می‌شود یکی بیفزایند."],
  "workspace.audit.title": ["Audit log", "گزارش حسابرسی"],
  "workspace.audit.intro": ["Sign-ins and failures, reads of restricted facts, exports, refusals and permission changes. Entries are never changed or removed.", "ورودها و شکست‌ها، خواندن واقعیت‌های محرمانه، خروجی‌ها، ردها و تغییر دسترسی‌ها. ورودی‌ها هرگز تغییر نمی‌کنند یا پاک نمی‌شوند."],
  "workspace.audit.export": ["Export the whole log (NDJSON)", "خروجی کل گزارش (NDJSON)"],
  "workspace.audit.filter": ["Action (or prefix such as auth.)", "کنش (یا پیشوند مانند auth.)"],
  "workspace.audit.when": ["When", "زمان"],
  "workspace.audit.who": ["Who", "چه کسی"],
  "workspace.audit.what": ["What", "چه"],
  "workspace.audit.target": ["On", "روی"],
  "workspace.audit.detail": ["Detail", "جزئیات"],
  "workspace.audit.older": ["Older entries", "ورودی‌های قدیمی‌تر"],
  "workspace.vocab.title": ["Vocabularies", "واژگان"],
  "workspace.vocab.code": ["Code", "کد"],
  "workspace.vocab.en": ["English", "انگلیسی"],
  "workspace.vocab.fa": ["Persian", "فارسی"],
  "workspace.vocab.retired": ["retired", "بازنشسته"],
  "workspace.vocab.save": ["Add or change a term", "افزودن یا تغییر یک اصطلاح"],
  "workspace.vocab.vocabulary": ["Vocabulary", "واژگان"],
  "workspace.vocab.retire": ["Retired (kept for old facts, not offered for new ones)", "بازنشسته (برای واقعیت‌های قدیمی می‌ماند، برای تازه‌ها پیشنهاد نمی‌شود)"],
  "workspace.review.title": ["Review queue", "صف بازبینی"],
  "workspace.review.intro": ["Changes proposed by researchers wait here. Approving applies them exactly as an editor's own change, with your name.", "تغییراتی که پژوهشگران پیشنهاد داده‌اند اینجا منتظرند. تأیید، آن‌ها را دقیقاً مانند تغییر خود ویراستار و با نام شما اعمال می‌کند."],
  "workspace.review.mine": ["Your proposals", "پیشنهادهای شما"],
  "workspace.review.none": ["Nothing waits for review.", "چیزی در انتظار بازبینی نیست."],
  "workspace.review.by": ["proposed by {who} on {at}", "پیشنهاد {who} در {at}"],
  "workspace.review.approve": ["Approve and apply", "تأیید و اعمال"],
  "workspace.review.reject": ["Reject", "رد"],
  "workspace.review.withdraw": ["Withdraw", "پس گرفتن"],
  "workspace.review.note": ["Note for the researcher", "یادداشت برای پژوهشگر"],
  "workspace.review.status.pending": ["waiting", "در انتظار"],
  "workspace.review.status.approved": ["approved", "تأییدشده"],
  "workspace.review.status.rejected": ["rejected", "ردشده"],
  "workspace.review.status.withdrawn": ["withdrawn", "پس‌گرفته"],
  "workspace.review.error": ["Could not apply: {error}", "اعمال نشد: {error}"],
  "workspace.review.details": ["What would change", "چه تغییری می‌کند"],
  "workspace.review.decided": ["Decided by {who}: {note}", "تصمیم {who}: {note}"],
  "workspace.account.title": ["Your account", "حساب شما"],
  "workspace.account.password": ["Change your password", "تغییر گذرواژه"],
  "workspace.account.current": ["Current password", "گذرواژه فعلی"],
  "workspace.account.passkeys": ["Passkeys", "کلیدهای عبور"],
  "workspace.account.noPasskeys": ["No passkey yet. A passkey is the safest way to sign in.", "هنوز کلید عبوری ندارید. کلید عبور امن‌ترین راه ورود است."],
  "workspace.account.addSecond": ["Add a passkey or an authenticator app", "افزودن کلید عبور یا برنامه احراز هویت"],
  "workspace.account.totp": ["Authenticator app", "برنامه احراز هویت"],
  "workspace.account.totpOn": ["An authenticator app is set up.", "برنامه احراز هویت تنظیم شده است."],
  "workspace.account.totpOff": ["No authenticator app.", "برنامه احراز هویتی نیست."],
  "workspace.account.remove": ["Remove", "حذف"],
  "workspace.account.tokens": ["API tokens for scripts", "توکن‌های API برای اسکریپت‌ها"],
  "workspace.account.tokenName": ["What uses it", "چه چیزی از آن استفاده می‌کند"],
  "workspace.account.tokenScopes": ["Scopes", "دامنه‌ها"],
  "workspace.account.tokenDays": ["Days until it expires", "روز تا انقضا"],
  "workspace.account.tokenCreate": ["Create token", "ساختن توکن"],
  "workspace.account.tokenShown": ["Copy this token now: it will not be shown again. Send it as “Authorization: Bearer …”.", "این توکن را اکنون کپی کنید: دوباره نشان داده نمی‌شود. آن را به صورت «Authorization: Bearer …» بفرستید."],
  "workspace.account.tokenLine": ["{name} — {scopes} — expires {expires}", "{name} — {scopes} — انقضا {expires}"],
  "workspace.account.revoke": ["Revoke", "باطل کردن"],
  "workspace.account.revoked": ["revoked", "باطل‌شده"],
  "workspace.account.sessions": ["Where you are signed in", "جاهایی که وارد شده‌اید"],
  "workspace.account.sessionLine": ["since {at}, by {method}", "از {at}، با {method}"],
  "workspace.account.signOutAll": ["Sign out everywhere", "خروج از همه جا"],
  "workspace.account.scope.read": ["read", "خواندن"],
  "workspace.account.scope.write": ["write", "نوشتن"],
  "workspace.account.scope.restricted": ["restricted facts", "واقعیت‌های محرمانه"],
  "workspace.account.scope.export": ["export", "خروجی"],
  "workspace.account.scope.admin": ["administration", "مدیریت"],
  "workspace.account.done": ["Done.", "انجام شد."],
});

const roleOptions = (env: PageEnv) => USER_ROLES.map((r) => ({ value: r, label: env.t(`workspace.role.${r}`) }));
const when = (env: PageEnv, iso: string | null): string => (iso ? digits(env.lang, iso.slice(0, 16).replace("T", " ")) : "—");

async function usersPage(req: FastifyRequest, reply: FastifyReply, extra: { link?: { email: string; url: string; hours: number }; errors?: FieldErrors; values?: Record<string, string>; notice?: string } = {}): Promise<FastifyReply> {
  const env = await pageEnv(req, reply);
  const { ctx } = await authenticate(req);
  const users = await listUsers(ctx);
  const recoveries = await listRecoveryRequests(ctx);
  const grants = await listGrants(ctx);
  const settings = await securitySettings(adb(ctx.db));
  const byId = new Map(users.map((u) => [u.id, u]));
  const { t } = env;
  const name = (id: string): string => byId.get(id)?.email ?? id;
  return sendPage(
    reply,
    <StaffLayout env={env} title={t("workspace.users.title")} section="users" notice={extra.notice ? { kind: "ok", text: extra.notice } : doneNotice(req, env)}>
      <h1>{t("workspace.users.title")}</h1>
      {extra.link && (
        <div class="notice ok" role="status">
          <p>{t("workspace.users.link", { email: extra.link.email, hours: extra.link.hours })}</p>
          <p>
            <code class="ltr-value wrap">{extra.link.url}</code>
          </p>
        </div>
      )}
      <table>
        <thead>
          <tr>
            <th scope="col">{t("workspace.users.email")}</th>
            <th scope="col">{t("workspace.users.role")}</th>
            <th scope="col">{t("workspace.users.status")}</th>
            <th scope="col">{t("workspace.users.factors")}</th>
            <th scope="col" />
          </tr>
        </thead>
        <tbody>
          {users.map((u) => (
            <tr>
              <td>
                <bdi>{u.email}</bdi>
                <br />
                <span class="muted">
                  <bdi>{u.displayName}</bdi>
                </span>
              </td>
              <td>
                <form method="post" action={`/workspace/users/${u.id}`} class="row">
                  <Csrf env={env} />
                  <input type="hidden" name="version" value={String(u.version)} />
                  <label class="visually-hidden" for={`role-${u.id}`}>
                    {t("workspace.users.role")}
                  </label>
                  <select id={`role-${u.id}`} name="role">
                    {roleOptions(env).map((o) => (
                      <option value={o.value} selected={o.value === u.role}>
                        {o.label}
                      </option>
                    ))}
                  </select>
                  <button type="submit" class="secondary small">
                    {t("workspace.users.save")}
                  </button>
                </form>
              </td>
              <td>{t(`workspace.users.status.${u.status}`)}</td>
              <td>
                {u.passkeys > 0 && <span class="badge public">passkey × {num(env.lang, u.passkeys)}</span>} {u.hasTotp && <span class="badge staff">TOTP</span>}
              </td>
              <td class="row">
                {u.id !== ctx.actor.id && (
                  <form method="post" action={`/workspace/users/${u.id}`} class="inline">
                    <Csrf env={env} />
                    <input type="hidden" name="version" value={String(u.version)} />
                    <input type="hidden" name="status" value={u.status === "disabled" ? "active" : "disabled"} />
                    <button type="submit" class={u.status === "disabled" ? "secondary small" : "danger small"}>
                      {t(u.status === "disabled" ? "workspace.users.enable" : "workspace.users.disable")}
                    </button>
                  </form>
                )}
                {u.status === "invited" && (
                  <form method="post" action={`/workspace/users/${u.id}/reinvite`} class="inline">
                    <Csrf env={env} />
                    <button type="submit" class="secondary small">
                      {t("workspace.users.reinvite")}
                    </button>
                  </form>
                )}
                {u.id !== ctx.actor.id && u.status === "active" && (
                  <details>
                    <summary>{t("workspace.users.recover")}</summary>
                    <form method="post" action={`/workspace/users/${u.id}/recover`}>
                      <Csrf env={env} />
                      <TextField name="reason" label={t("workspace.users.recoverReason")} required />
                      <button type="submit" class="secondary small">
                        {t("workspace.users.recover")}
                      </button>
                    </form>
                  </details>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>

      {recoveries.length > 0 && (
        <section class="panel">
          <h2>{t("workspace.users.recoveries")}</h2>
          <ul class="plain">
            {recoveries.map((r) => (
              <li class="row">
                <span>{t("workspace.users.recoveryLine", { user: name(r.userId), by: name(r.initiator), reason: r.reason })}</span>
                {r.initiator !== ctx.actor.id && r.userId !== ctx.actor.id && (
                  <form method="post" action={`/workspace/recoveries/${r.id}/approve`} class="inline">
                    <Csrf env={env} />
                    <button type="submit" class="small">
                      {t("workspace.users.approve")}
                    </button>
                  </form>
                )}
                <form method="post" action={`/workspace/recoveries/${r.id}/cancel`} class="inline">
                  <Csrf env={env} />
                  <button type="submit" class="secondary small">
                    {t("workspace.users.cancel")}
                  </button>
                </form>
              </li>
            ))}
          </ul>
        </section>
      )}

      <section class="panel">
        <h2>{t("workspace.users.invite")}</h2>
        <ErrorSummary env={env} errors={extra.errors} />
        <form method="post" action="/workspace/users/invite" class="grid three">
          <Csrf env={env} />
          <TextField name="email" label={t("workspace.users.email")} type="email" value={extra.values?.email} errors={extra.errors} dir="ltr" required />
          <TextField name="displayName" label={t("workspace.users.name")} value={extra.values?.displayName} errors={extra.errors} />
          <SelectField name="role" label={t("workspace.users.role")} value={extra.values?.role ?? "researcher"} options={roleOptions(env)} errors={extra.errors} />
          <p>
            <button type="submit">{t("workspace.users.inviteSubmit")}</button>
          </p>
        </form>
      </section>

      <section class="panel">
        <h2>{t("workspace.users.grants")}</h2>
        <form method="post" action="/workspace/grants/roles">
          <Csrf env={env} />
          <fieldset>
            <legend>{t("workspace.users.grantRoles")}</legend>
            {USER_ROLES.map((r) => (
              <label class="choice">
                <input type="checkbox" name="roles" value={r} checked={grants.some((g) => g.subjectType === "role" && g.subject === r && g.target === "*")} /> {t(`workspace.role.${r}`)}
              </label>
            ))}
          </fieldset>
          <button type="submit" class="secondary">
            {t("workspace.users.save")}
          </button>
        </form>
        <ul class="plain">
          {grants
            .filter((g) => g.subjectType === "user")
            .map((g) => (
              <li class="row">
                <span>{t("workspace.users.grantLine", { subject: name(g.subject), target: g.target === "*" ? t("workspace.users.everything") : g.target })}</span>
                <form method="post" action={`/workspace/grants/${g.id}/remove`} class="inline">
                  <Csrf env={env} />
                  <button type="submit" class="secondary small">
                    {t("workspace.users.grantRemove")}
                  </button>
                </form>
              </li>
            ))}
        </ul>
        <form method="post" action="/workspace/grants" class="grid three">
          <Csrf env={env} />
          <TextField name="email" label={t("workspace.users.grantWho")} type="email" dir="ltr" required />
          <TextField name="target" label={t("workspace.users.grantTarget")} value="*" dir="ltr" required />
          <p>
            <button type="submit" class="secondary">
              {t("workspace.users.grantAdd")}
            </button>
          </p>
        </form>
      </section>

      <section class="panel">
        <h2>{t("workspace.settings.title")}</h2>
        <form method="post" action="/workspace/settings">
          <Csrf env={env} />
          <label class="choice">
            <input type="checkbox" name="requirePasskeys" value="1" checked={settings.requirePasskeys} /> {t("workspace.settings.requirePasskeys")}
          </label>
          <p class="hint">{t("workspace.settings.requirePasskeysHint")}</p>
          <button type="submit" class="secondary">
            {t("workspace.users.save")}
          </button>
        </form>
      </section>
    </StaffLayout>,
    extra.errors ? 400 : 200,
  );
}

function ProposalItem({ env, p, canReview, mine }: { env: PageEnv; p: Proposal; canReview: boolean; mine: boolean }) {
  const { t } = env;
  return (
    <li class="panel proposal" id={`proposal-${p.id}`}>
      <h3>
        <bdi>{p.summary}</bdi> <span class="badge draft">{t(`workspace.review.status.${p.status}`)}</span>
      </h3>
      <p class="muted">{t("workspace.review.by", { who: p.proposedBy, at: when(env, p.proposedAt) })}</p>
      {p.recordId && (
        <p>
          <a href={`/workspace/records/${p.recordId}`} class="ltr-value">
            {p.recordId}
          </a>
        </p>
      )}
      {p.reason && (
        <p>
          <bdi>{p.reason}</bdi>
        </p>
      )}
      <details>
        <summary>{t("workspace.review.details")}</summary>
        <pre class="payload" dir="ltr">
          {JSON.stringify(p.op, null, 2)}
        </pre>
      </details>
      {p.error && <p class="notice error">{t("workspace.review.error", { error: p.error })}</p>}
      {p.decidedBy && <p class="muted">{t("workspace.review.decided", { who: p.decidedBy, note: p.decisionNote ?? "" })}</p>}
      {p.status === "pending" && canReview && (
        <form method="post" action={`/workspace/review/${p.id}`} class="row">
          <Csrf env={env} />
          <label class="visually-hidden" for={`note-${p.id}`}>
            {t("workspace.review.note")}
          </label>
          <input id={`note-${p.id}`} type="text" name="note" dir="auto" placeholder={t("workspace.review.note")} />
          <button type="submit" name="decision" value="approve">
            {t("workspace.review.approve")}
          </button>
          <button type="submit" name="decision" value="reject" class="secondary">
            {t("workspace.review.reject")}
          </button>
        </form>
      )}
      {p.status === "pending" && mine && (
        <form method="post" action={`/workspace/review/${p.id}`} class="inline">
          <Csrf env={env} />
          <button type="submit" name="decision" value="withdraw" class="secondary small">
            {t("workspace.review.withdraw")}
          </button>
        </form>
      )}
    </li>
  );
}

export async function adminPages(app: FastifyInstance): Promise<void> {
  app.get("/users", async (req, reply) => usersPage(req, reply));

  app.post("/users/invite", async (req, reply) => {
    const { ctx } = await authenticate(req);
    const values = { email: str(req.body, "email"), displayName: str(req.body, "displayName"), role: str(req.body, "role") };
    try {
      const { user, token } = await inviteUser(ctx, values);
      return usersPage(req, reply, { link: { email: user.email, url: `${baseUrl(app.deps)}/workspace/invite?token=${token}`, hours: 72 } });
    } catch (e) {
      if (e instanceof VigilError && (e.code === "validation" || e.code === "conflict")) return usersPage(req, reply, { values, errors: errorsByField(e.problems.length ? e.problems : [{ field: e.where?.field ?? "email", message: e.message }]) });
      throw e;
    }
  });

  app.post("/users/:id", async (req, reply) => {
    const { ctx } = await authenticate(req);
    const id = (req.params as { id: string }).id;
    const role = str(req.body, "role");
    const status = str(req.body, "status");
    await updateUser(ctx, id, { ...(role ? { role } : {}), ...(status === "active" || status === "disabled" ? { status } : {}) }, Number(str(req.body, "version")) || undefined);
    return reply.redirect("/workspace/users?done=saved", 303);
  });

  app.post("/users/:id/reinvite", async (req, reply) => {
    const { ctx } = await authenticate(req);
    const id = (req.params as { id: string }).id;
    const token = await reissueInvite(ctx, id);
    const user = await getUser(ctx, id);
    return usersPage(req, reply, { link: { email: user.email, url: `${baseUrl(app.deps)}/workspace/invite?token=${token}`, hours: 72 } });
  });

  app.post("/users/:id/recover", async (req, reply) => {
    const { ctx } = await authenticate(req);
    await startRecovery(ctx, (req.params as { id: string }).id, str(req.body, "reason"));
    const env = await pageEnv(req, reply);
    return usersPage(req, reply, { notice: env.t("workspace.users.recoveryStarted") });
  });

  app.post("/recoveries/:id/approve", async (req, reply) => {
    const { ctx } = await authenticate(req);
    const { userId, token } = await approveRecovery(ctx, (req.params as { id: string }).id);
    const user = await getUser(ctx, userId);
    return usersPage(req, reply, { link: { email: user.email, url: `${baseUrl(app.deps)}/workspace/recover?token=${token}`, hours: 24 } });
  });

  app.post("/recoveries/:id/cancel", async (req, reply) => {
    const { ctx } = await authenticate(req);
    await cancelRecovery(ctx, (req.params as { id: string }).id);
    return reply.redirect("/workspace/users?done=saved", 303);
  });

  app.post("/grants/roles", async (req, reply) => {
    const { ctx } = await authenticate(req);
    const wanted = new Set(strs(req.body, "roles"));
    const current = (await listGrants(ctx, { subjectType: "role" })).filter((g) => g.target === "*");
    for (const role of USER_ROLES) {
      const has = current.find((g) => g.subject === role);
      if (wanted.has(role) && !has) await addGrant(ctx, { subjectType: "role", subject: role, target: "*" });
      if (!wanted.has(role) && has) await removeGrant(ctx, has.id);
    }
    return reply.redirect("/workspace/users?done=saved", 303);
  });

  app.post("/grants", async (req, reply) => {
    const { ctx } = await authenticate(req);
    const email = str(req.body, "email").trim().toLowerCase();
    const user = (await listUsers(ctx)).find((u) => u.email === email);
    if (!user) throw new VigilError("validation", `no user with the email ${email}`, { where: { field: "email" } });
    await addGrant(ctx, { subjectType: "user", subject: user.id, target: str(req.body, "target").trim() || "*" });
    return reply.redirect("/workspace/users?done=saved", 303);
  });

  app.post("/grants/:id/remove", async (req, reply) => {
    const { ctx } = await authenticate(req);
    await removeGrant(ctx, (req.params as { id: string }).id);
    return reply.redirect("/workspace/users?done=saved", 303);
  });

  app.post("/settings", async (req, reply) => {
    const { ctx } = await authenticate(req);
    await saveSecuritySettings(ctx, { requirePasskeys: str(req.body, "requirePasskeys") === "1" });
    return reply.redirect("/workspace/users?done=saved", 303);
  });

  app.get("/audit", async (req, reply) => {
    const env = await pageEnv(req, reply);
    const { ctx } = await authenticate(req);
    const q = req.query as Record<string, string | undefined>;
    const action = (q.action ?? "").slice(0, 100);
    const before = Number(q.before) || undefined;
    const entries = await listAudit(ctx, { ...(action ? { action } : {}), ...(before ? { before } : {}), limit: 100 });
    const { t } = env;
    const last = entries[entries.length - 1];
    return sendPage(
      reply,
      <StaffLayout env={env} title={t("workspace.audit.title")} section="audit">
        <h1>{t("workspace.audit.title")}</h1>
        <p>{t("workspace.audit.intro")}</p>
        <div class="row spread">
          <form method="get" action="/workspace/audit" class="search-form">
            <label for="action" class="visually-hidden">
              {t("workspace.audit.filter")}
            </label>
            <input id="action" type="search" name="action" value={action} dir="ltr" placeholder={t("workspace.audit.filter")} />
            <button type="submit" class="secondary">
              {t("workspace.search.go")}
            </button>
          </form>
          {can(ctx.actor, "audit.export") && (
            <a class="button secondary" href="/workspace/audit/export" download="vigil-audit.ndjson">
              {t("workspace.audit.export")}
            </a>
          )}
        </div>
        <table class="audit">
          <thead>
            <tr>
              <th scope="col">{t("workspace.audit.when")}</th>
              <th scope="col">{t("workspace.audit.who")}</th>
              <th scope="col">{t("workspace.audit.what")}</th>
              <th scope="col">{t("workspace.audit.target")}</th>
              <th scope="col">{t("workspace.audit.detail")}</th>
            </tr>
          </thead>
          <tbody>
            {entries.map((e) => (
              <tr>
                <td class="ltr-value">{e.at.slice(0, 19).replace("T", " ")}</td>
                <td class="ltr-value">
                  {e.actorId} <span class="muted">({e.actorRole})</span>
                </td>
                <td class="ltr-value">{e.action}</td>
                <td class="ltr-value">{e.targetId ? `${e.targetType ?? ""} ${e.targetId}` : ""}</td>
                <td class="ltr-value small">{JSON.stringify(e.detail)}</td>
              </tr>
            ))}
          </tbody>
        </table>
        {last && entries.length === 100 && (
          <p class="pagination">
            <a href={`/workspace/audit?before=${last.seq}${action ? `&action=${encodeURIComponent(action)}` : ""}`}>{t("workspace.audit.older")}</a>
          </p>
        )}
      </StaffLayout>,
    );
  });

  app.get("/audit/export", async (req, reply) => {
    const { ctx } = await authenticate(req);
    const lines: string[] = [];
    for await (const line of exportAudit(ctx)) lines.push(line);
    return reply.header("content-disposition", 'attachment; filename="vigil-audit.ndjson"').type("application/x-ndjson; charset=utf-8").send(lines.join(""));
  });

  app.get("/vocabularies", async (req, reply) => {
    const env = await pageEnv(req, reply);
    const { ctx } = await authenticate(req);
    const vocab = await listVocabularies(ctx);
    const { t } = env;
    return sendPage(
      reply,
      <StaffLayout env={env} title={t("workspace.vocab.title")} section="vocabularies" notice={doneNotice(req, env)}>
        <h1>{t("workspace.vocab.title")}</h1>
        {can(ctx.actor, "vocab.manage") && (
          <form method="post" action="/workspace/vocabularies" class="panel grid three">
            <Csrf env={env} />
            <SelectField name="vocabulary" label={t("workspace.vocab.vocabulary")} options={VOCABULARY_NAMES.map((v) => ({ value: v, label: v }))} />
            <TextField name="code" label={t("workspace.vocab.code")} dir="ltr" required />
            <TextField name="labelEn" label={t("workspace.vocab.en")} dir="ltr" required />
            <TextField name="labelFa" label={t("workspace.vocab.fa")} dir="rtl" required />
            <label class="choice">
              <input type="checkbox" name="retired" value="1" /> {t("workspace.vocab.retire")}
            </label>
            <p>
              <button type="submit">{t("workspace.vocab.save")}</button>
            </p>
          </form>
        )}
        <nav class="toc">
          <ul class="row">
            {[...vocab.keys()].map((name) => (
              <li>
                <a href={`#v-${name}`}>{name}</a>
              </li>
            ))}
          </ul>
        </nav>
        {[...vocab].map(([name, terms]) => (
          <section id={`v-${name}`}>
            <h2 class="ltr-value">{name}</h2>
            <table>
              <thead>
                <tr>
                  <th scope="col">{t("workspace.vocab.code")}</th>
                  <th scope="col">{t("workspace.vocab.en")}</th>
                  <th scope="col">{t("workspace.vocab.fa")}</th>
                </tr>
              </thead>
              <tbody>
                {terms.map((term) => (
                  <tr class={term.retired ? "retired" : ""}>
                    <td class="ltr-value">
                      {term.code} {term.retired && <span class="badge draft">{t("workspace.vocab.retired")}</span>}
                    </td>
                    <td lang="en">{term.labelEn}</td>
                    <td lang="fa" dir="rtl">
                      {term.labelFa}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </section>
        ))}
      </StaffLayout>,
    );
  });

  app.post("/vocabularies", async (req, reply) => {
    const { ctx } = await authenticate(req);
    await saveTerm(ctx, { vocabulary: str(req.body, "vocabulary"), code: str(req.body, "code").trim(), labelEn: str(req.body, "labelEn"), labelFa: str(req.body, "labelFa"), retired: str(req.body, "retired") === "1" });
    return reply.redirect("/workspace/vocabularies?done=saved", 303);
  });

  app.get("/review", async (req, reply) => {
    const env = await pageEnv(req, reply);
    const { ctx } = await authenticate(req);
    const canReview = can(ctx.actor, "proposal.review");
    const pending = canReview ? await listProposals(ctx, { status: "pending" }) : [];
    const mine = can(ctx.actor, "record.propose") ? await listProposals(ctx, { mine: true, limit: 50 }) : [];
    const { t } = env;
    return sendPage(
      reply,
      <StaffLayout env={env} title={t("workspace.review.title")} section="review" notice={doneNotice(req, env)}>
        <h1>{t("workspace.review.title")}</h1>
        <p>{t("workspace.review.intro")}</p>
        {canReview && (pending.length ? <ol class="plain">{pending.map((p) => <ProposalItem env={env} p={p} canReview mine={p.proposedBy === ctx.actor.id} />)}</ol> : <p>{t("workspace.review.none")}</p>)}
        {mine.length > 0 && (
          <>
            <h2>{t("workspace.review.mine")}</h2>
            <ol class="plain">
              {mine.map((p) => (
                <ProposalItem env={env} p={p} canReview={false} mine />
              ))}
            </ol>
          </>
        )}
      </StaffLayout>,
    );
  });

  app.post("/review/:id", async (req, reply) => {
    const { ctx } = await authenticate(req);
    const id = (req.params as { id: string }).id;
    const decision = str(req.body, "decision");
    const note = str(req.body, "note");
    if (decision === "approve") {
      try {
        await approveProposal(ctx, id, note || null);
      } catch (e) {
        if (e instanceof VigilError && e.status < 500 && e.code !== "forbidden" && e.code !== "not_found") return reply.redirect(`/workspace/review#proposal-${id}`, 303);
        throw e;
      }
    } else if (decision === "reject") await rejectProposal(ctx, id, note || "rejected");
    else if (decision === "withdraw") await withdrawProposal(ctx, id);
    else {
      await getProposal(ctx, id);
      throw new VigilError("validation", "decide approve, reject or withdraw", { where: { field: "decision" } });
    }
    return reply.redirect("/workspace/review?done=saved", 303);
  });

  const accountPage = async (req: FastifyRequest, reply: FastifyReply, extra: { token?: string; errors?: FieldErrors; notice?: string } = {}): Promise<FastifyReply> => {
    const env = await pageEnv(req, reply);
    const auth = await authenticate(req);
    const { ctx } = auth;
    const user = await getUser(ctx, ctx.actor.id);
    const passkeys = await listPasskeys(ctx);
    const tokens = await listApiTokens(ctx);
    const sessions = await listSessions(adb(ctx.db), ctx.actor.id);
    const { t } = env;
    return sendPage(
      reply,
      <StaffLayout env={env} title={t("workspace.account.title")} notice={extra.notice ? { kind: "ok", text: extra.notice } : req.query && (req.query as Record<string, string>).done ? { kind: "ok", text: t("workspace.account.done") } : undefined}>
        <h1>{t("workspace.account.title")}</h1>
        <dl class="facts panel">
          <dt>{t("workspace.users.name")}</dt>
          <dd>
            <bdi>{user.displayName}</bdi>
          </dd>
          <dt>{t("workspace.users.email")}</dt>
          <dd>
            <bdi>{user.email}</bdi>
          </dd>
          <dt>{t("workspace.users.role")}</dt>
          <dd>{t(`workspace.role.${user.role}`)}</dd>
        </dl>
        <section class="panel">
          <h2>{t("workspace.account.passkeys")}</h2>
          {passkeys.length === 0 && <p>{t("workspace.account.noPasskeys")}</p>}
          <ul class="plain">
            {passkeys.map((k) => (
              <li class="row">
                <bdi>{k.name}</bdi> <span class="muted">{when(env, k.createdAt)}</span>
                <form method="post" action="/workspace/account/passkeys/remove" class="inline">
                  <Csrf env={env} />
                  <input type="hidden" name="id" value={k.id} />
                  <button type="submit" class="secondary small">
                    {t("workspace.account.remove")}
                  </button>
                </form>
              </li>
            ))}
          </ul>
          <h3>{t("workspace.account.totp")}</h3>
          <p>{t(user.hasTotp ? "workspace.account.totpOn" : "workspace.account.totpOff")}</p>
          {user.hasTotp && (
            <form method="post" action="/workspace/account/totp/remove" class="inline">
              <Csrf env={env} />
              <button type="submit" class="secondary small">
                {t("workspace.account.remove")}
              </button>
            </form>
          )}
          <p>
            <a class="button" href="/workspace/enrol">
              {t("workspace.account.addSecond")}
            </a>
          </p>
        </section>
        <section class="panel">
          <h2>{t("workspace.account.password")}</h2>
          <ErrorSummary env={env} errors={extra.errors} />
          <form method="post" action="/workspace/account/password">
            <Csrf env={env} />
            <TextField name="current" label={t("workspace.account.current")} type="password" autocomplete="current-password" errors={extra.errors} dir="ltr" required />
            <TextField name="password" label={t("workspace.link.password")} hint={t("workspace.link.passwordHint")} type="password" autocomplete="new-password" errors={extra.errors} dir="ltr" required />
            <button type="submit">{t("workspace.users.save")}</button>
          </form>
        </section>
        <section class="panel">
          <h2>{t("workspace.account.tokens")}</h2>
          {extra.token && (
            <div class="notice ok" role="status">
              <p>{t("workspace.account.tokenShown")}</p>
              <p>
                <code class="ltr-value wrap">{extra.token}</code>
              </p>
            </div>
          )}
          <ul class="plain">
            {tokens.map((k) => (
              <li class="row">
                <span>{t("workspace.account.tokenLine", { name: k.name, scopes: k.scopes.map((s) => t(`workspace.account.scope.${s}`)).join(", "), expires: when(env, k.expiresAt) })}</span>
                {k.revokedAt ? (
                  <span class="badge draft">{t("workspace.account.revoked")}</span>
                ) : (
                  <form method="post" action={`/workspace/account/tokens/${k.id}/revoke`} class="inline">
                    <Csrf env={env} />
                    <button type="submit" class="secondary small">
                      {t("workspace.account.revoke")}
                    </button>
                  </form>
                )}
              </li>
            ))}
          </ul>
          <form method="post" action="/workspace/account/tokens">
            <Csrf env={env} />
            <TextField name="name" label={t("workspace.account.tokenName")} errors={extra.errors} required />
            <fieldset>
              <legend>{t("workspace.account.tokenScopes")}</legend>
              {SCOPE_NAMES.map((s) => (
                <label class="choice">
                  <input type="checkbox" name="scopes" value={s} checked={s === "read"} /> {t(`workspace.account.scope.${s}`)}
                </label>
              ))}
            </fieldset>
            <TextField name="days" label={t("workspace.account.tokenDays")} value="90" inputmode="numeric" errors={extra.errors} />
            <button type="submit">{t("workspace.account.tokenCreate")}</button>
          </form>
        </section>
        <section class="panel">
          <h2>{t("workspace.account.sessions")}</h2>
          <ul class="plain">
            {sessions.map((s) => (
              <li>{t("workspace.account.sessionLine", { at: when(env, s.createdAt), method: s.method })}</li>
            ))}
          </ul>
          <form method="post" action="/workspace/sign-out-everywhere">
            <Csrf env={env} />
            <button type="submit" class="danger">
              {t("workspace.account.signOutAll")}
            </button>
          </form>
        </section>
      </StaffLayout>,
      extra.errors ? 400 : 200,
    );
  };

  const requireRecent = async (req: FastifyRequest): Promise<void> => {
    const auth = await authenticate(req);
    if (!auth.session || !recentlyAuthenticated(auth.session, new Date())) throw new VigilError("forbidden", "security changes need a recent sign-in: sign out and in again");
  };

  app.get("/account", async (req, reply) => accountPage(req, reply));
  app.post("/account/password", async (req, reply) => {
    const auth = await authenticate(req);
    try {
      await changePassword(auth.ctx, str(req.body, "current"), str(req.body, "password"), auth.session?.id);
    } catch (e) {
      if (e instanceof VigilError && e.code === "validation") return accountPage(req, reply, { errors: errorsByField(e.problems) });
      throw e;
    }
    return reply.redirect("/workspace/account?done=password", 303);
  });
  app.post("/account/tokens", async (req, reply) => {
    await requireRecent(req);
    const { ctx } = await authenticate(req);
    try {
      const { token } = await createApiToken(ctx, { name: str(req.body, "name"), scopes: strs(req.body, "scopes"), days: Number(str(req.body, "days") || "90") });
      return accountPage(req, reply, { token });
    } catch (e) {
      if (e instanceof VigilError && e.code === "validation") return accountPage(req, reply, { errors: errorsByField(e.problems.length ? e.problems : [{ field: e.where?.field ?? "name", message: e.message }]) });
      throw e;
    }
  });
  app.post("/account/tokens/:id/revoke", async (req, reply) => {
    const { ctx } = await authenticate(req);
    await revokeApiToken(ctx, (req.params as { id: string }).id);
    return reply.redirect("/workspace/account?done=token", 303);
  });
  app.post("/account/passkeys/remove", async (req, reply) => {
    await requireRecent(req);
    const { ctx } = await authenticate(req);
    await removePasskey(ctx, str(req.body, "id"));
    return reply.redirect("/workspace/account?done=passkey", 303);
  });
  app.post("/account/totp/remove", async (req, reply) => {
    await requireRecent(req);
    const { ctx } = await authenticate(req);
    await removeTotp(ctx);
    return reply.redirect("/workspace/account?done=totp", 303);
  });
}
