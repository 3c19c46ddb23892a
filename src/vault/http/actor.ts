import type { FastifyRequest } from "fastify";
import { PUBLIC, type Actor } from "../../core/context.ts";

/**
 * Who is making a request to the vault's staff routes. Interim: until the
 * accounts work provides sessions and API tokens, no request is staff unless
 * something installs a resolver (tests do), so the staff routes answer 401.
 * When accounts land, this hook is replaced by their session/token auth.
 */
export type ActorResolver = (req: FastifyRequest) => Actor | undefined | Promise<Actor | undefined>;

let resolver: ActorResolver = () => undefined;

/** Installs the function that tells who a request comes from. */
export function setStaffActorResolver(fn: ActorResolver): void {
  resolver = fn;
}

/** The acting user of a request, or the public visitor. */
export async function requestActor(req: FastifyRequest): Promise<Actor> {
  return (await resolver(req)) ?? PUBLIC;
}
