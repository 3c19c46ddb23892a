import type { Command } from "commander";
import { readFile } from "node:fs/promises";
import { VigilError } from "../core/errors.ts";
import { suggestMapping } from "./mapping.ts";
import { readTable } from "./table.ts";

/** `vigil lists …`: commands on list files. */
export function register(program: Command): void {
  const lists = program.command("lists").description("victim lists: read CSV/XLSX files and their column mappings");
  lists
    .command("suggest-mapping")
    .description("print a suggested mapping (JSON) for a list file; check it, edit it, save it and pass it to `vigil link FILE:MAPPING.json`")
    .argument("<file>", "a CSV or XLSX list")
    .option("--list-name <name>", "the list's name in the mapping (default: the file name)")
    .action(async (file: string, opts: { listName?: string }) => {
      let bytes: Uint8Array;
      try {
        bytes = await readFile(file);
      } catch (cause) {
        throw new VigilError("not_found", "cannot read the file", { where: { file }, cause });
      }
      const table = await readTable(bytes, file);
      process.stdout.write(`${JSON.stringify(suggestMapping(table, opts.listName), null, 2)}\n`);
    });
}
