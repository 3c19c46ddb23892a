import { VigilError, type FieldProblem } from "../core/errors.ts";
import { normaliseName } from "../core/names.ts";
import { toAsciiDigits } from "../core/digits.ts";
import type { Table } from "./table.ts";

/** What a column of a victim list can hold. `ignore` keeps the column in the verbatim row only. */
export const FIELDS = [
  "id",
  "full_name",
  "given_name",
  "family_name",
  "father_name",
  "sex",
  "birth_date",
  "birth_year",
  "age",
  "birth_place",
  "residence",
  "place_of_death",
  "date_of_death",
  "year_of_death",
  "affiliation",
  "notes",
  "ignore",
] as const;
export type Field = (typeof FIELDS)[number];

/**
 * Fields that several columns may map to: names (a list may give a name in
 * both scripts), places, affiliations and notes. Their values are kept as
 * alternatives or joined; every other field takes one column.
 */
export const REPEATABLE_FIELDS: ReadonlySet<Field> = new Set(["full_name", "given_name", "family_name", "father_name", "residence", "affiliation", "notes", "ignore"]);

/** The mapping file: how to read one list. Its JSON shape is fixed (see docs/linkage.md). */
export interface Mapping {
  list_name: string;
  columns: Record<string, Field>;
  calendar: "jalali" | "gregorian" | "auto";
  name_order: "given_family" | "family_given" | "auto";
  day_month_order: "dmy" | "mdy";
}

const KEYS = ["list_name", "columns", "calendar", "name_order", "day_month_order"] as const;

/** Checks a mapping read from JSON, reporting every problem at once with the mapping file as the place. */
export function parseMapping(value: unknown, file?: string): Mapping {
  const problems: FieldProblem[] = [];
  const where = file ? { file } : {};
  const bad = (field: string, message: string): void => {
    problems.push({ ...where, field, message });
  };
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new VigilError("validation", "a mapping must be a JSON object", { where });
  }
  const v = value as Record<string, unknown>;
  for (const k of Object.keys(v)) if (!(KEYS as readonly string[]).includes(k)) bad(k, `unknown key ${JSON.stringify(k)} (a mapping has ${KEYS.join(", ")})`);
  for (const k of KEYS) if (!(k in v)) bad(k, `missing key ${JSON.stringify(k)}`);
  if ("list_name" in v && (typeof v.list_name !== "string" || v.list_name.trim() === "")) bad("list_name", "list_name must be a non-empty string");
  const columns: Record<string, Field> = {};
  if ("columns" in v) {
    if (typeof v.columns !== "object" || v.columns === null || Array.isArray(v.columns)) bad("columns", "columns must be an object of header → field");
    else {
      const used = new Map<Field, string>();
      for (const [header, field] of Object.entries(v.columns as Record<string, unknown>)) {
        if (typeof field !== "string" || !(FIELDS as readonly string[]).includes(field)) {
          bad("columns", `column ${JSON.stringify(header)}: ${JSON.stringify(field)} is not a field (one of ${FIELDS.join(", ")})`);
          continue;
        }
        const f = field as Field;
        const prev = used.get(f);
        if (prev !== undefined && !REPEATABLE_FIELDS.has(f)) bad("columns", `columns ${JSON.stringify(prev)} and ${JSON.stringify(header)} both map to ${f}, which takes one column`);
        used.set(f, header);
        columns[header] = f;
      }
      if (!Object.values(columns).some((f) => f === "full_name" || f === "given_name" || f === "family_name")) bad("columns", "no column is mapped to a name (full_name, given_name or family_name)");
    }
  }
  const oneOf = (k: string, allowed: readonly string[]): void => {
    if (k in v && !allowed.includes(v[k] as string)) bad(k, `${k} must be one of ${allowed.map((a) => JSON.stringify(a)).join(", ")}`);
  };
  oneOf("calendar", ["jalali", "gregorian", "auto"]);
  oneOf("name_order", ["given_family", "family_given", "auto"]);
  oneOf("day_month_order", ["dmy", "mdy"]);
  if (problems.length === 1) throw new VigilError("validation", `mapping: ${problems[0]!.message}`, { where: problems[0]!, problems });
  if (problems.length > 1) throw new VigilError("validation", `the mapping has ${problems.length} problems`, { where, problems });
  return {
    list_name: (v.list_name as string).trim(),
    columns,
    calendar: v.calendar as Mapping["calendar"],
    name_order: v.name_order as Mapping["name_order"],
    day_month_order: v.day_month_order as Mapping["day_month_order"],
  };
}

/** Checks that a mapping covers exactly the file's headers: a column left out might be a name the user meant to keep. */
export function checkMappingAgainst(mapping: Mapping, table: Table, mappingFile?: string): void {
  const problems: FieldProblem[] = [];
  const headers = new Set(table.headers);
  for (const h of Object.keys(mapping.columns)) if (!headers.has(h)) problems.push({ file: mappingFile ?? table.file, column: h, message: `the mapping names column ${JSON.stringify(h)}, which ${table.file} does not have` });
  for (const h of table.headers) if (!(h in mapping.columns)) problems.push({ file: table.file, column: h, message: `column ${JSON.stringify(h)} is not in the mapping: map it to a field or to "ignore"` });
  if (problems.length === 1) throw new VigilError("validation", problems[0]!.message, { where: problems[0]!, problems });
  if (problems.length > 1) throw new VigilError("validation", `the mapping does not fit ${table.file} (${problems.length} problems)`, { where: { file: table.file }, problems });
}

// Header words in Persian and English, normalised as normaliseName does. Checked whole first, then as parts.
const EXACT: Record<string, Field> = {};
const add = (field: Field, ...headers: string[]): void => {
  for (const h of headers) EXACT[normaliseName(h)] = field;
};
add("id", "id", "no", "no.", "number", "#", "row", "record id", "rec_id", "unique_id", "uid", "ردیف", "شماره", "کد", "شناسه", "شماره ردیف");
add("full_name", "name", "full name", "fullname", "full_name", "names", "نام و نام خانوادگی", "نام کامل", "اسم", "اسم و فامیل", "نام و نام‌خانوادگی", "name_latin", "name_farsi", "name_persian");
add("given_name", "first name", "given name", "forename", "first_name", "given_name", "firstname", "نام", "اسم کوچک");
add("family_name", "surname", "last name", "family name", "last_name", "family_name", "lastname", "نام خانوادگی", "نام‌خانوادگی", "فامیل", "فامیلی", "شهرت");
add("father_name", "father", "father's name", "father name", "fathers name", "father_name", "son of", "نام پدر", "پدر", "فرزند");
add("sex", "sex", "gender", "جنسیت", "جنس");
add("birth_date", "date of birth", "dob", "birth date", "born", "birthdate", "date_of_birth", "birth_date", "تاریخ تولد", "متولد", "تولد");
add("birth_year", "year of birth", "birth year", "yob", "birth_year", "سال تولد");
add("age", "age", "age at death", "age_at_death", "age at execution", "سن", "سن هنگام اعدام", "سن هنگام مرگ", "سن هنگام شهادت");
add("birth_place", "place of birth", "birthplace", "birth_place", "born in", "محل تولد", "زادگاه");
add("residence", "residence", "address", "city", "home town", "hometown", "town", "suburb", "محل سکونت", "نشانی", "آدرس", "شهر", "محل زندگی");
add("place_of_death", "place of death", "place of execution", "prison", "place_of_death", "محل اعدام", "محل فوت", "زندان", "محل مرگ", "محل شهادت");
add("date_of_death", "date of death", "date of execution", "died", "death date", "execution date", "date_of_death", "تاریخ اعدام", "تاریخ فوت", "تاریخ شهادت", "تاریخ مرگ");
add("year_of_death", "year of death", "year of execution", "year_of_death", "سال اعدام", "سال فوت", "سال شهادت");
add("affiliation", "affiliation", "organisation", "organization", "party", "group", "political affiliation", "وابستگی", "وابستگی سیاسی", "گروه", "سازمان", "هواداری", "جریان سیاسی");
add("notes", "notes", "note", "comments", "comment", "remarks", "description", "توضیحات", "یادداشت", "ملاحظات", "شرح");

// Parts of longer headers, most specific first (so "نام پدر" is the father's name, not a name).
const PARTS: [RegExp, Field][] = [
  [/father|پدر/, "father_name"],
  [/(birth|born|تولد).*(place|city|محل)|(place|city|محل).*(birth|تولد)|زادگاه/, "birth_place"],
  [/(birth|تولد).*(year|سال)|(year|سال).*(birth|تولد)/, "birth_year"],
  [/birth|born|تولد|dob/, "birth_date"],
  [/(death|execution|executed|died|اعدام|فوت|شهادت|مرگ).*(place|city|prison|محل)|(place|محل).*(death|execution|اعدام|فوت|شهادت|مرگ)/, "place_of_death"],
  [/(death|execution|اعدام|فوت|شهادت|مرگ).*(year|سال)|(year|سال).*(death|execution|اعدام|فوت|شهادت|مرگ)/, "year_of_death"],
  [/(death|execution|executed|died|اعدام|فوت|شهادت|مرگ)/, "date_of_death"],
  [/surname|last name|family|خانوادگی|فامیل/, "family_name"],
  [/first name|given|forename/, "given_name"],
  [/\bage\b|سن/, "age"],
  [/sex|gender|جنس/, "sex"],
  [/residen|address|آدرس|نشانی|سکونت/, "residence"],
  [/affiliat|party|organi[sz]ation|وابستگی|سازمان|هوادار/, "affiliation"],
  [/note|comment|remark|توضیح|یادداشت/, "notes"],
  [/name|نام|اسم/, "full_name"],
];

/** The field a header most likely names, or `ignore`. */
export function suggestField(header: string): Field {
  const h = normaliseName(header.replace(/_/g, " "));
  const exact = EXACT[h] ?? EXACT[normaliseName(header)];
  if (exact) return exact;
  for (const [re, field] of PARTS) if (re.test(h)) return field;
  return "ignore";
}

/**
 * A mapping suggested from a file's headers and first rows: fields from the
 * headers (Persian or English); the calendar and the order of day and month
 * from the dates it holds; the order of names from commas in full names.
 * Only a suggestion: the user checks it and passes it back explicitly.
 */
export function suggestMapping(table: Table, listName?: string): Mapping {
  const columns: Record<string, Field> = {};
  const taken = new Set<Field>();
  for (const h of table.headers) {
    let f = suggestField(h);
    if (taken.has(f) && !REPEATABLE_FIELDS.has(f)) f = "ignore";
    taken.add(f);
    columns[h] = f;
  }
  const sample = table.rows.slice(0, 500);
  const valuesOf = (fields: Field[]): string[] => {
    const idx = table.headers.map((h, i) => (fields.includes(columns[h]!) ? i : -1)).filter((i) => i >= 0);
    return sample.flatMap((r) => idx.map((i) => toAsciiDigits(r.cells[i] ?? "").trim())).filter((x) => x !== "");
  };
  const dates = valuesOf(["birth_date", "birth_year", "date_of_death", "year_of_death"]);
  let jalali = 0;
  let gregorian = 0;
  let dmy = 0;
  let mdy = 0;
  for (const d of dates) {
    for (const y of d.match(/\b\d{4}\b/g) ?? []) {
      const n = Number(y);
      if (n >= 1250 && n < 1500) jalali++;
      else if (n >= 1600 && n <= 2200) gregorian++;
    }
    const m = /^(\d{1,2})[/.-](\d{1,2})[/.-]\d{4}$/.exec(d);
    if (m) {
      if (Number(m[1]) > 12) dmy++;
      if (Number(m[2]) > 12) mdy++;
    }
  }
  const calendar = jalali > 0 && gregorian === 0 ? "jalali" : gregorian > 0 && jalali === 0 ? "gregorian" : "auto";
  const fullNames = valuesOf(["full_name"]);
  const withComma = fullNames.filter((n) => /[,،]/.test(n)).length;
  const name_order = fullNames.length > 0 && withComma > fullNames.length / 2 ? "family_given" : "auto";
  const base = table.file.split(/[\\/]/).pop() ?? table.file;
  return { list_name: listName ?? base.replace(/\.(csv|tsv|txt|xlsx)$/i, ""), columns, calendar, name_order, day_month_order: mdy > dmy ? "mdy" : "dmy" };
}
