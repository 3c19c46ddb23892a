import { sql } from "kysely";
import { makeCtx, withTransaction, type Ctx } from "../core/context.ts";
import { conflict, notFound, Problems, VigilError } from "../core/errors.ts";
import type { Store } from "../store/index.ts";
import { auditAs, writeAudit } from "./audit.ts";
import { accountId, adb, cdb, type AccountsDb } from "./db.ts";
import { consumeFlow, createFlow, endFlows, flowById, peekFlow, type Flow } from "./flows.ts";
import { checkNewPassword, hashPassword } from "./passwords.ts";
import { authorize } from "./policy.ts";
import type { UsersTable } from "./schema.ts";
import { createSession, revokeUserSessions, type Session } from "./sessions.ts";
import { checkUserFields, createUser, normaliseEmail, userRow, type User } from "./users.ts";

/**
 * One-time links: the first administrator's setup link (printed at start
 * while no admin exists), invitations, and account recovery. A link sets a
 * password and gives a session that can only set up a second factor: no link
 * skips the second factor.
 */
export const SETUP_TTL_MS = 24 * 3600_000;
export const INVITE_TTL_MS = 72 * 3600_000;
export const RECOVERY_TTL_MS = 24 * 3600_000;

export async function setupNeeded(db: AccountsDb): Promise<boolean> {
  const r = await db.selectFrom("users").select("id").where("role", "=", "admin").where("status", "=", "active").limit(1).executeTakeFirst();
  return !r;
}

/** A new setup link; earlier ones stop working. */
export async function createSetupLink(db: AccountsDb, now: Date): Promise<string> {
  await endFlows(db, "setup", null, now);
  const { token } = await createFlow(db, "setup", { ttlMs: SETUP_TTL_MS, createdBy: "system:start", now });
  return token;
}

export type LinkKind = "setup" | "invite" | "recovery";

/** What a link is for, without using it: for showing its form. */
export async function peekLink(db: AccountsDb, kind: LinkKind, token: string | undefined, now: Date): Promise<{ flow: Flow; user: UsersTable | undefined } | undefined> {
  const flow = await peekFlow(db, kind, token, now);
  if (!flow) return undefined;
  if (kind === "setup" && !(await setupNeeded(db))) return undefined;
  const user = flow.userId ? await userRow(db, flow.userId) : undefined;
  if (kind !== "setup" && !user) return undefined;
  return { flow, user };
}

export interface LinkInput {
  password: string;
  confirm: string;
  email?: string;
  displayName?: string;
}

/**
 * Uses a link: sets the password (and for setup, creates the admin), ends
 * the link, and starts an enrolment session. Recovery also removes every old
 * credential and session first.
 */
export async function redeemLink(store: Store, kind: LinkKind, token: string, input: LinkInput, now: Date): Promise<{ token: string; session: Session; user: UsersTable }> {
  const db = adb(store.db);
  const link = await peekLink(db, kind, token, now);
  if (!link) throw new VigilError("not_found", "this link has expired or was already used; ask an administrator for a new one");
  const p = new Problems();
  const email = kind === "setup" ? normaliseEmail(input.email ?? "") : link.user!.email;
  if (kind === "setup") checkUserFields({ email, displayName: input.displayName ?? "" }, p);
  checkNewPassword(input.password, email, p);
  if (input.password !== input.confirm) p.add("confirm", "the two passwords differ");
  p.throwIfAny("the form has errors");
  const hash = await hashPassword(input.password);
  const system = makeCtx(store, { id: `system:${kind}`, role: "system" }, { now: () => now });
  return withTransaction(system, async (tx) => {
    const d = cdb(tx);
    if (!(await consumeFlow(d, link.flow.id, now))) throw new VigilError("not_found", "this link was already used");
    let user: UsersTable;
    if (kind === "setup") {
      if (!(await setupNeeded(d))) throw conflict("an administrator already exists");
      const created = await createUser(tx, { email, displayName: input.displayName ?? "", role: "admin", password: input.password });
      user = (await userRow(d, created.id))!;
      await endFlows(d, "setup", null, now);
    } else {
      user = link.user!;
      if (kind === "recovery") {
        await d.deleteFrom("passkeys").where("user_id", "=", user.id).execute();
        await revokeUserSessions(d, user.id);
        await d.updateTable("api_tokens").set({ revoked_at: now.toISOString() }).where("user_id", "=", user.id).where("revoked_at", "is", null).execute();
      }
      await d
        .updateTable("users")
        .set({ password_hash: hash, totp_secret: null, totp_last_step: null, status: user.status === "disabled" ? "disabled" : "active", updated_at: now.toISOString(), version: sql<number>`version + 1` })
        .where("id", "=", user.id)
        .execute();
      user = (await userRow(d, user.id))!;
      if (user.status !== "active") throw new VigilError("forbidden", "this account is disabled");
    }
    await writeAudit(d, { id: user.id, role: user.role as never }, { action: `auth.${kind}_completed`, targetType: "user", targetId: user.id }, now);
    const s = await createSession(d, user.id, "enrol", "link", now);
    return { ...s, user };
  });
}

/** Invites a member of staff: the account waits until they open the link and set their own password. */
export async function inviteUser(ctx: Ctx, input: { email: string; displayName?: string; role: string }): Promise<{ user: User; token: string }> {
  authorize(ctx.actor, "user.manage");
  return withTransaction(ctx, async (tx) => {
    const user = await createUser(tx, { ...input, status: "invited" });
    const { token } = await createFlow(cdb(tx), "invite", { userId: user.id, ttlMs: INVITE_TTL_MS, createdBy: tx.actor.id, now: tx.now() });
    return { user, token };
  });
}

/** A fresh invitation link for someone who has not yet accepted (the old one stops working). */
export async function reissueInvite(ctx: Ctx, userId: string): Promise<string> {
  authorize(ctx.actor, "user.manage");
  return withTransaction(ctx, async (tx) => {
    const d = cdb(tx);
    const user = await userRow(d, userId);
    if (!user) throw notFound("user", userId);
    if (user.status !== "invited") throw conflict("this person has already accepted their invitation");
    await endFlows(d, "invite", userId, tx.now());
    await auditAs(tx, { action: "user.invite_reissued", targetType: "user", targetId: userId });
    return (await createFlow(d, "invite", { userId, ttlMs: INVITE_TTL_MS, createdBy: tx.actor.id, now: tx.now() })).token;
  });
}

export interface RecoveryRequest {
  id: string;
  userId: string;
  initiator: string;
  reason: string;
  createdAt: string;
  expiresAt: string;
}

/**
 * The first admin's half of a recovery: a request that a second admin must
 * approve. Nobody recovers their own account.
 */
export async function startRecovery(ctx: Ctx, userId: string, reason: string): Promise<RecoveryRequest> {
  authorize(ctx.actor, "user.recover");
  if (!reason.trim()) throw new VigilError("validation", "say why (how the person proved who they are)", { where: { field: "reason" } });
  if (userId === ctx.actor.id) throw new VigilError("forbidden", "nobody recovers their own account: ask another administrator");
  return withTransaction(ctx, async (tx) => {
    const d = cdb(tx);
    if (!(await userRow(d, userId))) throw notFound("user", userId);
    await endFlows(d, "recovery_request", userId, tx.now());
    const { id } = await createFlow(d, "recovery_request", { userId, data: { initiator: tx.actor.id, reason: reason.trim() }, ttlMs: RECOVERY_TTL_MS, createdBy: tx.actor.id, now: tx.now() });
    await auditAs(tx, { action: "auth.recovery_started", targetType: "user", targetId: userId, detail: { reason: reason.trim(), request: id.slice(0, 16) } });
    const f = (await flowById(d, "recovery_request", id, tx.now()))!;
    return { id, userId, initiator: tx.actor.id, reason: reason.trim(), createdAt: f.createdAt, expiresAt: f.expiresAt };
  });
}

export async function listRecoveryRequests(ctx: Ctx): Promise<RecoveryRequest[]> {
  authorize(ctx.actor, "user.recover");
  const rows = await cdb(ctx).selectFrom("auth_flows").selectAll().where("kind", "=", "recovery_request").where("used_at", "is", null).where("expires_at", ">", ctx.now().toISOString()).orderBy("created_at", "desc").execute();
  return rows.map((r) => {
    const data = JSON.parse(r.data) as { initiator: string; reason: string };
    return { id: r.id, userId: r.user_id ?? "", initiator: data.initiator, reason: data.reason, createdAt: r.created_at, expiresAt: r.expires_at };
  });
}

/**
 * The second admin's half: approving gives a one-time recovery link for the
 * person. The approver is neither the admin who asked nor the person.
 */
export async function approveRecovery(ctx: Ctx, requestId: string): Promise<{ userId: string; token: string }> {
  authorize(ctx.actor, "user.recover");
  return withTransaction(ctx, async (tx) => {
    const d = cdb(tx);
    const req = await flowById(d, "recovery_request", requestId, tx.now());
    if (!req?.userId) throw notFound("recovery request", requestId);
    if (req.data.initiator === tx.actor.id) throw new VigilError("forbidden", "a second administrator must approve: you started this recovery");
    if (req.userId === tx.actor.id) throw new VigilError("forbidden", "nobody approves the recovery of their own account");
    if (!(await consumeFlow(d, req.id, tx.now()))) throw conflict("this request was already decided");
    await endFlows(d, "recovery", req.userId, tx.now());
    const { token } = await createFlow(d, "recovery", { userId: req.userId, data: { initiator: req.data.initiator, approver: tx.actor.id }, ttlMs: RECOVERY_TTL_MS, createdBy: tx.actor.id, now: tx.now() });
    await auditAs(tx, { action: "auth.recovery_approved", targetType: "user", targetId: req.userId, detail: { initiator: req.data.initiator } });
    return { userId: req.userId, token };
  });
}

/** Refuses a pending recovery request (any admin). */
export async function cancelRecovery(ctx: Ctx, requestId: string): Promise<void> {
  authorize(ctx.actor, "user.recover");
  await withTransaction(ctx, async (tx) => {
    const d = cdb(tx);
    const req = await flowById(d, "recovery_request", requestId, tx.now());
    if (!req) throw notFound("recovery request", requestId);
    await consumeFlow(d, req.id, tx.now());
    await auditAs(tx, { action: "auth.recovery_cancelled", targetType: "user", targetId: req.userId ?? undefined });
  });
}

export { accountId };
