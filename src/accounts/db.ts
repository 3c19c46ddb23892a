import { createHash, createHmac, randomBytes } from "node:crypto";
import type { Kysely } from "kysely";
import type { Ctx } from "../core/context.ts";
import { newId } from "../core/ids.ts";
import type { CoreTables } from "../store/schema.ts";
import type { AccountTables } from "./schema.ts";

/** The database with the accounts tables typed. */
export type AccountsDb = Kysely<CoreTables & AccountTables>;

const typed = new WeakMap<Kysely<CoreTables>, AccountsDb>();
/** The same typed view for the same database (so caches keyed by it hold). */
export function adb(db: Kysely<CoreTables>): AccountsDb {
  let t = typed.get(db);
  if (!t) {
    t = db.withTables<AccountTables>();
    typed.set(db, t);
  }
  return t;
}
export const cdb = (ctx: Ctx): AccountsDb => adb(ctx.db);

/** An id with our prefix, in the same unguessable, time-ordered form as record ids. */
export function accountId(prefix: "usr" | "ses" | "tok" | "grt" | "prp" | "flw"): string {
  return `${prefix}_${newId("job").slice(4)}`;
}

export const sha256 = (s: string): string => createHash("sha256").update(s).digest("hex");

/** A secret of 256 bits, URL-safe. */
export const newSecret = (): string => randomBytes(32).toString("base64url");

const keys = new WeakMap<object, Promise<Buffer>>();

/**
 * The server's own key (for CSRF tokens and for keying throttles without
 * storing who asked), made once and kept in `settings`.
 */
export function serverKey(db: AccountsDb): Promise<Buffer> {
  let k = keys.get(db);
  if (!k) {
    k = (async () => {
      const row = await db.selectFrom("settings").select("value").where("key", "=", "server_key").executeTakeFirst();
      if (row) return Buffer.from(row.value, "hex");
      const value = randomBytes(32).toString("hex");
      await db
        .insertInto("settings")
        .values({ key: "server_key", value, updated_at: new Date().toISOString(), updated_by: "system" })
        .onConflict((oc) => oc.column("key").doNothing())
        .execute();
      const again = await db.selectFrom("settings").select("value").where("key", "=", "server_key").executeTakeFirstOrThrow();
      return Buffer.from(again.value, "hex");
    })();
    k.catch(() => keys.delete(db));
    keys.set(db, k);
  }
  return k;
}

export const hmac = (key: Buffer, s: string): string => createHmac("sha256", key).update(s).digest("base64url");

export const addMs = (d: Date, ms: number): string => new Date(d.getTime() + ms).toISOString();
