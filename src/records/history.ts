import { authorize, mayRead } from "../accounts/index.ts";
import { nowIso, withTransaction, type Ctx } from "../core/context.ts";
import { notFound, VigilError } from "../core/errors.ts";
import { checkClaimReferences, writeClaimState } from "./claim-writer.ts";
import { propertySpec } from "./properties.ts";
import { findClaim, recordChange, recordSnapshot, refreshDerived, requireRecord, type RecordSnapshot } from "./repo.ts";
import { recordToRow } from "./rows.ts";
import type { Claim, VRecord } from "./types.ts";

/** One change to a record or one of its claims: who, when, why, what before and after. */
export interface Change {
  seq: number;
  entityType: "record" | "claim";
  entityId: string;
  recordId: string;
  version: number;
  action: string;
  actor: string;
  at: string;
  reason: string | null;
  before: Record<string, unknown> | null;
  after: Record<string, unknown> | null;
}

function parse(s: string | null): Record<string, unknown> | null {
  if (!s) return null;
  return JSON.parse(s) as Record<string, unknown>;
}

/** Claim snapshots hidden from this actor keep their place in history but lose their content. */
function redact(ctx: Ctx, c: Change): Change {
  if (c.entityType !== "claim") return c;
  const conf = (x: Record<string, unknown> | null): string => (typeof x?.confidentiality === "string" ? x.confidentiality : "public");
  const visible = mayRead(ctx.actor, conf(c.before), [c.entityId, c.recordId]) && mayRead(ctx.actor, conf(c.after), [c.entityId, c.recordId]);
  return visible ? c : { ...c, before: c.before ? { redacted: true } : null, after: c.after ? { redacted: true } : null };
}

/** Every change to a record and its claims, newest first. */
export async function recordHistory(ctx: Ctx, recordId: string, options: { limit?: number } = {}): Promise<Change[]> {
  authorize(ctx.actor, "history.read");
  const record = await requireRecord(ctx, recordId);
  if (!mayRead(ctx.actor, record.confidentiality, [record.id])) throw notFound("record", recordId);
  const rows = await ctx.db
    .selectFrom("changes")
    .selectAll()
    .where("record_id", "=", recordId)
    .orderBy("seq", "desc")
    .limit(Math.min(options.limit ?? 500, 5000))
    .execute();
  return rows.map((r) =>
    redact(ctx, {
      seq: Number(r.seq),
      entityType: r.entity_type as Change["entityType"],
      entityId: r.entity_id,
      recordId: r.record_id,
      version: r.version,
      action: r.action,
      actor: r.actor,
      at: r.at,
      reason: r.reason,
      before: parse(r.before),
      after: parse(r.after),
    }),
  );
}

/** The fields that differ between two snapshots, for showing a change. */
export function diffSnapshots(before: Record<string, unknown> | null, after: Record<string, unknown> | null): { field: string; before: unknown; after: unknown }[] {
  const skip = new Set(["version", "updated_at", "updated_by", "updatedAt", "updatedBy", "created_at", "createdAt", "created_by", "createdBy"]);
  const keys = new Set([...Object.keys(before ?? {}), ...Object.keys(after ?? {})]);
  const out: { field: string; before: unknown; after: unknown }[] = [];
  for (const k of keys) {
    if (skip.has(k)) continue;
    const a = before?.[k];
    const b = after?.[k];
    if (JSON.stringify(a) !== JSON.stringify(b)) out.push({ field: k, before: a ?? null, after: b ?? null });
  }
  return out;
}

async function snapshotAt(ctx: Ctx, entityId: string, version: number): Promise<Record<string, unknown>> {
  const row = await ctx.db.selectFrom("changes").select(["after", "entity_type"]).where("entity_id", "=", entityId).where("version", "=", version).where("after", "is not", null).orderBy("seq", "desc").executeTakeFirst();
  const snap = parse(row?.after ?? null);
  if (!snap) throw new VigilError("not_found", `no version ${version} of ${entityId}`);
  return snap;
}

/** The state of a record or claim as it was at a version. */
export async function viewVersion(ctx: Ctx, entityId: string, version: number): Promise<Record<string, unknown>> {
  authorize(ctx.actor, "history.read");
  const row = await ctx.db.selectFrom("changes").select(["record_id"]).where("entity_id", "=", entityId).executeTakeFirst();
  if (!row) throw notFound("history of", entityId);
  const record = await requireRecord(ctx, row.record_id);
  if (!mayRead(ctx.actor, record.confidentiality, [record.id])) throw notFound("history of", entityId);
  const snap = await snapshotAt(ctx, entityId, version);
  if (typeof snap.confidentiality === "string" && !mayRead(ctx.actor, snap.confidentiality, [entityId, record.id])) throw notFound("history of", entityId);
  return snap;
}

/**
 * Brings a record's fields, or a claim, back to how they were at a version.
 * The restore is itself a new version: nothing in between is lost.
 */
export async function restoreVersion(ctx: Ctx, entityId: string, version: number, reason: string): Promise<{ entityId: string; version: number }> {
  authorize(ctx.actor, "history.restore");
  return withTransaction(ctx, async (tx) => {
    const snap = await snapshotAt(tx, entityId, version);
    const claim = await findClaim(tx, entityId);
    if (claim) {
      const old = snap as unknown as Claim;
      if (!propertySpec(old.property)) throw new VigilError("validation", `unknown property ${old.property}`);
      await checkClaimReferences(tx, claim.subjectId, old, old.citations);
      const restored: Claim = { ...old, id: claim.id, subjectId: claim.subjectId, version: claim.version + 1, createdAt: claim.createdAt, createdBy: claim.createdBy, updatedAt: nowIso(tx), updatedBy: tx.actor.id };
      await writeClaimState(tx, restored);
      await recordChange(tx, { entityType: "claim", entityId, recordId: claim.subjectId, version: restored.version, action: "restore", reason: reason || `restored version ${version}`, before: claim, after: restored });
      await refreshDerived(tx, claim.subjectId);
      return { entityId, version: restored.version };
    }
    const current = await requireRecord(tx, entityId);
    if (current.status === "merged") throw new VigilError("conflict", `${entityId} is merged; undo the merge first`);
    const old = snap as unknown as RecordSnapshot;
    const beforeSnap = await recordSnapshot(tx, current);
    const restored: VRecord = {
      ...current,
      kind: old.kind,
      status: old.status === "merged" ? current.status : old.status,
      confidentiality: old.confidentiality,
      parentId: old.parentId,
      placeId: old.placeId,
      date: old.date,
      data: old.data,
      version: current.version + 1,
      updatedAt: nowIso(tx),
      updatedBy: tx.actor.id,
    };
    await tx.db.updateTable("records").set(recordToRow(restored)).where("id", "=", entityId).execute();
    if (current.type === "source" && typeof old.sourceText === "string") {
      await tx.db.deleteFrom("source_texts").where("source_id", "=", entityId).execute();
      await tx.db.insertInto("source_texts").values({ source_id: entityId, text: old.sourceText, lang: old.sourceTextLang ?? null }).execute();
    }
    const refreshed = await refreshDerived(tx, entityId);
    await recordChange(tx, { entityType: "record", entityId, recordId: entityId, version: restored.version, action: "restore", reason: reason || `restored version ${version}`, before: beforeSnap, after: await recordSnapshot(tx, refreshed) });
    return { entityId, version: restored.version };
  });
}
