import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { makeCtx, SYSTEM } from "../../src/core/context.ts";
import { parseDate } from "../../src/core/dates.ts";
import { exportStatic } from "../../src/memorial/index.ts";
import { createWatch, recordStep } from "../../src/monitor/index.ts";
import { addClaim, createRecord, type ClaimInput } from "../../src/records/index.ts";
import type { Store } from "../../src/store/index.ts";
import { startApp, type RunningApp } from "../helpers/app.ts";

/**
 * The memorial fed by monitoring and accountability: prisoners at risk from
 * the watchlist (public facts only, never the watchlist's own steps), the
 * execution trend as charts and tables, officials' careers in the
 * memorial's chrome. Everyone here is invented.
 */
const CANARY = "WATCHSTEPCANARY";

interface World {
  upheld: string;
  sentenced: string;
  notWatched: string;
  hiddenRecord: string;
  staffAct: string;
  executed: string;
  official: string;
  victim: string;
}

const day = (back: number): string => new Date(Date.now() - back * 86_400_000).toISOString().slice(0, 10);

async function build(store: Store): Promise<World> {
  const ctx = makeCtx(store, { ...SYSTEM, id: "system:test" });
  const src = await createRecord(ctx, { type: "source", kind: "report", status: "published", confidentiality: "public", label: "Fictional rights report", labelFa: "گزارش حقوقی ساختگی", synthetic: true });
  const pub = { confidence: "confirmed", confidentiality: "public", citations: [{ sourceId: src.id, quote: "sentenced after a closed hearing" }] };
  const person = async (name: string, nameFa: string, claims: ClaimInput[], confidentiality = "public"): Promise<string> =>
    (await createRecord(ctx, { type: "person", status: "published", confidentiality, synthetic: true, claims: [{ property: "name", value: { text: name }, ...pub }, { property: "name", value: { text: nameFa }, ...pub }, ...claims] })).id;
  const upheld = await person("Behrouz Fictionalupheld", "بهروز ساختگی", [
    { property: "act", term: "death_sentence", date: "2025-01-10", ...pub },
    { property: "act", term: "sentence_upheld", date: "2025-06-02", ...pub },
  ]);
  const sentenced = await person("Shirin Fictionalwatched", "شیرین ساختگی", [{ property: "act", term: "death_sentence", date: "2025-05-10", ...pub }]);
  const notWatched = await person("Kaveh Fictionalrecords", "کاوه ساختگی", [{ property: "act", term: "death_sentence", date: "2025-04-01", ...pub }]);
  const hiddenRecord = await person(`Hidden ${CANARY}1`, `پنهان ${CANARY}2`, [{ property: "act", term: "death_sentence", date: "2025-05-01", ...pub }], "staff");
  const staffAct = await person("Laleh Fictionalquiet", "لاله ساختگی", []);
  await addClaim(ctx, staffAct, { property: "act", term: "sentence_upheld", date: "2025-06-01", confidence: "confirmed", confidentiality: "staff", citations: [{ sourceId: src.id }] });
  const executed = await person("Omid Fictionalended", "امید ساختگی", [
    { property: "at_risk", value: { text: "Reported in danger." }, ...pub },
    { property: "act", term: "execution", date: day(3), ...pub },
  ]);
  // Executions for the trend: two confirmed this season, one not yet confirmed.
  await person("Reza Fictionaltrend", "رضا ساختگی", [{ property: "act", term: "execution", date: day(60), ...pub }]);
  await person("Nima Fictionaltrend", "نیما ساختگی", [{ property: "act", term: "execution", date: day(60), confidence: "probable", confidentiality: "public", citations: [{ sourceId: src.id }] }]);
  for (const id of [upheld, sentenced, hiddenRecord, staffAct, executed]) {
    const w = await createWatch(ctx, { names: [`Watch name ${CANARY}3`], personId: id });
    await recordStep(ctx, w.id, { kind: "transferred_to_solitary", date: parseDate("2025-07-25"), sources: [{ title: `Call with the family ${CANARY}4` }], note: `step note ${CANARY}5` });
  }
  // An official with a public post and a public part in a public act.
  const court = await createRecord(ctx, { type: "organisation", kind: "court", status: "published", confidentiality: "public", label: "Fictional Revolutionary Court", labelFa: "دادگاه انقلاب ساختگی", synthetic: true });
  const official = await person("Judge Fictionalofficial", "قاضی ساختگی", [{ property: "membership", term: "judge", objectId: court.id, date: "2020", ...pub }]);
  const act = (await createRecord(ctx, { type: "person", status: "published", confidentiality: "public", synthetic: true, claims: [{ property: "name", value: { text: "Victim Fictionalvictim" }, ...pub }] })).id;
  const actClaim = await addClaim(ctx, act, { property: "act", term: "execution", date: "2021-03-01", ...pub });
  await addClaim(ctx, official, { property: "involvement", term: "sentenced", objectId: actClaim.id, ...pub });
  return { upheld, sentenced, notWatched, hiddenRecord, staffAct, executed, official, victim: act };
}

describe("the memorial with monitoring and accountability", () => {
  let app: RunningApp;
  let w: World;
  before(async () => {
    app = await startApp({ beforeListen: async (deps) => void (w = await build(deps.store)) });
  });
  after(async () => app?.close());
  const get = async (path: string): Promise<{ status: number; body: string; csp: string }> => {
    const r = await fetch(new URL(path, app.url));
    return { status: r.status, body: await r.text(), csp: r.headers.get("content-security-policy") ?? "" };
  };

  test("watched prisoners appear on the at-risk page with their risk level and sources, most urgent first", async () => {
    const r = await get("/en/at-risk");
    assert.equal(r.status, 200);
    const at = (id: string): number => r.body.indexOf(`/en/people/${id}"`);
    for (const id of [w.upheld, w.sentenced, w.notWatched]) assert.ok(at(id) > 0, `${id} is listed`);
    assert.ok(at(w.upheld) < at(w.sentenced), "a sentence upheld (imminent) before a death sentence (high)");
    assert.ok(r.body.includes("Risk: imminent") && r.body.includes("Risk: high"));
    const entry = r.body.slice(at(w.sentenced), at(w.notWatched) > at(w.sentenced) ? at(w.notWatched) : undefined);
    assert.match(entry, /Risk: high/);
    assert.match(entry, /death sentence/);
    assert.match(entry, /sentenced after a closed hearing/, "the act is shown with its citation's quote");
    assert.ok(r.body.includes("Fictional rights report"), "the source is named in the page's source list");
    const fa = await get("/fa/at-risk");
    assert.ok(fa.body.includes("خطر: قریب‌الوقوع") && fa.body.includes("خطر: زیاد"));
    assert.ok(fa.body.includes("شیرین ساختگی"));
  });

  test("nobody whose record or facts are not public, nobody whose path has ended, and nothing of the watchlist's own steps", async () => {
    for (const lang of ["en", "fa"]) {
      const r = await get(`/${lang}/at-risk`);
      for (const id of [w.hiddenRecord, w.staffAct, w.executed]) assert.ok(!r.body.includes(id), `${lang}: ${id} is not listed`);
      assert.ok(!r.body.includes("Laleh Fictionalquiet") && !r.body.includes("Omid Fictionalended"));
      assert.ok(!r.body.includes(lang === "en" ? "25 July 2025" : "۳ مرداد ۱۴۰۴"), "the watchlist's step (a transfer to solitary confinement on that day) is not a public fact");
    }
  });

  test("the home page counts the same prisoners", async () => {
    const list = await get("/en/at-risk");
    const n = (list.body.match(/<li class="risk-/g) ?? []).length;
    assert.equal(n, 3);
    assert.ok((await get("/en/")).body.includes(`${n} prisoners are at risk of execution now`));
    assert.ok((await get("/fa/")).body.includes("۳ زندانی هم‌اکنون در خطر اعدام‌اند"));
  });

  test("the trends page: both charts inline, a table of the figures, a note on provisional periods; in English and Persian, without script", async () => {
    for (const lang of ["en", "fa"] as const) {
      const r = await get(`/${lang}/trends`);
      assert.equal(r.status, 200);
      assert.equal((r.body.match(/<svg /g) ?? []).length, 2, "two charts");
      for (const id of ["trend-week-chart-title", "trend-month-chart-title", "trend-week-hatch", "trend-month-hatch"]) assert.equal((r.body.match(new RegExp(`id="${id}"`, "g")) ?? []).length, 1, `${id} once`);
      assert.equal((r.body.match(/<table>/g) ?? []).length, 2, "a table beside each chart");
      assert.ok(!r.body.includes("<script"), "no script");
      assert.ok(!/\sstyle="/.test(r.body), "no inline style (the CSP forbids it)");
      assert.match(r.csp, /style-src 'self'/);
      assert.match(r.body, lang === "en" ? /href="\/en\/trends" aria-current="page"/ : /href="\/fa\/trends" aria-current="page"/);
    }
    const en = (await get("/en/trends")).body;
    assert.ok(en.includes("Executions per week") && en.includes("Executions per month"));
    assert.ok(en.includes("are provisional"), "the note on provisional weeks");
    assert.match(en, /<td class="num">1<\/td>/, "the confirmed execution is counted");
    assert.ok(en.includes("1 report not yet confirmed"), "the unconfirmed one is not, and the page says so");
    const fa = (await get("/fa/trends")).body;
    assert.ok(fa.includes("اعدام‌ها در هر هفته") && fa.includes("موقت"));
    assert.match(fa, /<td class="num">۱<\/td>/, "Persian digits");
    assert.match(fa, /(فروردین|اردیبهشت|خرداد|تیر|مرداد|شهریور|مهر|آبان|آذر|دی|بهمن|اسفند) ۱۴[۰-۹]{2}/, "Jalali dates");
    assert.ok(!/\d{4}-W/.test(fa.replace(/<svg[\s\S]*?<\/svg>/g, "")), "week labels in Persian digits");
  });

  test("a person with a public career links to it; the career page has the memorial's chrome", async () => {
    const person = await get(`/en/people/${w.official}`);
    assert.ok(person.body.includes(`href="/en/officials/${w.official}"`));
    assert.ok(!(await get(`/en/people/${w.victim}`)).body.includes("/en/officials/"), "a victim has no career page");
    const career = await get(`/fa/officials/${w.official}`);
    assert.equal(career.status, 200);
    assert.match(career.body, /<html lang="fa" dir="rtl">/);
    assert.ok(career.body.includes('href="/fa/at-risk"') && career.body.includes('href="/fa/trends"'), "the memorial's navigation");
    assert.ok(career.body.includes("/assets/memorial.css") && career.body.includes("/assets/accountability.css"));
    assert.ok(career.body.includes(`href="/en/officials/${w.official}"`), "the language switch leads to the same page");
    assert.ok(career.body.includes(`href="/fa/people/${w.official}"`), "back to the person's memorial page");
    assert.ok(career.body.includes("دادگاه انقلاب ساختگی"));
    assert.equal((await get(`/en/officials/${w.victim}`)).status, 404);
  });

  test("no public page shows anything of the watchlist", async () => {
    const seen = new Set<string>();
    const queue = ["/en/", "/fa/"];
    while (queue.length) {
      const path = queue.shift()!;
      if (seen.has(path) || seen.size > 400) continue;
      seen.add(path);
      const r = await get(path);
      assert.ok(!r.body.includes(CANARY), `${path} shows staff data`);
      for (const m of r.body.matchAll(/href="(\/(?:en|fa)\/[^"#?]*)"/g)) if (!seen.has(m[1]!)) queue.push(m[1]!);
    }
    for (const p of ["/en/at-risk", "/fa/trends", `/en/officials/${w.official}`]) assert.ok(seen.has(p), `${p} crawled`);
  });

  test("the static mirror has the trends, the at-risk list and the officials' pages", async () => {
    const dir = mkdtempSync(join(tmpdir(), "vigil-mirror-"));
    try {
      await exportStatic(app.deps.store, join(dir, "site"));
      const site = join(dir, "site");
      for (const lang of ["en", "fa"]) {
        const trends = readFileSync(join(site, lang, "trends.html"), "utf8");
        assert.equal((trends.match(/<svg /g) ?? []).length, 2);
        assert.ok(trends.includes("<table>"));
        assert.ok(trends.includes(`href="../${lang}/at-risk.html"`), "the navigation links within the mirror");
        const official = readFileSync(join(site, lang, "officials", `${w.official}.html`), "utf8");
        assert.ok(official.includes('href="../../assets/accountability.css"'));
        assert.ok(readFileSync(join(site, lang, "people", `${w.official}.html`), "utf8").includes(`href="../../${lang}/officials/${w.official}.html"`));
      }
      assert.ok(readFileSync(join(site, "en", "at-risk.html"), "utf8").includes("Risk: imminent"));
      assert.ok(statSync(join(site, "assets", "accountability.css")).isFile());
      const walk = (d: string): string[] => readdirSync(d).flatMap((n) => (statSync(join(d, n)).isDirectory() ? walk(join(d, n)) : [join(d, n)]));
      for (const f of walk(site)) assert.ok(!readFileSync(f, "utf8").includes(CANARY), `${f} shows staff data`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
