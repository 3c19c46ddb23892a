import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import ExcelJS from "exceljs";
import { readTable, detectDelimiter } from "../../src/lists/index.ts";
import { VigilError } from "../../src/core/errors.ts";

const enc = (s: string): Uint8Array => Buffer.from(s, "utf8");

test("the delimiter is detected: comma, semicolon, tab, pipe, Arabic comma", async () => {
  for (const d of [",", ";", "\t", "|", "،"]) {
    const csv = [`name${d}family${d}age`, `Ali${d}"Rezaei${d === "," ? ", Jr" : ""}"${d}30`, `Zahra${d}Karimi${d}25`].join("\n");
    assert.equal(detectDelimiter(csv), d, JSON.stringify(d));
    const t = await readTable(enc(csv), "l.csv");
    assert.deepEqual(t.headers, ["name", "family", "age"]);
    assert.equal(t.rows.length, 2);
    assert.equal(t.rows[1]!.cells[1], "Karimi");
  }
});

test("rows keep their cells, row numbers and lines (quoted newlines included)", async () => {
  const t = await readTable(enc('id,name\n1,"Ali\nRezaei"\n\n2,Zahra\n'), "l.csv");
  assert.deepEqual(t.rows.map((r) => [r.row, r.line, r.cells]), [
    [1, 2, ["1", "Ali\nRezaei"]],
    [2, 5, ["2", "Zahra"]],
  ]);
});

test("a broken CSV fails with its file and line", async () => {
  await assert.rejects(readTable(enc('id,name\n1,"Ali\n2,Zahra\n'), "broken.csv"), (e: unknown) => {
    assert.ok(e instanceof VigilError);
    assert.equal(e.code, "import_failed");
    assert.equal(e.where?.file, "broken.csv");
    return true;
  });
  await assert.rejects(readTable(enc("id,,name\n1,2,3\n"), "h.csv"), /column 2 has no header/);
  await assert.rejects(readTable(enc("id,id\n1,2\n"), "h.csv"), /two columns have the header "id"/);
});

test("XLSX: text, numbers, dates, rich text and formulas read as text", async () => {
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet("فهرست");
  ws.addRow(["نام", "سن", "تاریخ", "یادداشت"]);
  ws.addRow(["محمد حسینی", 25, new Date(Date.UTC(1988, 7, 3)), { richText: [{ text: "Evin " }, { text: "Prison", font: { bold: true } }] }]);
  ws.addRow(["Zahra", { formula: "20+5", result: 25 }, "1367/05/12", null]);
  const bytes = new Uint8Array(await wb.xlsx.writeBuffer());
  const t = await readTable(bytes, "list.xlsx");
  assert.equal(t.format, "xlsx");
  assert.equal(t.sheet, "فهرست");
  assert.deepEqual(t.headers, ["نام", "سن", "تاریخ", "یادداشت"]);
  assert.deepEqual(t.rows[0]!.cells, ["محمد حسینی", "25", "1988-08-03", "Evin Prison"]);
  assert.deepEqual(t.rows[1]!.cells, ["Zahra", "25", "1367/05/12", ""]);
  assert.equal(t.rows[1]!.line, 3);
});

test("a file that is not a workbook but looks like one fails clearly", async () => {
  await assert.rejects(readTable(Uint8Array.from([0x50, 0x4b, 0x03, 0x04, 1, 2, 3]), "x.xlsx"), /not a readable XLSX workbook/);
  await assert.rejects(readTable(enc(""), "empty.csv"), /the file is empty/);
});

test("hostile CSV text: a table or a clear error, never a crash", async () => {
  await fc.assert(
    fc.asyncProperty(fc.string({ unit: fc.constantFrom("a", "ب", ",", ";", "\t", '"', "\n", "\r", " ", "'", "\u200c", "1") , maxLength: 200 }), async (s) => {
      try {
        const t = await readTable(enc(s), "fuzz.csv");
        assert.ok(t.headers.length >= 1);
        for (const r of t.rows) assert.ok(r.row >= 1 && r.line >= 2);
      } catch (e) {
        assert.ok(e instanceof VigilError, String(e));
        assert.equal(e.where?.file, "fuzz.csv");
      }
    }),
    { numRuns: 400 },
  );
});

test("hostile bytes with a zip signature: a clear error, never a crash", async () => {
  await fc.assert(
    fc.asyncProperty(fc.uint8Array({ maxLength: 200 }), async (tail) => {
      const bytes = Uint8Array.from([0x50, 0x4b, 0x03, 0x04, ...tail]);
      await assert.rejects(readTable(bytes, "fuzz.xlsx"), (e: unknown) => e instanceof VigilError);
    }),
    { numRuns: 100 },
  );
});
