import { withTransaction, type Ctx } from "../core/context.ts";
import { notFound, Problems } from "../core/errors.ts";
import { auditAs } from "./audit.ts";
import { accountId, addMs, cdb, sha256, type AccountsDb } from "./db.ts";
import { authorize, SCOPE_NAMES } from "./policy.ts";
import { randomBytes } from "node:crypto";

/**
 * Personal API tokens for scripts: scoped, expiring, revocable, shown once
 * and stored only as a hash. A token acts as its owner narrowed to its scopes.
 */
export interface ApiToken {
  id: string;
  userId: string;
  name: string;
  scopes: string[];
  createdAt: string;
  expiresAt: string;
  revokedAt: string | null;
  lastUsedAt: string | null;
}

export const TOKEN_PREFIX = "vgl_";
export const MAX_TOKEN_DAYS = 366;

const toToken = (r: { id: string; user_id: string; name: string; scopes: string; created_at: string; expires_at: string; revoked_at: string | null; last_used_at: string | null }): ApiToken => ({
  id: r.id,
  userId: r.user_id,
  name: r.name,
  scopes: JSON.parse(r.scopes) as string[],
  createdAt: r.created_at,
  expiresAt: r.expires_at,
  revokedAt: r.revoked_at,
  lastUsedAt: r.last_used_at,
});

/** Makes a token for the acting user; the secret is returned once and never again. */
export async function createApiToken(ctx: Ctx, input: { name: string; scopes: string[]; days: number }): Promise<{ token: string; info: ApiToken }> {
  authorize(ctx.actor, "token.manage", ctx.actor.id);
  // A token cannot mint tokens: that would let a narrow token widen itself.
  if (ctx.actor.scopes) authorize({ ...ctx.actor, role: "public" }, "token.manage");
  const p = new Problems();
  if (!input.name.trim() || input.name.length > 100) p.add("name", "name the token (what script uses it), up to 100 characters");
  if (!input.scopes.length) p.add("scopes", "choose at least one scope");
  for (const s of input.scopes) if (!SCOPE_NAMES.includes(s as never)) p.add("scopes", `unknown scope ${JSON.stringify(s)} (known: ${SCOPE_NAMES.join(", ")})`);
  if (!Number.isInteger(input.days) || input.days < 1 || input.days > MAX_TOKEN_DAYS) p.add("days", `a token lives from 1 to ${MAX_TOKEN_DAYS} days`);
  p.throwIfAny("the token has errors");
  const token = `${TOKEN_PREFIX}${randomBytes(32).toString("base64url")}`;
  return withTransaction(ctx, async (tx) => {
    const now = tx.now();
    const row = { id: accountId("tok"), user_id: tx.actor.id, name: input.name.trim(), token_hash: sha256(token), scopes: JSON.stringify([...new Set(input.scopes)]), created_at: now.toISOString(), expires_at: addMs(now, input.days * 86400_000), revoked_at: null, last_used_at: null };
    await cdb(tx).insertInto("api_tokens").values(row).execute();
    await auditAs(tx, { action: "token.created", targetType: "token", targetId: row.id, detail: { name: row.name, scopes: input.scopes, expiresAt: row.expires_at } });
    return { token, info: toToken(row) };
  });
}

/** Tokens of a user: one's own, or anyone's for admins. */
export async function listApiTokens(ctx: Ctx, userId: string = ctx.actor.id): Promise<ApiToken[]> {
  authorize(ctx.actor, "token.manage", userId);
  const rows = await cdb(ctx).selectFrom("api_tokens").selectAll().where("user_id", "=", userId).orderBy("created_at", "desc").execute();
  return rows.map(toToken);
}

/** Revokes a token: the owner's own, or any for admins. A token unknown to the caller is not found. */
export async function revokeApiToken(ctx: Ctx, id: string): Promise<ApiToken> {
  return withTransaction(ctx, async (tx) => {
    const db = cdb(tx);
    const row = await db.selectFrom("api_tokens").selectAll().where("id", "=", id).executeTakeFirst();
    if (!row) throw notFound("token", id);
    authorize(tx.actor, "token.manage", row.user_id);
    if (!row.revoked_at) {
      const at = tx.now().toISOString();
      await db.updateTable("api_tokens").set({ revoked_at: at }).where("id", "=", id).execute();
      await auditAs(tx, { action: "token.revoked", targetType: "token", targetId: id, detail: { owner: row.user_id } });
      return toToken({ ...row, revoked_at: at });
    }
    return toToken(row);
  });
}

/** The live token and its active owner for a bearer secret. */
export async function resolveApiToken(db: AccountsDb, token: string, now: Date): Promise<{ token: ApiToken; user: { id: string; role: string; status: string; lang: string } } | undefined> {
  if (!token.startsWith(TOKEN_PREFIX) || token.length > 120) return undefined;
  const row = await db
    .selectFrom("api_tokens")
    .innerJoin("users", "users.id", "api_tokens.user_id")
    .selectAll("api_tokens")
    .select(["users.role", "users.status", "users.lang"])
    .where("api_tokens.token_hash", "=", sha256(token))
    .executeTakeFirst();
  if (!row || row.revoked_at || row.expires_at <= now.toISOString() || row.status !== "active") return undefined;
  if (!row.last_used_at || now.getTime() - new Date(row.last_used_at).getTime() > 5 * 60_000) await db.updateTable("api_tokens").set({ last_used_at: now.toISOString() }).where("id", "=", row.id).execute();
  return { token: toToken(row), user: { id: row.user_id, role: row.role, status: row.status, lang: row.lang } };
}
