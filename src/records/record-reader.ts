import { sql } from "kysely";
import { authorize, mayRead, visibleLevels } from "../accounts/index.ts";
import { audit, type Ctx } from "../core/context.ts";
import { notFound } from "../core/errors.ts";
import { claimsOf, resolveRecord, sourceText } from "./repo.ts";
import { recordFromRow } from "./rows.ts";
import type { Claim, RecordType, VRecord } from "./types.ts";

/** A record as staff see it: only the claims their role may read. */
export interface RecordView {
  record: VRecord;
  /** Ids that were merged into this record and now resolve to it. */
  mergedFrom: string[];
  claims: Claim[];
  /** Claims the actor may not see (their number only, never their content). */
  hiddenClaims: number;
  /** Labels of every record the claims point to (sources, places, objects). */
  related: Map<string, { id: string; type: RecordType; label: string; labelFa: string; status: string }>;
  sourceText: string | null;
}

/**
 * Reads a record with its claims for a staff member. Follows merges. A record
 * the actor may not see is reported as not found, so its existence leaks nothing.
 */
export async function getRecord(ctx: Ctx, id: string, options: { includeRetracted?: boolean } = {}): Promise<RecordView> {
  authorize(ctx.actor, "record.read");
  const resolved = await resolveRecord(ctx, id);
  if (!resolved || !mayRead(ctx.actor, resolved.record.confidentiality, [resolved.record.id])) throw notFound("record", id);
  const { record, mergedFrom } = resolved;
  const all = await claimsOf(ctx, record.id);
  const claims: Claim[] = [];
  let hidden = 0;
  for (const c of all) {
    if (c.status === "retracted" && !options.includeRetracted) continue;
    if (mayRead(ctx.actor, c.confidentiality, [c.id, record.id])) claims.push(c);
    else hidden++;
  }
  for (const c of claims) if (c.confidentiality === "restricted") await audit(ctx, { action: "restricted.read", targetType: "claim", targetId: c.id, detail: { record: record.id, property: c.property } });
  const ids = new Set<string>();
  for (const c of claims) {
    for (const s of c.citations) ids.add(s.sourceId);
    if (c.placeId) ids.add(c.placeId);
    if (c.objectId) ids.add(c.objectId);
  }
  if (record.parentId) ids.add(record.parentId);
  if (record.placeId) ids.add(record.placeId);
  const related = await relatedLabels(ctx, [...ids]);
  const text = record.type === "source" ? ((await sourceText(ctx, record.id))?.text ?? null) : null;
  return { record, mergedFrom, claims, hiddenClaims: hidden, related, sourceText: text };
}

/** Labels of records (and act claims) by id, hiding those the actor may not see. */
export async function relatedLabels(ctx: Ctx, ids: string[]): Promise<RecordView["related"]> {
  const out: RecordView["related"] = new Map();
  const levels = visibleLevels(ctx.actor);
  for (let i = 0; i < ids.length; i += 500) {
    const chunk = ids.slice(i, i + 500);
    if (!chunk.length) continue;
    const rows = await ctx.db.selectFrom("records").select(["id", "type", "label", "label_fa", "status", "confidentiality"]).where("id", "in", chunk).execute();
    for (const r of rows) {
      if (!levels.includes(r.confidentiality as never) && !mayRead(ctx.actor, r.confidentiality, [r.id])) continue;
      out.set(r.id, { id: r.id, type: r.type as RecordType, label: r.label, labelFa: r.label_fa, status: r.status });
    }
  }
  return out;
}

export interface ListOptions {
  type: RecordType;
  limit?: number;
  /** Opaque cursor from the previous page. */
  after?: string;
  status?: string;
}

/** Lists records of a type, newest first, in pages (keyset pagination, fast at a million rows). */
export async function listRecords(ctx: Ctx, options: ListOptions): Promise<{ items: VRecord[]; next: string | null; total: number }> {
  authorize(ctx.actor, "record.read");
  const limit = Math.min(Math.max(options.limit ?? 50, 1), 500);
  const levels = visibleLevels(ctx.actor);
  let q = ctx.db.selectFrom("records").selectAll().where("type", "=", options.type).where("status", "!=", "merged").where("confidentiality", "in", levels);
  if (options.status) q = q.where("status", "=", options.status);
  if (options.after) {
    const [at, id] = Buffer.from(options.after, "base64url").toString().split("|");
    if (at && id) q = q.where((eb) => eb.or([eb("updated_at", "<", at), eb.and([eb("updated_at", "=", at), eb("id", "<", id)])]));
  }
  const rows = await q.orderBy("updated_at", "desc").orderBy("id", "desc").limit(limit + 1).execute();
  const items = rows.slice(0, limit).map(recordFromRow);
  const last = items[items.length - 1];
  const next = rows.length > limit && last ? Buffer.from(`${last.updatedAt}|${last.id}`).toString("base64url") : null;
  const countRow = await ctx.db
    .selectFrom("records")
    .select(sql<number>`count(*)`.as("n"))
    .where("type", "=", options.type)
    .where("status", "!=", "merged")
    .where("confidentiality", "in", levels)
    .$if(Boolean(options.status), (qb) => qb.where("status", "=", options.status ?? ""))
    .executeTakeFirst();
  return { items, next, total: Number(countRow?.n ?? 0) };
}

/** Counts of records per type visible to the actor (dashboard). */
export async function countRecords(ctx: Ctx): Promise<Record<string, number>> {
  authorize(ctx.actor, "record.read");
  const rows = await ctx.db
    .selectFrom("records")
    .select(["type", sql<number>`count(*)`.as("n")])
    .where("status", "!=", "merged")
    .where("confidentiality", "in", visibleLevels(ctx.actor))
    .groupBy("type")
    .execute();
  return Object.fromEntries(rows.map((r) => [r.type, Number(r.n)]));
}
