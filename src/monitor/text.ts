/** A sentence of an item's text with its place in the original string. */
export interface Sentence {
  start: number;
  end: number;
  text: string;
}

/**
 * Splits text into sentences at full stops, question and exclamation marks
 * (Latin and Persian) followed by space, and at line breaks. Decimal points,
 * initials ("U.N.") and abbreviations followed by a lower-case word stay inside.
 */
export function splitSentences(text: string): Sentence[] {
  const out: Sentence[] = [];
  const re = /[.!?\u061f\u06d4\u2026]+["'\u201d\u2019\u00bb)\]]*(?=\s+(?![a-z]))|\n+/g;
  let start = 0;
  let m: RegExpExecArray | null;
  const push = (s: number, e: number): void => {
    // Trim surrounding white space but keep offsets honest.
    while (s < e && /\s/.test(text[s]!)) s++;
    while (e > s && /\s/.test(text[e - 1]!)) e--;
    if (e > s) out.push({ start: s, end: e, text: text.slice(s, e) });
  };
  while ((m = re.exec(text))) {
    const end = m[0].startsWith("\n") ? m.index : m.index + m[0].length;
    // "U.N." or "Mr." before a capital: an initial, not a sentence end, when the word before is one or two letters.
    const before = text.slice(Math.max(start, m.index - 3), m.index);
    if (!m[0].startsWith("\n") && /(?:^|[\s.])[A-Z][a-z]?$/.test(before)) continue;
    push(start, end);
    start = m.index + m[0].length;
  }
  push(start, text.length);
  return out;
}

/** A quoted stretch of text: offsets of the words inside the quotation marks. */
export interface Quote {
  start: number;
  end: number;
}

const PAIRS: [string, string][] = [
  ["\u00ab", "\u00bb"], // « »
  ["\u201c", "\u201d"], // “ ”
  ["\u201e", "\u201c"], // „ “
  ["\u2018", "\u2019"], // ‘ ’
];
const MAX_QUOTE = 600;

/**
 * Finds quotations in a sentence or paragraph: guillemets, curly quotes,
 * straight double quotes paired in order, and straight single quotes that open
 * after a space and close before one (not the apostrophe of "don't").
 */
export function findQuotes(text: string): Quote[] {
  const quotes: Quote[] = [];
  for (const [open, close] of PAIRS) {
    let from = 0;
    while (true) {
      const a = text.indexOf(open, from);
      if (a < 0) break;
      const b = text.indexOf(close, a + 1);
      if (b < 0 || b - a > MAX_QUOTE) {
        from = a + 1;
        continue;
      }
      quotes.push({ start: a + 1, end: b });
      from = b + 1;
    }
  }
  let openAt = -1;
  for (let i = 0; i < text.length; i++) {
    if (text[i] !== '"') continue;
    if (openAt < 0) openAt = i;
    else {
      if (i - openAt <= MAX_QUOTE) quotes.push({ start: openAt + 1, end: i });
      openAt = -1;
    }
  }
  const single = /(?<=^|[\s([:;,—–-])'(?=\S)([^'\n]{1,300}?)(?<=\S)'(?=$|[\s.,;:!?)\]—–-])/g;
  let m: RegExpExecArray | null;
  while ((m = single.exec(text))) quotes.push({ start: m.index + 1, end: m.index + 1 + m[1]!.length });
  return quotes.sort((x, y) => x.start - y.start);
}

/** The quotation containing [start, end), if any. */
export function quoteAround(quotes: Quote[], start: number, end: number): Quote | undefined {
  return quotes.find((q) => q.start <= start && end <= q.end);
}
