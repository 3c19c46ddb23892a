import { authorize } from "../accounts/index.ts";
import { nowIso, withTransaction, type Ctx } from "../core/context.ts";
import { parseDate, validateFuzzyDate, type FuzzyDate } from "../core/dates.ts";
import { conflict, Problems, VigilError } from "../core/errors.ts";
import { isId, newId } from "../core/ids.ts";
import { checkClaimReferences, insertClaim } from "./claim-writer.ts";
import { normaliseClaim, type NormalisedClaim } from "./properties.ts";
import { recordChange, recordSnapshot, refreshDerived, requireRecord } from "./repo.ts";
import { recordToRow } from "./rows.ts";
import {
  CONFIDENTIALITIES,
  KIND_VOCABULARY,
  RECORD_STATUSES,
  RECORD_TYPES,
  type Citation,
  type JsonObject,
  type RecordInput,
  type RecordPatch,
  type RecordType,
  type VRecord,
} from "./types.ts";
import { termChecker } from "./vocab.ts";
import type { TermCheck } from "./properties.ts";

const MAX_DATA_BYTES = 64 * 1024;
const MAX_SOURCE_TEXT = 5 * 1024 * 1024;

/** Which record types each type's parent may be. */
const PARENT_TYPES: Record<RecordType, RecordType | undefined> = {
  person: undefined,
  organisation: "organisation",
  place: "place",
  event: "event",
  source: undefined,
  post: "organisation",
};

function readDate(value: FuzzyDate | string | null | undefined, field: string, p: Problems): FuzzyDate | null {
  try {
    if (typeof value === "string") {
      if (!value.trim()) return null;
      const d = parseDate(value, { field });
      return d.precision === "unknown" ? null : d;
    }
    if (value) return validateFuzzyDate(value, field);
  } catch (e) {
    p.add(field, e instanceof Error ? e.message : String(e));
  }
  return null;
}

interface RecordFields {
  kind: string | null;
  status: string;
  confidentiality: string;
  parentId: string | null;
  placeId: string | null;
  date: FuzzyDate | null;
  data: JsonObject;
}

function checkFields(type: RecordType, f: RecordFields, check: TermCheck, p: Problems, canPublish: boolean): void {
  if (type === "person") {
    if (f.kind !== null && f.kind !== "individual" && f.kind !== "group") p.add("kind", "a person is an individual or a group");
  } else if (f.kind !== null) {
    const vocabulary = KIND_VOCABULARY[type];
    if (vocabulary && !check(vocabulary, f.kind)) p.add("kind", `unknown ${type} kind ${JSON.stringify(f.kind)} (vocabulary ${vocabulary})`);
  }
  if (!RECORD_STATUSES.includes(f.status as never) || f.status === "merged") p.add("status", "status must be draft or published");
  if (f.status === "published" && !canPublish) p.add("status", "your role may not publish records");
  if (!CONFIDENTIALITIES.includes(f.confidentiality as never)) p.add("confidentiality", `confidentiality must be one of ${CONFIDENTIALITIES.join(", ")}`);
  if (f.parentId && !PARENT_TYPES[type]) p.add("parentId", `a ${type} has no parent`);
  if (f.placeId && type !== "event" && type !== "organisation") p.add("placeId", `a ${type} has no place of its own; use a claim`);
  if (Buffer.byteLength(JSON.stringify(f.data)) > MAX_DATA_BYTES) p.add("data", `record data is at most ${MAX_DATA_BYTES} bytes`);
  if (type === "source" && typeof f.data.url === "string" && f.data.url && !/^https?:\/\//i.test(f.data.url)) p.add("data.url", "a source URL starts with http:// or https://");
}

async function checkRecordReferences(ctx: Ctx, id: string, type: RecordType, f: RecordFields, p: Problems): Promise<void> {
  if (f.parentId) {
    const parent = await ctx.db.selectFrom("records").select(["id", "type"]).where("id", "=", f.parentId).executeTakeFirst();
    if (!parent) p.add("parentId", `record ${f.parentId} does not exist`);
    else if (parent.type !== PARENT_TYPES[type]) p.add("parentId", `the parent of a ${type} must be a ${PARENT_TYPES[type] ?? "nothing"}, not a ${parent.type}`);
    else if (parent.id === id) p.add("parentId", "a record cannot be its own parent");
    else {
      // Walk up: a cycle in parents would make every tree view loop.
      let cursor: string | null = parent.id;
      for (let depth = 0; cursor && depth < 64; depth++) {
        const up: { parent_id: string | null } | undefined = await ctx.db.selectFrom("records").select("parent_id").where("id", "=", cursor).executeTakeFirst();
        cursor = up?.parent_id ?? null;
        if (cursor === id) {
          p.add("parentId", `${f.parentId} is already below ${id}: that would make a cycle`);
          break;
        }
      }
    }
  }
  if (f.placeId) {
    const place = await ctx.db.selectFrom("records").select(["id", "type"]).where("id", "=", f.placeId).executeTakeFirst();
    if (!place) p.add("placeId", `place ${f.placeId} does not exist`);
    else if (place.type !== "place") p.add("placeId", `${f.placeId} is a ${place.type}, not a place`);
  }
}

function recordId(ctx: Ctx, type: RecordType, requested: string | undefined): string {
  if (requested === undefined) return newId(type);
  if (ctx.actor.role !== "system") throw new VigilError("forbidden", "only imports may choose record ids");
  if (!isId(requested) && !/^[a-z]{3}_[A-Za-z0-9_-]{1,64}$/.test(requested)) throw new VigilError("validation", `invalid record id ${JSON.stringify(requested)}`, { where: { field: "id" } });
  return requested;
}

/** Editorial titles of non-person records live in data, so that labels can be derived. */
function withTitles(type: RecordType, data: JsonObject, label: string | undefined, labelFa: string | undefined): JsonObject {
  if (type === "person") return data;
  const out = { ...data };
  if (label !== undefined) out.title = label.trim();
  if (labelFa !== undefined) out.title_fa = labelFa.trim();
  return out;
}

/**
 * Creates a record with its first claims in one transaction: all of it or
 * nothing. Every problem (record fields and each claim's) is reported at once.
 */
export async function createRecord(ctx: Ctx, input: RecordInput, reason?: string | null): Promise<VRecord> {
  authorize(ctx.actor, "record.create");
  const p = new Problems();
  if (!RECORD_TYPES.includes(input.type as never)) {
    p.add("type", `type must be one of ${RECORD_TYPES.join(", ")}`);
    p.throwIfAny();
  }
  const type = input.type as RecordType;
  return withTransaction(ctx, async (tx) => {
    const check = await termChecker(tx);
    const id = recordId(tx, type, input.id);
    const fields: RecordFields = {
      kind: input.kind ?? (type === "person" ? "individual" : null),
      status: input.status ?? "draft",
      confidentiality: input.confidentiality ?? "staff",
      parentId: input.parentId || null,
      placeId: input.placeId || null,
      date: readDate(input.date, "date", p),
      data: withTitles(type, input.data ?? {}, input.label, input.labelFa),
    };
    checkFields(type, fields, check, p, authorizeQuietly(tx, "record.publish"));
    if (type !== "person" && !fields.data.title && !fields.data.title_fa && !(input.claims ?? []).some((c) => c.property === "name")) p.add("label", `a ${type} needs a title or a name`);
    if (input.text !== undefined && input.text !== null && type !== "source") p.add("text", "only sources have text");
    if (input.text && input.text.length > MAX_SOURCE_TEXT) p.add("text", `source text is at most ${MAX_SOURCE_TEXT} characters`);
    const normalised: { n: NormalisedClaim; citations: Citation[]; id?: string }[] = [];
    (input.claims ?? []).forEach((c, i) => {
      try {
        const n = normaliseClaim(type, c, check, `claims[${i}].`);
        normalised.push({ n, citations: c.citations.map((x) => ({ sourceId: x.sourceId, locator: x.locator?.trim() || null, quote: x.quote?.trim() || null, reliability: x.reliability || null, connection: x.connection || null })), ...(c.id ? { id: c.id } : {}) });
      } catch (e) {
        if (e instanceof VigilError) p.list.push(...e.problems);
        else throw e;
      }
    });
    await checkRecordReferences(tx, id, type, fields, p);
    p.throwIfAny(`the ${type} has errors`);
    for (const [i, c] of normalised.entries()) await checkClaimReferences(tx, id, c.n, c.citations, `claims[${i}].`);

    const at = nowIso(tx);
    const record: VRecord = {
      id,
      type,
      kind: fields.kind,
      status: fields.status as VRecord["status"],
      confidentiality: fields.confidentiality as VRecord["confidentiality"],
      synthetic: input.synthetic === true,
      mergedInto: null,
      label: "",
      labelFa: "",
      labelPublic: null,
      labelPublicFa: null,
      parentId: fields.parentId,
      placeId: fields.placeId,
      date: fields.date,
      data: fields.data,
      version: 1,
      createdAt: at,
      updatedAt: at,
      createdBy: tx.actor.id,
      updatedBy: tx.actor.id,
    };
    const exists = await tx.db.selectFrom("records").select("id").where("id", "=", id).executeTakeFirst();
    if (exists) throw conflict(`record ${id} already exists`);
    await tx.db.insertInto("records").values(recordToRow(record)).execute();
    if (type === "source" && input.text) await tx.db.insertInto("source_texts").values({ source_id: id, text: input.text, lang: input.textLang ?? null }).execute();
    await recordChange(tx, { entityType: "record", entityId: id, recordId: id, version: 1, action: "create", reason, before: null, after: await recordSnapshot(tx, record) });
    for (const c of normalised) {
      const cid = c.id ?? newId("claim");
      if (c.id !== undefined && tx.actor.role !== "system") throw new VigilError("forbidden", "only imports may choose claim ids");
      await insertClaim(tx, id, c.n, c.citations, cid, reason);
    }
    return refreshDerived(tx, id);
  });
}

function authorizeQuietly(ctx: Ctx, action: "record.publish"): boolean {
  try {
    authorize(ctx.actor, action);
    return true;
  } catch {
    return false;
  }
}

/**
 * Edits a record's own fields. `expectedVersion` is the version the editor
 * saw; a concurrent save makes this a conflict, never a silent overwrite.
 */
export async function updateRecord(ctx: Ctx, id: string, expectedVersion: number, patch: RecordPatch, reason?: string | null): Promise<VRecord> {
  authorize(ctx.actor, "record.update");
  return withTransaction(ctx, async (tx) => {
    const before = await requireRecord(tx, id);
    if (before.status === "merged") throw conflict(`${id} was merged into ${before.mergedInto ?? "another record"}`);
    if (before.version !== expectedVersion) throw conflict(`${id} was changed by someone else (version ${before.version}, you edited version ${expectedVersion}); reload and apply your change again`);
    const p = new Problems();
    const check = await termChecker(tx);
    const fields: RecordFields = {
      kind: patch.kind !== undefined ? patch.kind : before.kind,
      status: patch.status ?? before.status,
      confidentiality: patch.confidentiality ?? before.confidentiality,
      parentId: patch.parentId !== undefined ? patch.parentId || null : before.parentId,
      placeId: patch.placeId !== undefined ? patch.placeId || null : before.placeId,
      date: patch.date !== undefined ? readDate(patch.date, "date", p) : before.date,
      data: withTitles(before.type, patch.data ?? before.data, patch.label, patch.labelFa),
    };
    const publishing = fields.status !== before.status;
    checkFields(before.type, fields, check, p, !publishing || authorizeQuietly(tx, "record.publish"));
    if (patch.text !== undefined && patch.text !== null && before.type !== "source") p.add("text", "only sources have text");
    if (patch.text && patch.text.length > MAX_SOURCE_TEXT) p.add("text", `source text is at most ${MAX_SOURCE_TEXT} characters`);
    await checkRecordReferences(tx, id, before.type, fields, p);
    p.throwIfAny(`the ${before.type} has errors`);
    const beforeSnapshot = await recordSnapshot(tx, before);
    const after: VRecord = {
      ...before,
      kind: fields.kind,
      status: fields.status as VRecord["status"],
      confidentiality: fields.confidentiality as VRecord["confidentiality"],
      parentId: fields.parentId,
      placeId: fields.placeId,
      date: fields.date,
      data: fields.data,
      version: before.version + 1,
      updatedAt: nowIso(tx),
      updatedBy: tx.actor.id,
    };
    await tx.db.updateTable("records").set(recordToRow(after)).where("id", "=", id).execute();
    if (patch.text !== undefined && before.type === "source") {
      await tx.db.deleteFrom("source_texts").where("source_id", "=", id).execute();
      if (patch.text) await tx.db.insertInto("source_texts").values({ source_id: id, text: patch.text, lang: patch.textLang ?? null }).execute();
    }
    const refreshed = await refreshDerived(tx, id);
    await recordChange(tx, { entityType: "record", entityId: id, recordId: id, version: after.version, action: "update", reason, before: beforeSnapshot, after: await recordSnapshot(tx, refreshed) });
    return refreshed;
  });
}
