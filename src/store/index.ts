export { openStore, runMigrations, type Store, type StoreOptions } from "./open.ts";
export type { Dialect } from "./dialect.ts";
export type * from "./schema.ts";
