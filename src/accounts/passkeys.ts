import { generateAuthenticationOptions, generateRegistrationOptions, verifyAuthenticationResponse, verifyRegistrationResponse, type AuthenticationResponseJSON, type RegistrationResponseJSON } from "@simplewebauthn/server";
import { withTransaction, type Ctx } from "../core/context.ts";
import { notFound, VigilError } from "../core/errors.ts";
import { auditAs } from "./audit.ts";
import { cdb, type AccountsDb } from "./db.ts";
import { consumeFlow, createFlow, peekFlow } from "./flows.ts";
import { authorize } from "./policy.ts";
import type { UsersTable } from "./schema.ts";

/**
 * Passkeys (WebAuthn, @simplewebauthn/server): the sign-in that holds
 * against phishing, because the browser binds each signature to our origin.
 * User verification is required, so a passkey alone is two factors.
 */
export interface RelyingParty {
  /** The domain passkeys are bound to (e.g. vigil.example.org, or localhost). */
  id: string;
  name: string;
  /** The exact origin pages are served from (scheme, host, port). */
  origin: string;
}

export interface Passkey {
  id: string;
  name: string;
  createdAt: string;
  lastUsedAt: string | null;
  backedUp: boolean;
}

const CHALLENGE_TTL_MS = 5 * 60_000;

function parseJson<T>(response: unknown, field: string): T {
  let value = response;
  if (typeof value === "string") {
    try {
      value = JSON.parse(value);
    } catch {
      throw new VigilError("validation", "the passkey response is not JSON", { where: { field } });
    }
  }
  if (!value || typeof value !== "object" || typeof (value as { id?: unknown }).id !== "string" || typeof (value as { response?: unknown }).response !== "object") throw new VigilError("validation", "the passkey response is malformed", { where: { field } });
  return value as T;
}

/** Options for the browser to make a new passkey for the acting user. */
export async function passkeyRegistrationOptions(ctx: Ctx, rp: RelyingParty): Promise<{ options: unknown; flowToken: string }> {
  authorize(ctx.actor, "account.self");
  const db = cdb(ctx);
  const user = await db.selectFrom("users").select(["id", "email", "display_name"]).where("id", "=", ctx.actor.id).executeTakeFirst();
  if (!user) throw notFound("user", ctx.actor.id);
  const existing = await db.selectFrom("passkeys").select(["id", "transports"]).where("user_id", "=", user.id).execute();
  const options = await generateRegistrationOptions({
    rpName: rp.name,
    rpID: rp.id,
    userName: user.email,
    userDisplayName: user.display_name,
    userID: new TextEncoder().encode(user.id),
    attestationType: "none",
    excludeCredentials: existing.map((c) => ({ id: c.id, transports: JSON.parse(c.transports) as string[] })),
    authenticatorSelection: { residentKey: "required", userVerification: "required" },
  });
  const { token } = await createFlow(db, "webauthn_register", { userId: user.id, data: { challenge: options.challenge, rp: rp.id, origin: rp.origin }, ttlMs: CHALLENGE_TTL_MS, createdBy: user.id, now: ctx.now() });
  return { options, flowToken: token };
}

/** Verifies the browser's new passkey and keeps it. */
export async function finishPasskeyRegistration(ctx: Ctx, rp: RelyingParty, flowToken: string, response: unknown, name: string): Promise<Passkey> {
  authorize(ctx.actor, "account.self");
  const db = cdb(ctx);
  const flow = await peekFlow(db, "webauthn_register", flowToken, ctx.now());
  if (!flow || flow.userId !== ctx.actor.id || typeof flow.data.challenge !== "string") throw new VigilError("validation", "this passkey setup has expired: start again", { where: { field: "response" } });
  if (!(await consumeFlow(db, flow.id, ctx.now()))) throw new VigilError("validation", "this passkey setup was already used", { where: { field: "response" } });
  let verification;
  try {
    verification = await verifyRegistrationResponse({ response: parseJson<RegistrationResponseJSON>(response, "response"), expectedChallenge: flow.data.challenge, expectedOrigin: rp.origin, expectedRPID: rp.id, requireUserVerification: true });
  } catch (e) {
    if (e instanceof VigilError) throw e;
    throw new VigilError("validation", `the passkey could not be verified: ${e instanceof Error ? e.message : String(e)}`, { where: { field: "response" } });
  }
  if (!verification.verified) throw new VigilError("validation", "the passkey could not be verified", { where: { field: "response" } });
  const info = verification.registrationInfo;
  const at = ctx.now().toISOString();
  const label = name.trim().slice(0, 100) || `passkey ${at.slice(0, 10)}`;
  return withTransaction(ctx, async (tx) => {
    const d = cdb(tx);
    if (await d.selectFrom("passkeys").select("id").where("id", "=", info.credential.id).executeTakeFirst()) throw new VigilError("conflict", "this passkey is already registered");
    await d
      .insertInto("passkeys")
      .values({ id: info.credential.id, user_id: tx.actor.id, public_key: Buffer.from(info.credential.publicKey).toString("base64url"), counter: info.credential.counter, transports: JSON.stringify(info.credential.transports ?? []), device_type: info.credentialDeviceType, backed_up: info.credentialBackedUp ? 1 : 0, name: label, created_at: at, last_used_at: null })
      .execute();
    await auditAs(tx, { action: "auth.passkey_added", targetType: "user", targetId: tx.actor.id, detail: { passkey: info.credential.id.slice(0, 16), name: label } });
    return { id: info.credential.id, name: label, createdAt: at, lastUsedAt: null, backedUp: info.credentialBackedUp };
  });
}

/** Options for signing in with any passkey this site knows (discoverable credentials: no email needed). */
export async function passkeySignInOptions(db: AccountsDb, rp: RelyingParty, now: Date): Promise<{ options: unknown; flowToken: string }> {
  const options = await generateAuthenticationOptions({ rpID: rp.id, userVerification: "required" });
  const { token } = await createFlow(db, "webauthn_auth", { data: { challenge: options.challenge, rp: rp.id, origin: rp.origin }, ttlMs: CHALLENGE_TTL_MS, createdBy: "public", now });
  return { options, flowToken: token };
}

/**
 * Verifies a passkey assertion: the challenge we issued (once), our origin
 * and RP ID, the stored public key, user verification and a rising counter.
 * Returns the user, or throws; the challenge is used up either way.
 */
export async function finishPasskeySignIn(db: AccountsDb, rp: RelyingParty, flowToken: string, response: unknown, now: Date): Promise<UsersTable> {
  const fail = (why: string): VigilError => new VigilError("unauthenticated", `passkey sign-in failed: ${why}`);
  const flow = await peekFlow(db, "webauthn_auth", flowToken, now);
  if (!flow || typeof flow.data.challenge !== "string") throw fail("the sign-in has expired; try again");
  if (!(await consumeFlow(db, flow.id, now))) throw fail("this challenge was already used");
  const body = parseJson<AuthenticationResponseJSON>(response, "response");
  const key = await db.selectFrom("passkeys").selectAll().where("id", "=", body.id).executeTakeFirst();
  if (!key) throw fail("this passkey is not registered here");
  let result;
  try {
    result = await verifyAuthenticationResponse({
      response: body,
      expectedChallenge: flow.data.challenge,
      expectedOrigin: rp.origin,
      expectedRPID: rp.id,
      requireUserVerification: true,
      credential: { id: key.id, publicKey: new Uint8Array(Buffer.from(key.public_key, "base64url")), counter: Number(key.counter), transports: JSON.parse(key.transports) as never },
    });
  } catch (e) {
    throw fail(e instanceof Error ? e.message : String(e));
  }
  if (!result.verified) throw fail("the signature does not verify");
  const user = await db.selectFrom("users").selectAll().where("id", "=", key.user_id).executeTakeFirst();
  if (!user || user.status !== "active") throw fail("the account is not active");
  await db.updateTable("passkeys").set({ counter: result.authenticationInfo.newCounter, last_used_at: now.toISOString() }).where("id", "=", key.id).execute();
  return user;
}

export async function listPasskeys(ctx: Ctx): Promise<Passkey[]> {
  authorize(ctx.actor, "account.self");
  const rows = await cdb(ctx).selectFrom("passkeys").selectAll().where("user_id", "=", ctx.actor.id).orderBy("created_at").execute();
  return rows.map((r) => ({ id: r.id, name: r.name, createdAt: r.created_at, lastUsedAt: r.last_used_at, backedUp: Boolean(r.backed_up) }));
}

/** Removes one of one's own passkeys (someone else's is not found). */
export async function removePasskey(ctx: Ctx, id: string): Promise<void> {
  authorize(ctx.actor, "account.self");
  await withTransaction(ctx, async (tx) => {
    const d = cdb(tx);
    const r = await d.deleteFrom("passkeys").where("id", "=", id).where("user_id", "=", tx.actor.id).executeTakeFirst();
    if (Number(r.numDeletedRows) !== 1) throw notFound("passkey", id);
    await auditAs(tx, { action: "auth.passkey_removed", targetType: "user", targetId: tx.actor.id, detail: { passkey: id.slice(0, 16) } });
  });
}
