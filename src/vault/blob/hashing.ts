import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";

/** Read size for hashing and copying: large reads keep SHA-256 the bottleneck, not syscalls. */
export const CHUNK = 1024 * 1024;

/** `sha256:<hex>` of a byte string. */
export function sha256Digest(data: Uint8Array | string): string {
  return `sha256:${createHash("sha256").update(data).digest("hex")}`;
}

/** `sha256:<hex>` and size of a file, streamed. */
export async function hashFile(path: string): Promise<{ digest: string; size: number }> {
  const h = createHash("sha256");
  let size = 0;
  for await (const chunk of createReadStream(path, { highWaterMark: CHUNK }) as AsyncIterable<Buffer>) {
    h.update(chunk);
    size += chunk.length;
  }
  return { digest: `sha256:${h.digest("hex")}`, size };
}
