import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { makeCtx, SYSTEM } from "../../src/core/context.ts";
import { importList, parseMapping, type ListTables } from "../../src/lists/index.ts";
import { linkStoredLists } from "../../src/linkage/index.ts";
import { startApp, type RunningApp } from "../helpers/app.ts";
import { staff, type StaffClient } from "../helpers/staff.ts";

// SYNTHETIC lists: made-up people with common names.
const FA = Buffer.from(["ردیف,نام,نام خانوادگی,نام پدر,تاریخ اعدام", "۱,محمد,حسینی,علی,۱۳۶۷/۰۵/۱۲", "۲,بهروز,کریمی,رضا,۱۳۶۷/۰۵/۱۰", "۳,کاظم,نوری,حسین,۱۳۶۷/۰۵/۱۲"].join("\n"));
const EN = Buffer.from(["No,Name,Father,Executed", "1,\"Hosseini, Mohammad\",Ali,1988-08-03", "2,Behrooz Karimi,Reza,1988-08-01", "3,Kazim Nouri,,", "4,Zahra Jafari,Akbar,13/13/1988"].join("\n"));

let app: RunningApp;
let editor: StaffClient;
let viewer: StaffClient;
const sys = () => makeCtx(app.deps.store, { ...SYSTEM, id: "system:test" });

before(async () => {
  app = await startApp();
  await importList(sys(), { bytes: FA, file: "fa.csv", mapping: parseMapping({ list_name: "fa-list", columns: { ردیف: "id", نام: "given_name", "نام خانوادگی": "family_name", "نام پدر": "father_name", "تاریخ اعدام": "date_of_death" }, calendar: "jalali", name_order: "auto", day_month_order: "dmy" }) });
  await importList(sys(), { bytes: EN, file: "en.csv", skipBad: true, mapping: parseMapping({ list_name: "en-list", columns: { No: "id", Name: "full_name", Father: "father_name", Executed: "date_of_death" }, calendar: "gregorian", name_order: "auto", day_month_order: "dmy" }) });
  await linkStoredLists(sys());
  [editor, viewer] = [await staff(app.deps.store, app.url, "editor"), await staff(app.deps.store, app.url, "viewer")];
});
after(async () => app.close());

test("the linkage page shows imported lists with their row errors and the queue in both scripts", async () => {
  const page = await editor.get("/workspace/linkage/");
  assert.equal(page.res.status, 200);
  assert.ok(page.text.includes("fa-list") && page.text.includes("en-list"));
  assert.match(page.text, /row 4 \(line 5\)[^<]*month 13 does not exist/, "the row left out, with its reason");
  assert.ok(page.text.includes("نوری") && page.text.includes("Kazim Nouri"), "an uncertain pair, each row as written");
  const forViewer = await viewer.get("/workspace/linkage/");
  assert.equal(forViewer.res.status, 200);
  assert.doesNotMatch(forViewer.text, /action="\/workspace\/linkage\/decide"/, "a viewer gets no decision forms");
});

test("a reviewer's decision is kept and respected; a cluster is accepted as one person", async () => {
  const t = app.deps.store.db.withTables<ListTables>();
  const rows = await t.selectFrom("list_entries").select(["id", "list_name", "row_id", "cluster"]).execute();
  const nouri = rows.filter((r) => (r.list_name === "fa-list" && r.row_id === "۳") || (r.list_name === "en-list" && r.row_id === "3"));
  const r = await editor.post("/workspace/linkage/decide", { action: "accept", entries: nouri.map((x) => x.id), note: "same father's village" });
  assert.equal(r.status, 303);
  const relink = await editor.post("/workspace/linkage/link", {});
  assert.equal(relink.status, 303);
  const after = await t.selectFrom("list_entries").select(["id", "cluster"]).where("id", "in", nouri.map((x) => x.id)).execute();
  assert.equal(after[0]!.cluster, after[1]!.cluster);
  const cluster = await editor.get(`/workspace/linkage/clusters/${after[0]!.cluster}`);
  assert.equal(cluster.res.status, 200);
  assert.ok(cluster.text.includes("Kazim Nouri"));
  const accepted = await editor.post(`/workspace/linkage/clusters/${after[0]!.cluster}/accept`, { note: "reviewed" });
  assert.equal(accepted.status, 303);
  assert.match(accepted.location ?? "", /^\/workspace\/records\/per_/);
  assert.equal((await viewer.post("/workspace/linkage/decide", { action: "reject", entries: nouri.map((x) => x.id) })).status, 403);
});
