import type { AppDeps } from "../server/deps.ts";
import { Freshness } from "./freshness.ts";
import { memorialDb } from "./schema.ts";
import { loadPublicKey } from "./testimony/intake.ts";

/**
 * Before the server listens: bring the search facets up to date (a first
 * start on a large database derives them for everyone, rather than making the
 * first visitor wait), and say when testimony intake is closed for want of a key.
 */
export async function memorialStartHook(deps: AppDeps, print: (line: string) => void): Promise<void> {
  await new Freshness(memorialDb(deps.store.db), 0).check(true);
  if (!loadPublicKey(deps.store.dataDir)) print("memorial: testimony intake is closed until a reviewer's key exists: vigil memorial testimony-keys init");
}
