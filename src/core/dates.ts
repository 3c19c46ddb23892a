import * as jalaali from "jalaali-js";
import { VigilError } from "./errors.ts";
import { toAsciiDigits, toPersianDigits } from "./digits.ts";

/**
 * A date as a source wrote it: its text and calendar, a precision, and the
 * Gregorian interval it covers (inclusive ISO dates). Never a timestamp: a
 * day is a day in the calendar, not midnight somewhere.
 */
export type Calendar = "gregorian" | "jalali" | "hijri";
export type Precision = "day" | "month" | "season" | "year" | "approximate" | "range" | "unknown";

export interface FuzzyDate {
  /** As written in the source. */
  text: string;
  calendar: Calendar;
  precision: Precision;
  /** Canonical form in its own calendar: `1367-05-12`, `1367-05`, `1367`, `1367-summer`, `~1960`, `1988-07-01/1988-09-30`. */
  value: string | null;
  /** First Gregorian day it may be (YYYY-MM-DD), inclusive. */
  earliest: string | null;
  /** Last Gregorian day it may be (YYYY-MM-DD), inclusive. */
  latest: string | null;
}

export type DayMonthOrder = "dmy" | "mdy";

export interface ParseOptions {
  /** `auto` reads years below 1500 as Jalali (Iranian sources) and others as Gregorian. */
  calendar?: Calendar | "auto";
  /** Order of day and month in `12/08/1988`; needed when both are 12 or less. */
  dayMonthOrder?: DayMonthOrder;
  /** Years either side of an approximate year (`c. 1960`). */
  approximateYears?: number;
  /** Where the text came from, for error messages. */
  field?: string;
}

// ---------- Gregorian day arithmetic (proleptic, no time zones involved) ----------

/** Days since 1970-01-01 of a Gregorian date (Howard Hinnant's days_from_civil). */
export function daysFromCivil(y: number, m: number, d: number): number {
  const yy = m <= 2 ? y - 1 : y;
  const era = Math.floor(yy / 400);
  const yoe = yy - era * 400;
  const doy = Math.floor((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

export function civilFromDays(z: number): { y: number; m: number; d: number } {
  const zz = z + 719468;
  const era = Math.floor(zz / 146097);
  const doe = zz - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const m = mp + (mp < 10 ? 3 : -9);
  return { y: yoe + era * 400 + (m <= 2 ? 1 : 0), m, d };
}

const pad = (n: number, w = 2): string => String(n).padStart(w, "0");
export const isoDate = (y: number, m: number, d: number): string => `${pad(y, 4)}-${pad(m)}-${pad(d)}`;

export function isoToDays(iso: string): number {
  const [y, m, d] = iso.split("-").map(Number) as [number, number, number];
  return daysFromCivil(y, m, d);
}
export function daysToIso(days: number): string {
  const { y, m, d } = civilFromDays(days);
  return isoDate(y, m, d);
}

export function gregorianMonthLength(y: number, m: number): number {
  return daysFromCivil(m === 12 ? y + 1 : y, m === 12 ? 1 : m + 1, 1) - daysFromCivil(y, m, 1);
}

/** Adds whole years to an ISO date, clamping 29 February. */
export function addYears(iso: string, years: number): string {
  const [y, m, d] = iso.split("-").map(Number) as [number, number, number];
  const ny = y + years;
  return isoDate(ny, m, Math.min(d, gregorianMonthLength(ny, m)));
}

// ---------- Jalali and Hijri conversions ----------

function jalaliToIso(jy: number, jm: number, jd: number): string {
  const g = jalaali.toGregorian(jy, jm, jd);
  return isoDate(g.gy, g.gm, g.gd);
}

function jalaliMonthLength(jy: number, jm: number): number {
  return jalaali.jalaaliMonthLength(jy, jm);
}

/** Tabular (civil) Islamic calendar: adequate for the year and month precision sources give. */
function hijriToDays(y: number, m: number, d: number): number {
  const jd = d + Math.ceil(29.5 * (m - 1)) + (y - 1) * 354 + Math.floor((3 + 11 * y) / 30) + 1948439 - 1;
  return jd - 2440588; // Julian day number of 1970-01-01 is 2440588
}
function hijriMonthLength(y: number, m: number): number {
  if (m < 12) return m % 2 === 1 ? 30 : 29;
  return (11 * y + 14) % 30 < 11 ? 30 : 29;
}

// ---------- vocabulary of month and season names ----------

const EN_MONTHS = ["january", "february", "march", "april", "may", "june", "july", "august", "september", "october", "november", "december"];
const JALALI_MONTHS_FA = ["فروردین", "اردیبهشت", "خرداد", "تیر", "مرداد", "شهریور", "مهر", "آبان", "آذر", "دی", "بهمن", "اسفند"];
const JALALI_MONTHS_LATIN = ["farvardin", "ordibehesht", "khordad", "tir", "mordad", "shahrivar", "mehr", "aban", "azar", "dey", "bahman", "esfand"];
const GREGORIAN_MONTHS_FA = ["ژانویه", "فوریه", "مارس", "آوریل", "مه", "ژوئن", "ژوئیه", "اوت", "سپتامبر", "اکتبر", "نوامبر", "دسامبر"];

export type Season = "spring" | "summer" | "autumn" | "winter";
const SEASONS: Season[] = ["spring", "summer", "autumn", "winter"];
const SEASON_WORDS: Record<string, Season> = {
  spring: "spring",
  summer: "summer",
  autumn: "autumn",
  fall: "autumn",
  winter: "winter",
  بهار: "spring",
  تابستان: "summer",
  پاییز: "autumn",
  پائیز: "autumn",
  زمستان: "winter",
};
const SEASON_FA: Record<Season, string> = { spring: "بهار", summer: "تابستان", autumn: "پاییز", winter: "زمستان" };

function monthIndex(word: string): { calendar: Calendar; month: number } | undefined {
  const w = word.toLowerCase().replace(/\.$/, "");
  let i = JALALI_MONTHS_FA.indexOf(w);
  if (i >= 0) return { calendar: "jalali", month: i + 1 };
  if (w === "امرداد") return { calendar: "jalali", month: 5 };
  i = JALALI_MONTHS_LATIN.indexOf(w);
  if (i >= 0) return { calendar: "jalali", month: i + 1 };
  i = GREGORIAN_MONTHS_FA.indexOf(w);
  if (i >= 0) return { calendar: "gregorian", month: i + 1 };
  if (w.length >= 3) {
    i = EN_MONTHS.findIndex((m) => m.startsWith(w));
    if (i >= 0) return { calendar: "gregorian", month: i + 1 };
  }
  return undefined;
}

// ---------- parsing ----------

function fail(text: string, why: string, field?: string): never {
  throw new VigilError("date_parse", `cannot read date ${JSON.stringify(text)}: ${why}`, field ? { where: { field } } : {});
}

function pickCalendar(year: number, option: ParseOptions["calendar"]): Calendar {
  if (option && option !== "auto") return option;
  return year < 1500 ? "jalali" : "gregorian";
}

function checkYear(text: string, calendar: Calendar, y: number, field?: string): void {
  const ok = calendar === "gregorian" ? y >= 1000 && y <= 2200 : calendar === "jalali" ? y >= 1000 && y <= 1600 : y >= 1000 && y <= 1700;
  if (!ok) fail(text, `year ${y} is out of range for the ${calendar} calendar`, field);
}

function dayDate(text: string, calendar: Calendar, y: number, m: number, d: number, field?: string): FuzzyDate {
  checkYear(text, calendar, y, field);
  if (m < 1 || m > 12) fail(text, `month ${m} does not exist`, field);
  const len = calendar === "gregorian" ? gregorianMonthLength(y, m) : calendar === "jalali" ? jalaliMonthLength(y, m) : hijriMonthLength(y, m);
  if (d < 1 || d > len) fail(text, `day ${d} does not exist in month ${m} of ${y} (${calendar})`, field);
  const iso = calendar === "gregorian" ? isoDate(y, m, d) : calendar === "jalali" ? jalaliToIso(y, m, d) : daysToIso(hijriToDays(y, m, d));
  return { text, calendar, precision: "day", value: `${pad(y, 4)}-${pad(m)}-${pad(d)}`, earliest: iso, latest: iso };
}

function monthDate(text: string, calendar: Calendar, y: number, m: number, field?: string): FuzzyDate {
  checkYear(text, calendar, y, field);
  if (m < 1 || m > 12) fail(text, `month ${m} does not exist`, field);
  let earliest: string;
  let latest: string;
  if (calendar === "gregorian") {
    earliest = isoDate(y, m, 1);
    latest = isoDate(y, m, gregorianMonthLength(y, m));
  } else if (calendar === "jalali") {
    earliest = jalaliToIso(y, m, 1);
    latest = jalaliToIso(y, m, jalaliMonthLength(y, m));
  } else {
    earliest = daysToIso(hijriToDays(y, m, 1));
    latest = daysToIso(hijriToDays(y, m, hijriMonthLength(y, m)));
  }
  return { text, calendar, precision: "month", value: `${pad(y, 4)}-${pad(m)}`, earliest, latest };
}

function yearInterval(calendar: Calendar, y: number): [string, string] {
  if (calendar === "gregorian") return [isoDate(y, 1, 1), isoDate(y, 12, 31)];
  if (calendar === "jalali") return [jalaliToIso(y, 1, 1), jalaliToIso(y, 12, jalaliMonthLength(y, 12))];
  return [daysToIso(hijriToDays(y, 1, 1)), daysToIso(hijriToDays(y, 12, hijriMonthLength(y, 12)))];
}

function yearDate(text: string, calendar: Calendar, y: number, field?: string): FuzzyDate {
  checkYear(text, calendar, y, field);
  const [earliest, latest] = yearInterval(calendar, y);
  return { text, calendar, precision: "year", value: pad(y, 4), earliest, latest };
}

/**
 * Seasons: in the Jalali calendar each season is exactly three months
 * (summer = Tir to Shahrivar). In the Gregorian calendar we take the
 * astronomical seasons of the northern hemisphere, widened to whole days
 * (summer = 21 June to 22 September); winter starts in December of the year named.
 */
function seasonDate(text: string, calendar: Calendar, y: number, season: Season, field?: string): FuzzyDate {
  checkYear(text, calendar, y, field);
  const i = SEASONS.indexOf(season);
  let earliest: string;
  let latest: string;
  if (calendar === "jalali") {
    earliest = jalaliToIso(y, i * 3 + 1, 1);
    latest = jalaliToIso(y, i * 3 + 3, jalaliMonthLength(y, i * 3 + 3));
  } else if (calendar === "gregorian") {
    const starts: [number, number][] = [[3, 20], [6, 21], [9, 22], [12, 21]];
    const ends: [number, number, number][] = [[0, 6, 21], [0, 9, 22], [0, 12, 21], [1, 3, 20]];
    const [sm, sd] = starts[i]!;
    const [dy, em, ed] = ends[i]!;
    earliest = isoDate(y, sm, sd);
    latest = isoDate(y + dy, em, ed);
  } else {
    fail(text, "seasons are not used with the Hijri calendar", field);
  }
  return { text, calendar, precision: "season", value: `${pad(y, 4)}-${season}`, earliest, latest };
}

function approximateDate(text: string, calendar: Calendar, y: number, spread: number, field?: string): FuzzyDate {
  checkYear(text, calendar, y, field);
  const earliest = yearInterval(calendar, y - spread)[0];
  const latest = yearInterval(calendar, y + spread)[1];
  return { text, calendar, precision: "approximate", value: `~${pad(y, 4)}`, earliest, latest };
}

/** Persian and Latin words for "unknown" that sources use in date columns. */
const UNKNOWN_WORDS = new Set(["", "unknown", "n/a", "na", "?", "-", "نامعلوم", "نامشخص", "مشخص نیست", "؟"]);
const APPROX_RE = /^(?:c\.?|ca\.?|circa|about|around|approx\.?|approximately|~|حدود|حدودا|حدوداً|در حدود|تقریبا|تقریباً)\s*(\d{4})(?:\s*(?:ad|ce|ش|ه\.?ش\.?|هـ\.?ش\.?))?$/i;
const RANGE_SEPARATORS = /\s*(?:–|—|\.\.)\s*|\s+(?:-|to|تا)\s+|(?<=\d{4}-\d{2}(?:-\d{2})?)\/(?=\d{4}-)/i;

/**
 * Reads a date as sources write it, in Persian or English, in the Jalali,
 * Gregorian or Hijri calendar, to the precision it was given. Throws a
 * `date_parse` error that quotes the text and says why.
 */
export function parseDate(input: string, options: ParseOptions = {}): FuzzyDate {
  const text = input.trim();
  const field = options.field;
  const s = toAsciiDigits(text)
    .replace(/[\u200c\u200f\u200e]/g, " ")
    .replace(/\s+/g, " ")
    .trim();
  const lower = s.toLowerCase();
  if (UNKNOWN_WORDS.has(lower)) return { text, calendar: "gregorian", precision: "unknown", value: null, earliest: null, latest: null };

  // Explicit calendar marks: "1367 ش" / "1367 AP" (Jalali), "1409 AH" / "1409 ق" (Hijri), "1988 AD".
  let explicit: Calendar | undefined;
  let body = lower;
  const mark = /\s*(?:\b(ap|sh|ah|ad|ce)\b|(ه\.?\s?ش\.?|هـ\.?\s?ش\.?|ش\.?|ه\.?\s?ق\.?|هـ\.?\s?ق\.?|ق\.?|م\.?|میلادی|شمسی|خورشیدی|قمری))\s*$/i.exec(body);
  if (mark) {
    const m = (mark[1] ?? mark[2] ?? "").replace(/[\s.]/g, "");
    explicit = ["ap", "sh", "هش", "هـش", "ش", "شمسی", "خورشیدی"].includes(m) ? "jalali" : ["ah", "هق", "هـق", "ق", "قمری"].includes(m) ? "hijri" : "gregorian";
    body = body.slice(0, mark.index).trim();
  }
  const calendarFor = (y: number): Calendar => explicit ?? pickCalendar(y, options.calendar);

  // Ranges: two dates joined by a dash with spaces, an en dash, "to", "تا", or an ISO interval slash.
  const parts = body.split(RANGE_SEPARATORS);
  if (parts.length === 2 && parts[0] && parts[1]) {
    const sub = { ...options, ...(explicit ? { calendar: explicit } : {}) };
    const a = parseDate(parts[0], sub);
    const b = parseDate(parts[1], sub);
    if (!a.earliest || !b.latest) fail(text, "a range needs two known ends", field);
    if (a.earliest > b.latest) fail(text, "the range ends before it starts", field);
    return { text, calendar: a.calendar, precision: "range", value: `${a.value ?? ""}/${b.value ?? ""}`, earliest: a.earliest, latest: b.latest };
  }

  let m: RegExpExecArray | null;
  if ((m = /^(\d{4})[/.-](\d{1,2})[/.-](\d{1,2})$/.exec(body))) {
    const y = Number(m[1]);
    return dayDate(text, calendarFor(y), y, Number(m[2]), Number(m[3]), field);
  }
  if ((m = /^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$/.exec(body))) {
    const a = Number(m[1]);
    const b = Number(m[2]);
    const y = Number(m[3]);
    let order = options.dayMonthOrder;
    if (!order) {
      if (a > 12 && b <= 12) order = "dmy";
      else if (b > 12 && a <= 12) order = "mdy";
      else fail(text, "day and month are ambiguous: declare the order (dmy or mdy)", field);
    }
    const [d, mo] = order === "dmy" ? [a, b] : [b, a];
    return dayDate(text, calendarFor(y), y, mo, d, field);
  }
  if ((m = /^(\d{4})[/.-](\d{1,2})$/.exec(body))) {
    const y = Number(m[1]);
    return monthDate(text, calendarFor(y), y, Number(m[2]), field);
  }
  if ((m = /^(\d{4})$/.exec(body))) {
    const y = Number(m[1]);
    return yearDate(text, calendarFor(y), y, field);
  }
  if ((m = APPROX_RE.exec(body))) {
    const y = Number(m[1]);
    return approximateDate(text, calendarFor(y), y, options.approximateYears ?? 2, field);
  }
  // "summer 1988", "تابستان ۱۳۶۷", "summer of 1988"
  if ((m = /^(\S+)\s+(?:of\s+)?(\d{4})$/.exec(body))) {
    const season = SEASON_WORDS[m[1]!];
    const y = Number(m[2]);
    if (season) {
      const persianWord = /[\u0600-\u06ff]/.test(m[1]!);
      const calendar = explicit ?? (persianWord && y < 1500 ? "jalali" : calendarFor(y));
      return seasonDate(text, calendar, y, season, field);
    }
    const month = monthIndex(m[1]!);
    if (month) return monthDate(text, explicit ?? month.calendar, y, month.month, field);
  }
  // "12 August 1988", "۱۲ مرداد ۱۳۶۷", "August 12, 1988"
  if ((m = /^(\d{1,2})\s+(\S+)\s+(\d{4})$/.exec(body))) {
    const month = monthIndex(m[2]!);
    if (month) return dayDate(text, explicit ?? month.calendar, Number(m[3]), month.month, Number(m[1]), field);
  }
  if ((m = /^(\S+)\s+(\d{1,2}),?\s+(\d{4})$/.exec(body))) {
    const month = monthIndex(m[1]!);
    if (month) return dayDate(text, explicit ?? month.calendar, Number(m[3]), month.month, Number(m[2]), field);
  }
  fail(text, "not a date form Vigil reads (examples: 1367/05/12, 1988-08, summer 1988, c. 1960)", field);
}

/** Like parseDate, but returns undefined for empty or unknown text. */
export function parseOptionalDate(input: string | null | undefined, options: ParseOptions = {}): FuzzyDate | undefined {
  if (input === null || input === undefined) return undefined;
  const d = parseDate(input, options);
  return d.precision === "unknown" ? undefined : d;
}

/**
 * The interval in which someone was born, given their age at an event:
 * aged A on a day D means born after D minus A+1 years and on or before D minus A years.
 */
export function birthFromAge(age: number, at: FuzzyDate, text?: string): FuzzyDate {
  if (!Number.isInteger(age) || age < 0 || age > 130) throw new VigilError("validation", `age ${age} is not a plausible age`, { where: { field: "age" } });
  if (!at.earliest || !at.latest) throw new VigilError("validation", "an age needs the date of the event it was given at", { where: { field: "age" } });
  const earliest = daysToIso(isoToDays(addYears(at.earliest, -(age + 1))) + 1);
  const latest = addYears(at.latest, -age);
  return { text: text ?? `age ${age} at ${at.text}`, calendar: "gregorian", precision: "range", value: `${earliest}/${latest}`, earliest, latest };
}

/** A date covering exactly one Gregorian day. */
export function dayOf(iso: string, text: string = iso): FuzzyDate {
  return { text, calendar: "gregorian", precision: "day", value: iso, earliest: iso, latest: iso };
}

/** Do two dates possibly denote the same day? Unknown dates overlap anything. */
export function mayOverlap(a: FuzzyDate | undefined, b: FuzzyDate | undefined): boolean {
  if (!a?.earliest || !a.latest || !b?.earliest || !b.latest) return true;
  return a.earliest <= b.latest && b.earliest <= a.latest;
}

/** Days between two intervals (0 when they overlap). */
export function gapInDays(a: FuzzyDate, b: FuzzyDate): number | undefined {
  if (!a.earliest || !a.latest || !b.earliest || !b.latest) return undefined;
  if (a.latest < b.earliest) return isoToDays(b.earliest) - isoToDays(a.latest);
  if (b.latest < a.earliest) return isoToDays(a.earliest) - isoToDays(b.latest);
  return 0;
}

/** Checks a FuzzyDate that arrives from outside (API, import) for internal consistency. */
export function validateFuzzyDate(d: FuzzyDate, field = "date"): FuzzyDate {
  const iso = /^\d{4}-\d{2}-\d{2}$/;
  const bad = (why: string): never => {
    throw new VigilError("validation", `${field}: ${why}`, { where: { field } });
  };
  if (typeof d.text !== "string") bad("text must be a string");
  if (!["gregorian", "jalali", "hijri"].includes(d.calendar)) bad(`unknown calendar ${String(d.calendar)}`);
  if (!["day", "month", "season", "year", "approximate", "range", "unknown"].includes(d.precision)) bad(`unknown precision ${String(d.precision)}`);
  if (d.precision === "unknown") return { ...d, value: null, earliest: null, latest: null };
  if (!d.earliest || !iso.test(d.earliest) || !d.latest || !iso.test(d.latest)) bad("earliest and latest must be YYYY-MM-DD");
  if (d.earliest! > d.latest!) bad("earliest is after latest");
  return d;
}

// ---------- display ----------

export interface FormatOptions {
  lang: "fa" | "en";
  /** Defaults to Jalali in Persian, Gregorian in English. */
  calendar?: "jalali" | "gregorian";
}

function utcDate(iso: string): Date {
  const [y, m, d] = iso.split("-").map(Number) as [number, number, number];
  return new Date(Date.UTC(y, m - 1, d, 12));
}

const formatters = new Map<string, Intl.DateTimeFormat>();
function formatter(lang: "fa" | "en", calendar: "jalali" | "gregorian", opts: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  const key = `${lang}|${calendar}|${JSON.stringify(opts)}`;
  let f = formatters.get(key);
  if (!f) {
    const locale = lang === "fa" ? (calendar === "jalali" ? "fa-IR-u-ca-persian-nu-arabext" : "fa-IR-u-ca-gregory-nu-arabext") : calendar === "jalali" ? "en-GB-u-ca-persian" : "en-GB";
    f = new Intl.DateTimeFormat(locale, { timeZone: "UTC", ...opts });
    formatters.set(key, f);
  }
  return f;
}

/** "مرداد ۱۳۶۷" / "August 1988": month then year in both languages. */
function monthYear(iso: string, lang: "fa" | "en", cal: "jalali" | "gregorian"): string {
  const month = formatter(lang, cal, { month: "long" }).format(utcDate(iso));
  const year = cal === "jalali" ? jalaliYearOf(iso) : Number(iso.slice(0, 4));
  return `${month} ${num(year, lang)}`;
}

function jalaliYearOf(iso: string): number {
  const [y, m, d] = iso.split("-").map(Number) as [number, number, number];
  return jalaali.toJalaali(y, m, d).jy;
}

function num(n: number, lang: "fa" | "en"): string {
  return lang === "fa" ? toPersianDigits(String(n)) : String(n);
}

function yearSpan(a: number, b: number, lang: "fa" | "en"): string {
  return a === b ? num(a, lang) : `${num(a, lang)}–${num(b, lang)}`;
}

/** A date for a reader, in their language and calendar, at the precision the source gave. */
export function formatDate(d: FuzzyDate | null | undefined, opts: FormatOptions): string {
  const lang = opts.lang;
  const cal = opts.calendar ?? (lang === "fa" ? "jalali" : "gregorian");
  if (!d || d.precision === "unknown" || !d.earliest || !d.latest) return lang === "fa" ? "نامعلوم" : "unknown";
  const sameCalendar = (d.calendar === "jalali" && cal === "jalali") || (d.calendar === "gregorian" && cal === "gregorian");
  switch (d.precision) {
    case "day":
      return formatter(lang, cal, { day: "numeric", month: "long", year: "numeric" }).format(utcDate(d.earliest)).replace(/ (AP|ه‍\.ش\.)$/, "");
    case "month": {
      const a = monthYear(d.earliest, lang, cal);
      const b = monthYear(d.latest, lang, cal);
      return a === b ? a : `${a} – ${b}`;
    }
    case "season": {
      const season = (d.value ?? "").split("-")[1] as Season | undefined;
      if (sameCalendar && season) {
        const y = Number((d.value ?? "").split("-")[0]);
        return lang === "fa" ? `${SEASON_FA[season]} ${num(y, lang)}` : `${season} ${y}`;
      }
      return `${monthYear(d.earliest, lang, cal)} – ${monthYear(d.latest, lang, cal)}`;
    }
    case "year": {
      if (sameCalendar) return num(Number(d.value), lang);
      if (cal === "jalali") return yearSpan(jalaliYearOf(d.earliest), jalaliYearOf(d.latest), lang);
      return yearSpan(Number(d.earliest.slice(0, 4)), Number(d.latest.slice(0, 4)), lang);
    }
    case "approximate": {
      const mid = Number((d.value ?? "").replace("~", ""));
      const y = sameCalendar ? mid : cal === "jalali" ? Math.round((jalaliYearOf(d.earliest) + jalaliYearOf(d.latest)) / 2) : Math.round((Number(d.earliest.slice(0, 4)) + Number(d.latest.slice(0, 4))) / 2);
      return lang === "fa" ? `حدود ${num(y, lang)}` : `c. ${y}`;
    }
    case "range": {
      const f = formatter(lang, cal, { day: "numeric", month: "long", year: "numeric" });
      return `${f.format(utcDate(d.earliest)).replace(/ (AP|ه‍\.ش\.)$/, "")} – ${f.format(utcDate(d.latest)).replace(/ (AP|ه‍\.ش\.)$/, "")}`;
    }
  }
}
