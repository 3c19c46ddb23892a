import type { Kysely } from "kysely";
import type { CoreTables, DateColumns } from "../store/index.ts";

/** Row types of the memorial's own tables (migrations 0500 and 0501). */
export interface MemorialPostsTable {
  id: string;
  record_id: string;
  parent_id: string | null;
  kind: string;
  author: string | null;
  body: string;
  lang: string;
  status: string;
  created_at: string;
  moderated_at: string | null;
  moderated_by: string | null;
  moderation_note: string | null;
}

export interface MemorialTestimoniesTable {
  id: string;
  codename: string;
  reply_key: string;
  envelope: string;
  files: number;
  received_on: string;
  status: string;
}

export interface MemorialTestimonyFilesTable {
  id: string;
  testimony_id: string;
  n: number;
  header: string;
  path: string;
  size: number;
}

export interface MemorialTestimonyMessagesTable {
  id: string;
  testimony_id: string;
  n: number;
  direction: string;
  envelope: string;
  on_day: string;
}

export interface MemorialFacetsTable {
  person_id: string;
  facet: string;
  value: string;
}

/** Each public person's summary act, derived with the facets (migration 0501). */
export interface MemorialSummariesTable extends DateColumns {
  person_id: string;
  term: string;
  place_id: string | null;
}

export interface MemorialStateTable {
  key: string;
  value: string;
}

export type MemorialTables = {
  memorial_posts: MemorialPostsTable;
  memorial_testimonies: MemorialTestimoniesTable;
  memorial_testimony_files: MemorialTestimonyFilesTable;
  memorial_testimony_messages: MemorialTestimonyMessagesTable;
  memorial_facets: MemorialFacetsTable;
  memorial_summaries: MemorialSummariesTable;
  memorial_state: MemorialStateTable;
};

/** Every table the memorial reads: the records core's and its own. */
export type MemorialSchema = CoreTables & MemorialTables;
export type MemorialDb = Kysely<MemorialSchema>;

const typed = new WeakMap<Kysely<CoreTables>, MemorialDb>();

/**
 * The store's database with the memorial's tables typed: one view per
 * database, so that what is kept per database object (the query shapes of
 * public pages) is kept once.
 */
export function memorialDb(db: Kysely<CoreTables>): MemorialDb {
  let view = typed.get(db);
  if (!view) typed.set(db, (view = db.withTables<MemorialTables>()));
  return view;
}
