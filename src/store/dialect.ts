/** The two databases Vigil runs on: SQLite embedded, PostgreSQL for organisations. */
export type Dialect = "sqlite" | "postgres";
