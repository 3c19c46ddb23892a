import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { startApp, type RunningApp } from "../helpers/app.ts";
import { postgresProblem } from "../helpers/store.ts";
import { makeCtx, SYSTEM } from "../../src/core/context.ts";
import { getRecord, updateRecord } from "../../src/records/index.ts";
import { freshnessOfStore } from "../../src/memorial/freshness.ts";
import { vaultEvidence } from "../../src/memorial/evidence.ts";
import type { Worker } from "node:worker_threads";
import { localRenderer, type Html, type TextRenderer } from "../../src/memorial/public-renderer.tsx";
import { RenderPool, renderPoolOfStore } from "../../src/memorial/render-pool.ts";
import { parseSearchParams } from "../../src/memorial/presenters/index.ts";
import type { PageKind } from "../../src/memorial/render.tsx";
import { PublicFacetIndex } from "../../src/memorial/facet-index.ts";
import { facetCounts } from "../../src/memorial/presenters/index.ts";
import { memorialDb } from "../../src/memorial/schema.ts";
import { CANARY, plant, rng, type Planted } from "./fixtures.ts";

/**
 * Public pages built in worker threads (what `vigil serve` does on a machine
 * with two cores or more) are the pages the main thread builds, byte for
 * byte but for the form token, so every guarantee the redaction test checks
 * holds for them too; and the threads follow changes to the records as soon
 * as the memorial has seen them. People are fictional.
 */
const LEAK = new RegExp(`${CANARY}\\d+X`);
const TOKEN = /name="token" value="([^"]+)"/;

/** A page's text; bytes lent by a thread are read, then given back. */
function text(html: Html): string {
  if (typeof html === "string") return html;
  const read = html.bytes.toString("utf8");
  html.release();
  return read;
}

for (const dialect of ["sqlite", "postgres"] as const)
  describe(`memorial pages built in threads [${dialect}]`, { skip: dialect === "postgres" && postgresProblem ? `PostgreSQL unreachable: ${postgresProblem}` : false }, () => {
    let app: RunningApp;
    let planted: Planted;
    let local: TextRenderer;

    const get = async (path: string): Promise<{ status: number; body: string; location: string | null }> => {
      const r = await fetch(new URL(path, app.url), { redirect: "manual" });
      const body = await r.text();
      // The form token changes every minute: pages compare with the main thread's built with the word "token".
      const token = TOKEN.exec(body)?.[1];
      return { status: r.status, body: token ? body.replaceAll(token, "token") : body, location: r.headers.get("location") };
    };
    /** Equal pages, or the first place where they differ. */
    const same = (served: string, built: string, what: string): void => {
      if (served === built) return;
      let i = 0;
      while (served[i] === built[i]) i++;
      assert.fail(`${what} differs at ${i}:\n served: …${served.slice(Math.max(0, i - 120), i + 120)}…\n built:  …${built.slice(Math.max(0, i - 120), i + 120)}…`);
    };

    before(async () => {
      app = await startApp({ dialect, env: { VIGIL_MEMORIAL_THREADS: "2" }, beforeListen: async (deps) => void (planted = await plant(deps.store, 7)) });
      local = localRenderer(app.deps.store, vaultEvidence(app.deps.store));
    });
    after(async () => {
      await local?.close();
      await app?.close();
    });

    test("every public page and search is the page the main thread builds", async () => {
      const pages: [string, PageKind, string | undefined][] = [
        ["", "home", undefined],
        ["events", "events", undefined],
        ["places", "places", undefined],
        ["statements", "statements", undefined],
        ["at-risk", "at-risk", undefined],
        ["trends", "trends", undefined],
        [`events/${planted.event}`, "event", planted.event],
        [`places/${planted.prison}`, "place", planted.prison],
        ...planted.publicPeople.map((p): [string, PageKind, string] => [`people/${p.id}`, "person", p.id]),
      ];
      for (const lang of ["en", "fa"] as const) {
        for (const [path, kind, id] of pages) {
          const served = await get(`/${lang}/${path}`);
          assert.equal(served.status, 200, path);
          const built = await local.page(lang, kind, id, 0, "token");
          assert.equal(built.kind, "html", path);
          same(served.body, built.kind === "html" ? built.html : "", `${lang}/${path}`);
          assert.doesNotMatch(served.body, LEAK, path);
        }
        for (const query of ["q=Rahimi", "q=Parvin+Tabrizi", `q=${CANARY}`, "q=alias", "q=Rahimi&year=1988", `q=Karimi&prison=${planted.prison}`, "year=1988", "q=Nouri&page=2"]) {
          const served = await get(`/${lang}/search?${query}`);
          assert.equal(served.status, 200, query);
          const built = await local.search(lang, parseSearchParams(Object.fromEntries(new URLSearchParams(query))));
          same(served.body, built, `${lang} search ${query}`);
          assert.doesNotMatch(served.body, LEAK, query);
        }
      }
    });

    test("every cell lent to a response comes back once the response is over, for GET and HEAD alike", async () => {
      const pool = renderPoolOfStore.get(app.deps.store);
      assert.ok(pool, "the memorial runs a pool of threads");
      const lentBefore = pool.cells.lentSoFar;
      // Pages not yet built (page 2 of searches, each person in both languages): none comes from the cache.
      const paths = planted.publicPeople.flatMap((p) => [`/en/people/${p.id}`, `/fa/people/${p.id}`, `/fa/search?q=${encodeURIComponent(p.name)}&page=2`]);
      const answers = await Promise.all(paths.flatMap((path) => ["HEAD", "GET"].map(async (method) => (await fetch(new URL(path, app.url), { method, redirect: "manual" })).arrayBuffer())));
      assert.equal(answers.length, paths.length * 2);
      assert.ok(pool.cells.lentSoFar > lentBefore, "pages were lent");
      // A response's close comes just after its last byte: wait for the server to see it.
      for (let i = 0; i < 100 && pool.cells.out() > 0; i++) await new Promise((r) => setTimeout(r, 10));
      assert.equal(pool.cells.out(), 0, "no cell is still lent");
    });

    test("facets counted in memory are the database's counts", async () => {
      const db = memorialDb(app.deps.store.db);
      await freshnessOfStore.get(app.deps.store)!.check(true);
      const index = new PublicFacetIndex(db);
      const everyone = (await db.selectFrom("memorial_facets").select("person_id").distinct().execute()).map((r) => r.person_id);
      assert.ok(everyone.length > 5, `${everyone.length} people with facets`);
      const r = rng(11);
      for (let i = 0; i < 20; i++) {
        const some = everyone.filter(() => r() < 0.5);
        assert.deepEqual(await index.counts(some), await facetCounts(db, { ids: some }));
      }
      const all = await index.counts(everyone);
      for (const facet of ["year", "prison", "sex"] as const)
        for (const { value, n } of all[facet]) assert.equal((await index.filter(everyone, { [facet]: value })).length, n, `${facet}=${value}`);
    });

    test("hidden and merged records: not found and moved, as in the main thread", async () => {
      for (const id of planted.hiddenIds.filter((h) => h.startsWith("per_"))) assert.equal((await get(`/en/people/${id}`)).status, 404, id);
      const moved = await get(`/fa/people/${planted.merged.from}`);
      assert.equal(moved.status, 301);
      assert.equal(moved.location, `/fa/people/${planted.merged.to}`);
    });

    test("a record taken off the memorial leaves the threads' pages and searches once the memorial has seen the change", async () => {
      const db = memorialDb(app.deps.store.db);
      const everyone = (await db.selectFrom("memorial_facets").select("person_id").distinct().execute()).map((r) => r.person_id);
      // Someone with facets, so that the counts must change.
      const victim = planted.publicPeople.find((p) => p.id !== planted.victim.id && everyone.includes(p.id))!;
      const family = victim.name.split(" ").pop()!;
      const listed = async (): Promise<boolean> => (await get(`/en/search?q=${encodeURIComponent(victim.name)}`)).body.includes(`/people/${victim.id}"`);
      assert.equal((await get(`/en/people/${victim.id}`)).status, 200);
      assert.ok(await listed(), `${victim.name} is found before`);
      const index = new PublicFacetIndex(db);
      await index.ready();
      const ctx = makeCtx(app.deps.store, { ...SYSTEM, id: "system:test" });
      const rec = await getRecord(ctx, victim.id);
      await updateRecord(ctx, victim.id, rec.record.version, { status: "draft" }, "test");
      await freshnessOfStore.get(app.deps.store)!.check(true);
      assert.equal((await get(`/en/people/${victim.id}`)).status, 404);
      assert.equal(await listed(), false, `${victim.name} is no longer found`);
      // Facets held in memory follow the change as the table does (only the changed person is read again).
      const before = await index.counts(everyone);
      index.invalidate();
      const now = await index.counts(everyone);
      assert.notDeepEqual(now, before);
      assert.deepEqual(now, await facetCounts(db, { ids: everyone }));
      // The facet counts of a search no longer count them either: as the main thread counts.
      const served = await get(`/en/search?q=${encodeURIComponent(family)}`);
      local.changed();
      same(served.body, await local.search("en", parseSearchParams({ q: family })), "search after the change");
    });

    test("a page built while a change is being noticed is sent but not kept in the cache", async () => {
      // Many requests for one page are in the threads when the page's person is taken off the memorial.
      const person = planted.publicPeople.filter((p) => p.id !== planted.victim.id).at(-1)!;
      const path = `/fa/people/${person.id}`;
      const inFlight = Array.from({ length: 60 }, () => get(path));
      await Promise.race(inFlight);
      const ctx = makeCtx(app.deps.store, { ...SYSTEM, id: "system:test" });
      const rec = await getRecord(ctx, person.id);
      await updateRecord(ctx, person.id, rec.record.version, { status: "draft" }, "test");
      await freshnessOfStore.get(app.deps.store)!.check(true);
      const answered = await Promise.all(inFlight);
      assert.ok(answered.some((a) => a.status === 200), "some were built before the change");
      assert.equal((await get(path)).status, 404, "what is asked after the change is not an old page from the cache");
    });

    test("threads read their indexes as they start, and equally idle threads take turns", async () => {
      const pool = new RenderPool(app.deps.store, 2, localRenderer(app.deps.store, vaultEvidence(app.deps.store)));
      try {
        // Resolves only once each thread has said its name and facet indexes are read.
        await pool.warm();
        const slots = (pool as unknown as { slots: { worker: Worker; ready: boolean }[] }).slots;
        assert.deepEqual(
          slots.map((s) => s.ready),
          [true, true],
        );
        const answered = slots.map(() => 0);
        slots.forEach((s, i) => s.worker.on("message", (m: { op?: string }) => void (m.op ? 0 : answered[i]!++)));
        // One visitor at a time: every search still reaches both threads, so neither is left cold.
        for (let i = 0; i < 6; i++) assert.ok(text(await pool.search("en", { q: planted.victim.name, filter: {}, page: 0 })).includes(`/people/${planted.victim.id}"`));
        assert.deepEqual(answered, [3, 3]);
      } finally {
        await pool.close();
      }
    });

    test("a thread that dies fails only its own requests and is replaced; threads that keep dying leave pages to the main thread", async () => {
      const errors: string[] = [];
      const pool = new RenderPool(app.deps.store, 1, localRenderer(app.deps.store, vaultEvidence(app.deps.store)), (m) => errors.push(m));
      const threads = (): Worker[] => (pool as unknown as { slots: { worker: Worker }[] }).slots.map((s) => s.worker);
      try {
        const person = planted.victim;
        const page = async (): Promise<string> => {
          const r = await pool.page("en", "person", person.id, 0, "token");
          assert.equal(r.kind, "html");
          return r.kind === "html" ? text(r.html) : "";
        };
        const first = await page();
        assert.ok(first.includes(person.name));
        for (let death = 1; death <= 3; death++) {
          const [worker] = threads();
          assert.ok(worker, `a thread before death ${death}`);
          // One request in the thread when it dies: that request fails, the next is answered all the same.
          const lost = pool.page("en", "person", person.id, 0, "token");
          await worker.terminate();
          await assert.rejects(lost, /render thread stopped/);
          assert.equal(await page(), first, `answered after death ${death}`);
        }
        assert.equal(threads().length, 0, "no thread is started after three deaths in a minute");
        assert.equal(errors.length, 3);
        assert.match(errors[2]!, /built in the main thread/);
      } finally {
        await pool.close();
      }
    });

    test("pages lent through shared memory are whole and never overwritten while lent; what does not fit comes as text", async () => {
      // Three cells of 9 KB: a Persian person page (about 9–10 KB) and searches do not fit, so both ways are taken.
      const pool = new RenderPool(app.deps.store, 1, localRenderer(app.deps.store, vaultEvidence(app.deps.store)), () => {}, { cells: 3, cellBytes: 9 * 1024 });
      try {
        await pool.warm();
        // Earlier tests took some people off the memorial.
        const shown: string[] = [];
        for (const p of planted.publicPeople) if ((await local.page("en", "person", p.id, 0, "token")).kind === "html") shown.push(p.id);
        assert.ok(shown.length >= 4, `${shown.length} people shown`);
        const asks: { lang: "en" | "fa"; id: string }[] = [];
        for (let round = 0; round < 3; round++) for (const id of shown) for (const lang of ["en", "fa"] as const) asks.push({ lang, id });
        // All at once: more pages in flight than cells, some held (as a slow response holds them) while others are built.
        const answers = await Promise.all(asks.map(async (a) => ({ a, r: await pool.page(a.lang, "person", a.id, 0, "token") })));
        let lent = 0;
        let asText = 0;
        const held: { a: (typeof asks)[number]; html: Html }[] = [];
        for (const { a, r } of answers) {
          assert.equal(r.kind, "html");
          if (r.kind !== "html") continue;
          if (typeof r.html === "string") asText++;
          else lent++;
          held.push({ a, html: r.html });
        }
        assert.ok(lent > 0 && lent <= 3, `${lent} lent: no more than the cells`);
        assert.ok(asText > 0, "pages beyond the free cells come as text");
        // Everything lent is still intact while held, and then given back.
        for (const { a, html } of held) {
          const built = await local.page(a.lang, "person", a.id, 0, "token");
          assert.equal(text(html), built.kind === "html" ? built.html : "", `${a.lang} ${a.id}`);
        }
        // Given back (twice, which must not lend a cell twice), the cells carry page after page, each whole.
        for (const { html } of held) if (typeof html !== "string") html.release();
        let lentAfter = 0;
        for (const a of asks.slice(0, 12)) {
          const r = await pool.page(a.lang, "person", a.id, 0, "token");
          assert.equal(r.kind, "html");
          if (r.kind !== "html") continue;
          if (typeof r.html !== "string") lentAfter++;
          const built = await local.page(a.lang, "person", a.id, 0, "token");
          assert.equal(text(r.html), built.kind === "html" ? built.html : "", `${a.lang} ${a.id} after`);
        }
        assert.ok(lentAfter > 0, "cells given back are lent again");
        const free = (pool as unknown as { slots: { free: number[] }[] }).slots[0]!.free;
        assert.deepEqual([...free].sort(), [0, 1, 2], "every cell is free again, each once");
      } finally {
        await pool.close();
      }
    });
  });
