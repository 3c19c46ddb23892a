import rateLimit from "@fastify/rate-limit";
import type { FastifyError, FastifyInstance, FastifyPluginAsync, FastifyReply, FastifyRequest } from "fastify";
import { VigilError } from "../core/errors.ts";
import { authenticate, checkCsrf, isSecure, logDenial, rateKey, type Access } from "./http.ts";
import { pageEnv, sendPage, StaffLayout } from "./ui.tsx";

/** A strict policy for staff pages: our own scripts and styles only, no inline anything, no framing, DOM sinks locked. */
export const STAFF_CSP =
  "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'; object-src 'none'; require-trusted-types-for 'script'; trusted-types 'none'";

async function errorPage(req: FastifyRequest, reply: FastifyReply, status: number, titleKey: string, text: string): Promise<FastifyReply> {
  const env = await pageEnv(req, reply);
  return sendPage(
    reply,
    <StaffLayout env={env} title={env.t(titleKey)} bare={!env.userName}>
      <h1>{env.t(titleKey)}</h1>
      <p>{text}</p>
      <p>
        <a href="/workspace/">{env.t("workspace.back")}</a>
      </p>
    </StaffLayout>,
    status,
  );
}

/**
 * Installs on a Fastify context what every staff page needs: the session
 * guard (signed-out visitors go to sign-in; enrolment sessions only to the
 * second-factor setup), CSRF on every state-changing request, a strict CSP,
 * rate limits, and error pages. Routes declare `config.access`; the default
 * is a full staff session.
 */
export async function installStaff(app: FastifyInstance): Promise<void> {
  await app.register(rateLimit, { global: true, max: 600, timeWindow: 60_000, keyGenerator: rateKey, hook: "onRequest" });
  app.addHook("preHandler", async (req, reply) => {
    const access: Access = req.routeOptions.config.access ?? "staff";
    if (access === "public" || access === "api") {
      if (req.method === "POST") await checkCsrf(req);
      return;
    }
    const auth = await authenticate(req);
    if (auth.via !== "session" || !auth.session) {
      await logDenial(req, 401, "signed out");
      if (req.method === "GET" || req.method === "HEAD") return reply.redirect(`/workspace/sign-in?next=${encodeURIComponent(req.url)}`, 303);
      throw new VigilError("unauthenticated", "sign in first");
    }
    if (access === "staff" && auth.session.stage !== "full") {
      if (req.method === "GET") return reply.redirect("/workspace/enrol", 303);
      await logDenial(req, 403, "second factor not set up");
      throw new VigilError("forbidden", "set up a second factor first");
    }
    if (req.method !== "GET" && req.method !== "HEAD") await checkCsrf(req);
  });
  app.addHook("onSend", async (req, reply, payload) => {
    reply.header("content-security-policy", STAFF_CSP);
    if (isSecure(req)) reply.header("strict-transport-security", "max-age=63072000; includeSubDomains");
    if (!reply.hasHeader("cache-control")) reply.header("cache-control", "no-store");
    return payload;
  });
  app.setErrorHandler(async (err: FastifyError | VigilError, req, reply) => {
    const env = await pageEnv(req, reply);
    const t = env.t;
    if (err instanceof VigilError) {
      switch (err.code) {
        case "unauthenticated":
          return errorPage(req, reply, 401, "workspace.error.forbidden", err.message);
        case "forbidden":
          await logDenial(req, 403, err.message);
          return errorPage(req, reply, 403, "workspace.error.forbidden", `${t("workspace.error.forbiddenText")} (${err.message})`);
        case "not_found":
          return errorPage(req, reply, 404, "workspace.error.notFound", t("workspace.error.notFoundText"));
        case "conflict":
          return errorPage(req, reply, 409, "workspace.error.conflict", err.message);
        case "rate_limited":
          return errorPage(req, reply, 429, "workspace.error.tooMany", t("workspace.error.tooManyText"));
        default:
          if (err.status < 500) return errorPage(req, reply, err.status, "workspace.error.title", err.problems.length ? err.problems.map((p) => new VigilError(err.code, p.message, { where: p }).describe()).join("; ") : err.describe());
      }
    }
    const status = typeof (err as FastifyError).statusCode === "number" ? (err as FastifyError).statusCode! : 500;
    if (status === 429) return errorPage(req, reply, 429, "workspace.error.tooMany", t("workspace.error.tooManyText"));
    if (status < 500) return errorPage(req, reply, status, "workspace.error.title", err.message);
    req.log.error({ err: { message: err.message, stack: err.stack } }, "workspace page failed");
    return errorPage(req, reply, 500, "workspace.error.internal", t("workspace.error.internalText"));
  });
}

/** The workspace's own not-found page (set once, on its /workspace prefix). */
export function installNotFound(app: FastifyInstance): void {
  app.setNotFoundHandler(async (req, reply) => errorPage(req, reply, 404, "workspace.error.notFound", (await pageEnv(req, reply)).t("workspace.error.notFoundText")));
}

/**
 * The extension point for other capabilities' staff pages: wraps a route
 * plugin so its routes get the workspace's session guard, CSRF checks,
 * language, strict CSP and error pages. Add the result to `routePlugins`.
 */
export function withStaff(plugin: FastifyPluginAsync): FastifyPluginAsync {
  return async (app) => {
    await installStaff(app);
    await app.register(plugin);
  };
}
