import { createInterface } from "node:readline";
import type { Readable } from "node:stream";
import { sql } from "kysely";
import { authorize } from "../accounts/index.ts";
import { audit, withTransaction, type Ctx } from "../core/context.ts";
import { validateFuzzyDate, type FuzzyDate } from "../core/dates.ts";
import { VigilError } from "../core/errors.ts";
import type { ChangesTable, MergesTable, VocabTermsTable } from "../store/schema.ts";
import { labelsFromNames } from "./labels.ts";
import { propertySpec } from "./properties.ts";
import { citationToRow, claimFromRow, claimToRow, recordFromRow, recordToRow, citationFromRow } from "./rows.ts";
import { searchEntriesFor } from "./search.ts";
import { CONFIDENCES, CONFIDENTIALITIES, RECORD_STATUSES, RECORD_TYPES, type Claim, type VRecord } from "./types.ts";

/**
 * The whole database as newline-delimited JSON (docs/export-format.md). People,
 * organisations and memberships are also Popolo objects, so other tools can
 * read them; the `vigil` member of each line carries everything else, so that
 * an import of an export loses nothing. A footer with counts lets an import
 * notice a truncated file.
 */
export const EXPORT_FORMAT = "vigil-ndjson";
export const EXPORT_VERSION = 1;

type Line = Record<string, unknown>;

/** A Popolo date (ISO 8601 at reduced precision) for one end of a fuzzy date, when it can say it. */
export function popoloDate(d: FuzzyDate | null, end: "start" | "end" = "start"): string | undefined {
  if (!d?.earliest || !d.latest) return undefined;
  if (d.earliest === d.latest) return d.earliest;
  if (d.earliest.slice(0, 7) === d.latest.slice(0, 7) && d.earliest.endsWith("-01")) return d.earliest.slice(0, 7);
  if (d.earliest.slice(0, 4) === d.latest.slice(0, 4) && d.earliest.endsWith("-01-01") && d.latest.endsWith("-12-31")) return d.earliest.slice(0, 4);
  return end === "start" ? d.earliest : d.latest;
}

function popoloPerson(r: VRecord, claims: Claim[]): Line {
  const names = claims.filter((c) => c.property === "name" && c.status === "active");
  const sex = claims.find((c) => c.property === "sex" && c.status === "active")?.term;
  const birth = claims.find((c) => c.property === "birth" && c.status === "active")?.date ?? null;
  const death = claims.find((c) => (c.property === "death" || (c.property === "act" && c.term === "execution")) && c.status === "active")?.date ?? null;
  const sources = [...new Set(claims.flatMap((c) => c.citations.map((s) => s.sourceId)))];
  return {
    type: "person",
    id: r.id,
    name: r.label || r.labelFa,
    other_names: names.map((n) => ({ name: n.valueText, note: `${typeof n.value.kind === "string" ? n.value.kind : "full"} name, ${typeof n.value.script === "string" ? n.value.script : "unknown"} script`, ...(n.lang ? { lang: n.lang } : {}) })),
    ...(sex && sex !== "unknown" ? { gender: sex } : {}),
    ...(popoloDate(birth) ? { birth_date: popoloDate(birth) } : {}),
    ...(popoloDate(death) ? { death_date: popoloDate(death) } : {}),
    identifiers: claims.filter((c) => c.property === "identifier" && c.status === "active").map((c) => ({ scheme: c.value.scheme, identifier: c.value.value })),
    sources: sources.map((id) => ({ note: id })),
  };
}

function popoloOrganization(r: VRecord): Line {
  const founded = r.date;
  const dissolved = (r.data.dissolved as FuzzyDate | undefined) ?? null;
  return {
    type: "organization",
    id: r.id,
    name: r.label || r.labelFa,
    other_names: r.labelFa && r.labelFa !== r.label ? [{ name: r.labelFa, lang: "fa" }] : [],
    ...(r.kind ? { classification: r.kind } : {}),
    ...(r.parentId ? { parent_id: r.parentId } : {}),
    ...(popoloDate(founded) ? { founding_date: popoloDate(founded) } : {}),
    ...(popoloDate(dissolved, "end") ? { dissolution_date: popoloDate(dissolved, "end") } : {}),
  };
}

function popoloMembership(c: Claim, objectType: string | undefined): Line {
  return {
    type: "membership",
    id: c.id,
    person_id: c.subjectId,
    ...(objectType === "post" ? { post_id: c.objectId } : { organization_id: c.objectId }),
    role: c.term,
    ...(c.valueText ? { label: c.valueText } : {}),
    ...(popoloDate(c.date, "start") ? { start_date: popoloDate(c.date, "start") } : {}),
    ...(popoloDate(c.date, "end") ? { end_date: popoloDate(c.date, "end") } : {}),
    sources: c.citations.map((s) => ({ note: s.sourceId })),
  };
}

export interface ExportCounts {
  vocab_term: number;
  record: number;
  claim: number;
  change: number;
  merge: number;
}

/** Writes every vocabulary term, record, claim, change and merge as lines, in batches. */
export async function* exportNdjson(ctx: Ctx, onProgress?: (done: number, total: number) => void): AsyncGenerator<string> {
  authorize(ctx.actor, "export.all");
  await audit(ctx, { action: "export.all", detail: { format: EXPORT_FORMAT } });
  const counts: ExportCounts = { vocab_term: 0, record: 0, claim: 0, change: 0, merge: 0 };
  const total = Number((await ctx.db.selectFrom("records").select(sql<number>`count(*)`.as("n")).executeTakeFirstOrThrow()).n);
  yield JSON.stringify({ type: "header", format: EXPORT_FORMAT, version: EXPORT_VERSION, exported_at: ctx.now().toISOString(), database: ctx.store.dialect }) + "\n";
  for (const t of await ctx.db.selectFrom("vocab_terms").selectAll().orderBy("vocabulary").orderBy("sort").execute()) {
    counts.vocab_term++;
    yield JSON.stringify({ type: "vocab_term", ...t }) + "\n";
  }
  const types = new Map<string, string>();
  let after = "";
  const memberships: Line[] = [];
  const claimsWithClaimObjects: Claim[] = [];
  for (;;) {
    const rows = await ctx.db.selectFrom("records").selectAll().where("id", ">", after).orderBy("id").limit(1000).execute();
    if (rows.length === 0) break;
    after = rows[rows.length - 1]!.id;
    const ids = rows.map((r) => r.id);
    const claimRows = await ctx.db.selectFrom("claims").selectAll().where("subject_id", "in", ids).orderBy("id").execute();
    const citeRows = claimRows.length ? await ctx.db.selectFrom("citations").selectAll().where("claim_id", "in", claimRows.map((c) => c.id)).execute() : [];
    const texts = await ctx.db.selectFrom("source_texts").selectAll().where("source_id", "in", ids).execute();
    const textOf = new Map(texts.map((t) => [t.source_id, t]));
    const cites = new Map<string, ReturnType<typeof citationFromRow>[]>();
    for (const c of citeRows) cites.set(c.claim_id, [...(cites.get(c.claim_id) ?? []), citationFromRow(c)]);
    const claimsBySubject = new Map<string, Claim[]>();
    for (const c of claimRows) {
      const claim = claimFromRow(c, cites.get(c.id) ?? []);
      claimsBySubject.set(c.subject_id, [...(claimsBySubject.get(c.subject_id) ?? []), claim]);
    }
    for (const row of rows) {
      const r = recordFromRow(row);
      types.set(r.id, r.type);
      const claims = claimsBySubject.get(r.id) ?? [];
      const text = textOf.get(r.id);
      const vigil = { ...r, ...(text ? { sourceText: text.text, sourceTextLang: text.lang } : {}) };
      const base = r.type === "person" ? popoloPerson(r, claims) : r.type === "organisation" ? popoloOrganization(r) : { type: r.type, id: r.id, name: r.label || r.labelFa };
      counts.record++;
      yield JSON.stringify({ ...base, vigil }) + "\n";
      onProgress?.(counts.record, total);
      for (const c of claims) {
        // Claims that point to claims (involvements, charges) come after every act.
        if (propertySpec(c.property)?.object === "claim") claimsWithClaimObjects.push(c);
        else {
          counts.claim++;
          yield JSON.stringify({ type: "claim", vigil: c }) + "\n";
        }
        if (c.property === "membership" && c.status === "active") memberships.push(popoloMembership(c, undefined));
      }
    }
  }
  for (const c of claimsWithClaimObjects) {
    counts.claim++;
    yield JSON.stringify({ type: "claim", vigil: c }) + "\n";
  }
  for (const m of memberships) {
    if (types.get(String(m.organization_id)) === "post") {
      m.post_id = m.organization_id;
      delete m.organization_id;
    }
    yield JSON.stringify(m) + "\n";
  }
  let seq = -1;
  for (;;) {
    const rows = await ctx.db.selectFrom("changes").selectAll().where("seq", ">", seq).orderBy("seq").limit(2000).execute();
    if (rows.length === 0) break;
    seq = Number(rows[rows.length - 1]!.seq);
    for (const c of rows) {
      counts.change++;
      // History is exported in order; its sequence numbers are this database's own.
      const { seq: _seq, ...change } = c;
      yield JSON.stringify({ type: "change", vigil: change }) + "\n";
    }
  }
  for (const m of await ctx.db.selectFrom("merges").selectAll().orderBy("at").execute()) {
    counts.merge++;
    yield JSON.stringify({ type: "merge", vigil: m }) + "\n";
  }
  yield JSON.stringify({ type: "footer", counts }) + "\n";
}

function fail(line: number, message: string, field?: string): never {
  throw new VigilError("import_failed", message, { where: { line, ...(field ? { field } : {}) } });
}

function oneOf(line: number, value: unknown, allowed: readonly string[], field: string): void {
  if (typeof value !== "string" || !allowed.includes(value)) fail(line, `${field} must be one of ${allowed.join(", ")}, not ${JSON.stringify(value)}`, field);
}

function checkDate(line: number, d: unknown, field: string): void {
  if (d === null || d === undefined) return;
  try {
    validateFuzzyDate(d as FuzzyDate, field);
  } catch (e) {
    fail(line, e instanceof Error ? e.message : String(e), field);
  }
}

function checkRecord(line: number, r: VRecord & { sourceText?: unknown }): void {
  if (typeof r.id !== "string" || !/^[a-z]{3}_[A-Za-z0-9_-]{1,64}$/.test(r.id)) fail(line, `invalid record id ${JSON.stringify(r.id)}`, "id");
  oneOf(line, r.type, RECORD_TYPES, "type");
  oneOf(line, r.status, RECORD_STATUSES, "status");
  oneOf(line, r.confidentiality, CONFIDENTIALITIES, "confidentiality");
  checkDate(line, r.date, "date");
  if (typeof r.data !== "object" || r.data === null || Array.isArray(r.data)) fail(line, "data must be an object", "data");
  for (const f of ["createdAt", "updatedAt", "createdBy", "updatedBy"] as const) if (typeof r[f] !== "string") fail(line, `${f} is missing`, f);
  if (!Number.isInteger(r.version) || r.version < 1) fail(line, "version must be a positive whole number", "version");
}

function checkClaim(line: number, c: Claim, terms: Set<string>): void {
  if (typeof c.id !== "string" || !/^[a-z]{3}_[A-Za-z0-9_-]{1,64}$/.test(c.id)) fail(line, `invalid claim id ${JSON.stringify(c.id)}`, "id");
  const spec = propertySpec(c.property);
  if (!spec) fail(line, `unknown property ${JSON.stringify(c.property)}`, "property");
  if (spec.vocabulary && c.term !== null && !terms.has(`${spec.vocabulary}|${c.term}`)) fail(line, `unknown term ${JSON.stringify(c.term)} in ${spec.vocabulary}`, "term");
  oneOf(line, c.confidence, CONFIDENCES, "confidence");
  oneOf(line, c.confidentiality, CONFIDENTIALITIES, "confidentiality");
  oneOf(line, c.status, ["active", "retracted"], "status");
  checkDate(line, c.date, "date");
  if (!Array.isArray(c.citations) || c.citations.length === 0) fail(line, "a claim without a source cannot exist", "citations");
  for (const s of c.citations) if (typeof s.sourceId !== "string") fail(line, "a citation needs a source id", "citations");
  if (typeof c.value !== "object" || c.value === null) fail(line, "value must be an object", "value");
}

/** The named members of an object, each checked to be a string (or, where allowed, null or a whole number). */
function pickRow(line: number, what: string, o: unknown, spec: Record<string, "string" | "string?" | "int">): Record<string, string | number | null> {
  if (!o || typeof o !== "object" || Array.isArray(o)) fail(line, `a ${what} line needs its fields`);
  const src = o as Record<string, unknown>;
  const out: Record<string, string | number | null> = {};
  for (const [k, kind] of Object.entries(spec)) {
    const v = src[k];
    if (kind === "int") {
      if (typeof v !== "number" || !Number.isInteger(v)) fail(line, `${what}: ${k} must be a whole number`, k);
      out[k] = v;
    } else if (v === null || v === undefined) {
      if (kind === "string") fail(line, `${what}: ${k} is missing`, k);
      out[k] = null;
    } else if (typeof v !== "string") fail(line, `${what}: ${k} must be text`, k);
    else out[k] = v;
  }
  return out;
}

export interface ImportResult {
  counts: ExportCounts;
}

/**
 * Imports an export into this database, all or nothing: every line is
 * checked, every reference must resolve, ids must be new, and the footer's
 * counts must match what was read (a truncated file is refused).
 */
export async function importNdjson(ctx: Ctx, input: Readable, onProgress?: (lines: number) => void): Promise<ImportResult> {
  authorize(ctx.actor, "import.all");
  const counts: ExportCounts = { vocab_term: 0, record: 0, claim: 0, change: 0, merge: 0 };
  return withTransaction(ctx, async (tx) => {
    const terms = new Set((await tx.db.selectFrom("vocab_terms").select(["vocabulary", "code"]).execute()).map((t) => `${t.vocabulary}|${t.code}`));
    const lineOf = new Map<string, number>();
    const records: VRecord[] = [];
    const claims: Claim[] = [];
    const flushRecords = async (): Promise<void> => {
      if (!records.length) return;
      const ids = records.map((r) => r.id);
      const clash = await tx.db.selectFrom("records").select("id").where("id", "in", ids).executeTakeFirst();
      if (clash) fail(lineOf.get(clash.id) ?? 0, `record ${clash.id} already exists in this database`, "id");
      await tx.store.bulkInsert(tx.db, "records", records.map(recordToRow));
      const texts = records.flatMap((r) => {
        const x = r as VRecord & { sourceText?: string; sourceTextLang?: string | null };
        return typeof x.sourceText === "string" ? [{ source_id: r.id, text: x.sourceText, lang: x.sourceTextLang ?? null }] : [];
      });
      await tx.store.bulkInsert(tx.db, "source_texts", texts);
      records.length = 0;
    };
    const flushClaims = async (): Promise<void> => {
      if (!claims.length) return;
      const clash = await tx.db.selectFrom("claims").select("id").where("id", "in", claims.map((c) => c.id)).executeTakeFirst();
      if (clash) fail(lineOf.get(clash.id) ?? 0, `claim ${clash.id} already exists in this database`, "id");
      try {
        await tx.store.bulkInsert(tx.db, "claims", claims.map(claimToRow));
        await tx.store.bulkInsert(tx.db, "citations", claims.flatMap((c) => c.citations.map((s) => citationToRow(c.id, s))));
      } catch (e) {
        fail(lineOf.get(claims[0]!.id) ?? 0, `claims near this line refer to records that are not in the file or the database: ${e instanceof Error ? e.message : String(e)}`);
      }
      claims.length = 0;
    };

    const rl = createInterface({ input, crlfDelay: Infinity });
    let n = 0;
    let header = false;
    let footer: ExportCounts | undefined;
    const changes: Omit<ChangesTable, "seq">[] = [];
    for await (const raw of rl) {
      n++;
      if (!raw.trim()) continue;
      if (footer) fail(n, "text after the footer");
      let line: Line;
      try {
        line = JSON.parse(raw) as Line;
      } catch (e) {
        fail(n, `not JSON: ${e instanceof Error ? e.message : String(e)}`);
      }
      if (typeof line !== "object" || line === null || Array.isArray(line)) fail(n, "each line must be a JSON object");
      const type = line.type;
      if (!header) {
        if (type !== "header" || line.format !== EXPORT_FORMAT) fail(n, `not a ${EXPORT_FORMAT} file (the first line must be its header)`);
        if (line.version !== EXPORT_VERSION) fail(n, `format version ${String(line.version)} is not supported (this Vigil reads version ${EXPORT_VERSION})`);
        header = true;
        continue;
      }
      try {
        switch (type) {
          case "vocab_term": {
            const t = pickRow(n, "vocabulary term", line, { vocabulary: "string", code: "string", label_en: "string", label_fa: "string", description: "string?", parent_code: "string?", esf_ref: "string?", sort: "int", retired: "int" }) as unknown as VocabTermsTable;
            if (!terms.has(`${t.vocabulary}|${t.code}`)) {
              await tx.db.insertInto("vocab_terms").values(t).execute();
              terms.add(`${t.vocabulary}|${t.code}`);
            }
            counts.vocab_term++;
            break;
          }
          case "person":
          case "organization":
          case "organisation":
          case "place":
          case "event":
          case "source":
          case "post": {
            const r = line.vigil as VRecord;
            if (!r || typeof r !== "object" || Array.isArray(r)) fail(n, "a record line needs its vigil member");
            checkRecord(n, r);
            lineOf.set(r.id, n);
            records.push(r);
            counts.record++;
            if (records.length >= 5000) await flushRecords();
            break;
          }
          case "claim": {
            await flushRecords();
            const c = line.vigil as Claim;
            if (!c || typeof c !== "object" || Array.isArray(c)) fail(n, "a claim line needs its vigil member");
            checkClaim(n, c, terms);
            lineOf.set(c.id, n);
            claims.push(c);
            counts.claim++;
            if (claims.length >= 5000) await flushClaims();
            break;
          }
          case "membership":
            // Derived from membership claims, for Popolo readers; the claim line carries it.
            break;
          case "change": {
            await flushRecords();
            await flushClaims();
            changes.push(pickRow(n, "change", line.vigil, { entity_type: "string", entity_id: "string", record_id: "string", version: "int", action: "string", actor: "string", at: "string", reason: "string?", before: "string?", after: "string?" }) as unknown as Omit<ChangesTable, "seq">);
            counts.change++;
            if (changes.length >= 1000) {
              await tx.store.bulkInsert(tx.db, "changes", changes);
              changes.length = 0;
            }
            break;
          }
          case "merge": {
            await flushRecords();
            await flushClaims();
            const m = pickRow(n, "merge", line.vigil, { id: "string", survivor_id: "string", merged_id: "string", moved_claims: "string", moved_references: "string", reason: "string?", actor: "string", at: "string", undone_at: "string?", undone_by: "string?" }) as unknown as MergesTable;
            await tx.db.insertInto("merges").values(m).execute().catch((e: unknown) => fail(n, `merge ${m.id} cannot be stored: ${e instanceof Error ? e.message : String(e)}`));
            counts.merge++;
            break;
          }
          case "footer":
            footer = line.counts as ExportCounts;
            break;
          default:
            fail(n, `unknown line type ${JSON.stringify(type)}`, "type");
        }
      } catch (e) {
        // Anything the checks above let through and the database refuses is still this file's fault.
        if (e instanceof VigilError) throw e;
        fail(n, `the data at or just before this line cannot be stored: ${e instanceof Error ? e.message : String(e)}`);
      }
      if (n % 1000 === 0) onProgress?.(n);
    }
    try {
      await flushRecords();
      await flushClaims();
      await tx.store.bulkInsert(tx.db, "changes", changes);
    } catch (e) {
      if (e instanceof VigilError) throw e;
      fail(n, `the last lines cannot be stored: ${e instanceof Error ? e.message : String(e)}`);
    }
    if (!header) fail(n, "the file is empty");
    if (!footer) fail(n, "the file ends without its footer: it is truncated");
    for (const k of Object.keys(counts) as (keyof ExportCounts)[]) {
      if (footer[k] !== counts[k]) fail(n, `the footer promises ${footer[k]} ${k} lines but the file has ${counts[k]}: it is incomplete`);
    }
    // Every citation must point at a source record; FKs check existence, this checks the kind.
    const badSource = await tx.db
      .selectFrom("citations")
      .innerJoin("records", "records.id", "citations.source_id")
      .select(["citations.claim_id", "records.type"])
      .where("records.type", "!=", "source")
      .executeTakeFirst();
    if (badSource) fail(lineOf.get(badSource.claim_id) ?? n, `claim ${badSource.claim_id} cites a ${badSource.type}, not a source`);
    await rebuildSearchIndex(tx);
    return { counts };
  });
}

/** Recomputes labels and search entries of every record, in batches. */
export async function rebuildSearchIndex(ctx: Ctx): Promise<number> {
  await ctx.db.deleteFrom("search_entries").execute();
  let after = "";
  let done = 0;
  for (;;) {
    const rows = await ctx.db.selectFrom("records").selectAll().where("id", ">", after).orderBy("id").limit(1000).execute();
    if (!rows.length) break;
    after = rows[rows.length - 1]!.id;
    const ids = rows.map((r) => r.id);
    const claimRows = await ctx.db.selectFrom("claims").selectAll().where("subject_id", "in", ids).where("property", "=", "name").execute();
    const bySubject = new Map<string, Claim[]>();
    for (const c of claimRows) bySubject.set(c.subject_id, [...(bySubject.get(c.subject_id) ?? []), claimFromRow(c, [])]);
    const texts = new Map((await ctx.db.selectFrom("source_texts").select(["source_id", "text"]).where("source_id", "in", ids).execute()).map((t) => [t.source_id, t.text]));
    const entries = [];
    for (const row of rows) {
      let r = recordFromRow(row);
      const claims = bySubject.get(r.id) ?? [];
      if (r.type === "person") {
        const labels = labelsFromNames(claims);
        if (labels.label !== r.label || labels.labelFa !== r.labelFa || labels.labelPublic !== r.labelPublic || labels.labelPublicFa !== r.labelPublicFa) {
          r = { ...r, ...labels };
          await ctx.db.updateTable("records").set({ label: r.label, label_fa: r.labelFa, label_public: r.labelPublic, label_public_fa: r.labelPublicFa }).where("id", "=", r.id).execute();
        }
      }
      entries.push(...searchEntriesFor(r, claims, texts.get(r.id) ?? null));
    }
    await ctx.store.bulkInsert(ctx.db, "search_entries", entries);
    done += rows.length;
  }
  return done;
}
