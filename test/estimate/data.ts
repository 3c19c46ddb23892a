import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseCaptureCsv, type CaptureTable } from "../../src/estimate/index.ts";

/**
 * The reference tables of ../shared/data/mse/ (see its PROVENANCE.md for their
 * sources and the answers the tests reproduce). VIGIL_SHARED_DIR overrides the
 * location; tests skip, loudly, when the folder is absent.
 */
function sharedDir(): string {
  if (process.env.VIGIL_SHARED_DIR) return process.env.VIGIL_SHARED_DIR;
  // <repo>/../shared normally; a checkout one level deeper (a worktree folder) finds it one level up.
  for (const rel of ["../../../shared", "../../../../shared"]) {
    const dir = fileURLToPath(new URL(rel, import.meta.url));
    if (existsSync(join(dir, "data", "mse"))) return dir;
  }
  return fileURLToPath(new URL("../../../shared", import.meta.url));
}

export const MSE_DIR = join(sharedDir(), "data", "mse");

export const haveData = existsSync(join(MSE_DIR, "PROVENANCE.md"));
export const NO_DATA = `reference data not found at ${MSE_DIR} (set VIGIL_SHARED_DIR)`;

export function load(name: string): CaptureTable {
  return parseCaptureCsv(readFileSync(join(MSE_DIR, name), "utf8"), { file: name });
}
