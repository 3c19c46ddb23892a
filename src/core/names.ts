import { toAsciiDigits } from "./digits.ts";

/**
 * Names are stored exactly as written. Everything here derives forms for
 * matching and search; nothing here is ever stored in place of the original.
 */
export type Script = "persian" | "latin" | "arabic" | "other";
export type NameKind = "full" | "given" | "family" | "father" | "alias" | "birth" | "nickname";
export const NAME_KINDS: readonly NameKind[] = ["full", "given", "family", "father", "alias", "birth", "nickname"];

const PERSIAN_ONLY = /[پچژگکی\u06a9\u06af\u06cc]/;

/** The script a name is mostly written in. Persian and Arabic share letters; Persian-only letters decide. */
export function detectScript(s: string): Script {
  let arabic = 0;
  let latin = 0;
  // Code units, not a regular expression per letter: every range is in the basic plane.
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if ((c >= 0x0600 && c <= 0x06ff) || (c >= 0x0750 && c <= 0x077f) || (c >= 0xfb50 && c <= 0xfdff) || (c >= 0xfe70 && c <= 0xfeff)) arabic++;
    else if ((c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) || (c >= 0xc0 && c <= 0x24f)) latin++;
  }
  if (arabic === 0 && latin === 0) return "other";
  if (arabic >= latin) return PERSIAN_ONLY.test(s) || !/[يكة]/.test(s) ? "persian" : "arabic";
  return "latin";
}

// Letter forms folded for matching: Arabic yeh and kaf to Persian, teh marbuta and heh
// variants to heh, hamza carriers to their base letter, alef variants to alef.
const PERSIAN_FOLD: Record<string, string> = {
  "\u064a": "\u06cc", // ي → ی
  "\u0649": "\u06cc", // ى → ی
  "\u06d0": "\u06cc", // ې → ی
  "\u0626": "\u06cc", // ئ → ی
  "\u0643": "\u06a9", // ك → ک
  "\u0629": "\u0647", // ة → ه
  "\u06c0": "\u0647", // ۀ → ه
  "\u06c1": "\u0647", // ہ → ه
  "\u06be": "\u0647", // ھ → ه
  "\u06d5": "\u0647", // ە → ه
  "\u0623": "\u0627", // أ → ا
  "\u0625": "\u0627", // إ → ا
  "\u0622": "\u0627", // آ → ا
  "\u0671": "\u0627", // ٱ → ا
  "\u0624": "\u0648", // ؤ → و
  "\u0621": "", // ء dropped
  "\u0640": "", // tatweel
};
const PERSIAN_FOLD_RE = new RegExp(`[${Object.keys(PERSIAN_FOLD).join("")}]`, "g");
// Harakat, tanwin, superscript alef, Quranic marks.
const ARABIC_DIACRITICS = /[\u064b-\u065f\u0670\u06d6-\u06ed]/g;
const ZW = /[\u200c\u200d\u200b\u200e\u200f\u2066-\u2069\u202a-\u202e\ufeff]/g;

/**
 * Compatibility forms (Arabic presentation forms, ligatures) unfolded (NFKC),
 * Persian letter forms folded, diacritics and tatweel removed, digits made
 * ASCII, zero-width joiners removed so that compounds written with a ZWNJ,
 * a space or nothing (محمدرضا / محمد‌رضا) meet when compared compactly.
 */
export function normalisePersian(s: string): string {
  return toAsciiDigits(s.normalize("NFKC"))
    .replace(ARABIC_DIACRITICS, "")
    .replace(PERSIAN_FOLD_RE, (c) => PERSIAN_FOLD[c] ?? c)
    .replace(ZW, "")
    .replace(/[\u060c\u061b\u061f\u066a-\u066d.,;:!?()[\]{}"«»“”'`/\\_-]+/g, " ")
    .replace(/\s+/g, " ")
    .trim();
}

/** Latin folding: case, accents, apostrophes and ʿayn marks, hyphens. */
export function foldLatin(s: string): string {
  // Zero-width characters go first: removed after decomposition they would leave two
  // combining marks side by side in an order that a second pass reorders (not idempotent).
  return toAsciiDigits(s)
    .replace(ZW, "")
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .replace(/[ʿʾ'’‘`´ʻʼ]/g, "")
    .toLowerCase()
    .replace(/ß/g, "ss")
    .replace(/[-‐‑–—_.,;:!?()[\]{}"«»“”/\\]+/g, " ")
    .replace(/\s+/g, " ")
    .trim();
}

/** The one normalisation applied to both indexed names and queries. */
export function normaliseName(s: string): string {
  return foldLatin(normalisePersian(s));
}

/** Words of a normalised name. */
export function nameTokens(s: string): string[] {
  const n = normaliseName(s);
  return n ? n.split(" ") : [];
}

// ---------- cross-script keys ----------

/**
 * Persian letters to a Latin consonant skeleton. Vowel letters (ا و ی) become
 * vowels that the skeleton drops, so محمد → mhmd meets Mohammad → mhmd.
 * A deliberately coarse key for finding candidates; ranking is done elsewhere.
 */
const PERSIAN_TO_LATIN: Record<string, string> = {
  ا: "a", ب: "b", پ: "p", ت: "t", ث: "s", ج: "j", چ: "ch", ح: "h", خ: "kh", د: "d", ذ: "z", ر: "r", ز: "z", ژ: "zh",
  س: "s", ش: "sh", ص: "s", ض: "z", ط: "t", ظ: "z", ع: "a", غ: "gh", ف: "f", ق: "gh", ک: "k", گ: "g", ل: "l", م: "m",
  ن: "n", و: "v", ه: "h", ی: "y",
};

/** A rough Latin rendering of a Persian-script name, for keys and display hints only. */
export function persianToLatinRough(s: string): string {
  let out = "";
  for (const ch of normalisePersian(s)) out += PERSIAN_TO_LATIN[ch] ?? (ch === " " ? " " : /[a-z0-9]/i.test(ch) ? ch.toLowerCase() : "");
  return out.replace(/\s+/g, " ").trim();
}

/**
 * A spelling-insensitive key for one word: transliteration variants that
 * spellings of Persian names vary over are folded (ou/oo/u, ee/i/y, gh/q,
 * kh/x, zh/j, doubled letters, w/v), then the vowels after the first letter dropped.
 * `Behrooz`, `Behrouz` and `بهروز` share a key.
 */
export function skeletonKey(word: string): string {
  let w = detectScript(word) === "latin" ? foldLatin(word) : persianToLatinRough(word);
  w = w
    .replace(/[^a-z]/g, "")
    .replace(/q/g, "gh")
    .replace(/x/g, "kh")
    .replace(/w/g, "v")
    .replace(/ph/g, "f")
    // ژ is written zh or j (Nezhad/Nejad, Arzhang/Arjang).
    .replace(/zh/g, "j")
    .replace(/(.)\1+/g, "$1");
  if (!w) return "";
  // h after a consonant other than k, g, s, z, c is silent in these spellings ("Ahmad" keeps its h).
  const head = w[0]!;
  const tail = w.slice(1).replace(/[aeiouy]/g, "");
  // The Persian skeleton writes v and y for vowel letters; fold them the same way on both sides.
  return (/[aeiouy]/.test(head) ? "a" : head === "v" ? "v" : head) + tail.replace(/v/g, "").replace(/(.)\1+/g, "$1");
}

/** Keys for every word of a name, in either script. */
export function nameKeys(name: string): string[] {
  const keys = new Set<string>();
  for (const t of normalisePersian(name).split(/\s+/)) {
    const k = skeletonKey(t);
    if (k) keys.add(k);
  }
  return [...keys];
}
