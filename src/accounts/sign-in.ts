import { makeCtx, withTransaction } from "../core/context.ts";
import { VigilError } from "../core/errors.ts";
import type { Store } from "../store/index.ts";
import { writeAudit } from "./audit.ts";
import { adb, hmac, serverKey, type AccountsDb } from "./db.ts";
import { consumeFlow, createFlow, failFlow, peekFlow } from "./flows.ts";
import { finishPasskeySignIn, type RelyingParty } from "./passkeys.ts";
import { dummyHash, verifyPassword } from "./passwords.ts";
import type { UsersTable } from "./schema.ts";
import { createSession, revokeSession, type Session, type SessionMethod, type SessionStage } from "./sessions.ts";
import { securitySettings } from "./settings.ts";
import { clearFailures, lockedUntil, recordFailure, type ClientThrottle } from "./throttle.ts";
import { useTotpCode } from "./totp.ts";
import { normaliseEmail } from "./users.ts";

/** Where a sign-in attempt comes from: a keyed hash of the client address (never stored) and its throttle. */
export interface SignInEnv {
  store: Store;
  now: Date;
  clientKey: string;
  clients: ClientThrottle;
}

export type SignInOutcome =
  /** Wrong email, wrong password, unknown user, disabled user: one answer for all. */
  | { kind: "failed" }
  | { kind: "throttled"; until: Date | null }
  | { kind: "second_factor"; flowToken: string }
  /** The password was right, but this account (or organisation) signs in with passkeys only. */
  | { kind: "use_passkey" }
  | { kind: "session"; token: string; session: Session; user: UsersTable };

const SECOND_FACTOR_TTL_MS = 5 * 60_000;
const MAX_CODE_ATTEMPTS = 5;

async function accountKey(db: AccountsDb, email: string): Promise<string> {
  return `acct:${hmac(await serverKey(db), normaliseEmail(email))}`;
}

const audit = (db: AccountsDb, actor: { id: string; role: string }, action: string, now: Date, targetId?: string, detail: Record<string, unknown> = {}): Promise<void> =>
  writeAudit(db, { id: actor.id, role: actor.role as never }, { action, ...(targetId ? { targetType: "user", targetId } : {}), detail }, now);

async function startSession(db: AccountsDb, user: UsersTable, stage: SessionStage, method: SessionMethod, now: Date): Promise<SignInOutcome> {
  const { token, session } = await createSession(db, user.id, stage, method, now);
  await audit(db, user, stage === "full" ? "auth.sign_in" : "auth.sign_in_enrol", now, user.id, { method });
  return { kind: "session", token, session, user };
}

async function hasPasskey(db: AccountsDb, userId: string): Promise<boolean> {
  return Boolean(await db.selectFrom("passkeys").select("id").where("user_id", "=", userId).limit(1).executeTakeFirst());
}

/**
 * The first step with a password. Unknown and known users get the same
 * answer and take the same time (a password hash is always checked).
 */
export async function signInWithPassword(env: SignInEnv, email: string, password: string): Promise<SignInOutcome> {
  const db = adb(env.store.db);
  const key = await accountKey(db, email);
  if (env.clients.blocked(env.clientKey, env.now.getTime())) return { kind: "throttled", until: null };
  const locked = await lockedUntil(db, key, env.now);
  if (locked) {
    await dummyHash().then((h) => verifyPassword(password, h));
    return { kind: "throttled", until: locked };
  }
  const user = email.length <= 254 && password.length <= 1024 ? await db.selectFrom("users").selectAll().where("email", "=", normaliseEmail(email)).executeTakeFirst() : undefined;
  const hash = user?.password_hash ?? (await dummyHash());
  const ok = (await verifyPassword(password.slice(0, 1024), hash)) && user !== undefined && user.password_hash !== null && user.status === "active";
  if (!ok) {
    await recordFailure(db, key, env.now);
    env.clients.fail(env.clientKey, env.now.getTime());
    await audit(db, { id: "public", role: "public" }, "auth.sign_in_failed", env.now, user?.id, { step: "password", ...(user ? {} : { knownEmail: false }) });
    return { kind: "failed" };
  }
  const settings = await securitySettings(db);
  const passkey = await hasPasskey(db, user.id);
  if (settings.requirePasskeys) {
    // The password alone may only be used to set up the first passkey.
    if (passkey) return { kind: "use_passkey" };
    if (user.totp_secret) return { kind: "second_factor", flowToken: (await createFlow(db, "second_factor", { userId: user.id, data: { then: "enrol" }, ttlMs: SECOND_FACTOR_TTL_MS, createdBy: user.id, now: env.now })).token };
    return startSession(db, user, "enrol", "password", env.now);
  }
  if (user.totp_secret) return { kind: "second_factor", flowToken: (await createFlow(db, "second_factor", { userId: user.id, data: { then: "full" }, ttlMs: SECOND_FACTOR_TTL_MS, createdBy: user.id, now: env.now })).token };
  if (passkey) return { kind: "use_passkey" };
  // No second factor yet (a new account): a session that can only set one up.
  return startSession(db, user, "enrol", "password", env.now);
}

/** The second step: a code from the authenticator app, each code good once. */
export async function completeSecondFactor(env: SignInEnv, flowToken: string, code: string): Promise<SignInOutcome> {
  const db = adb(env.store.db);
  const flow = await peekFlow(db, "second_factor", flowToken, env.now);
  if (!flow?.userId) return { kind: "failed" };
  const user = await db.selectFrom("users").selectAll().where("id", "=", flow.userId).executeTakeFirst();
  if (!user || user.status !== "active") return { kind: "failed" };
  const key = await accountKey(db, user.email);
  if (await lockedUntil(db, key, env.now)) return { kind: "throttled", until: await lockedUntil(db, key, env.now) ?? null };
  if (!(await useTotpCode(db, env.store.dataDir, user.id, code, env.now))) {
    await recordFailure(db, key, env.now);
    env.clients.fail(env.clientKey, env.now.getTime());
    if ((await failFlow(db, flow.id)) >= MAX_CODE_ATTEMPTS) await consumeFlow(db, flow.id, env.now);
    await audit(db, { id: "public", role: "public" }, "auth.sign_in_failed", env.now, user.id, { step: "code" });
    return { kind: "failed" };
  }
  if (!(await consumeFlow(db, flow.id, env.now))) return { kind: "failed" };
  await clearFailures(db, key);
  return startSession(db, user, flow.data.then === "enrol" ? "enrol" : "full", "password+totp", env.now);
}

/** Signs in with a passkey (discoverable: no email typed). */
export async function signInWithPasskey(env: SignInEnv, rp: RelyingParty, flowToken: string, response: unknown): Promise<SignInOutcome> {
  const db = adb(env.store.db);
  if (env.clients.blocked(env.clientKey, env.now.getTime())) return { kind: "throttled", until: null };
  try {
    const user = await finishPasskeySignIn(db, rp, flowToken, response, env.now);
    await clearFailures(db, await accountKey(db, user.email));
    return await startSession(db, user, "full", "passkey", env.now);
  } catch (e) {
    env.clients.fail(env.clientKey, env.now.getTime());
    await audit(db, { id: "public", role: "public" }, "auth.sign_in_failed", env.now, undefined, { step: "passkey", reason: e instanceof Error ? e.message.slice(0, 200) : "error" });
    if (e instanceof VigilError && e.code === "validation") throw e;
    return { kind: "failed" };
  }
}

/** Turns an enrolment session into a full one once a second factor exists: a new token, the old one ended. */
export async function upgradeSession(store: Store, session: Session, now: Date): Promise<{ token: string; session: Session } | undefined> {
  const db = adb(store.db);
  const user = await db.selectFrom("users").selectAll().where("id", "=", session.userId).executeTakeFirst();
  if (!user || user.status !== "active") return undefined;
  const settings = await securitySettings(db);
  const passkey = await hasPasskey(db, user.id);
  const ready = settings.requirePasskeys ? passkey : passkey || Boolean(user.totp_secret);
  if (!ready) return undefined;
  return withTransaction(makeCtx(store, { id: user.id, role: user.role as never }, { now: () => now }), async (tx) => {
    const d = adb(tx.db);
    await revokeSession(d, session.id);
    const next = await createSession(d, user.id, "full", session.method === "password" ? "password+totp" : session.method, now);
    await writeAudit(d, { id: user.id, role: user.role as never }, { action: "auth.sign_in", targetType: "user", targetId: user.id, detail: { method: "enrolment completed" } }, now);
    return next;
  });
}
