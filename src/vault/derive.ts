import { readFile, stat } from "node:fs/promises";
import { createRequire } from "node:module";
import sharp from "sharp";
import { publicPdfCopy } from "./pdf-copy.ts";
import type { LocalBlobStore } from "./blob/local-blob-store.ts";
import type { BlobRef, DerivedRole } from "./custody.ts";

export interface DerivedCopies {
  copies: (BlobRef & { role: DerivedRole })[];
  method: string;
  tool: { name: string; version: string };
}

const NONE: DerivedCopies = { copies: [], method: "", tool: { name: "", version: "" } };

const PDF_LIB_VERSION = (createRequire(import.meta.url)("pdf-lib/package.json") as { version: string }).version;
/** PDFs larger than this get no public copy (the original is kept as always). */
export const MAX_PDF_COPY_BYTES = 256 * 1024 * 1024;

/**
 * Working copies of an original: for images a public copy without metadata
 * (EXIF, GPS, XMP, IPTC, author; orientation applied) and a 320 px
 * thumbnail; for PDFs a public copy without document information, XMP,
 * attachments, scripts, comments or earlier revisions. Anything that cannot
 * be read yields no copies: the original is kept regardless.
 */
export async function deriveCopies(blobs: LocalBlobStore, original: BlobRef): Promise<DerivedCopies> {
  if (original.mediaType.startsWith("image/")) return deriveImageCopies(blobs, blobs.localPath(original.digest));
  if (original.mediaType === "application/pdf") return derivePdfCopy(blobs, blobs.localPath(original.digest));
  return NONE;
}

async function derivePdfCopy(blobs: LocalBlobStore, path: string): Promise<DerivedCopies> {
  try {
    if ((await stat(path)).size > MAX_PDF_COPY_BYTES) return NONE;
    const { bytes } = await publicPdfCopy(await readFile(path));
    const b = await blobs.put(bytes);
    return {
      copies: [{ role: "public_copy", digest: b.digest, size: b.size, mediaType: "application/pdf" }],
      method: "public copy: the pages copied into a new PDF without document information, XMP metadata, attachments, scripts, comments or earlier revisions",
      tool: { name: "pdf-lib", version: PDF_LIB_VERSION },
    };
  } catch {
    return NONE;
  }
}

async function deriveImageCopies(blobs: LocalBlobStore, path: string): Promise<DerivedCopies> {
  try {
    // sharp refuses images over ~268 megapixels by default (decompression bombs).
    const pub = await sharp(path, { failOn: "error" }).rotate().jpeg({ quality: 90 }).toBuffer();
    const thumb = await sharp(path, { failOn: "error" }).rotate().resize({ width: 320, withoutEnlargement: true }).jpeg({ quality: 80 }).toBuffer();
    const a = await blobs.put(pub);
    const b = await blobs.put(thumb);
    return {
      copies: [
        { role: "public_copy", digest: a.digest, size: a.size, mediaType: "image/jpeg" },
        { role: "thumbnail", digest: b.digest, size: b.size, mediaType: "image/jpeg" },
      ],
      method: "public copy without metadata (EXIF, GPS, author) and thumbnail",
      tool: { name: "sharp", version: sharp.versions.sharp ?? "unknown" },
    };
  } catch {
    return NONE;
  }
}
