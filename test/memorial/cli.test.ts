import { after, test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runVigil } from "../helpers/cli.ts";

/** The memorial's commands as an operator runs them: the static mirror, moderation, the key's fingerprint. */
const root = mkdtempSync(join(tmpdir(), "vigil-memorial-cli-"));
const data = join(root, "data");
after(() => rmSync(root, { recursive: true, force: true }));

test("vigil memorial export-static writes both languages and refuses a folder that is not empty", async () => {
  const loaded = await runVigil(["demo", "load", "--people", "20", "--data", data]);
  assert.equal(loaded.code, 0, loaded.stderr);
  const out = join(root, "mirror");
  const r = await runVigil(["memorial", "export-static", out, "--live-url", "http://example.onion/", "--data", data, "--json"]);
  assert.equal(r.code, 0, r.stderr);
  const result = JSON.parse(r.stdout) as { pages: number; people: number };
  assert.ok(result.people >= 15, `${result.people} public people`);
  for (const f of ["index.html", "fa/index.html", "en/index.html", "en/names.html", "fa/years.html", "assets/vigil.css", "assets/memorial.css", "en/events/evt_seed_1988_massacre.html"]) assert.ok(existsSync(join(out, f)), f);
  assert.match(readFileSync(join(out, "fa", "index.html"), "utf8"), /<html lang="fa" dir="rtl"/);
  const again = await runVigil(["memorial", "export-static", out, "--data", data]);
  assert.notEqual(again.code, 0);
  assert.match(again.stderr, /not empty/);
});

test("the testimony key: created from a passphrase on standard input, its fingerprint shown", async () => {
  const init = await runVigil(["memorial", "testimony-keys", "init", "--json", "--data", data], { input: "a passphrase long enough\n" });
  assert.equal(init.code, 0, init.stderr);
  const shown = await runVigil(["memorial", "testimony-keys", "show", "--json", "--data", data]);
  assert.equal(JSON.parse(shown.stdout).fingerprint, JSON.parse(init.stdout).fingerprint);
});
