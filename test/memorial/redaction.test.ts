import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startApp, type RunningApp } from "../helpers/app.ts";
import { postgresProblem } from "../helpers/store.ts";
import { exportStatic, submitPost } from "../../src/memorial/index.ts";
import { memorialDb } from "../../src/memorial/schema.ts";
import { CANARY, plant, type Planted } from "./fixtures.ts";

/**
 * The redaction test: random records with mixed confidentiality, canaries
 * planted in everything that is not public (staff and restricted claims,
 * names, sources, drafts, notes, editorial data, pending tributes); every
 * public page reachable by following links, every record's page by id,
 * searches for the hidden names, and the static mirror: no canary anywhere.
 */
const LEAK = new RegExp(`${CANARY}\\d+X`);
const SEED = Number(process.env.VIGIL_TEST_SEED ?? Date.now() % 100_000);

for (const dialect of ["sqlite", "postgres"] as const)
describe(`public pages show public values only [${dialect}] (seed ${SEED})`, { skip: dialect === "postgres" && postgresProblem ? `PostgreSQL unreachable: ${postgresProblem}` : false }, () => {
  let app: RunningApp;
  let planted: Planted;
  const pages = new Map<string, { status: number; body: string }>();

  const cookies: string[] = [];
  const get = async (path: string): Promise<{ status: number; body: string; location: string | null }> => {
    const r = await fetch(new URL(path, app.url), { redirect: "manual" });
    if (r.headers.get("set-cookie")) cookies.push(path);
    return { status: r.status, body: await r.text(), location: r.headers.get("location") };
  };

  before(async () => {
    app = await startApp({ dialect, beforeListen: async (deps) => void (planted = await plant(deps.store, SEED)) });
    await submitPost(memorialDb(app.deps.store.db), { recordId: planted.publicPeople[1]!.id, kind: "tribute", body: `pending tribute ${CANARY}0X`, author: "", parentId: null, lang: "en" });
    // Crawl everything reachable from both home pages, plus every record by id.
    const queue = ["/", "/fa/", "/en/"];
    const everyId = await app.deps.store.db.selectFrom("records").select(["id", "type"]).execute();
    const paths: Record<string, string> = { person: "people", event: "events", place: "places", source: "sources", organisation: "organisations" };
    for (const r of everyId) for (const lang of ["fa", "en"]) if (paths[r.type]) queue.push(`/${lang}/${paths[r.type]}/${r.id}`);
    // The pages fed by monitoring and accountability: prisoners at risk (the watchlist), trends, officials' careers.
    for (const lang of ["fa", "en"]) queue.push(`/${lang}/at-risk`, `/${lang}/trends`, ...everyId.filter((r) => r.type === "person").map((r) => `/${lang}/officials/${r.id}`));
    for (const lang of ["fa", "en"]) queue.push(`/${lang}/search?q=${CANARY}`, `/${lang}/search?q=alias`, `/${lang}/search?q=Rahimi`, `/${lang}/search?q=street`, `/${lang}/search?year=1988`, `/${lang}/search?prison=x`);
    while (queue.length) {
      const path = queue.shift()!;
      if (pages.has(path) || pages.size > 3000) continue;
      const r = await get(path);
      pages.set(path, r);
      for (const m of r.body.matchAll(/href="(\/[^"#]*)"/g)) {
        const href = m[1]!.replace(/&amp;/g, "&");
        if (!pages.has(href) && !href.startsWith("/assets/") && !href.startsWith("/staff/")) queue.push(href);
      }
    }
  });
  after(async () => app?.close());

  test("no canary on any public page, and no hidden record's id", () => {
    assert.ok(pages.size > 100, `crawled ${pages.size} pages`);
    for (const [path, r] of pages) {
      // Canaries are CANARY<n>X; a search page may echo the bare word it was asked for.
      const at = r.body.search(LEAK);
      assert.ok(at < 0, `${path} shows a value that is not public: …${r.body.slice(Math.max(0, at - 120), at + 40)}…`);
      for (const id of planted.hiddenIds) if (!path.includes(id)) assert.ok(!r.body.includes(id), `${path} names the hidden record ${id}`);
    }
  });

  test("the pages fed by monitoring and accountability were read", () => {
    for (const lang of ["fa", "en"]) for (const path of [`/${lang}/at-risk`, `/${lang}/trends`]) assert.equal(pages.get(path)?.status, 200, path);
    assert.ok([...pages].some(([p, r]) => p.startsWith("/en/officials/") && r.status === 200), "an official's career page");
  });

  test("no public page sets a cookie", () => {
    assert.deepEqual(cookies, []);
  });

  test("hidden records are not found; public ones show their public names", () => {
    for (const id of planted.hiddenIds) {
      for (const lang of ["fa", "en"]) {
        const r = [...pages].find(([p]) => p.endsWith(`/${id}`) && p.startsWith(`/${lang}/`));
        assert.equal(r?.[1].status, 404, `${lang} page of hidden ${id}`);
      }
    }
    for (const p of planted.publicPeople) {
      const r = pages.get(`/en/people/${p.id}`);
      assert.equal(r?.status, 200);
      assert.ok(r.body.includes(p.name), `the page of ${p.id} shows ${p.name}`);
      assert.ok(r.body.includes("fictional demo record"), "synthetic records carry the mark");
    }
  });

  test("public values reach their pages: victims on the event's and the place's pages, statements with their speaker", () => {
    for (const path of [`/en/events/${planted.event}`, `/en/places/${planted.prison}`, `/fa/events/${planted.event}`]) {
      const r = pages.get(path);
      assert.equal(r?.status, 200, path);
      assert.ok(r.body.includes(planted.victim.name), `${path} names ${planted.victim.name}`);
    }
    const statements = pages.get("/en/statements")!.body;
    assert.ok(statements.includes("We are proud of it."));
    assert.ok(statements.includes("Official Example"));
    assert.ok(pages.get(`/en/events/${planted.event}`)!.body.includes("We are proud of it."), "the event's page quotes what was said about it");
  });

  test("a citation of a source that is not public says so without naming it", () => {
    const bodies = [...pages.values()].map((p) => p.body).join("\n");
    assert.ok(bodies.includes("(a source not public)"));
    assert.ok(bodies.includes("(منبعی که عمومی نیست)"));
    assert.ok(bodies.includes("a public quote"), "quotes from public sources are shown");
    const fa = [...pages].filter(([path]) => path.startsWith("/fa/")).map(([, p]) => p.body).join("\n");
    assert.ok(fa.includes("(<bdi>p. 4</bdi>)"), "a Latin locator is isolated on right-to-left pages, so it reads in its own order");
  });

  test("a merged id redirects to its survivor", async () => {
    const r = await get(`/en/people/${planted.merged.from}`);
    assert.equal(r.status, 301);
    assert.equal(r.location, `/en/people/${planted.merged.to}`);
  });

  test("the static mirror holds no canary and no hidden id", async () => {
    const dir = mkdtempSync(join(tmpdir(), "vigil-mirror-"));
    try {
      const result = await exportStatic(app.deps.store, join(dir, "site"));
      assert.equal(result.people, planted.publicPeople.length);
      const files: string[] = [];
      const walk = (d: string): void => {
        for (const n of readdirSync(d)) {
          const f = join(d, n);
          if (statSync(f).isDirectory()) walk(f);
          else files.push(f);
        }
      };
      walk(join(dir, "site"));
      assert.ok(files.length > 50);
      for (const f of files) {
        const text = readFileSync(f, "utf8");
        assert.ok(!LEAK.test(text), `${f} holds a value that is not public`);
        for (const id of planted.hiddenIds) assert.ok(!text.includes(id), `${f} names hidden ${id}`);
      }
      for (const p of planted.publicPeople.slice(1)) assert.ok(readFileSync(join(dir, "site", "en", "people", `${p.id}.html`), "utf8").includes(p.name));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
