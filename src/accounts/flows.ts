import { sql } from "kysely";
import { accountId, addMs, newSecret, sha256, type AccountsDb } from "./db.ts";

/**
 * One-time links and short sign-in steps. The secret goes to the person (in
 * a link or a cookie); only its hash is stored, so a copy of the database
 * opens nothing.
 */
export type FlowKind = "setup" | "invite" | "recovery" | "recovery_request" | "second_factor" | "totp_enrol" | "webauthn_register" | "webauthn_auth";

export interface Flow {
  id: string;
  kind: FlowKind;
  userId: string | null;
  data: Record<string, unknown>;
  attempts: number;
  createdAt: string;
  createdBy: string;
  expiresAt: string;
}

export async function createFlow(db: AccountsDb, kind: FlowKind, opts: { userId?: string | null; data?: Record<string, unknown>; ttlMs: number; createdBy: string; now: Date; token?: string }): Promise<{ token: string; id: string }> {
  const token = opts.token ?? newSecret();
  const id = sha256(`${kind}:${token}`);
  await db
    .insertInto("auth_flows")
    .values({ id, kind, user_id: opts.userId ?? null, data: JSON.stringify(opts.data ?? {}), attempts: 0, created_at: opts.now.toISOString(), created_by: opts.createdBy, expires_at: addMs(opts.now, opts.ttlMs), used_at: null })
    .execute();
  return { token, id };
}

const toFlow = (r: { id: string; kind: string; user_id: string | null; data: string; attempts: number; created_at: string; created_by: string; expires_at: string }): Flow => ({
  id: r.id,
  kind: r.kind as FlowKind,
  userId: r.user_id,
  data: JSON.parse(r.data) as Record<string, unknown>,
  attempts: r.attempts,
  createdAt: r.created_at,
  createdBy: r.created_by,
  expiresAt: r.expires_at,
});

/** A live (unused, unexpired) flow by its secret, without using it up. */
export async function peekFlow(db: AccountsDb, kind: FlowKind, token: string | undefined, now: Date): Promise<Flow | undefined> {
  if (!token || token.length > 200) return undefined;
  const row = await db.selectFrom("auth_flows").selectAll().where("id", "=", sha256(`${kind}:${token}`)).where("kind", "=", kind).where("used_at", "is", null).where("expires_at", ">", now.toISOString()).executeTakeFirst();
  return row ? toFlow(row) : undefined;
}

/** A live flow by its id (for flows listed to admins, such as recovery requests). */
export async function flowById(db: AccountsDb, kind: FlowKind, id: string, now: Date): Promise<Flow | undefined> {
  const row = await db.selectFrom("auth_flows").selectAll().where("id", "=", id).where("kind", "=", kind).where("used_at", "is", null).where("expires_at", ">", now.toISOString()).executeTakeFirst();
  return row ? toFlow(row) : undefined;
}

/** Uses a flow up; true only for the one caller that got there first. */
export async function consumeFlow(db: AccountsDb, id: string, now: Date): Promise<boolean> {
  const r = await db.updateTable("auth_flows").set({ used_at: now.toISOString() }).where("id", "=", id).where("used_at", "is", null).executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

/** Counts a wrong answer on a flow; returns the new count. */
export async function failFlow(db: AccountsDb, id: string): Promise<number> {
  await db.updateTable("auth_flows").set({ attempts: sql<number>`attempts + 1` }).where("id", "=", id).execute();
  const row = await db.selectFrom("auth_flows").select("attempts").where("id", "=", id).executeTakeFirst();
  return row?.attempts ?? 0;
}

/** Ends every live flow of a kind (for a user, or all). */
export async function endFlows(db: AccountsDb, kind: FlowKind, userId: string | null, now: Date): Promise<void> {
  let q = db.updateTable("auth_flows").set({ used_at: now.toISOString() }).where("kind", "=", kind).where("used_at", "is", null);
  if (userId) q = q.where("user_id", "=", userId);
  await q.execute();
}

/** Removes expired and long-used flows (housekeeping at start). */
export async function pruneFlows(db: AccountsDb, now: Date): Promise<void> {
  const cutoff = addMs(now, -7 * 24 * 3600 * 1000);
  await db.deleteFrom("auth_flows").where((eb) => eb.or([eb("expires_at", "<", cutoff), eb("used_at", "<", cutoff)])).execute();
}

export { accountId };
