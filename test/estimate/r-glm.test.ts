// A live second opinion: the same Poisson log-linear fits by base R's
// glm(family = poisson) through Rscript. Skipped loudly where R is absent,
// unless VIGIL_REQUIRE_R=1, where a missing R fails the run.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, test } from "node:test";
import { fitLoglinear, parseModel, type CaptureTable } from "../../src/estimate/index.ts";
import { haveData, load, NO_DATA } from "./data.ts";

const rVersion = spawnSync("Rscript", ["--version"], { encoding: "utf8" });
const haveR = rVersion.status === 0;
const requireR = process.env.VIGIL_REQUIRE_R === "1";

/** Fits with R: every observable cell (zeros included), formula in R's syntax; returns named numbers. */
function fitWithR(table: CaptureTable, terms: string): Map<string, number> {
  const dir = mkdtempSync(join(tmpdir(), "vigil-r-"));
  try {
    const rows: string[] = [[...table.lists, "count"].join(",")];
    for (let p = 1; p < table.counts.length; p++) rows.push([...table.lists.map((_, j) => (p >> j) & 1), table.counts[p]].join(","));
    writeFileSync(join(dir, "t.csv"), rows.join("\n") + "\n");
    const script = [
      `d <- read.csv(${JSON.stringify(join(dir, "t.csv"))})`,
      `f <- glm(count ~ ${terms}, family = poisson, data = d, control = glm.control(epsilon = 1e-12, maxit = 100))`,
      "cf <- coef(f)",
      "for (n in names(cf)) cat(n, format(cf[[n]], digits = 17), '\\n')",
      "cat('deviance', format(deviance(f), digits = 17), '\\n')",
      "cat('N', format(sum(d$count) + exp(cf[['(Intercept)']]), digits = 17), '\\n')",
      "cat('se0', format(sqrt(vcov(f)[1, 1]), digits = 17), '\\n')",
    ].join("\n");
    writeFileSync(join(dir, "fit.R"), script);
    const r = spawnSync("Rscript", ["--vanilla", join(dir, "fit.R")], { encoding: "utf8" });
    assert.equal(r.status, 0, r.stderr);
    return new Map(r.stdout.trim().split("\n").map((l) => {
      const [k, v] = l.trim().split(/\s+/);
      return [k!, Number(v)] as const;
    }));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const close = (a: number, b: number, rel: number, what: string) => assert.ok(Math.abs(a - b) <= rel * Math.max(1, Math.abs(b)), `${what}: ours ${a}, R ${b}`);

describe("second opinion from R's glm(family = poisson)", { skip: haveData ? false : NO_DATA }, () => {
  const cases: [string, string][] = [
    ["rcapture_HIV_rome_4lists.csv", "c1*c2+c3+c4"],
    ["rcapture_lesbian_allegheny_4lists.csv", "A*B+C*D+A*C"],
    ["rcapture_lesbian_allegheny_4lists.csv", "A*B*C+D"],
    ["dga_madigan_york_5lists.csv", "L1*L2+L4*L5+L1*L3+L2*L4"],
    ["sparsemse_UKdat_5.csv", "LA*NG+NG*GP+PFNCA*GO"],
    ["sparsemse_Western.csv", "A*E+B+C+D"],
    ["modslavmse_UKdat_4.csv", "LA*NG+NG*PFNCA*GO"],
  ];
  for (const [file, terms] of cases) {
    test(`${file}: ${terms}`, (t) => {
      if (!haveR) {
        if (requireR) assert.fail("R not found (Rscript), and VIGIL_REQUIRE_R=1");
        t.skip("R not found (Rscript); install r-base-core to run this second opinion");
        return;
      }
      const table = load(file);
      const ours = fitLoglinear(table, parseModel(terms, table.lists));
      assert.ok(ours.ok, ours.ok ? "" : ours.reason);
      assert.ok(ours.strict, "these cases have every parameter finite, as glm needs");
      // TERMS are valid R formula terms: `*` includes the lower-order terms in both.
      const theirs = fitWithR(table, terms.split("+").join(" + "));
      close(ours.N, theirs.get("N")!, 1e-7, "N");
      close(ours.deviance, theirs.get("deviance")!, 1e-6, "deviance");
      close(ours.coefficients[0]!.se!, theirs.get("se0")!, 1e-6, "se of the intercept");
      for (const c of ours.coefficients) {
        const rv = theirs.get(c.term) ?? theirs.get(c.term.split(":").reverse().join(":"));
        assert.ok(rv !== undefined, `R has no coefficient ${c.term} (has ${[...theirs.keys()].join(", ")})`);
        close(c.estimate!, rv, 1e-6, c.term);
      }
    });
  }
});
