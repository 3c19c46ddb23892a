import type { FastifyRequest } from "fastify";
import { PUBLIC, makeCtx, type Actor, type Ctx } from "../../core/context.ts";
import { authenticate } from "../../workspace/index.ts";
import type { Store } from "../../store/index.ts";

/**
 * Who is making a request to the vault's routes: the accounts' session
 * (a full session, second factor set up) or personal API token, as for the
 * rest of the JSON API; anyone else is the public visitor. An app built
 * without the server's dependencies (a bare plugin in a test) has no
 * accounts, and every request is public.
 */
export async function requestActor(req: FastifyRequest): Promise<Actor> {
  if (!req.server.hasDecorator("deps")) return PUBLIC;
  return (await authenticate(req)).actor;
}

/** The use-case context of a request (with the accounts' audit sink). */
export async function requestCtx(req: FastifyRequest, store: Store): Promise<Ctx> {
  if (!req.server.hasDecorator("deps")) return makeCtx(store, PUBLIC);
  return (await authenticate(req)).ctx;
}
