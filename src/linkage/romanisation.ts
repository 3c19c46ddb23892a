import { normalisePersian } from "../core/names.ts";

/**
 * Persian script against Latin transliteration, by alignment.
 *
 * The rule table gives, for each Persian letter, the Latin spellings it is
 * written with. Cost 0 marks the value of the BGN/PCGN 1958 system for
 * Persian (United States Board on Geographic Names and Permanent Committee on
 * Geographical Names for British Official Use, "Romanization of Persian",
 * 1958; as published in "Romanization Systems and Policies", BGN/PCGN, and in
 * the UNGEGN report on the current status of United Nations romanization
 * systems for geographical names), with its diacritics dropped since names
 * lists are typed without them (ḩ → h, s̄ → s, ẕ → z, ‘ → ', ā → a, ī → i,
 * ū → u). Small costs mark the informal spellings that lists use in practice
 * (Hossein's "ei" for ī-less spellings, gh for ق, ou/oo for ū, final -eh).
 *
 * Persian writes long vowels and leaves short vowels out, so a Latin short
 * vowel (a, e, o) aligned to no letter costs little, while a written
 * consonant left out costs a whole unit. The distance is the cheapest
 * alignment (weighted edit distance), and the similarity scales it by the
 * length of the Persian name.
 */

type Rendering = readonly [latin: string, cost: number];
interface LetterRule {
  /** Spellings anywhere in a word. */
  any: readonly Rendering[];
  /** Extra spellings at the start of a word. */
  initial?: readonly Rendering[];
  /** Extra spellings at the end of a word. */
  final?: readonly Rendering[];
  /** Cost of leaving the letter unwritten in Latin (default 1). */
  drop?: number;
  dropInitial?: number;
  dropFinal?: number;
}

const VOWEL_CARRIER: readonly Rendering[] = [["a", 0], ["e", 0], ["o", 0], ["i", 0.1], ["u", 0.1]];

/** Persian letter → Latin spellings. Letters are the forms left by normalisePersian. */
export const PERSIAN_RULES: Readonly<Record<string, LetterRule>> = {
  // alef: BGN writes the short vowel it carries at the start of a word, ā inside it.
  ا: { any: [["a", 0], ["aa", 0], ["o", 0.3], ["e", 0.4], ["u", 0.4]], initial: VOWEL_CARRIER, drop: 0.5, dropInitial: 0.15 },
  ب: { any: [["b", 0], ["bb", 0], ["p", 0.6]] },
  پ: { any: [["p", 0], ["pp", 0]] },
  ت: { any: [["t", 0], ["tt", 0]] },
  ث: { any: [["s", 0], ["ss", 0], ["th", 0.3], ["c", 0.5]] },
  ج: { any: [["j", 0], ["dj", 0.1], ["jj", 0], ["g", 0.5]] },
  چ: { any: [["ch", 0], ["tch", 0.1], ["c", 0.4], ["tsh", 0.2]] },
  ح: { any: [["h", 0], ["hh", 0]], drop: 0.6 },
  خ: { any: [["kh", 0], ["x", 0.1], ["h", 0.4], ["k", 0.4], ["ch", 0.4]] },
  د: { any: [["d", 0], ["dd", 0]] },
  ذ: { any: [["z", 0], ["dh", 0.2], ["th", 0.4], ["d", 0.5]] },
  ر: { any: [["r", 0], ["rr", 0]] },
  ز: { any: [["z", 0], ["zz", 0], ["s", 0.5]] },
  ژ: { any: [["zh", 0], ["j", 0.2], ["zj", 0.2], ["g", 0.5]] },
  س: { any: [["s", 0], ["ss", 0], ["c", 0.4]] },
  ش: { any: [["sh", 0], ["ch", 0.3], ["sch", 0.3], ["s", 0.6]] },
  ص: { any: [["s", 0], ["ss", 0]] },
  ض: { any: [["z", 0], ["zz", 0], ["d", 0.4], ["dh", 0.3]] },
  ط: { any: [["t", 0], ["tt", 0]] },
  ظ: { any: [["z", 0], ["zz", 0], ["dh", 0.4]] },
  // 'ayn: BGN writes ‘; lists mostly drop it or write the vowel it carries.
  ع: { any: [["'", 0], ["a", 0.05], ["e", 0.05], ["o", 0.05], ["i", 0.1], ["u", 0.1], ["aa", 0.1]], drop: 0.05 },
  غ: { any: [["gh", 0], ["q", 0.1], ["g", 0.3], ["qh", 0.2]] },
  ف: { any: [["f", 0], ["ff", 0], ["ph", 0.2], ["v", 0.6]] },
  ق: { any: [["q", 0], ["gh", 0], ["g", 0.3], ["k", 0.5], ["qh", 0.2]] },
  ک: { any: [["k", 0], ["kk", 0], ["c", 0.3], ["ck", 0.2]] },
  گ: { any: [["g", 0], ["gg", 0], ["gu", 0.3]] },
  ل: { any: [["l", 0], ["ll", 0]] },
  م: { any: [["m", 0], ["mm", 0]] },
  ن: { any: [["n", 0], ["nn", 0], ["m", 0.5]] },
  // vav: v as a consonant, ū or ow as a vowel (BGN); informal ou, oo, o, w.
  و: { any: [["v", 0], ["u", 0], ["ow", 0], ["o", 0.05], ["ou", 0.05], ["oo", 0.05], ["w", 0.05], ["vv", 0], ["au", 0.2], ["aw", 0.2], ["uo", 0.2]], drop: 0.7 },
  // heh: h, and the silent final heh written -eh, -e, -a or -ah.
  ه: { any: [["h", 0], ["hh", 0]], final: [["eh", 0], ["e", 0], ["a", 0.1], ["ah", 0.1]], drop: 0.6, dropFinal: 0.15 },
  // yeh: y as a consonant, ī or ey as a vowel (BGN); informal i, ee, ei, ai, ie.
  ی: { any: [["y", 0], ["i", 0], ["ey", 0], ["ee", 0.05], ["ei", 0.05], ["ie", 0.1], ["ai", 0.1], ["ay", 0.1], ["iy", 0.1], ["e", 0.2], ["yy", 0]], final: [["a", 0.3]], drop: 0.7 },
};

// Latin letters that appear in a name without a Persian letter behind them.
function insertCost(c: number, prev: number): number {
  if (c === 39) return 0; // apostrophe for ‘ or hamza
  if (c === prev && c !== 39) return 0.05; // gemination (tashdid is not written)
  switch (c) {
    case 97: // a
    case 101: // e
    case 111: // o
      return 0.05;
    case 105: // i
    case 117: // u
      return 0.4;
    case 121: // y
      return 0.5;
    case 104: // h
      return 0.6;
    default:
      return 1;
  }
}

interface CompiledLetter {
  codes: Int32Array[];
  costs: Float64Array;
  drop: number;
}

function compile(renderings: readonly Rendering[], drop: number): CompiledLetter {
  return {
    codes: renderings.map(([latin]) => Int32Array.from([...latin].map((c) => c.charCodeAt(0)))),
    costs: Float64Array.from(renderings.map(([, cost]) => cost)),
    drop,
  };
}

// Compiled per letter and position (0 middle, 1 initial, 2 final, 3 initial and final).
const compiled = new Map<string, CompiledLetter[]>();
for (const [letter, rule] of Object.entries(PERSIAN_RULES)) {
  const base = rule.any;
  const d = rule.drop ?? 1;
  compiled.set(letter, [
    compile(base, d),
    compile([...base, ...(rule.initial ?? [])], rule.dropInitial ?? d),
    compile([...base, ...(rule.final ?? [])], rule.dropFinal ?? d),
    compile([...base, ...(rule.initial ?? []), ...(rule.final ?? [])], Math.min(rule.dropInitial ?? d, rule.dropFinal ?? d)),
  ]);
}
const UNKNOWN_LETTER: CompiledLetter = { codes: [], costs: new Float64Array(0), drop: 1 };

/** A Persian name prepared for alignment: its letters with their place in the word. */
export interface PersianForm {
  letters: CompiledLetter[];
  length: number;
}

/** Prepares a Persian-script name (any number of words) for `alignCost`. */
export function persianForm(name: string): PersianForm {
  const words = normalisePersian(name).split(" ").filter(Boolean);
  const letters: CompiledLetter[] = [];
  for (const w of words) {
    const chars = [...w].filter((c) => /[\u0600-\u06ff]/.test(c));
    chars.forEach((ch, i) => {
      const pos = (i === 0 ? 1 : 0) + (i === chars.length - 1 ? 2 : 0);
      letters.push(compiled.get(ch)?.[pos] ?? UNKNOWN_LETTER);
    });
  }
  return { letters, length: letters.length };
}

/** A Latin name as the alignment reads it: lower-case letters and apostrophes, no spaces. */
export function latinForm(name: string): Int32Array {
  const s = name
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/[ʿʾ’‘`´ʻʼ]/g, "'")
    .replace(/[^a-z']/g, "");
  return Int32Array.from([...s].map((c) => c.charCodeAt(0)));
}

let buffer = new Float64Array(1024);

/**
 * The cheapest cost of writing the Persian name as the Latin one under the
 * rule table: letters rendered by their spellings, unwritten short vowels and
 * doubled letters nearly free, other insertions, omissions and substitutions
 * one unit each.
 */
export function alignCost(p: PersianForm, latin: Int32Array, maxCost = Infinity): number {
  const n = p.length;
  const m = latin.length;
  const width = m + 1;
  const size = (n + 1) * width;
  if (buffer.length < size) buffer = new Float64Array(size * 2);
  // Full table: a rendering can span several Latin letters, so row i+1 is filled from row i forwards.
  const table = buffer;
  table.fill(Infinity, 0, size);
  table[0] = 0;
  for (let j = 0; j < m; j++) table[j + 1] = table[j]! + insertCost(latin[j]!, j > 0 ? latin[j - 1]! : -1);
  for (let i = 0; i < n; i++) {
    const letter = p.letters[i]!;
    const from = i * width;
    const to = from + width;
    for (let j = 0; j <= m; j++) {
      const base = table[from + j]!;
      if (base === Infinity) continue;
      // leave the Persian letter unwritten
      if (base + letter.drop < table[to + j]!) table[to + j] = base + letter.drop;
      // substitute one Latin letter for it
      if (j < m && base + 1 < table[to + j + 1]!) table[to + j + 1] = base + 1;
      // one of its spellings
      for (let r = 0; r < letter.codes.length; r++) {
        const codes = letter.codes[r]!;
        const k = codes.length;
        if (j + k > m) continue;
        let ok = true;
        for (let t = 0; t < k; t++) if (latin[j + t] !== codes[t]) { ok = false; break; }
        if (!ok) continue;
        const c = base + letter.costs[r]!;
        if (c < table[to + j + k]!) table[to + j + k] = c;
      }
    }
    // Latin letters with no Persian letter behind them, after letter i.
    let rowMin = table[to]!;
    for (let j = 0; j < m; j++) {
      const c = table[to + j]! + insertCost(latin[j]!, j > 0 ? latin[j - 1]! : -1);
      if (c < table[to + j + 1]!) table[to + j + 1] = c;
      if (table[to + j + 1]! < rowMin) rowMin = table[to + j + 1]!;
    }
    // Costs only grow from row to row: past the bound, the answer is "more than the bound".
    if (rowMin > maxCost) return rowMin;
  }
  return table[n * width + m]!;
}

/**
 * Similarity in [0, 1] of a Persian-script and a Latin-script name. Below
 * `atLeast` the value is only known to be below it (the alignment stops early).
 */
export function crossScriptSimilarity(p: PersianForm, latin: Int32Array, atLeast = 0): number {
  if (p.length === 0 || latin.length === 0) return 0;
  const scale = Math.max(p.length, 2);
  return Math.max(0, 1 - alignCost(p, latin, (1 - atLeast) * scale) / scale);
}
