import type { Config } from "../config/index.ts";
import type { Store } from "../store/index.ts";
import { ensureLivenessSchedule } from "./jobs.ts";
import { defaultOriginFor } from "./routes.ts";
import { vaultFor } from "./use-cases.ts";

/**
 * At server start: open the vault (checking the log against its signed
 * checkpoint and repairing what an interrupted writer left), say what was
 * repaired, and make sure liveness re-checks are scheduled. A log that fails
 * its check is reported loudly; the rest of Vigil still starts, and the
 * vault's routes answer with the integrity error.
 */
export async function vaultStartHook(deps: { store: Store; config: Config }, print: (line: string) => void): Promise<void> {
  const defaultOrigin = defaultOriginFor(deps.config);
  try {
    const vault = await vaultFor(deps.store, defaultOrigin ? { defaultOrigin } : {});
    for (const line of vault.openReport.repaired) print(`vault: repaired on open: ${line}`);
  } catch (err) {
    print(`vault: NOT AVAILABLE: ${err instanceof Error ? err.message : String(err)}`);
    return;
  }
  await ensureLivenessSchedule(deps.store, { intervalMs: deps.config.livenessHours * 3600_000, allowPrivate: deps.config.captureAllowPrivate });
}
