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

/** Why a browser test cannot run here, or undefined when Chromium is available (CI requires it). */
export function noChromium(): string | undefined {
  if (existsSync("/usr/bin/chromium")) return undefined;
  if (process.env.VIGIL_REQUIRE_CHROMIUM) throw new Error("Chromium is required (VIGIL_REQUIRE_CHROMIUM) but /usr/bin/chromium is missing");
  return "Chromium not found at /usr/bin/chromium";
}
