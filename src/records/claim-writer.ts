import { authorize } from "../accounts/index.ts";
import { nowIso, withTransaction, type Ctx } from "../core/context.ts";
import { conflict, Problems, VigilError } from "../core/errors.ts";
import { newId, isId } from "../core/ids.ts";
import type { FuzzyDate } from "../core/dates.ts";
import { dateFromColumns } from "./rows.ts";
import { normaliseClaim, propertySpec, type NormalisedClaim, type TermCheck } from "./properties.ts";
import { findClaim, recordChange, refreshDerived, requireRecord } from "./repo.ts";
import { citationToRow, claimToRow } from "./rows.ts";
import type { Citation, CitationInput, Claim, ClaimInput, ClaimPatch, RecordType } from "./types.ts";
import { termChecker } from "./vocab.ts";

function citationsFrom(input: CitationInput[]): Citation[] {
  return input.map((c) => ({
    sourceId: c.sourceId,
    locator: c.locator?.trim() || null,
    quote: c.quote?.trim() || null,
    reliability: c.reliability || null,
    connection: c.connection || null,
  }));
}

/**
 * Checks that what a claim refers to exists and is of the right kind: its
 * sources, its object (a record or an act claim) and its place.
 */
export async function checkClaimReferences(ctx: Ctx, subjectId: string, claim: NormalisedClaim, citations: Citation[], prefix = ""): Promise<void> {
  const p = new Problems();
  const spec = propertySpec(claim.property);
  const ids = [...new Set([...citations.map((c) => c.sourceId), ...(claim.placeId ? [claim.placeId] : []), ...(claim.objectId && spec?.object !== "claim" ? [claim.objectId] : [])])];
  const rows = ids.length ? await ctx.db.selectFrom("records").select(["id", "type", "status"]).where("id", "in", ids).execute() : [];
  const byId = new Map(rows.map((r) => [r.id, r]));
  citations.forEach((c, i) => {
    const r = byId.get(c.sourceId);
    if (!r) p.add(`${prefix}citations[${i}].sourceId`, `source ${c.sourceId} does not exist`);
    else if (r.type !== "source") p.add(`${prefix}citations[${i}].sourceId`, `${c.sourceId} is a ${r.type}, not a source`);
    else if (r.status === "merged") p.add(`${prefix}citations[${i}].sourceId`, `source ${c.sourceId} was merged`);
  });
  if (claim.placeId) {
    const r = byId.get(claim.placeId);
    if (!r) p.add(`${prefix}placeId`, `place ${claim.placeId} does not exist`);
    else if (r.type !== "place") p.add(`${prefix}placeId`, `${claim.placeId} is a ${r.type}, not a place`);
  }
  if (claim.objectId && spec?.object) {
    if (spec.object === "claim") {
      const target = await ctx.db.selectFrom("claims").select(["id", "property", "status"]).where("id", "=", claim.objectId).executeTakeFirst();
      if (!target) p.add(`${prefix}objectId`, `claim ${claim.objectId} does not exist`);
      else if (spec.objectClaimProperty && target.property !== spec.objectClaimProperty) p.add(`${prefix}objectId`, `${claim.property} must point to a ${spec.objectClaimProperty} claim, not a ${target.property} claim`);
    } else {
      const r = byId.get(claim.objectId);
      if (!r) p.add(`${prefix}objectId`, `record ${claim.objectId} does not exist`);
      else if (!spec.object.includes(r.type as RecordType)) p.add(`${prefix}objectId`, `${claim.property} must point to a ${spec.object.join(" or ")}, not a ${r.type}`);
      else if (claim.objectId === subjectId) p.add(`${prefix}objectId`, `a record cannot point to itself`);
      else if (claim.property === "parent") {
        const path = await parentPath(ctx, claim.objectId, subjectId, claim.date);
        if (path) p.add(`${prefix}objectId`, `${claim.objectId} is already below ${subjectId} (${[subjectId, ...path].join(" → ")}) at a time this claim covers: that would make a cycle of parents`);
      }
    }
  }
  p.throwIfAny(`the ${claim.property} claim has errors`);
}

/**
 * A chain of parents from `from` up to `target` whose dates may all hold at
 * one time overlapping `date` (undated links hold always), or null. Parents
 * come from active `parent` claims and from records' current parent; an
 * organisation may move under a former child once the old link has ended.
 */
async function parentPath(ctx: Ctx, from: string, target: string, date: FuzzyDate | null): Promise<string[] | null> {
  const rows = await ctx.db.selectFrom("claims").select(["subject_id", "object_id", "date_text", "date_calendar", "date_precision", "date_value", "date_earliest", "date_latest"]).where("property", "=", "parent").where("status", "=", "active").execute();
  const current = await ctx.db.selectFrom("records").select(["id", "parent_id"]).where("type", "=", "organisation").where("parent_id", "is not", null).execute();
  const up = new Map<string, { to: string; lo: string | null; hi: string | null }[]>();
  const add = (a: string, b: string, lo: string | null, hi: string | null): void => void up.set(a, [...(up.get(a) ?? []), { to: b, lo, hi }]);
  for (const r of rows) {
    const d = dateFromColumns(r);
    if (r.object_id) add(r.subject_id, r.object_id, d?.earliest ?? null, d?.latest ?? null);
  }
  for (const r of current) if (r.parent_id) add(r.id, r.parent_id, null, null);
  const max = (a: string | null, b: string | null): string | null => (a === null ? b : b === null ? a : a > b ? a : b);
  const min = (a: string | null, b: string | null): string | null => (a === null ? b : b === null ? a : a < b ? a : b);
  const seen = new Set<string>();
  const walk = (node: string, lo: string | null, hi: string | null, path: string[]): string[] | null => {
    if (node === target) return path;
    const key = `${node}|${lo ?? ""}|${hi ?? ""}`;
    if (seen.has(key) || path.length > 64) return null;
    seen.add(key);
    for (const e of up.get(node) ?? []) {
      const l = max(lo, e.lo);
      const h = min(hi, e.hi);
      if (l !== null && h !== null && l > h) continue;
      const found = walk(e.to, l, h, [...path, e.to]);
      if (found) return found;
    }
    return null;
  };
  return walk(from, date?.earliest ?? null, date?.latest ?? null, [from]);
}

/** Inserts a validated claim with its citations and history; the caller holds the transaction. */
export async function insertClaim(ctx: Ctx, subjectId: string, n: NormalisedClaim, citations: Citation[], id: string, reason?: string | null): Promise<Claim> {
  const at = nowIso(ctx);
  const claim: Claim = { id, subjectId, ...n, status: "active", version: 1, createdAt: at, updatedAt: at, createdBy: ctx.actor.id, updatedBy: ctx.actor.id, citations };
  await ctx.db.insertInto("claims").values(claimToRow(claim)).execute();
  await ctx.db.insertInto("citations").values(citations.map((c) => citationToRow(id, c))).execute();
  await recordChange(ctx, { entityType: "claim", entityId: id, recordId: subjectId, version: 1, action: "create", reason, before: null, after: claim });
  return claim;
}

function claimId(ctx: Ctx, input: ClaimInput): string {
  if (input.id === undefined) return newId("claim");
  if (ctx.actor.role !== "system") throw new VigilError("forbidden", "only imports may choose claim ids");
  if (!isId(input.id) && !/^[a-z]{3}_[A-Za-z0-9_-]{1,64}$/.test(input.id)) throw new VigilError("validation", `invalid claim id ${JSON.stringify(input.id)}`, { where: { field: "id" } });
  return input.id;
}

/** Adds a sourced claim to a record. A claim without a source cannot exist. */
export async function addClaim(ctx: Ctx, subjectId: string, input: ClaimInput, reason?: string | null): Promise<Claim> {
  authorize(ctx.actor, "claim.create");
  return withTransaction(ctx, async (tx) => {
    const subject = await requireRecord(tx, subjectId);
    if (subject.status === "merged") throw conflict(`${subjectId} was merged into ${subject.mergedInto ?? "another record"}; add the claim there`);
    const check: TermCheck = await termChecker(tx);
    const n = normaliseClaim(subject.type, input, check);
    const citations = citationsFrom(input.citations);
    await checkClaimReferences(tx, subjectId, n, citations);
    const claim = await insertClaim(tx, subjectId, n, citations, claimId(tx, input), reason);
    await refreshDerived(tx, subjectId);
    return claim;
  });
}

/**
 * Edits a claim. `expectedVersion` is the version the editor saw: if someone
 * else saved in between, the edit is refused rather than silently overwriting.
 */
export async function updateClaim(ctx: Ctx, id: string, expectedVersion: number, patch: ClaimPatch, reason?: string | null): Promise<Claim> {
  authorize(ctx.actor, "claim.update");
  return withTransaction(ctx, async (tx) => {
    const before = await findClaim(tx, id);
    if (!before) throw new VigilError("not_found", `claim ${id} not found`);
    if (before.version !== expectedVersion) throw conflict(`claim ${id} was changed by someone else (version ${before.version}, you edited version ${expectedVersion}); reload and apply your change again`);
    const subject = await requireRecord(tx, before.subjectId);
    const check = await termChecker(tx);
    const merged: ClaimInput = {
      property: before.property,
      term: patch.term !== undefined ? patch.term : before.term,
      value: patch.value ?? before.value,
      lang: patch.lang !== undefined ? patch.lang : before.lang,
      objectId: patch.objectId !== undefined ? patch.objectId : before.objectId,
      placeId: patch.placeId !== undefined ? patch.placeId : before.placeId,
      date: patch.date !== undefined ? patch.date : before.date,
      confidence: patch.confidence ?? before.confidence,
      confidentiality: patch.confidentiality ?? before.confidentiality,
      note: patch.note !== undefined ? patch.note : before.note,
      citations: patch.citations ?? before.citations,
    };
    const n = normaliseClaim(subject.type, merged, check);
    const citations = citationsFrom(merged.citations);
    await checkClaimReferences(tx, subject.id, n, citations);
    const after: Claim = { ...before, ...n, citations, version: before.version + 1, updatedAt: nowIso(tx), updatedBy: tx.actor.id };
    await writeClaimState(tx, after);
    await recordChange(tx, { entityType: "claim", entityId: id, recordId: subject.id, version: after.version, action: "update", reason, before, after });
    await refreshDerived(tx, subject.id);
    return after;
  });
}

/** Overwrites a claim row and its citations with the given state. */
export async function writeClaimState(ctx: Ctx, claim: Claim): Promise<void> {
  const row = claimToRow(claim);
  await ctx.db.updateTable("claims").set(row).where("id", "=", claim.id).execute();
  await ctx.db.deleteFrom("citations").where("claim_id", "=", claim.id).execute();
  if (claim.citations.length) await ctx.db.insertInto("citations").values(claim.citations.map((c) => citationToRow(claim.id, c))).execute();
}

/** Withdraws a claim. Nothing is deleted: the claim stays in history and can be restored. */
export async function retractClaim(ctx: Ctx, id: string, expectedVersion: number, reason: string): Promise<Claim> {
  authorize(ctx.actor, "claim.update");
  if (!reason.trim()) throw new VigilError("validation", "say why the claim is retracted", { where: { field: "reason" } });
  return withTransaction(ctx, async (tx) => {
    const before = await findClaim(tx, id);
    if (!before) throw new VigilError("not_found", `claim ${id} not found`);
    if (before.version !== expectedVersion) throw conflict(`claim ${id} was changed by someone else (version ${before.version}, you edited version ${expectedVersion})`);
    if (before.status === "retracted") return before;
    const involvements = await tx.db.selectFrom("claims").select("id").where("object_id", "=", id).where("status", "=", "active").execute();
    if (involvements.length) throw conflict(`claim ${id} has ${involvements.length} active claims pointing to it (${involvements.map((r) => r.id).slice(0, 5).join(", ")}); retract those first`);
    const after: Claim = { ...before, status: "retracted", version: before.version + 1, updatedAt: nowIso(tx), updatedBy: tx.actor.id };
    await writeClaimState(tx, after);
    await recordChange(tx, { entityType: "claim", entityId: id, recordId: before.subjectId, version: after.version, action: "retract", reason, before, after });
    await refreshDerived(tx, before.subjectId);
    return after;
  });
}
