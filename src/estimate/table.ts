import { parse } from "csv-parse/sync";
import { validation, VigilError, type FieldProblem } from "../core/errors.ts";

/**
 * A capture-pattern table: for k lists, the count of people seen on exactly
 * each combination of lists. A pattern is a bitmask: bit j set means "on list j"
 * (j in the order of `lists`). `counts[0]`, the people on no list, is what the
 * estimation is about and is always 0 here.
 */
export interface CaptureTable {
  readonly lists: readonly string[];
  /** Length 2^k; index = pattern bitmask. counts[0] is always 0. */
  readonly counts: Float64Array;
}

/** The largest number of lists a table may have (2^16 patterns). */
export const MAX_LISTS = 16;

/** Number of people observed on at least one list. */
export function observedTotal(table: CaptureTable): number {
  let n = 0;
  for (let i = 1; i < table.counts.length; i++) n += table.counts[i]!;
  return n;
}

/** The lists a pattern is on, by name, e.g. "A+C"; "none" for the empty pattern. */
export function patternName(lists: readonly string[], pattern: number): string {
  const on = lists.filter((_, j) => (pattern >> j) & 1);
  return on.length ? on.join("+") : "none";
}

function checkListNames(lists: readonly string[], file?: string): void {
  const where = (column?: string) => ({ ...(file ? { file } : {}), row: 1, ...(column ? { column } : {}) });
  if (lists.length < 2) throw validation(`a capture table needs at least 2 lists; found ${lists.length}`, where());
  if (lists.length > MAX_LISTS) throw validation(`at most ${MAX_LISTS} lists are supported; found ${lists.length}`, where());
  const seen = new Set<string>();
  for (const name of lists) {
    if (name === "") throw validation("a list column has an empty name", where());
    if (!/^[\p{L}\p{N}_.-]+$/u.test(name)) {
      throw validation(`list name ${JSON.stringify(name)} may only contain letters, digits, "_", "." and "-" (it is used in model terms such as A*B)`, where(name));
    }
    if (seen.has(name)) throw validation(`list ${JSON.stringify(name)} appears twice in the header`, where(name));
    seen.add(name);
  }
}

/**
 * Builds a table from explicit pattern counts. Patterns absent from `rows`
 * count zero. Throws on duplicates, bad counts and a non-zero all-zero pattern.
 */
export function tableFromPatterns(lists: readonly string[], rows: Iterable<{ pattern: number; count: number }>): CaptureTable {
  checkListNames(lists);
  const size = 1 << lists.length;
  const counts = new Float64Array(size);
  const seen = new Uint8Array(size);
  for (const { pattern, count } of rows) {
    if (!Number.isInteger(pattern) || pattern < 0 || pattern >= size) throw validation(`pattern ${pattern} is outside the table`);
    if (!Number.isInteger(count) || count < 0) throw validation(`count for ${patternName(lists, pattern)} must be a whole number ≥ 0; got ${count}`);
    if (seen[pattern]) throw validation(`pattern ${patternName(lists, pattern)} is given twice`);
    if (pattern === 0 && count !== 0) throw validation("the count of people on no list cannot be observed: the all-zero pattern must be absent or 0");
    seen[pattern] = 1;
    counts[pattern] = count;
  }
  return { lists: [...lists], counts };
}

/** Options for reading a capture-pattern CSV. */
export interface ParseCsvOptions {
  /** File name, only used in error messages. */
  file?: string;
  /** Name of the count column (default "count", matched case-insensitively). */
  countColumn?: string;
}

/**
 * Parses a capture-pattern CSV: one 0/1 column per list (the header names the
 * lists) and a `count` column. Every problem is reported with its row (1 = header)
 * and column; all problems in the file are collected before throwing.
 */
export function parseCaptureCsv(text: string, opts: ParseCsvOptions = {}): CaptureTable {
  return parseCsvCore(text, opts, undefined).get("")!;
}

/**
 * Parses a stratified capture-pattern CSV: as `parseCaptureCsv`, with one more
 * column naming each row's stratum; a pattern may appear once per stratum.
 */
export function parseStratifiedCsv(text: string, stratumColumn: string, opts: ParseCsvOptions = {}): Map<string, CaptureTable> {
  return parseCsvCore(text, opts, stratumColumn);
}

function parseCsvCore(text: string, opts: ParseCsvOptions, stratumColumn: string | undefined): Map<string, CaptureTable> {
  const file = opts.file;
  const at = (row: number, column?: string): { file?: string; row: number; column?: string } => ({ ...(file ? { file } : {}), row, ...(column !== undefined ? { column } : {}) });
  let records: string[][];
  try {
    const parsed: unknown = parse(text.replace(/^\uFEFF/, ""), { bom: true, skip_empty_lines: true, trim: true, relax_column_count: true });
    records = parsed as string[][];
  } catch (err) {
    const line = (err as { lines?: number }).lines;
    throw new VigilError("validation", `not a readable CSV file: ${(err as Error).message}`, { where: { ...(file ? { file } : {}), ...(line ? { line } : {}) } });
  }
  if (records.length === 0) throw validation("the file is empty: expected a header with one column per list and a count column", at(1));
  const header = records[0]!;
  const countName = (opts.countColumn ?? "count").toLowerCase();
  const countIdx = header.findIndex((h) => h.toLowerCase() === countName);
  if (countIdx < 0) throw validation(`no ${JSON.stringify(opts.countColumn ?? "count")} column in the header (columns: ${header.map((h) => JSON.stringify(h)).join(", ")})`, at(1));
  if (header.filter((h) => h.toLowerCase() === countName).length > 1) throw validation(`the header has more than one ${JSON.stringify(countName)} column`, at(1));
  let stratumIdx = -1;
  if (stratumColumn !== undefined) {
    stratumIdx = header.findIndex((h) => h === stratumColumn);
    if (stratumIdx < 0) stratumIdx = header.findIndex((h) => h.toLowerCase() === stratumColumn.toLowerCase());
    if (stratumIdx < 0 || stratumIdx === countIdx) throw validation(`no stratum column ${JSON.stringify(stratumColumn)} in the header (columns: ${header.map((h) => JSON.stringify(h)).join(", ")})`, at(1));
  }
  const listIdx = header.map((_, i) => i).filter((i) => i !== countIdx && i !== stratumIdx);
  const lists = listIdx.map((i) => header[i]!);
  checkListNames(lists, file);
  const size = 1 << lists.length;
  const tables = new Map<string, { counts: Float64Array; firstRow: Int32Array }>();
  const problems: FieldProblem[] = [];
  const add = (row: number, column: string | undefined, message: string) => {
    if (problems.length < 50) problems.push({ ...at(row, column), message });
  };
  for (let r = 1; r < records.length; r++) {
    const rec = records[r]!;
    const row = r + 1;
    if (rec.length !== header.length) {
      add(row, undefined, `expected ${header.length} cells, found ${rec.length}`);
      continue;
    }
    let pattern = 0;
    let ok = true;
    for (let j = 0; j < listIdx.length; j++) {
      const cell = rec[listIdx[j]!]!;
      if (cell === "1") pattern |= 1 << j;
      else if (cell !== "0") {
        add(row, lists[j], `list cells must be 0 or 1; found ${JSON.stringify(cell)}`);
        ok = false;
      }
    }
    const raw = rec[countIdx]!;
    const count = /^\d+$/.test(raw) ? Number(raw) : NaN;
    if (!Number.isSafeInteger(count)) {
      add(row, header[countIdx], raw === "" ? "the count is empty" : /^-/.test(raw) ? `counts cannot be negative; found ${raw}` : `the count must be a whole number; found ${JSON.stringify(raw)}`);
      ok = false;
    }
    const stratum = stratumIdx >= 0 ? rec[stratumIdx]! : "";
    if (stratumIdx >= 0 && stratum === "") {
      add(row, header[stratumIdx], "the stratum is empty");
      ok = false;
    }
    if (!ok) continue;
    if (pattern === 0 && count !== 0) {
      add(row, header[countIdx], `the all-zero pattern (people on no list) cannot be observed; it must be absent or 0, found ${count}`);
      continue;
    }
    let t = tables.get(stratum);
    if (!t) tables.set(stratum, (t = { counts: new Float64Array(size), firstRow: new Int32Array(size) }));
    if (t.firstRow[pattern]) {
      add(row, undefined, `pattern ${patternName(lists, pattern)}${stratumIdx >= 0 ? ` in stratum ${JSON.stringify(stratum)}` : ""} already appears on row ${t.firstRow[pattern]}`);
      continue;
    }
    t.firstRow[pattern] = row;
    t.counts[pattern] = count;
  }
  if (problems.length === 1) throw new VigilError("validation", problems[0]!.message, { where: problems[0]!, problems });
  if (problems.length > 1) throw new VigilError("validation", `the capture table has ${problems.length}${problems.length === 50 ? "+" : ""} problems; the first: ${problems[0]!.message}`, { where: problems[0]!, problems });
  if (stratumIdx < 0 && !tables.has("")) tables.set("", { counts: new Float64Array(size), firstRow: new Int32Array(size) });
  const out = new Map<string, CaptureTable>();
  for (const [k, t] of tables) out.set(k, { lists: [...lists], counts: t.counts });
  let total = 0;
  for (const t of out.values()) total += observedTotal(t);
  if (total === 0) throw validation("every count is zero: there is nothing to estimate from", at(1));
  return out;
}

/** Writes a table back as CSV (observed patterns only), lists in header order. */
export function tableToCsv(table: CaptureTable): string {
  const lines = [[...table.lists, "count"].join(",")];
  for (let p = 1; p < table.counts.length; p++) {
    if (table.counts[p]! > 0) lines.push([...table.lists.map((_, j) => ((p >> j) & 1 ? "1" : "0")), String(table.counts[p])].join(","));
  }
  return `${lines.join("\n")}\n`;
}

/** One linked person (or record cluster): the lists they were found on, and an optional stratum. */
export interface Membership {
  lists: ReadonlySet<string> | readonly string[];
  stratum?: string | null;
}

/**
 * Builds a capture table from linked records: each membership is one person
 * and the lists they appear on. People on none of `lists` are ignored (they are
 * not part of this estimation); a list name not in `lists` is an error, since it
 * usually means the lists were mislabelled.
 */
export function captureTable(lists: readonly string[], memberships: Iterable<Membership>): CaptureTable {
  return captureTables(lists, memberships).get(null)!;
}

/**
 * As `captureTable`, but one table per stratum (memberships without a stratum
 * go to the `null` key). Used for stratified estimation.
 */
export function captureTables(lists: readonly string[], memberships: Iterable<Membership>, opts: { byStratum?: boolean } = {}): Map<string | null, CaptureTable> {
  checkListNames(lists);
  const index = new Map(lists.map((l, j) => [l, j] as const));
  const out = new Map<string | null, Float64Array>();
  const byStratum = opts.byStratum ?? false;
  if (!byStratum) out.set(null, new Float64Array(1 << lists.length));
  for (const m of memberships) {
    let pattern = 0;
    for (const l of m.lists) {
      const j = index.get(l);
      if (j === undefined) throw validation(`record is on list ${JSON.stringify(l)}, which is not among the lists being estimated (${lists.join(", ")})`, { field: "lists" });
      pattern |= 1 << j;
    }
    if (pattern === 0) continue;
    const key = byStratum ? (m.stratum ?? null) : null;
    let counts = out.get(key);
    if (!counts) out.set(key, (counts = new Float64Array(1 << lists.length)));
    counts[pattern]! += 1;
  }
  return new Map([...out].map(([k, counts]) => [k, { lists: [...lists], counts }]));
}

/** A table with lists merged or dropped: each new list is the union of some old ones. */
export function collapseLists(table: CaptureTable, groups: Record<string, readonly string[]>): CaptureTable {
  const names = Object.keys(groups);
  const index = new Map(table.lists.map((l, j) => [l, j] as const));
  const masks = names.map((n) => {
    let m = 0;
    for (const l of groups[n]!) {
      const j = index.get(l);
      if (j === undefined) throw validation(`unknown list ${JSON.stringify(l)}`, { field: "lists" });
      m |= 1 << j;
    }
    return m;
  });
  const counts = new Float64Array(1 << names.length);
  for (let p = 1; p < table.counts.length; p++) {
    let q = 0;
    masks.forEach((m, j) => {
      if (p & m) q |= 1 << j;
    });
    if (q) counts[q]! += table.counts[p]!;
  }
  checkListNames(names);
  return { lists: names, counts };
}
