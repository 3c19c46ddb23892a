import type { Command } from "commander";
import { emit, withData } from "../cli/common.ts";
import { loadConfig } from "../config/index.ts";
import { openStore, runMigrations } from "./open.ts";

export function register(program: Command): void {
  withData(program.command("migrate").description("bring the database to the latest schema (also done on every start)").option("--json", "machine-readable output")).action(
    async (opts: { data?: string; json?: boolean }) => {
      const config = loadConfig(opts.data ? { data: opts.data } : {});
      const store = await openStore({ dataDir: config.dataDir, ...(config.databaseUrl ? { databaseUrl: config.databaseUrl } : {}), migrate: false });
      try {
        const applied = await runMigrations(store.db, store.dialect);
        emit(opts.json, { database: store.dialect, applied }, () => (applied.length ? `applied: ${applied.join(", ")}` : `${store.dialect} database is up to date`));
      } finally {
        await store.close();
      }
    },
  );
}
