import { createReadStream, statSync } from "node:fs";
import { createInterface } from "node:readline";
import type { Readable } from "node:stream";
import type { Command } from "commander";
import { SingleBar, Presets } from "cli-progress";
import { VigilError } from "../core/errors.ts";
import { classifyItem, defaultDetector, parseItemLine } from "./classify.ts";

/** Streams JSON lines in, classified JSON lines out; bad lines are reported on stderr and counted. */
export async function classifyStream(input: Readable, write: (line: string) => void, report: (err: VigilError) => void, onLine?: (bytes: number) => void): Promise<{ items: number; errors: number }> {
  const detector = defaultDetector();
  const lines = createInterface({ input, crlfDelay: Infinity });
  let n = 0;
  let items = 0;
  let errors = 0;
  for await (const raw of lines) {
    n++;
    onLine?.(Buffer.byteLength(raw) + 1);
    if (!raw.trim()) continue;
    try {
      const item = parseItemLine(raw, n);
      write(JSON.stringify(classifyItem(item, detector)));
      items++;
    } catch (err) {
      if (!(err instanceof VigilError)) throw err;
      errors++;
      report(err);
    }
  }
  return { items, errors };
}

/** Registers `vigil monitor …`. */
export function register(program: Command): void {
  const monitor = program.command("monitor").description("Monitoring and early warning: classify items, watch feeds, alert subscribers");

  monitor
    .command("classify")
    .description("Label items (execution_report, death_sentence, arrest, at_risk, glorification, incitement) with reasons and entities")
    .argument("<file>", "JSON lines with at least id and text (optionally title, url, published, lang); - for stdin")
    .addHelpText("after", "\nOutput: one JSON object per line with id, lang, labels, reasons and entities.\nLines that cannot be read are reported on stderr with their line number; the exit code is 1 if any were.")
    .action(async (file: string) => {
      let input: Readable;
      let bar: SingleBar | undefined;
      if (file === "-") input = process.stdin;
      else {
        let size: number;
        try {
          size = statSync(file).size;
        } catch (err) {
          throw new VigilError("not_found", `cannot read ${file}: ${(err as Error).message}`, { where: { file }, cause: err });
        }
        input = createReadStream(file);
        if (process.stderr.isTTY && size > 1_000_000) {
          bar = new SingleBar({ format: "classifying [{bar}] {percentage}% | {eta}s left", stream: process.stderr }, Presets.shades_classic);
          bar.start(size, 0);
        }
      }
      const out: string[] = [];
      const flush = (): void => {
        if (out.length) process.stdout.write(`${out.join("\n")}\n`);
        out.length = 0;
      };
      const result = await classifyStream(
        input,
        (line) => {
          out.push(line);
          if (out.length >= 100) flush();
        },
        (err) => process.stderr.write(`vigil: ${file === "-" ? "stdin" : file}, ${err.describe()}\n`),
        bar ? (bytes) => bar.increment(bytes) : undefined,
      );
      flush();
      bar?.stop();
      if (result.errors > 0) {
        process.stderr.write(`vigil: ${result.errors} line(s) could not be classified; ${result.items} classified\n`);
        process.exitCode = 1;
      }
    });
}
