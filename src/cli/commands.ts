import type { Command } from "commander";
import { register as linkage } from "../linkage/cli.ts";
import { register as lists } from "../lists/cli.ts";

/**
 * Each capability registers its own commands from its folder's `cli.ts`.
 * Add one line here per capability; keep the list sorted.
 */
export type Registrar = (program: Command) => void;

export const registrars: Registrar[] = [linkage, lists];
