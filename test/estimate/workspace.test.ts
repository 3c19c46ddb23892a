import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { auditSink } from "../../src/accounts/index.ts";
import { makeCtx, SYSTEM } from "../../src/core/context.ts";
import { estimate, fromTableSet, loadSyntheticLists, parseCaptureCsv, type EstimateReport, type LoadedSyntheticLists, type StratifiedReport } from "../../src/estimate/index.ts";
import { jobHandlers, runWorker } from "../../src/worker/index.ts";
import { startApp, type RunningApp } from "../helpers/app.ts";
import { staff, type StaffClient } from "../helpers/staff.ts";

/**
 * From linked lists to an estimate with its caveats, through the real HTTP
 * routes as signed-in staff: the workspace pages (forms, report, plot,
 * exports, runs again) and the JSON API, on fictional lists whose true total
 * is known. Long runs go through the real job worker.
 */

const TOTAL = 700;
let app: RunningApp;
let gen: LoadedSyntheticLists;
let researcher: StaffClient;
let viewer: StaffClient;
let ids: { A: string; B: string; C: string; D: string };

interface Exported {
  id: string;
  status: string;
  report: (EstimateReport & StratifiedReport) | null;
  error: { message: string } | null;
  tableCsv: string;
  command: string;
  input: { method: string };
  reproduces: string | null;
  provenance: { from: string; synthetic: number; people: number; lists: { name: string; sourceId: string }[]; stratify?: { labels: Record<string, { en: string; fa: string }> } };
}

const api = async (c: StaffClient, method: string, path: string, body?: unknown) => {
  const r = await c.request(method, path, body, { json: true });
  return { status: r.status, json: JSON.parse(r.text) as Exported & { items: unknown[]; error: { code: string; message: string } } };
};

/** The id a form post redirected to. */
const runIdOf = (location: string | null): string => {
  const m = /^\/workspace\/estimates\/(est_[0-9a-f]+)$/.exec(location ?? "");
  assert.ok(m, `redirected to ${location}`);
  return m[1]!;
};

before(async () => {
  app = await startApp();
  const sys = makeCtx(app.deps.store, { ...SYSTEM, id: "system:test" }, { audit: auditSink });
  // C and D never share anybody: models with their interaction are refused.
  gen = await loadSyntheticLists(sys, {
    total: TOTAL,
    seed: 5,
    lists: [
      { name: "A", p: 0.45 },
      { name: "B", p: 0.4 },
      { name: "C", p: 0.35 },
      { name: "D", p: 0.3 },
    ],
    disjoint: [["C", "D"]],
    strata: [
      { name: "North", share: 0.55, factor: 1.15 },
      { name: "South", share: 0.45, factor: 0.8 },
    ],
  });
  ids = { A: gen.sources.get("A")!, B: gen.sources.get("B")!, C: gen.sources.get("C")!, D: gen.sources.get("D")! };
  researcher = await staff(app.deps.store, app.url, "researcher");
  viewer = await staff(app.deps.store, app.url, "viewer");
});
after(async () => app?.close());

describe("the Estimates section of the workspace", () => {
  let firstRun = "";

  test("the section is in the navigation; the form offers the published lists with their people", async () => {
    const home = await viewer.get("/workspace/");
    assert.match(home.text, /href="\/workspace\/estimates"/);
    const form = await researcher.get("/workspace/estimates/new");
    assert.equal(form.status, 200);
    for (const name of ["A", "B", "C", "D"]) assert.match(form.text, new RegExp(`<code dir="ltr">${name}</code> — <bdi>Synthetic list ${name} \\(fictional people\\)</bdi>`));
    const onA = gen.observed.filter((p) => p.lists.includes("A")).length;
    assert.ok(form.text.includes(`(${onA} people)`), "people on list A");
    assert.match(form.text, /enctype="multipart\/form-data"/);
  });

  test("lists A, B, C by the form: the report covers the true total and says what to beware of", async () => {
    const r = await researcher.post("/workspace/estimates", { sources: [ids.A, ids.B, ids.C], method: "loglinear", select: "bic", sensitivity: "true" });
    assert.equal(r.status, 303, r.text.slice(0, 500));
    firstRun = runIdOf(r.location);
    const page = await researcher.get(`/workspace/estimates/${firstRun}`);
    assert.equal(page.status, 200);
    for (const text of ["Estimated total", "95% interval", "Models considered", "Sensitivity: the total under other reasonable choices", "Dependence between lists", "Differences between people", "Errors in matching records across lists", "fictional demonstration data", "The table was built from citations"]) assert.ok(page.text.includes(text), text);
    assert.match(page.text, new RegExp(`<img class="estimate-plot" src="/workspace/estimates/${firstRun}/plot.svg"`));
    const { json } = await api(researcher, "GET", `/api/v1/estimates/${firstRun}`);
    assert.equal(json.status, "done");
    const [low, high] = json.report!.interval;
    assert.ok(low <= TOTAL && TOTAL <= high!, `interval ${low}–${high} should cover ${TOTAL}`);
    assert.equal(json.report!.observed, gen.observed.filter((p) => p.lists.some((l) => l !== "D")).length);
    assert.equal(json.provenance.synthetic, json.provenance.people);
    const svg = await researcher.get(`/workspace/estimates/${firstRun}/plot.svg`);
    assert.equal(svg.res.headers.get("content-type"), "image/svg+xml; charset=utf-8");
    assert.match(svg.text, /^<svg [^>]*role="img"/);
    assert.ok(!/<script/i.test(svg.text));
  });

  test("a refused model is saved and shown with its reason, never with a number", async () => {
    const r = await researcher.post("/workspace/estimates", { sources: [ids.A, ids.C, ids.D], method: "loglinear", model: "A*C+A*D+C*D" });
    assert.equal(r.status, 303);
    const id = runIdOf(r.location);
    const page = await researcher.get(`/workspace/estimates/${id}`);
    assert.match(page.text, /Refused: no estimate/);
    assert.match(page.text, /not identifiable: nobody is on this combination of lists together \(C:D\)/);
    assert.ok(!page.text.includes("Estimated total"), "no estimate is shown");
    const { json } = await api(researcher, "GET", `/api/v1/estimates/${id}`);
    assert.equal(json.status, "refused");
    assert.equal(json.report, null);
    // Chosen by BIC instead, the models with C:D are listed as refused, each with its reason.
    const sel = await researcher.post("/workspace/estimates", { sources: [ids.A, ids.C, ids.D], method: "loglinear" });
    const selPage = await researcher.get(`/workspace/estimates/${runIdOf(sel.location)}`);
    assert.match(selPage.text, /Refused models \(2\)/);
    assert.match(selPage.text, /<code dir="ltr">A\*C\+A\*D\+C\*D<\/code>: the estimate is not identifiable/);
    assert.match(selPage.text, /Lists that share nobody/);
  });

  test("form errors are shown at their fields and what was typed is kept", async () => {
    const r = await researcher.post("/workspace/estimates", { sources: [ids.A], method: "loglinear", iterations: "many", title: "Kept title" });
    assert.equal(r.status, 400);
    assert.match(r.text, /class="field invalid" id="f-sources"/);
    assert.match(r.text, /choose at least 2 lists/);
    assert.match(r.text, /iterations must be a whole number/);
    assert.match(r.text, /value="Kept title"/);
    assert.match(r.text, new RegExp(`value="${ids.A}" checked`));
    const bad = await researcher.post("/workspace/estimates", { sources: [ids.A, ids.B], model: "A*Z" });
    assert.equal(bad.status, 400);
    assert.match(bad.text, /lists are named A, B/);
  });

  test("a capture-pattern CSV, pasted or uploaded as a file; its problems are shown with row and column", async () => {
    const csv = "A,B,C,count\n1,0,0,60\n0,1,0,49\n1,1,0,4\n0,0,1,247\n1,0,1,112\n0,1,1,142\n1,1,1,12\n";
    const pasted = await researcher.post("/workspace/estimates", { csv, model: "A*B+C" });
    assert.equal(pasted.status, 303);
    const { json } = await api(researcher, "GET", `/api/v1/estimates/${runIdOf(pasted.location)}`);
    assert.equal(json.report!.N.toFixed(1), estimate(parseCaptureCsv(csv), { model: "A*B+C" }).N.toFixed(1));
    assert.equal(json.provenance.from, "csv");

    const form = new FormData();
    form.append("_csrf", researcher.csrf);
    form.append("method", "bma");
    form.append("csvFile", new Blob([csv], { type: "text/csv" }), "three-lists.csv");
    const up = await fetch(`${app.url}/workspace/estimates`, { method: "POST", body: form, headers: { cookie: researcher.cookieHeader() }, redirect: "manual" });
    assert.equal(up.status, 303, await up.text());
    const uploaded = await api(researcher, "GET", `/api/v1/estimates/${runIdOf(up.headers.get("location"))}`);
    assert.equal(uploaded.json.input.method, "bma");
    assert.equal((uploaded.json.input as unknown as { data: { fileName: string } }).data.fileName, "three-lists.csv");

    const broken = await researcher.post("/workspace/estimates", { csv: "A,B,count\n1,0,3\n0,0,5\n" });
    assert.equal(broken.status, 400);
    assert.match(broken.text, /row 3, column &quot;count&quot;: the all-zero pattern/);
    assert.ok(broken.text.includes("A,B,count"), "the pasted table is kept");
  });

  test("exports: JSON with the table and the command that reproduces it, CSV of the figures; running again gives the same answer", async () => {
    const json = await researcher.get(`/workspace/estimates/${firstRun}/export.json`);
    assert.match(json.res.headers.get("content-disposition") ?? "", /attachment; filename="est_[0-9a-f]+\.json"/);
    const exported = JSON.parse(json.text) as Exported & { format: string };
    assert.equal(exported.format, "vigil-estimate");
    assert.match(exported.command, /^vigil estimate table\.csv --method loglinear --select bic/);
    const again = estimate(parseCaptureCsv(exported.tableCsv), { method: "loglinear", select: "bic" });
    assert.equal(again.N, exported.report!.N);
    assert.deepEqual(again.interval, exported.report!.interval);

    const audited = await app.deps.store.db.withTables<{ audit_log: { action: string; target_id: string } }>().selectFrom("audit_log").select("target_id").where("action", "=", "estimate.export").execute();
    assert.ok(audited.some((a) => a.target_id === firstRun), "the export is in the audit log");
    const csv = await researcher.get(`/workspace/estimates/${firstRun}/export.csv`);
    assert.match(csv.res.headers.get("content-type") ?? "", /^text\/csv/);
    const lines = csv.text.trim().split("\n");
    assert.equal(lines[0], "section,stratum,item,N,low,high,aic,bic,weight,note");
    assert.ok(lines.some((l) => l.startsWith("estimate,,")));
    assert.ok(lines.some((l) => l.startsWith("sensitivity,,")));
    assert.ok(lines.some((l) => l.startsWith("caveat,,dependence,")));
    assert.equal(lines.filter((l) => l.startsWith("list,")).length, 3);

    const re = await researcher.post(`/workspace/estimates/${firstRun}/rerun`, { mode: "same-table" });
    assert.equal(re.status, 303);
    const rerun = (await api(researcher, "GET", `/api/v1/estimates/${runIdOf(re.location)}`)).json;
    assert.equal(rerun.reproduces, firstRun);
    assert.equal(rerun.report!.N, exported.report!.N);
    assert.deepEqual(rerun.report!.interval, exported.report!.interval);
    const page = await researcher.get(`/workspace/estimates/${rerun.id}`);
    assert.match(page.text, new RegExp(`This run reproduces the run <a href="/workspace/estimates/${firstRun}">`));
  });

  test("a viewer reads estimates but may not run them; the list shows every run", async () => {
    const list = await viewer.get("/workspace/estimates");
    assert.equal(list.status, 200);
    assert.ok(list.text.includes(`/workspace/estimates/${firstRun}`));
    assert.ok(!list.text.includes('href="/workspace/estimates/new"'), "no New estimate button");
    assert.equal((await viewer.get(`/workspace/estimates/${firstRun}`)).status, 200);
    assert.equal((await viewer.get("/workspace/estimates/new")).status, 403);
    assert.equal((await viewer.post("/workspace/estimates", { sources: [ids.A, ids.B] })).status, 403);
    assert.equal((await api(viewer, "POST", "/api/v1/estimates", { sources: [ids.A, ids.B] })).status, 403);
  });

  test("in Persian the report is right-to-left, with the caveats in Persian and the engine's details marked as English", async () => {
    await researcher.post("/workspace/lang", { lang: "fa", next: `/workspace/estimates/${firstRun}` });
    const page = await researcher.get(`/workspace/estimates/${firstRun}`);
    assert.match(page.text, /<html lang="fa" dir="rtl">/);
    assert.ok(page.text.includes("وابستگی میان فهرست‌ها"));
    assert.ok(page.text.includes("کل برآوردشده"));
    assert.match(page.text, /<p lang="en" dir="ltr">Lists that draw on each other/);
    const svg = await researcher.get(`/workspace/estimates/${firstRun}/plot.svg`);
    assert.ok(svg.text.includes("کل برآوردشده در مدل‌های گوناگون"));
    await researcher.post("/workspace/lang", { lang: "en", next: "/workspace/" });
  });
});

describe("the estimates API", () => {
  test("lists and the capture table, as JSON and as CSV for the command line", async () => {
    const { json } = await api(viewer, "GET", "/api/v1/estimates/lists");
    const items = json.items as { name: string; sourceId: string; people: number }[];
    assert.deepEqual(items.map((i) => i.name), ["A", "B", "C", "D"]);
    const q = `sources=${ids.A}&sources=${ids.B}&sources=${ids.C}`;
    const csv = await viewer.request("GET", `/api/v1/estimates/table?${q}&format=csv`, undefined, { json: true });
    const table = parseCaptureCsv(csv.text);
    assert.deepEqual(table.lists, ["A", "B", "C"]);
    let observed = 0;
    for (const c of table.counts) observed += c;
    assert.equal(observed, gen.observed.filter((p) => p.lists.some((l) => l !== "D")).length);
    const bad = await api(viewer, "GET", `/api/v1/estimates/table?sources=${ids.A}`);
    assert.equal(bad.status, 400);
  });

  test("model averaging answers at once (201); a refused model is a saved run with its reason (201, status refused)", async () => {
    const r = await api(researcher, "POST", "/api/v1/estimates", { sources: [ids.A, ids.B, ids.C], method: "bma", delta: 0.5 });
    assert.equal(r.status, 201);
    assert.equal(r.json.status, "done");
    const [low, high] = r.json.report!.interval;
    assert.ok(low <= TOTAL && TOTAL <= high!, `BMA interval ${low}–${high}`);
    assert.ok(r.json.report!.models.length > 1);
    const refused = await api(researcher, "POST", "/api/v1/estimates", { sources: [ids.C, ids.D], model: "C*D" });
    assert.equal(refused.status, 201);
    assert.equal(refused.json.status, "refused");
    assert.match(refused.json.error.message, /refused: the model includes the interaction of all 2 lists/);
    const invalid = await api(researcher, "POST", "/api/v1/estimates", { sources: [ids.A], method: "loglinear" });
    assert.equal(invalid.status, 400);
    assert.equal(invalid.json.error.code, "validation");
  });

  test("LCMCR, stratified by province, runs in the job worker and covers the truth", async () => {
    const r = await api(researcher, "POST", "/api/v1/estimates", { sources: [ids.A, ids.B, ids.C], method: "lcmcr", stratify: "province", seed: 3, burnIn: 1000, iterations: 4000, thin: 4, chains: 2, sensitivity: false });
    assert.equal(r.status, 202);
    assert.equal(r.json.status, "queued");
    const queued = await researcher.get(`/workspace/estimates/${r.json.id}`);
    assert.equal(queued.res.headers.get("refresh"), "3", "the page reloads itself without JavaScript");
    assert.match(queued.text, /Waiting for the job worker/);
    const stop = new AbortController();
    const worker = runWorker(app.deps.store, jobHandlers, { signal: stop.signal, idleMs: 50 });
    let run: Exported | undefined;
    try {
      for (let i = 0; i < 600; i++) {
        run = (await api(researcher, "GET", `/api/v1/estimates/${r.json.id}`)).json;
        if (run.status !== "queued" && run.status !== "running") break;
        await new Promise((res) => setTimeout(res, 100));
      }
    } finally {
      stop.abort();
      await worker;
    }
    assert.equal(run!.status, "done", JSON.stringify(run!.error));
    const rep = run!.report!;
    assert.equal(rep.strata.length, 2);
    const truth = [...gen.stratumTotals.values()].reduce((a, b) => a + b, 0);
    assert.ok(rep.interval[0] <= truth && truth <= rep.interval[1]!, `interval ${rep.interval.join("–")} should cover ${truth}`);
    const labels = run!.provenance.stratify!.labels;
    assert.deepEqual(rep.strata.map((s) => labels[s.stratum]!.en).sort(), ["Province North (synthetic)", "Province South (synthetic)"]);
    // The strata's tables add up to the whole.
    let sum = 0;
    for (const t of fromTableSet((run as unknown as { table: Parameters<typeof fromTableSet>[0] }).table).values()) for (const c of t.counts) sum += c;
    assert.equal(sum, rep.observed);
    const page = await researcher.get(`/workspace/estimates/${r.json.id}`);
    assert.equal(page.res.headers.get("refresh"), null);
    assert.match(page.text, /Province North \(synthetic\)/);
    assert.match(page.text, /Convergence of the sampler/);
  });

  test("the routes are in the OpenAPI document", async () => {
    const doc = (await (await fetch(`${app.url}/api/openapi.json`)).json()) as { paths: Record<string, Record<string, unknown>> };
    for (const p of ["/api/v1/estimates", "/api/v1/estimates/{id}", "/api/v1/estimates/lists", "/api/v1/estimates/table", "/api/v1/estimates/{id}/csv", "/api/v1/estimates/{id}/rerun"]) assert.ok(doc.paths[p], p);
    assert.ok(doc.paths["/api/v1/estimates"]!.post);
  });
});
