import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { decodeText, detectEncoding } from "../../src/lists/index.ts";
import { VigilError } from "../../src/core/errors.ts";

const text = "نام,نام خانوادگی\nمحمد,حسینی\n";

function utf16(s: string, bigEndian: boolean, bom: boolean): Uint8Array {
  const le = Buffer.from((bom ? "\ufeff" : "") + s, "utf16le");
  if (bigEndian) for (let i = 0; i < le.length; i += 2) [le[i], le[i + 1]] = [le[i + 1]!, le[i]!];
  return le;
}

// Windows-1256 has no encoder in Node; the decoder's table read backwards is one.
function windows1256(s: string): Uint8Array {
  const table = new Map<string, number>();
  const dec = new TextDecoder("windows-1256");
  for (let b = 0; b < 256; b++) table.set(dec.decode(Uint8Array.of(b)), b);
  return Uint8Array.from([...s].map((c) => {
    const b = table.get(c);
    assert.ok(b !== undefined, `no windows-1256 byte for ${c}`);
    return b;
  }));
}

test("UTF-8 with and without a byte-order mark", () => {
  const plain = Buffer.from(text, "utf8");
  assert.deepEqual(detectEncoding(plain), { encoding: "utf-8", bom: false });
  assert.equal(decodeText(plain).text, text);
  const bom = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), plain]);
  assert.deepEqual(detectEncoding(bom), { encoding: "utf-8", bom: true });
  assert.equal(decodeText(bom).text, text, "the BOM is not part of the text");
});

test("UTF-16 little and big endian, with a BOM and without", () => {
  for (const be of [false, true]) {
    for (const bom of [true, false]) {
      const d = decodeText(utf16(text, be, bom));
      assert.equal(d.encoding, be ? "utf-16be" : "utf-16le");
      assert.equal(d.text, text);
    }
    const latin = decodeText(utf16("name,age\nAli,30\n", be, false));
    assert.equal(latin.text, "name,age\nAli,30\n");
  }
});

test("Windows-1256 (old Persian Excel exports) is detected and read", () => {
  // Windows-1256 has the Arabic forms of yeh and kaf (ي ك), which Persian files saved in it use.
  const d = decodeText(windows1256("نام,سن\nعلي كريمي,30\n"));
  assert.equal(d.encoding, "windows-1256");
  assert.equal(d.text, "نام,سن\nعلي كريمي,30\n");
});

test("any bytes: decoded text or a clear import error, never a crash", () => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
      try {
        const d = decodeText(bytes, "x.csv");
        assert.equal(typeof d.text, "string");
      } catch (e) {
        assert.ok(e instanceof VigilError, String(e));
        assert.equal(e.code, "import_failed");
        assert.equal(e.where?.file, "x.csv");
      }
    }),
    { numRuns: 500 },
  );
});
