import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { adb, listAudit } from "../../src/accounts/index.ts";
import { makeCtx, SYSTEM } from "../../src/core/context.ts";
import { createRecord } from "../../src/records/index.ts";
import { startApp, type RunningApp } from "../helpers/app.ts";
import { staff, type StaffClient } from "../helpers/staff.ts";

let app: RunningApp;
let editor: StaffClient;
let researcher: StaffClient;
let admin: StaffClient;
let sourceId = "";
const sys = () => makeCtx(app.deps.store, { ...SYSTEM, id: "system:test" });
const fieldError = (html: string, field: string): string | undefined => new RegExp(`id="f-${field}-error">([^<]+)<`).exec(html)?.[1];

before(async () => {
  app = await startApp();
  sourceId = (await createRecord(sys(), { type: "source", label: "Interview notes", labelFa: "یادداشت‌های مصاحبه", confidentiality: "staff", text: "notes" })).id;
  [editor, researcher, admin] = [await staff(app.deps.store, app.url, "editor"), await staff(app.deps.store, app.url, "researcher"), await staff(app.deps.store, app.url, "admin")];
});
after(async () => app.close());

test("signed-out visitors are sent to sign-in; pages carry a strict CSP and no inline script or style", async () => {
  const r = await fetch(`${app.url}/workspace/records/${sourceId}`, { redirect: "manual" });
  assert.equal(r.status, 303);
  assert.equal(r.headers.get("location"), `/workspace/sign-in?next=${encodeURIComponent(`/workspace/records/${sourceId}`)}`);
  const page = await editor.get(`/workspace/records/${sourceId}`);
  const csp = page.res.headers.get("content-security-policy") ?? "";
  assert.match(csp, /script-src 'self'/);
  assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval/);
  assert.match(csp, /frame-ancestors 'none'/);
  assert.equal(page.res.headers.get("cache-control"), "no-store");
  assert.equal(page.res.headers.get("x-content-type-options"), "nosniff");
  assert.doesNotMatch(page.text, /<script(?![^>]*\bsrc=)/);
  assert.doesNotMatch(page.text, /\sstyle=|<style/);
  assert.doesNotMatch(page.text, /\son[a-z]+=/);
  const cookie = page.res.headers.getSetCookie().join(";") + [...editor.cookies.keys()].join(",");
  assert.match(cookie, /vigil_session/);
});

test("session cookies are HttpOnly and SameSite=Strict; tokens are never stored in clear", async () => {
  const res = await fetch(`${app.url}/workspace/sign-in`, { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded", cookie: "" }, body: "", redirect: "manual" });
  assert.equal(res.status, 403, "no CSRF token, refused");
  const token = editor.cookies.get("vigil_session")!;
  assert.ok(token.length >= 43);
  const rows = await adb(app.deps.store.db).selectFrom("sessions").select("id").execute();
  assert.ok(!rows.some((r) => r.id === token));
});

test("state changes need the CSRF token and a same-origin request", async () => {
  const before = (await adb(app.deps.store.db).selectFrom("records").select("id").execute()).length;
  const noToken = await editor.post("/workspace/new/source", { label: "x", confidentiality: "staff", status: "draft" }, { csrf: false });
  assert.equal(noToken.status, 403);
  const cross = await editor.request("POST", "/workspace/new/source", { label: "y", confidentiality: "staff", status: "draft" }, { headers: { "sec-fetch-site": "cross-site" } });
  assert.equal(cross.status, 403);
  assert.equal((await adb(app.deps.store.db).selectFrom("records").select("id").execute()).length, before);
});

test("a person with a Persian name and a Jalali date; every error shown at its field with what was typed kept", async () => {
  await editor.get("/workspace/new/person");
  const bad = await editor.post("/workspace/new/person", { nameFa: "مهدی رضایی", nameEn: "", birth: "1340/13/40", sourceId: "", confidence: "probable", claimConfidentiality: "staff", confidentiality: "staff", status: "draft" });
  assert.equal(bad.status, 400);
  assert.match(fieldError(bad.text, "birth") ?? "", /1340\/13\/40/);
  assert.ok(fieldError(bad.text, "sourceId"));
  assert.match(bad.text, /value="مهدی رضایی"/);
  assert.match(bad.text, /value="1340\/13\/40"/);
  assert.match(bad.text, /aria-invalid="true"/);
  const ok = await editor.post("/workspace/new/person", { nameFa: "مهدی رضایی", nameEn: "Mehdi Rezaei", birth: "1340/05/12", sourceId, locator: "p. 3", confidence: "probable", claimConfidentiality: "staff", confidentiality: "staff", status: "draft" });
  assert.equal(ok.status, 303);
  const page = await editor.get(ok.location!);
  assert.match(page.text, /مهدی رضایی/);
  assert.match(page.text, /Mehdi Rezaei/);
  assert.match(page.text, /1961/, "the Jalali date is also shown in the Gregorian calendar");
  assert.match(page.text, /Interview notes/, "claims show their source");
});

test("names are hostile input: XSS payloads are shown as text, never markup", async () => {
  const payload = `<script>alert(1)</script><img src=x onerror=alert(2)>"'&`;
  await editor.get("/workspace/new/person");
  const r = await editor.post("/workspace/new/person", { nameFa: "", nameEn: payload, sourceId, confidence: "probable", claimConfidentiality: "staff", confidentiality: "staff", status: "draft" });
  assert.equal(r.status, 303);
  for (const path of [r.location!, "/workspace/list/person", `/workspace/search?q=${encodeURIComponent("alert")}`, `${r.location!.split("?")[0]}/history`]) {
    const page = await editor.get(path);
    assert.equal(page.status, 200, path);
    assert.ok(!page.text.includes("<script>alert"), path);
    assert.ok(!page.text.includes("<img src=x"), path);
    if (!path.includes("search")) assert.ok(page.text.includes("&lt;script>alert(1)&lt;/script>&lt;img src=x onerror=alert(2)>"), path);
  }
});

test("concurrent edits: the second save is refused and both versions are shown, nothing overwritten", async () => {
  const created = await editor.post("/workspace/new/source", { label: "Report A", labelFa: "", confidentiality: "staff", status: "draft", date: "1367" });
  const id = /\/records\/([^?]+)/.exec(created.location!)![1]!;
  const form = await editor.get(`/workspace/records/${id}/edit`);
  const version = /name="version" value="(\d+)"/.exec(form.text)![1]!;
  const first = await editor.post(`/workspace/records/${id}/edit`, { version, label: "Report A (first)", labelFa: "", confidentiality: "staff", status: "draft", date: "1367", url: "", text: "" });
  assert.equal(first.status, 303);
  const second = await editor.post(`/workspace/records/${id}/edit`, { version, label: "Report A (second)", labelFa: "", confidentiality: "staff", status: "draft", date: "1367", url: "", text: "" });
  assert.equal(second.status, 409);
  assert.match(second.text, /Report A \(first\)/);
  assert.match(second.text, /Report A \(second\)/);
  const page = await editor.get(`/workspace/records/${id}`);
  assert.match(page.text, /Report A \(first\)/);
});

test("add a claim with a source, edit it, see the difference in history, restore the earlier version", async () => {
  const list = await editor.get("/workspace/search?q=Mehdi");
  const id = /href="\/workspace\/records\/(per_[a-z0-9]+)"/.exec(list.text)![1]!;
  const form = await editor.get(`/workspace/records/${id}/claims/new?property=occupation`);
  assert.match(form.text, /name="property" value="occupation"/);
  const found = await editor.post(`/workspace/records/${id}/claims/new`, { property: "occupation", valueText: "teacher", confidence: "probable", confidentiality: "staff", sourceQ: "Interview", find: "source", sourceId: "" });
  assert.equal(found.status, 200, "the picker works without JavaScript");
  assert.match(found.text, new RegExp(`name="pick_sourceId" value="${sourceId}"`));
  assert.match(found.text, />teacher<\/textarea>/);
  const add = await editor.post(`/workspace/records/${id}/claims/new`, { property: "occupation", valueText: "teacher", confidence: "probable", confidentiality: "staff", pick_sourceId: sourceId, locator: "p. 4", quote: "he taught" });
  assert.equal(add.status, 303);
  const claimId = /#claim-(clm_[a-z0-9]+)/.exec(add.location!)![1]!;
  const edit = await editor.get(`/workspace/claims/${claimId}/edit`);
  const v = /name="version" value="(\d+)"/.exec(edit.text)![1]!;
  const saved = await editor.post(`/workspace/claims/${claimId}/edit`, { version: v, valueText: "engineer", confidence: "confirmed", confidentiality: "staff", sourceId, locator: "p. 4", reason: "corrected" });
  assert.equal(saved.status, 303);
  const history = await editor.get(`/workspace/records/${id}/history`);
  assert.match(history.text, /teacher/);
  assert.match(history.text, /engineer/);
  const restoreForm = new RegExp(`name="entityId" value="${claimId}"/><input type="hidden" name="version" value="1"/>`);
  assert.match(history.text, restoreForm);
  const restored = await editor.post("/workspace/history/restore", { entityId: claimId, version: "1", recordId: id, reason: "back to the source's word" });
  assert.equal(restored.status, 303);
  const page = await editor.get(`/workspace/records/${id}`);
  assert.match(page.text, /teacher/);
  assert.doesNotMatch(page.text, />engineer</);
});

test("a researcher's change waits for an editor; approval applies it through the same use case", async () => {
  const form = await researcher.get(`/workspace/records/${sourceId}/edit`);
  assert.match(form.text, /Send for review/);
  const version = /name="version" value="(\d+)"/.exec(form.text)![1]!;
  const sent = await researcher.post(`/workspace/records/${sourceId}/edit`, { version, label: "Interview notes (dated)", labelFa: "یادداشت‌های مصاحبه", confidentiality: "staff", status: "draft", date: "1367/06", url: "", text: "notes", reason: "date from the cover" });
  assert.equal(sent.location, "/workspace/review?done=proposed");
  assert.doesNotMatch((await editor.get(`/workspace/records/${sourceId}`)).text, /Interview notes \(dated\)/);
  const queue = await editor.get("/workspace/review");
  const pid = /action="\/workspace\/review\/(prp_[a-z0-9]+)"/.exec(queue.text)![1]!;
  const other = await researcher.post(`/workspace/review/${pid}`, { decision: "approve" });
  assert.equal(other.status, 403, "a researcher cannot approve");
  const ok = await editor.post(`/workspace/review/${pid}`, { decision: "approve", note: "checked" });
  assert.equal(ok.status, 303);
  assert.match((await editor.get(`/workspace/records/${sourceId}`)).text, /Interview notes \(dated\)/);
  const history = await editor.get(`/workspace/records/${sourceId}/history`);
  assert.match(history.text, new RegExp(`proposal ${pid}`));
});

test("restricted claims stay hidden until granted; reading one is logged", async () => {
  const person = await createRecord(sys(), { type: "person", confidentiality: "staff", claims: [{ property: "name", value: { text: "Witness Alpha" }, confidence: "confirmed", confidentiality: "staff", citations: [{ sourceId }] }, { property: "residence", value: { text: "CANARY-RESIDENCE-7731" }, confidence: "confirmed", confidentiality: "restricted", citations: [{ sourceId }] }] });
  const hidden = await editor.get(`/workspace/records/${person.id}`);
  assert.doesNotMatch(hidden.text, /CANARY-RESIDENCE-7731/);
  assert.match(hidden.text, /One fact is restricted/);
  const grant = await admin.post("/workspace/grants", { email: "editor@example.org", target: person.id });
  assert.equal(grant.status, 303);
  const shown = await editor.get(`/workspace/records/${person.id}`);
  assert.match(shown.text, /CANARY-RESIDENCE-7731/);
  const log = await listAudit(sys(), { action: "restricted.read" });
  assert.ok(log.some((e) => e.detail.record === person.id));
  assert.ok((await listAudit(sys(), { action: "grant.added" })).length >= 1);
});

test("language: a per-person preference switched by a button; Persian pages are right-to-left", async () => {
  const sw = await editor.post("/workspace/lang", { lang: "fa", next: "/workspace/" });
  assert.equal(sw.location, "/workspace/");
  const fa = await editor.get("/workspace/");
  assert.match(fa.text, /<html lang="fa" dir="rtl">/);
  assert.match(fa.text, /پیشخوان/);
  await editor.post("/workspace/lang", { lang: "en", next: "/workspace/" });
  assert.match((await editor.get("/workspace/")).text, /<html lang="en" dir="ltr">/);
  const signedOut = await fetch(`${app.url}/workspace/sign-in?lang=fa`);
  assert.match(await signedOut.text(), /<html lang="fa" dir="rtl">/);
});

test("sign out ends the session for good; sign out everywhere ends them all", async () => {
  const c = await staff(app.deps.store, app.url, "viewer", "leaver");
  const old = c.cookieHeader();
  const out = await c.post("/workspace/sign-out", {});
  assert.equal(out.location, "/workspace/sign-in");
  const reuse = await fetch(`${app.url}/workspace/`, { headers: { cookie: old }, redirect: "manual" });
  assert.equal(reuse.status, 303);
  assert.match(reuse.headers.get("location") ?? "", /sign-in/);
  const denied = await listAudit(sys(), { action: "access.denied" });
  assert.ok(denied.length > 0);
});
