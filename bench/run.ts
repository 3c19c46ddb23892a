/**
 * `npm run bench [-- name ...]`: runs every benchmark in this folder (or the
 * named ones), one child process each, and prints their figures. Record the
 * figures with the machine in docs/benchmarks.md.
 */
import { readdirSync } from "node:fs";
import { spawnSync } from "node:child_process";

const here = new URL(".", import.meta.url);
const wanted = process.argv.slice(2).filter((a) => !a.startsWith("-"));
const passThrough = process.argv.slice(2).filter((a) => a.startsWith("-"));
const all = readdirSync(here)
  .filter((f) => f.endsWith(".ts") && f !== "run.ts")
  .map((f) => f.replace(/\.ts$/, ""))
  .sort();
const chosen = wanted.length ? all.filter((b) => wanted.includes(b)) : all;
if (wanted.length && chosen.length !== wanted.length) {
  console.error(`unknown benchmark: ${wanted.filter((w) => !all.includes(w)).join(", ")} (known: ${all.join(", ")})`);
  process.exit(2);
}
let failed = 0;
for (const b of chosen) {
  console.log(`\n=== ${b} ===`);
  const r = spawnSync(process.execPath, ["--import", "tsx", new URL(`${b}.ts`, here).pathname, ...passThrough], { stdio: "inherit" });
  if (r.status !== 0) failed++;
}
process.exit(failed ? 1 : 0);
