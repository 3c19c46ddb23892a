import type { Kysely } from "kysely";
import { authorize } from "../accounts/index.ts";
import { withTransaction, type Ctx } from "../core/context.ts";
import { Problems, VigilError } from "../core/errors.ts";
import type { Store } from "../store/index.ts";
import type { CoreTables, VocabTermsTable } from "../store/schema.ts";
import type { TermCheck } from "./properties.ts";
import { VOCABULARIES } from "./vocabularies.ts";

/** Adds the built-in vocabularies' missing terms; never overwrites an organisation's edits. */
export async function seedVocabularies(db: Kysely<CoreTables>): Promise<number> {
  const existing = new Set((await db.selectFrom("vocab_terms").select(["vocabulary", "code"]).execute()).map((r) => `${r.vocabulary}|${r.code}`));
  const rows: VocabTermsTable[] = [];
  for (const v of VOCABULARIES) {
    v.terms.forEach((t, i) => {
      if (existing.has(`${v.name}|${t.code}`)) return;
      rows.push({ vocabulary: v.name, code: t.code, label_en: t.en, label_fa: t.fa, description: null, parent_code: t.parent ?? null, esf_ref: v.esf ?? null, sort: i, retired: 0 });
    });
  }
  if (rows.length) await db.insertInto("vocab_terms").values(rows).execute();
  return rows.length;
}

export interface Term {
  vocabulary: string;
  code: string;
  labelEn: string;
  labelFa: string;
  description: string | null;
  esfRef: string | null;
  sort: number;
  retired: boolean;
}

const caches = new WeakMap<Store, Map<string, Term>>();

async function loadTerms(ctx: Ctx): Promise<Map<string, Term>> {
  let m = caches.get(ctx.store);
  if (m && !ctx.inTransaction) return m;
  const rows = await ctx.db.selectFrom("vocab_terms").selectAll().orderBy("vocabulary").orderBy("sort").execute();
  m = new Map(rows.map((r) => [`${r.vocabulary}|${r.code}`, { vocabulary: r.vocabulary, code: r.code, labelEn: r.label_en, labelFa: r.label_fa, description: r.description, esfRef: r.esf_ref, sort: r.sort, retired: Boolean(r.retired) }]));
  if (!ctx.inTransaction) caches.set(ctx.store, m);
  return m;
}

/** Reads the vocabularies again on next use: another thread or process may have edited them. */
export function forgetTerms(store: Store): void {
  caches.delete(store);
}

/** A term checker for validation: known and not retired. */
export async function termChecker(ctx: Ctx): Promise<TermCheck> {
  const terms = await loadTerms(ctx);
  return (vocabulary, code) => {
    const t = terms.get(`${vocabulary}|${code}`);
    return t !== undefined && !t.retired;
  };
}

/** Labels for display; unknown terms show their code. */
export async function termLabels(ctx: Ctx): Promise<(vocabulary: string, code: string | null, lang: "en" | "fa") => string> {
  const terms = await loadTerms(ctx);
  return (vocabulary, code, lang) => {
    if (!code) return "";
    const t = terms.get(`${vocabulary}|${code}`);
    return t ? (lang === "fa" ? t.labelFa : t.labelEn) : code;
  };
}

export async function listVocabularies(ctx: Ctx): Promise<Map<string, Term[]>> {
  authorize(ctx.actor, "vocab.read");
  const out = new Map<string, Term[]>();
  for (const t of (await loadTerms(ctx)).values()) {
    const list = out.get(t.vocabulary) ?? [];
    list.push(t);
    out.set(t.vocabulary, list);
  }
  return out;
}

export interface TermInput {
  vocabulary: string;
  code: string;
  labelEn: string;
  labelFa: string;
  description?: string | null;
  retired?: boolean;
}

/** Adds a term, or edits the labels of an existing one; codes are never renamed, only retired. */
export async function saveTerm(ctx: Ctx, input: TermInput): Promise<Term> {
  authorize(ctx.actor, "vocab.manage");
  const p = new Problems();
  if (!VOCABULARIES.some((v) => v.name === input.vocabulary)) p.add("vocabulary", `unknown vocabulary ${JSON.stringify(input.vocabulary)}`);
  if (!/^[a-z][a-z0-9_]{0,62}$/.test(input.code)) p.add("code", "a code is lower-case letters, digits and underscores, starting with a letter");
  if (!input.labelEn.trim()) p.add("labelEn", "an English label is needed");
  if (!input.labelFa.trim()) p.add("labelFa", "a Persian label is needed");
  p.throwIfAny();
  const row = await withTransaction(ctx, async (tx) => {
    const existing = await tx.db.selectFrom("vocab_terms").selectAll().where("vocabulary", "=", input.vocabulary).where("code", "=", input.code).executeTakeFirst();
    if (existing) {
      await tx.db
        .updateTable("vocab_terms")
        .set({ label_en: input.labelEn.trim(), label_fa: input.labelFa.trim(), description: input.description ?? existing.description, retired: input.retired ? 1 : 0 })
        .where("vocabulary", "=", input.vocabulary)
        .where("code", "=", input.code)
        .execute();
    } else {
      const max = await tx.db.selectFrom("vocab_terms").select((eb) => eb.fn.max("sort").as("m")).where("vocabulary", "=", input.vocabulary).executeTakeFirst();
      await tx.db
        .insertInto("vocab_terms")
        .values({ vocabulary: input.vocabulary, code: input.code, label_en: input.labelEn.trim(), label_fa: input.labelFa.trim(), description: input.description ?? null, parent_code: null, esf_ref: null, sort: Number(max?.m ?? 0) + 1, retired: input.retired ? 1 : 0 })
        .execute();
    }
    return tx.db.selectFrom("vocab_terms").selectAll().where("vocabulary", "=", input.vocabulary).where("code", "=", input.code).executeTakeFirstOrThrow();
  });
  caches.delete(ctx.store);
  return { vocabulary: row.vocabulary, code: row.code, labelEn: row.label_en, labelFa: row.label_fa, description: row.description, esfRef: row.esf_ref, sort: row.sort, retired: Boolean(row.retired) };
}

export function assertTerm(check: TermCheck, vocabulary: string, code: string, field: string): void {
  if (!check(vocabulary, code)) throw new VigilError("unknown_term", `unknown term ${JSON.stringify(code)} in the ${vocabulary} vocabulary`, { where: { field } });
}
