import { foldLatin, normalisePersian, detectScript } from "../core/names.ts";
import givenNamesData from "./data/given-names.json" with { type: "json" };

/**
 * Titles and honorifics that precede (or, for سادات and خانم, follow) a
 * given name. They are kept in the verbatim row and dropped for matching:
 * one list writes "Seyed Mohammad", another "Mohammad".
 */
const HONORIFICS_LATIN = new Set([
  "seyed", "seyyed", "sayyed", "sayed", "sayyid", "sayid", "syed", "seyd", "seied", "seyedeh", "seyyedeh", "sayyedeh",
  "haj", "hajj", "haji", "hajji", "hajieh", "hajiyeh", "hajiye", "molla", "mulla", "mullah", "mirza",
  "khanom", "khanum", "khanoum", "khanum", "sadat",
  "dr", "mr", "mrs", "ms", "miss", "sir", "lady", "lord", "prof", "rev", "dame",
]);
const HONORIFICS_PERSIAN = new Set(["سید", "سیده", "حاج", "حاجی", "حاجیه", "ملا", "میرزا", "خانم", "سادات", "دکتر", "آقای", "اقای", "بانو", "شهید"].map(normalisePersian));
/** Honorifics that follow a given name rather than precede it. */
const TRAILING = new Set(["khanom", "khanum", "khanoum", "sadat", normalisePersian("خانم"), normalisePersian("سادات")]);

/** Is this word (in either script) an honorific dropped for matching? */
export function isHonorific(word: string, position: "leading" | "trailing" = "leading"): boolean {
  const script = detectScript(word);
  const w = script === "latin" ? foldLatin(word) : normalisePersian(word);
  if (position === "trailing") return TRAILING.has(w);
  return script === "latin" ? HONORIFICS_LATIN.has(w) && !TRAILING.has(w) : HONORIFICS_PERSIAN.has(w) && !TRAILING.has(w);
}

/** Words of a name without leading and trailing honorifics; a name that is only honorifics is kept whole. */
export function stripHonorifics(words: string[]): string[] {
  let start = 0;
  let end = words.length;
  while (start < end - 1 && isHonorific(words[start]!)) start++;
  while (end > start + 1 && isHonorific(words[end - 1]!, "trailing")) end--;
  return words.slice(start, end);
}

interface GivenNamesFile {
  male: string[][];
  female: string[][];
  compound_first: string[];
}
const data = givenNamesData as unknown as GivenNamesFile;

/** A common given name with its Persian spelling and Latin spellings in use. */
export interface GivenName {
  persian: string;
  latin: string[];
  sex: "male" | "female";
}

/** The common given names the splitter knows (general knowledge, not data about people). */
export const GIVEN_NAMES: readonly GivenName[] = [
  ...data.male.map(([persian, ...latin]) => ({ persian: persian!, latin, sex: "male" as const })),
  ...data.female.map(([persian, ...latin]) => ({ persian: persian!, latin, sex: "female" as const })),
];

const givenKeys = new Set<string>();
for (const g of GIVEN_NAMES) {
  givenKeys.add(normalisePersian(g.persian).replace(/ /g, ""));
  for (const l of g.latin) givenKeys.add(foldVariants(l));
}
const compoundFirst = new Set(data.compound_first.map((w) => (detectScript(w) === "latin" ? foldVariants(w) : normalisePersian(w))));

/** Is this one word a common given name, in either script and any usual spelling? */
export function isKnownGivenName(word: string): boolean {
  const w = detectScript(word) === "latin" ? foldVariants(word) : normalisePersian(word).replace(/ /g, "");
  return w !== "" && givenKeys.has(w);
}

/** Can this word start a two-word given name (Mohammad Reza, Gholam Hossein, Ali Asghar)? */
export function isCompoundFirst(word: string): boolean {
  const w = detectScript(word) === "latin" ? foldVariants(word) : normalisePersian(word);
  return compoundFirst.has(w);
}

/**
 * Folds the spelling variants that romanised Persian names vary over, so that
 * equal folds mean "the same name as far as spelling can tell":
 * Mohammad/Muhammad/Mohammed(→mohamad/mohamed), Hossein/Hussein/Hosein,
 * -i/-ee/-ie/-y, -zadeh/-zade, gh/q, ou/oo/u, kh/x, w/v, ph/f, doubled letters.
 * The input is one word or a compact name; the output is lower-case a–z.
 */
export function foldVariants(word: string): string {
  let w = foldLatin(word).replace(/[^a-z]/g, "");
  if (!w) return "";
  w = w
    .replace(/ph/g, "f")
    .replace(/x/g, "kh")
    .replace(/q/g, "gh")
    .replace(/ow$/, "o")
    .replace(/w/g, "v")
    .replace(/dj/g, "j")
    .replace(/tch/g, "ch")
    .replace(/ck/g, "k")
    .replace(/ee/g, "i")
    .replace(/ou|oo/g, "u")
    .replace(/(.)\1+/g, "$1")
    .replace(/(ie|y|ey|ei)$/, "i")
    .replace(/aei|ayi|aie|aii|ai$/g, "ai")
    .replace(/eh$/, "e")
    .replace(/(ey|ay|ai)(?=[^aeiou])/g, "ei")
    .replace(/u/g, "o")
    .replace(/^i(?=[^aeiou])/, "e");
  return w.replace(/(.)\1+/g, "$1");
}
