import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import BetterSqlite3 from "better-sqlite3";
import { sql, type Kysely } from "kysely";
import { openStore } from "../../src/store/index.ts";

/**
 * The SQLite adapter reads rows as arrays and makes the objects itself; every
 * query in Vigil reads through it. Here its rows are held to better-sqlite3's
 * own, read from the same file by another connection.
 */
async function withStore(body: (db: Kysely<unknown>, own: BetterSqlite3.Database) => Promise<void>): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), "vigil-rows-"));
  const store = await openStore({ dataDir });
  const own = new BetterSqlite3(join(dataDir, "vigil.sqlite3"));
  try {
    await body(store.db as unknown as Kysely<unknown>, own);
  } finally {
    own.close();
    await store.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

test("rows are the objects better-sqlite3 makes: column order, types, nulls, and a later column of the same name winning", async () => {
  await withStore(async (db, own) => {
    own.exec("CREATE TABLE probe (id INTEGER PRIMARY KEY, name TEXT, size REAL, blob BLOB, gone TEXT)");
    const insert = own.prepare("INSERT INTO probe VALUES (?, ?, ?, ?, ?)");
    for (let i = 1; i <= 5; i++) insert.run(i, `n${i}`, i / 3, Buffer.from([i, 255 - i]), i % 2 ? null : "x");
    const text = "SELECT p.*, q.name AS name, p.id + 1 AS next FROM probe p JOIN probe q ON q.id = 6 - p.id ORDER BY p.id";
    const ours = (await sql.raw(text).execute(db)).rows;
    const theirs = own.prepare(text).all();
    assert.equal(ours.length, 5);
    assert.deepEqual(ours, theirs);
    assert.deepEqual(Object.keys(ours[0] as object), ["id", "name", "size", "blob", "gone", "next"]);
    assert.equal((ours[0] as { name: string }).name, "n5", "the later column named name wins");
  });
});

test("streamed rows are the same objects as rows read at once", async () => {
  await withStore(async (db, own) => {
    own.exec("CREATE TABLE probe (id INTEGER PRIMARY KEY, name TEXT)");
    const insert = own.prepare("INSERT INTO probe VALUES (?, ?)");
    for (let i = 1; i <= 250; i++) insert.run(i, `name ${i}`);
    const typed = db.withTables<{ probe: { id: number; name: string } }>();
    const streamed: unknown[] = [];
    for await (const row of typed.selectFrom("probe").selectAll().orderBy("id").stream(40)) streamed.push(row);
    assert.equal(streamed.length, 250);
    assert.deepEqual(streamed, own.prepare("SELECT * FROM probe ORDER BY id").all());
  });
});

test("a kept statement sees columns another connection added since", async () => {
  await withStore(async (db, own) => {
    own.exec("CREATE TABLE probe (id INTEGER PRIMARY KEY, name TEXT); INSERT INTO probe VALUES (1, 'a')");
    const read = async () => (await sql.raw("SELECT * FROM probe").execute(db)).rows;
    assert.deepEqual(await read(), [{ id: 1, name: "a" }]);
    own.exec("ALTER TABLE probe ADD COLUMN born TEXT; UPDATE probe SET born = '1960'");
    assert.deepEqual(await read(), [{ id: 1, name: "a", born: "1960" }]);
  });
});

test("writes report their changes, not rows", async () => {
  await withStore(async (db, own) => {
    own.exec("CREATE TABLE probe (id INTEGER PRIMARY KEY, name TEXT)");
    const result = await sql.raw("INSERT INTO probe (name) VALUES ('a'), ('b')").execute(db);
    assert.equal(result.numAffectedRows, 2n);
    assert.deepEqual(result.rows, []);
    const returned = await sql.raw("UPDATE probe SET name = upper(name) RETURNING id, name").execute(db);
    assert.deepEqual(returned.rows, [{ id: 1, name: "A" }, { id: 2, name: "B" }]);
  });
});
