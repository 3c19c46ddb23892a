import { after, test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runVigil } from "../helpers/cli.ts";
import { chromiumProblem } from "../helpers/browser.ts";

const dir = mkdtempSync(join(tmpdir(), "vigil-acc-cli-"));
const data = join(dir, "data");
after(() => rmSync(dir, { recursive: true, force: true }));

test("vigil dossier build on the demo's synthetic officials, then vigil verify; export --format popolo beside NDJSON", { skip: chromiumProblem ?? false }, async () => {
  assert.equal((await runVigil(["demo", "load", "--people", "20", "--data", data])).code, 0);
  const out = join(dir, "dossier");
  const built = await runVigil(["dossier", "build", "--person", "per_synthetic_official_1", "--profile", "un-mechanism", "--lang", "fa", "--out", out, "--data", data, "--json"]);
  assert.equal(built.code, 0, built.stderr);
  const r = JSON.parse(built.stdout) as { bundle: string; pdf: string; seal: { size: number } };
  assert.ok(existsSync(r.pdf));
  const verified = await runVigil(["verify", r.bundle]);
  assert.equal(verified.code, 0, verified.stdout);
  assert.match(verified.stdout, /^OK/);
  const audited = await runVigil(["audit", "list", "--data", data, "--json"]);
  assert.match(audited.stdout + audited.stderr, /dossier\.build/, "the build is in the audit log");
  const listed = JSON.parse((await runVigil(["dossier", "list", "--data", data, "--json"])).stdout) as { subject_id: string; checkpoint_size: number }[];
  assert.deepEqual(listed.map((d) => [d.subject_id, d.checkpoint_size]), [["per_synthetic_official_1", r.seal.size]]);

  const popolo = await runVigil(["export", "--format", "popolo", "--public", "--out", join(dir, "popolo.json"), "--data", data]);
  assert.equal(popolo.code, 0, popolo.stderr);
  const doc = JSON.parse(readFileSync(join(dir, "popolo.json"), "utf8")) as { memberships: { person_id: string; start_date?: string }[] };
  assert.ok(doc.memberships.some((m) => m.person_id === "per_synthetic_official_1" && m.start_date === "1981-03-21"));
  const ndjson = await runVigil(["export", "--data", data]);
  assert.equal(JSON.parse(ndjson.stdout.split("\n")[0]!).format, "vigil-ndjson");
  const bad = await runVigil(["export", "--format", "xml", "--data", data]);
  assert.notEqual(bad.code, 0);
  assert.match(bad.stderr, /--format must be ndjson, popolo or esf/);
});
