/** Victim lists: reading CSV and XLSX files, column mappings, rows with their errors. */
export { detectEncoding, decodeText, type TextEncoding, type Decoded } from "./decode.ts";
export { readTable, readCsv, readXlsx, detectDelimiter, DELIMITERS, type Table, type TableRow } from "./table.ts";
export { FIELDS, REPEATABLE_FIELDS, parseMapping, checkMappingAgainst, suggestMapping, suggestField, type Field, type Mapping } from "./mapping.ts";
export { splitFullName, type NameOrder, type SplitName } from "./split-name.ts";
export { readEntries, type ListEntry, type ReadEntries, type SkippedRow } from "./entries.ts";
export { loadList, type LoadedList } from "./load.ts";
export { importList, existingImport, type ImportListInput, type ImportListResult } from "./importer.ts";
export type { ListTables, ListEntriesTable, ListImportsTable, LinkageDecisionsTable, LinkageReviewsTable } from "./tables.ts";
