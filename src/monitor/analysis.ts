import { normaliseMapped, type MappedText } from "./normalise.ts";
import { findQuotes, splitSentences, type Quote, type Sentence } from "./text.ts";

/**
 * A field's text prepared once for every matcher: its sentences, their
 * quotations, and one normalised string with the sentences joined by line
 * breaks (so no pattern crosses a sentence) mapped back to the original.
 */
export interface AnalysedText {
  text: string;
  sentences: Sentence[];
  /** Quotations per sentence, in offsets of the whole text. */
  quotes: Quote[][];
  norm: MappedText;
  /** Index in `norm.text` where each sentence starts. */
  sentenceStarts: number[];
}

function build(text: string): AnalysedText {
  const sentences = splitSentences(text);
  const parts: string[] = [];
  const starts: number[] = [];
  const ends: number[] = [];
  const sentenceStarts: number[] = [];
  const quotes: Quote[][] = [];
  let length = 0;
  for (const s of sentences) {
    const m = normaliseMapped(s.text);
    if (parts.length) {
      parts.push("\n");
      starts.push(s.start);
      ends.push(s.start);
      length++;
    }
    sentenceStarts.push(length);
    parts.push(m.text);
    for (let i = 0; i < m.starts.length; i++) {
      starts.push(m.starts[i]! + s.start);
      ends.push(m.ends[i]! + s.start);
    }
    length += m.text.length;
    quotes.push(findQuotes(s.text).map((q) => ({ start: q.start + s.start, end: q.end + s.start })));
  }
  return { text, sentences, quotes, norm: { text: parts.join(""), starts, ends }, sentenceStarts };
}

// Detection and extraction read the same texts one after the other: keep the last few.
const recent = new Map<string, AnalysedText>();

/** The analysis of a text, reused while the same text is being read. */
export function analyse(text: string): AnalysedText {
  const hit = recent.get(text);
  if (hit) return hit;
  const a = build(text);
  recent.set(text, a);
  if (recent.size > 8) recent.delete(recent.keys().next().value!);
  return a;
}

/** The sentence a normalised offset falls in. */
export function sentenceAt(a: AnalysedText, normIndex: number): number {
  let lo = 0;
  let hi = a.sentenceStarts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (a.sentenceStarts[mid]! <= normIndex) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}
