import { authorize } from "../accounts/index.ts";
import { nowIso, withTransaction, type Ctx } from "../core/context.ts";
import { conflict, notFound, VigilError } from "../core/errors.ts";
import { newId } from "../core/ids.ts";
import { recordChange, recordSnapshot, refreshDerived, requireRecord } from "./repo.ts";
import { recordToRow } from "./rows.ts";
import type { VRecord } from "./types.ts";

interface MovedReferences {
  /** Claims elsewhere whose object was the merged person. */
  objectClaims: string[];
  /** The merged record's status before the merge. */
  priorStatus: string;
}

export interface MergeResult {
  mergeId: string;
  survivor: VRecord;
  movedClaims: number;
}

/**
 * Merges one person into another: the merged person's claims move to the
 * survivor, claims pointing to it point to the survivor, and its id keeps
 * resolving to the survivor. Exactly what moved is kept, so it can be undone.
 */
export async function mergePeople(ctx: Ctx, survivorId: string, mergedId: string, reason: string): Promise<MergeResult> {
  authorize(ctx.actor, "person.merge");
  if (survivorId === mergedId) throw new VigilError("validation", "a person cannot be merged with itself");
  return withTransaction(ctx, async (tx) => {
    const survivor = await requireRecord(tx, survivorId, "person");
    const merged = await requireRecord(tx, mergedId, "person");
    if (survivor.type !== "person" || merged.type !== "person") throw new VigilError("validation", "only people are merged this way");
    if (survivor.status === "merged") throw conflict(`${survivorId} was itself merged into ${survivor.mergedInto ?? "another record"}`);
    if (merged.status === "merged") throw conflict(`${mergedId} was already merged into ${merged.mergedInto ?? "another record"}`);
    const at = nowIso(tx);
    const claims = (await tx.db.selectFrom("claims").select("id").where("subject_id", "=", mergedId).execute()).map((r) => r.id);
    const pointing = (await tx.db.selectFrom("claims").select("id").where("object_id", "=", mergedId).execute()).map((r) => r.id);
    if (claims.length) await tx.db.updateTable("claims").set({ subject_id: survivorId }).where("subject_id", "=", mergedId).execute();
    if (pointing.length) await tx.db.updateTable("claims").set({ object_id: survivorId }).where("object_id", "=", mergedId).execute();
    const mergeId = newId("merge");
    const moved: MovedReferences = { objectClaims: pointing, priorStatus: merged.status };
    await tx.db
      .insertInto("merges")
      .values({ id: mergeId, survivor_id: survivorId, merged_id: mergedId, moved_claims: JSON.stringify(claims), moved_references: JSON.stringify(moved), reason, actor: tx.actor.id, at, undone_at: null, undone_by: null })
      .execute();
    const before = await recordSnapshot(tx, merged);
    const after: VRecord = { ...merged, status: "merged", mergedInto: survivorId, version: merged.version + 1, updatedAt: at, updatedBy: tx.actor.id };
    await tx.db.updateTable("records").set(recordToRow(after)).where("id", "=", mergedId).execute();
    await recordChange(tx, { entityType: "record", entityId: mergedId, recordId: mergedId, version: after.version, action: "merge", reason: `${reason} (merged into ${survivorId}, ${mergeId})`, before, after });
    await refreshDerived(tx, mergedId);
    const s = await refreshDerived(tx, survivorId);
    await recordChange(tx, { entityType: "record", entityId: survivorId, recordId: survivorId, version: s.version, action: "absorb", reason: `${reason} (absorbed ${mergedId} with ${claims.length} claims, ${mergeId})`, before: null, after: null });
    return { mergeId, survivor: s, movedClaims: claims.length };
  });
}

/** Undoes a merge: exactly the claims and references that moved go back. */
export async function undoMerge(ctx: Ctx, mergeId: string, reason: string): Promise<{ survivor: VRecord; restored: VRecord }> {
  authorize(ctx.actor, "person.merge");
  return withTransaction(ctx, async (tx) => {
    const m = await tx.db.selectFrom("merges").selectAll().where("id", "=", mergeId).executeTakeFirst();
    if (!m) throw notFound("merge", mergeId);
    if (m.undone_at) throw conflict(`merge ${mergeId} was already undone on ${m.undone_at}`);
    const survivor = await requireRecord(tx, m.survivor_id);
    if (survivor.status === "merged") throw conflict(`${m.survivor_id} has since been merged into ${survivor.mergedInto ?? "another record"}; undo that merge first`);
    const claims = JSON.parse(m.moved_claims) as string[];
    const moved = JSON.parse(m.moved_references) as MovedReferences;
    for (let i = 0; i < claims.length; i += 500) {
      const chunk = claims.slice(i, i + 500);
      await tx.db.updateTable("claims").set({ subject_id: m.merged_id }).where("id", "in", chunk).where("subject_id", "=", m.survivor_id).execute();
    }
    for (let i = 0; i < moved.objectClaims.length; i += 500) {
      const chunk = moved.objectClaims.slice(i, i + 500);
      await tx.db.updateTable("claims").set({ object_id: m.merged_id }).where("id", "in", chunk).where("object_id", "=", m.survivor_id).execute();
    }
    const at = nowIso(tx);
    await tx.db.updateTable("merges").set({ undone_at: at, undone_by: tx.actor.id }).where("id", "=", mergeId).execute();
    const merged = await requireRecord(tx, m.merged_id);
    const before = await recordSnapshot(tx, merged);
    const after: VRecord = { ...merged, status: moved.priorStatus as VRecord["status"], mergedInto: null, version: merged.version + 1, updatedAt: at, updatedBy: tx.actor.id };
    await tx.db.updateTable("records").set(recordToRow(after)).where("id", "=", m.merged_id).execute();
    await recordChange(tx, { entityType: "record", entityId: m.merged_id, recordId: m.merged_id, version: after.version, action: "unmerge", reason: `${reason} (undid ${mergeId})`, before, after });
    const restored = await refreshDerived(tx, m.merged_id);
    const s = await refreshDerived(tx, m.survivor_id);
    await recordChange(tx, { entityType: "record", entityId: m.survivor_id, recordId: m.survivor_id, version: s.version, action: "release", reason: `${reason} (undid ${mergeId}: ${claims.length} claims returned to ${m.merged_id})`, before: null, after: null });
    return { survivor: s, restored };
  });
}

/** Merges that involve a person, newest first, for the person page. */
export async function mergesOf(ctx: Ctx, personId: string): Promise<{ id: string; survivorId: string; mergedId: string; at: string; actor: string; reason: string | null; undoneAt: string | null }[]> {
  authorize(ctx.actor, "record.read");
  const rows = await ctx.db
    .selectFrom("merges")
    .selectAll()
    .where((eb) => eb.or([eb("survivor_id", "=", personId), eb("merged_id", "=", personId)]))
    .orderBy("at", "desc")
    .execute();
  return rows.map((r) => ({ id: r.id, survivorId: r.survivor_id, mergedId: r.merged_id, at: r.at, actor: r.actor, reason: r.reason, undoneAt: r.undone_at }));
}
