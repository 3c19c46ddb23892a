import sharp from "sharp";
import type { LocalBlobStore } from "./blob/local-blob-store.ts";
import type { BlobRef, DerivedRole } from "./custody.ts";

export interface DerivedCopies {
  copies: (BlobRef & { role: DerivedRole })[];
  method: string;
  tool: { name: string; version: string };
}

const NONE: DerivedCopies = { copies: [], method: "", tool: { name: "", version: "" } };

/**
 * Working copies of an original: for images a public copy without metadata
 * (EXIF, GPS, XMP, IPTC, author; orientation applied) and a 320 px
 * thumbnail. Anything that cannot be read yields no copies: the original is
 * kept regardless.
 */
export async function deriveCopies(blobs: LocalBlobStore, original: BlobRef): Promise<DerivedCopies> {
  if (original.mediaType.startsWith("image/")) return deriveImageCopies(blobs, blobs.localPath(original.digest));
  return NONE;
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
