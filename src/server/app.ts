import Fastify, { LogController, type FastifyInstance } from "fastify";
import cookie from "@fastify/cookie";
import formbody from "@fastify/formbody";
import { VigilError } from "../core/errors.ts";
import type { AppDeps } from "./deps.ts";
import { routePlugins } from "./routes.ts";

/**
 * Builds the HTTP application: security headers on every response, typed
 * errors turned into responses in one place, and every capability's routes.
 * Request logging is off: no route may record a visitor's address or browser.
 */
export async function buildApp(deps: AppDeps): Promise<FastifyInstance> {
  const app = Fastify({
    logger: deps.config.logLevel === "silent" ? false : { level: deps.config.logLevel, redact: ["req.headers.cookie", "req.headers.authorization", "*.password", "*.token"] },
    logController: new LogController({ disableRequestLogging: true }),
    trustProxy: deps.config.trustProxy,
    bodyLimit: 2 * 1024 * 1024,
    routerOptions: { maxParamLength: 200 },
    return503OnClosing: true,
  });
  app.decorate("deps", deps);
  // Cookies are parsed everywhere but set only where a route needs one (sessions, CSRF on forms).
  await app.register(cookie);
  await app.register(formbody, { bodyLimit: 1024 * 1024 });

  app.addHook("onSend", async (_req, reply, payload) => {
    // A strict baseline for every response; pages may tighten it further.
    if (!reply.hasHeader("content-security-policy")) {
      reply.header("content-security-policy", "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'");
    }
    reply.header("x-content-type-options", "nosniff");
    reply.header("referrer-policy", "no-referrer");
    reply.header("x-frame-options", "DENY");
    reply.header("cross-origin-opener-policy", "same-origin");
    reply.header("cross-origin-resource-policy", "same-origin");
    reply.header("permissions-policy", "geolocation=(), camera=(), microphone=(), interest-cohort=()");
    return payload;
  });

  app.setErrorHandler((err, req, reply) => {
    if (err instanceof VigilError) return reply.code(err.status).send(err.toJSON());
    const status = typeof (err as { statusCode?: unknown }).statusCode === "number" ? (err as { statusCode: number }).statusCode : 500;
    if (status >= 500) req.log.error({ err: { message: err instanceof Error ? err.message : String(err), stack: err instanceof Error ? err.stack : undefined } }, "request failed");
    return reply.code(status).send({ error: { code: status >= 500 ? "internal" : "bad_request", message: status >= 500 ? "internal error" : err instanceof Error ? err.message : "bad request" } });
  });

  app.setNotFoundHandler((_req, reply) => reply.code(404).send({ error: { code: "not_found", message: "not found" } }));

  for (const plugin of routePlugins) await app.register(plugin);
  return app;
}
