import type { Ctx } from "../core/context.ts";
import { nowIso } from "../core/context.ts";
import { notFound } from "../core/errors.ts";
import { labelsFromNames } from "./labels.ts";
import { citationFromRow, claimFromRow, recordFromRow } from "./rows.ts";
import { reindexRecord } from "./search.ts";
import type { Citation, Claim, VRecord } from "./types.ts";

/** Low-level reads and bookkeeping shared by the record use cases. Not exported from the folder. */

export async function findRecord(ctx: Ctx, id: string): Promise<VRecord | undefined> {
  const row = await ctx.db.selectFrom("records").selectAll().where("id", "=", id).executeTakeFirst();
  return row ? recordFromRow(row) : undefined;
}

export async function requireRecord(ctx: Ctx, id: string, what = "record"): Promise<VRecord> {
  const r = await findRecord(ctx, id);
  if (!r) throw notFound(what, id);
  return r;
}

/** Follows merges to the surviving record. */
export async function resolveRecord(ctx: Ctx, id: string): Promise<{ record: VRecord; mergedFrom: string[] } | undefined> {
  const mergedFrom: string[] = [];
  let r = await findRecord(ctx, id);
  for (let i = 0; r?.mergedInto && i < 32; i++) {
    mergedFrom.push(r.id);
    r = await findRecord(ctx, r.mergedInto);
  }
  return r ? { record: r, mergedFrom } : undefined;
}

export async function citationsFor(ctx: Ctx, claimIds: string[]): Promise<Map<string, Citation[]>> {
  const out = new Map<string, Citation[]>();
  for (let i = 0; i < claimIds.length; i += 500) {
    const chunk = claimIds.slice(i, i + 500);
    if (!chunk.length) continue;
    const rows = await ctx.db.selectFrom("citations").selectAll().where("claim_id", "in", chunk).orderBy("claim_id").orderBy("source_id").execute();
    for (const r of rows) {
      const list = out.get(r.claim_id) ?? [];
      list.push(citationFromRow(r));
      out.set(r.claim_id, list);
    }
  }
  return out;
}

export async function claimsOf(ctx: Ctx, subjectId: string): Promise<Claim[]> {
  const rows = await ctx.db.selectFrom("claims").selectAll().where("subject_id", "=", subjectId).orderBy("property").orderBy("created_at").orderBy("id").execute();
  const cites = await citationsFor(ctx, rows.map((r) => r.id));
  return rows.map((r) => claimFromRow(r, cites.get(r.id) ?? []));
}

export async function findClaim(ctx: Ctx, id: string): Promise<Claim | undefined> {
  const row = await ctx.db.selectFrom("claims").selectAll().where("id", "=", id).executeTakeFirst();
  if (!row) return undefined;
  const cites = await citationsFor(ctx, [id]);
  return claimFromRow(row, cites.get(id) ?? []);
}

export async function sourceText(ctx: Ctx, id: string): Promise<{ text: string; lang: string | null } | null> {
  const row = await ctx.db.selectFrom("source_texts").select(["text", "lang"]).where("source_id", "=", id).executeTakeFirst();
  return row ?? null;
}

export interface ChangeInput {
  entityType: "record" | "claim";
  entityId: string;
  recordId: string;
  version: number;
  action: string;
  reason?: string | null | undefined;
  before: unknown;
  after: unknown;
}

export async function recordChange(ctx: Ctx, c: ChangeInput): Promise<void> {
  await ctx.db
    .insertInto("changes")
    .values({
      entity_type: c.entityType,
      entity_id: c.entityId,
      record_id: c.recordId,
      version: c.version,
      action: c.action,
      actor: ctx.actor.id,
      at: nowIso(ctx),
      reason: c.reason ?? null,
      before: c.before === null || c.before === undefined ? null : JSON.stringify(c.before),
      after: c.after === null || c.after === undefined ? null : JSON.stringify(c.after),
    })
    .execute();
}

/**
 * Recomputes what is derived from a record's claims (labels, search entries)
 * after any change to it. Labels of people come from their names; other
 * records keep their editorial labels unless they have none.
 */
export async function refreshDerived(ctx: Ctx, recordId: string): Promise<VRecord> {
  const record = await requireRecord(ctx, recordId);
  const claims = await claimsOf(ctx, recordId);
  const fromNames = labelsFromNames(claims);
  let labels = fromNames;
  if (record.type !== "person") {
    // Other records may carry editorial titles (data.title, data.title_fa), which
    // share the record's confidentiality; names from claims fill what they leave.
    const title = typeof record.data.title === "string" ? record.data.title : "";
    const titleFa = typeof record.data.title_fa === "string" ? record.data.title_fa : "";
    const isPublic = record.confidentiality === "public";
    labels = {
      label: title || fromNames.label || titleFa,
      labelFa: titleFa || fromNames.labelFa || title,
      labelPublic: isPublic ? title || fromNames.labelPublic || titleFa || null : fromNames.labelPublic,
      labelPublicFa: isPublic ? titleFa || fromNames.labelPublicFa || title || null : fromNames.labelPublicFa,
    };
  }
  if (labels.label !== record.label || labels.labelFa !== record.labelFa || labels.labelPublic !== record.labelPublic || labels.labelPublicFa !== record.labelPublicFa) {
    await ctx.db
      .updateTable("records")
      .set({ label: labels.label, label_fa: labels.labelFa, label_public: labels.labelPublic, label_public_fa: labels.labelPublicFa })
      .where("id", "=", recordId)
      .execute();
  }
  const updated = { ...record, ...labels };
  const text = record.type === "source" ? ((await sourceText(ctx, recordId))?.text ?? null) : null;
  await reindexRecord(ctx, updated, claims, text);
  return updated;
}

/** A record as history keeps it: its fields plus, for sources, their text. */
export type RecordSnapshot = VRecord & { sourceText?: string; sourceTextLang?: string | null };

export async function recordSnapshot(ctx: Ctx, record: VRecord): Promise<RecordSnapshot> {
  const text = record.type === "source" ? await sourceText(ctx, record.id) : null;
  return { ...record, ...(text ? { sourceText: text.text, sourceTextLang: text.lang } : {}) };
}
