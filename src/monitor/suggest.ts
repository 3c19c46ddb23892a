import { authorize, can } from "../accounts/index.ts";
import type { Ctx } from "../core/context.ts";
import { birthFromAge, isoToDays, parseDate, type FuzzyDate } from "../core/dates.ts";
import { toAsciiDigits } from "../core/digits.ts";
import { isCompoundFirst, isKnownGivenName } from "../linkage/variants.ts";
import type { PersonRecord } from "../linkage/person.ts";
import { splitFullName } from "../lists/split-name.ts";
import { countRecords, getRecord, searchRecords, type RecordView } from "../records/index.ts";
import { scorePair, type FieldComparison } from "./match-model.ts";

/**
 * Suggested matches for a person an article names: candidates found by
 * record search (each name in either script, and the family name alone, as
 * the linkage engine's blocking does), each scored against what the article
 * says with the engine's comparisons and fixed parameters (match-model.ts).
 * Only what the actor may read of a record is read (getRecord applies the
 * confidentiality policy), so only that is compared and shown.
 */

/** What an article says about one person. */
export interface ArticlePerson {
  /** Names as written, in any script. */
  names: string[];
  /** Father's name, when the article gives it ("son of Ahmad", "فرزند احمد"). */
  father?: string;
  /** Age when the article gives it. */
  age?: number | null;
  /** act_type term of what the article reports, and its date as written. */
  actType?: string;
  actDate?: string;
  /** Prison, city or other place the article names for the person. */
  places?: string[];
  /** Publication date (ISO), for an age when the act has no date. */
  published?: string;
}

export interface MatchSuggestion {
  id: string;
  label: string;
  labelFa: string;
  /** Which of the names found it. */
  via: string;
  /** Match probability (0–1) from the linkage comparisons. */
  probability: number;
  /** Each field both sides have, with its agreement and weight of evidence. */
  fields: FieldComparison[];
}

/** Suggestions below this probability are not shown. */
export const SUGGESTION_FLOOR = 0.01;
/** Records scored at most per person (the search's best hits). */
const MAX_CANDIDATES = 25;

const safeDate = (text: string | undefined): FuzzyDate | undefined => {
  if (!text?.trim()) return undefined;
  try {
    const d = parseDate(text);
    return d.earliest && d.latest ? d : undefined;
  } catch {
    return undefined;
  }
};

function addName(into: { given: string[]; family: string[] }, text: string): void {
  const s = splitFullName(text);
  if (s.given) into.given.push(s.given);
  if (s.family) into.family.push(s.family);
}

/** The article's side of the comparison. */
export function articleRecord(p: ArticlePerson): PersonRecord {
  const names = { given: [] as string[], family: [] as string[] };
  for (const n of p.names.map((x) => x.trim()).filter(Boolean)) addName(names, n);
  const act = safeDate(p.actDate);
  const at = act ?? safeDate(p.published?.slice(0, 10));
  const birth = p.age !== undefined && p.age !== null && at && Number.isInteger(p.age) && p.age >= 0 && p.age <= 120 ? birthFromAge(p.age, at) : undefined;
  return {
    list: "article",
    rowId: "article",
    given: names.given,
    family: names.family,
    ...(p.father?.trim() ? { father: [p.father.trim()] } : {}),
    ...(birth ? { birth } : {}),
    ...(act ? { death: act } : {}),
    placeOfDeath: (p.places ?? []).map((x) => x.trim()).filter(Boolean),
  };
}

const gapDays = (a: FuzzyDate, b: FuzzyDate): number => {
  const [a0, a1, b0, b1] = [a.earliest!, a.latest!, b.earliest!, b.latest!].map(isoToDays) as [number, number, number, number];
  return a1 < b0 ? b0 - a1 : b1 < a0 ? a0 - b1 : 0;
};

/**
 * The record's side: the names, father's name, birth (or age), the date of
 * its act of the article's kind (death for an execution) nearest the
 * article's, and every place — from the claims the actor may read, which is
 * all `getRecord` returns.
 */
export function recordPerson(view: RecordView, p: ArticlePerson): PersonRecord {
  const claims = view.claims.filter((c) => c.status === "active");
  const names = { given: [] as string[], family: [] as string[] };
  const father: string[] = [];
  for (const c of claims.filter((x) => x.property === "name" && x.valueText)) {
    const kind = typeof c.value.kind === "string" ? c.value.kind : "full";
    if (kind === "given") names.given.push(c.valueText!);
    else if (kind === "family") names.family.push(c.valueText!);
    else if (kind === "father") father.push(c.valueText!);
    else if (kind === "full" || kind === "alias" || kind === "birth") addName(names, c.valueText!);
  }
  const dated = (property: string, term?: string): FuzzyDate[] => claims.filter((c) => c.property === property && (term === undefined || c.term === term) && c.date?.earliest && c.date.latest).map((c) => c.date!);
  let birth = dated("birth")[0];
  const actDates = p.actType ? [...dated("act", p.actType), ...(p.actType === "execution" ? dated("death") : [])] : [];
  if (!birth) {
    for (const c of claims.filter((x) => x.property === "age" && typeof x.value.age === "number")) {
      const at = c.date?.earliest ? c.date : (actDates[0] ?? dated("death")[0]);
      if (at) {
        birth = birthFromAge(c.value.age as number, at);
        break;
      }
    }
  }
  const articleDate = safeDate(p.actDate);
  const act = articleDate && actDates.length ? [...actDates].sort((a, b) => gapDays(a, articleDate) - gapDays(b, articleDate))[0] : actDates[0];
  const places: string[] = [];
  for (const c of claims) {
    if (c.placeId) {
      const l = view.related.get(c.placeId);
      if (l) places.push(...[l.label, l.labelFa].filter(Boolean));
    }
    if (c.property === "residence" && c.valueText) places.push(c.valueText);
  }
  return {
    list: "records",
    rowId: view.record.id,
    given: names.given,
    family: names.family,
    father,
    ...(birth ? { birth } : {}),
    ...(act ? { death: act } : {}),
    placeOfDeath: [...new Set(places)],
  };
}

/**
 * People already recorded who may be the one an article names, most probable
 * first, those under `SUGGESTION_FLOOR` left out. The prior is 1 / (N + 1) for
 * N person records the actor can see: before anything is compared, the
 * person is as likely to be any one of them as someone not yet recorded.
 */
export async function suggestMatches(ctx: Ctx, person: ArticlePerson | readonly string[], limit = 5): Promise<MatchSuggestion[]> {
  authorize(ctx.actor, "monitor.read");
  if (!can(ctx.actor, "search.staff") || !can(ctx.actor, "record.read")) return [];
  const p: ArticlePerson = Array.isArray(person) ? { names: [...(person as readonly string[])] } : (person as ArticlePerson);
  const names = p.names.map((x) => x.trim()).filter(Boolean);
  const found = new Map<string, string>();
  const add = (ids: string[], via: string): void => {
    for (const id of ids) if (!found.has(id) && found.size < MAX_CANDIDATES) found.set(id, via);
  };
  // Whole names first, then each family name alone (blocking on the family name: a misspelt given name still meets).
  for (const n of names) add((await searchRecords(ctx, n, { types: ["person"], limit: 10 })).map((h) => h.id), n);
  for (const n of names) {
    const family = splitFullName(n).family;
    if (family && family !== n) add((await searchRecords(ctx, family, { types: ["person"], limit: 10 })).map((h) => h.id), n);
  }
  if (!found.size) return [];
  const recorded = (await countRecords(ctx)).person ?? 0;
  const prior = 1 / (recorded + 1);
  const article = articleRecord({ ...p, names });
  const out: MatchSuggestion[] = [];
  const seen = new Set<string>();
  for (const [id, via] of found) {
    let view: RecordView;
    try {
      view = await getRecord(ctx, id);
    } catch {
      continue;
    }
    // A merged record resolves to the one it was merged into: suggest that one, once.
    if (view.record.type !== "person" || view.record.status === "merged" || seen.has(view.record.id)) continue;
    seen.add(view.record.id);
    const score = scorePair(article, recordPerson(view, p), prior);
    if (score.probability < SUGGESTION_FLOOR) continue;
    out.push({ id: view.record.id, label: view.record.label, labelFa: view.record.labelFa, via, probability: score.probability, fields: score.fields });
  }
  return out.sort((a, b) => b.probability - a.probability || a.id.localeCompare(b.id)).slice(0, limit);
}

// ---------- what the article says near a name ----------

const FATHER = [/\b(?:son|daughter|child) of\s+(\p{Lu}[\p{L}'’-]+)(?:\s+(\p{Lu}[\p{L}'’-]+))?/u, /(?:فرزند|نام پدر\s*:?)\s+((?:(?=\p{Script=Arabic})\p{L}|\u200c)+)(?:\s+((?:(?=\p{Script=Arabic})\p{L}|\u200c)+))?/u];
const AGE_APPOSITION = /^\s*[,،(]\s*(\d{1,3})\s*(?:[,،)]|$)/u;
const AGE = /(?:\baged\s+(\d{1,3})\b|(?<![\d\p{L}])(\d{1,3})\s*(?:-?\s*years?[- ]old\b|ساله)|\((\d{1,3})\))/iu;
const AGE_BEFORE = /(?<![\d\p{L}])(\d{1,3})[- ]years?[- ]old\b[^.!?؟\n]{0,60}$/iu;

/**
 * The father's name and age an article gives right by a person's name, in the
 * same sentence and before the next name: "Kamran Rostami, 34, son of Ahmad",
 * "34-year-old Kamran Rostami", "کامران رستمی ۳۴ ساله فرزند احمد".
 */
export function factsNear(text: string, start: number, end: number, nextStart = text.length): { father?: string; age?: number } {
  const stop = /[.!?؟\n]/;
  let b = end;
  while (b < Math.min(text.length, nextStart, end + 80) && !stop.test(text[b]!)) b++;
  const after = toAsciiDigits(text.slice(end, b));
  let a = start;
  while (a > Math.max(0, start - 80) && !stop.test(text[a - 1]!)) a--;
  const before = toAsciiDigits(text.slice(a, start));
  const out: { father?: string; age?: number } = {};
  const f = FATHER.map((re) => re.exec(after)).find(Boolean);
  if (f) {
    const first = f[1]!;
    out.father = f[2] && isCompoundFirst(first) && isKnownGivenName(f[2]) ? `${first} ${f[2]}` : first;
  }
  const m = AGE_APPOSITION.exec(after) ?? AGE.exec(after) ?? AGE_BEFORE.exec(before);
  const age = m ? Number(m[1] ?? m[2] ?? m[3]) : NaN;
  if (Number.isInteger(age) && age > 0 && age <= 120) out.age = age;
  return out;
}
