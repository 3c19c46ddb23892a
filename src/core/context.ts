import type { Kysely } from "kysely";
import type { Store } from "../store/index.ts";
import type { CoreTables } from "../store/schema.ts";

/**
 * Who is acting. Staff roles come from accounts; `system` is the local
 * operator (CLI on the server's own data folder, start-up, the worker);
 * `public` is a memorial visitor.
 */
export type Role = "admin" | "editor" | "researcher" | "viewer" | "system" | "public";
export const STAFF_ROLES: readonly Role[] = ["admin", "editor", "researcher", "viewer"];

export interface Actor {
  /** A user id, `system:<what>`, or `public`. Written into history as who. */
  id: string;
  role: Role;
  /** Restricted records and claims this actor was granted individually (ids). */
  grantedRestricted?: ReadonlySet<string>;
  /** The role may read every restricted claim (granted per role by an admin). */
  restrictedByRole?: boolean;
  /** When set (API tokens), only these actions are allowed, whatever the role allows. */
  scopes?: ReadonlySet<string>;
}

export const SYSTEM: Actor = { id: "system", role: "system", restrictedByRole: true };
export const PUBLIC: Actor = { id: "public", role: "public" };

/** Something worth an entry in the audit log: reads of restricted claims, exports, permission changes. */
export interface AuditEvent {
  action: string;
  targetType?: string;
  targetId?: string;
  detail?: Record<string, unknown>;
}
export type AuditSink = (ctx: Ctx, event: AuditEvent) => Promise<void>;

/** Everything a use case needs: the database (or the open transaction), who acts, the clock, the audit log. */
export interface Ctx {
  store: Store;
  db: Kysely<CoreTables>;
  actor: Actor;
  now: () => Date;
  inTransaction: boolean;
  audit?: AuditSink;
}

export function makeCtx(store: Store, actor: Actor, options: { now?: () => Date; audit?: AuditSink } = {}): Ctx {
  return { store, db: store.db, actor, now: options.now ?? (() => new Date()), inTransaction: false, ...(options.audit ? { audit: options.audit } : {}) };
}

export async function audit(ctx: Ctx, event: AuditEvent): Promise<void> {
  if (ctx.audit) await ctx.audit(ctx, event);
}

/** Runs `fn` inside one transaction, joining the caller's if there is one. */
export async function withTransaction<T>(ctx: Ctx, fn: (ctx: Ctx) => Promise<T>): Promise<T> {
  if (ctx.inTransaction) return fn(ctx);
  return ctx.store.transaction((trx) => fn({ ...ctx, db: trx, inTransaction: true }));
}

export const nowIso = (ctx: Ctx): string => ctx.now().toISOString();
