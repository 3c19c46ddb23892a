import { Command, CommanderError } from "commander";
import { VigilError } from "../core/errors.ts";
import { registrars } from "./commands.ts";

const program = new Command("vigil")
  .description("Vigil: document atrocities, keep the evidence, remember the victims, see the next atrocity coming.")
  .showHelpAfterError("(run with --help for usage)")
  .exitOverride();

for (const register of registrars) register(program);

try {
  await program.parseAsync(process.argv);
} catch (err) {
  if (err instanceof CommanderError) process.exit(err.exitCode);
  if (err instanceof VigilError) {
    if (process.argv.includes("--json")) process.stdout.write(`${JSON.stringify(err.toJSON())}\n`);
    else process.stderr.write(`vigil: ${err.describe()}\n${err.problems.length > 1 ? err.problems.map((p) => `  - ${new VigilError(err.code, p.message, { where: p }).describe()}\n`).join("") : ""}`);
    process.exit(err.status >= 500 ? 2 : 1);
  }
  throw err;
}
