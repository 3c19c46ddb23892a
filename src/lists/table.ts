import { parse } from "csv-parse/sync";
import type ExcelJS from "exceljs";
import { VigilError } from "../core/errors.ts";
import { decodeText, type TextEncoding } from "./decode.ts";

/** One data row as read: its cells in header order and where it sits in the file. */
export interface TableRow {
  /** 1-based number among data rows (the header is not counted). */
  row: number;
  /** Physical line (CSV) or sheet row (XLSX) where the row starts, 1-based. */
  line: number;
  cells: string[];
}

/** A list file read into a header and rows of text cells, each kept as the file had it. */
export interface Table {
  file: string;
  format: "csv" | "xlsx";
  encoding?: TextEncoding;
  delimiter?: string;
  sheet?: string;
  headers: string[];
  rows: TableRow[];
}

/** Field separators seen in lists: comma, semicolon (European Excel), tab, pipe, Arabic comma. */
export const DELIMITERS = [",", ";", "\t", "|", "\u060c"] as const;

function tryParse(text: string, delimiter: string, toLine?: number): string[][] | undefined {
  try {
    return parse(text, { delimiter, relax_column_count: true, skip_empty_lines: true, trim: true, ...(toLine ? { to_line: toLine } : {}) });
  } catch {
    return undefined;
  }
}

/**
 * The delimiter that splits the first lines into the most consistent number
 * of columns (more than one). Ties go to the earlier, commoner delimiter.
 */
export function detectDelimiter(text: string): string {
  let best: { delimiter: string; score: number } | undefined;
  for (const delimiter of DELIMITERS) {
    if (!text.includes(delimiter)) continue;
    const rows = tryParse(text, delimiter, 50);
    if (!rows || rows.length === 0) continue;
    const counts = new Map<number, number>();
    for (const r of rows) counts.set(r.length, (counts.get(r.length) ?? 0) + 1);
    let mode = 0;
    let modeCount = 0;
    for (const [len, c] of counts) if (c > modeCount || (c === modeCount && len > mode)) [mode, modeCount] = [len, c];
    if (mode < 2) continue;
    const header = rows[0]!.length === mode ? 1 : 0.5;
    const score = (modeCount / rows.length) * header * 1000 + Math.min(mode, 100);
    if (!best || score > best.score) best = { delimiter, score };
  }
  return best?.delimiter ?? ",";
}

function uniqueHeaders(headers: string[], file: string): string[] {
  const seen = new Set<string>();
  headers.forEach((h, i) => {
    if (h === "") throw new VigilError("import_failed", `column ${i + 1} has no header`, { where: { file, line: 1 } });
    if (seen.has(h)) throw new VigilError("import_failed", `two columns have the header ${JSON.stringify(h)}`, { where: { file, line: 1, column: h } });
    seen.add(h);
  });
  return headers;
}

/** Reads a CSV (or TSV, …) file of any delimiter and encoding Vigil detects. */
export function readCsv(bytes: Uint8Array, file: string, options: { delimiter?: string } = {}): Table {
  const { text, encoding } = decodeText(bytes, file);
  const delimiter = options.delimiter ?? detectDelimiter(text);
  let records: { record: string[]; info: { lines: number }; raw: string }[];
  try {
    records = parse(text, { delimiter, relax_column_count: true, skip_empty_lines: true, trim: true, info: true, raw: true }) as unknown as typeof records;
  } catch (cause) {
    const e = cause as { message?: string; lines?: number };
    throw new VigilError("import_failed", `not a readable CSV file: ${(e.message ?? "parse error").replace(/^Invalid [^:]*: /, "")}`, {
      where: { file, ...(typeof e.lines === "number" ? { line: e.lines } : {}) },
      cause,
    });
  }
  const first = records.shift();
  if (!first) throw new VigilError("import_failed", "the file is empty", { where: { file } });
  const headers = uniqueHeaders(first.record.map((h) => h.replace(/^\ufeff/, "")), file);
  // csv-parse reports the line a record ends on; its start is that less the line breaks inside it.
  const rows: TableRow[] = records.map((r, i) => {
    const inner = r.raw.replace(/^[\r\n]+/, "").replace(/\r?\n$/, "").split("\n").length - 1;
    return { row: i + 1, line: r.info.lines - inner, cells: r.record };
  });
  return { file, format: "csv", encoding, delimiter, headers, rows };
}

function cellText(value: ExcelJS.CellValue): string {
  if (value === null || value === undefined) return "";
  if (value instanceof Date) return value.toISOString().slice(0, 10);
  if (typeof value === "string") return value;
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  if (typeof value === "object") {
    if ("richText" in value) return value.richText.map((t) => t.text).join("");
    if ("error" in value) return "";
    if ("formula" in value || "sharedFormula" in value) return cellText((value as ExcelJS.CellFormulaValue).result);
    if ("text" in value) return String((value as { text: unknown }).text);
  }
  return "";
}

/** Reads the first worksheet that has data (or the named one) of an XLSX workbook. */
export async function readXlsx(bytes: Uint8Array, file: string, options: { sheet?: string } = {}): Promise<Table> {
  // Loaded when a spreadsheet is read, not when the server starts.
  const { default: Excel } = await import("exceljs");
  const wb = new Excel.Workbook();
  try {
    await wb.xlsx.load(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength) as unknown as ExcelJS.Buffer);
  } catch (cause) {
    throw new VigilError("import_failed", "not a readable XLSX workbook", { where: { file }, cause });
  }
  const sheets = wb.worksheets;
  const ws = options.sheet ? wb.getWorksheet(options.sheet) : sheets.find((s) => s.actualRowCount > 0);
  if (!ws) throw new VigilError("import_failed", options.sheet ? `the workbook has no sheet ${JSON.stringify(options.sheet)}` : "the workbook has no data", { where: { file } });
  let headers: string[] | undefined;
  let width = 0;
  const rows: TableRow[] = [];
  ws.eachRow({ includeEmpty: false }, (r, rowNumber) => {
    const values: string[] = [];
    const count = Math.max(r.cellCount, width);
    for (let c = 1; c <= count; c++) values.push(cellText(r.getCell(c).value).trim());
    if (values.every((v) => v === "")) return;
    if (!headers) {
      while (values.length && values[values.length - 1] === "") values.pop();
      headers = uniqueHeaders(values, file);
      width = headers.length;
      return;
    }
    while (values.length > width && values[values.length - 1] === "") values.pop();
    rows.push({ row: rows.length + 1, line: rowNumber, cells: values.length < width ? [...values, ...Array<string>(width - values.length).fill("")] : values });
  });
  if (!headers) throw new VigilError("import_failed", "the workbook has no data", { where: { file } });
  return { file, format: "xlsx", sheet: ws.name, headers, rows };
}

const ZIP_MAGIC = [0x50, 0x4b, 0x03, 0x04];

/** Reads a list file: XLSX when it is a zip workbook, otherwise CSV text. */
export async function readTable(bytes: Uint8Array, file: string, options: { delimiter?: string; sheet?: string } = {}): Promise<Table> {
  const isZip = ZIP_MAGIC.every((b, i) => bytes[i] === b);
  if (isZip) return readXlsx(bytes, file, options);
  if (/\.xls$/i.test(file)) throw new VigilError("unsupported", "old .xls workbooks are not read: save the sheet as XLSX or CSV", { where: { file } });
  return readCsv(bytes, file, options);
}
