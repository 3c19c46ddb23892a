import type { Generated } from "kysely";

/**
 * Row types of the core tables. Other capabilities describe their own tables
 * and reach them with `db.withTables<TheirTables>()`, so this file only grows
 * with the records core.
 */
export interface DateColumns {
  date_text: string | null;
  date_calendar: string | null;
  date_precision: string | null;
  date_value: string | null;
  date_earliest: string | null;
  date_latest: string | null;
}

export interface VocabTermsTable {
  vocabulary: string;
  code: string;
  label_en: string;
  label_fa: string;
  description: string | null;
  parent_code: string | null;
  esf_ref: string | null;
  sort: number;
  retired: number;
}

export interface RecordsTable extends DateColumns {
  id: string;
  type: string;
  kind: string | null;
  status: string;
  confidentiality: string;
  synthetic: number;
  merged_into: string | null;
  label: string;
  label_fa: string;
  label_public: string | null;
  label_public_fa: string | null;
  parent_id: string | null;
  place_id: string | null;
  data: string;
  version: number;
  created_at: string;
  updated_at: string;
  created_by: string;
  updated_by: string;
}

export interface SourceTextsTable {
  source_id: string;
  lang: string | null;
  text: string;
}

export interface ClaimsTable extends DateColumns {
  id: string;
  subject_id: string;
  property: string;
  term: string | null;
  value: string;
  value_text: string | null;
  lang: string | null;
  object_id: string | null;
  place_id: string | null;
  confidence: string;
  confidentiality: string;
  status: string;
  note: string | null;
  version: number;
  created_at: string;
  updated_at: string;
  created_by: string;
  updated_by: string;
}

export interface CitationsTable {
  claim_id: string;
  source_id: string;
  locator: string | null;
  quote: string | null;
  reliability: string | null;
  connection: string | null;
}

export interface ChangesTable {
  seq: Generated<number>;
  entity_type: string;
  entity_id: string;
  record_id: string;
  version: number;
  action: string;
  actor: string;
  at: string;
  reason: string | null;
  before: string | null;
  after: string | null;
}

export interface MergesTable {
  id: string;
  survivor_id: string;
  merged_id: string;
  moved_claims: string;
  moved_references: string;
  reason: string | null;
  actor: string;
  at: string;
  undone_at: string | null;
  undone_by: string | null;
}

export interface JobsTable {
  id: string;
  kind: string;
  payload: string;
  status: string;
  run_at: string;
  attempts: number;
  max_attempts: number;
  locked_until: string | null;
  locked_by: string | null;
  last_error: string | null;
  created_at: string;
  updated_at: string;
}

export interface SearchEntriesTable {
  id: Generated<number>;
  record_id: string;
  record_type: string;
  claim_id: string | null;
  field: string;
  visibility: string;
  norm: string;
  keys: string;
}

export interface CoreTables {
  vocab_terms: VocabTermsTable;
  records: RecordsTable;
  source_texts: SourceTextsTable;
  claims: ClaimsTable;
  citations: CitationsTable;
  changes: ChangesTable;
  merges: MergesTable;
  jobs: JobsTable;
  search_entries: SearchEntriesTable;
}
