import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import {
  adb,
  beginTotp,
  ClientThrottle,
  completeSecondFactor,
  confirmTotp,
  finishPasskeyRegistration,
  passkeyRegistrationOptions,
  passkeySignInOptions,
  peekLink,
  pendingTotpSecret,
  recentlyAuthenticated,
  redeemLink,
  revokeSession,
  revokeUserSessions,
  securitySettings,
  setLanguage,
  signInWithPasskey,
  signInWithPassword,
  upgradeSession,
  writeAudit,
  type LinkKind,
  type SignInOutcome,
} from "../accounts/index.ts";
import { VigilError } from "../core/errors.ts";
import { isLang } from "../web/index.ts";
import { authenticate, clearFlowCookie, clearSessionCookie, clientKey, relyingParty, safeNext, setFlowCookie, setLangCookie, setSessionCookie } from "./http.ts";
import { messages } from "./messages.ts";
import { Csrf, ErrorSummary, errorsByField, pageEnv, sendPage, StaffLayout, str, TextField, type FieldErrors, type PageEnv } from "./ui.tsx";
import { QrCode } from "./qr-code.tsx";

messages({
  "workspace.signIn.title": ["Sign in", "ورود"],
  "workspace.signIn.email": ["Email", "ایمیل"],
  "workspace.signIn.password": ["Password", "گذرواژه"],
  "workspace.signIn.submit": ["Sign in", "ورود"],
  "workspace.signIn.failed": ["The email or password is wrong.", "ایمیل یا گذرواژه نادرست است."],
  "workspace.signIn.throttled": ["Too many failed attempts. Wait a few minutes, then try again.", "تلاش‌های ناموفق زیاد بود. چند دقیقه صبر کنید و دوباره امتحان کنید."],
  "workspace.signIn.usePasskey": ["This account signs in with a passkey.", "این حساب با کلید عبور وارد می‌شود."],
  "workspace.signIn.passkey": ["Sign in with a passkey", "ورود با کلید عبور"],
  "workspace.signIn.passkeyHint": ["The safest way: your device proves who you are, and a fake site cannot relay it.", "امن‌ترین راه: دستگاه شما هویتتان را ثابت می‌کند و یک سایت جعلی نمی‌تواند آن را بازپخش کند."],
  "workspace.signIn.passkeyNeedsJs": ["Passkeys need JavaScript in this browser; the password form works without it.", "کلید عبور در این مرورگر به جاوااسکریپت نیاز دارد؛ فرم گذرواژه بدون آن هم کار می‌کند."],
  "workspace.signIn.passkeyHost": ["Passkeys work at this server's own name (for example http://localhost:port), not at a bare IP address.", "کلید عبور فقط با نام خود سرور (مثلاً http://localhost:port) کار می‌کند، نه با نشانی IP."],
  "workspace.signIn.or": ["or with your password", "یا با گذرواژه"],
  "workspace.signIn.phishing": ["Vigil staff never ask for your password or codes by message or phone. Check the address bar before you type.", "کارکنان ویجیل هرگز گذرواژه یا کد شما را با پیام یا تلفن نمی‌خواهند. پیش از تایپ، نشانی مرورگر را بررسی کنید."],
  "workspace.code.title": ["Code from your authenticator app", "کد برنامه احراز هویت"],
  "workspace.code.label": ["6-digit code", "کد ۶ رقمی"],
  "workspace.code.hint": ["Open your authenticator app and type the current code for Vigil.", "برنامه احراز هویت را باز کنید و کد فعلی ویجیل را وارد کنید."],
  "workspace.code.failed": ["That code is wrong or was already used. Sign in again if this keeps happening.", "این کد نادرست است یا قبلاً استفاده شده. اگر تکرار شد دوباره وارد شوید."],
  "workspace.code.expired": ["This sign-in has expired. Start again.", "این ورود منقضی شده است. از نو شروع کنید."],
  "workspace.code.submit": ["Continue", "ادامه"],
  "workspace.setup.title": ["Create the first administrator", "ساختن نخستین مدیر"],
  "workspace.invite.title": ["Accept your invitation", "پذیرفتن دعوت"],
  "workspace.recovery.title": ["Recover your account", "بازیابی حساب"],
  "workspace.link.expired": ["This link has expired or was already used. Ask an administrator for a new one.", "این پیوند منقضی شده یا قبلاً استفاده شده است. از مدیر پیوند تازه بخواهید."],
  "workspace.link.intro": ["Choose a password. Next you will set up a passkey or an authenticator app: the account works only with one.", "گذرواژه‌ای انتخاب کنید. سپس یک کلید عبور یا برنامه احراز هویت تنظیم می‌کنید: حساب فقط با یکی از آن‌ها کار می‌کند."],
  "workspace.link.name": ["Your name", "نام شما"],
  "workspace.link.password": ["New password", "گذرواژه تازه"],
  "workspace.link.passwordHint": ["At least 12 characters; a few unrelated words make a strong one.", "دست‌کم ۱۲ نویسه؛ چند واژه نامرتبط گذرواژه قوی می‌سازد."],
  "workspace.link.confirm": ["The same password again", "همان گذرواژه دوباره"],
  "workspace.link.submit": ["Continue", "ادامه"],
  "workspace.enrol.title": ["Set up a second factor", "تنظیم عامل دوم"],
  "workspace.enrol.intro": ["Your account needs a second proof of who you are. A passkey is best; an authenticator app is the fallback.", "حساب شما به اثبات دومی از هویتتان نیاز دارد. کلید عبور بهترین است؛ برنامه احراز هویت جایگزین است."],
  "workspace.enrol.passkey": ["Add a passkey", "افزودن کلید عبور"],
  "workspace.enrol.passkeyName": ["Name for this passkey (e.g. work laptop)", "نام این کلید عبور (مثلاً لپ‌تاپ کار)"],
  "workspace.enrol.passkeysOnly": ["This organisation accepts only passkeys.", "این سازمان فقط کلید عبور را می‌پذیرد."],
  "workspace.enrol.totp": ["Or use an authenticator app", "یا از برنامه احراز هویت استفاده کنید"],
  "workspace.enrol.totpSteps": ["In your authenticator app, add an account by scanning this code, or by entering the key below it, then type the code the app shows.", "در برنامه احراز هویت، با اسکن این کد یا وارد کردن کلید زیر آن حسابی بیفزایید و کدی را که برنامه نشان می‌دهد وارد کنید."],
  "workspace.enrol.qr": ["QR code to add this account to an authenticator app", "کد QR برای افزودن این حساب به برنامه احراز هویت"],
  "workspace.enrol.key": ["Key", "کلید"],
  "workspace.enrol.uri": ["Setup address (for apps that accept it)", "نشانی تنظیم (برای برنامه‌هایی که می‌پذیرند)"],
  "workspace.enrol.confirm": ["Confirm", "تأیید"],
  "workspace.enrol.reauth": ["For your safety, security changes need a recent sign-in. Sign out and sign in again, then come back.", "برای امنیت شما، تغییرات امنیتی به ورود تازه نیاز دارد. خارج شوید، دوباره وارد شوید و برگردید."],
  "workspace.enrol.done": ["Your second factor is set up.", "عامل دوم شما تنظیم شد."],
});

type LinkPath = "setup" | "invite" | "recover";
const linkKind: Record<LinkPath, LinkKind> = { setup: "setup", invite: "invite", recover: "recovery" };

function SignInForm({ env, email, next, error, passkeys }: { env: PageEnv; email?: string; next: string; error?: string | undefined; passkeys: boolean }) {
  const { t } = env;
  return (
    <StaffLayout env={env} title={t("workspace.signIn.title")} bare notice={error ? { kind: "error", text: error } : undefined}>
      <div class="narrow">
        <h1>{t("workspace.signIn.title")}</h1>
        <section class="panel" aria-labelledby="passkey-h">
          <h2 id="passkey-h">{t("workspace.signIn.passkey")}</h2>
          <p class="hint">{t("workspace.signIn.passkeyHint")}</p>
          {passkeys ? (
            <>
              <div data-passkey="sign-in" data-next={next} hidden>
                <button type="button" class="primary">
                  {t("workspace.signIn.passkey")}
                </button>
                <p class="passkey-status" role="status" aria-live="polite" />
              </div>
              <p class="js-hide hint">{t("workspace.signIn.passkeyNeedsJs")}</p>
            </>
          ) : (
            <p class="hint">{t("workspace.signIn.passkeyHost")}</p>
          )}
        </section>
        <h2>{t("workspace.signIn.or")}</h2>
        <form method="post" action="/workspace/sign-in" class="panel">
          <Csrf env={env} />
          <input type="hidden" name="next" value={next} />
          <TextField name="email" label={t("workspace.signIn.email")} type="email" value={email} autocomplete="username webauthn" dir="ltr" required />
          <TextField name="password" label={t("workspace.signIn.password")} type="password" autocomplete="current-password" dir="ltr" required />
          <button type="submit">{t("workspace.signIn.submit")}</button>
        </form>
        <p class="hint">{t("workspace.signIn.phishing")}</p>
      </div>
    </StaffLayout>
  );
}

function CodeForm({ env, next, error }: { env: PageEnv; next: string; error?: string | undefined }) {
  const { t } = env;
  const errors: FieldErrors | undefined = error ? { code: [error] } : undefined;
  return (
    <StaffLayout env={env} title={t("workspace.code.title")} bare>
      <div class="narrow">
        <h1>{t("workspace.code.title")}</h1>
        <ErrorSummary env={env} errors={errors} />
        <form method="post" action="/workspace/sign-in/code" class="panel">
          <Csrf env={env} />
          <input type="hidden" name="next" value={next} />
          <TextField name="code" label={t("workspace.code.label")} hint={t("workspace.code.hint")} errors={errors} autocomplete="one-time-code" inputmode="numeric" dir="ltr" required />
          <button type="submit">{t("workspace.code.submit")}</button>
        </form>
      </div>
    </StaffLayout>
  );
}

function LinkForm({ env, path, token, email, values, errors }: { env: PageEnv; path: LinkPath; token: string; email?: string | undefined; values: Record<string, string>; errors?: FieldErrors | undefined }) {
  const { t } = env;
  const title = t(path === "setup" ? "workspace.setup.title" : path === "invite" ? "workspace.invite.title" : "workspace.recovery.title");
  return (
    <StaffLayout env={env} title={title} bare>
      <div class="narrow">
        <h1>{title}</h1>
        <p>{t("workspace.link.intro")}</p>
        <ErrorSummary env={env} errors={errors} />
        <form method="post" action={`/workspace/${path}`} class="panel">
          <Csrf env={env} />
          <input type="hidden" name="token" value={token} />
          {path === "setup" ? (
            <>
              <TextField name="email" label={t("workspace.signIn.email")} type="email" value={values.email} errors={errors} autocomplete="username" dir="ltr" required />
              <TextField name="displayName" label={t("workspace.link.name")} value={values.displayName} errors={errors} autocomplete="name" required />
            </>
          ) : (
            <p>
              <strong>{t("workspace.signIn.email")}:</strong> <bdi>{email}</bdi>
            </p>
          )}
          <TextField name="password" label={t("workspace.link.password")} hint={t("workspace.link.passwordHint")} type="password" errors={errors} autocomplete="new-password" dir="ltr" required />
          <TextField name="confirm" label={t("workspace.link.confirm")} type="password" errors={errors} autocomplete="new-password" dir="ltr" required />
          <button type="submit">{t("workspace.link.submit")}</button>
        </form>
      </div>
    </StaffLayout>
  );
}

function EnrolPage({ env, totp, requirePasskeys, passkeys, error, reauth, bare }: { env: PageEnv; totp?: { flow: string; secret: string; uri: string } | undefined; requirePasskeys: boolean; passkeys: boolean; error?: string | undefined; reauth: boolean; bare: boolean }) {
  const { t } = env;
  const errors: FieldErrors | undefined = error ? { code: [error] } : undefined;
  return (
    <StaffLayout env={env} title={t("workspace.enrol.title")} bare={bare}>
      <div class="narrow">
        <h1>{t("workspace.enrol.title")}</h1>
        {reauth ? (
          <p class="notice">{t("workspace.enrol.reauth")}</p>
        ) : (
          <>
            <p>{t("workspace.enrol.intro")}</p>
            <ErrorSummary env={env} errors={errors} />
            <section class="panel">
              <h2>{t("workspace.enrol.passkey")}</h2>
              {passkeys ? (
                <>
                  <div data-passkey="register" hidden>
                    <label for="passkey-name">{t("workspace.enrol.passkeyName")}</label>
                    <input id="passkey-name" type="text" name="passkeyName" dir="auto" maxLength={100} />
                    <p>
                      <button type="button">{t("workspace.enrol.passkey")}</button>
                    </p>
                    <p class="passkey-status" role="status" aria-live="polite" />
                  </div>
                  <p class="js-hide hint">{t("workspace.signIn.passkeyNeedsJs")}</p>
                </>
              ) : (
                <p class="hint">{t("workspace.signIn.passkeyHost")}</p>
              )}
              <form hidden method="post" action="/workspace/enrol" id="csrf-holder">
                <Csrf env={env} />
              </form>
            </section>
            {requirePasskeys ? (
              <p class="notice">{t("workspace.enrol.passkeysOnly")}</p>
            ) : (
              totp && (
                <section class="panel">
                  <h2>{t("workspace.enrol.totp")}</h2>
                  <p>{t("workspace.enrol.totpSteps")}</p>
                  <QrCode text={totp.uri} label={t("workspace.enrol.qr")} />
                  <p>
                    {t("workspace.enrol.key")}: <code class="secret ltr-value">{totp.secret.replace(/(.{4})/g, "$1 ").trim()}</code>
                  </p>
                  <details>
                    <summary>{t("workspace.enrol.uri")}</summary>
                    <code class="ltr-value wrap">{totp.uri}</code>
                  </details>
                  <form method="post" action="/workspace/enrol/totp">
                    <Csrf env={env} />
                    <input type="hidden" name="flow" value={totp.flow} />
                    <TextField name="code" label={t("workspace.code.label")} errors={errors} autocomplete="one-time-code" inputmode="numeric" dir="ltr" required />
                    <button type="submit">{t("workspace.enrol.confirm")}</button>
                  </form>
                </section>
              )
            )}
          </>
        )}
      </div>
    </StaffLayout>
  );
}

const clients = new ClientThrottle();

async function env(req: FastifyRequest, reply: FastifyReply): Promise<PageEnv> {
  return pageEnv(req, reply);
}

async function finishSignIn(req: FastifyRequest, reply: FastifyReply, outcome: SignInOutcome, next: string): Promise<FastifyReply | undefined> {
  if (outcome.kind !== "session") return undefined;
  setSessionCookie(req, reply, outcome.token);
  return reply.redirect(outcome.session.stage === "enrol" ? "/workspace/enrol" : next, 303);
}

/** Sign-in, sign-out, language, one-time links and second-factor setup. */
export async function authPages(app: FastifyInstance): Promise<void> {
  const signInLimit = { rateLimit: { max: 30, timeWindow: 60_000, keyGenerator: (req: FastifyRequest) => `signin:${req.ip}` } };

  app.get("/sign-in", { config: { access: "public" } }, async (req, reply) => {
    const q = req.query as Record<string, string | undefined>;
    if (q.lang && isLang(q.lang)) {
      setLangCookie(req, reply, q.lang);
    }
    const auth = await authenticate(req);
    if (auth.session?.stage === "full") return reply.redirect(safeNext(q.next), 303);
    return sendPage(reply, <SignInForm env={await env(req, reply)} next={safeNext(q.next)} passkeys={Boolean(relyingParty(req))} />);
  });

  app.post("/sign-in", { config: { access: "public", ...signInLimit } }, async (req, reply) => {
    const body = req.body;
    const next = safeNext(str(body, "next"));
    const email = str(body, "email").slice(0, 300);
    const outcome = await signInWithPassword({ store: app.deps.store, now: new Date(), clientKey: await clientKey(req), clients }, email, str(body, "password"));
    const done = await finishSignIn(req, reply, outcome, next);
    if (done) return done;
    const e = await env(req, reply);
    if (outcome.kind === "second_factor") {
      setFlowCookie(req, reply, "vigil_2fa", outcome.flowToken);
      return reply.redirect(`/workspace/sign-in/code?next=${encodeURIComponent(next)}`, 303);
    }
    const error = outcome.kind === "throttled" ? e.t("workspace.signIn.throttled") : outcome.kind === "use_passkey" ? e.t("workspace.signIn.usePasskey") : e.t("workspace.signIn.failed");
    return sendPage(reply, <SignInForm env={e} email={email} next={next} error={error} passkeys={Boolean(relyingParty(req))} />, outcome.kind === "throttled" ? 429 : 401);
  });

  app.get("/sign-in/code", { config: { access: "public" } }, async (req, reply) => {
    const next = safeNext((req.query as Record<string, string | undefined>).next);
    const e = await env(req, reply);
    if (!req.cookies.vigil_2fa) return sendPage(reply, <SignInForm env={e} next={next} error={e.t("workspace.code.expired")} passkeys={Boolean(relyingParty(req))} />, 400);
    return sendPage(reply, <CodeForm env={e} next={next} />);
  });

  app.post("/sign-in/code", { config: { access: "public", ...signInLimit } }, async (req, reply) => {
    const next = safeNext(str(req.body, "next"));
    const outcome = await completeSecondFactor({ store: app.deps.store, now: new Date(), clientKey: await clientKey(req), clients }, req.cookies.vigil_2fa ?? "", str(req.body, "code"));
    if (outcome.kind === "session") clearFlowCookie(req, reply, "vigil_2fa");
    const done = await finishSignIn(req, reply, outcome, next);
    if (done) return done;
    const e = await env(req, reply);
    return sendPage(reply, <CodeForm env={e} next={next} error={e.t(outcome.kind === "throttled" ? "workspace.signIn.throttled" : "workspace.code.failed")} />, outcome.kind === "throttled" ? 429 : 401);
  });

  app.post("/passkey/options", { config: { access: "public", ...signInLimit } }, async (req, reply) => {
    const rp = relyingParty(req);
    if (!rp) throw new VigilError("unsupported", "passkeys are not available at this address");
    const { options, flowToken } = await passkeySignInOptions(adb(app.deps.store.db), rp, new Date());
    setFlowCookie(req, reply, "vigil_wa", flowToken);
    return reply.header("cache-control", "no-store").send({ options });
  });

  app.post("/passkey/verify", { config: { access: "public", ...signInLimit } }, async (req, reply) => {
    const rp = relyingParty(req);
    if (!rp) throw new VigilError("unsupported", "passkeys are not available at this address");
    const body = req.body as { response?: unknown; next?: unknown } | undefined;
    const outcome = await signInWithPasskey({ store: app.deps.store, now: new Date(), clientKey: await clientKey(req), clients }, rp, req.cookies.vigil_wa ?? "", body?.response);
    clearFlowCookie(req, reply, "vigil_wa");
    if (outcome.kind !== "session") return reply.code(outcome.kind === "throttled" ? 429 : 401).send({ error: { code: "unauthenticated", message: "passkey sign-in failed" } });
    setSessionCookie(req, reply, outcome.token);
    return reply.send({ ok: true, next: safeNext(body?.next) });
  });

  app.post("/sign-out", { config: { access: "session" } }, async (req, reply) => {
    const auth = await authenticate(req);
    if (auth.session) {
      await revokeSession(adb(app.deps.store.db), auth.session.id);
      await writeAudit(adb(app.deps.store.db), { id: auth.session.userId, role: (auth.user?.role ?? "viewer") as never }, { action: "auth.sign_out", targetType: "user", targetId: auth.session.userId });
    }
    clearSessionCookie(req, reply);
    return reply.redirect("/workspace/sign-in", 303);
  });

  app.post("/sign-out-everywhere", { config: { access: "session" } }, async (req, reply) => {
    const auth = await authenticate(req);
    if (auth.session) {
      const n = await revokeUserSessions(adb(app.deps.store.db), auth.session.userId);
      await writeAudit(adb(app.deps.store.db), { id: auth.session.userId, role: (auth.user?.role ?? "viewer") as never }, { action: "auth.sign_out_everywhere", targetType: "user", targetId: auth.session.userId, detail: { sessions: n } });
    }
    clearSessionCookie(req, reply);
    return reply.redirect("/workspace/sign-in", 303);
  });

  app.post("/lang", { config: { access: "session" } }, async (req, reply) => {
    const auth = await authenticate(req);
    const lang = str(req.body, "lang");
    await setLanguage({ ...auth.ctx, actor: { id: auth.session!.userId, role: (auth.user?.role ?? "viewer") as never } }, lang);
    return reply.redirect(safeNext(str(req.body, "next")), 303);
  });

  for (const path of ["setup", "invite", "recover"] as const) {
    app.get(`/${path}`, { config: { access: "public" } }, async (req, reply) => {
      const token = (req.query as Record<string, string | undefined>).token ?? "";
      const e = await env(req, reply);
      const link = await peekLink(adb(app.deps.store.db), linkKind[path], token, new Date());
      if (!link) return sendPage(reply, <StaffLayout env={e} title={e.t("workspace.error.notFound")} bare><h1>{e.t("workspace.error.notFound")}</h1><p>{e.t("workspace.link.expired")}</p></StaffLayout>, 404);
      return sendPage(reply, <LinkForm env={e} path={path} token={token} email={link.user?.email} values={{}} />);
    });
    app.post(`/${path}`, { config: { access: "public", ...signInLimit } }, async (req, reply) => {
      const body = req.body;
      const token = str(body, "token");
      const values = { email: str(body, "email"), displayName: str(body, "displayName") };
      try {
        const r = await redeemLink(app.deps.store, linkKind[path], token, { password: str(body, "password"), confirm: str(body, "confirm"), email: values.email, displayName: values.displayName }, new Date());
        setSessionCookie(req, reply, r.token);
        return reply.redirect("/workspace/enrol", 303);
      } catch (err) {
        if (!(err instanceof VigilError) || err.code !== "validation") throw err;
        const e = await env(req, reply);
        const link = await peekLink(adb(app.deps.store.db), linkKind[path], token, new Date());
        return sendPage(reply, <LinkForm env={e} path={path} token={token} email={link?.user?.email} values={values} errors={errorsByField(err.problems)} />, 400);
      }
    });
  }

  const enrolPage = async (req: FastifyRequest, reply: FastifyReply, error?: string, flow?: string): Promise<FastifyReply> => {
    const auth = await authenticate(req);
    const e = await env(req, reply);
    const settings = await securitySettings(adb(app.deps.store.db));
    const reauth = auth.session!.stage === "full" && !recentlyAuthenticated(auth.session!, new Date());
    const ctx = { ...auth.ctx, actor: { id: auth.session!.userId, role: (auth.user?.role ?? "viewer") as never } };
    let totp: { flow: string; secret: string; uri: string } | undefined;
    if (!settings.requirePasskeys && !reauth) {
      const secret = flow ? await pendingTotpSecret(ctx, flow) : undefined;
      if (flow && secret) totp = { flow, secret, uri: `otpauth://totp/Vigil:${encodeURIComponent(auth.user?.email ?? "")}?secret=${secret}&issuer=Vigil` };
      else {
        const s = await beginTotp(ctx, "Vigil");
        totp = { flow: s.flowToken, secret: s.secret, uri: s.uri };
      }
    }
    return sendPage(reply, <EnrolPage env={e} totp={totp} requirePasskeys={settings.requirePasskeys} passkeys={Boolean(relyingParty(req))} error={error} reauth={reauth} bare={auth.session!.stage !== "full"} />, error ? 400 : 200);
  };

  app.get("/enrol", { config: { access: "session" } }, async (req, reply) => enrolPage(req, reply));

  app.post("/enrol/totp", { config: { access: "session" } }, async (req, reply) => {
    const auth = await authenticate(req);
    const ctx = { ...auth.ctx, actor: { id: auth.session!.userId, role: (auth.user?.role ?? "viewer") as never } };
    if (auth.session!.stage === "full" && !recentlyAuthenticated(auth.session!, new Date())) return enrolPage(req, reply);
    const flow = str(req.body, "flow");
    try {
      await confirmTotp(ctx, flow, str(req.body, "code"));
    } catch (err) {
      if (err instanceof VigilError && err.code === "validation") return enrolPage(req, reply, err.message, flow);
      throw err;
    }
    if (auth.session!.stage === "enrol") {
      const up = await upgradeSession(app.deps.store, auth.session!, new Date());
      if (up) setSessionCookie(req, reply, up.token);
      return reply.redirect(up ? "/workspace/?done=enrolled" : "/workspace/enrol", 303);
    }
    return reply.redirect("/workspace/account?done=enrolled", 303);
  });

  app.post("/account/passkeys/options", { config: { access: "session" } }, async (req, reply) => {
    const auth = await authenticate(req);
    const rp = relyingParty(req);
    if (!rp) throw new VigilError("unsupported", "passkeys are not available at this address");
    if (auth.session!.stage === "full" && !recentlyAuthenticated(auth.session!, new Date())) throw new VigilError("forbidden", "security changes need a recent sign-in: sign out and in again");
    const ctx = { ...auth.ctx, actor: { id: auth.session!.userId, role: (auth.user?.role ?? "viewer") as never } };
    const { options, flowToken } = await passkeyRegistrationOptions(ctx, rp);
    setFlowCookie(req, reply, "vigil_wr", flowToken);
    return reply.header("cache-control", "no-store").send({ options });
  });

  app.post("/account/passkeys/verify", { config: { access: "session" } }, async (req, reply) => {
    const auth = await authenticate(req);
    const rp = relyingParty(req);
    if (!rp) throw new VigilError("unsupported", "passkeys are not available at this address");
    const ctx = { ...auth.ctx, actor: { id: auth.session!.userId, role: (auth.user?.role ?? "viewer") as never } };
    const body = req.body as { response?: unknown; name?: unknown } | undefined;
    await finishPasskeyRegistration(ctx, rp, req.cookies.vigil_wr ?? "", body?.response, typeof body?.name === "string" ? body.name : "");
    clearFlowCookie(req, reply, "vigil_wr");
    let next = "/workspace/account?done=passkey";
    if (auth.session!.stage === "enrol") {
      const up = await upgradeSession(app.deps.store, auth.session!, new Date());
      if (up) setSessionCookie(req, reply, up.token);
      next = "/workspace/?done=enrolled";
    }
    return reply.send({ ok: true, next });
  });
}
