/** Row types of the lists and linkage tables (migration 0200-lists). */
export type ListImportsTable = {
  id: string;
  source_id: string;
  list_name: string;
  file_name: string;
  sha256: string;
  /** The mapping, as JSON. */
  mapping: string;
  row_count: number;
  /** Rows left out with --skip-bad and why, as JSON. */
  skipped: string;
  created_at: string;
  created_by: string;
};

export type ListEntriesTable = {
  id: string;
  import_id: string;
  list_name: string;
  row_number: number;
  line: number;
  row_id: string;
  /** The row as the file had it (header → cell), as JSON. */
  raw: string;
  /** What was read from it (a PersonRecord), as JSON. */
  person: string;
  person_id: string | null;
  cluster: number | null;
  match_probability: number | null;
};

export type LinkageDecisionsTable = {
  id: string;
  seq: number;
  action: string;
  payload: string;
  at: string;
  by: string;
};

export type LinkageReviewsTable = {
  id: string;
  position: number;
  kind: string;
  entry_ids: string;
  probability: number;
  reason: string;
  detail: string;
  created_at: string;
};

// A type alias, not an interface: Kysely's withTables wants an indexable shape.
export type ListTables = {
  list_imports: ListImportsTable;
  list_entries: ListEntriesTable;
  linkage_decisions: LinkageDecisionsTable;
  linkage_reviews: LinkageReviewsTable;
};
