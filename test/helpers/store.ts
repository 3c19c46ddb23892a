import { describe, before, after } from "node:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { randomBytes } from "node:crypto";
import pg from "pg";
import { openStore, type Store, type Dialect } from "../../src/store/index.ts";

/**
 * Runs a suite once on SQLite and once on PostgreSQL. PostgreSQL comes from
 * VIGIL_TEST_DATABASE_URL (default: the local server, database `test`). When it
 * cannot be reached that half is skipped and said loudly; with
 * VIGIL_REQUIRE_POSTGRES=1 (as in CI) it fails instead.
 */
export const postgresUrl = process.env.VIGIL_TEST_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/test";

async function probe(url: string): Promise<string | undefined> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    await client.query("select 1");
    return undefined;
  } catch (e) {
    return e instanceof Error ? e.message : String(e);
  } finally {
    await client.end().catch(() => undefined);
  }
}

export const postgresProblem: string | undefined = await probe(postgresUrl);
if (postgresProblem) {
  const msg = `\n!!! PostgreSQL at ${postgresUrl} is unreachable (${postgresProblem}):\n!!! every PostgreSQL half of the store contract tests is SKIPPED, not passed.\n`;
  if (process.env.VIGIL_REQUIRE_POSTGRES === "1") throw new Error(msg);
  process.stderr.write(msg);
}

export interface StoreFixture {
  store: Store;
  dialect: Dialect;
}

/** Opens a fresh, migrated store of the given kind; the returned function removes it. */
export async function freshStore(dialect: Dialect): Promise<{ store: Store; dispose: () => Promise<void> }> {
  const dataDir = mkdtempSync(join(tmpdir(), "vigil-test-"));
  if (dialect === "sqlite") {
    const store = await openStore({ dataDir });
    return {
      store,
      dispose: async () => {
        await store.close();
        rmSync(dataDir, { recursive: true, force: true });
      },
    };
  }
  const schema = `t_${randomBytes(6).toString("hex")}`;
  const store = await openStore({ dataDir, databaseUrl: postgresUrl, pgSchema: schema, poolSize: 4 });
  return {
    store,
    dispose: async () => {
      await store.close();
      const c = new pg.Client({ connectionString: postgresUrl });
      await c.connect();
      await c.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      await c.end();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Declares `body` as a suite on each database; `fixture()` gives the open store inside tests. */
export function forEachStore(title: string, body: (fixture: () => StoreFixture) => void): void {
  for (const dialect of ["sqlite", "postgres"] as const) {
    const skip = dialect === "postgres" && postgresProblem ? `PostgreSQL unreachable: ${postgresProblem}` : false;
    describe(`${title} [${dialect}]`, { skip }, () => {
      let current: { store: Store; dispose: () => Promise<void> } | undefined;
      before(async () => {
        current = await freshStore(dialect);
      });
      after(async () => {
        await current?.dispose();
      });
      body(() => {
        if (!current) throw new Error("store not open");
        return { store: current.store, dialect };
      });
    });
  }
}
