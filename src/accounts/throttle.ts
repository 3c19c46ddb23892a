import { addMs, type AccountsDb } from "./db.ts";

/**
 * Throttling of failed sign-ins. Per account: counted in the database under a
 * keyed hash of the email (the same for known and unknown addresses, so the
 * throttle reveals nothing), free for a few failures, then locked for a time
 * that doubles. Per client: counted in memory only, under a keyed hash of the
 * address, which is never written anywhere.
 */
const WINDOW_MS = 15 * 60_000;
const FREE_FAILURES = 5;
const MAX_LOCK_MS = 60 * 60_000;

/** When the account key is locked until, if it is. */
export async function lockedUntil(db: AccountsDb, key: string, now: Date): Promise<Date | undefined> {
  const row = await db.selectFrom("sign_in_failures").select("locked_until").where("key", "=", key).executeTakeFirst();
  if (!row?.locked_until) return undefined;
  const until = new Date(row.locked_until);
  return until > now ? until : undefined;
}

export async function recordFailure(db: AccountsDb, key: string, now: Date): Promise<void> {
  const row = await db.selectFrom("sign_in_failures").selectAll().where("key", "=", key).executeTakeFirst();
  const fresh = !row || new Date(row.window_started_at).getTime() + WINDOW_MS < now.getTime();
  const failures = fresh ? 1 : row.failures + 1;
  const lock = failures >= FREE_FAILURES ? Math.min(60_000 * 2 ** (failures - FREE_FAILURES), MAX_LOCK_MS) : 0;
  const values = { failures, window_started_at: fresh ? now.toISOString() : row.window_started_at, locked_until: lock ? addMs(now, lock) : null };
  if (!row) await db.insertInto("sign_in_failures").values({ key, ...values }).onConflict((oc) => oc.column("key").doUpdateSet(values)).execute();
  else await db.updateTable("sign_in_failures").set(values).where("key", "=", key).execute();
}

export async function clearFailures(db: AccountsDb, key: string): Promise<void> {
  await db.deleteFrom("sign_in_failures").where("key", "=", key).execute();
}

/** Failures per client, in memory: a burst from one place is slowed whatever accounts it tries. */
export class ClientThrottle {
  private readonly counts = new Map<string, { n: number; start: number }>();
  constructor(
    private readonly limit = 20,
    private readonly windowMs = WINDOW_MS,
  ) {}
  blocked(key: string, now = Date.now()): boolean {
    const c = this.counts.get(key);
    if (!c) return false;
    if (c.start + this.windowMs < now) {
      this.counts.delete(key);
      return false;
    }
    return c.n >= this.limit;
  }
  fail(key: string, now = Date.now()): void {
    const c = this.counts.get(key);
    if (!c || c.start + this.windowMs < now) this.counts.set(key, { n: 1, start: now });
    else c.n++;
    if (this.counts.size > 100_000) for (const [k, v] of this.counts) if (v.start + this.windowMs < now) this.counts.delete(k);
  }
}
