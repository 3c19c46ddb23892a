import { sql } from "kysely";
import { withTransaction, type Ctx, type Role } from "../core/context.ts";
import { conflict, notFound, Problems, VigilError } from "../core/errors.ts";
import { auditAs } from "./audit.ts";
import { accountId, cdb, type AccountsDb } from "./db.ts";
import { checkNewPassword, hashPassword, verifyPassword } from "./passwords.ts";
import { authorize } from "./policy.ts";
import type { UsersTable } from "./schema.ts";
import { revokeUserSessions } from "./sessions.ts";

export const USER_ROLES = ["admin", "editor", "researcher", "viewer"] as const;
export type UserRole = (typeof USER_ROLES)[number];
export type UserStatus = "active" | "invited" | "disabled";
export type UserLang = "en" | "fa";

/** A member of staff as pages and the API show them: never a secret. */
export interface User {
  id: string;
  email: string;
  displayName: string;
  role: UserRole;
  status: UserStatus;
  lang: UserLang;
  hasPassword: boolean;
  hasTotp: boolean;
  passkeys: number;
  version: number;
  createdAt: string;
  updatedAt: string;
}

export function userFromRow(r: UsersTable, passkeys = 0): User {
  return {
    id: r.id,
    email: r.email,
    displayName: r.display_name,
    role: r.role as UserRole,
    status: r.status as UserStatus,
    lang: r.lang === "fa" ? "fa" : "en",
    hasPassword: Boolean(r.password_hash),
    hasTotp: Boolean(r.totp_secret),
    passkeys,
    version: r.version,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}

export const normaliseEmail = (email: string): string => email.trim().toLowerCase();
const EMAIL = /^[^\s@<>()[\]\\,;:"]+@[^\s@<>()[\]\\,;:"]+\.[^\s@<>()[\]\\,;:"]+$/;

export function checkUserFields(input: { email?: string; displayName?: string; role?: string }, p: Problems): void {
  if (input.email !== undefined && (!EMAIL.test(normaliseEmail(input.email)) || input.email.length > 254)) p.add("email", "enter an email address such as name@example.org");
  if (input.displayName !== undefined && (!input.displayName.trim() || input.displayName.length > 200)) p.add("displayName", "a name of 1 to 200 characters is needed");
  if (input.role !== undefined && !USER_ROLES.includes(input.role as UserRole)) p.add("role", `role must be one of ${USER_ROLES.join(", ")}`);
}

export async function userRow(db: AccountsDb, id: string): Promise<UsersTable | undefined> {
  return db.selectFrom("users").selectAll().where("id", "=", id).executeTakeFirst();
}

export async function userByEmail(db: AccountsDb, email: string): Promise<UsersTable | undefined> {
  return db.selectFrom("users").selectAll().where("email", "=", normaliseEmail(email)).executeTakeFirst();
}

async function passkeyCount(db: AccountsDb, userId: string): Promise<number> {
  const r = await db.selectFrom("passkeys").select(sql<number>`count(*)`.as("n")).where("user_id", "=", userId).executeTakeFirst();
  return Number(r?.n ?? 0);
}

export interface NewUser {
  email: string;
  displayName?: string;
  role: string;
  /** Set only by the local operator (CLI); on the web a person sets their own through an invitation link. */
  password?: string;
  status?: "active" | "invited";
}

/** Adds a member of staff. No default password exists: either one is given here by the operator, or the person sets it. */
export async function createUser(ctx: Ctx, input: NewUser): Promise<User> {
  authorize(ctx.actor, "user.manage");
  const p = new Problems();
  const email = normaliseEmail(input.email ?? "");
  const displayName = (input.displayName ?? email.split("@")[0] ?? "").trim();
  checkUserFields({ email, displayName, role: input.role }, p);
  if (input.password !== undefined) checkNewPassword(input.password, email, p);
  p.throwIfAny("the new user has errors");
  const hash = input.password !== undefined ? await hashPassword(input.password) : null;
  return withTransaction(ctx, async (tx) => {
    const db = cdb(tx);
    if (await userByEmail(db, email)) throw new VigilError("conflict", `a user with the email ${email} already exists`, { where: { field: "email" } });
    const at = tx.now().toISOString();
    const row: UsersTable = { id: accountId("usr"), email, display_name: displayName, role: input.role, status: input.status ?? "active", password_hash: hash, totp_secret: null, totp_last_step: null, lang: "en", version: 1, created_at: at, updated_at: at, created_by: tx.actor.id };
    await db.insertInto("users").values(row).execute();
    await auditAs(tx, { action: "user.created", targetType: "user", targetId: row.id, detail: { email, role: input.role, status: row.status } });
    return userFromRow(row);
  });
}

/** Every member of staff (admins). */
export async function listUsers(ctx: Ctx): Promise<User[]> {
  authorize(ctx.actor, "user.read");
  const db = cdb(ctx);
  const rows = await db.selectFrom("users").selectAll().orderBy("status").orderBy("email").execute();
  const counts = await db.selectFrom("passkeys").select(["user_id", sql<number>`count(*)`.as("n")]).groupBy("user_id").execute();
  const byUser = new Map(counts.map((c) => [c.user_id, Number(c.n)]));
  return rows.map((r) => userFromRow(r, byUser.get(r.id) ?? 0));
}

/** One member of staff: admins see anyone, everyone sees themselves. */
export async function getUser(ctx: Ctx, id: string): Promise<User> {
  if (id !== ctx.actor.id) authorize(ctx.actor, "user.read");
  else authorize(ctx.actor, "account.self");
  const db = cdb(ctx);
  const row = await userRow(db, id);
  if (!row) throw notFound("user", id);
  return userFromRow(row, await passkeyCount(db, id));
}

async function activeAdmins(db: AccountsDb): Promise<number> {
  const r = await db.selectFrom("users").select(sql<number>`count(*)`.as("n")).where("role", "=", "admin").where("status", "=", "active").executeTakeFirst();
  return Number(r?.n ?? 0);
}

export interface UserChange {
  role?: string;
  status?: "active" | "disabled";
  displayName?: string;
}

/**
 * Changes a user's role, status or name (admins). Disabling ends their
 * sessions and revokes their tokens at once. The last active admin can be
 * neither demoted nor disabled.
 */
export async function updateUser(ctx: Ctx, id: string, change: UserChange, expectedVersion?: number): Promise<User> {
  authorize(ctx.actor, "user.manage");
  const p = new Problems();
  checkUserFields({ ...(change.role !== undefined ? { role: change.role } : {}), ...(change.displayName !== undefined ? { displayName: change.displayName } : {}) }, p);
  if (change.status !== undefined && change.status !== "active" && change.status !== "disabled") p.add("status", "status must be active or disabled");
  p.throwIfAny();
  return withTransaction(ctx, async (tx) => {
    const db = cdb(tx);
    const before = await userRow(db, id);
    if (!before) throw notFound("user", id);
    if (expectedVersion !== undefined && before.version !== expectedVersion) throw conflict(`user ${id} was changed by someone else (version ${before.version}, you edited version ${expectedVersion}); reload and try again`);
    const role = change.role ?? before.role;
    let status = change.status ?? before.status;
    if (status === "active" && before.status === "invited") status = "invited";
    const losingAdmin = before.role === "admin" && before.status === "active" && (role !== "admin" || status !== "active");
    if (losingAdmin && (await activeAdmins(db)) <= 1) throw conflict("this is the last active admin: make someone else an admin first");
    const at = tx.now().toISOString();
    await db
      .updateTable("users")
      .set({ role, status, display_name: change.displayName?.trim() ?? before.display_name, version: before.version + 1, updated_at: at })
      .where("id", "=", id)
      .execute();
    if (role !== before.role) await auditAs(tx, { action: "user.role_changed", targetType: "user", targetId: id, detail: { from: before.role, to: role } });
    if (status !== before.status) {
      await auditAs(tx, { action: status === "disabled" ? "user.disabled" : "user.enabled", targetType: "user", targetId: id, detail: {} });
      if (status === "disabled") {
        await revokeUserSessions(db, id);
        await db.updateTable("api_tokens").set({ revoked_at: at }).where("user_id", "=", id).where("revoked_at", "is", null).execute();
      }
    }
    if (role !== before.role) await revokeUserSessions(db, id);
    const after = await userRow(db, id);
    return userFromRow(after!, await passkeyCount(db, id));
  });
}

/** The language a person reads the workspace in. */
export async function setLanguage(ctx: Ctx, lang: string): Promise<void> {
  authorize(ctx.actor, "account.self");
  if (lang !== "en" && lang !== "fa") throw new VigilError("validation", "language must be en or fa", { where: { field: "lang" } });
  await cdb(ctx).updateTable("users").set({ lang }).where("id", "=", ctx.actor.id).execute();
}

/** Changes one's own password; every other session ends. */
export async function changePassword(ctx: Ctx, current: string, next: string, keepSessionId?: string): Promise<void> {
  authorize(ctx.actor, "account.self");
  const db = cdb(ctx);
  const row = await userRow(db, ctx.actor.id);
  if (!row) throw notFound("user", ctx.actor.id);
  const p = new Problems();
  if (!row.password_hash || !(await verifyPassword(current, row.password_hash))) p.add("current", "the current password is wrong");
  checkNewPassword(next, row.email, p, "password");
  p.throwIfAny();
  const hash = await hashPassword(next);
  await withTransaction(ctx, async (tx) => {
    const d = cdb(tx);
    await d.updateTable("users").set({ password_hash: hash, updated_at: tx.now().toISOString() }).where("id", "=", row.id).execute();
    await revokeUserSessions(d, row.id, keepSessionId);
    await auditAs(tx, { action: "auth.password_changed", targetType: "user", targetId: row.id });
  });
}

export const isStaffRole = (r: string): r is UserRole & Role => USER_ROLES.includes(r as UserRole);
