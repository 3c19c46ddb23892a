import type { AppDeps } from "../server/deps.ts";
import { adb } from "./db.ts";
import { pruneFlows } from "./flows.ts";
import { createSetupLink, setupNeeded } from "./links.ts";

/** The address people reach the server at: the configured public URL, or where it listens. */
export function baseUrl(deps: Pick<AppDeps, "config">): string {
  const { publicUrl, host, port } = deps.config;
  if (publicUrl) return publicUrl.replace(/\/$/, "");
  const h = host === "0.0.0.0" || host === "::" ? "localhost" : host.includes(":") ? `[${host}]` : host;
  return `http://${h}:${port}`;
}

/**
 * At start: housekeeping of old one-time links and, while no administrator
 * exists, a fresh one-time setup link printed for the operator.
 */
export async function accountsStartHook(deps: AppDeps, print: (line: string) => void): Promise<void> {
  const db = adb(deps.store.db);
  const now = new Date();
  await pruneFlows(db, now);
  if (await setupNeeded(db)) {
    const token = await createSetupLink(db, now);
    print("No administrator exists yet. Open this one-time link within 24 hours to create the first one:");
    print(`  ${baseUrl(deps)}/workspace/setup?token=${token}`);
    print("(or run: vigil users add --admin --email you@example.org)");
  }
}
