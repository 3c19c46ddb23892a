import { createRequire } from "node:module";
import { Worker } from "node:worker_threads";
import { VigilError } from "../core/errors.ts";

/**
 * A public copy of a PDF without what identifies its makers: the document
 * information (author, creator, producer, dates, title), XMP metadata on any
 * object, attachments, JavaScript and other document-level actions, form
 * data trees, earlier revisions (incremental updates) and comments with
 * their authors. The pages are copied into a new document (pdf-lib), so only
 * what the pages draw is carried over; links and form widgets stay, without
 * author or date.
 *
 * pdf-lib is pure JavaScript and widely used, but no longer actively
 * released, so it parses untrusted files in a worker thread with a memory
 * cap and a time limit: a hostile PDF costs at most that, and yields no copy.
 */
const PDF_LIB = createRequire(import.meta.url).resolve("pdf-lib");

// Runs in the worker: plain CommonJS, since workers do not share the TypeScript loader.
const WORKER = `
const { parentPort, workerData } = require("node:worker_threads");
const { PDFDocument, PDFName, PDFDict, PDFStream, PDFArray, PDFRef } = require(workerData.pdfLib);
const DROP = ["Metadata", "PieceInfo", "AA", "LastModified", "JS"];
const KEEP_ANNOTS = new Set(["/Link", "/Widget"]);
(async () => {
  const src = await PDFDocument.load(workerData.bytes, { updateMetadata: false, ignoreEncryption: false });
  const out = await PDFDocument.create({ updateMetadata: false });
  for (const page of await out.copyPages(src, src.getPageIndices())) out.addPage(page);
  const deref = (o) => (o instanceof PDFRef ? out.context.lookup(o) : o);
  for (const page of out.getPages()) {
    const annots = deref(page.node.get(PDFName.of("Annots")));
    if (!(annots instanceof PDFArray)) continue;
    const kept = [];
    for (let i = 0; i < annots.size(); i++) {
      const ref = annots.get(i);
      const a = deref(ref);
      if (!(a instanceof PDFDict)) continue;
      const subtype = String(a.get(PDFName.of("Subtype")));
      if (!KEEP_ANNOTS.has(subtype)) continue;
      for (const k of ["T", "M", "CreationDate", "NM", "Popup", "RC", "Contents"]) a.delete(PDFName.of(k));
      const action = deref(a.get(PDFName.of("A")));
      if (action instanceof PDFDict && String(action.get(PDFName.of("S"))) !== "/URI" && String(action.get(PDFName.of("S"))) !== "/GoTo") a.delete(PDFName.of("A"));
      kept.push(ref);
    }
    page.node.set(PDFName.of("Annots"), out.context.obj(kept));
  }
  for (const [, obj] of out.context.enumerateIndirectObjects()) {
    const dict = obj instanceof PDFDict ? obj : obj instanceof PDFStream ? obj.dict : undefined;
    if (dict) for (const k of DROP) dict.delete(PDFName.of(k));
  }
  // pdf-lib writes every object it holds: drop those no longer reachable (dropped comments, metadata streams).
  const reached = new Set();
  const stack = [out.context.trailerInfo.Root, out.context.trailerInfo.Info];
  while (stack.length) {
    const o = stack.pop();
    if (o instanceof PDFRef) {
      if (reached.has(o.tag)) continue;
      reached.add(o.tag);
      stack.push(out.context.lookup(o));
    } else if (o instanceof PDFDict) for (const [, v] of o.entries()) stack.push(v);
    else if (o instanceof PDFStream) stack.push(o.dict);
    else if (o instanceof PDFArray) for (let i = 0; i < o.size(); i++) stack.push(o.get(i));
  }
  for (const [ref] of out.context.enumerateIndirectObjects()) if (!reached.has(ref.tag)) out.context.delete(ref);
  const bytes = await out.save({ useObjectStreams: false, updateFieldAppearances: false });
  parentPort.postMessage({ bytes, pages: out.getPageCount() }, [bytes.buffer]);
})().catch((err) => parentPort.postMessage({ error: String(err && err.message || err) }));
`;

export interface PdfCopyLimits {
  timeoutMs?: number;
  maxMemoryMb?: number;
}

/** The public copy of a PDF, or an error saying why none could be made. */
export async function publicPdfCopy(pdf: Uint8Array, limits: PdfCopyLimits = {}): Promise<{ bytes: Buffer; pages: number }> {
  const worker = new Worker(WORKER, { eval: true, workerData: { pdfLib: PDF_LIB, bytes: pdf }, resourceLimits: { maxOldGenerationSizeMb: limits.maxMemoryMb ?? 512 } });
  try {
    return await new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new VigilError("unsupported", "the PDF took too long to read; no public copy was made")), limits.timeoutMs ?? 60_000);
      worker.once("message", (m: { bytes?: Uint8Array; pages?: number; error?: string }) => {
        clearTimeout(timer);
        if (m.error !== undefined || !m.bytes) reject(new VigilError("unsupported", `the PDF could not be read for a public copy: ${m.error ?? "no output"}`));
        else resolve({ bytes: Buffer.from(m.bytes), pages: m.pages ?? 0 });
      });
      worker.once("error", (err) => {
        clearTimeout(timer);
        reject(new VigilError("unsupported", `the PDF could not be read for a public copy: ${err.message}`));
      });
    });
  } finally {
    await worker.terminate();
  }
}
