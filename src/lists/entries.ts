import { birthFromAge, parseDate, type FuzzyDate } from "../core/dates.ts";
import { toAsciiDigits } from "../core/digits.ts";
import { VigilError, type FieldProblem } from "../core/errors.ts";
import type { PersonRecord } from "../linkage/index.ts";
import type { Field, Mapping } from "./mapping.ts";
import { splitFullName } from "./split-name.ts";
import type { Table } from "./table.ts";

/** One row of a list: kept verbatim, with the person it describes read from it. */
export interface ListEntry {
  list: string;
  file: string;
  /** 1-based data row number. */
  row: number;
  /** Line (CSV) or sheet row (XLSX) in the file. */
  line: number;
  /** From the column mapped to `id`, else the row number. */
  rowId: string;
  /** Every cell as the file had it, by header. */
  raw: Record<string, string>;
  person: PersonRecord;
  notes?: string;
}

export interface SkippedRow {
  row: number;
  line: number;
  problems: FieldProblem[];
}

export interface ReadEntries {
  entries: ListEntry[];
  /** Rows left out with --skip-bad, each with its problems. */
  skipped: SkippedRow[];
  /** Cells left blank with `blankBadCells`, each with why. */
  blanked: FieldProblem[];
}

/** Words lists write in a cell they could not fill. */
const UNKNOWN = new Set(["", "-", "--", "?", "؟", "unknown", "n/a", "na", "null", "none", "نامعلوم", "نامشخص", "مشخص نیست", "ندارد"]);

const SEX: Record<string, "male" | "female"> = {};
for (const w of ["m", "male", "man", "boy", "مرد", "مذکر", "آقا", "پسر", "ذکر"]) SEX[w] = "male";
for (const w of ["f", "female", "woman", "girl", "زن", "مونث", "مؤنث", "خانم", "دختر"]) SEX[w] = "female";

function readAge(v: string): number | undefined {
  const m = /^(?:c\.?|about|حدود|حدودا|حدوداً)?\s*(\d{1,3})\s*(?:y|yrs?|years?(?: old)?|سال|ساله|سالگی)?$/i.exec(toAsciiDigits(v).trim());
  if (!m) return undefined;
  const n = Number(m[1]);
  return n <= 120 ? n : undefined;
}

/**
 * Reads every row of a table through a mapping. A row with a problem (a date
 * that cannot be read, an impossible age, no name, a duplicate id) is
 * reported with its file, row, line and column. All or nothing: any problem
 * fails the whole read unless `skipBad`, which leaves bad rows out and lists
 * each of them.
 */
export function readEntries(table: Table, mapping: Mapping, options: { skipBad?: boolean; blankBadCells?: boolean } = {}): ReadEntries {
  const file = table.file;
  const fieldOf = table.headers.map((h) => mapping.columns[h] ?? "ignore");
  const entries: ListEntry[] = [];
  const skipped: SkippedRow[] = [];
  const allProblems: FieldProblem[] = [];
  const blanked: FieldProblem[] = [];
  const seenIds = new Map<string, number>();
  const dateOptions = { calendar: mapping.calendar, dayMonthOrder: mapping.day_month_order } as const;

  for (const r of table.rows) {
    const problems: FieldProblem[] = [];
    // A cell that cannot be read: a row problem, or with blankBadCells a cell read as empty.
    const cellProblem = (p: FieldProblem): void => {
      (options.blankBadCells ? blanked : problems).push(p);
    };
    const where = (column: string, field: Field) => ({ file, row: r.row, line: r.line, column, field });
    const raw: Record<string, string> = {};
    table.headers.forEach((h, i) => (raw[h] = r.cells[i] ?? ""));
    if (r.cells.length > table.headers.length && r.cells.slice(table.headers.length).some((c) => c.trim() !== "")) {
      problems.push({ file, row: r.row, line: r.line, message: `the row has ${r.cells.length} cells but the header has ${table.headers.length}` });
    }
    const person: PersonRecord = { list: mapping.list_name, rowId: String(r.row) };
    const push = (key: "given" | "family" | "father" | "birthPlace" | "residence" | "placeOfDeath" | "affiliation", value: string): void => {
      (person[key] ??= []).push(value);
    };
    let rowId: string | undefined;
    let age: { value: number; column: string } | undefined;
    let birthYear: FuzzyDate | undefined;
    let deathYear: FuzzyDate | undefined;
    const notes: string[] = [];
    const residence: string[] = [];
    const date = (value: string, column: string, field: Field, yearOnly: boolean): FuzzyDate | undefined => {
      const v = toAsciiDigits(value).trim();
      if (yearOnly && !/^\d{4}(\s*\S+)?$/.test(v)) {
        cellProblem({ ...where(column, field), message: `${JSON.stringify(value)} is not a year` });
        return undefined;
      }
      try {
        const d = parseDate(value, { ...dateOptions, field });
        return d.precision === "unknown" ? undefined : d;
      } catch (e) {
        if (e instanceof VigilError) cellProblem({ ...where(column, field), message: e.message });
        else throw e;
        return undefined;
      }
    };

    table.headers.forEach((column, i) => {
      const field = fieldOf[i]!;
      const value = (r.cells[i] ?? "").trim();
      if (field === "ignore") return;
      if (field !== "id" && UNKNOWN.has(value.toLowerCase())) return;
      switch (field) {
        case "id":
          if (value === "") problems.push({ ...where(column, field), message: "the id is empty" });
          else rowId = value;
          break;
        case "full_name": {
          const s = splitFullName(value, mapping.name_order);
          if (s.given) push("given", s.given);
          if (s.family) push("family", s.family);
          break;
        }
        case "given_name":
          push("given", value);
          break;
        case "family_name":
          push("family", value);
          break;
        case "father_name":
          push("father", value);
          break;
        case "sex": {
          const s = SEX[value.toLowerCase()];
          if (s) person.sex = s;
          else cellProblem({ ...where(column, field), message: `${JSON.stringify(value)} is not a sex Vigil reads (male/female, مرد/زن, m/f)` });
          break;
        }
        case "birth_date": {
          const d = date(/^\d{8}$/.test(value) ? `${value.slice(0, 4)}-${value.slice(4, 6)}-${value.slice(6)}` : value, column, field, false);
          if (d) person.birth = d;
          break;
        }
        case "birth_year":
          birthYear = date(value, column, field, true);
          break;
        case "age": {
          const a = readAge(value);
          if (a === undefined) cellProblem({ ...where(column, field), message: `${JSON.stringify(value)} is not an age` });
          else age = { value: a, column };
          break;
        }
        case "birth_place":
          push("birthPlace", value);
          break;
        case "residence":
          // Several residence columns (street, city, province) are one address.
          residence.push(value);
          break;
        case "place_of_death":
          push("placeOfDeath", value);
          break;
        case "date_of_death": {
          const d = date(value, column, field, false);
          if (d) person.death = d;
          break;
        }
        case "year_of_death":
          deathYear = date(value, column, field, true);
          break;
        case "affiliation":
          push("affiliation", value);
          break;
        case "notes":
          notes.push(value);
          break;
      }
    });
    if (residence.length) person.residence = [residence.join(", ")];
    person.birth ??= birthYear;
    person.death ??= deathYear;
    if (!person.birth && age && person.death) person.birth = birthFromAge(age.value, person.death, `age ${age.value}`);
    if (person.birth?.earliest && person.death?.latest && person.birth.earliest > person.death.latest) {
      problems.push({ file, row: r.row, line: r.line, field: "birth_date", message: `born (${person.birth.text}) after dying (${person.death.text})` });
    }
    if (!person.given?.length && !person.family?.length) problems.push({ file, row: r.row, line: r.line, message: "the row has no name" });
    if (rowId !== undefined) {
      const prev = seenIds.get(rowId);
      if (prev !== undefined) problems.push({ file, row: r.row, line: r.line, field: "id", message: `id ${JSON.stringify(rowId)} is also on row ${prev}` });
      else seenIds.set(rowId, r.row);
      person.rowId = rowId;
    }
    if (problems.length > 0) {
      allProblems.push(...problems);
      skipped.push({ row: r.row, line: r.line, problems });
      continue;
    }
    entries.push({ list: mapping.list_name, file, row: r.row, line: r.line, rowId: person.rowId, raw, person, ...(notes.length ? { notes: notes.join("; ") } : {}) });
  }
  if (allProblems.length > 0 && !options.skipBad) {
    const n = skipped.length;
    const only = allProblems.length === 1 ? allProblems[0]! : undefined;
    const detail = only ? ` (row ${only.row}${only.column ? `, column ${JSON.stringify(only.column)}` : ""}: ${only.message})` : "";
    throw new VigilError("import_failed", `${n} row${n === 1 ? "" : "s"} of ${file} cannot be read${detail}; nothing was imported (fix ${n === 1 ? "it" : "them"}, or pass --skip-bad to leave ${n === 1 ? "it" : "them"} out)`, {
      where: allProblems[0]!,
      problems: allProblems,
    });
  }
  return { entries, skipped, blanked };
}
