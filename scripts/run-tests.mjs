#!/usr/bin/env node
// Runs every test file under test/ with node:test through tsx's loader.
// Node 20's --test takes no globs, so the files are listed here.
// Usage: node scripts/run-tests.mjs [path-prefix ...]
import { readdirSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { spawnSync } from "node:child_process";
import { availableParallelism } from "node:os";

const root = new URL("..", import.meta.url).pathname;
const prefixes = process.argv.slice(2).map((p) => p.replace(/^\.\//, ""));

function walk(dir) {
  const out = [];
  for (const name of readdirSync(dir)) {
    if (name === "node_modules" || name.startsWith(".")) continue;
    const full = join(dir, name);
    if (statSync(full).isDirectory()) out.push(...walk(full));
    else if (/\.test\.tsx?$/.test(name)) out.push(relative(root, full));
  }
  return out;
}

let files = walk(join(root, "test")).sort();
if (prefixes.length > 0) files = files.filter((f) => prefixes.some((p) => f.startsWith(p)));
if (files.length === 0) {
  console.error("no test files matched");
  process.exit(1);
}
const concurrency = process.env.VIGIL_TEST_CONCURRENCY ?? String(Math.max(2, availableParallelism()));
const args = ["--import", "tsx", "--test", `--test-concurrency=${concurrency}`, "--test-reporter=spec", ...files];
const result = spawnSync(process.execPath, args, { cwd: root, stdio: "inherit", env: { ...process.env, NODE_ENV: "test" } });
process.exit(result.status ?? 1);
