import { mkdirSync } from "node:fs";
import { join } from "node:path";
import BetterSqlite3 from "better-sqlite3";
import pg from "pg";
import { DEFAULT_MIGRATION_LOCK_TABLE, DEFAULT_MIGRATION_TABLE, Kysely, Migrator, PostgresDialect, SqliteDialect, sql, type DatabaseIntrospector, type DatabaseMetadataOptions, type Migration, type MigrationProvider, type SchemaMetadata, type SqliteDatabase, type SqliteStatement, type TableMetadata } from "kysely";
import { VigilError } from "../core/errors.ts";
import type { Dialect } from "./dialect.ts";
import { migrations } from "./migrations/index.ts";
import type { CoreTables } from "./schema.ts";

export interface StoreOptions {
  /** Folder for the embedded database and files (SQLite). */
  dataDir?: string;
  /** PostgreSQL connection string; when set, PostgreSQL is used instead of SQLite. */
  databaseUrl?: string;
  /** PostgreSQL schema to use (created if missing); tests use one each. */
  pgSchema?: string;
  /** Run pending migrations on open (default true). */
  migrate?: boolean;
  /** Pool size for PostgreSQL. */
  poolSize?: number;
  /**
   * SQLite: read the database file through a memory map, for a connection
   * that only reads, at random, a database larger than its page cache (the
   * memorial's page threads): a page then comes from the operating system's
   * cache without a system call and a copy. Vigil never shrinks its file
   * (no VACUUM), the one thing that makes a map unsafe.
   */
  mapReads?: boolean;
}

export interface Store {
  readonly db: Kysely<CoreTables>;
  readonly dialect: Dialect;
  /** Where files live (vault blobs, keys); for PostgreSQL still a local folder. */
  readonly dataDir: string;
  /** How it was opened, so that a worker thread can open the same database. */
  readonly options: Readonly<StoreOptions>;
  /**
   * Runs `fn` in one transaction: all of it lands or none of it. On SQLite
   * the transaction takes the write lock at once (BEGIN IMMEDIATE), so two
   * processes never deadlock upgrading read locks.
   */
  transaction<T>(fn: (trx: Kysely<CoreTables>) => Promise<T>): Promise<T>;
  /**
   * Inserts many rows of one shape into a table, inside the caller's open
   * transaction (`db` is that transaction). The bulk path for imports: on
   * SQLite a cached prepared statement per row; on PostgreSQL multi-row
   * inserts sized to the parameter limit.
   */
  bulkInsert(db: Kysely<CoreTables>, table: string, rows: readonly object[]): Promise<void>;
  close(): Promise<void>;
}

class StaticProvider implements MigrationProvider {
  constructor(private readonly dialect: Dialect) {}
  async getMigrations(): Promise<Record<string, Migration>> {
    const out: Record<string, Migration> = {};
    for (const [name, m] of Object.entries(migrations)) out[name] = { up: (db) => m.up(db, this.dialect) };
    return out;
  }
}

export async function runMigrations(db: Kysely<CoreTables>, dialect: Dialect, schema?: string): Promise<string[]> {
  // Kysely looks for its bookkeeping tables in this schema; name ours explicitly.
  const migrator = new Migrator({
    db,
    provider: new StaticProvider(dialect),
    allowUnorderedMigrations: true,
    ...(dialect === "postgres" ? { migrationTableSchema: schema ?? "public" } : {}),
  });
  const { error, results } = await migrator.migrateToLatest();
  if (error) {
    const failed = results?.find((r) => r.status === "Error");
    throw new VigilError("internal", `database migration ${failed?.migrationName ?? ""} failed: ${error instanceof Error ? error.message : JSON.stringify(error)}`, { cause: error });
  }
  return (results ?? []).filter((r) => r.status === "Success").map((r) => r.migrationName);
}

const IDENT = /^[a-z_][a-z0-9_]*$/;

function sqliteBulkInsert(raw: BetterSqlite3.Database): Store["bulkInsert"] {
  const statements = new Map<string, BetterSqlite3.Statement>();
  return async (_db, table, rows) => {
    if (rows.length === 0) return;
    const columns = Object.keys(rows[0]!);
    const values = rows as readonly Record<string, unknown>[];
    for (const c of [table, ...columns]) if (!IDENT.test(c)) throw new VigilError("internal", `bad identifier ${c}`);
    const key = `${table}|${columns.join(",")}`;
    let stmt = statements.get(key);
    if (!stmt) {
      stmt = raw.prepare(`INSERT INTO ${table} (${columns.join(", ")}) VALUES (${columns.map(() => "?").join(", ")})`);
      statements.set(key, stmt);
    }
    // Same connection as the caller's transaction: SQLite has one writer and Vigil one connection.
    for (const row of values) stmt.run(columns.map((c) => row[c] ?? null));
  };
}

function postgresBulkInsert(): Store["bulkInsert"] {
  return async (db, table, rows) => {
    if (rows.length === 0) return;
    const per = Math.max(1, Math.floor(60_000 / Object.keys(rows[0]!).length));
    for (let i = 0; i < rows.length; i += per) {
      // eslint-disable-next-line @typescript-eslint/no-explicit-any
      await (db as Kysely<any>).insertInto(table).values(rows.slice(i, i + per) as Record<string, unknown>[]).execute();
    }
  };
}

/** Mapped reads cover the first 2 GB of the file (SQLite, as built, allows no more); the rest is read as usual. */
const MAPPED_BYTES = 2 ** 31;

/**
 * Kysely's PostgreSQL introspector reads the columns of every table in every
 * schema, calling pg_get_serial_sequence for each; the migrator asks it only
 * whether its two bookkeeping tables exist. A table dropped by anyone else at
 * that moment (another application sharing the database, another store's
 * schema) fails the whole migration with "column … does not exist". Vigil
 * looks only in its own schema, where nothing else drops tables.
 */
class OwnSchemaIntrospector implements DatabaseIntrospector {
  constructor(
    private readonly db: Kysely<unknown>,
    private readonly schema: string,
  ) {}

  async getSchemas(): Promise<SchemaMetadata[]> {
    const { rows } = await sql<{ name: string }>`SELECT nspname AS name FROM pg_catalog.pg_namespace`.execute(this.db);
    return rows.map((r) => ({ name: r.name }));
  }

  async getTables(options: DatabaseMetadataOptions = { withInternalKyselyTables: false }): Promise<TableMetadata[]> {
    const { rows } = await sql<{ table: string; kind: string; column: string; type: string; type_schema: string; not_null: boolean; has_default: boolean; serial: boolean; comment: string | null }>`
      SELECT c.relname AS table, c.relkind AS kind, a.attname AS column, t.typname AS type, tn.nspname AS type_schema,
             a.attnotnull AS not_null, a.atthasdef AS has_default, col_description(a.attrelid, a.attnum) AS comment,
             (a.attidentity <> '' OR EXISTS (SELECT 1 FROM pg_catalog.pg_depend d JOIN pg_catalog.pg_class s ON s.oid = d.objid
                WHERE d.refobjid = c.oid AND d.refobjsubid = a.attnum AND d.deptype = 'a' AND s.relkind = 'S')) AS serial
      FROM pg_catalog.pg_class c
      JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
      JOIN pg_catalog.pg_attribute a ON a.attrelid = c.oid
      JOIN pg_catalog.pg_type t ON t.oid = a.atttypid
      JOIN pg_catalog.pg_namespace tn ON tn.oid = t.typnamespace
      WHERE n.nspname = ${this.schema} AND c.relkind IN ('r', 'v', 'p') AND a.attnum > 0 AND NOT a.attisdropped
      ORDER BY c.relname, a.attnum`.execute(this.db);
    const tables = new Map<string, { name: string; schema: string; isView: boolean; columns: TableMetadata["columns"][number][] }>();
    for (const r of rows) {
      let table = tables.get(r.table);
      if (!table) tables.set(r.table, (table = { name: r.table, schema: this.schema, isView: r.kind === "v", columns: [] }));
      table.columns.push({
        name: r.column,
        dataType: r.type,
        dataTypeSchema: r.type_schema,
        isNullable: !r.not_null,
        hasDefaultValue: r.has_default,
        isAutoIncrementing: r.serial,
        ...(r.comment === null ? {} : { comment: r.comment }),
      });
    }
    const all = [...tables.values()];
    return options.withInternalKyselyTables ? all : all.filter((t) => t.name !== DEFAULT_MIGRATION_TABLE && t.name !== DEFAULT_MIGRATION_LOCK_TABLE);
  }

  async getMetadata(options?: DatabaseMetadataOptions): Promise<{ tables: TableMetadata[] }> {
    return { tables: await this.getTables(options) };
  }
}

class OwnSchemaPostgresDialect extends PostgresDialect {
  constructor(
    config: ConstructorParameters<typeof PostgresDialect>[0],
    private readonly schema: string,
  ) {
    super(config);
  }
  override createIntrospector(db: Kysely<unknown>): DatabaseIntrospector {
    return new OwnSchemaIntrospector(db, this.schema);
  }
}

function openSqlite(dataDir: string, mapReads: boolean): { db: Kysely<CoreTables>; raw: BetterSqlite3.Database } {
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const raw = new BetterSqlite3(join(dataDir, "vigil.sqlite3"));
  // WAL for concurrent readers; FULL so a commit survives power loss, not only a crash.
  raw.pragma("journal_mode = WAL");
  raw.pragma("synchronous = FULL");
  raw.pragma("foreign_keys = ON");
  raw.pragma("busy_timeout = 10000");
  raw.pragma("cache_size = -32000");
  if (mapReads) raw.pragma(`mmap_size = ${MAPPED_BYTES}`);
  return { db: new Kysely<CoreTables>({ dialect: new SqliteDialect({ database: statementCache(raw) }) }), raw };
}

const STATEMENTS_KEPT = 1000;
/** Queries, row changes and transaction control; anything else may change the schema. */
const CACHED = /^\s*(select|insert|update|delete|with|begin|commit|end|rollback|savepoint|release)\b/i;

/**
 * The query builder prepares every statement anew, and preparing is a third
 * of what a small indexed query costs. Queries, row changes and transaction
 * control are kept by their SQL text (least recently used dropped first); one
 * still being iterated is never handed out twice. Any other statement (a
 * migration's DDL) empties the cache, so no statement outlives the schema it
 * was prepared against.
 */
function statementCache(raw: BetterSqlite3.Database): SqliteDatabase {
  const kept = new Map<string, RowStatement>();
  return {
    prepare(sql: string): RowStatement {
      const hit = kept.get(sql);
      if (hit && !hit.busy) {
        kept.delete(sql);
        kept.set(sql, hit);
        return hit;
      }
      const stmt = new RowStatement(raw.prepare(sql));
      if (!CACHED.test(sql)) {
        kept.clear();
        return stmt;
      }
      if (!hit) {
        if (kept.size >= STATEMENTS_KEPT) kept.delete(kept.keys().next().value!);
        kept.set(sql, stmt);
      }
      return stmt;
    },
    close(): void {
      kept.clear();
      raw.close();
    },
  };
}

/**
 * A statement whose rows SQLite gives as arrays, made into objects here.
 * better-sqlite3 builds each row's object property by property from native
 * code; the same object built in JavaScript, once the column names are known,
 * costs a third less for a claim query of eight rows, and public pages run
 * several such queries each. The objects are the same: one property per
 * column, in column order, a later column of the same name winning.
 */
class RowStatement implements SqliteStatement {
  private names: string[] | undefined;

  constructor(private readonly stmt: BetterSqlite3.Statement) {
    if (stmt.reader) stmt.raw(true);
  }

  get reader(): boolean {
    return this.stmt.reader;
  }

  get busy(): boolean {
    return this.stmt.busy;
  }

  all(parameters: readonly unknown[]): unknown[] {
    if (!this.stmt.reader) return this.stmt.all(parameters);
    const rows = this.stmt.all(parameters) as unknown[][];
    const out = new Array<Record<string, unknown>>(rows.length);
    for (let i = 0; i < rows.length; i++) out[i] = this.object(rows[i]!);
    return out;
  }

  run(parameters: readonly unknown[]): BetterSqlite3.RunResult {
    return this.stmt.run(parameters);
  }

  *iterate(parameters: readonly unknown[]): IterableIterator<unknown> {
    for (const row of this.stmt.iterate(parameters)) yield this.stmt.reader ? this.object(row as unknown[]) : row;
  }

  private object(row: unknown[]): Record<string, unknown> {
    // Names are read again should SQLite have prepared the statement anew with
    // other columns (asking each time costs more than the rows). A column
    // renamed by another connection with the count unchanged would keep its
    // old name; Vigil changes its schema only by migrations, run on opening
    // before any other connection reads.
    let names = this.names;
    if (names?.length !== row.length) names = this.names = this.stmt.columns().map((c) => c.name);
    const o: Record<string, unknown> = {};
    for (let i = 0; i < names.length; i++) o[names[i]!] = row[i];
    return o;
  }
}

/** Opens the configured database, migrating it to the latest schema unless told not to. */
export async function openStore(options: StoreOptions = {}): Promise<Store> {
  const dataDir = options.dataDir ?? "./vigil-data";
  let db: Kysely<CoreTables>;
  let dialect: Dialect;
  let bulkInsert: Store["bulkInsert"];
  if (options.databaseUrl) {
    dialect = "postgres";
    const schema = options.pgSchema;
    if (schema !== undefined && !/^[a-z_][a-z0-9_]{0,62}$/.test(schema)) throw new VigilError("validation", `invalid PostgreSQL schema name ${JSON.stringify(schema)}`);
    const pool = new pg.Pool({
      connectionString: options.databaseUrl,
      max: options.poolSize ?? 10,
      ...(schema ? { options: `-c search_path=${schema},public` } : {}),
    });
    if (schema) {
      const c = await pool.connect().catch((e: unknown) => {
        throw new VigilError("internal", `cannot reach PostgreSQL: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
      });
      try {
        await c.query(`CREATE SCHEMA IF NOT EXISTS ${schema}`);
      } finally {
        c.release();
      }
    }
    db = new Kysely<CoreTables>({ dialect: new OwnSchemaPostgresDialect({ pool }, schema ?? "public") });
    bulkInsert = postgresBulkInsert();
    mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  } else {
    dialect = "sqlite";
    const opened = openSqlite(dataDir, options.mapReads === true);
    db = opened.db;
    bulkInsert = sqliteBulkInsert(opened.raw);
  }

  if (options.migrate !== false) {
    try {
      await runMigrations(db, dialect, options.pgSchema);
    } catch (e) {
      await db.destroy();
      throw e;
    }
  }

  const transaction = async <T>(fn: (trx: Kysely<CoreTables>) => Promise<T>): Promise<T> => {
    if (dialect === "postgres") return db.transaction().execute(fn);
    return db.connection().execute(async (conn) => {
      await sql`BEGIN IMMEDIATE`.execute(conn);
      try {
        const result = await fn(conn);
        await sql`COMMIT`.execute(conn);
        return result;
      } catch (e) {
        await sql`ROLLBACK`.execute(conn);
        throw e;
      }
    });
  };

  return {
    db,
    dialect,
    dataDir,
    options: { ...options, dataDir },
    transaction,
    bulkInsert,
    close: () => db.destroy(),
  };
}
