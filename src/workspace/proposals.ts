import { authorize, can, adb } from "../accounts/index.ts";
import { withTransaction, type Ctx } from "../core/context.ts";
import { conflict, notFound, VigilError } from "../core/errors.ts";
import { addClaim, createRecord, retractClaim, updateClaim, updateRecord, type ClaimInput, type ClaimPatch, type RecordInput, type RecordPatch } from "../records/index.ts";
import { accountIdFor } from "./ids.ts";

/**
 * The review queue: a researcher's change waits as a proposal until an
 * editor approves it; approval applies it through the very same use case an
 * editor would call, with the editor as the one who acts.
 */
export type ProposalOp =
  | { op: "record.create"; input: RecordInput }
  | { op: "record.update"; id: string; version: number; patch: RecordPatch }
  | { op: "claim.add"; subjectId: string; input: ClaimInput }
  | { op: "claim.update"; id: string; version: number; patch: ClaimPatch }
  | { op: "claim.retract"; id: string; version: number; reason: string };

export interface Proposal {
  id: string;
  op: ProposalOp;
  recordId: string | null;
  summary: string;
  status: "pending" | "approved" | "rejected" | "withdrawn";
  reason: string | null;
  proposedBy: string;
  proposedAt: string;
  decidedBy: string | null;
  decidedAt: string | null;
  decisionNote: string | null;
  resultId: string | null;
  error: string | null;
}

/** Applies a change through the records use cases (which check the actor's permission first). */
export async function applyOp(ctx: Ctx, op: ProposalOp, reason: string | null): Promise<string> {
  switch (op.op) {
    case "record.create":
      return (await createRecord(ctx, op.input, reason)).id;
    case "record.update":
      return (await updateRecord(ctx, op.id, op.version, op.patch, reason)).id;
    case "claim.add":
      return (await addClaim(ctx, op.subjectId, op.input, reason)).id;
    case "claim.update":
      return (await updateClaim(ctx, op.id, op.version, op.patch, reason)).id;
    case "claim.retract":
      return (await retractClaim(ctx, op.id, op.version, op.reason || reason || "retracted")).id;
  }
}

const recordOf = (op: ProposalOp): string | null => (op.op === "record.update" ? op.id : op.op === "claim.add" ? op.subjectId : null);

class DryRun extends Error {}

/**
 * Files a proposal after checking it would apply now (run and rolled back),
 * so the researcher sees every error at its field at once.
 */
export async function proposeChange(ctx: Ctx, op: ProposalOp, summary: string, reason: string | null): Promise<Proposal> {
  authorize(ctx.actor, "record.propose");
  // Validate as an editor would apply it, inside a transaction that is always rolled back.
  try {
    await withTransaction({ ...ctx, actor: { id: ctx.actor.id, role: "editor" }, audit: undefined }, async (tx) => {
      await applyOp(tx, op, reason);
      throw new DryRun();
    });
  } catch (e) {
    if (!(e instanceof DryRun)) throw e;
  }
  const row = {
    id: accountIdFor("prp"),
    op: op.op,
    record_id: recordOf(op),
    target_id: op.op === "claim.update" || op.op === "claim.retract" ? op.id : null,
    payload: JSON.stringify(op),
    summary: summary.slice(0, 500),
    status: "pending",
    reason: reason?.trim() || null,
    proposed_by: ctx.actor.id,
    proposed_at: ctx.now().toISOString(),
    decided_by: null,
    decided_at: null,
    decision_note: null,
    result_id: null,
    error: null,
  };
  await adb(ctx.db).insertInto("proposals").values(row).execute();
  return toProposal(row);
}

function toProposal(r: { id: string; payload: string; record_id: string | null; summary: string; status: string; reason: string | null; proposed_by: string; proposed_at: string; decided_by: string | null; decided_at: string | null; decision_note: string | null; result_id: string | null; error: string | null }): Proposal {
  return {
    id: r.id,
    op: JSON.parse(r.payload) as ProposalOp,
    recordId: r.record_id,
    summary: r.summary,
    status: r.status as Proposal["status"],
    reason: r.reason,
    proposedBy: r.proposed_by,
    proposedAt: r.proposed_at,
    decidedBy: r.decided_by,
    decidedAt: r.decided_at,
    decisionNote: r.decision_note,
    resultId: r.result_id,
    error: r.error,
  };
}

/** Proposals: editors see everyone's, others only their own. */
export async function listProposals(ctx: Ctx, filter: { status?: string; mine?: boolean; limit?: number } = {}): Promise<Proposal[]> {
  authorize(ctx.actor, "proposal.read", ctx.actor.id);
  let q = adb(ctx.db).selectFrom("proposals").selectAll();
  if (filter.mine || !can(ctx.actor, "proposal.read")) q = q.where("proposed_by", "=", ctx.actor.id);
  if (filter.status) q = q.where("status", "=", filter.status);
  const rows = await q.orderBy("proposed_at", "desc").limit(Math.min(filter.limit ?? 200, 1000)).execute();
  return rows.map(toProposal);
}

export async function getProposal(ctx: Ctx, id: string): Promise<Proposal> {
  const row = await adb(ctx.db).selectFrom("proposals").selectAll().where("id", "=", id).executeTakeFirst();
  // Someone else's proposal is "not found" to those who may not read it.
  if (!row || !can(ctx.actor, "proposal.read", row.proposed_by)) {
    if (row) authorize(ctx.actor, "proposal.read", row.proposed_by);
    throw notFound("proposal", id);
  }
  return toProposal(row);
}

async function decide(ctx: Ctx, id: string, status: "approved" | "rejected" | "withdrawn", note: string | null, resultId: string | null): Promise<void> {
  const r = await adb(ctx.db)
    .updateTable("proposals")
    .set({ status, decided_by: ctx.actor.id, decided_at: ctx.now().toISOString(), decision_note: note?.trim() || null, result_id: resultId, error: null })
    .where("id", "=", id)
    .where("status", "=", "pending")
    .executeTakeFirst();
  if (Number(r.numUpdatedRows) !== 1) throw conflict(`proposal ${id} was already decided`);
}

/**
 * Approves and applies a proposal in one transaction. If it no longer
 * applies (the record changed since), it stays pending with the reason.
 */
export async function approveProposal(ctx: Ctx, id: string, note: string | null): Promise<Proposal> {
  authorize(ctx.actor, "proposal.review");
  const p = await getProposal(ctx, id);
  if (p.status !== "pending") throw conflict(`proposal ${id} is ${p.status}`);
  try {
    await withTransaction(ctx, async (tx) => {
      const resultId = await applyOp(tx, p.op, `${p.reason ?? "proposed change"} (proposal ${p.id} by ${p.proposedBy}, approved${note ? `: ${note}` : ""})`);
      await decide(tx, id, "approved", note, resultId);
    });
  } catch (e) {
    if (e instanceof VigilError && e.status < 500 && e.code !== "forbidden") {
      await adb(ctx.db).updateTable("proposals").set({ error: e.describe().slice(0, 1000) }).where("id", "=", id).execute();
    }
    throw e;
  }
  return getProposal(ctx, id);
}

export async function rejectProposal(ctx: Ctx, id: string, note: string): Promise<Proposal> {
  authorize(ctx.actor, "proposal.review");
  if (!note.trim()) throw new VigilError("validation", "say why, for the researcher", { where: { field: "note" } });
  await getProposal(ctx, id);
  await decide(ctx, id, "rejected", note, null);
  return getProposal(ctx, id);
}

/** The proposer takes back their own pending proposal. */
export async function withdrawProposal(ctx: Ctx, id: string): Promise<Proposal> {
  const p = await getProposal(ctx, id);
  authorize(ctx.actor, "proposal.withdraw", p.proposedBy);
  await decide(ctx, id, "withdrawn", null, null);
  return getProposal(ctx, id);
}
