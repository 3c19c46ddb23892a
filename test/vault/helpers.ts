import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

/** The shared test-data folder: VIGIL_SHARED_DIR, else `<repo>/../shared`. */
export function sharedDir(): string {
  return process.env.VIGIL_SHARED_DIR ?? fileURLToPath(new URL("../../../shared", import.meta.url));
}

/** Path to a shared data file or folder, or undefined when the shared data is absent. */
export function sharedData(rel: string): string | undefined {
  const p = join(sharedDir(), "data", rel);
  return existsSync(p) ? p : undefined;
}

/** A fresh temporary folder, removed by the returned cleanup. */
export function tempDir(prefix = "vigil-vault-"): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}
