import { createHash, randomBytes } from "node:crypto";
import { authorize } from "../accounts/index.ts";
import { nowIso, withTransaction, type Ctx } from "../core/context.ts";
import { conflict } from "../core/errors.ts";
import { createRecord } from "../records/index.ts";
import { readEntries, type SkippedRow } from "./entries.ts";
import { checkMappingAgainst, type Mapping } from "./mapping.ts";
import { readTable } from "./table.ts";
import type { ListTables } from "./tables.ts";

export interface ImportListInput {
  bytes: Uint8Array;
  /** The file's name, for messages and the source record. */
  file: string;
  mapping: Mapping;
  mappingFile?: string;
  skipBad?: boolean;
}

export interface ImportListResult {
  importId: string;
  sourceId: string;
  listName: string;
  rows: number;
  skipped: SkippedRow[];
  /** The same file was imported before under this list name: nothing was written. */
  alreadyImported: boolean;
}

/** The list already imported under a name, if any: its file's SHA-256 tells whether importing a file again would change anything. */
export async function existingImport(ctx: Ctx, listName: string): Promise<{ id: string; sha256: string; fileName: string } | undefined> {
  authorize(ctx.actor, "record.read");
  const row = await ctx.db.withTables<ListTables>().selectFrom("list_imports").select(["id", "sha256", "file_name"]).where("list_name", "=", listName.trim()).executeTakeFirst();
  return row ? { id: row.id, sha256: row.sha256, fileName: row.file_name } : undefined;
}

const entryId = (): string => `ent_${randomBytes(12).toString("hex")}`;

/**
 * Imports a list: the list becomes a source record (a published list) and
 * every row a list entry, kept verbatim with what was read from it. All rows
 * or none (unless `skipBad`), in one transaction. Importing the same file
 * again under the same list name changes nothing; another file under a name
 * already used is refused, so that row ids keep meaning one row.
 */
export async function importList(ctx: Ctx, input: ImportListInput): Promise<ImportListResult> {
  authorize(ctx.actor, "record.create");
  const sha256 = createHash("sha256").update(input.bytes).digest("hex");
  const db = ctx.db.withTables<ListTables>();
  const listName = input.mapping.list_name;
  const existing = await db.selectFrom("list_imports").selectAll().where("list_name", "=", listName).executeTakeFirst();
  if (existing) {
    if (existing.sha256 !== sha256) throw conflict(`a different file was already imported as list ${JSON.stringify(listName)} (${existing.file_name}); give this one its own list_name`);
    return { importId: existing.id, sourceId: existing.source_id, listName, rows: existing.row_count, skipped: JSON.parse(existing.skipped) as SkippedRow[], alreadyImported: true };
  }
  const table = await readTable(input.bytes, input.file);
  checkMappingAgainst(input.mapping, table, input.mappingFile);
  const { entries, skipped } = readEntries(table, input.mapping, { skipBad: input.skipBad ?? false });
  return withTransaction(ctx, async (tx) => {
    const source = await createRecord(
      tx,
      { type: "source", kind: "published_list", label: listName, confidentiality: "staff", data: { file: input.file.split(/[\\/]/).pop() ?? input.file, sha256, rows: entries.length } },
      `import of list ${listName}`,
    );
    const importId = `imp_${randomBytes(12).toString("hex")}`;
    const tdb = tx.db.withTables<ListTables>();
    await tdb
      .insertInto("list_imports")
      .values({
        id: importId,
        source_id: source.id,
        list_name: listName,
        file_name: input.file,
        sha256,
        mapping: JSON.stringify(input.mapping),
        row_count: entries.length,
        skipped: JSON.stringify(skipped),
        created_at: nowIso(tx),
        created_by: tx.actor.id,
      })
      .execute();
    await tx.store.bulkInsert(
      tx.db,
      "list_entries",
      entries.map((e) => ({
        id: entryId(),
        import_id: importId,
        list_name: listName,
        row_number: e.row,
        line: e.line,
        row_id: e.rowId,
        raw: JSON.stringify(e.raw),
        person: JSON.stringify(e.person),
        person_id: null,
        cluster: null,
        match_probability: null,
      })),
    );
    return { importId, sourceId: source.id, listName, rows: entries.length, skipped, alreadyImported: false };
  });
}
