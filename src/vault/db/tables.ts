import type { Kysely } from "kysely";
import type { CoreTables } from "../../store/index.ts";

/** Row types of the vault's tables (migration 0400-vault). */
export interface VaultMetaTable {
  key: string;
  value: string;
}

export interface VaultLogHeadTable {
  id: number;
  size: number;
}

export interface VaultLogTable {
  idx: number;
  entry: Buffer;
  leaf_hash: Buffer;
}

export interface VaultCheckpointsTable {
  size: number;
  note: string;
  created_at: string;
}

export interface VaultItemsTable {
  id: string;
  kind: string;
  title: string | null;
  source_url: string | null;
  original_digest: string;
  /** bigint: PostgreSQL hands it back as a string. */
  original_size: number | string;
  original_media_type: string;
  original_filename: string | null;
  derived: string;
  flags: string;
  confidentiality: string;
  created_at: string;
  created_by: string;
}

export interface VaultCustodyTable {
  log_index: number;
  item_id: string;
  type: string;
  at: string;
  actor: string;
}

export interface VaultEvidenceTable {
  source_id: string;
  item_id: string;
  linked_at: string;
  linked_by: string;
}

export interface VaultCapturesTable {
  id: string;
  url: string;
  options: string;
  status: string;
  requested_by: string;
  requested_at: string;
  updated_at: string;
  attempts: number;
  item_id: string | null;
  source_id: string | null;
  flags: string;
  error: string | null;
}

export type VaultTables = {
  vault_meta: VaultMetaTable;
  vault_log_head: VaultLogHeadTable;
  vault_log: VaultLogTable;
  vault_checkpoints: VaultCheckpointsTable;
  vault_items: VaultItemsTable;
  vault_custody: VaultCustodyTable;
  vault_evidence: VaultEvidenceTable;
  vault_captures: VaultCapturesTable;
};

export type VaultDb = Kysely<CoreTables & VaultTables>;

/** The vault's view of a database handle (or an open transaction). */
export function vaultDb(db: Kysely<CoreTables>): VaultDb {
  return db.withTables<VaultTables>();
}
