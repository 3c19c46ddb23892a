import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runVigil } from "../helpers/cli.ts";

const dir = mkdtempSync(join(tmpdir(), "vigil-cli-"));
const data = join(dir, "data");

test.after(() => rmSync(dir, { recursive: true, force: true }));

test("every command has --help", async () => {
  for (const args of [[], ["serve"], ["migrate"], ["demo", "load"], ["records", "add"], ["records", "get"], ["records", "search"], ["export"], ["import"]]) {
    const r = await runVigil([...args, "--help"]);
    assert.equal(r.code, 0, `${args.join(" ")} --help`);
    assert.match(r.stdout, /Usage: vigil/);
  }
});

test("demo load, search in both scripts, get, add, with JSON output for scripts", async () => {
  const load = await runVigil(["demo", "load", "--people", "20", "--data", data, "--json"]);
  assert.equal(load.code, 0, load.stderr);
  assert.equal((JSON.parse(load.stdout) as { article: string }).article, "loaded");

  const hits = JSON.parse((await runVigil(["records", "search", "Behrooz Ehsani", "--data", data, "--json"])).stdout) as { id: string; label: string }[];
  assert.equal(hits[0]?.label, "Behrouz Ehsani");

  const get = await runVigil(["records", "get", hits[0].id, "--data", data]);
  assert.match(get.stdout, /executed/i);
  assert.match(get.stdout, /source: Article/);

  const src = JSON.parse((await runVigil(["records", "search", "Sonja Biserko warns", "--type", "source", "--data", data, "--json"])).stdout) as { id: string }[];
  const add = await runVigil(["records", "add", "person", "--name", "مریم نمونه", "--name", "Maryam Nemuneh", "--source", src[0]!.id, "--data", data, "--json"]);
  assert.equal(add.code, 0, add.stderr);
  const person = JSON.parse(add.stdout) as { id: string; label: string; labelFa: string };
  assert.deepEqual([person.label, person.labelFa], ["Maryam Nemuneh", "مریم نمونه"]);
  const fa = JSON.parse((await runVigil(["records", "search", "نمونه", "--data", data, "--json"])).stdout) as { id: string }[];
  assert.equal(fa[0]?.id, person.id);
});

test("bad input exits non-zero and says what and where", async () => {
  const noSource = await runVigil(["records", "add", "person", "--name", "X", "--data", data]);
  assert.notEqual(noSource.code, 0);
  assert.match(noSource.stderr, /--source/);
  const badDate = await runVigil(["records", "add", "event", "--label", "Bad", "--date", "1367/14/01", "--data", data, "--json"]);
  assert.notEqual(badDate.code, 0);
  const err = JSON.parse(badDate.stdout) as { error: { code: string; message: string; where: { field: string } } };
  assert.equal(err.error.where.field, "date");
  assert.match(err.error.message, /1367\/14\/01/);
  const missing = await runVigil(["records", "get", "per_nothere", "--data", data]);
  assert.notEqual(missing.code, 0);
  assert.match(missing.stderr, /not found/);
});

test("export to a file and import into a fresh data folder", async () => {
  const out = join(dir, "export.ndjson");
  const exp = await runVigil(["export", "--out", out, "--data", data]);
  assert.equal(exp.code, 0, exp.stderr);
  const lines = readFileSync(out, "utf8").trim().split("\n");
  assert.match(lines[0]!, /"format":"vigil-ndjson"/);
  const other = join(dir, "other");
  const imp = await runVigil(["import", out, "--data", other, "--json"]);
  assert.equal(imp.code, 0, imp.stderr);
  const search = JSON.parse((await runVigil(["records", "search", "Nemuneh", "--type", "person", "--data", other, "--json"])).stdout) as unknown[];
  assert.equal(search.length, 1);
});
