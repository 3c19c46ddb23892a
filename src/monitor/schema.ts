/** Row types of the monitoring tables (migration 0600-monitor). */
export interface MonitorSourcesTable {
  id: string;
  url: string;
  kind: string;
  title: string | null;
  interval_minutes: number;
  enabled: number;
  allow_private: number;
  etag: string | null;
  last_modified: string | null;
  last_polled_at: string | null;
  last_success_at: string | null;
  next_poll_at: string | null;
  consecutive_failures: number;
  last_failure: string | null;
  last_warnings: string | null;
  content_hash: string | null;
  created_at: string;
  created_by: string;
}

export interface MonitorSourceFailuresTable {
  id?: number;
  source_id: string;
  at: string;
  kind: string;
  message: string;
  url: string;
  http_status: number | null;
}

export interface MonitorItemsTable {
  id: string;
  source_id: string;
  item_key: string;
  url: string | null;
  title: string;
  text: string;
  published: string | null;
  fetched_at: string;
  lang: string;
  labels: string;
  reasons: string;
  entities: string;
  status: string;
  reviewed_by: string | null;
  reviewed_at: string | null;
  /** JSON: what the triage decision produced or why the item was dismissed (migration 0601). */
  decision: string | null;
}

export interface MonitorWatchesTable {
  id: string;
  person_id: string | null;
  names: string;
  province: string | null;
  status: string | null;
  status_date: string | null;
  created_at: string;
  updated_at: string;
  created_by: string | null;
}

export interface MonitorWatchStepsTable {
  id: string;
  watch_id: string;
  kind: string;
  date: string;
  date_earliest: string | null;
  sources: string;
  note: string | null;
  recorded_at: string;
  recorded_by: string;
}

export interface MonitorSubscriptionsTable {
  id: string;
  name: string;
  channel: string;
  address: string;
  secret: string | null;
  topics: string;
  persons: string;
  provinces: string;
  mode: string;
  digest_minutes: number | null;
  lang: string;
  active: number;
  created_at: string;
  created_by: string | null;
  updated_at: string | null;
}

export interface MonitorDeliveriesTable {
  id: string;
  subscription_id: string;
  event_key: string;
  event: string;
  status: string;
  due_at: string;
  attempts: number;
  last_error: string | null;
  delivered_at: string | null;
  created_at: string;
}

// A type alias (not an interface) so that Kysely's withTables accepts it.
export type MonitorTables = {
  monitor_sources: MonitorSourcesTable;
  monitor_source_failures: MonitorSourceFailuresTable;
  monitor_items: MonitorItemsTable;
  monitor_watches: MonitorWatchesTable;
  monitor_watch_steps: MonitorWatchStepsTable;
  monitor_subscriptions: MonitorSubscriptionsTable;
  monitor_deliveries: MonitorDeliveriesTable;
};
