import { existsSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { parse } from "csv-parse/sync";

/** The shared test data folder (`../shared` next to the repository, or VIGIL_SHARED_DIR). */
export function sharedDir(): string {
  return process.env.VIGIL_SHARED_DIR ?? fileURLToPath(new URL("../../../shared", import.meta.url));
}

/** Path of a file under `../shared/data/`, or undefined when it is absent. */
export function sharedFile(relative: string): string | undefined {
  const p = `${sharedDir()}/data/${relative}`;
  return existsSync(p) ? p : undefined;
}

/** Rows of a CSV file under `../shared/data/`, or undefined when it is absent. */
export function sharedCsv(relative: string): Record<string, string>[] | undefined {
  const p = sharedFile(relative);
  if (!p) return undefined;
  return parse<Record<string, string>>(readFileSync(p), { columns: true, skip_empty_lines: true });
}
