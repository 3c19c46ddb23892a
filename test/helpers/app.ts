import type { FastifyInstance } from "fastify";
import type { Dialect } from "../../src/store/index.ts";
import { loadConfig } from "../../src/config/index.ts";
import { buildApp, type AppDeps } from "../../src/server/index.ts";
import { seedVocabularies } from "../../src/records/index.ts";
import { startHooks } from "../../src/server/start-hooks.ts";
import { freshStore } from "./store.ts";

/**
 * The real application on a fresh database, listening on 127.0.0.1 on a free
 * port: what a test drives with fetch or Chromium.
 */
export interface RunningApp {
  app: FastifyInstance;
  deps: AppDeps;
  url: string;
  close: () => Promise<void>;
}

export async function startApp(options: { dialect?: Dialect; env?: NodeJS.ProcessEnv; beforeListen?: (deps: AppDeps) => Promise<void> } = {}): Promise<RunningApp> {
  const { store, dispose } = await freshStore(options.dialect ?? "sqlite");
  const config = loadConfig({ data: store.dataDir, port: 0 }, { VIGIL_LOG_LEVEL: "silent", VIGIL_MEMORIAL_THREADS: "0", ...options.env });
  const deps: AppDeps = { store, config, ready: false, startedAt: new Date() };
  const app = await buildApp(deps);
  await seedVocabularies(store.db);
  for (const hook of startHooks) await hook(deps, () => undefined);
  await options.beforeListen?.(deps);
  deps.ready = true;
  const url = await app.listen({ port: 0, host: "127.0.0.1" });
  return {
    app,
    deps,
    url,
    close: async () => {
      await app.close();
      await dispose();
    },
  };
}
