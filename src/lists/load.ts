import { readFile } from "node:fs/promises";
import { VigilError } from "../core/errors.ts";
import { readEntries, type ReadEntries } from "./entries.ts";
import { checkMappingAgainst, parseMapping, suggestMapping, type Mapping } from "./mapping.ts";
import { readTable, type Table } from "./table.ts";

export interface LoadedList extends ReadEntries {
  table: Table;
  mapping: Mapping;
  /** True when no mapping file was given and the suggested mapping was used. */
  suggested: boolean;
}

/** A file's bytes, or a clear error naming it. */
export async function readBytes(path: string): Promise<Uint8Array> {
  try {
    return await readFile(path);
  } catch (cause) {
    const code = (cause as { code?: string }).code;
    throw new VigilError(code === "ENOENT" ? "not_found" : "import_failed", code === "ENOENT" ? "no such file" : `cannot read the file (${code ?? "error"})`, { where: { file: path }, cause });
  }
}

/**
 * Reads a list file with its mapping file (or, without one, the suggested
 * mapping, which the caller must say it used). `file` is named in errors as given.
 */
export async function loadList(file: string, mappingFile?: string, options: { skipBad?: boolean; blankBadCells?: boolean } = {}): Promise<LoadedList> {
  const table = await readTable(await readBytes(file), file);
  let mapping: Mapping;
  if (mappingFile) {
    const text = new TextDecoder().decode(await readBytes(mappingFile));
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (cause) {
      throw new VigilError("validation", `the mapping is not valid JSON: ${(cause as Error).message}`, { where: { file: mappingFile }, cause });
    }
    mapping = parseMapping(json, mappingFile);
    checkMappingAgainst(mapping, table, mappingFile);
  } else {
    mapping = suggestMapping(table);
  }
  return { table, mapping, suggested: !mappingFile, ...readEntries(table, mapping, options) };
}
