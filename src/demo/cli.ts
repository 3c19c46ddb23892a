import type { Command } from "commander";
import { emit, openForCommand, progressBar, withData } from "../cli/common.ts";
import { loadDemo } from "./load.ts";

export function register(program: Command): void {
  const demo = program.command("demo").description("demo content: the seed article and a labelled synthetic data set");
  withData(
    demo
      .command("load")
      .description("load the demo content (idempotent: what is there is left alone)")
      .option("--no-synthetic", "load only the real seed article")
      .option("--people <n>", "number of synthetic people", "300")
      .option("--json", "machine-readable output"),
  ).action(async (opts: { data?: string; synthetic: boolean; people: string; json?: boolean }) => {
    const { store } = await openForCommand(opts);
    try {
      let started: ReturnType<typeof progressBar> | undefined;
      const result = await loadDemo(store, {
        synthetic: opts.synthetic,
        people: Number(opts.people),
        onProgress: (done, total) => {
          started ??= progressBar("demo", total);
          started.update(done);
        },
      });
      started?.stop();
      emit(opts.json, result, () => `seed article: ${result.article}; synthetic data: ${result.synthetic}; ${result.records} records and ${result.claims} claims added`);
    } finally {
      await store.close();
    }
  });
}
