import { normaliseName } from "../core/names.ts";

/**
 * Text normalised for matching, with a map back to the original: `map[i]` is
 * the offset in the original string of normalised character `i`, so that every
 * match found on the normalised form can be shown on the text as written.
 */
export interface MappedText {
  /** Lower-case Latin, Persian letter forms folded, ASCII digits, punctuation as single spaces. */
  text: string;
  /** Original UTF-16 offset where normalised code unit `i` starts. */
  starts: number[];
  /** Original UTF-16 offset just after the code point that gave normalised code unit `i`. */
  ends: number[];
}

// The core normaliser is the reference: each code point is folded by running
// it between two neutral letters, so that the folding rules live in one place.
// "a" + ch + "a" tells a character that becomes a space (punctuation) from one
// that disappears (ZWNJ, diacritics) from one that becomes letters.
const cache = new Map<string, string>();
function foldCodePoint(ch: string): string {
  let out = cache.get(ch);
  if (out === undefined) {
    const folded = normaliseName(`a${ch}a`);
    out = folded.length >= 2 && folded.startsWith("a") && folded.endsWith("a") ? folded.slice(1, -1) : " ";
    // Anything that is not a letter, digit or mark separates words, so that a word
    // boundary in the normalised text is always a single space or an end.
    out = out.replace(/[^\p{L}\p{N}\p{M}]+/gu, " ");
    if (/^ +$/.test(out)) out = " ";
    if (cache.size < 20000) cache.set(ch, out);
  }
  return out;
}

const SPACE = /\s/;

/**
 * Normalises text as `normaliseName` does (and turns any remaining symbol into
 * a space, so words are always separated by exactly one space), keeping
 * offsets into the original.
 */
export function normaliseMapped(original: string): MappedText {
  const parts: string[] = [];
  const starts: number[] = [];
  const ends: number[] = [];
  let i = 0;
  let lastSpace = true;
  for (const ch of original) {
    const folded = SPACE.test(ch) ? " " : foldCodePoint(ch);
    const end = i + ch.length;
    if (folded === " ") {
      if (!lastSpace) {
        parts.push(" ");
        starts.push(i);
        ends.push(end);
        lastSpace = true;
      }
    } else if (folded !== "") {
      for (let k = 0; k < folded.length; k++) {
        starts.push(i);
        ends.push(end);
      }
      parts.push(folded);
      lastSpace = false;
    }
    i = end;
  }
  let text = parts.join("");
  if (text.endsWith(" ")) {
    text = text.slice(0, -1);
    starts.pop();
    ends.pop();
  }
  return { text, starts, ends };
}

/** The original span [start, end) of normalised span [s, e). */
export function originalSpan(m: MappedText, s: number, e: number): [number, number] {
  if (m.text.length === 0) return [0, 0];
  const a = Math.min(Math.max(0, s), m.text.length - 1);
  const b = Math.min(Math.max(a + 1, e), m.text.length);
  return [m.starts[a]!, m.ends[b - 1]!];
}

const ARABIC_BLOCK = /[\u0600-\u06ff\u0750-\u077f\ufb50-\ufdff\ufe70-\ufeff\u200b-\u200f]/u;

/**
 * Folds the Persian and Arabic letters of a pattern as the text is folded,
 * leaving regular-expression syntax alone, so that data files can be written
 * in ordinary Persian spelling (آ, ي, ك, ZWNJ) and still match.
 */
export function foldPatternLetters(pattern: string): string {
  let out = "";
  for (const ch of pattern) out += ARABIC_BLOCK.test(ch) ? foldCodePoint(ch).replace(" ", "") : /[۰-۹٠-٩]/.test(ch) ? foldCodePoint(ch) : ch;
  return out;
}
