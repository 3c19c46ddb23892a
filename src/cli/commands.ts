import type { Command } from "commander";
import { register as accountability } from "../accountability/cli.ts";
import { register as accounts } from "../accounts/cli.ts";
import { register as demo } from "../demo/cli.ts";
import { register as estimate } from "../estimate/cli.ts";
import { register as linkage } from "../linkage/cli.ts";
import { register as lists } from "../lists/cli.ts";
import { register as memorial } from "../memorial/cli.ts";
import { register as monitor } from "../monitor/cli.ts";
import { register as records } from "../records/cli.ts";
import { register as serve } from "../server/cli.ts";
import { register as store } from "../store/cli.ts";
import { register as vault } from "../vault/cli.ts";

/**
 * Each capability registers its own commands from its folder's `cli.ts`.
 * Add one line here per capability; keep the list sorted.
 */
export type Registrar = (program: Command) => void;

export const registrars: Registrar[] = [accounts, demo, estimate, linkage, lists, monitor, records, serve, store, vault, memorial, accountability];
