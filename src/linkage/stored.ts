import { randomBytes } from "node:crypto";
import { authorize } from "../accounts/index.ts";
import { nowIso, withTransaction, type Ctx } from "../core/context.ts";
import { notFound, VigilError } from "../core/errors.ts";
import type { ListTables } from "../lists/index.ts";
import { addClaim, createRecord, mergePeople, retractClaim, undoMerge, type ClaimInput } from "../records/index.ts";
import { linkRecords, type LinkStage } from "./link.ts";
import { Preparer, personSpec, type PersonRecord } from "./person.ts";
import { buildReviewQueue, parseDecisions, refKey, resolveDecisions, type Decision, type DecisionInput } from "./review.ts";

/**
 * Linkage on the database: the same engine as `vigil link`, over every
 * imported list. A run writes each entry's cluster and match probability and
 * replaces the review queue; decisions are appended to `linkage_decisions`;
 * accepting a cluster makes (or extends) one Person record whose claims cite
 * every row, and can be undone.
 */

const tables = (ctx: Ctx) => ctx.db.withTables<ListTables>();

export interface StoredLinkSummary {
  entries: number;
  people: number;
  peopleOnSeveralRows: number;
  reviewItems: number;
  prior: number;
  conflicts: string[];
}

/** Links every imported list, respecting decisions and people already built from entries. */
export async function linkStoredLists(ctx: Ctx, options: { threshold?: number; onProgress?: (stage: LinkStage, done: number, total: number) => void } = {}): Promise<StoredLinkSummary> {
  authorize(ctx.actor, "record.propose");
  const db = tables(ctx);
  const rows = await db.selectFrom("list_entries").select(["id", "list_name", "row_id", "person", "person_id"]).orderBy("list_name").orderBy("row_number").execute();
  const index = new Map(rows.map((r, i) => [refKey({ list: r.list_name, row_id: r.row_id }), i]));
  const decisions = await storedDecisions(ctx);
  const resolved = resolveDecisions(decisions, (ref) => index.get(refKey(ref)));
  // Entries already in one Person record stay together.
  const byPerson = new Map<string, number>();
  const mustLink = [...resolved.mustLink];
  rows.forEach((r, i) => {
    if (!r.person_id) return;
    const first = byPerson.get(r.person_id);
    if (first === undefined) byPerson.set(r.person_id, i);
    else mustLink.push([first, i]);
  });
  const prep = new Preparer();
  const prepared = rows.map((r) => prep.prepare(JSON.parse(r.person) as PersonRecord));
  const result = linkRecords(prepared, personSpec(prep), { threshold: options.threshold ?? 0.5, mustLink, cannotLink: resolved.cannotLink, ...(options.onProgress ? { onProgress: options.onProgress } : {}) });
  const decided = new Set([...mustLink, ...resolved.cannotLink].map(([a, b]) => `${Math.min(a, b)},${Math.max(a, b)}`));
  const queue = buildReviewQueue(result, { decided });
  const { cluster, membership } = result.clustering;
  await withTransaction(ctx, async (tx) => {
    const t = tables(tx);
    for (let i = 0; i < rows.length; i++) {
      const m = membership[i]!;
      await t.updateTable("list_entries").set({ cluster: cluster[i]! + 1, match_probability: Number.isNaN(m) ? null : m }).where("id", "=", rows[i]!.id).execute();
    }
    await t.deleteFrom("linkage_reviews").execute();
    const at = nowIso(tx);
    await tx.store.bulkInsert(
      tx.db,
      "linkage_reviews",
      queue.map((q, position) => ({
        id: `rev_${randomBytes(10).toString("hex")}`,
        position,
        kind: q.kind,
        entry_ids: JSON.stringify((q.kind === "pair" ? [q.a, q.b] : q.members).map((i) => rows[i]!.id)),
        probability: q.kind === "pair" ? q.probability : q.weakest.probability,
        reason: q.reason,
        detail: JSON.stringify(q.kind === "pair" ? q.explanation.comparisons.filter((c) => c.level > 0).map((c) => ({ field: c.name, agreement: c.label, weight_bits: Number(c.bits.toFixed(2)) })) : { weakest: [rows[q.weakest.a]!.id, rows[q.weakest.b]!.id] }),
        created_at: at,
      })),
    );
  });
  const sizes = new Map<number, number>();
  for (const c of cluster) sizes.set(c, (sizes.get(c) ?? 0) + 1);
  return { entries: rows.length, people: sizes.size, peopleOnSeveralRows: [...sizes.values()].filter((s) => s > 1).length, reviewItems: queue.length, prior: result.model.lambda, conflicts: resolved.conflicts };
}

/** Every decision, in the order made. */
export async function storedDecisions(ctx: Ctx): Promise<Decision[]> {
  const rows = await tables(ctx).selectFrom("linkage_decisions").select(["payload"]).orderBy("seq").execute();
  return parseDecisions({ decisions: rows.map((r) => JSON.parse(r.payload) as unknown) });
}

/** Appends a reviewer's decision (accept, reject, split, undo); the next run respects it. */
export async function recordDecision(ctx: Ctx, input: DecisionInput, extra: Record<string, unknown> = {}): Promise<Decision> {
  authorize(ctx.actor, "person.merge");
  return withTransaction(ctx, async (tx) => {
    const t = tables(tx);
    const id = `dec_${randomBytes(8).toString("hex")}`;
    const decision = { id, at: nowIso(tx), by: tx.actor.id, ...(input.note ? { note: input.note } : {}), ...input } as Decision;
    const existing = await storedDecisions(tx);
    if (input.action === "undo" && !existing.some((d) => d.id === input.target)) throw notFound("decision", input.target);
    parseDecisions({ decisions: [...existing, decision] });
    const last = await t.selectFrom("linkage_decisions").select((eb) => eb.fn.max("seq").as("seq")).executeTakeFirst();
    await t
      .insertInto("linkage_decisions")
      .values({ id, seq: Number(last?.seq ?? 0) + 1, action: decision.action, payload: JSON.stringify({ ...decision, ...extra }), at: decision.at, by: tx.actor.id })
      .execute();
    return decision;
  });
}

/** The review queue of the last run, with each entry's row as the list wrote it. */
export async function reviewQueue(ctx: Ctx, limit = 100): Promise<{ id: string; kind: string; reason: string; probability: number; detail: unknown; entries: { id: string; list: string; row_id: string; row: number; cluster: number | null; columns: Record<string, string> }[] }[]> {
  authorize(ctx.actor, "record.read");
  const t = tables(ctx);
  const items = await t.selectFrom("linkage_reviews").selectAll().orderBy("position").limit(limit).execute();
  const ids = [...new Set(items.flatMap((i) => JSON.parse(i.entry_ids) as string[]))];
  const entries = ids.length ? await t.selectFrom("list_entries").select(["id", "list_name", "row_id", "row_number", "cluster", "raw"]).where("id", "in", ids).execute() : [];
  const byId = new Map(entries.map((e) => [e.id, { id: e.id, list: e.list_name, row_id: e.row_id, row: e.row_number, cluster: e.cluster, columns: JSON.parse(e.raw) as Record<string, string> }]));
  return items.map((i) => ({ id: i.id, kind: i.kind, reason: i.reason, probability: i.probability, detail: JSON.parse(i.detail) as unknown, entries: (JSON.parse(i.entry_ids) as string[]).map((e) => byId.get(e)!).filter(Boolean) }));
}

function claimsOfEntry(person: PersonRecord, sourceId: string, locator: string): ClaimInput[] {
  const base = { confidence: "probable", confidentiality: "staff", citations: [{ sourceId, locator }] };
  const claims: ClaimInput[] = [];
  for (const [kind, names] of [["given", person.given], ["family", person.family], ["father", person.father]] as const) for (const text of names ?? []) claims.push({ ...base, property: "name", value: { text, kind } });
  if (person.sex) claims.push({ ...base, property: "sex", term: person.sex });
  if (person.birth) claims.push({ ...base, property: "birth", date: person.birth });
  if (person.death) claims.push({ ...base, property: "death", date: person.death });
  for (const text of person.residence ?? []) claims.push({ ...base, property: "residence", value: { text } });
  for (const text of person.affiliation ?? []) claims.push({ ...base, property: "affiliation", value: { text } });
  return claims;
}

export interface AcceptResult {
  decisionId: string;
  personId: string;
  created: boolean;
  merged: string[];
  claims: number;
}

/**
 * Accepts a cluster of the last run as one person: a Person record (or the
 * one some of its entries already belong to) gets, for every entry not yet in
 * it, that row's names, sex, dates, residence and affiliation as claims citing
 * the list with the row as locator; other people the entries belonged to are
 * merged into it. Recorded as an `accept` decision, which `undoAcceptance` reverses.
 */
export async function acceptCluster(ctx: Ctx, cluster: number, note?: string): Promise<AcceptResult> {
  authorize(ctx.actor, "person.merge");
  authorize(ctx.actor, "record.create");
  return withTransaction(ctx, async (tx) => {
    const t = tables(tx);
    const entries = await t
      .selectFrom("list_entries")
      .innerJoin("list_imports", "list_imports.id", "list_entries.import_id")
      .select(["list_entries.id", "list_entries.list_name", "list_entries.row_id", "list_entries.row_number", "list_entries.person", "list_entries.person_id", "list_imports.source_id"])
      .where("list_entries.cluster", "=", cluster)
      .execute();
    if (entries.length === 0) throw notFound("cluster", String(cluster));
    const people = [...new Set(entries.map((e) => e.person_id).filter((p): p is string => p !== null))];
    let personId = people[0];
    const created = personId === undefined;
    const createdClaims: string[] = [];
    if (!personId) {
      const person = await createRecord(tx, { type: "person", kind: "individual", confidentiality: "staff" }, `accepted linkage cluster ${cluster}`);
      personId = person.id;
    }
    for (const e of entries) {
      if (e.person_id) continue;
      for (const c of claimsOfEntry(JSON.parse(e.person) as PersonRecord, e.source_id, `row ${e.row_number} (id ${e.row_id})`)) {
        createdClaims.push((await addClaim(tx, personId, c, `from list ${e.list_name}, row ${e.row_number}`)).id);
      }
    }
    const merges: string[] = [];
    for (const other of people.slice(1)) merges.push((await mergePeople(tx, personId, other, `accepted linkage cluster ${cluster}`)).mergeId);
    await t.updateTable("list_entries").set({ person_id: personId }).where("id", "in", entries.map((e) => e.id)).execute();
    const decision = await recordDecision(
      tx,
      { action: "accept", records: entries.map((e) => ({ list: e.list_name, row_id: e.row_id })), ...(note ? { note } : {}) },
      { person_id: personId, created, created_claims: createdClaims, merges, entry_person_before: Object.fromEntries(entries.map((e) => [e.id, e.person_id])) },
    );
    return { decisionId: decision.id, personId, created, merged: people.slice(1), claims: createdClaims.length };
  });
}

/**
 * Undoes an acceptance: the claims it added are retracted (kept in history),
 * the merges it made are undone, the entries return to the people they
 * belonged to before, and an `undo` decision is appended.
 */
export async function undoAcceptance(ctx: Ctx, decisionId: string, reason: string): Promise<void> {
  authorize(ctx.actor, "person.merge");
  await withTransaction(ctx, async (tx) => {
    const t = tables(tx);
    const row = await t.selectFrom("linkage_decisions").selectAll().where("id", "=", decisionId).executeTakeFirst();
    if (!row) throw notFound("decision", decisionId);
    const payload = JSON.parse(row.payload) as { action: string; created_claims?: string[]; merges?: string[]; entry_person_before?: Record<string, string | null> };
    if (payload.action !== "accept" || !payload.entry_person_before) throw new VigilError("validation", `${decisionId} is not an acceptance of a cluster`);
    const undone = (await storedDecisions(tx)).some((d) => d.action === "undo" && d.target === decisionId);
    if (undone) throw new VigilError("conflict", `${decisionId} was already undone`);
    for (const mergeId of [...(payload.merges ?? [])].reverse()) await undoMerge(tx, mergeId, reason);
    for (const claimId of payload.created_claims ?? []) {
      const claim = await tx.db.selectFrom("claims").select(["version", "status"]).where("id", "=", claimId).executeTakeFirst();
      if (claim && claim.status === "active") await retractClaim(tx, claimId, claim.version, reason);
    }
    for (const [entryId, before] of Object.entries(payload.entry_person_before)) await t.updateTable("list_entries").set({ person_id: before }).where("id", "=", entryId).execute();
    await recordDecision(tx, { action: "undo", target: decisionId, note: reason });
  });
}

/** The imported lists, with the rows each left out and why. */
export async function listImports(ctx: Ctx): Promise<{ id: string; listName: string; file: string; sourceId: string; rows: number; at: string; by: string; mapping: unknown; skipped: { row: number; line: number; problems: { column?: string; message: string }[] }[] }[]> {
  authorize(ctx.actor, "record.read");
  const rows = await tables(ctx).selectFrom("list_imports").selectAll().orderBy("created_at").execute();
  return rows.map((r) => ({ id: r.id, listName: r.list_name, file: r.file_name, sourceId: r.source_id, rows: r.row_count, at: r.created_at, by: r.created_by, mapping: JSON.parse(r.mapping) as unknown, skipped: JSON.parse(r.skipped) as { row: number; line: number; problems: { column?: string; message: string }[] }[] }));
}

/** The entries of one cluster of the last run, each row as the list wrote it. */
export async function clusterEntries(ctx: Ctx, cluster: number): Promise<{ id: string; list: string; row_id: string; row: number; probability: number | null; personId: string | null; columns: Record<string, string> }[]> {
  authorize(ctx.actor, "record.read");
  const rows = await tables(ctx).selectFrom("list_entries").selectAll().where("cluster", "=", cluster).orderBy("list_name").orderBy("row_number").execute();
  return rows.map((e) => ({ id: e.id, list: e.list_name, row_id: e.row_id, row: e.row_number, probability: e.match_probability, personId: e.person_id, columns: JSON.parse(e.raw) as Record<string, string> }));
}

/** A reviewer's accept or reject of entries named by their ids (as the workspace's forms send them). */
export async function decideOnEntries(ctx: Ctx, action: "accept" | "reject", entryIds: string[], note?: string): Promise<Decision> {
  authorize(ctx.actor, "person.merge");
  const ids = [...new Set(entryIds.filter(Boolean))];
  if (ids.length < 2) throw new VigilError("validation", "a decision needs two rows", { where: { field: "entries" } });
  const rows = await tables(ctx).selectFrom("list_entries").select(["id", "list_name", "row_id"]).where("id", "in", ids).execute();
  if (rows.length !== ids.length) throw notFound("list entry", ids.find((i) => !rows.some((r) => r.id === i)) ?? "");
  return recordDecision(ctx, { action, records: rows.map((r) => ({ list: r.list_name, row_id: r.row_id })), ...(note ? { note } : {}) });
}
