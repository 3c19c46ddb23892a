import { IntlMessageFormat } from "intl-messageformat";
import { formatDate, type FuzzyDate } from "../core/dates.ts";
import { toPersianDigits } from "../core/digits.ts";

/**
 * Languages of the web interface. The language is in the path (/fa/…, /en/…),
 * never guessed from headers: Tor Browser makes headers uniform.
 */
export const LANGS = ["fa", "en"] as const;
export type Lang = (typeof LANGS)[number];
export const isLang = (s: string): s is Lang => (LANGS as readonly string[]).includes(s);
export const dirOf = (lang: Lang): "rtl" | "ltr" => (lang === "fa" ? "rtl" : "ltr");

/** A capability's messages: the same keys in both languages (a test checks it), in ICU MessageFormat. Write numbers as `{n, number}` (a bare `{n}` is not localised). */
export type Catalogue = { en: Record<string, string>; fa: Record<string, string> };

const catalogues: Catalogue[] = [];
const compiled = new Map<string, IntlMessageFormat>();
/** Messages asked for without values or with numbers only, formatted once: most of a page's words. */
const formatted = new Map<string, string>();
const FORMATTED_KEPT = 20_000;

/** Adds a capability's catalogue. Keys should be prefixed by the capability (`memorial.home.title`). */
export function registerCatalogue(c: Catalogue): void {
  catalogues.push(c);
  compiled.clear();
  formatted.clear();
}

export function allCatalogues(): readonly Catalogue[] {
  return catalogues;
}

function lookup(lang: Lang, key: string): string | undefined {
  for (let i = catalogues.length - 1; i >= 0; i--) {
    const m = catalogues[i]![lang][key];
    if (m !== undefined) return m;
  }
  return undefined;
}

export type MessageValues = Record<string, string | number | Date | null | undefined>;

/** A message in a language; a missing key shows the key itself, so it is noticed. */
export function t(lang: Lang, key: string, values?: MessageValues): string {
  const cacheKey = `${lang}|${key}`;
  const memoKey = memoKeyOf(cacheKey, values);
  if (memoKey !== undefined) {
    const done = formatted.get(memoKey);
    if (done !== undefined) return done;
  }
  let f = compiled.get(cacheKey);
  if (!f) {
    const source = lookup(lang, key);
    if (source === undefined) return key;
    f = new IntlMessageFormat(source, lang === "fa" ? "fa-IR" : "en-GB");
    compiled.set(cacheKey, f);
  }
  const out = String(f.format(values));
  if (memoKey !== undefined) {
    if (formatted.size >= FORMATTED_KEPT) formatted.clear();
    formatted.set(memoKey, out);
  }
  return out;
}

/** A key for a message whose values are all numbers (counts, references), or none; undefined for others, which are not kept. */
function memoKeyOf(cacheKey: string, values: MessageValues | undefined): string | undefined {
  if (values === undefined) return cacheKey;
  let key = cacheKey;
  for (const name in values) {
    const v = values[name];
    if (typeof v !== "number") return undefined;
    key += `|${name}=${v}`;
  }
  return key;
}

/** Translator bound to a language, for components. */
export type T = (key: string, values?: MessageValues) => string;
export const translator = (lang: Lang): T => (key, values) => t(lang, key, values);

/** A number in the reader's digits. */
const numberFormats = new Map<Lang, Intl.NumberFormat>();
export function num(lang: Lang, n: number): string {
  let f = numberFormats.get(lang);
  if (!f) numberFormats.set(lang, (f = new Intl.NumberFormat(lang === "fa" ? "fa-IR" : "en-GB")));
  return f.format(n);
}

/** Digits in text (ids, years) as the reader writes them. */
export function digits(lang: Lang, s: string): string {
  return lang === "fa" ? toPersianDigits(s) : s;
}

/** A fuzzy date for the reader: Jalali with Persian digits in fa, Gregorian in en. */
export function date(lang: Lang, d: FuzzyDate | null | undefined, calendar?: "jalali" | "gregorian"): string {
  return formatDate(d, { lang, ...(calendar ? { calendar } : {}) });
}

/** Both calendars where that helps a reader (Persian first in fa). */
export function dateBoth(lang: Lang, d: FuzzyDate | null | undefined): string {
  if (!d?.earliest) return date(lang, d);
  const primary = date(lang, d);
  const other = date(lang, d, lang === "fa" ? "gregorian" : "jalali");
  return primary === other ? primary : `${primary} (${other})`;
}
