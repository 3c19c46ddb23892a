import type { FuzzyDate } from "../core/dates.ts";
import { civilFromDays, isoToDays } from "../core/dates.ts";
import { detectScript, foldLatin, normalisePersian, skeletonKey } from "../core/names.ts";
import type { BlockingRule, Comparison, LinkSpec } from "./engine.ts";
import { lookupPlace, provinceOf } from "./gazetteer.ts";
import { crossScriptSimilarity, latinForm, persianForm, type PersianForm } from "./romanisation.ts";
import { editDistance, jaroWinkler } from "./strings.ts";
import { foldVariants, stripHonorifics } from "./variants.ts";

/**
 * One row of a victim list as linkage sees it: names in whatever scripts the
 * list gave them (alternatives in arrays: a list may give a Persian and a
 * Latin spelling), dates as fuzzy intervals, places as written.
 */
export interface PersonRecord {
  /** The list (source) the row comes from. */
  list: string;
  /** The row's id within its list. */
  rowId: string;
  given?: string[];
  family?: string[];
  father?: string[];
  sex?: "male" | "female";
  birth?: FuzzyDate;
  death?: FuzzyDate;
  birthPlace?: string[];
  residence?: string[];
  placeOfDeath?: string[];
  affiliation?: string[];
}

// ---------- derived forms, interned: names repeat, so each distinct spelling is prepared once ----------

/** A name (one field's value) prepared for comparison. */
export interface NameValue {
  id: number;
  text: string;
  persian: boolean;
  /** Compact folded form: variant-folded Latin, or normalised Persian letters. */
  folded: string;
  /** Script-independent consonant skeleton of the whole name and of each word. */
  skeleton: string;
  wordSkeletons: string[];
  pform: PersianForm | undefined;
  lform: Int32Array | undefined;
  /** Levels already computed against other names of the same preparer (ids are per preparer). */
  cache: PairLevelCache;
  /** Keys of the term-frequency tables: this spelling in its script, this skeleton in the other script. */
  tfKey: string;
  tfOtherScriptKey: string;
}

/** A place value prepared for comparison. */
export interface PlaceValue {
  id: number;
  placeId: string | undefined;
  province: string | undefined;
  /** Uninformative (the country): treated as missing. */
  vague: boolean;
  key: string;
  /** Sorted character bigrams of the key, for a quick Dice similarity of long texts (addresses). */
  bigrams: Int32Array;
  persian: boolean;
  pform: PersianForm | undefined;
  lform: Int32Array | undefined;
}

function bigramsOf(key: string): Int32Array {
  const out = new Int32Array(Math.max(0, key.length - 1));
  for (let i = 0; i + 1 < key.length; i++) out[i] = key.charCodeAt(i) * 65536 + key.charCodeAt(i + 1);
  return out.sort();
}

/** Dice coefficient of two sorted bigram multisets. */
function dice(a: Int32Array, b: Int32Array): number {
  if (a.length === 0 || b.length === 0) return 0;
  let i = 0;
  let j = 0;
  let common = 0;
  while (i < a.length && j < b.length) {
    if (a[i] === b[j]) {
      common++;
      i++;
      j++;
    } else if (a[i]! < b[j]!) i++;
    else j++;
  }
  return (2 * common) / (a.length + b.length);
}

/** A record with everything the comparisons and blocking rules need. */
export interface PreparedPerson {
  index: number;
  list: number;
  given: NameValue[];
  family: NameValue[];
  father: NameValue[];
  sex: 0 | 1 | 2;
  birth: DateValue | undefined;
  death: DateValue | undefined;
  birthPlace: PlaceValue[];
  residence: PlaceValue[];
  placeOfDeath: PlaceValue[];
  affiliation: PlaceValue[];
}

export interface DateValue {
  lo: number;
  hi: number;
  /** YYYYMMDD when known to the day, for typo comparison. */
  day: string | undefined;
}

function words(text: string): string[] {
  return stripHonorifics(text.split(/[\s\u200c]*[\s,،\-‐–]+[\s\u200c]*/).filter(Boolean));
}

/**
 * Levels of name pairs already compared. Names repeat (many Mohammads), so
 * most pairs are met again. A direct-mapped table of integer pairs (a later
 * pair may evict an earlier one) stays small enough to sit in the processor's
 * cache, which a Map keyed by numbers beyond 2^31 does not.
 */
class PairLevelCache {
  private static readonly BITS = 21;
  private readonly a = new Int32Array(1 << PairLevelCache.BITS).fill(-1);
  private readonly b = new Int32Array(1 << PairLevelCache.BITS);
  private readonly v = new Uint8Array(1 << PairLevelCache.BITS);

  private slot(x: number, y: number): number {
    return (Math.imul(x, 0x9e3779b1) ^ Math.imul(y, 0x85ebca6b)) >>> (32 - PairLevelCache.BITS);
  }

  get(x: number, y: number): number {
    const h = this.slot(x, y);
    return this.a[h] === x && this.b[h] === y ? this.v[h]! : -1;
  }

  set(x: number, y: number, level: number): void {
    const h = this.slot(x, y);
    this.a[h] = x;
    this.b[h] = y;
    this.v[h] = level;
  }
}

/** Prepares records for linkage; shares prepared names and places across records. */
export class Preparer {
  private names = new Map<string, NameValue>();
  private readonly levelCache = new PairLevelCache();
  private places = new Map<string, PlaceValue>();
  private lists = new Map<string, number>();
  /** Term-frequency counts per name field: folded form and skeleton. */
  readonly tf = {
    given: { folded: new Map<string, number>(), skeleton: new Map<string, number>() },
    family: { folded: new Map<string, number>(), skeleton: new Map<string, number>() },
    father: { folded: new Map<string, number>(), skeleton: new Map<string, number>() },
  };
  count = 0;

  name(text: string): NameValue | undefined {
    const cached = this.names.get(text);
    if (cached) return cached;
    const ws = words(text);
    if (ws.length === 0) return undefined;
    const joined = ws.join(" ");
    const script = detectScript(joined);
    const persian = script === "persian" || script === "arabic";
    const folded = persian ? normalisePersian(joined).replace(/ /g, "") : foldVariants(ws.join(""));
    if (!folded) return undefined;
    const wordSkeletons = ws.map((w) => skeletonKey(w)).filter(Boolean);
    const v: NameValue = {
      id: this.names.size,
      text,
      persian,
      folded,
      skeleton: skeletonKey(persian ? normalisePersian(joined).replace(/ /g, "") : ws.join("")),
      wordSkeletons,
      pform: persian ? persianForm(joined) : undefined,
      lform: persian ? undefined : latinForm(joined),
      cache: this.levelCache,
      tfKey: (persian ? "p:" : "l:") + folded,
      tfOtherScriptKey: "",
    };
    v.tfOtherScriptKey = (persian ? "l:" : "p:") + v.skeleton;
    this.names.set(text, v);
    return v;
  }

  place(text: string): PlaceValue | undefined {
    const cached = this.places.get(text);
    if (cached) return cached;
    const t = text.trim();
    if (!t) return undefined;
    const script = detectScript(t);
    const persian = script === "persian" || script === "arabic";
    const key = persian ? normalisePersian(t).replace(/ /g, "") : foldLatin(t).replace(/[^a-z0-9]/g, "");
    if (!key) return undefined;
    const found = lookupPlace(t);
    const v: PlaceValue = {
      id: this.places.size,
      placeId: found?.id,
      province: found ? provinceOf(found) : undefined,
      vague: found?.kind === "country",
      key,
      bigrams: bigramsOf(key),
      persian,
      pform: persian ? persianForm(t) : undefined,
      lform: persian ? undefined : latinForm(t),
    };
    this.places.set(text, v);
    return v;
  }

  private nameList(values: string[] | undefined, field?: keyof Preparer["tf"]): NameValue[] {
    const out: NameValue[] = [];
    for (const t of values ?? []) {
      const v = this.name(t);
      if (v && !out.some((o) => o.id === v.id)) out.push(v);
    }
    if (field) {
      const tf = this.tf[field];
      for (const key of new Set(out.map((v) => v.tfKey))) tf.folded.set(key, (tf.folded.get(key) ?? 0) + 1);
      for (const key of new Set(out.map((v) => (v.persian ? "p:" : "l:") + v.skeleton))) tf.skeleton.set(key, (tf.skeleton.get(key) ?? 0) + 1);
    }
    return out;
  }

  private placeList(values: string[] | undefined): PlaceValue[] {
    const out: PlaceValue[] = [];
    for (const t of values ?? []) {
      const v = this.place(t);
      if (v && !v.vague && !out.some((o) => o.id === v.id)) out.push(v);
    }
    return out;
  }

  prepare(r: PersonRecord): PreparedPerson {
    let list = this.lists.get(r.list);
    if (list === undefined) {
      list = this.lists.size;
      this.lists.set(r.list, list);
    }
    this.count++;
    return {
      index: this.count - 1,
      list,
      given: this.nameList(r.given, "given"),
      family: this.nameList(r.family, "family"),
      father: this.nameList(r.father, "father"),
      sex: r.sex === "male" ? 1 : r.sex === "female" ? 2 : 0,
      birth: dateValue(r.birth),
      death: dateValue(r.death),
      birthPlace: this.placeList(r.birthPlace),
      residence: this.placeList(r.residence),
      placeOfDeath: this.placeList(r.placeOfDeath),
      affiliation: this.placeList(r.affiliation),
    };
  }
}

function dateValue(d: FuzzyDate | undefined): DateValue | undefined {
  if (!d?.earliest || !d.latest) return undefined;
  return { lo: isoToDays(d.earliest), hi: isoToDays(d.latest), day: d.earliest === d.latest ? d.earliest.replace(/-/g, "") : undefined };
}

// ---------- comparison levels ----------

export const NAME_LEVELS = ["missing", "different", "one word in common", "similar", "similar across scripts", "close", "close across scripts", "same across scripts", "same"] as const;
const N_DIFF = 1;
const N_PARTIAL = 2;
const N_SS_WEAK = 3;
const N_XS_WEAK = 4;
const N_SS_CLOSE = 5;
const N_XS_CLOSE = 6;
const N_XS_EXACT = 7;
const N_SS_EXACT = 8;

/** Thresholds of the name levels; measured on the benchmarks (docs/linkage.md). */
export const NAME_THRESHOLDS = { sameScriptClose: 0.92, sameScriptWeak: 0.8, crossScriptExact: 0.95, crossScriptClose: 0.86, crossScriptWeak: 0.72 };

/** The level of agreement of two prepared names. */
export function nameLevel(a: NameValue, b: NameValue): number {
  if (a.id === b.id) return N_SS_EXACT;
  const [x, y] = a.id < b.id ? [a.id, b.id] : [b.id, a.id];
  const cached = a.cache.get(x, y);
  if (cached >= 0) return cached;
  const level = computeNameLevel(a, b);
  a.cache.set(x, y, level);
  return level;
}

function computeNameLevel(a: NameValue, b: NameValue): number {
  const T = NAME_THRESHOLDS;
  if (a.persian === b.persian) {
    if (a.folded === b.folded) return N_SS_EXACT;
    const jw = jaroWinkler(a.folded, b.folded);
    if (jw >= T.sameScriptClose || (Math.min(a.folded.length, b.folded.length) >= 5 && editDistance(a.folded, b.folded, 1) <= 1)) return N_SS_CLOSE;
    if (jw >= T.sameScriptWeak) return N_SS_WEAK;
  } else {
    const [p, l] = a.persian ? [a, b] : [b, a];
    const s = crossScriptSimilarity(p.pform!, l.lform!, T.crossScriptWeak);
    if (s >= T.crossScriptExact) return N_XS_EXACT;
    if (s >= T.crossScriptClose) return N_XS_CLOSE;
    if (s >= T.crossScriptWeak) return N_XS_WEAK;
  }
  if (a.wordSkeletons.length > 1 || b.wordSkeletons.length > 1) {
    for (const w of a.wordSkeletons) if (w.length > 1 && b.wordSkeletons.includes(w)) return N_PARTIAL;
  }
  // An initial against a full name ("M." / "Mohammad").
  if ((a.folded.length === 1 || b.folded.length === 1) && a.skeleton[0] === b.skeleton[0]) return N_PARTIAL;
  return N_DIFF;
}

function bestNameLevel(as: NameValue[], bs: NameValue[]): number {
  if (as.length === 0 || bs.length === 0) return 0;
  let best = N_DIFF;
  for (const a of as) for (const b of bs) {
    const l = nameLevel(a, b);
    if (l > best) best = l;
  }
  return best;
}

function initialsMeet(as: NameValue[], bs: NameValue[]): boolean {
  for (const a of as) for (const b of bs) if (a.skeleton[0] === b.skeleton[0]) return true;
  return false;
}

/** A given or family name level that forgives the two being swapped between lists. */
function nameFieldLevel(a: PreparedPerson, b: PreparedPerson, field: "given" | "family"): number {
  const straight = bestNameLevel(a[field], b[field]);
  if (straight >= N_SS_WEAK) return straight;
  const other = field === "given" ? "family" : "given";
  // Only exact agreement both ways counts as a swap: Mohammad Hassani is not Hassan Mohammadi.
  // Names that agree exactly share their skeleton's first letter: a cheap test first.
  if (!initialsMeet(a[field], b[other]) || !initialsMeet(a[other], b[field])) return straight === 0 && (a[field].length === 0 || b[field].length === 0) ? 0 : straight;
  const crossA = bestNameLevel(a[field], b[other]);
  const crossB = bestNameLevel(a[other], b[field]);
  if (crossA >= N_XS_EXACT && crossB >= N_XS_EXACT) return Math.min(crossA, crossB);
  if (straight === 0 && (a[field].length === 0 || b[field].length === 0)) return 0;
  return straight;
}

export const DATE_LEVELS = ["missing", "more than 5 years apart", "within 5 years", "within a year", "overlap (vague)", "overlap (within 2 years)", "overlap (within a year)", "overlap (within a month)", "one digit apart", "same day"] as const;

/** The level of agreement of two date intervals. */
export function dateLevel(a: DateValue | undefined, b: DateValue | undefined): number {
  if (!a || !b) return 0;
  if (a.day !== undefined && b.day !== undefined) {
    if (a.day === b.day) return 9;
    const swapped = a.day.slice(0, 4) + a.day.slice(6, 8) + a.day.slice(4, 6);
    if (swapped === b.day || editDistance(a.day, b.day, 1) <= 1) return 8;
  }
  const gap = a.hi < b.lo ? b.lo - a.hi : b.hi < a.lo ? a.lo - b.hi : 0;
  if (gap === 0) {
    const width = Math.max(a.hi - a.lo, b.hi - b.lo) + 1;
    return width <= 32 ? 7 : width <= 400 ? 6 : width <= 800 ? 5 : 4;
  }
  return gap <= 366 ? 3 : gap <= 1827 ? 2 : 1;
}

export const PLACE_LEVELS = ["missing", "different", "same province", "similar text", "same place"] as const;

function placePairLevel(a: PlaceValue, b: PlaceValue): number {
  if (a.id === b.id) return 4;
  if (a.placeId && b.placeId) {
    if (a.placeId === b.placeId) return 4;
    if (a.province && (a.province === b.province)) return 2;
    return 1;
  }
  if (a.key === b.key) return 4;
  if (a.persian === b.persian) {
    // Long texts (addresses) by shared letter pairs; short ones (towns) by Jaro–Winkler.
    if (a.key.length > 12 && b.key.length > 12 ? dice(a.bigrams, b.bigrams) >= 0.8 : jaroWinkler(a.key, b.key) >= 0.9) return 3;
  } else {
    const [p, l] = a.persian ? [a, b] : [b, a];
    if (crossScriptSimilarity(p.pform!, l.lform!, 0.85) >= 0.85) return 3;
  }
  if (a.province && a.province === b.province) return 2;
  return 1;
}

/** The best level between any place of one record and any of the other's. */
export function placeLevel(as: PlaceValue[], bs: PlaceValue[]): number {
  if (as.length === 0 || bs.length === 0) return 0;
  let best = 1;
  for (const a of as) for (const b of bs) best = Math.max(best, placePairLevel(a, b));
  return best;
}

// ---------- the specification ----------

function tfOf(prep: Preparer, field: "given" | "family" | "father", a: PreparedPerson, b: PreparedPerson, level: number): number | undefined {
  const n = Math.max(1, prep.count);
  const tf = prep.tf[field];
  if (level === N_SS_EXACT) {
    let f = 1;
    for (const vs of [a[field], b[field]]) for (const v of vs) f = Math.max(f, tf.folded.get(v.tfKey) ?? 1);
    return f / n;
  }
  if (level === N_XS_EXACT) {
    // The chance that a random record has this name in the other script.
    let f = 1;
    for (const vs of [a[field], b[field]]) for (const v of vs) f = Math.max(f, tf.skeleton.get(v.tfOtherScriptKey) ?? 1);
    return f / n;
  }
  return undefined;
}

/** The comparisons for victim-list records (see docs/linkage.md for the levels). */
export function personComparisons(prep: Preparer): Comparison<PreparedPerson>[] {
  return [
    { name: "given name", levels: NAME_LEVELS, compare: (a, b) => nameFieldLevel(a, b, "given"), termFrequency: (a, b, l) => tfOf(prep, "given", a, b, l) },
    { name: "family name", levels: NAME_LEVELS, compare: (a, b) => nameFieldLevel(a, b, "family"), termFrequency: (a, b, l) => tfOf(prep, "family", a, b, l) },
    { name: "father's name", levels: NAME_LEVELS, compare: (a, b) => bestNameLevel(a.father, b.father), termFrequency: (a, b, l) => tfOf(prep, "father", a, b, l) },
    { name: "birth", levels: DATE_LEVELS, compare: (a, b) => dateLevel(a.birth, b.birth) },
    { name: "death", levels: DATE_LEVELS, compare: (a, b) => dateLevel(a.death, b.death) },
    { name: "sex", levels: ["missing", "different", "same"], compare: (a, b) => (a.sex === 0 || b.sex === 0 ? 0 : a.sex === b.sex ? 2 : 1) },
    { name: "birth place", levels: PLACE_LEVELS, compare: (a, b) => placeLevel(a.birthPlace, b.birthPlace) },
    { name: "residence", levels: PLACE_LEVELS, compare: (a, b) => placeLevel(a.residence, b.residence) },
    { name: "place of death", levels: PLACE_LEVELS, compare: (a, b) => placeLevel(a.placeOfDeath, b.placeOfDeath) },
    { name: "affiliation", levels: PLACE_LEVELS, compare: (a, b) => placeLevel(a.affiliation, b.affiliation) },
  ];
}

/** Given-name keys: the first word (Mohammad of Mohammad Reza) and, for several words, the whole (فتح الله = Fathollah). */
const firstSkeletons = (vs: NameValue[]): string[] => [...new Set(vs.flatMap((v) => (v.wordSkeletons.length > 1 ? [v.wordSkeletons[0]!, v.skeleton] : [v.skeleton])).filter(Boolean))];
const skeletons = (vs: NameValue[]): string[] => [...new Set(vs.map((v) => v.skeleton).filter(Boolean))];

const placeKeys = (vs: PlaceValue[]): string[] => [...new Set(vs.map((v) => v.placeId ?? v.key))];

function years(d: DateValue | undefined): number[] {
  if (!d) return [];
  const y0 = civilFromDays(d.lo).y;
  const y1 = civilFromDays(d.hi).y;
  if (y1 - y0 > 2) return [];
  const out: number[] = [];
  for (let y = y0; y <= y1; y++) out.push(y);
  return out;
}

const cross = (xs: readonly string[], ys: readonly (string | number)[], sep = "|"): string[] => xs.flatMap((x) => ys.map((y) => `${x}${sep}${y}`));

/**
 * Blocking keys: names by their cross-script skeleton (so Persian and Latin
 * spellings share blocks), with birth years, fathers' names and exact birth
 * days, so that an error in any one field still leaves a shared key.
 */
export function personBlocking(): BlockingRule<PreparedPerson>[] {
  const birthYears = (r: PreparedPerson): string[] => years(r.birth).map(String);
  const fathers = (r: PreparedPerson): string[] => firstSkeletons(r.father);
  const deathMonth = (r: PreparedPerson): string[] => (r.death && r.death.hi - r.death.lo <= 31 ? [String(Math.floor(r.death.lo / 30))] : []);
  const familyInitials = (r: PreparedPerson): string[] => [...new Set(skeletons(r.family).map((f) => f[0]!))];
  const givenInitials = (r: PreparedPerson): string[] => [...new Set(firstSkeletons(r.given).map((f) => f[0]!))];
  return [
    {
      name: "family + given",
      keys: (r) => {
        const out: string[] = [];
        for (const f of skeletons(r.family)) for (const g of firstSkeletons(r.given)) out.push(f < g ? `${f}|${g}` : `${g}|${f}`);
        return out;
      },
      refine: [birthYears, fathers, deathMonth],
    },
    { name: "family + birth year", keys: (r) => cross(skeletons(r.family), years(r.birth)), refine: [fathers] },
    { name: "given + birth year", keys: (r) => cross(firstSkeletons(r.given), years(r.birth)), refine: [familyInitials, fathers] },
    { name: "given + father", keys: (r) => cross(firstSkeletons(r.given), firstSkeletons(r.father)), refine: [familyInitials, birthYears] },
    { name: "family + father", keys: (r) => cross(skeletons(r.family), firstSkeletons(r.father)), refine: [birthYears] },
    {
      name: "name beginnings",
      keys: (r) => {
        const out: string[] = [];
        for (const f of skeletons(r.family)) for (const g of firstSkeletons(r.given)) {
          const [x, y] = [f.slice(0, 2), g.slice(0, 2)];
          out.push(x < y ? `${x}|${y}` : `${y}|${x}`);
        }
        return out;
      },
      refine: [birthYears, fathers],
    },
    { name: "family name", keys: (r) => skeletons(r.family), refine: [givenInitials, birthYears, fathers] },
    { name: "birth day", keys: (r) => (r.birth?.day ? [r.birth.day] : []), refine: [familyInitials] },
    { name: "residence + family initial", keys: (r) => cross(placeKeys(r.residence), skeletons(r.family).map((g) => g[0]!)), refine: [birthYears] },
    { name: "residence + given initial", keys: (r) => cross(placeKeys(r.residence), firstSkeletons(r.given).map((g) => g[0]!)), refine: [birthYears] },
  ];
}

/** The whole specification for victim lists, with the preparer whose counts its term frequencies use. */
export function personSpec(prep: Preparer): LinkSpec<PreparedPerson> {
  return { comparisons: personComparisons(prep), blocking: personBlocking() };
}
