import { addMs, newSecret, sha256, type AccountsDb } from "./db.ts";
import type { UsersTable } from "./schema.ts";

/**
 * Server-side sessions. The cookie holds 256 random bits; the database only
 * their SHA-256, so a database copy cannot be replayed as a session.
 * `enrol` sessions come from a password (or a one-time link) alone and open
 * nothing but the page that sets up a second factor.
 */
export type SessionStage = "full" | "enrol";
export type SessionMethod = "password+totp" | "passkey" | "password" | "link";

export const SESSION_IDLE_MS = 4 * 3600 * 1000;
export const SESSION_MAX_MS = 24 * 3600 * 1000;
/** Security changes (keys, password, tokens) need a sign-in at most this old. */
export const RECENT_AUTH_MS = 15 * 60 * 1000;
const TOUCH_EVERY_MS = 5 * 60 * 1000;

export interface Session {
  id: string;
  userId: string;
  stage: SessionStage;
  method: SessionMethod;
  createdAt: string;
  authenticatedAt: string;
  lastSeenAt: string;
  expiresAt: string;
}

export async function createSession(db: AccountsDb, userId: string, stage: SessionStage, method: SessionMethod, now: Date): Promise<{ token: string; session: Session }> {
  const token = newSecret();
  const at = now.toISOString();
  const session: Session = { id: sha256(token), userId, stage, method, createdAt: at, authenticatedAt: at, lastSeenAt: at, expiresAt: addMs(now, SESSION_MAX_MS) };
  await db
    .insertInto("sessions")
    .values({ id: session.id, user_id: userId, stage, method, created_at: at, authenticated_at: at, last_seen_at: at, expires_at: session.expiresAt })
    .execute();
  return { token, session };
}

/** The live session and its (active) user for a cookie value, or nothing. */
export async function resolveSession(db: AccountsDb, token: string | undefined, now: Date): Promise<{ session: Session; user: UsersTable } | undefined> {
  if (!token || token.length < 40 || token.length > 100) return undefined;
  const id = sha256(token);
  const row = await db
    .selectFrom("sessions")
    .innerJoin("users", "users.id", "sessions.user_id")
    .selectAll("users")
    .select(["sessions.id as s_id", "sessions.stage", "sessions.method", "sessions.created_at as s_created", "sessions.authenticated_at", "sessions.last_seen_at", "sessions.expires_at"])
    .where("sessions.id", "=", id)
    .executeTakeFirst();
  if (!row) return undefined;
  const nowIso = now.toISOString();
  if (row.expires_at <= nowIso || addMs(new Date(row.last_seen_at), SESSION_IDLE_MS) <= nowIso || row.status !== "active") {
    await db.deleteFrom("sessions").where("id", "=", id).execute();
    return undefined;
  }
  if (now.getTime() - new Date(row.last_seen_at).getTime() > TOUCH_EVERY_MS) await db.updateTable("sessions").set({ last_seen_at: nowIso }).where("id", "=", id).execute();
  const { s_id, stage, method, s_created, authenticated_at, last_seen_at, expires_at, ...user } = row;
  return { session: { id: s_id, userId: user.id, stage: stage as SessionStage, method: method as SessionMethod, createdAt: s_created, authenticatedAt: authenticated_at, lastSeenAt: last_seen_at, expiresAt: expires_at }, user };
}

export async function revokeSession(db: AccountsDb, id: string): Promise<void> {
  await db.deleteFrom("sessions").where("id", "=", id).execute();
}

/** Ends every session of a user, except one when given (the one making a change). */
export async function revokeUserSessions(db: AccountsDb, userId: string, exceptId?: string): Promise<number> {
  let q = db.deleteFrom("sessions").where("user_id", "=", userId);
  if (exceptId) q = q.where("id", "!=", exceptId);
  const r = await q.executeTakeFirst();
  return Number(r.numDeletedRows);
}

export async function listSessions(db: AccountsDb, userId: string): Promise<Session[]> {
  const rows = await db.selectFrom("sessions").selectAll().where("user_id", "=", userId).orderBy("last_seen_at", "desc").execute();
  return rows.map((r) => ({ id: r.id, userId: r.user_id, stage: r.stage as SessionStage, method: r.method as SessionMethod, createdAt: r.created_at, authenticatedAt: r.authenticated_at, lastSeenAt: r.last_seen_at, expiresAt: r.expires_at }));
}

export const recentlyAuthenticated = (s: Session, now: Date): boolean => now.getTime() - new Date(s.authenticatedAt).getTime() <= RECENT_AUTH_MS;
