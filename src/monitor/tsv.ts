import { readFileSync } from "node:fs";
import { VigilError } from "../core/errors.ts";

/** One data row of a TSV data file, with its line number for error messages. */
export interface TsvRow {
  line: number;
  cells: Record<string, string>;
}

/**
 * Reads a tab-separated data file: lines starting with # are comments, the
 * first other line is the header. A row with the wrong number of cells is an
 * error that names the file and line, so a broken data edit fails loudly.
 */
export function parseTsv(text: string, file: string): TsvRow[] {
  const rows: TsvRow[] = [];
  let header: string[] | undefined;
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i]!;
    if (raw.trim() === "" || raw.startsWith("#")) continue;
    const cells = raw.split("\t");
    if (!header) {
      header = cells.map((c) => c.trim());
      continue;
    }
    if (cells.length !== header.length) {
      throw new VigilError("validation", `expected ${header.length} tab-separated cells, found ${cells.length}`, { where: { file, line: i + 1 } });
    }
    const rec: Record<string, string> = {};
    header.forEach((h, k) => (rec[h] = cells[k]!.trim()));
    rows.push({ line: i + 1, cells: rec });
  }
  return rows;
}

/** Reads a TSV file shipped in `src/monitor/data/`. */
export function readDataTsv(name: string): TsvRow[] {
  const url = new URL(`./data/${name}`, import.meta.url);
  return parseTsv(readFileSync(url, "utf8"), `src/monitor/data/${name}`);
}
