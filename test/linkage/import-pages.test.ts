import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { readdir } from "node:fs/promises";
import ExcelJS from "exceljs";
import type { ListTables } from "../../src/lists/index.ts";
import { STAGING_TTL_MS, sanitiseFileName, stagingDir, sweepStaged } from "../../src/lists/staging.ts";
import { startApp, type RunningApp } from "../helpers/app.ts";
import { staff, type StaffClient } from "../helpers/staff.ts";

// SYNTHETIC lists: made-up people with invented names; no real person is described.

// Windows-1256 has no encoder in Node; the decoder's table read backwards is one.
function windows1256(s: string): Buffer {
  const table = new Map<string, number>();
  const dec = new TextDecoder("windows-1256");
  for (let b = 0; b < 256; b++) table.set(dec.decode(Uint8Array.of(b)), b);
  return Buffer.from(
    [...s].map((c) => {
      const b = table.get(c);
      assert.ok(b !== undefined, `no windows-1256 byte for ${c}`);
      return b;
    }),
  );
}

const FA_TEXT = ["ردیف,نام,نام خانوادگی,نام پدر,سن,تاریخ اعدام", "۱,کیوان,تابانفر,بهمن,۲۵,۱۳۶۷/۰۵/۱۲", "۲,ماهرخ,دلاوری,سهراب,۳۱,۱۳۶۷/۰۵/۱۰", "۳,فرهاد,نیلوفری,کامران,۲۸,۱۳۶۷/۰۶/۰۲", "۴,گلاره,سپیدرود,,,"].join("\r\n");
// Old Persian exports in Windows-1256 write the Arabic yeh and Latin digits: the code page has neither ی nor Persian digits.
const FA_1256 = windows1256(FA_TEXT.replace(/ی/g, "ي").replace(/[۰-۹]/g, (d) => String(d.charCodeAt(0) - 0x6f0)));

async function englishXlsx(): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet("Victims");
  ws.addRow(["No", "Name", "Father", "Age", "Executed"]);
  ws.addRow([101, "Kayvan Tabanfar", "Bahman", 25, "1988-08-03"]);
  ws.addRow([102, "Mahrokh Delavari", "Sohrab", 31, "1988-08-01"]);
  ws.addRow([103, "Golareh Sepidrood", "", "", ""]);
  return Buffer.from(await wb.xlsx.writeBuffer());
}

// UTF-16 (with its byte-order mark), one row with a month 13 and one with an age that is not a number.
const BAD_TEXT = ["ردیف\tنام و نام خانوادگی\tسن\tتاریخ اعدام", "۱\tبردیا آذرنوش\t۴۰\t۱۳۶۷/۰۵/۱۲", "۲\tشیدا مهرآیین\t۲۲\t۱۳۶۷/۱۳/۰۱", "۳\tآرش کوهستانی\tپیر\t۱۳۶۷/۰۵/۲۰"].join("\n");
const BAD_UTF16 = Buffer.from(`\ufeff${BAD_TEXT}`, "utf16le");

let app: RunningApp;
let editor: StaffClient;
let viewer: StaffClient;
let researcher: StaffClient;

before(async () => {
  // A 1 MB upload limit, so that an oversized file is cheap to send.
  app = await startApp({ env: { VIGIL_UPLOAD_MAX_MB: "1" } });
  [editor, viewer, researcher] = [await staff(app.deps.store, app.url, "editor"), await staff(app.deps.store, app.url, "viewer"), await staff(app.deps.store, app.url, "researcher")];
});
after(async () => app.close());

const tables = () => app.deps.store.db.withTables<ListTables>();
const counts = async () => ({
  imports: (await tables().selectFrom("list_imports").select("id").execute()).length,
  entries: (await tables().selectFrom("list_entries").select("id").execute()).length,
  records: (await app.deps.store.db.selectFrom("records").select("id").execute()).length,
});
const staged = async (): Promise<string[]> => {
  try {
    return (await readdir(stagingDir(app.deps.store.dataDir))).sort();
  } catch {
    return [];
  }
};

/** Sends the upload form as a browser does: the CSRF field first, then the file. */
async function upload(client: StaffClient, name: string, bytes: Uint8Array, type = "text/csv"): Promise<{ status: number; text: string; location: string | null }> {
  await client.get("/workspace/linkage/");
  const form = new FormData();
  form.append("_csrf", client.csrf);
  form.append("file", new Blob([new Uint8Array(bytes)], { type }), name);
  const res = await fetch(`${app.url}/workspace/linkage/import`, { method: "POST", body: form, headers: { cookie: client.cookieHeader() }, redirect: "manual" });
  return { status: res.status, text: await res.text(), location: res.headers.get("location") };
}

const decode = (s: string) => s.replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&amp;/g, "&");

/** The mapping form's values as the page pre-filled them: what "accept the suggestion" sends. */
function formValues(html: string): Record<string, string> {
  const form = /<form method="post" action="\/workspace\/linkage\/import\/upl_[^"]+">([\s\S]*?)<\/form>/.exec(html)?.[1];
  assert.ok(form, "the mapping form is on the page");
  const values: Record<string, string> = {};
  for (const m of form.matchAll(/<input[^>]*name="(list_name)"[^>]*value="([^"]*)"/g)) values[m[1]!] = decode(m[2]!);
  for (const m of form.matchAll(/<select[^>]*name="([^"]+)"[^>]*>([\s\S]*?)<\/select>/g)) {
    const selected = /<option value="([^"]*)" selected/.exec(m[2]!);
    values[m[1]!] = selected ? selected[1]! : /<option value="([^"]*)"/.exec(m[2]!)![1]!;
  }
  return values;
}

/** The text of a page without its markup, for reading what a person sees. */
const textOf = (html: string) => decode(html.replace(/<[^>]+>/g, " ").replace(/\s+/g, " "));

test("an editor imports a Persian Windows-1256 CSV and an XLSX with the suggested mappings, links them and sees the review queue", async () => {
  const up = await upload(editor, "fa-list.csv", FA_1256);
  assert.equal(up.status, 303, up.text.slice(0, 500));
  assert.match(up.location ?? "", /^\/workspace\/linkage\/import\/upl_[0-9a-f]{32}$/);
  const page = await editor.get(up.location!);
  assert.equal(page.res.status, 200);
  const text = textOf(page.text);
  assert.match(text, /CSV, encoding Windows-1256, delimiter comma \(,\)/);
  assert.match(text, /4 rows, 6 columns/);
  const values = formValues(page.text);
  assert.deepEqual(values, { list_name: "fa-list", calendar: "jalali", name_order: "auto", day_month_order: "dmy", "col-0": "id", "col-1": "given_name", "col-2": "family_name", "col-3": "father_name", "col-4": "age", "col-5": "date_of_death" });
  // The preview: Persian digits read, the Jalali date with its Gregorian day, names in their columns.
  assert.match(text, /Preview: the first 4 rows/);
  assert.ok(text.includes("کيوان") && text.includes("تابانفر"));
  assert.match(text, /3 August 1988/, "۱۳۶۷/۰۵/۱۲ read as a Jalali date");
  const before = await counts();
  assert.equal(before.imports, 0);

  const done = await editor.post(up.location!, { ...values, action: "import" });
  assert.equal(done.status, 303, done.text.slice(0, 800));
  assert.match(done.location ?? "", /^\/workspace\/linkage\/imports\/imp_[0-9a-f]{24}\?done=imported$/);
  const imported = await editor.get(done.location!);
  assert.match(textOf(imported.text), /Imported 4 rows as list fa-list\./);
  assert.match(textOf(imported.text), /No row was left out\./);
  assert.deepEqual(await staged(), [], "the upload is deleted once imported");

  // The saved mapping, downloadable as a mapping file the CLI takes.
  const importId = /imports\/(imp_[0-9a-f]+)/.exec(done.location!)![1]!;
  const json = await editor.get(`/workspace/linkage/imports/${importId}/mapping.json`);
  assert.equal(json.res.headers.get("content-disposition"), 'attachment; filename="fa-list.mapping.json"');
  assert.deepEqual(JSON.parse(json.text), { list_name: "fa-list", columns: { رديف: "id", نام: "given_name", "نام خانوادگي": "family_name", "نام پدر": "father_name", سن: "age", "تاريخ اعدام": "date_of_death" }, calendar: "jalali", name_order: "auto", day_month_order: "dmy" });

  const xlsx = await upload(editor, "en-list.xlsx", await englishXlsx(), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
  assert.equal(xlsx.status, 303, xlsx.text.slice(0, 500));
  const xpage = await editor.get(xlsx.location!);
  assert.match(textOf(xpage.text), /XLSX workbook, sheet Victims/);
  const xvalues = formValues(xpage.text);
  assert.deepEqual(xvalues, { list_name: "en-list", calendar: "gregorian", name_order: "auto", day_month_order: "dmy", "col-0": "id", "col-1": "full_name", "col-2": "father_name", "col-3": "age", "col-4": "date_of_death" });
  assert.ok(textOf(xpage.text).includes("Kayvan Tabanfar".split(" ")[0]!), "the full name is split in the preview");
  assert.match(xpage.text, /<td dir="auto">Kayvan<\/td><td dir="auto">Tabanfar<\/td>/);
  const xdone = await editor.post(xlsx.location!, { ...xvalues, action: "import" });
  assert.equal(xdone.status, 303, xdone.text.slice(0, 800));
  assert.deepEqual(await counts().then((c) => [c.imports, c.entries]), [2, 7]);

  const linked = await editor.post("/workspace/linkage/link", {});
  assert.equal(linked.status, 303);
  const lists = await editor.get("/workspace/linkage/");
  const ltext = textOf(lists.text);
  assert.ok(ltext.includes("fa-list") && ltext.includes("en-list"));
  assert.doesNotMatch(ltext, /Nothing to review\./, "the queue has items");
  assert.match(lists.text, /href="\/workspace\/linkage\/clusters\/\d+"/, "review items lead to their clusters");
  const rows = await tables().selectFrom("list_entries").select(["list_name", "row_id", "cluster"]).execute();
  const cluster = (list: string, id: string) => rows.find((r) => r.list_name === list && r.row_id === id)!.cluster;
  assert.equal(cluster("fa-list", "1"), cluster("en-list", "101"), "the same invented person across scripts is one cluster");
});

test("a file with bad rows: all or nothing refuses with row, column and reason and writes nothing; Check writes nothing; skip-bad lists the rows left out", async () => {
  const up = await upload(editor, "utf16-list.csv", BAD_UTF16);
  assert.equal(up.status, 303, up.text.slice(0, 500));
  const page = await editor.get(up.location!);
  assert.match(textOf(page.text), /encoding UTF-16 LE, delimiter tab/);
  const values = formValues(page.text);
  assert.equal(values["col-1"], "full_name");
  const before = await counts();

  const checked = await editor.post(up.location!, { ...values, action: "check" });
  assert.equal(checked.status, 200);
  const ctext = textOf(checked.text);
  assert.match(ctext, /Checked: 2 rows of 3 cannot be read/);
  assert.match(ctext, /2 3 تاریخ اعدام [^|]*month 13/, "row 2, line 3, the column and why");
  assert.match(ctext, /3 4 سن "پیر" is not an age/);
  assert.deepEqual(await counts(), before, "Check writes nothing");

  const refused = await editor.post(up.location!, { ...values, action: "import" });
  assert.equal(refused.status, 422);
  const rtext = textOf(refused.text);
  assert.match(rtext, /Nothing was imported: 2 rows cannot be read/);
  assert.match(rtext, /2 3 تاریخ اعدام [^|]*month 13/);
  assert.match(refused.text, /name="list_name"[^>]*value="utf16-list"/, "what was chosen is kept");
  assert.deepEqual(await counts(), before, "all or nothing: nothing written");
  assert.equal((await staged()).length, 2, "the upload is still there to try again");

  const skipped = await editor.post(up.location!, { ...values, skip_bad: "yes", action: "import" });
  assert.equal(skipped.status, 303, skipped.text.slice(0, 800));
  const result = await editor.get(skipped.location!);
  const stext = textOf(result.text);
  assert.match(stext, /Imported 1 row as list utf16-list; 2 rows were left out/);
  assert.match(stext, /2 3 تاریخ اعدام [^|]*month 13/);
  assert.match(stext, /3 4 سن "پیر" is not an age/);
  const after = await counts();
  assert.equal(after.entries, before.entries + 1);
});

test("choices that cannot work are shown at their fields, with what was chosen kept", async () => {
  const up = await upload(editor, "second.csv", FA_1256);
  const values = formValues((await editor.get(up.location!)).text);
  const before = await counts();
  const r = await editor.post(up.location!, { ...values, list_name: "", "col-4": "date_of_death", action: "import" });
  assert.equal(r.status, 400);
  assert.match(r.text, /id="f-col-5-error">“Date of death” takes one column; “سن” already holds it\./);
  assert.match(r.text, /list_name must be a non-empty string/);
  assert.match(r.text, /<select id="f-col-4" name="col-4" aria-invalid="true"|<select id="f-col-5" name="col-5" aria-invalid="true"/);
  assert.match(r.text, /name="col-4"[^>]*>[\s\S]*?<option value="date_of_death" selected/, "the choice is kept");
  // The same file under the name of a different list is refused at the list name.
  const taken = await editor.post(up.location!, { ...values, list_name: "en-list", action: "check" });
  assert.equal(taken.status, 409);
  assert.match(taken.text, /id="f-list_name-error">Another file was already imported as list “en-list”/);
  assert.deepEqual(await counts(), before);
  const gone = await editor.post(`${up.location!}/discard`, {});
  assert.equal(gone.status, 303);
  assert.equal((await editor.get(up.location!)).res.status, 404);
});

test("importing the same file again changes nothing, and says so", async () => {
  const before = await counts();
  const up = await upload(editor, "fa-list.csv", FA_1256);
  const page = await editor.get(up.location!);
  assert.match(textOf(page.text), /This file was already imported as list fa-list: importing it again changes nothing\./);
  const again = await editor.post(up.location!, { ...formValues(page.text), action: "import" });
  assert.equal(again.status, 303);
  assert.match(again.location ?? "", /\?done=unchanged$/);
  assert.match(textOf((await editor.get(again.location!)).text), /This file was already imported as list fa-list; nothing changed\./);
  assert.deepEqual(await counts(), before);
  assert.deepEqual(await staged(), []);
});

test("viewers and researchers cannot import; nothing they send is kept", async () => {
  for (const who of [viewer, researcher]) {
    assert.equal((await who.get("/workspace/linkage/import")).res.status, 403);
    const r = await upload(who, "fa-list.csv", FA_1256);
    assert.equal(r.status, 403);
    assert.deepEqual(await staged(), []);
    const page = await who.get("/workspace/linkage/");
    assert.doesNotMatch(page.text, /href="\/workspace\/linkage\/import"/, "no import button");
  }
  // Without the CSRF token the file is not kept either.
  await editor.get("/workspace/linkage/");
  const form = new FormData();
  form.append("file", new Blob([new Uint8Array(FA_1256)]), "x.csv");
  const res = await fetch(`${app.url}/workspace/linkage/import`, { method: "POST", body: form, headers: { cookie: editor.cookieHeader() }, redirect: "manual" });
  assert.equal(res.status, 403);
  assert.deepEqual(await staged(), []);
});

test("an oversized, non-tabular or empty upload is refused clearly and not kept; a hostile file name is only shown, made safe", async () => {
  const big = Buffer.alloc(1024 * 1024 + 10, "a,b\n");
  const tooBig = await upload(editor, "big.csv", big);
  assert.equal(tooBig.status, 413);
  assert.match(textOf(tooBig.text), /the file is larger than the limit of 1 MB; nothing was kept/);
  const png = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]), Buffer.alloc(200, 0)]);
  const notTable = await upload(editor, "photo.png", png, "image/png");
  assert.equal(notTable.status, 422);
  assert.match(textOf(notTable.text), /not readable text/);
  const headerOnly = await upload(editor, "empty.csv", Buffer.from("name,age\n"));
  assert.equal(headerOnly.status, 422);
  assert.match(textOf(headerOnly.text), /the file has a header but no rows/);
  const fakeZip = await upload(editor, "book.xlsx", Buffer.from("PK\u0003\u0004 not really a workbook"));
  assert.equal(fakeZip.status, 422);
  assert.match(textOf(fakeZip.text), /not a readable XLSX workbook/);
  assert.deepEqual(await staged(), [], "nothing refused is kept");

  const hostile = await upload(editor, "../../../etc/pass\u202ewd.csv", FA_1256);
  assert.equal(hostile.status, 303);
  const files = await staged();
  assert.equal(files.length, 2);
  assert.ok(files.every((f) => /^upl_[0-9a-f]{32}\.(bin|json)$/.test(f)), "kept under a random id only");
  const page = await editor.get(hostile.location!);
  assert.match(textOf(page.text), /Map the columns of passwd\.csv/);
  assert.equal(sanitiseFileName("C:\\lists\\\u0000list.xlsx"), "list.xlsx");
  assert.equal(sanitiseFileName(".."), "upload");

  // Another editor cannot see it; after the expiry it is gone.
  const other = await staff(app.deps.store, app.url, "editor", "editor2");
  assert.equal((await other.get(hostile.location!)).res.status, 404);
  assert.equal(await sweepStaged(app.deps.store.dataDir, Date.now() + STAGING_TTL_MS + 1000), 1);
  assert.deepEqual(await staged(), []);
  assert.equal((await editor.get(hostile.location!)).res.status, 404);
});
