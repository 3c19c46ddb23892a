import { sql } from "kysely";
import type { FastifyPluginAsync } from "fastify";

/** GET /healthz: 200 with a small JSON body once the database answers; 503 before. */
export const healthRoutes: FastifyPluginAsync = async (app) => {
  app.get("/healthz", async (_req, reply) => {
    const { store, ready, startedAt } = app.deps;
    if (!ready) return reply.code(503).send({ status: "starting" });
    try {
      await sql`select 1`.execute(store.db);
    } catch {
      return reply.code(503).send({ status: "database unavailable", database: store.dialect });
    }
    return { status: "ok", database: store.dialect, uptime_s: Math.round((Date.now() - startedAt.getTime()) / 1000) };
  });
};
