import type { Readable } from "node:stream";

/**
 * The port every blob backend implements (a local folder now, an
 * S3-compatible store later). Blobs are content-addressed by
 * `sha256:<64 hex>` and immutable: there is no overwrite and no delete.
 */
export interface BlobInfo {
  digest: string;
  size: number;
}

export interface PutOptions {
  /** Refuse (and keep nothing) when the stream is longer than this. */
  maxBytes?: number;
  /** Refuse (and keep nothing) when the content does not hash to this. */
  expectedDigest?: string;
}

export interface BlobStore {
  /** Streams content in, hashing as it goes; stores it once whatever the number of puts. */
  put(source: Readable | AsyncIterable<Uint8Array> | Uint8Array, opts?: PutOptions): Promise<BlobInfo & { created: boolean }>;
  /** Streams a blob out; throws not_found when absent. */
  get(digest: string): Promise<Readable>;
  /** Size of a blob, or undefined when absent. */
  stat(digest: string): Promise<BlobInfo | undefined>;
  /** Every digest held, in no particular order. */
  list(): AsyncIterable<string>;
  /** Re-hashes a blob and says whether it still matches its address. */
  check(digest: string): Promise<boolean>;
}

const DIGEST_RE = /^sha256:[0-9a-f]{64}$/;

/** True for a well-formed `sha256:<64 lower-case hex>` address. */
export function isDigest(s: string): boolean {
  return DIGEST_RE.test(s);
}
