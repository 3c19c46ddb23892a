import type { Generated } from "kysely";

/** Row types of the accounts tables (migration 0100). */
export interface UsersTable {
  id: string;
  email: string;
  display_name: string;
  role: string;
  status: string;
  password_hash: string | null;
  totp_secret: string | null;
  totp_last_step: number | null;
  lang: string;
  version: number;
  created_at: string;
  updated_at: string;
  created_by: string;
}

export interface PasskeysTable {
  id: string;
  user_id: string;
  public_key: string;
  counter: number;
  transports: string;
  device_type: string | null;
  backed_up: number;
  name: string;
  created_at: string;
  last_used_at: string | null;
}

export interface SessionsTable {
  id: string;
  user_id: string;
  stage: string;
  method: string;
  created_at: string;
  authenticated_at: string;
  last_seen_at: string;
  expires_at: string;
}

export interface AuthFlowsTable {
  id: string;
  kind: string;
  user_id: string | null;
  data: string;
  attempts: number;
  created_at: string;
  created_by: string;
  expires_at: string;
  used_at: string | null;
}

export interface GrantsTable {
  id: string;
  subject_type: string;
  subject: string;
  target: string;
  note: string | null;
  created_at: string;
  created_by: string;
}

export interface ApiTokensTable {
  id: string;
  user_id: string;
  name: string;
  token_hash: string;
  scopes: string;
  created_at: string;
  expires_at: string;
  revoked_at: string | null;
  last_used_at: string | null;
}

export interface SignInFailuresTable {
  key: string;
  failures: number;
  window_started_at: string;
  locked_until: string | null;
}

export interface SettingsTable {
  key: string;
  value: string;
  updated_at: string;
  updated_by: string;
}

export interface ProposalsTable {
  id: string;
  op: string;
  record_id: string | null;
  target_id: string | null;
  payload: string;
  summary: string;
  status: string;
  reason: string | null;
  proposed_by: string;
  proposed_at: string;
  decided_by: string | null;
  decided_at: string | null;
  decision_note: string | null;
  result_id: string | null;
  error: string | null;
}

export interface AuditLogTable {
  seq: Generated<number>;
  at: string;
  actor_id: string;
  actor_role: string;
  action: string;
  target_type: string | null;
  target_id: string | null;
  detail: string;
}

export type AccountTables = {
  users: UsersTable;
  passkeys: PasskeysTable;
  sessions: SessionsTable;
  auth_flows: AuthFlowsTable;
  grants: GrantsTable;
  api_tokens: ApiTokensTable;
  sign_in_failures: SignInFailuresTable;
  settings: SettingsTable;
  proposals: ProposalsTable;
  audit_log: AuditLogTable;
};
