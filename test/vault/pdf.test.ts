// Public copies of PDFs: what identifies the makers is gone, the pages stay.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { inflateSync } from "node:zlib";
import { PDFDocument, PDFName, PDFString, StandardFonts } from "pdf-lib";
import { publicPdfCopy } from "../../src/vault/index.ts";
import { tempDir } from "./helpers.ts";
import { openTestVault } from "./vault-fixture.ts";

const MARKERS = ["Synthetic Author Marker", "Synthetic Title Marker", "SyntheticCreatorTool", "xmp-marker-7f3a", "secret-attachment.txt", "Synthetic Annotator", "app.alert"];

/** A synthetic PDF carrying metadata in every place a PDF keeps it. */
async function pdfWithMetadata(): Promise<Buffer> {
  const doc = await PDFDocument.create();
  doc.setAuthor("Synthetic Author Marker");
  doc.setTitle("Synthetic Title Marker");
  doc.setCreator("SyntheticCreatorTool");
  doc.setProducer("SyntheticCreatorTool");
  doc.setKeywords(["Synthetic Author Marker"]);
  const page = doc.addPage([300, 200]);
  const font = await doc.embedFont(StandardFonts.Helvetica);
  page.drawText("Visible synthetic content", { x: 20, y: 100, size: 14, font });
  const xmp = doc.context.stream(`<?xpacket begin=""?><x:xmpmeta xmlns:x="adobe:ns:meta/"><dc:creator>xmp-marker-7f3a</dc:creator></x:xmpmeta><?xpacket end="w"?>`, { Type: "Metadata", Subtype: "XML" });
  doc.catalog.set(PDFName.of("Metadata"), doc.context.register(xmp));
  await doc.attach(Buffer.from("attached synthetic notes"), "secret-attachment.txt", { mimeType: "text/plain" });
  const note = doc.context.obj({ Type: "Annot", Subtype: "Text", Rect: [10, 10, 30, 30], T: PDFString.of("Synthetic Annotator"), Contents: PDFString.of("a comment") });
  const link = doc.context.obj({ Type: "Annot", Subtype: "Link", Rect: [20, 95, 200, 115], T: PDFString.of("Synthetic Annotator"), A: doc.context.obj({ S: "URI", URI: PDFString.of("https://example.org/") }) });
  page.node.set(PDFName.of("Annots"), doc.context.obj([doc.context.register(note), doc.context.register(link)]));
  doc.catalog.set(PDFName.of("OpenAction"), doc.context.obj({ S: "JavaScript", JS: PDFString.of("app.alert(1)") }));
  return Buffer.from(await doc.save({ useObjectStreams: false }));
}

/** Every byte of the file, with its flate streams inflated, as text to search. */
function allText(pdf: Buffer): string {
  const parts = [pdf.toString("latin1")];
  let at = 0;
  for (;;) {
    const s = pdf.indexOf("stream", at);
    if (s < 0) break;
    const start = pdf[s + 6] === 0x0d ? s + 8 : s + 7;
    const end = pdf.indexOf("endstream", start);
    if (end < 0) break;
    try {
      parts.push(inflateSync(pdf.subarray(start, end)).toString("latin1"));
    } catch {
      // not a flate stream
    }
    at = end + 9;
  }
  // Hex strings, as pdf-lib writes document information (UTF-16BE with a byte-order mark).
  const text = parts.join("\n");
  const hex = [...text.matchAll(/<([0-9A-Fa-f]{4,})>/g)].map((m) => {
    const b = Buffer.from(m[1]!, "hex");
    return b[0] === 0xfe && b[1] === 0xff ? Buffer.from(b.subarray(2)).swap16().toString("utf16le") : b.toString("latin1");
  });
  return [text, ...hex].join("\n");
}

test("a PDF's public copy has no document information, XMP, attachment, script or comment, and keeps its page and link", async () => {
  const original = await pdfWithMetadata();
  for (const m of MARKERS) assert.ok(allText(original).includes(m), `the test PDF carries ${m}`);
  const { bytes, pages } = await publicPdfCopy(original);
  assert.equal(pages, 1);
  const text = allText(bytes);
  for (const m of MARKERS) assert.ok(!text.includes(m), `the public copy still carries ${m}`);
  assert.match(text, /Visible synthetic content|<56697369626c65/i, "the page's drawing is kept");
  const copy = await PDFDocument.load(bytes);
  assert.equal(copy.getAuthor(), undefined);
  assert.equal(copy.getTitle(), undefined);
  const annots = copy.getPage(0).node.Annots();
  assert.equal(annots?.size(), 1, "the link stays, the comment goes");
});

test("added to the vault, a PDF gets a public copy recorded as a derived custody event; a broken PDF gets none", async () => {
  const o = await openTestVault();
  const t = tempDir();
  try {
    const path = join(t.dir, "report.pdf");
    writeFileSync(path, await pdfWithMetadata());
    const { item, events } = await o.vault.addFile(path, { actor: "tester" });
    assert.equal(item.original.mediaType, "application/pdf");
    const pub = item.derived.find((d) => d.role === "public_copy");
    assert.equal(pub?.mediaType, "application/pdf");
    assert.deepEqual(events.map((e) => e.event.type), ["acquired", "derived"]);
    assert.equal(events[1]!.event.tool.name, "pdf-lib");
    assert.equal(events[1]!.event.hashes.public_copy, pub.digest);
    assert.ok(!allText(readFileSync(o.vault.blobs.localPath(pub.digest))).includes("Synthetic Author Marker"));
    // The original is untouched.
    assert.ok(allText(readFileSync(o.vault.blobs.localPath(item.original.digest))).includes("Synthetic Author Marker"));
    const broken = join(t.dir, "broken.pdf");
    writeFileSync(broken, "%PDF-1.7\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n%%EOF garbage \u0000\u0001");
    const b = await o.vault.addFile(broken, { actor: "tester" });
    assert.deepEqual(b.item.derived, []);
    assert.deepEqual(b.events.map((e) => e.event.type), ["acquired"]);
  } finally {
    t.cleanup();
    await o.dispose();
  }
});
