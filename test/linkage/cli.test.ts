import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import ExcelJS from "exceljs";

const VIGIL = fileURLToPath(new URL("../../bin/vigil.mjs", import.meta.url));

function vigil(cwd: string, ...args: string[]) {
  const r = spawnSync(process.execPath, [VIGIL, ...args], { cwd, encoding: "utf8" });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

// SYNTHETIC lists: made-up people with common names, in two scripts.
const FA = [
  "ردیف,نام,نام خانوادگی,نام پدر,سن,تاریخ اعدام,محل اعدام",
  "۱,محمد,حسینی,علی,۲۵,۱۳۶۷/۰۵/۱۲,زندان اوین",
  "۲,زهرا,رضایی,حسن,۳۰,۱۳۶۷/۰۶/۰۱,گوهردشت",
  "۳,بهروز,کریمی,رضا,۲۲,۱۳۶۷/۰۵/۱۰,زندان اوین",
  "۴,فاطمه,احمدی,مهدی,۲۸,۱۳۶۷/۰۵/۲۰,قزل حصار",
].join("\n");

const faMapping = { list_name: "fa-list", columns: { ردیف: "id", نام: "given_name", "نام خانوادگی": "family_name", "نام پدر": "father_name", سن: "age", "تاریخ اعدام": "date_of_death", "محل اعدام": "place_of_death" }, calendar: "jalali", name_order: "auto", day_month_order: "dmy" };
const enMapping = { list_name: "en-list", columns: { Name: "full_name", Father: "father_name", Born: "birth_year", "Place of death": "place_of_death" }, calendar: "gregorian", name_order: "auto", day_month_order: "dmy" };

async function setup(): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), "vigil-link-"));
  writeFileSync(join(dir, "fa.csv"), FA);
  writeFileSync(join(dir, "fa.json"), JSON.stringify(faMapping));
  writeFileSync(join(dir, "en.json"), JSON.stringify(enMapping));
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet("list");
  ws.addRow(["Name", "Father", "Born", "Place of death"]);
  ws.addRow(["Hosseini, Mohammad", "Ali", 1963, "Evin Prison"]);
  ws.addRow(["Behrooz Karimi", "Reza", 1966, "Evin"]);
  ws.addRow(["Zahra Rezaee", "Hassan", 1958, "Gohardasht"]);
  ws.addRow(["Maryam Jafari", "Akbar", 1960, "Qezel Hesar"]);
  ws.addRow(["MUHAMMAD HUSSEINI", "Aly", 1963, "Evin"]);
  writeFileSync(join(dir, "en.xlsx"), new Uint8Array(await wb.xlsx.writeBuffer()));
  return dir;
}

function readClusters(path: string): { header: string; rows: Record<string, string>[] } {
  const [header, ...lines] = readFileSync(path, "utf8").trim().split("\n");
  return { header: header!, rows: lines.map((l) => Object.fromEntries(l.split(",").map((v, i) => [["file", "row_id", "cluster_id", "match_probability"][i]!, v]))) };
}

test("vigil link: one row per input row, people found across scripts", async () => {
  const dir = await setup();
  try {
    const r = vigil(dir, "link", "fa.csv:fa.json", "en.xlsx:en.json", "--out", "clusters.csv", "--json");
    assert.equal(r.code, 0, r.err);
    const summary = JSON.parse(r.out);
    assert.equal(summary.rows, 9);
    const { header, rows } = readClusters(join(dir, "clusters.csv"));
    assert.equal(header, "file,row_id,cluster_id,match_probability");
    assert.equal(rows.length, 9);
    assert.deepEqual(rows.map((x) => x.file), ["fa.csv", "fa.csv", "fa.csv", "fa.csv", "en.xlsx", "en.xlsx", "en.xlsx", "en.xlsx", "en.xlsx"]);
    assert.deepEqual(rows.map((x) => x.row_id), ["۱", "۲", "۳", "۴", "1", "2", "3", "4", "5"], "ids from the id column, else row numbers");
    const cluster = (file: string, id: string) => rows.find((x) => x.file === file && x.row_id === id)!.cluster_id;
    assert.equal(cluster("fa.csv", "۱"), cluster("en.xlsx", "1"), "محمد حسینی = Hosseini, Mohammad");
    assert.equal(cluster("en.xlsx", "1"), cluster("en.xlsx", "5"), "= MUHAMMAD HUSSEINI (a duplicate inside a list)");
    assert.equal(cluster("fa.csv", "۲"), cluster("en.xlsx", "3"), "زهرا رضایی = Zahra Rezaee");
    assert.equal(cluster("fa.csv", "۳"), cluster("en.xlsx", "2"), "بهروز کریمی = Behrooz Karimi");
    assert.notEqual(cluster("fa.csv", "۴"), cluster("en.xlsx", "4"));
    assert.notEqual(cluster("fa.csv", "۱"), cluster("fa.csv", "۳"));
    const p = Number(rows.find((x) => x.file === "fa.csv" && x.row_id === "۱")!.match_probability);
    assert.ok(p > 0.5 && p <= 1);
    assert.equal(rows.find((x) => x.file === "fa.csv" && x.row_id === "۴")!.match_probability, "", "a row alone has no match probability");
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("vigil decide: a rejection splits a pair when linking again, undo restores it", async () => {
  const dir = await setup();
  try {
    const link = () => {
      const r = vigil(dir, "link", "fa.csv:fa.json", "en.xlsx:en.json", "--out", "c.csv", "--decisions", "decisions.json");
      assert.equal(r.code, 0, r.err);
      const { rows } = readClusters(join(dir, "c.csv"));
      return (file: string, id: string) => rows.find((x) => x.file === file && x.row_id === id)!.cluster_id;
    };
    assert.equal(link()("fa.csv", "۳"), link()("en.xlsx", "2"));
    const d = vigil(dir, "decide", "reject", "fa-list#۳", "en-list#2", "--decisions", "decisions.json", "--json", "--note", "different fathers' villages");
    assert.equal(d.code, 0, d.err);
    const decision = JSON.parse(d.out) as { id: string };
    const after = link();
    assert.notEqual(after("fa.csv", "۳"), after("en.xlsx", "2"));
    const a = vigil(dir, "decide", "accept", "fa-list#۴", "en-list#4", "--decisions", "decisions.json");
    assert.equal(a.code, 0, a.err);
    assert.equal(link()("fa.csv", "۴"), link()("en.xlsx", "4"), "an acceptance joins rows the model kept apart");
    assert.equal(vigil(dir, "decide", "undo", decision.id, "--decisions", "decisions.json").code, 0);
    const undone = link();
    assert.equal(undone("fa.csv", "۳"), undone("en.xlsx", "2"));
    const file = JSON.parse(readFileSync(join(dir, "decisions.json"), "utf8")) as { decisions: { action: string }[] };
    assert.deepEqual(file.decisions.map((x) => x.action), ["reject", "accept", "undo"], "decisions are kept, never rewritten");
    assert.equal(vigil(dir, "decide", "reject", "nonsense", "--decisions", "decisions.json").code, 1);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("vigil link: bad rows fail the run with their place, or are skipped and listed", async () => {
  const dir = await setup();
  try {
    writeFileSync(join(dir, "fa.csv"), `${FA}\n۵,علی,کاظمی,حسین,بیست,۱۳۶۷/۰۵/۱۲,اوین\n۶,رضا,نوری,علی,۳۰,۱۳۶۷/۱۳/۰۱,اوین`);
    const bad = vigil(dir, "link", "fa.csv:fa.json", "--out", "c.csv");
    assert.equal(bad.code, 1);
    assert.match(bad.err, /2 rows of fa.csv cannot be read/);
    assert.match(bad.err, /fa.csv, row 5, line 6, column "سن", field "age": "بیست" is not an age/);
    assert.match(bad.err, /fa.csv, row 6, line 7, column "تاریخ اعدام", field "date_of_death": .*month 13 does not exist/);
    const skipped = vigil(dir, "link", "fa.csv:fa.json", "--out", "c.csv", "--skip-bad");
    assert.equal(skipped.code, 0, skipped.err);
    assert.match(skipped.err, /skipped fa.csv, row 5 \(line 6\)/);
    assert.match(skipped.err, /skipped fa.csv, row 6 \(line 7\)/);
    assert.equal(readClusters(join(dir, "c.csv")).rows.length, 4);
    const blanked = vigil(dir, "link", "fa.csv:fa.json", "--out", "c.csv", "--blank-bad-cells");
    assert.equal(blanked.code, 0, blanked.err);
    assert.match(blanked.err, /read as empty: fa.csv, row 5, column "سن": "بیست" is not an age/);
    assert.equal(readClusters(join(dir, "c.csv")).rows.length, 6, "rows kept, bad cells read as empty");
    const badMapping = vigil(dir, "link", "fa.csv:en.json", "--out", "c.csv");
    assert.equal(badMapping.code, 1);
    assert.match(badMapping.err, /does not fit fa.csv/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("vigil lists suggest-mapping and the review queue with rows in their own script", async () => {
  const dir = await setup();
  try {
    const s = vigil(dir, "lists", "suggest-mapping", "fa.csv");
    assert.equal(s.code, 0, s.err);
    const m = JSON.parse(s.out);
    assert.deepEqual(m.columns, { ردیف: "id", نام: "given_name", "نام خانوادگی": "family_name", "نام پدر": "father_name", سن: "age", "تاریخ اعدام": "date_of_death", "محل اعدام": "place_of_death" });
    assert.equal(m.calendar, "jalali");
    // A weaker pair for the queue: a Persian row whose Latin twin lacks the father and has a typo.
    writeFileSync(join(dir, "fa.csv"), `${FA}\n۵,کاظم,نوری,حسین,۴۰,۱۳۶۷/۰۵/۱۲,اوین`);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(join(dir, "en.xlsx"));
    wb.worksheets[0]!.addRow(["Kazim Nouri", "", "", ""]);
    await wb.xlsx.writeFile(join(dir, "en.xlsx"));
    const r = vigil(dir, "link", "fa.csv:fa.json", "en.xlsx:en.json", "--out", "c.csv", "--review", "review.json");
    assert.equal(r.code, 0, r.err);
    interface Item {
      kind: string;
      reason: string;
      match_probability: number;
      records: { list: string; columns: Record<string, string> }[];
      comparisons: { field: string }[];
    }
    const review = JSON.parse(readFileSync(join(dir, "review.json"), "utf8")) as { items: Item[] };
    const pair = review.items.find((i) => i.kind === "pair" && i.records.some((x) => x.columns["نام خانوادگی"] === "نوری"));
    assert.ok(pair, JSON.stringify(review.items.map((i) => i.reason)));
    assert.deepEqual(pair.records.map((x) => x.list).sort(), ["en-list", "fa-list"]);
    assert.ok(pair.records.some((x) => x.columns.Name === "Kazim Nouri"), "each row as the list wrote it");
    assert.ok(pair.match_probability >= 0.2 && pair.match_probability < 0.9);
    assert.ok(pair.comparisons.some((c) => c.field === "family name"));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
