import { timingSafeEqual } from "node:crypto";
import type { FastifyInstance, FastifyPluginAsync, FastifyReply, FastifyRequest } from "fastify";
import {
  actorFor,
  adb,
  auditSink,
  hmac,
  resolveApiToken,
  resolveSession,
  serverKey,
  sha256,
  writeAudit,
  SESSION_MAX_MS,
  type ApiToken,
  type RelyingParty,
  type Session,
  type UsersTable,
} from "../accounts/index.ts";
import { makeCtx, PUBLIC, type Actor, type Ctx } from "../core/context.ts";
import { VigilError } from "../core/errors.ts";
import { randomToken } from "../core/ids.ts";
import { isLang, type Lang } from "../web/index.ts";

/**
 * How a request is authenticated, for the workspace and the API alike: a
 * session cookie (pages) or a bearer API token (scripts), turned into the
 * Actor the use cases check. Also CSRF tokens, the passkey relying party and
 * the reader's language.
 */
export type Access = "public" | "session" | "staff" | "api";

declare module "fastify" {
  interface FastifyContextConfig {
    /** Who may reach the route at all (the use case then decides the action): public, any session (also enrolment), a full staff session, or the API (token or session). */
    access?: Access;
  }
  interface FastifyRequest {
    vigil?: RequestAuth;
  }
}

export interface RequestAuth {
  actor: Actor;
  via: "session" | "token" | "none";
  user?: UsersTable;
  session?: Session;
  token?: ApiToken;
  lang: Lang;
  ctx: Ctx;
}

export function isSecure(req: FastifyRequest): boolean {
  const pub = req.server.deps.config.publicUrl;
  return pub ? pub.startsWith("https:") : req.protocol === "https";
}

export const sessionCookieName = (req: FastifyRequest): string => (isSecure(req) ? "__Host-vigil_session" : "vigil_session");
const ANON_COOKIE = "vigil_csrf";
const LANG_COOKIE = "vigil_lang";

function langFromRequest(req: FastifyRequest, user?: { lang: string }): Lang {
  if (user && isLang(user.lang)) return user.lang;
  const q = (req.query as Record<string, unknown> | undefined)?.lang;
  if (typeof q === "string" && isLang(q)) return q;
  const c = req.cookies[LANG_COOKIE];
  return c && isLang(c) ? c : "en";
}

/** Who is asking (memoised per request). Signed-out visitors are the PUBLIC actor. */
export async function authenticate(req: FastifyRequest): Promise<RequestAuth> {
  if (req.vigil) return req.vigil;
  const { store } = req.server.deps;
  const db = adb(store.db);
  const now = new Date();
  const header = req.headers.authorization;
  let auth: RequestAuth | undefined;
  if (header) {
    const m = /^Bearer\s+(\S+)$/i.exec(header);
    const found = m ? await resolveApiToken(db, m[1]!, now) : undefined;
    if (found) {
      const actor = await actorFor(db, found.user, found.token.scopes);
      auth = { actor, via: "token", token: found.token, lang: langFromRequest(req, found.user), ctx: makeCtx(store, actor, { audit: auditSink }) };
    }
  } else {
    const found = await resolveSession(db, req.cookies[sessionCookieName(req)], now);
    if (found) {
      // An enrolment session acts as nobody for records: it may only set up a second factor.
      const actor = found.session.stage === "full" ? await actorFor(db, found.user) : { id: found.user.id, role: "public" as const };
      auth = { actor, via: "session", user: found.user, session: found.session, lang: langFromRequest(req, found.user), ctx: makeCtx(store, actor, { audit: auditSink }) };
    }
  }
  auth ??= { actor: PUBLIC, via: "none", lang: langFromRequest(req), ctx: makeCtx(store, PUBLIC, { audit: auditSink }) };
  req.vigil = auth;
  return auth;
}

export function setSessionCookie(req: FastifyRequest, reply: FastifyReply, token: string): void {
  reply.setCookie(sessionCookieName(req), token, { path: "/", httpOnly: true, sameSite: "strict", secure: isSecure(req), maxAge: Math.floor(SESSION_MAX_MS / 1000) });
}

export function clearSessionCookie(req: FastifyRequest, reply: FastifyReply): void {
  reply.clearCookie(sessionCookieName(req), { path: "/", httpOnly: true, sameSite: "strict", secure: isSecure(req) });
}

/** Remembers a signed-out visitor's language choice (nothing else is kept about them). */
export function setLangCookie(req: FastifyRequest, reply: FastifyReply, lang: Lang): void {
  reply.setCookie(LANG_COOKIE, lang, { path: "/workspace", httpOnly: true, sameSite: "strict", secure: isSecure(req), maxAge: 365 * 86400 });
}

/** A short-lived cookie for a step of signing in (second factor, passkey challenge). */
export function setFlowCookie(req: FastifyRequest, reply: FastifyReply, name: string, value: string, maxAgeS = 300): void {
  reply.setCookie(name, value, { path: "/workspace", httpOnly: true, sameSite: "strict", secure: isSecure(req), maxAge: maxAgeS });
}
export function clearFlowCookie(req: FastifyRequest, reply: FastifyReply, name: string): void {
  reply.clearCookie(name, { path: "/workspace", httpOnly: true, sameSite: "strict", secure: isSecure(req) });
}

/**
 * The CSRF token for forms on this page: bound to the session (an HMAC of
 * its id under the server key), or for signed-out forms to a random cookie
 * (double submit). SameSite=Strict cookies are a second line.
 */
export async function csrfToken(req: FastifyRequest, reply: FastifyReply): Promise<string> {
  const auth = await authenticate(req);
  const key = await serverKey(adb(req.server.deps.store.db));
  if (auth.session) return hmac(key, `s|${auth.session.id}`);
  let anon = req.cookies[ANON_COOKIE];
  if (!anon || anon.length < 20 || anon.length > 100) {
    anon = randomToken(24);
    req.cookies[ANON_COOKIE] = anon;
    reply.setCookie(ANON_COOKIE, anon, { path: "/workspace", httpOnly: true, sameSite: "strict", secure: isSecure(req) });
  }
  return hmac(key, `a|${anon}`);
}

const same = (a: string, b: string): boolean => {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
};

/** Refuses a state-changing request without a valid CSRF token, or sent from another site. */
export async function checkCsrf(req: FastifyRequest): Promise<void> {
  const site = req.headers["sec-fetch-site"];
  if (site && site !== "same-origin" && site !== "none") throw new VigilError("forbidden", "requests from other sites are refused");
  const body = req.body as Record<string, unknown> | undefined;
  const given = (typeof body?._csrf === "string" ? body._csrf : undefined) ?? (typeof req.headers["x-csrf-token"] === "string" ? req.headers["x-csrf-token"] : undefined);
  const auth = await authenticate(req);
  const key = await serverKey(adb(req.server.deps.store.db));
  const expected = auth.session ? hmac(key, `s|${auth.session.id}`) : req.cookies[ANON_COOKIE] ? hmac(key, `a|${req.cookies[ANON_COOKIE]}`) : undefined;
  if (!given || !expected || !same(given, expected)) throw new VigilError("forbidden", "this form has expired or did not come from this site: go back, reload the page and send it again", { where: { field: "_csrf" } });
}

/**
 * Where passkeys are bound: the configured public URL, or on loopback the
 * host the browser used (localhost). Any other host gets none: a forged
 * Host header cannot choose our relying party.
 */
export function relyingParty(req: FastifyRequest): RelyingParty | undefined {
  const pub = req.server.deps.config.publicUrl;
  if (pub) {
    const u = new URL(pub);
    return { id: u.hostname, name: "Vigil", origin: u.origin };
  }
  const host = req.headers.host ?? "";
  const m = /^(localhost|127\.0\.0\.1|\[::1\])(?::(\d{1,5}))?$/i.exec(host);
  if (!m) return undefined;
  const hostname = m[1]!.toLowerCase();
  if (hostname !== "localhost") return undefined; // browsers refuse IP addresses as passkey domains
  return { id: "localhost", name: "Vigil", origin: `http://${host.toLowerCase()}` };
}

/** A keyed hash of the client address: enough to throttle a burst, useless to identify anyone; never stored. */
export async function clientKey(req: FastifyRequest): Promise<string> {
  return hmac(await serverKey(adb(req.server.deps.store.db)), `ip|${req.ip}`).slice(0, 22);
}

/** Key for rate limits: the session or token (hashed) when there is one, otherwise the client address (memory only). */
export function rateKey(req: FastifyRequest): string {
  const bearer = req.headers.authorization;
  if (bearer) return `t:${sha256(bearer).slice(0, 24)}`;
  const cookie = req.cookies[sessionCookieName(req)];
  if (cookie) return `s:${sha256(cookie).slice(0, 24)}`;
  return `ip:${req.ip}`;
}

/** Every refusal goes into the audit log: who, which route, why. Never the address or the browser. */
export async function logDenial(req: FastifyRequest, status: number, reason: string): Promise<void> {
  const auth = await authenticate(req);
  await writeAudit(adb(req.server.deps.store.db), auth.actor, { action: "access.denied", targetType: "route", targetId: `${req.method} ${req.routeOptions.url ?? req.url.split("?")[0] ?? ""}`, detail: { status, reason: reason.slice(0, 300), via: auth.via } });
}

/** The path a sign-in may return to: only our own workspace pages. */
export function safeNext(next: unknown): string {
  return typeof next === "string" && /^\/workspace\/[^\\]*$/.test(next) && !next.startsWith("//") && !/[\r\n]/.test(next) ? next : "/workspace/";
}

/** Registers a plugin so that every route in it requires `access` unless it says otherwise. */
export function defaultAccess(access: Access): (app: FastifyInstance) => void {
  return (app) => {
    app.addHook("onRoute", (route) => {
      route.config = { ...(route.config ?? {}), access: (route.config)?.access ?? access };
    });
  };
}

export type { FastifyPluginAsync };
