import { sql } from "kysely";
import { makeCtx, type Actor, type Role } from "../core/context.ts";
import { VigilError } from "../core/errors.ts";
import { enqueue, type Job } from "../jobs/index.ts";
import type { Store } from "../store/index.ts";
import { captureUrl } from "./capture/capture.ts";
import { checkLiveness } from "./liveness.ts";
import { vaultDb } from "./db/tables.ts";
import { CAPTURE_JOB, vaultFor, type CapturePayload } from "./use-cases.ts";

export { CAPTURE_JOB };
export const LIVENESS_JOB = "vault.liveness";
export const LIVENESS_CHECK_JOB = "vault.liveness.check";

/** The worker's signature for a job handler. */
export type VaultJobHandler = (store: Store, job: Job) => Promise<void>;

const ROLES: readonly Role[] = ["admin", "editor", "researcher", "viewer", "system", "public"];

/**
 * A network failure is worth another try later (timeouts, refused or reset
 * connections, a name that does not resolve, a page that did not load);
 * anything else (a private address, a bad URL, a full disk) is an answer.
 */
export function isNetworkFailure(err: unknown): boolean {
  return err instanceof VigilError && (err.code === "import_failed" || (err.code === "not_found" && /cannot resolve/.test(err.message)));
}

function capturePayload(p: unknown): CapturePayload {
  const x = p as Partial<CapturePayload> | null;
  if (!x || typeof x.captureId !== "string" || typeof x.url !== "string" || !x.actor || typeof x.actor.id !== "string" || !ROLES.includes(x.actor.role)) {
    throw new VigilError("validation", "a vault.capture job without a valid payload");
  }
  return { rendered: false, keepFlagged: false, allowPrivate: false, sourceIds: [], custodyActor: x.actor.id, ...x } as CapturePayload;
}

/**
 * Runs one capture request. The request row is marked done in the same
 * transaction as the item, so a worker that dies after committing never
 * captures twice. Network failures are thrown for the queue to retry with
 * back-off (the last one marks the request failed); other failures and
 * flagged pages end the request without a retry.
 */
export const captureJobHandler: VaultJobHandler = async (store, job) => {
  const p = capturePayload(job.payload);
  const db = vaultDb(store.db);
  const row = await db.selectFrom("vault_captures").select(["status"]).where("id", "=", p.captureId).executeTakeFirst();
  if (row && ["done", "flagged", "failed"].includes(row.status)) return;
  const now = (): string => new Date().toISOString();
  await db.updateTable("vault_captures").set({ status: "running", attempts: job.attempts, updated_at: now() }).where("id", "=", p.captureId).execute();
  const vault = await vaultFor(store);
  const actor: Actor = { id: p.actor.id, role: p.actor.role };
  try {
    const r = await captureUrl(makeCtx(store, actor), vault, p.url, {
      actor: p.custodyActor,
      rendered: p.rendered,
      allowPrivate: p.allowPrivate,
      keepFlagged: p.keepFlagged,
      sourceIds: p.sourceIds,
      ...(p.notes ? { notes: p.notes } : {}),
      inTransaction: async (tx, committed) => {
        await tx.vdb
          .updateTable("vault_captures")
          .set({ status: "done", item_id: committed.itemId, source_id: committed.sourceId ?? null, updated_at: now(), error: null })
          .where("id", "=", p.captureId)
          .execute();
      },
    });
    if (!r.ok) {
      await db
        .updateTable("vault_captures")
        .set({ status: "flagged", flags: JSON.stringify(r.flags), error: r.reasons.join("; "), item_id: r.item?.id ?? null, source_id: r.sourceId ?? null, updated_at: now() })
        .where("id", "=", p.captureId)
        .execute();
    }
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    const retry = isNetworkFailure(err) && job.attempts < job.maxAttempts;
    await db.updateTable("vault_captures").set({ status: retry ? "retrying" : "failed", error: message.slice(0, 2000), updated_at: now() }).where("id", "=", p.captureId).execute();
    if (isNetworkFailure(err)) throw err;
  }
};

export interface LivenessSchedule {
  /** Time between two rounds of checks. */
  intervalMs: number;
  allowPrivate?: boolean;
  /** When this round was due (the next one is due one interval later). */
  scheduledFor?: string;
}

/**
 * One round of liveness checks: one check job per captured URL, then the
 * next round scheduled one interval on (unless one already is). All in one
 * transaction, with ids derived from the round, so a retried round adds nothing.
 */
export const livenessJobHandler: VaultJobHandler = async (store, job) => {
  const p = job.payload as LivenessSchedule;
  if (!(p.intervalMs > 0)) throw new VigilError("validation", "a vault.liveness job without an interval");
  const vault = await vaultFor(store);
  const items = await vault.items.list({ kind: "web_capture" });
  const due = p.scheduledFor ? new Date(p.scheduledFor) : new Date();
  let next = new Date(due.getTime() + p.intervalMs);
  if (next.getTime() <= Date.now()) next = new Date(Date.now() + p.intervalMs);
  await store.transaction(async (trx) => {
    for (const item of items) {
      if (!item.sourceUrl) continue;
      await enqueue(trx, LIVENESS_CHECK_JOB, { itemId: item.id, allowPrivate: p.allowPrivate === true }, { id: `vault-liveness-${item.id}-${due.toISOString()}`, maxAttempts: 3 });
    }
    const pending = await trx.selectFrom("jobs").select("id").where("kind", "=", LIVENESS_JOB).where("status", "=", "queued").where("id", "!=", job.id).limit(1).executeTakeFirst();
    if (!pending) await enqueue(trx, LIVENESS_JOB, { ...p, scheduledFor: next.toISOString() }, { id: `vault-liveness-round-${next.toISOString()}`, runAt: next });
  });
};

/**
 * Re-checks one captured URL. A network failure is retried by the queue;
 * on the last attempt the page is recorded as unreachable (gone).
 */
export const livenessCheckHandler: VaultJobHandler = async (store, job) => {
  const p = job.payload as { itemId?: unknown; allowPrivate?: unknown };
  if (typeof p.itemId !== "string") throw new VigilError("validation", "a liveness check without an item");
  const vault = await vaultFor(store);
  const last = job.attempts >= job.maxAttempts;
  await checkLiveness(makeCtx(store, { id: "system:liveness", role: "system" }), vault, {
    itemIds: [p.itemId],
    allowPrivate: p.allowPrivate === true,
    actor: "liveness-check",
    onNetworkError: last ? "gone" : "throw",
  });
};

/**
 * Makes sure a round of liveness checks is scheduled (at start-up): if no
 * round is queued or running, the first one is due one interval from now.
 * An interval of 0 turns the schedule off (queued rounds are left to run out).
 */
export async function ensureLivenessSchedule(store: Store, schedule: { intervalMs: number; allowPrivate?: boolean; firstAt?: Date }): Promise<string | undefined> {
  if (!(schedule.intervalMs > 0)) return undefined;
  return store.transaction(async (trx) => {
    const existing = await trx
      .selectFrom("jobs")
      .select("id")
      .where("kind", "=", LIVENESS_JOB)
      .where((eb) => eb.or([eb("status", "=", "queued"), eb("status", "=", "running")]))
      .limit(1)
      .executeTakeFirst();
    if (existing) return existing.id;
    const first = schedule.firstAt ?? new Date(Date.now() + schedule.intervalMs);
    return enqueue(trx, LIVENESS_JOB, { intervalMs: schedule.intervalMs, allowPrivate: schedule.allowPrivate === true, scheduledFor: first.toISOString() } satisfies LivenessSchedule, { id: `vault-liveness-round-${first.toISOString()}`, runAt: first });
  });
}

/** Counts of capture requests by status (for health pages and tests). */
export async function captureCounts(store: Store): Promise<Record<string, number>> {
  const rows = await vaultDb(store.db).selectFrom("vault_captures").select(["status", sql<number>`count(*)`.as("n")]).groupBy("status").execute();
  return Object.fromEntries(rows.map((r) => [r.status, Number(r.n)]));
}
