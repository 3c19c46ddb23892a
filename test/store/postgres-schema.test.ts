import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import pg from "pg";
import { PostgresIntrospector, sql, type Kysely } from "kysely";
import { freshStore, postgresProblem, postgresUrl } from "../helpers/store.ts";

/**
 * A PostgreSQL database is often shared: by other applications, or by several
 * Vigil stores in their own schemas. Opening a store must not depend on what
 * happens in any schema but its own.
 */
describe("a PostgreSQL store looks only in its own schema", { skip: postgresProblem ? `PostgreSQL unreachable: ${postgresProblem}` : false }, () => {
  test("its introspection lists its own tables as Kysely's does, and nobody else's", async () => {
    const other = await freshStore("postgres");
    const mine = await freshStore("postgres");
    try {
      const db = mine.store.db as unknown as Kysely<unknown>;
      const schema = (await sql<{ s: string }>`SELECT current_schema() AS s`.execute(db)).rows[0]!.s;
      const seen = await db.introspection.getTables();
      assert.ok(seen.length > 20, `expected the migrated tables, saw ${seen.length}`);
      assert.deepEqual([...new Set(seen.map((t) => t.schema))], [schema]);
      // Kysely's own introspector reads every schema, and fails when another test file drops one meanwhile
      // (the race this store avoids): as the reference here it is asked again until it answers.
      const kyselys = async (withInternalKyselyTables: boolean): Promise<typeof seen> => {
        for (let attempt = 1; ; attempt++) {
          try {
            return (await new PostgresIntrospector(db).getTables({ withInternalKyselyTables })).filter((t) => t.schema === schema);
          } catch (e) {
            if (attempt >= 20) throw e;
          }
        }
      };
      const kysely = await kyselys(false);
      // Through JSON, so that a key left out and a key set to undefined compare alike.
      const plain = (ts: typeof seen) => JSON.parse(JSON.stringify([...ts].sort((a, b) => (a.name < b.name ? -1 : 1)))) as unknown;
      assert.deepEqual(plain(seen), plain(kysely));
      assert.ok(seen.some((t) => t.columns.some((c) => c.isAutoIncrementing)), "a serial column is reported as auto-incrementing");
      // Without the bookkeeping tables unless asked for, as Kysely's.
      const withKysely = await db.introspection.getTables({ withInternalKyselyTables: true });
      assert.ok(withKysely.length === seen.length + 2, "its two bookkeeping tables are listed when asked for");
      const kyselyWith = await kyselys(true);
      assert.deepEqual(plain(withKysely), plain(kyselyWith));
    } finally {
      await mine.dispose();
      await other.dispose();
    }
  });

  test("a store opens while another schema's tables are being dropped", async () => {
    // Kysely's own introspector read every schema's columns; a table dropped
    // meanwhile failed the migration ("column … does not exist").
    const churn = new pg.Client({ connectionString: postgresUrl });
    await churn.connect();
    let stop = false;
    const churning = (async () => {
      for (let i = 0; !stop; i++) {
        const s = `churn_${randomBytes(5).toString("hex")}`;
        await churn.query(`CREATE SCHEMA ${s}`);
        for (let t = 0; t < 20; t++) await churn.query(`CREATE TABLE ${s}.t${t} (id bigserial PRIMARY KEY, a text, b text)`);
        await churn.query(`DROP SCHEMA ${s} CASCADE`);
      }
    })();
    try {
      for (let n = 0; n < 4; n++) {
        const opened = await freshStore("postgres");
        await opened.dispose();
      }
    } finally {
      stop = true;
      await churning;
      await churn.end();
    }
  });
});
