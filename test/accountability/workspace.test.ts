import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { writeFileSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { sql } from "kysely";
import { startApp, type RunningApp } from "../helpers/app.ts";
import { chromiumProblem } from "../helpers/browser.ts";
import { staff, type StaffClient } from "../helpers/staff.ts";
import { verifyBundle } from "../../src/vault/index.ts";
import { buildWorld, CANARY, type World } from "./fixture.ts";

describe("workspace: career page and dossier builder", { skip: chromiumProblem ?? false }, () => {
  let app: RunningApp;
  let w: World;
  let editor: StaffClient;
  let researcher: StaffClient;
  let viewer: StaffClient;
  const dir = mkdtempSync(join(tmpdir(), "vigil-acc-ws-"));
  before(async () => {
    app = await startApp({ beforeListen: async (deps) => void (w = await buildWorld(deps.store)) });
    editor = await staff(app.deps.store, app.url, "editor");
    researcher = await staff(app.deps.store, app.url, "researcher");
    viewer = await staff(app.deps.store, app.url, "viewer");
  });
  after(async () => {
    await app.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test("the staff career page shows staff claims (not restricted ones) and the chain at a chosen date", async () => {
    const r = await editor.get(`/workspace/accountability/people/${w.judge}?at=1367/05`);
    assert.equal(r.status, 200);
    for (const text of ["Masoud Tehrani", "Hassan Shirazi", `Draft victim ${CANARY.draftVictim}`, "Synthetic Revolutionary Court"]) assert.ok(r.text.includes(text), `shows ${text}`);
    assert.ok(!r.text.includes(CANARY.restricted), "no restricted claim without a grant");
    const before = await editor.get(`/workspace/accountability/people/${w.judge}?at=1371/06`);
    assert.ok(!before.text.includes("Hassan Shirazi"), "no chain after the judge left the court");
    const bad = await editor.get(`/workspace/accountability/people/${w.judge}?at=not a date`);
    assert.equal(bad.status, 200);
    assert.match(bad.text, /cannot read date/);
  });

  test("an editor builds a UN dossier from the builder, downloads its files, and the bundle verifies", async () => {
    const form = await editor.get(`/workspace/accountability/dossiers?person=${w.judge}`);
    assert.equal(form.status, 200);
    assert.ok(form.text.includes('value="un-mechanism"') && !form.text.includes('value="court"'), "an editor may not build for a court");
    const built = await editor.post("/workspace/accountability/dossiers", { kind: "person", subject: w.judge, profile: "un-mechanism", lang: "en", at: "" });
    assert.equal(built.status, 303, built.text.slice(0, 500));
    const page = await editor.get(built.location!);
    assert.equal(page.status, 200);
    const pdf = await editor.get(`${built.location!.split("?")[0]}/pdf`);
    assert.equal(pdf.status, 200);
    assert.ok(pdf.text.startsWith("%PDF"));
    const res = await fetch(`${app.url}${built.location!.split("?")[0]}/bundle`, { headers: { cookie: editor.cookieHeader() } });
    const file = join(dir, "bundle.zip");
    writeFileSync(file, Buffer.from(await res.arrayBuffer()));
    assert.ok((await verifyBundle(file)).ok);
    const downloads = await sql<{ n: number }>`select count(*) as n from audit_log where action = 'dossier.download'`.execute(app.deps.store.db);
    assert.equal(Number(downloads.rows[0]!.n), 2);
  });

  test("refusals: a viewer may not build; a researcher may build for the public only and does not see the UN dossier", async () => {
    const v = await viewer.post("/workspace/accountability/dossiers", { kind: "person", subject: w.judge, profile: "public", lang: "en" });
    assert.equal(v.status, 403);
    const r = await researcher.post("/workspace/accountability/dossiers", { kind: "person", subject: w.judge, profile: "un-mechanism", lang: "en" });
    assert.equal(r.status, 403);
    const list = await researcher.get("/workspace/accountability/dossiers");
    assert.ok(!list.text.includes("/workspace/accountability/dossiers/dos_"), "the UN dossier is not listed to a researcher");
    const missing = await researcher.post("/workspace/accountability/dossiers", { kind: "person", subject: "per_doesnotexist", profile: "public", lang: "fa" });
    assert.equal(missing.status, 400);
    assert.match(missing.text, /not found/);
  });
});
