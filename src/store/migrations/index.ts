import type { Kysely } from "kysely";
import type { Dialect } from "../dialect.ts";
import * as m0001 from "./0001-records.ts";
import * as m0100 from "./0100-accounts.ts";
import * as m0200 from "./0200-lists.ts";
import * as m0300 from "./0300-estimate.ts";
import * as m0400 from "./0400-vault.ts";
import * as m0401 from "./0401-vault-capture-list.ts";
import * as m0500 from "./0500-memorial.ts";
import * as m0501 from "./0501-memorial-summaries.ts";
import * as m0600 from "./0600-monitor.ts";
import * as m0601 from "./0601-monitor-triage.ts";
import * as m0700 from "./0700-dossiers.ts";

/**
 * Every migration, by name. Names sort in the order they apply; each
 * capability has its own number range (see docs/architecture.md).
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type MigrationModule = { up: (db: Kysely<any>, dialect: Dialect) => Promise<void> };

export const migrations: Record<string, MigrationModule> = {
  "0001-records": m0001,
  "0100-accounts": m0100,
  "0200-lists": m0200,
  "0300-estimate": m0300,
  "0400-vault": m0400,
  "0401-vault-capture-list": m0401,
  "0500-memorial": m0500,
  "0501-memorial-summaries": m0501,
  "0600-monitor": m0600,
  "0601-monitor-triage": m0601,
  "0700-dossiers": m0700,
};
