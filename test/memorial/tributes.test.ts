import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { setTimeout as sleep } from "node:timers/promises";
import { startApp, type RunningApp } from "../helpers/app.ts";
import { makeCtx, SYSTEM } from "../../src/core/context.ts";
import { createRecord } from "../../src/records/index.ts";
import { moderatePost, moderationQueue } from "../../src/memorial/index.ts";
import { staff } from "../helpers/staff.ts";

/** Tributes and comments: a plain form, refusals that keep what was typed, moderation, replies, abuse control. */
describe("tributes and moderation", () => {
  let app: RunningApp;
  let person = "";
  const ctx = () => makeCtx(app.deps.store, { ...SYSTEM, id: "system:test" });

  before(async () => {
    app = await startApp({
      beforeListen: async (deps) => {
        const c = makeCtx(deps.store, SYSTEM);
        const src = await createRecord(c, { type: "source", kind: "report", status: "published", confidentiality: "public", label: "List" });
        const p = await createRecord(c, { type: "person", status: "published", confidentiality: "public", claims: [{ property: "name", value: { text: "Sima Example", kind: "full" }, confidence: "confirmed", confidentiality: "public", citations: [{ sourceId: src.id }] }] });
        person = p.id;
      },
    });
  });
  after(async () => app?.close());

  const page = async (path: string): Promise<string> => (await fetch(app.url + path)).text();
  const tokenOf = (html: string): string => /name="token" value="([^"]+)"/.exec(html)![1]!;
  const post = (path: string, form: Record<string, string>, headers: Record<string, string> = {}) =>
    fetch(app.url + path, { method: "POST", redirect: "manual", headers: { "content-type": "application/x-www-form-urlencoded", origin: app.url, ...headers }, body: new URLSearchParams(form).toString() });

  test("an empty tribute is refused at its field, keeping what was typed", async () => {
    const token = tokenOf(await page(`/en/people/${person}`));
    const r = await post(`/en/people/${person}/tributes`, { token, body: "   ", author: "Her brother", kind: "tribute", website: "" });
    assert.equal(r.status, 400);
    const html = await r.text();
    assert.match(html, /class="field invalid"/);
    assert.match(html, /Please write something\./);
    assert.match(html, /value="Her brother"/);
  });

  test("a tribute is held for moderation, then shown once approved, escaped", async () => {
    const token = tokenOf(await page(`/fa/people/${person}`));
    const r = await post(`/fa/people/${person}/tributes`, { token, body: "یادش گرامی <script>alert(1)</script>", author: "خواهرش", kind: "tribute", website: "" });
    assert.equal(r.status, 303);
    assert.equal(r.headers.get("location"), `/fa/people/${person}?tribute=held#tribute-form`);
    assert.equal(r.headers.get("set-cookie"), null, "no cookie for visitors");
    assert.match(await page(`/fa/people/${person}?tribute=held`), /سپاس. سخن شما دریافت شد/);
    const queue = await moderationQueue(ctx());
    const held = queue.find((q) => q.body.startsWith("یادش گرامی"));
    assert.ok(held, "the tribute waits in the queue");
    assert.ok(!(await page(`/fa/people/${person}`)).includes("یادش گرامی"), "not shown before moderation");
    await moderatePost(ctx(), held.id, "approve");
    await sleep(1100);
    const shown = await page(`/fa/people/${person}`);
    assert.ok(shown.includes("یادش گرامی &lt;script>alert(1)&lt;/script>"), `shown, escaped: ${shown.slice(shown.indexOf("یادش") - 50, shown.indexOf("یادش") + 80)}`);
    assert.ok(!shown.includes("<script>alert"), "never as markup");

    // A reply to the approved tribute.
    const replyPage = await page(`/en/people/${person}?reply=${held.id}`);
    assert.match(replyPage, /Replying to:/);
    const r2 = await post(`/en/people/${person}/tributes`, { token: tokenOf(replyPage), body: "Thank you for remembering her.", author: "", kind: "tribute", parent: held.id, website: "" });
    assert.equal(r2.status, 303);
    const reply = (await moderationQueue(ctx())).find((q) => q.body === "Thank you for remembering her.");
    assert.equal(reply?.parentId, held.id);
  });

  test("a filled honeypot, a foreign origin or a forged token are not accepted", async () => {
    const token = tokenOf(await page(`/en/people/${person}`));
    const before = (await moderationQueue(ctx())).length;
    const bot = await post(`/en/people/${person}/tributes`, { token, body: "buy now", author: "", kind: "tribute", website: "http://spam.example" });
    assert.equal(bot.status, 303, "a bot is told nothing");
    const cross = await post(`/en/people/${person}/tributes`, { token, body: "cross", author: "", kind: "tribute", website: "" }, { origin: "http://evil.example" });
    assert.equal(cross.status, 403);
    const forged = await post(`/en/people/${person}/tributes`, { token: "abc.def", body: "forged token text", author: "", kind: "tribute", website: "" });
    assert.equal(forged.status, 400);
    assert.match(await forged.text(), /forged token text/, "the text is kept");
    assert.equal((await moderationQueue(ctx())).length, before, "nothing was stored");
  });

  test("many posts from one visitor are slowed down", async () => {
    const token = tokenOf(await page(`/en/people/${person}`));
    const statuses: number[] = [];
    for (let i = 0; i < 8; i++) statuses.push((await post(`/en/people/${person}/tributes`, { token, body: `message ${i}`, author: "", kind: "tribute", website: "" })).status);
    assert.ok(statuses.includes(429) || statuses.filter((s) => s === 303).length <= 5, `statuses ${statuses.join(",")}`);
    assert.ok(statuses.slice(-2).every((s) => s !== 303), "the last ones are refused");
  });

  test("the moderation queue is in the workspace, for editors and admins", async () => {
    const signedOut = await fetch(`${app.url}/workspace/memorial/moderation`, { redirect: "manual" });
    assert.equal(signedOut.status, 303);
    assert.match(signedOut.headers.get("location") ?? "", /^\/workspace\/sign-in/);
    const viewer = await staff(app.deps.store, app.url, "viewer");
    assert.equal((await viewer.get("/workspace/memorial/moderation")).status, 403);
    const editor = await staff(app.deps.store, app.url, "editor");
    const page = await editor.get("/workspace/memorial/moderation");
    assert.equal(page.status, 200);
    assert.match(page.text, /Memorial moderation/);
    const id = /action="\/workspace\/memorial\/moderation\/(mpo_[0-9a-f]+)"/.exec(page.text)![1]!;
    assert.equal((await viewer.post(`/workspace/memorial/moderation/${id}`, { decision: "approve" })).status, 403);
    const decided = await editor.post(`/workspace/memorial/moderation/${id}`, { decision: "reject", note: "spam" });
    assert.equal(decided.status, 303);
    assert.ok((await moderationQueue(ctx(), "rejected")).some((p) => p.id === id));
    const noToken = await editor.post(`/workspace/memorial/moderation/${id}`, { decision: "approve" }, { csrf: false });
    assert.equal(noToken.status, 403, "the workspace's CSRF check holds");
  });
});
