import { daysToIso, isoToDays, parseDate, type FuzzyDate } from "../core/dates.ts";
import { toAsciiDigits } from "../core/digits.ts";
import { loadLexicon, matchStart, type Lexicon } from "./lexicon.ts";
import { normaliseMapped, originalSpan } from "./normalise.ts";
import { analyse } from "./analysis.ts";
import type { Field } from "./detect.ts";

export type EntityType = "person" | "date" | "place" | "prison" | "charge" | "count";

/** Something named in an item, with its place in the text as written. */
export interface Entity {
  type: EntityType;
  field: Field;
  /** UTF-16 offsets into the field's original text, [start, end). */
  start: number;
  end: number;
  text: string;
  /** Gazetteer id (province, city, prison, charge). */
  id?: string;
  /** Display name from the gazetteer. */
  name?: string;
  /** For places: "province" or "city". */
  placeKind?: "province" | "city";
  /** Province id of a place or prison. */
  province?: string;
  /** City id of a prison. */
  city?: string;
  /** For prisons: reports name it as a place of executions. */
  executions?: boolean;
  date?: FuzzyDate;
  count?: { value: number; qualifier: "exact" | "at-least" | "at-most" | "about" | "more-than" | "several"; noun: string };
  /** How it was found, for the reasons shown to staff. */
  via: string;
}

export interface ExtractionInput {
  title?: string;
  text: string;
  /** ISO date the item was published: anchors "today" and "yesterday". */
  published?: string;
}

// ---------- dates ----------

const D = "[0-9\u06f0-\u06f9\u0660-\u0669]";
const EN_MONTH = "(?:January|February|March|April|May|June|July|August|September|October|November|December|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)\\.?";
const FA_MONTH = "(?:فروردین|اردیبهشت|خرداد|تیر|امرداد|مرداد|شهریور|مهر|آبان|آذر|دی|بهمن|اسفند|ژانویه|فوریه|مارس|آوریل|مه|ژوئن|ژوئیه|اوت|سپتامبر|اکتبر|نوامبر|دسامبر)";
const LATIN_JALALI_MONTH = "(?:Farvardin|Ordibehesht|Khordad|Tir|Mordad|Shahrivar|Mehr|Aban|Azar|Dey|Bahman|Esfand)";
const SEASON = "(?:spring|summer|autumn|fall|winter|Spring|Summer|Autumn|Fall|Winter|بهار|تابستان|پاییز|پائیز|زمستان)";
const MONTH = `(?:${EN_MONTH}|${FA_MONTH}|${LATIN_JALALI_MONTH})`;
const YEAR_MARK = "(?:\\s*(?:ه\\.?\\s?ش\\.?|هـ\\.?\\s?ش\\.?|خورشیدی|شمسی|میلادی|AP|SH))?";
const NB = "(?<![0-9\u06f0-\u06f9\u0660-\u0669\\p{L}])";
const NA = "(?![0-9\u06f0-\u06f9\u0660-\u0669\\p{L}])";

const DATE_PATTERNS: { re: RegExp; via: string }[] = [
  { re: new RegExp(`${NB}${D}{4}[/.-]${D}{1,2}[/.-]${D}{1,2}${NA}`, "gu"), via: "numeric date" },
  { re: new RegExp(`${NB}${D}{1,2}[/.-]${D}{1,2}[/.-]${D}{4}${NA}`, "gu"), via: "numeric date" },
  { re: new RegExp(`${NB}${D}{1,2}(?:st|nd|rd|th)?\\s+(?:of\\s+)?${MONTH}(?:\\s+ماه)?,?\\s+(?:سال\\s+)?${D}{4}${YEAR_MARK}${NA}`, "gu"), via: "day month year" },
  { re: new RegExp(`${NB}${EN_MONTH}\\s+${D}{1,2}(?:st|nd|rd|th)?,?\\s+${D}{4}${NA}`, "gu"), via: "month day, year" },
  { re: new RegExp(`${NB}${MONTH}(?:\\s+ماه)?(?:\\s+سال)?\\s+${D}{4}${YEAR_MARK}${NA}`, "gu"), via: "month year" },
  { re: new RegExp(`${NB}${SEASON}(?:\\s+of)?(?:\\s+سال)?\\s+${D}{4}${YEAR_MARK}${NA}`, "gu"), via: "season year" },
  { re: new RegExp(`(?<=(?:\\b(?:in|since|during|until|of|year|early|late|mid)\\s+|(?:سال|در|از|تا)\\s+))${D}{4}${YEAR_MARK}${NA}`, "gu"), via: "year" },
].map(({ re, via }) => ({ re: new RegExp(re.source, "giu"), via }));
// "سال ۶۷", "تابستان ۶۷": two-digit Jalali years of the 1300s as Iranians write them.
const SHORT_JALALI = new RegExp(`(?<=(?:سال|تابستان|بهار|پاییز|زمستان|دهه)\\s+)(${D}{2})${NA}(?!\\s*(?:سال|نفر|تن|زندانی|درصد|روز|ماه))`, "gu");
const RELATIVE = /(?<![\p{L}])(today|yesterday|this morning|last night|امروز|دیروز|بامداد امروز|سحرگاه امروز|صبح امروز|شب گذشته|دیشب)(?![\p{L}])/giu;

function cleanDateText(s: string): string {
  return s
    .replace(/(\d)(?:st|nd|rd|th)\b/g, "$1")
    .replace(/\bof\s+/g, "")
    .replace(/\s+ماه/g, "")
    .replace(/\s+سال\s+/g, " ")
    .replace(/,/g, " ")
    .replace(/\s+/g, " ")
    .replace(/\.$/, "")
    .trim();
}

function findDates(field: Field, text: string, published: string | undefined, out: Entity[]): void {
  const found: Entity[] = [];
  for (const { re, via } of DATE_PATTERNS) {
    re.lastIndex = 0;
    let m: RegExpExecArray | null;
    while ((m = re.exec(text))) {
      let date: FuzzyDate;
      try {
        const cleaned = cleanDateText(toAsciiDigits(m[0]));
        date = parseDate(/^[a-z]/i.test(cleaned) ? cleaned.replace(/^(\w+)\. /, "$1 ") : cleaned);
      } catch {
        continue; // a number that only looks like a date ("1500 executions" is not a year here)
      }
      if (date.precision === "unknown") continue;
      found.push({ type: "date", field, start: m.index, end: m.index + m[0].length, text: m[0], date: { ...date, text: m[0] }, via });
    }
  }
  SHORT_JALALI.lastIndex = 0;
  let m: RegExpExecArray | null;
  while ((m = SHORT_JALALI.exec(text))) {
    const yy = Number(toAsciiDigits(m[1]!));
    try {
      const date = parseDate(`13${String(yy).padStart(2, "0")}`, { calendar: "jalali" });
      found.push({ type: "date", field, start: m.index, end: m.index + m[0].length, text: m[0], date: { ...date, text: m[0] }, via: "two-digit Jalali year" });
    } catch {
      /* not a year */
    }
  }
  if (published && /^\d{4}-\d{2}-\d{2}/.test(published)) {
    const day = published.slice(0, 10);
    RELATIVE.lastIndex = 0;
    while ((m = RELATIVE.exec(text))) {
      const w = m[1]!.toLowerCase();
      const back = /yesterday|last night|دیروز|شب گذشته|دیشب/.test(w) ? 1 : 0;
      const iso = daysToIso(isoToDays(day) - back);
      found.push({ type: "date", field, start: m.index, end: m.index + m[0].length, text: m[0], date: { text: m[0], calendar: "gregorian", precision: "day", value: iso, earliest: iso, latest: iso }, via: "relative to the publication date" });
    }
  }
  // Longest match wins where candidates overlap ("12 August 1988" over "August 1988").
  found.sort((a, b) => b.end - b.start - (a.end - a.start) || a.start - b.start);
  for (const e of found) if (!found.some((o) => o !== e && out.includes(o) && o.start < e.end && e.start < o.end)) out.push(e);
}

// ---------- gazetteers, counts, names ----------

const FA_STOP = new Set(
  "و در به از که را با این آن برای تا یا اما هم نیز بود شد است هست بر پس پیش روز شب صبح سحرگاه بامداد زندانی زندان سیاسی فعال اعدام حکم دادگاه گفت گزارش سال ماه ساله اهل متهم اتهام همسر پدر مادر برادر خواهر فرزند خانواده وکیل زیادی بسیار دیگر دیگری چند یک دو سه چهار پنج کرد کردند شدند".split(" "),
);
const EN_NAME_STOP = new Set(
  "The A An In On At Of And But For With By From To After Before During Prison Central Court Revolutionary Supreme Province Iran Iranian Islamic Republic Amnesty International Human Rights Watch UN United Nations Monday Tuesday Wednesday Thursday Friday Saturday Sunday January February March April May June July August September October November December Evin Karaj Tehran".split(" "),
);
const FA_FAMILY_SUFFIX = /(?:ی|یان|پور|زاده|نژاد|فر|لو|وند|نیا|خانی|ان)$/;

function findGazetteer(lex: Lexicon, field: Field, text: string, out: Entity[]): void {
  const m = analyse(text).norm;
  if (!m.text) return;
  const local: Entity[] = [];
  for (const g of lex.gazetteer) {
    g.re.lastIndex = 0;
    let x: RegExpExecArray | null;
    while ((x = g.re.exec(m.text))) {
      const [start, end] = originalSpan(m, matchStart(x), x.index + x[0].length);
      const base = { field, start, end, text: text.slice(start, end), id: g.id, name: g.name };
      if (g.kind === "prison") local.push({ ...base, type: "prison", province: g.province!, city: g.city!, executions: g.executions ?? false, via: "prison gazetteer" });
      else if (g.kind === "charge") local.push({ ...base, type: "charge", via: "charge gazetteer" });
      else local.push({ ...base, type: "place", placeKind: g.kind, ...(g.province ? { province: g.province } : { province: g.id }), via: `${g.kind} gazetteer` });
    }
  }
  // A city inside a prison's name ("Urmia Central Prison") is carried by the prison; a city
  // and a province with the same name and span are one place, the city (it knows its province).
  local.sort((a, b) => b.end - b.start - (a.end - a.start) || (a.type === "prison" ? -1 : 1));
  const kept: Entity[] = [];
  for (const e of local) {
    const clash = kept.find((k) => k.start <= e.start && e.end <= k.end);
    if (clash && (clash.type === "prison" || clash.type === e.type)) continue;
    kept.push(e);
  }
  out.push(...kept);

  // Counts: "14 prisoners", "۱۴ زندانی", "at least 20 people".
  lex.countPattern.lastIndex = 0;
  let c: RegExpExecArray | null;
  while ((c = lex.countPattern.exec(m.text))) {
    const [start, end] = originalSpan(m, matchStart(c), c.index + c[0].length);
    const q = c[1] ?? "";
    const numberText = c[2]!;
    const nounText = c[3]!;
    let value = Number(numberText.replace(/,/g, ""));
    let qualifier: NonNullable<Entity["count"]>["qualifier"] = "exact";
    if (Number.isNaN(value)) {
      const word = lex.numberWords.get(numberText);
      if (word !== undefined) value = word;
      else {
        // "dozens of", "hundreds of", "several": a lower bound, not a number.
        value = /hundreds|صدها/.test(numberText) ? 200 : /dozens|دهها/.test(numberText) ? 24 : 2;
        qualifier = "several";
      }
    }
    if (/at least|دست ?کم|حداقل/.test(q)) qualifier = "at-least";
    else if (/at most|حداکثر|کمتر از/.test(q)) qualifier = "at-most";
    else if (/about|around|nearly|almost|some|حدود|نزدیک به|قریب به/.test(q)) qualifier = "about";
    else if (/more than|over|بیش از/.test(q)) qualifier = "more-than";
    const noun = lex.countNouns.find((n) => n.re.test(nounText))?.id ?? "person";
    out.push({ type: "count", field, start, end, text: text.slice(start, end), count: { value, qualifier, noun }, via: "number before a counted noun" });
  }

  // People: a known given name and the name words that follow it.
  lex.givenNames.lastIndex = 0;
  let g: RegExpExecArray | null;
  const taken: [number, number][] = [];
  while ((g = lex.givenNames.exec(m.text))) {
    const [gStart, gEnd] = originalSpan(m, matchStart(g), g.index + g[0].length);
    if (taken.some(([a, b]) => gStart < b && a < gEnd)) continue;
    const original = text.slice(gStart, gEnd);
    const latin = /[a-z]/i.test(original);
    if (latin && !/^[A-Z]/.test(original)) continue; // "ali" in running English text is not a name
    const rest = text.slice(gEnd);
    let words: string[];
    if (latin) {
      const mm = /^(?:[ \t]+(?:[A-Z][a-zA-Z'’-]+|(?:al|el|ol|od|de|da|bin|ibn|ben|van|von)(?=[ \t]+[A-Z]))){1,3}/.exec(rest);
      words = mm ? mm[0].trim().split(/[ \t]+/) : [];
      while (words.length && EN_NAME_STOP.has(words[words.length - 1]!)) words.pop();
      if (words.length && EN_NAME_STOP.has(words[0]!)) words = [];
    } else {
      // Letters of the Arabic script only: a comma (،) or Persian digits after a name end it ("رضایی، ۳۴ ساله").
      const mm = /^(?:[ \u200c]+(?:(?=\p{Script=Arabic})[\p{L}\p{M}]|\u200c)+){1,2}/u.exec(rest);
      words = mm ? mm[0].trim().split(/\s+/) : [];
      const cut = words.findIndex((w) => FA_STOP.has(normaliseMapped(w).text));
      if (cut >= 0) words = words.slice(0, cut);
      // A Persian given name is a common word too (امید, hope): need a family name that looks like one.
      if (words.length && !words.some((w) => FA_FAMILY_SUFFIX.test(normaliseMapped(w).text))) words = [];
    }
    if (words.length === 0) continue;
    const tail = words.join(" ");
    const endOffset = gEnd + rest.indexOf(tail) + tail.length;
    taken.push([gStart, endOffset]);
    out.push({ type: "person", field, start: gStart, end: endOffset, text: text.slice(gStart, endOffset), via: "given name followed by a family name" });
  }
}

/**
 * Finds the people, dates (Jalali and Gregorian), places, prisons, charges and
 * counts an item names, each with its offsets in the title or text.
 */
export function extractEntities(input: ExtractionInput, lexicon: Lexicon = loadLexicon()): Entity[] {
  const out: Entity[] = [];
  const fields: [Field, string][] = input.title ? [["title", input.title], ["text", input.text]] : [["text", input.text]];
  for (const [field, raw] of fields) {
    const text = raw.slice(0, 100_000);
    findDates(field, text, input.published, out);
    findGazetteer(lexicon, field, text, out);
  }
  // Counts that are really years ("in 1988 prisoners") are dropped when a date covers them.
  return out
    .filter((e) => e.type !== "count" || !out.some((d) => d.type === "date" && d.field === e.field && d.start <= e.start && e.start < d.end))
    .sort((a, b) => (a.field === b.field ? a.start - b.start : a.field === "title" ? -1 : 1));
}

