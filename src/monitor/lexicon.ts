import { VigilError } from "../core/errors.ts";
import { foldPatternLetters } from "./normalise.ts";
import { readDataTsv, type TsvRow } from "./tsv.ts";

/** The labels an item can carry. */
export const LABELS = ["execution_report", "death_sentence", "arrest", "at_risk", "glorification", "incitement"] as const;
export type Label = (typeof LABELS)[number];
export const isLabel = (s: string): s is Label => (LABELS as readonly string[]).includes(s);

export type RuleLang = "en" | "fa" | "any";

/** One compiled detection rule: every part must match in the same sentence. */
export interface Rule {
  id: string;
  label: Label;
  lang: RuleLang;
  weight: 1 | 2;
  /** The pattern as written in the data file, shown to staff as the reason. */
  source: string;
  parts: RegExp[];
}

export type CueKind = "reporting" | "condemnation" | "negation" | "historical";

export interface Cue {
  id: string;
  kind: CueKind;
  labels: Label[];
  lang: RuleLang;
  source: string;
  re: RegExp;
}

/** A gazetteer entry matched in text. */
export interface GazetteerEntry {
  kind: "province" | "city" | "prison" | "charge";
  id: string;
  /** Display name (English label). */
  name: string;
  province?: string;
  city?: string;
  executions?: boolean;
  re: RegExp;
}

export interface CountNoun {
  id: string;
  pattern: string;
}

export interface Lexicon {
  rules: Rule[];
  cues: Cue[];
  gazetteer: GazetteerEntry[];
  givenNames: RegExp;
  numberWords: Map<string, number>;
  countPattern: RegExp;
  countNouns: { id: string; re: RegExp }[];
}

// Normalised text separates words by exactly one space and sentences by a line
// break, so a word starts after one of them (consumed, which lets the engine skip
// quickly to the next separator) or at the start. No pattern crosses a line break.
const BOUNDARY_BEFORE = "(?:^|[ \\n])";
const BOUNDARY_AFTER = "(?=[ \\n]|$)";

/** Where the words of a match start: after the separator the boundary consumed. */
export const matchStart = (m: RegExpExecArray): number => (m[0].startsWith(" ") || m[0].startsWith("\n") ? m.index + 1 : m.index);
const ARABIC_LETTER = /[\u0600-\u06ff\u0750-\u077f\ufb50-\ufdff\ufe70-\ufeff]/;

/**
 * Persian writes compounds with a space, a ZWNJ or nothing; the normaliser
 * drops the ZWNJ, so a space between two Persian letters in a pattern also
 * matches no space.
 */
function persianSpaces(p: string): string {
  let out = "";
  for (let i = 0; i < p.length; i++) {
    const ch = p[i]!;
    if (ch === " " && i > 0 && ARABIC_LETTER.test(p[i - 1]!) && ARABIC_LETTER.test(p[i + 1] ?? "")) out += " ?";
    else out += ch;
  }
  return out;
}

function prepare(pattern: string, lang: "en" | "fa"): string {
  const folded = foldPatternLetters(pattern);
  return lang === "fa" ? persianSpaces(folded) : folded;
}

function alternatives(field: string): string[] {
  return field ? field.split("|").map((s) => s.trim()).filter(Boolean) : [];
}

function compile(pattern: string, where: { file: string; line: number }): RegExp {
  try {
    return new RegExp(`${BOUNDARY_BEFORE}(?:${pattern})${BOUNDARY_AFTER}`, "gu");
  } catch (err) {
    throw new VigilError("validation", `invalid pattern: ${(err as Error).message}`, { where, cause: err });
  }
}

type MacroTable = Map<string, { en: string[]; fa: string[] }>;

function addMacro(table: MacroTable, name: string, lang: RuleLang, pattern: string): void {
  let m = table.get(name);
  if (!m) table.set(name, (m = { en: [], fa: [] }));
  if (lang === "en" || lang === "any") m.en.push(prepare(pattern, "en"));
  if (lang === "fa" || lang === "any") m.fa.push(prepare(pattern, "fa"));
}

function expand(pattern: string, lang: RuleLang, macros: MacroTable, where: { file: string; line: number }, depth = 0): string {
  if (depth > 5) throw new VigilError("validation", "macros nest too deeply", { where });
  return pattern.replace(/\{([a-z_]+)(?:(\d+)-(\d+))?\}/g, (whole, name: string, lo?: string, hi?: string) => {
    if (name === "w" && lo !== undefined) return `(?:\\S+ ){${lo},${hi}}`;
    if (name === "adv" && lo !== undefined) return `(?:(?!(?:to|not|never|due|set|about|scheduled|going|expected|likely|at|in)\\b)\\S+ ){${lo},${hi}}`;
    if (name === "w") return "\\S+";
    const m = macros.get(name);
    if (!m) throw new VigilError("validation", `unknown macro ${whole}`, { where });
    const alts = lang === "en" ? m.en : lang === "fa" ? m.fa : [...m.en, ...m.fa];
    if (alts.length === 0) throw new VigilError("validation", `macro ${whole} has no ${lang} form`, { where });
    return `(?:${alts.map((a) => expand(a, lang, macros, where, depth + 1)).join("|")})`;
  });
}

function where(file: string, row: TsvRow): { file: string; line: number } {
  return { file: `src/monitor/data/${file}`, line: row.line };
}

function checkLang(v: string, w: { file: string; line: number }): RuleLang {
  if (v === "en" || v === "fa" || v === "any") return v;
  throw new VigilError("validation", `unknown language ${JSON.stringify(v)} (en, fa or any)`, { where: w });
}

function checkLabel(v: string, w: { file: string; line: number }): Label {
  if (isLabel(v)) return v;
  throw new VigilError("validation", `unknown label ${JSON.stringify(v)}`, { where: w });
}

/** Names (or !names that need a "province" word) into one alternative list. */
function provinceNames(field: string, lang: "en" | "fa"): string[] {
  return alternatives(field).map((n) => {
    if (!n.startsWith("!")) return prepare(n, lang);
    const bare = prepare(n.slice(1), lang);
    return lang === "en" ? `${bare} province|province of ${bare}` : persianSpaces(`استان ${bare}`);
  });
}

let cached: Lexicon | undefined;

/** The lexicon, gazetteers and cues from `src/monitor/data/`, compiled once. */
export function loadLexicon(): Lexicon {
  if (cached) return cached;
  const macros: MacroTable = new Map();

  const numberWords = new Map<string, number>();
  for (const row of readDataTsv("number-words.tsv")) {
    const value = Number(row.cells.value);
    for (const w of alternatives(row.cells.en ?? "")) numberWords.set(w, value);
    for (const w of alternatives(row.cells.fa ?? "")) numberWords.set(prepare(w, "fa"), value);
    addMacro(macros, "numword", "en", row.cells.en ?? "");
    addMacro(macros, "numword", "fa", row.cells.fa ?? "");
  }
  addMacro(macros, "num", "any", "\\d+(?:[.,]\\d+)?|{numword}|dozens of|hundreds of|several|دهها|صدها|چندین|چند");

  const gazetteer: GazetteerEntry[] = [];
  const provinceRows = readDataTsv("provinces.tsv");
  for (const row of provinceRows) {
    const w = where("provinces.tsv", row);
    const names = [...provinceNames(row.cells.en ?? "", "en"), ...provinceNames(row.cells.fa ?? "", "fa")];
    const plain = names.filter((n) => !/province|استان/.test(n));
    const entry: GazetteerEntry = { kind: "province", id: row.cells.id!, name: (alternatives(row.cells.en ?? "")[0] ?? "").replace(/^!/, ""), re: compile(names.join("|"), w) };
    gazetteer.push(entry);
    for (const n of plain) addMacro(macros, "province", n.match(ARABIC_LETTER) ? "fa" : "en", n);
  }
  const cityProvince = new Map<string, string>();
  const cityNames: { en: string[]; fa: string[] } = { en: [], fa: [] };
  for (const row of readDataTsv("cities.tsv")) {
    const w = where("cities.tsv", row);
    const en = alternatives(row.cells.en ?? "").map((n) => prepare(n, "en"));
    const fa = alternatives(row.cells.fa ?? "").map((n) => prepare(n, "fa"));
    cityProvince.set(row.cells.id!, row.cells.province!);
    cityNames.en.push(...en);
    cityNames.fa.push(...fa);
    gazetteer.push({ kind: "city", id: row.cells.id!, name: en[0] ?? row.cells.id!, province: row.cells.province!, re: compile([...en, ...fa].join("|"), w) });
  }
  addMacro(macros, "city", "en", cityNames.en.join("|"));
  addMacro(macros, "city", "fa", cityNames.fa.join("|"));
  for (const row of readDataTsv("prisons.tsv")) {
    const w = where("prisons.tsv", row);
    const en = alternatives(row.cells.en ?? "").map((n) => prepare(n, "en"));
    const fa = alternatives(row.cells.fa ?? "").map((n) => prepare(n, "fa"));
    const executions = row.cells.executions === "yes";
    const city = row.cells.city!;
    if (!cityProvince.has(city)) throw new VigilError("validation", `unknown city ${JSON.stringify(city)}`, { where: w });
    gazetteer.push({ kind: "prison", id: row.cells.id!, name: (en[0] ?? row.cells.id!).replace(/[^a-z0-9 ]/g, ""), city, province: cityProvince.get(city)!, executions, re: compile([...en, ...fa].join("|"), w) });
    addMacro(macros, "prison", "en", en.join("|"));
    addMacro(macros, "prison", "fa", fa.join("|"));
    if (executions) {
      addMacro(macros, "execution_prison", "en", en.join("|"));
      addMacro(macros, "execution_prison", "fa", fa.join("|"));
    }
  }
  // Central prisons of every city, the usual place of executions outside Tehran.
  for (const row of readDataTsv("cities.tsv")) {
    const w = where("cities.tsv", row);
    const en = alternatives(row.cells.en ?? "").map((n) => prepare(n, "en")).join("|");
    const fa = alternatives(row.cells.fa ?? "").map((n) => prepare(n, "fa")).join("|");
    const enP = `(?:${en}) (?:central )?prison|(?:central )?prison of (?:${en})`;
    const faP = persianSpaces(`زندان (?:مرکزی )?(?:${fa})`);
    gazetteer.push({ kind: "prison", id: `central-${row.cells.id!}`, name: `${alternatives(row.cells.en ?? "")[0] ?? row.cells.id!} central prison`, city: row.cells.id!, province: row.cells.province!, executions: true, re: compile(`${enP}|${faP}`, w) });
    addMacro(macros, "execution_prison", "en", enP);
    addMacro(macros, "execution_prison", "fa", faP);
  }
  for (const row of readDataTsv("charges.tsv")) {
    const w = where("charges.tsv", row);
    const names = [...alternatives(row.cells.en ?? "").map((n) => prepare(n, "en")), ...alternatives(row.cells.fa ?? "").map((n) => prepare(n, "fa"))];
    gazetteer.push({ kind: "charge", id: row.cells.id!, name: row.cells.label!, re: compile(names.join("|"), w) });
  }

  for (const row of readDataTsv("macros.tsv")) addMacro(macros, row.cells.name!, checkLang(row.cells.lang!, where("macros.tsv", row)), row.cells.pattern!);

  const rules: Rule[] = [];
  const ids = new Set<string>();
  for (const row of readDataTsv("lexicon.tsv")) {
    const w = where("lexicon.tsv", row);
    const label = checkLabel(row.cells.label!, w);
    const lang = checkLang(row.cells.lang!, w);
    const weight = Number(row.cells.weight);
    if (weight !== 1 && weight !== 2) throw new VigilError("validation", "weight must be 1 or 2", { where: w });
    const id = `${label}/${row.cells.id!}`;
    if (ids.has(id)) throw new VigilError("validation", `duplicate rule id ${id}`, { where: w });
    ids.add(id);
    const source = row.cells.pattern!;
    const parts = source.split("&&").map((p) => compile(expand(lang === "any" ? p.trim() : prepare(p.trim(), lang), lang, macros, w), w));
    rules.push({ id, label, lang, weight, source, parts });
  }

  const cues: Cue[] = [];
  for (const row of readDataTsv("cues.tsv")) {
    const w = where("cues.tsv", row);
    const kind = row.cells.kind as CueKind;
    if (!["reporting", "condemnation", "negation", "historical"].includes(kind)) throw new VigilError("validation", `unknown cue kind ${JSON.stringify(kind)}`, { where: w });
    const labels = row.cells.labels === "*" ? [...LABELS] : (row.cells.labels ?? "").split(",").map((l) => checkLabel(l.trim(), w));
    const lang = checkLang(row.cells.lang!, w);
    const source = row.cells.pattern!;
    cues.push({ id: `${kind}/${row.cells.id!}`, kind, labels, lang, source, re: compile(expand(lang === "any" ? source : prepare(source, lang), lang, macros, w), w) });
  }

  const given: string[] = [];
  for (const row of readDataTsv("given-names.tsv")) {
    given.push(...alternatives(row.cells.en ?? "").map((n) => prepare(n, "en")), ...alternatives(row.cells.fa ?? "").map((n) => prepare(n, "fa")));
  }
  const nounRows = readDataTsv("count-nouns.tsv");
  const countNouns = nounRows.map((row) => {
    const w = where("count-nouns.tsv", row);
    const p = [...alternatives(row.cells.en ?? "").map((n) => prepare(n, "en")), ...alternatives(row.cells.fa ?? "").map((n) => prepare(n, "fa"))].join("|");
    return { id: row.cells.id!, re: new RegExp(`^(?:${p})${BOUNDARY_AFTER}`, "u"), pattern: p, w };
  });
  const allNouns = countNouns.map((n) => n.pattern).join("|");
  const countWhere = { file: "src/monitor/data/count-nouns.tsv", line: 1 };
  const countPattern = compile(expand(`(?:(at least|at most|about|around|nearly|almost|more than|over|some|دست ?کم|حداقل|حداکثر|حدود|بیش از|نزدیک به|قریب به|کمتر از) )?({num}) (?:(?:more|other|further|new|دیگر) )?(${allNouns})`, "any", macros, countWhere), countWhere);

  cached = {
    rules,
    cues,
    gazetteer,
    givenNames: compile(given.join("|"), { file: "src/monitor/data/given-names.tsv", line: 1 }),
    numberWords,
    countPattern,
    countNouns: countNouns.map(({ id, re }) => ({ id, re })),
  };
  return cached;
}
