// The vault's workspace pages in the real application on 127.0.0.1, signed
// in through the real pages: upload through the form, the item page with its
// custody, proofs and export, capture requests run by the worker, restricted
// items, and the evidence listed on a Source's record page.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseHTML } from "linkedom";
import { sql } from "kysely";
import { addGrant, auditSink } from "../../src/accounts/index.ts";
import { SYSTEM, makeCtx } from "../../src/core/context.ts";
import { jobHandlers, runWorker } from "../../src/worker/index.ts";
import { verifyBundle } from "../../src/vault/index.ts";
import { startApp, type RunningApp } from "../helpers/app.ts";
import { staff, type StaffClient } from "../helpers/staff.ts";
import { startFixtureServer } from "./fixture-server.ts";
import { makeSource } from "./vault-fixture.ts";

const BASE = "/workspace/vault";
let app: RunningApp;
let fx: Awaited<ReturnType<typeof startFixtureServer>>;
let sourceId: string;
let editor: StaffClient;
let viewer: StaffClient;
let admin: StaffClient;

before(async () => {
  fx = await startFixtureServer();
  app = await startApp({ env: { VIGIL_CAPTURE_ALLOW_PRIVATE: "1", VIGIL_UPLOAD_MAX_MB: "1", VIGIL_LIVENESS_HOURS: "0" } });
  const sys = makeCtx(app.deps.store, { ...SYSTEM, id: "system:test" }, { audit: auditSink });
  sourceId = await makeSource(sys, "Synthetic source for the vault pages");
  // Admins read restricted material through a role grant.
  await addGrant(sys, { subjectType: "role", subject: "admin", target: "*" });
  editor = await staff(app.deps.store, app.url, "editor");
  viewer = await staff(app.deps.store, app.url, "viewer");
  admin = await staff(app.deps.store, app.url, "admin");
});
after(async () => {
  await app.close();
  await fx.close();
});

const sha256 = (b: Buffer): string => `sha256:${createHash("sha256").update(b).digest("hex")}`;

/** Posts the upload form as a browser does: the CSRF token first, the text fields, then the file. */
async function uploadForm(c: StaffClient, fields: [string, string][], file: { name: string; body: Buffer } | undefined, opts: { csrf?: boolean } = {}): Promise<{ status: number; text: string; location: string | null }> {
  await c.get(`${BASE}/`); // a fresh token, as from the form's page
  const f = new FormData();
  if (opts.csrf !== false) f.append("_csrf", c.csrf);
  for (const [k, v] of fields) f.append(k, v);
  if (file) f.append("file", new Blob([new Uint8Array(file.body)], { type: "application/octet-stream" }), file.name);
  const res = await fetch(app.url + `${BASE}/items`, { method: "POST", headers: { cookie: c.cookieHeader() }, body: f, redirect: "manual" });
  return { status: res.status, text: await res.text(), location: res.headers.get("location") };
}

async function itemCount(): Promise<number> {
  return (await app.deps.store.db.withTables<{ vault_items: { id: string } }>().selectFrom("vault_items").select("id").execute()).length;
}

const doc = (html: string) => parseHTML(html).document;
const fieldError = (html: string, field: string): string => doc(html).querySelector(`#f-${field}-error`)?.textContent ?? "";
const valueOf = (html: string, field: string): string | null => doc(html).querySelector(`#f-${field}`)?.getAttribute("value") ?? null;

test("an editor uploads through the form and sees the item with its hash, custody, receipt and a verifiable export", async () => {
  const form = await editor.get(`${BASE}/new?source=${sourceId}`);
  assert.equal(form.status, 200);
  assert.equal(valueOf(form.text, "sourceIds"), sourceId, "the Source is filled in from the record page's link");
  assert.match(form.text, /enctype="multipart\/form-data"/);
  const body = Buffer.from("Synthetic witness statement (test fixture): nothing here concerns a real person.\n");
  const r = await uploadForm(editor, [["title", "Synthetic statement"], ["notes", "received by hand from a fictional relative"], ["sourceIds", sourceId], ["confidentiality", "staff"]], { name: "statement.txt", body });
  assert.equal(r.status, 303, r.text.slice(0, 500));
  const m = /^\/workspace\/vault\/items\/(itm_[0-9a-z]{26})\?done=added$/.exec(r.location ?? "");
  assert.ok(m, `redirected to the item page, not ${r.location}`);
  const id = m[1]!;

  const page = await editor.get(r.location!);
  assert.equal(page.status, 200);
  const d = doc(page.text);
  assert.equal(d.querySelector("h1")?.textContent?.trim(), "Synthetic statement");
  assert.ok(page.text.includes(sha256(body)), "the original's SHA-256 is shown");
  assert.match(page.text, /statement\.txt/);
  // Custody in log order: acquired (with the notes and the hash), then the link to the Source.
  const rows = [...d.querySelectorAll("table.vault-custody tbody tr")].map((tr) => [...tr.querySelectorAll("td")].map((td) => td.textContent.trim()));
  assert.equal(rows.length, 2);
  assert.match(rows[0]![1]!, /^acquired/);
  assert.match(rows[0]![4]!, /upload through the staff workspace[\s\S]*received by hand from a fictional relative/);
  assert.ok(rows[0]![6]!.includes(sha256(body)));
  assert.equal(rows[0]![3], "Editor", "the custody actor is shown by name");
  assert.match(rows[1]![1]!, new RegExp(`^linked to a Source ${sourceId}`));
  const indexes = rows.map((row) => Number(row[0]));
  assert.ok(indexes[0]! < indexes[1]!, "events in log order, with their log index");
  const logged = await app.deps.store.db.withTables<{ vault_custody: { log_index: number; item_id: string } }>().selectFrom("vault_custody").select("log_index").where("item_id", "=", id).orderBy("log_index").execute();
  assert.deepEqual(indexes, logged.map((l) => Number(l.log_index)));
  assert.ok(d.querySelector(`a[href="/workspace/records/${sourceId}"]`), "the linked Source links to its record page");

  // The proof receipt downloads as JSON.
  const receipt = await editor.get(`${BASE}/items/${id}/receipt.json`);
  assert.equal(receipt.status, 200);
  assert.match(receipt.res.headers.get("content-disposition") ?? "", /attachment; filename="itm_.*-receipt\.json"/);
  const rj = JSON.parse(receipt.text) as { item: { id: string }; events: { index: number; proof: string }[] };
  assert.equal(rj.item.id, id);
  assert.deepEqual(rj.events.map((e) => e.index), indexes);

  // The original downloads unchanged, as an attachment.
  const orig = await fetch(`${app.url}${BASE}/items/${id}/files/original`, { headers: { cookie: editor.cookieHeader() } });
  assert.equal(orig.headers.get("content-type"), "application/octet-stream");
  assert.match(orig.headers.get("content-disposition") ?? "", /^attachment/);
  assert.deepEqual(Buffer.from(await orig.arrayBuffer()), body);

  // The Source's bundle streams as a download that verifies offline; its temp files are gone afterwards.
  const temps = () => readdirSync(tmpdir()).filter((n) => n.startsWith("vigil-export-"));
  const tempsBefore = new Set(temps());
  await editor.get(`${BASE}/items/${id}`);
  const res = await fetch(`${app.url}${BASE}/items/${id}/export`, { method: "POST", headers: { cookie: editor.cookieHeader(), "content-type": "application/x-www-form-urlencoded" }, body: new URLSearchParams({ _csrf: editor.csrf, source: sourceId }).toString(), redirect: "manual" });
  assert.equal(res.status, 200);
  assert.equal(res.headers.get("content-type"), "application/zip");
  assert.match(res.headers.get("content-disposition") ?? "", new RegExp(`attachment; filename="${sourceId}-evidence\\.zip"`));
  const dir = mkdtempSync(join(tmpdir(), "vault-pages-test-"));
  try {
    const zip = join(dir, "bundle.zip");
    writeFileSync(zip, Buffer.from(await res.arrayBuffer()));
    const report = await verifyBundle(zip);
    assert.ok(report.ok, report.failures.join("\n"));
    assert.equal(report.items, 1);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  for (let i = 0; i < 200 && temps().some((n) => !tempsBefore.has(n)); i++) await new Promise((r) => setTimeout(r, 25));
  assert.deepEqual(temps().filter((n) => !tempsBefore.has(n)), [], "the export's temp folder was removed");
  const after = await editor.get(`${BASE}/items/${id}`);
  assert.match(after.text, /exported/, "the export is in the item's custody");

  // Without the CSRF token, nothing is stored.
  const n = await itemCount();
  const forged = await uploadForm(editor, [["title", "forged"]], { name: "x.txt", body: Buffer.from("synthetic") }, { csrf: false });
  assert.equal(forged.status, 403);
  assert.equal(await itemCount(), n);

  // The section page lists the item with its hash and Source.
  const section = await viewer.get(`${BASE}/`);
  assert.equal(section.status, 200);
  const row = [...doc(section.text).querySelectorAll("table.vault-items tbody tr")].find((tr) => tr.querySelector(`a[href="${BASE}/items/${id}"]`));
  assert.ok(row, "the item is listed");
  assert.ok(row.textContent.includes(sha256(body)));
  assert.ok(row.querySelector(`a[href="/workspace/records/${sourceId}"]`));
});

test("a viewer may not upload; a restricted item is not found to those without access, and reading it is audited", async () => {
  assert.equal((await viewer.get(`${BASE}/new`)).status, 403);
  const n = await itemCount();
  const refused = await uploadForm(viewer, [["title", "not allowed"]], { name: "v.txt", body: Buffer.from("synthetic viewer upload") });
  assert.equal(refused.status, 403);
  assert.equal(await itemCount(), n);
  const section = await viewer.get(`${BASE}/`);
  assert.ok(!section.text.includes(`href="${BASE}/new"`), "no upload button for a viewer");

  const r = await uploadForm(admin, [["title", "CANARY-RESTRICTED-7731"], ["sourceIds", sourceId], ["confidentiality", "restricted"]], { name: "r.txt", body: Buffer.from("synthetic restricted statement") });
  assert.equal(r.status, 303, r.text.slice(0, 300));
  const id = /items\/(itm_[0-9a-z]{26})/.exec(r.location ?? "")?.[1];
  assert.ok(id);
  const audits = async () => Number((await sql<{ n: number }>`select count(*) as n from audit_log where action = 'vault.read_restricted' and target_id = ${id}`.execute(app.deps.store.db)).rows[0]!.n);
  const before = await audits();
  assert.equal((await admin.get(`${BASE}/items/${id}`)).status, 200);
  assert.equal(await audits(), before + 1, "reading a restricted item is audited");
  for (const c of [viewer, editor]) {
    for (const path of [`${BASE}/items/${id}`, `${BASE}/items/${id}/receipt.json`, `${BASE}/items/${id}/files/original`]) {
      const p = await c.get(path);
      assert.equal(p.status, 404, `${path} as ${c.email}`);
      assert.ok(!p.text.includes("CANARY-RESTRICTED-7731"));
    }
    const list = await c.get(`${BASE}/`);
    assert.ok(!list.text.includes("CANARY-RESTRICTED-7731") && !list.text.includes(id), "not listed either");
    const src = await c.get(`/workspace/records/${sourceId}`);
    assert.ok(!src.text.includes(id), "nor on the Source's page");
  }
  // An editor without restricted access may not export a Source whose evidence includes it.
  await editor.get(`${BASE}/`);
  const items = (await app.deps.store.db.withTables<{ vault_items: { id: string; confidentiality: string } }>().selectFrom("vault_items").select("id").where("confidentiality", "=", "staff").execute()).map((x) => x.id);
  const exp = await editor.post(`${BASE}/items/${items[0]}/export`, { source: sourceId });
  assert.equal(exp.status, 403);
  assert.ok(!exp.text.includes("CANARY-RESTRICTED-7731"));

  // An editor storing restricted evidence is told it was kept, not sent to a page they may not open.
  const mine = await uploadForm(editor, [["confidentiality", "restricted"]], { name: "e.txt", body: Buffer.from("synthetic restricted upload by an editor") });
  assert.equal(mine.status, 303);
  assert.equal(mine.location, `${BASE}/?done=restricted`);
});

test("a bad upload shows its error at the field and keeps what was typed", async () => {
  const n = await itemCount();
  // No file chosen: a browser sends an empty part without a file name.
  const none = await uploadForm(editor, [["title", "Typed title"], ["notes", "typed notes"], ["sourceIds", sourceId]], { name: "", body: Buffer.alloc(0) });
  assert.equal(none.status, 400);
  assert.match(fieldError(none.text, "file"), /no file in the upload: choose a file/);
  assert.equal(valueOf(none.text, "title"), "Typed title");
  assert.equal(valueOf(none.text, "sourceIds"), sourceId);
  assert.match(doc(none.text).querySelector("#f-notes")?.textContent ?? "", /typed notes/);
  assert.ok(doc(none.text).querySelector("#f-file")?.getAttribute("aria-invalid"));

  const empty = await uploadForm(editor, [["title", "Empty one"], ["sourceIds", "src_unknown"]], { name: "empty.txt", body: Buffer.alloc(0) });
  assert.equal(empty.status, 400);
  assert.match(fieldError(empty.text, "file"), /the file is empty/);
  assert.match(fieldError(empty.text, "sourceIds"), /src_unknown is not a Source record/, "the other fields' problems are shown at once");
  assert.equal(valueOf(empty.text, "title"), "Empty one");

  const big = await uploadForm(editor, [["title", "Too big"]], { name: "big.bin", body: Buffer.alloc(1024 * 1024 + 10, 1) });
  assert.equal(big.status, 413);
  assert.match(fieldError(big.text, "file"), /exceeds the upload limit of 1048576 bytes; nothing was stored/);
  assert.equal(valueOf(big.text, "title"), "Too big");

  const badSource = await uploadForm(editor, [["title", "Kept title"], ["sourceIds", "src_missing"], ["confidentiality", "secret"]], { name: "a.txt", body: Buffer.from("synthetic") });
  assert.equal(badSource.status, 400);
  assert.match(fieldError(badSource.text, "sourceIds"), /src_missing is not a Source record/);
  assert.match(fieldError(badSource.text, "confidentiality"), /confidentiality must be one of/);
  assert.equal(valueOf(badSource.text, "title"), "Kept title");
  assert.equal(valueOf(badSource.text, "sourceIds"), "src_missing");
  assert.equal(await itemCount(), n, "nothing was stored");

  // Linking to something that is not a Source: the error at the link field, the id kept.
  const ok = await uploadForm(editor, [], { name: "b.txt", body: Buffer.from("synthetic unlinked file") });
  const id = /items\/(itm_[0-9a-z]{26})/.exec(ok.location ?? "")![1]!;
  await editor.get(`${BASE}/items/${id}`);
  const link = await editor.post(`${BASE}/items/${id}/link`, { sourceId: "src_nothing" });
  assert.equal(link.status, 400);
  assert.match(fieldError(link.text, "sourceId"), /src_nothing is not a Source record/);
  assert.equal(valueOf(link.text, "sourceId"), "src_nothing");
  const linked = await editor.post(`${BASE}/items/${id}/link`, { sourceId });
  assert.equal(linked.status, 303);
  assert.match((await editor.get(linked.location!)).text, /linked to a Source/);
  assert.equal((await viewer.post(`${BASE}/items/${id}/link`, { sourceId })).status, 403);
});

test("the capture form queues a request the worker runs; its page shows the status and links the item", async () => {
  const bad = await editor.post(`${BASE}/captures`, { url: "ftp://example.org/file", sourceIds: sourceId, notes: "typed" });
  assert.equal(bad.status, 400);
  assert.match(fieldError(bad.text, "url"), /only http and https URLs can be captured/);
  assert.equal(valueOf(bad.text, "url"), "ftp://example.org/file");
  assert.equal((await viewer.post(`${BASE}/captures`, { url: `${fx.base}/article` })).status, 403);

  await editor.get(`${BASE}/capture`);
  const r = await editor.post(`${BASE}/captures`, { url: `${fx.base}/article`, sourceIds: sourceId, notes: "synthetic capture for the pages test" });
  assert.equal(r.status, 303, r.text.slice(0, 300));
  assert.match(r.location ?? "", /^\/workspace\/vault\/captures\/job_/);
  const queued = await viewer.get(r.location!);
  assert.equal(queued.status, 200);
  assert.match(queued.text, /queued/);
  assert.equal(queued.res.headers.get("refresh"), "3", "the page follows the capture without JavaScript");
  assert.ok(queued.text.includes(`${fx.base}/article`));

  const stop = new AbortController();
  const worker = runWorker(app.deps.store, jobHandlers, { signal: stop.signal, idleMs: 30 });
  let page = queued;
  try {
    for (let i = 0; i < 300 && !/badge confirmed|badge disputed|badge possible/.test(page.text); i++) {
      await new Promise((res) => setTimeout(res, 50));
      page = await viewer.get(r.location!);
    }
  } finally {
    stop.abort();
    await worker;
  }
  assert.match(page.text, /<span class="badge confirmed">done<\/span>/);
  assert.equal(page.res.headers.get("refresh"), null);
  const itemHref = doc(page.text).querySelector(`a[href^="${BASE}/items/"]`)?.getAttribute("href");
  assert.ok(itemHref, "the request links its item");
  const item = await viewer.get(itemHref);
  assert.equal(item.status, 200);
  assert.match(item.text, /web capture/);
  assert.match(item.text, /captured/);
  assert.ok(item.text.includes(`${fx.base}/article`));
  const section = await viewer.get(`${BASE}/`);
  assert.ok(doc(section.text).querySelector(`table.vault-captures a[href="${r.location}"]`), "the request is in the section's list");
});

test("the Source's record page lists its vault evidence, linking to the items", async () => {
  const page = await viewer.get(`/workspace/records/${sourceId}`);
  assert.equal(page.status, 200);
  const d = doc(page.text);
  assert.equal(d.querySelector("#vault-evidence")?.textContent, "Evidence in the vault");
  const links = [...d.querySelectorAll("ul.vault-evidence a")].map((a) => a.getAttribute("href"));
  const rows = await sql<{ item_id: string }>`select e.item_id from vault_evidence e join vault_items i on i.id = e.item_id where e.source_id = ${sourceId} and i.confidentiality <> 'restricted'`.execute(app.deps.store.db);
  const linked = rows.rows.map((x) => `${BASE}/items/${x.item_id}`);
  assert.ok(linked.length >= 3, `evidence linked: ${linked.length}`);
  assert.deepEqual(new Set(links), new Set(linked));
  assert.ok(!page.text.includes(`href="${BASE}/new?source=`), "a viewer is not offered an upload");
  const asEditor = await editor.get(`/workspace/records/${sourceId}`);
  assert.ok(asEditor.text.includes(`href="${BASE}/new?source=${sourceId}"`));
  // In Persian, right to left.
  await viewer.post("/workspace/lang", { lang: "fa", next: `/workspace/records/${sourceId}` });
  const fa = await viewer.get(`/workspace/records/${sourceId}`);
  assert.match(fa.text, /<html[^>]*dir="rtl"/);
  assert.match(fa.text, /شواهد در گنجینه/);
  await viewer.post("/workspace/lang", { lang: "en", next: "/workspace/" });
});

test("every capture request can be reached: newest first a page at a time, none twice, and by status", async () => {
  // Rows written as the worker leaves them (no jobs: nothing here may be fetched), in a year after every other request.
  const mine = Array.from({ length: 63 }, (_, i) => ({
    id: `job_listtest${String(i).padStart(4, "0")}`,
    url: `https://example.org/list-test/${i}`,
    options: "{}",
    status: i % 3 === 0 ? "failed" : "done",
    requested_by: "system:test",
    // Two requests in each millisecond: told apart by id.
    requested_at: new Date(Date.UTC(2031, 0, 1) + Math.floor(i / 2)).toISOString(),
    updated_at: new Date(Date.UTC(2031, 0, 1)).toISOString(),
    attempts: 1,
    item_id: null,
    source_id: null,
    flags: "[]",
    error: i % 3 === 0 ? "the page answered 404" : null,
  }));
  await app.deps.store.db.withTables<{ vault_captures: (typeof mine)[number] }>().insertInto("vault_captures").values(mine).execute();
  const newestFirst = mine.map((r) => r.id).reverse();

  const section = doc((await viewer.get(`${BASE}/`)).text);
  assert.equal(section.querySelector(`a[href="${BASE}/captures"]`)?.textContent, "All capture requests");

  /** Follows "Older requests" from a first address; the capture ids in the order shown. */
  const walk = async (first: string): Promise<{ ids: string[]; pages: number; failedOnly: boolean }> => {
    const ids: string[] = [];
    let failedOnly = true;
    let pages = 0;
    for (let path: string | undefined = first; path; pages++) {
      const r = await viewer.get(path);
      assert.equal(r.status, 200, r.text.slice(0, 300));
      const page = doc(r.text);
      for (const row of page.querySelectorAll("table.vault-captures tbody tr")) {
        ids.push(row.querySelector(`a[href^="${BASE}/captures/"]`)!.getAttribute("href")!.slice(`${BASE}/captures/`.length));
        failedOnly &&= row.querySelector(".badge")?.textContent === "failed";
      }
      path = [...page.querySelectorAll(".pagination a")].find((a) => a.textContent === "Older requests")?.getAttribute("href") ?? undefined;
      assert.ok(pages < 10, "the pages end");
    }
    return { ids, pages, failedOnly };
  };
  const all = await walk(`${BASE}/captures`);
  assert.deepEqual(all.ids.slice(0, mine.length), newestFirst, "the newest first, each once, across pages of 50");
  assert.equal(new Set(all.ids).size, all.ids.length, "no request shown twice");
  assert.ok(all.pages >= 2);

  const failed = await walk(`${BASE}/captures?status=failed`);
  assert.ok(failed.failedOnly, "only failed requests");
  assert.deepEqual(
    failed.ids.filter((id) => id.startsWith("job_listtest")),
    newestFirst.filter((id) => Number(id.slice(-4)) % 3 === 0),
  );

  // A cursor that names no request is refused as such, not read as the start.
  const bad = await viewer.get(`${BASE}/captures?before=job_nothing`);
  assert.equal(bad.status, 400);
  assert.match(bad.text, /no capture request job_nothing/);
});
