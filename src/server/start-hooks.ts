import { accountsStartHook } from "../accounts/index.ts";
import { memorialStartHook } from "../memorial/index.ts";
import { monitorStartHook } from "../monitor/index.ts";
import type { AppDeps } from "./deps.ts";
import { vaultStartHook } from "../vault/index.ts";

/**
 * Work a capability needs done once the database is ready and before the
 * server listens (for example printing a one-time setup link). Each hook may
 * print lines for the operator.
 */
export type StartHook = (deps: AppDeps, print: (line: string) => void) => Promise<void>;

export const startHooks: StartHook[] = [accountsStartHook, vaultStartHook, memorialStartHook, monitorStartHook];
