import { withTransaction, type Ctx } from "../core/context.ts";
import { VigilError } from "../core/errors.ts";
import { auditAs } from "./audit.ts";
import { cdb, type AccountsDb } from "./db.ts";
import { authorize } from "./policy.ts";

/** Organisation-wide sign-in settings an admin changes. */
export interface SecuritySettings {
  /** Only passkeys are accepted as a second factor (TOTP codes are refused). */
  requirePasskeys: boolean;
}

const cache = new WeakMap<object, { at: number; value: SecuritySettings }>();

export async function securitySettings(db: AccountsDb): Promise<SecuritySettings> {
  const hit = cache.get(db);
  if (hit && Date.now() - hit.at < 2000) return hit.value;
  const row = await db.selectFrom("settings").select("value").where("key", "=", "require_passkeys").executeTakeFirst();
  const value = { requirePasskeys: row?.value === "1" };
  cache.set(db, { at: Date.now(), value });
  return value;
}

/** Changes the security settings (admins), logged. */
export async function saveSecuritySettings(ctx: Ctx, next: SecuritySettings): Promise<void> {
  authorize(ctx.actor, "settings.manage");
  if (typeof next.requirePasskeys !== "boolean") throw new VigilError("validation", "requirePasskeys is true or false", { where: { field: "requirePasskeys" } });
  await withTransaction(ctx, async (tx) => {
    const db = cdb(tx);
    const at = tx.now().toISOString();
    await db
      .insertInto("settings")
      .values({ key: "require_passkeys", value: next.requirePasskeys ? "1" : "0", updated_at: at, updated_by: tx.actor.id })
      .onConflict((oc) => oc.column("key").doUpdateSet({ value: next.requirePasskeys ? "1" : "0", updated_at: at, updated_by: tx.actor.id }))
      .execute();
    await auditAs(tx, { action: "settings.changed", detail: { requirePasskeys: next.requirePasskeys } });
  });
  cache.delete(cdb(ctx));
  cache.delete(cdb({ ...ctx, db: ctx.store.db }));
}
