import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { startApp, type RunningApp } from "../helpers/app.ts";
import { buildWorld, CANARY, type World } from "./fixture.ts";

describe("public career pages", () => {
  let app: RunningApp;
  let w: World;
  before(async () => {
    app = await startApp({ beforeListen: async (deps) => void (w = await buildWorld(deps.store)) });
  });
  after(async () => app.close());

  const get = async (path: string): Promise<{ status: number; body: string; type: string }> => {
    const r = await fetch(`${app.url}${path}`);
    return { status: r.status, body: await r.text(), type: r.headers.get("content-type") ?? "" };
  };

  test("an official's page in English: posts, later posts, the command chain, every public act, and nothing else", async () => {
    const r = await get(`/en/officials/${w.judge}`);
    assert.equal(r.status, 200);
    assert.match(r.type, /text\/html/);
    assert.match(r.body, /<html lang="en" dir="ltr">/);
    for (const text of ["Masoud Tehrani", "Synthetic Revolutionary Court", "Synthetic Ministry", "after the acts", "Hassan Shirazi", "Synthetic victim 6", "Synthetic public report B", "fictional demonstration data"]) assert.ok(r.body.includes(text), `page shows ${text}`);
    assert.equal((r.body.match(/<tr[^>]* id="clm_/g) ?? []).length, 2 + w.acts.length, "two posts and one row per public act");
    for (const canary of Object.values(CANARY)) assert.ok(!r.body.includes(canary), `page holds ${canary}`);
    assert.ok(r.body.includes("<svg"), "server-rendered diagrams");
    assert.ok(!r.body.includes("<script"), "works with JavaScript off");
    assert.ok(r.body.includes(`/en/officials/${w.chief}`), "links to the superior's page");
  });

  test("the same page in Persian, right to left", async () => {
    const r = await get(`/fa/officials/${w.judge}`);
    assert.equal(r.status, 200);
    assert.match(r.body, /<html lang="fa" dir="rtl">/);
    for (const text of ["مسعود تهرانی", "سوابق و دخالت", "حاکم شرع", "دادگاه انقلاب ساختگی", "قربانی ساختگی 1"]) assert.ok(r.body.includes(text), `page shows ${text}`);
    for (const canary of Object.values(CANARY)) assert.ok(!r.body.includes(canary));
  });

  test("no page for a victim, a draft record, an unknown id or language", async () => {
    for (const path of [`/en/officials/${w.victims[0]!}`, `/en/officials/${w.draftVictim}`, "/en/officials/per_doesnotexist", `/de/officials/${w.judge}`, "/en/officials/..%2Fetc"]) assert.equal((await get(path)).status, 404, path);
  });

  test("the stylesheet is served from the same origin", async () => {
    const r = await get("/assets/accountability.css");
    assert.equal(r.status, 200);
    assert.match(r.type, /text\/css/);
  });
});
