import { generateSecret, generateURI, verify } from "otplib";
import { withTransaction, type Ctx } from "../core/context.ts";
import { VigilError } from "../core/errors.ts";
import { auditAs } from "./audit.ts";
import { cdb, type AccountsDb } from "./db.ts";
import { createFlow, consumeFlow, peekFlow } from "./flows.ts";
import { authorize } from "./policy.ts";
import { securitySettings } from "./settings.ts";
import { openSecretBox, type SecretBox } from "../secrets/secret-box.ts";

/**
 * Time-based codes (RFC 6238, otplib) as the fallback second factor. A code
 * is accepted one step early or late for clock drift, and never twice: the
 * last accepted time step is stored and a code at or before it is refused.
 */
const TOLERANCE_S: [number, number] = [30, 30];

/**
 * Authenticator seeds are sealed at rest (see secrets/secret-box.ts): a copy
 * of the database alone must not let anyone make valid codes. Seeds stored
 * before sealing was introduced still open as they are.
 */
function totpBox(dataDir: string): Promise<SecretBox> {
  return openSecretBox(dataDir, { name: "accounts", what: "an authenticator-app secret", remedy: "the person sets up the authenticator app again (an admin can reset their sign-in)" });
}
const boundToUser = (userId: string): string => `totp:${userId}`;
const boundToSetup = (userId: string): string => `totp_enrol:${userId}`;

export const normaliseCode = (code: string): string => code.replace(/[\s-]/g, "").replace(/[۰-۹]/g, (d) => String(d.charCodeAt(0) - 0x06f0));

/** Checks a code against a user's secret and uses up its time step. */
export async function useTotpCode(db: AccountsDb, dataDir: string, userId: string, code: string, now: Date): Promise<boolean> {
  const row = await db.selectFrom("users").select(["totp_secret", "totp_last_step"]).where("id", "=", userId).executeTakeFirst();
  if (!row?.totp_secret) return false;
  const secret = (await totpBox(dataDir)).open(row.totp_secret, boundToUser(userId));
  return checkAndUse(db, userId, secret, row.totp_last_step, code, now);
}

async function checkAndUse(db: AccountsDb, userId: string, secret: string, lastStep: number | null, code: string, now: Date): Promise<boolean> {
  const token = normaliseCode(code);
  if (!/^\d{6}$/.test(token)) return false;
  const result = await verify({ secret, token, epoch: Math.floor(now.getTime() / 1000), epochTolerance: TOLERANCE_S, ...(lastStep !== null ? { afterTimeStep: lastStep } : {}) }).catch(() => ({ valid: false as const }));
  if (!result.valid || !("timeStep" in result) || typeof result.timeStep !== "number") return false;
  const step = result.timeStep;
  // Only one request may use a step, even two arriving together.
  const r = await db
    .updateTable("users")
    .set({ totp_last_step: step })
    .where("id", "=", userId)
    .where((eb) => eb.or([eb("totp_last_step", "is", null), eb("totp_last_step", "<", step)]))
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

/** Starts setting up an authenticator app: a new secret, kept aside until a code from it is confirmed. */
export async function beginTotp(ctx: Ctx, issuer: string): Promise<{ flowToken: string; secret: string; uri: string }> {
  authorize(ctx.actor, "account.self");
  if ((await securitySettings(cdb(ctx))).requirePasskeys) throw new VigilError("forbidden", "this organisation accepts only passkeys as a second factor");
  const user = await cdb(ctx).selectFrom("users").select(["email"]).where("id", "=", ctx.actor.id).executeTakeFirstOrThrow();
  const secret = generateSecret();
  const sealed = (await totpBox(ctx.store.dataDir)).seal(secret, boundToSetup(ctx.actor.id));
  const { token } = await createFlow(cdb(ctx), "totp_enrol", { userId: ctx.actor.id, data: { secret: sealed }, ttlMs: 15 * 60_000, createdBy: ctx.actor.id, now: ctx.now() });
  return { flowToken: token, secret, uri: generateURI({ issuer, label: user.email, secret }) };
}

/** The secret of a pending setup, to show it again (the form re-rendered after a wrong code). */
export async function pendingTotpSecret(ctx: Ctx, flowToken: string): Promise<string | undefined> {
  const flow = await peekFlow(cdb(ctx), "totp_enrol", flowToken, ctx.now());
  return flow && flow.userId === ctx.actor.id && typeof flow.data.secret === "string" ? (await totpBox(ctx.store.dataDir)).open(flow.data.secret, boundToSetup(ctx.actor.id)) : undefined;
}

/** Confirms the setup with a code from the app; replaces any earlier authenticator. */
export async function confirmTotp(ctx: Ctx, flowToken: string, code: string): Promise<void> {
  authorize(ctx.actor, "account.self");
  const db = cdb(ctx);
  const flow = await peekFlow(db, "totp_enrol", flowToken, ctx.now());
  if (!flow || flow.userId !== ctx.actor.id || typeof flow.data.secret !== "string") throw new VigilError("validation", "this setup has expired: start again", { where: { field: "code" } });
  const box = await totpBox(ctx.store.dataDir);
  const secret = box.open(flow.data.secret, boundToSetup(ctx.actor.id));
  await withTransaction(ctx, async (tx) => {
    const d = cdb(tx);
    await d.updateTable("users").set({ totp_secret: box.seal(secret, boundToUser(tx.actor.id)), totp_last_step: null }).where("id", "=", tx.actor.id).execute();
    if (!(await checkAndUse(d, tx.actor.id, secret, null, code, tx.now()))) throw new VigilError("validation", "that code does not match: check the time on your phone and try the current code", { where: { field: "code" } });
    if (!(await consumeFlow(d, flow.id, tx.now()))) throw new VigilError("conflict", "this setup was already used");
    await auditAs(tx, { action: "auth.totp_enabled", targetType: "user", targetId: tx.actor.id });
  });
}

/** Removes one's authenticator app. */
export async function removeTotp(ctx: Ctx): Promise<void> {
  authorize(ctx.actor, "account.self");
  await withTransaction(ctx, async (tx) => {
    await cdb(tx).updateTable("users").set({ totp_secret: null, totp_last_step: null }).where("id", "=", tx.actor.id).execute();
    await auditAs(tx, { action: "auth.totp_removed", targetType: "user", targetId: tx.actor.id });
  });
}
