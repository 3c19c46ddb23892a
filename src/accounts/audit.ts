import type { Actor, AuditEvent, AuditSink, Ctx } from "../core/context.ts";
import { adb, cdb, type AccountsDb } from "./db.ts";
import { authorize } from "./policy.ts";

/** One line of the audit log. */
export interface AuditEntry {
  seq: number;
  at: string;
  actorId: string;
  actorRole: string;
  action: string;
  targetType: string | null;
  targetId: string | null;
  detail: Record<string, unknown>;
}

/** Appends an entry. There is no function that changes or removes one, and the database refuses it. */
export async function writeAudit(db: AccountsDb, actor: Pick<Actor, "id" | "role">, event: AuditEvent, at: Date = new Date()): Promise<void> {
  await db
    .insertInto("audit_log")
    .values({
      at: at.toISOString(),
      actor_id: actor.id,
      actor_role: actor.role,
      action: event.action,
      target_type: event.targetType ?? null,
      target_id: event.targetId ?? null,
      detail: JSON.stringify(event.detail ?? {}),
    })
    .execute();
}

/** The sink every request's Ctx carries: reads of restricted claims, exports, permission changes land here. */
export const auditSink: AuditSink = (ctx, event) => writeAudit(cdb(ctx), ctx.actor, event, ctx.now());

/** Records an event for the acting user (within the caller's transaction). */
export const auditAs = (ctx: Ctx, event: AuditEvent): Promise<void> => writeAudit(cdb(ctx), ctx.actor, event, ctx.now());

export interface AuditQuery {
  action?: string;
  actorId?: string;
  targetId?: string;
  /** Entries before this sequence number (for paging back). */
  before?: number;
  limit?: number;
}

const entry = (r: { seq: number; at: string; actor_id: string; actor_role: string; action: string; target_type: string | null; target_id: string | null; detail: string }): AuditEntry => ({
  seq: Number(r.seq),
  at: r.at,
  actorId: r.actor_id,
  actorRole: r.actor_role,
  action: r.action,
  targetType: r.target_type,
  targetId: r.target_id,
  detail: JSON.parse(r.detail) as Record<string, unknown>,
});

/** The newest entries matching a query, for admins. */
export async function listAudit(ctx: Ctx, q: AuditQuery = {}): Promise<AuditEntry[]> {
  authorize(ctx.actor, "audit.read");
  let query = cdb(ctx).selectFrom("audit_log").selectAll();
  if (q.action) query = q.action.endsWith(".") ? query.where("action", "like", `${q.action}%`) : query.where("action", "=", q.action);
  if (q.actorId) query = query.where("actor_id", "=", q.actorId);
  if (q.targetId) query = query.where("target_id", "=", q.targetId);
  if (q.before) query = query.where("seq", "<", q.before);
  const rows = await query.orderBy("seq", "desc").limit(Math.min(Math.max(q.limit ?? 100, 1), 1000)).execute();
  return rows.map(entry);
}

/**
 * The whole log as NDJSON lines, oldest first, in pages. The export is
 * itself logged before the first line is produced.
 */
export async function* exportAudit(ctx: Ctx, options: { since?: string } = {}): AsyncGenerator<string> {
  authorize(ctx.actor, "audit.export");
  await auditAs(ctx, { action: "audit.export", detail: options.since ? { since: options.since } : {} });
  const db = adb(ctx.store.db);
  let after = 0;
  for (;;) {
    let q = db.selectFrom("audit_log").selectAll().where("seq", ">", after);
    if (options.since) q = q.where("at", ">=", options.since);
    const rows = await q.orderBy("seq").limit(1000).execute();
    if (!rows.length) return;
    for (const r of rows) yield `${JSON.stringify(entry(r))}\n`;
    after = Number(rows[rows.length - 1]!.seq);
  }
}
