import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { after, describe, test } from "node:test";
import type { EstimateReport, StratifiedReport } from "../../src/estimate/index.ts";
import { haveData, MSE_DIR, NO_DATA } from "./data.ts";

const BIN = fileURLToPath(new URL("../../bin/vigil.mjs", import.meta.url));
const dir = mkdtempSync(join(tmpdir(), "vigil-estimate-cli-"));
after(() => rmSync(dir, { recursive: true, force: true }));

function vigil(...args: string[]) {
  return spawnSync(process.execPath, [BIN, "estimate", ...args], { encoding: "utf8" });
}

function csv(name: string, text: string): string {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
}

describe("vigil estimate", () => {
  test("--json gives method, model, N, interval and observed", () => {
    const r = vigil(csv("a.csv", "A,B,C,count\n1,0,0,60\n0,1,0,49\n1,1,0,4\n0,0,1,247\n1,0,1,112\n0,1,1,142\n1,1,1,12\n"), "--model", "A*B+C", "--json");
    assert.equal(r.status, 0, r.stderr);
    const j = JSON.parse(r.stdout) as EstimateReport;
    assert.equal(j.method, "loglinear");
    assert.equal(j.model, "A*B+C");
    assert.equal(j.observed, 626);
    assert.equal(j.N.toFixed(1), "730.9");
    assert.equal(j.interval.length, 2);
    assert.ok(j.interval[0] < j.N && j.N < j.interval[1]!);
    assert.ok(Array.isArray(j.caveats) && j.caveats.length >= 4);
  });

  test("a refused model exits non-zero with a JSON error saying why", () => {
    const r = vigil(csv("b.csv", "A,B,C,count\n1,0,0,40\n0,1,0,30\n0,0,1,20\n1,1,0,6\n"), "--model", "A*B+A*C+B*C", "--json");
    assert.equal(r.status, 1);
    const j = JSON.parse(r.stdout) as { error: { message: string } };
    assert.match(j.error.message, /not identifiable/);
    assert.match(j.error.message, /A:C, B:C/);
  });

  test("a bad table is reported with file, row and column", () => {
    const r = vigil(csv("c.csv", "A,B,count\n1,0,3\n0,0,5\n"));
    assert.equal(r.status, 1);
    assert.match(r.stderr, /c\.csv, row 3, column "count": .*no list/);
  });

  test("text output, SVG file, and the default BIC choice", () => {
    const svg = join(dir, "plot.svg");
    const r = vigil(csv("d.csv", "A,B,C,count\n1,0,0,60\n0,1,0,49\n1,1,0,4\n0,0,1,247\n1,0,1,112\n0,1,1,142\n1,1,1,12\n"), "--svg", svg);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /Estimated total: [\d,]+ {3}95% interval/);
    assert.match(r.stdout, /Selection: BIC; all 8 hierarchical models fitted/);
    assert.match(r.stdout, /Caveats/);
    const s = readFileSync(svg, "utf8");
    assert.match(s, /^<svg [^>]*xmlns="http:\/\/www.w3.org\/2000\/svg"/);
    assert.match(s, /<\/svg>$/);
  });

  test("--help documents the options", () => {
    const r = vigil("--help");
    assert.equal(r.status, 0);
    for (const o of ["--method", "--select", "--model", "--delta", "--seed", "--json", "--burn-in", "--iterations", "--thin", "--strata"]) assert.ok(r.stdout.includes(o), o);
  });

  test("lcmcr and bma through the CLI, seeded and reproducible", { skip: haveData ? false : NO_DATA }, () => {
    const file = join(MSE_DIR, "sparsemse_Western.csv");
    const a = vigil(file, "--method", "lcmcr", "--seed", "5", "--burn-in", "500", "--iterations", "2000", "--thin", "2", "--no-sensitivity", "--json");
    const b = vigil(file, "--method", "lcmcr", "--seed", "5", "--burn-in", "500", "--iterations", "2000", "--thin", "2", "--no-sensitivity", "--json");
    assert.equal(a.status, 0, a.stderr);
    const ja = JSON.parse(a.stdout) as EstimateReport;
    assert.equal(ja.N, (JSON.parse(b.stdout) as EstimateReport).N);
    assert.equal(ja.settings.seed, 5);
    assert.ok(typeof ja.diagnostics?.rhat === "number");
    const m = vigil(file, "--method", "bma", "--delta", "0.5", "--no-sensitivity", "--json");
    assert.equal(m.status, 0, m.stderr);
    assert.equal((JSON.parse(m.stdout) as EstimateReport).method, "bma");
  });

  test("--strata sums stratum estimates with a combined interval", () => {
    const rows = ["region,A,B,C,count"];
    for (const [r, k] of [["north", 1], ["south", 2]] as const) for (const [p, c] of [["1,0,0", 60], ["0,1,0", 49], ["1,1,0", 4], ["0,0,1", 247], ["1,0,1", 112], ["0,1,1", 142], ["1,1,1", 12]] as const) rows.push(`${r},${p},${c * k}`);
    const r = vigil(csv("s.csv", rows.join("\n")), "--strata", "region", "--model", "A*B+C", "--json");
    assert.equal(r.status, 0, r.stderr);
    const j = JSON.parse(r.stdout) as StratifiedReport;
    assert.equal(j.strata.length, 2);
    const sum = j.strata.reduce((s, x) => s + x.report.N, 0);
    assert.ok(Math.abs(j.N! - sum) < 1e-9);
    const [lo, hi] = j.interval as [number, number];
    assert.ok(lo < j.N! && j.N! < hi);
    // The combined interval is wider than either stratum's alone but narrower than their sum of widths.
    const widths = j.strata.map((x) => x.report.interval[1]! - x.report.interval[0]);
    assert.ok(hi - lo < widths[0]! + widths[1]!);
    assert.ok(hi - lo > Math.max(...widths));
  });

  test("estimate-demo adds fictional lists to the database and says the true total", () => {
    const data = join(dir, "demo-data");
    const r = spawnSync(process.execPath, [BIN, "estimate-demo", "--data", data, "--people", "300", "--lists", "3", "--json"], { encoding: "utf8", env: { ...process.env, VIGIL_DATABASE_URL: "" } });
    assert.equal(r.status, 0, r.stderr);
    const j = JSON.parse(r.stdout) as { total: number; observed: number; sources: Record<string, string> };
    assert.equal(j.total, 300);
    assert.deepEqual(Object.keys(j.sources), ["A", "B", "C"]);
    assert.ok(j.observed > 0 && j.observed < 300);
  });
});
