import { InvalidArgumentError, Option, type Command } from "commander";
import cliProgress from "cli-progress";
import { loadConfig, type Config } from "../config/index.ts";
import { makeCtx, SYSTEM, type Actor, type Ctx } from "../core/context.ts";
import { openStore, type Store } from "../store/index.ts";
import { seedVocabularies } from "../records/index.ts";

/** `--data DIR` on a command, for every command that touches the data folder. */
export function withData<T extends Command>(cmd: T): T {
  cmd.addOption(new Option("--data <dir>", "data folder (default ./vigil-data, or VIGIL_DATA_DIR)"));
  return cmd;
}

export interface Opened {
  config: Config;
  store: Store;
  ctx: Ctx;
}

/**
 * Opens the configured database for a command, migrated and with its
 * vocabularies. CLI commands act as the local operator: whoever can read the
 * data folder already holds everything in it.
 */
export async function openForCommand(flags: { data?: string }, actor: Actor = { ...SYSTEM, id: "system:cli" }): Promise<Opened> {
  const config = loadConfig({ ...(flags.data ? { data: flags.data } : {}) });
  const store = await openStore({ dataDir: config.dataDir, ...(config.databaseUrl ? { databaseUrl: config.databaseUrl } : {}) });
  await seedVocabularies(store.db);
  return { config, store, ctx: makeCtx(store, actor) };
}

/** A progress bar on a terminal; silent when stderr is not one (scripts, CI). */
export function progressBar(label: string, total: number): { tick: (n?: number) => void; update: (done: number) => void; stop: () => void } {
  if (!process.stderr.isTTY || total <= 0) return { tick: () => undefined, update: () => undefined, stop: () => undefined };
  const bar = new cliProgress.SingleBar({ format: `${label} [{bar}] {value}/{total} {percentage}% eta {eta_formatted}`, stream: process.stderr, hideCursor: true }, cliProgress.Presets.shades_classic);
  bar.start(total, 0);
  let done = 0;
  return {
    tick: (n = 1) => {
      done += n;
      bar.update(done);
    },
    update: (d) => {
      done = d;
      bar.update(d);
    },
    stop: () => bar.stop(),
  };
}

/** Prints a result: JSON for scripts with --json, text for people otherwise. */
export function emit(json: boolean | undefined, value: unknown, text: () => string): void {
  process.stdout.write(json ? `${JSON.stringify(value)}\n` : `${text()}\n`);
}

/** An option's value as a whole number of at least `min`, or a clear refusal naming the option. */
export const positiveInt =
  (name: string, min = 1) =>
  (v: string): number => {
    const n = Number(v);
    if (!/^\d+$/.test(v.trim()) || !Number.isSafeInteger(n) || n < min) throw new InvalidArgumentError(`${name} must be a whole number ≥ ${min}`);
    return n;
  };
