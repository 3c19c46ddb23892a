import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runVigil } from "../helpers/cli.ts";

// SYNTHETIC lists: made-up people with common names.
test("vigil lists import, link, review, accept and undo-accept on the embedded database", async () => {
  const dir = mkdtempSync(join(tmpdir(), "vigil-lists-"));
  try {
    const data = join(dir, "data");
    const fa = join(dir, "fa.csv");
    const en = join(dir, "en.csv");
    writeFileSync(fa, "ردیف,نام و نام خانوادگی,نام پدر,تاریخ اعدام\n۱,محمد حسینی,علی,۱۳۶۷/۰۵/۱۲\n۲,زهرا رضایی,حسن,۱۳۶۷/۰۶/۰۱\n");
    writeFileSync(en, "Name,Father,Executed\n\"Hosseini, Mohammad\",Ali,1988-08-03\nZahra Rezaee,Hassan,1988-08-23\n");
    const vigil = (...args: string[]) => runVigil([...args, "--data", data]);
    const noMapping = await vigil("lists", "import", fa);
    assert.equal(noMapping.code, 1);
    assert.match(noMapping.stderr, /give the list with its mapping as FILE:MAPPING.json/);
    for (const f of [fa, en]) {
      const s = await runVigil(["lists", "suggest-mapping", f]);
      assert.equal(s.code, 0, s.stderr);
      writeFileSync(`${f}.json`, s.stdout);
    }
    const imported = await vigil("lists", "import", `${fa}:${fa}.json`, "--json");
    assert.equal(imported.code, 0, imported.stderr);
    assert.equal((JSON.parse(imported.stdout) as { rows: number }).rows, 2);
    const again = await vigil("lists", "import", `${fa}:${fa}.json`);
    assert.match(again.stdout, /was already imported as fa .*nothing changed/);
    assert.equal((await vigil("lists", "import", `${en}:${en}.json`)).code, 0);
    const linked = await vigil("lists", "link", "--json");
    assert.equal(linked.code, 0, linked.stderr);
    const summary = JSON.parse(linked.stdout) as { entries: number; people: number; peopleOnSeveralRows: number };
    assert.deepEqual([summary.entries, summary.people, summary.peopleOnSeveralRows], [4, 2, 2]);
    assert.equal((await vigil("lists", "review")).code, 0);
    const accepted = await vigil("lists", "accept", "1", "--json");
    assert.equal(accepted.code, 0, accepted.stderr);
    const a = JSON.parse(accepted.stdout) as { personId: string; decisionId: string; created: boolean };
    assert.ok(a.created);
    const person = await vigil("records", "get", a.personId, "--json");
    assert.equal(person.code, 0, person.stderr);
    assert.ok(person.stdout.includes("حسینی") && person.stdout.includes("Hosseini"));
    assert.equal((await vigil("lists", "undo-accept", a.decisionId, "--reason", "test")).code, 0);
    const missing = await vigil("lists", "accept", "99");
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /cluster 99 not found/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
