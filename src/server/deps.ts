import type { Config } from "../config/index.ts";
import type { Store } from "../store/index.ts";

/** What every route plugin gets: the open store and the configuration. */
export interface AppDeps {
  store: Store;
  config: Config;
  /** Set once the database is migrated and seeded; /healthz reports it. */
  ready: boolean;
  startedAt: Date;
}

declare module "fastify" {
  interface FastifyInstance {
    deps: AppDeps;
  }
}
