import type { Command } from "commander";
import { withData } from "../cli/common.ts";
import { loadConfig } from "../config/index.ts";
import { loadDemo } from "../demo/index.ts";
import { seedVocabularies } from "../records/index.ts";
import { openStore } from "../store/index.ts";
import { jobHandlers, runWorker } from "../worker/index.ts";
import { buildApp } from "./app.ts";
import { startHooks } from "./start-hooks.ts";
import type { AppDeps } from "./deps.ts";

export function register(program: Command): void {
  withData(
    program
      .command("serve")
      .description("serve Vigil over HTTP (staff workspace, API, public memorial) with its job worker")
      .option("--port <port>", "port to listen on (default 8080, or PORT)")
      .option("--host <host>", "address to listen on (default 127.0.0.1, or VIGIL_HOST)")
      .option("--no-demo", "do not load the demo content into an empty database")
      .option("--no-worker", "do not run the job worker in this process"),
  ).action(async (opts: { data?: string; port?: string; host?: string; demo: boolean; worker: boolean }) => {
    const config = loadConfig({
      ...(opts.data ? { data: opts.data } : {}),
      ...(opts.port ? { port: opts.port } : {}),
      ...(opts.host ? { host: opts.host } : {}),
      ...(opts.demo === false ? { demo: false } : {}),
      ...(opts.worker === false ? { worker: false } : {}),
    });
    const store = await openStore({ dataDir: config.dataDir, ...(config.databaseUrl ? { databaseUrl: config.databaseUrl } : {}) });
    const deps: AppDeps = { store, config, ready: false, startedAt: new Date() };
    const app = await buildApp(deps);
    await seedVocabularies(store.db);
    if (config.demo) {
      const empty = !(await store.db.selectFrom("records").select("id").limit(1).executeTakeFirst());
      if (empty) {
        process.stderr.write("vigil: empty database: loading the demo content (the seed article and a synthetic, clearly labelled data set)…\n");
        await loadDemo(store);
      }
    }
    for (const hook of startHooks) await hook(deps, (line) => process.stdout.write(`${line}\n`));
    deps.ready = true;
    const address = await app.listen({ port: config.port, host: config.host });
    const url = address.replace("[::1]", "localhost");
    process.stdout.write(`Vigil is running at ${url}/ (${store.dialect} database, data in ${config.dataDir})\n`);

    const stop = new AbortController();
    const worker = config.worker ? runWorker(store, jobHandlers, { signal: stop.signal, log: app.log }) : Promise.resolve();
    let closing = false;
    const shutdown = (signal: string): void => {
      if (closing) return;
      closing = true;
      process.stderr.write(`vigil: ${signal}: finishing requests and jobs, then stopping\n`);
      stop.abort();
      void Promise.all([app.close(), worker])
        .then(() => store.close())
        .then(() => process.exit(0))
        .catch((e: unknown) => {
          process.stderr.write(`vigil: error while stopping: ${e instanceof Error ? e.message : String(e)}\n`);
          process.exit(1);
        });
    };
    process.on("SIGINT", () => shutdown("SIGINT"));
    process.on("SIGTERM", () => shutdown("SIGTERM"));
  });
}
