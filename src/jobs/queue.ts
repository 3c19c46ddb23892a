import { sql, type Kysely } from "kysely";
import { newId } from "../core/ids.ts";
import type { Store } from "../store/index.ts";
import type { CoreTables, JobsTable } from "../store/schema.ts";

/**
 * A job queue in the database, so that a job is enqueued in the same
 * transaction as the change that needs it and survives restarts. A worker
 * leases a job for a while; a crashed worker's lease expires and another
 * takes the job. PostgreSQL claims with SKIP LOCKED, SQLite under its single
 * writer lock.
 */
export interface Job {
  id: string;
  kind: string;
  payload: unknown;
  attempts: number;
  maxAttempts: number;
}

export interface EnqueueOptions {
  runAt?: Date;
  maxAttempts?: number;
  /** Id to use; enqueueing the same id twice is a no-op (idempotent scheduling). */
  id?: string;
}

export async function enqueue(db: Kysely<CoreTables>, kind: string, payload: unknown, options: EnqueueOptions = {}): Promise<string> {
  const now = new Date().toISOString();
  const id = options.id ?? newId("job");
  const row: JobsTable = {
    id,
    kind,
    payload: JSON.stringify(payload),
    status: "queued",
    run_at: (options.runAt ?? new Date()).toISOString(),
    attempts: 0,
    max_attempts: options.maxAttempts ?? 5,
    locked_until: null,
    locked_by: null,
    last_error: null,
    created_at: now,
    updated_at: now,
  };
  await db.insertInto("jobs").values(row).onConflict((oc) => oc.column("id").doNothing()).execute();
  return id;
}

/** Leases the next due job of the given kinds, or returns undefined. */
export async function claimJob(store: Store, workerId: string, kinds: readonly string[], leaseMs = 5 * 60_000): Promise<Job | undefined> {
  if (kinds.length === 0) return undefined;
  const now = new Date();
  const nowIso = now.toISOString();
  const until = new Date(now.getTime() + leaseMs).toISOString();
  return store.transaction(async (trx) => {
    const due = trx
      .selectFrom("jobs")
      .select("id")
      .where("kind", "in", kinds)
      .where((eb) => eb.or([eb("status", "=", "queued"), eb.and([eb("status", "=", "running"), eb("locked_until", "<", nowIso)])]))
      .where("run_at", "<=", nowIso)
      .orderBy("run_at")
      .limit(1);
    const picked = store.dialect === "postgres" ? await due.forUpdate().skipLocked().executeTakeFirst() : await due.executeTakeFirst();
    if (!picked) return undefined;
    await trx
      .updateTable("jobs")
      .set({ status: "running", locked_by: workerId, locked_until: until, attempts: sql`attempts + 1`, updated_at: nowIso })
      .where("id", "=", picked.id)
      .execute();
    const row = await trx.selectFrom("jobs").selectAll().where("id", "=", picked.id).executeTakeFirstOrThrow();
    return { id: row.id, kind: row.kind, payload: JSON.parse(row.payload) as unknown, attempts: row.attempts, maxAttempts: row.max_attempts };
  });
}

export async function completeJob(db: Kysely<CoreTables>, id: string): Promise<void> {
  await db.updateTable("jobs").set({ status: "done", locked_until: null, updated_at: new Date().toISOString() }).where("id", "=", id).execute();
}

/** Records a failure; the job is retried later with exponential backoff until its attempts run out. */
export async function failJob(db: Kysely<CoreTables>, job: Job, error: unknown): Promise<"retry" | "dead"> {
  const message = (error instanceof Error ? error.message : String(error)).slice(0, 2000);
  const dead = job.attempts >= job.maxAttempts;
  const delayMs = Math.min(60 * 60_000, 2 ** job.attempts * 5_000);
  await db
    .updateTable("jobs")
    .set({ status: dead ? "dead" : "queued", last_error: message, locked_until: null, locked_by: null, run_at: new Date(Date.now() + delayMs).toISOString(), updated_at: new Date().toISOString() })
    .where("id", "=", job.id)
    .execute();
  return dead ? "dead" : "retry";
}

export async function jobCounts(db: Kysely<CoreTables>): Promise<Record<string, number>> {
  const rows = await db.selectFrom("jobs").select(["status", sql<number>`count(*)`.as("n")]).groupBy("status").execute();
  return Object.fromEntries(rows.map((r) => [r.status, Number(r.n)]));
}
