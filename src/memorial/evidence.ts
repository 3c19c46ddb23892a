import { join } from "node:path";
import { readFile } from "node:fs/promises";
import { FileItemRepository, LocalBlobStore, type Item } from "../vault/index.ts";

/**
 * Evidence in the vault linked to public sources: the fingerprint of each
 * original (so a reader can check a copy they hold, or a bundle the
 * organisation gives out) and, for images, the vault's public copy, which
 * the vault makes without metadata (no EXIF, GPS or author). Originals are
 * never served. Items' titles and notes are staff text and are not shown.
 *
 * A port, so that the vault's database-backed items can replace the
 * file-backed ones without touching pages.
 */
export interface PublicEvidence {
  itemId: string;
  sourceId: string;
  digest: string;
  mediaType: string;
  /** Digest of the metadata-free public copy, when there is one. */
  publicCopy: string | null;
}

export interface EvidencePort {
  /** Evidence for these sources; the caller passes only public sources. */
  forSources(sourceIds: readonly string[]): Promise<PublicEvidence[]>;
  /** The public copy's bytes, when `digest` is the public copy of an item linked to one of `sourceIds`. */
  publicCopy(digest: string, sourceIds: readonly string[]): Promise<{ body: Buffer; mediaType: string } | undefined>;
}

/** Evidence read from the vault in the data folder (items as files, blobs by digest). */
export function vaultEvidence(dataDir: string, cacheMs = 5000): EvidencePort {
  const items = new FileItemRepository(join(dataDir, "vault", "items"));
  const blobs = new LocalBlobStore(join(dataDir, "vault", "blobs"));
  let cached: { at: number; bySource: Map<string, Item[]> } | undefined;
  const load = async (): Promise<Map<string, Item[]>> => {
    if (cached && Date.now() - cached.at < cacheMs) return cached.bySource;
    const bySource = new Map<string, Item[]>();
    for (const item of await items.list().catch(() => [] as Item[])) {
      for (const s of item.sourceIds) bySource.set(s, [...(bySource.get(s) ?? []), item]);
    }
    cached = { at: Date.now(), bySource };
    return bySource;
  };
  const present = (item: Item, sourceId: string): PublicEvidence => {
    const copy = item.derived.find((d) => d.role === "public_copy");
    return { itemId: item.id, sourceId, digest: item.original.digest, mediaType: copy?.mediaType ?? item.original.mediaType, publicCopy: copy?.digest ?? null };
  };
  return {
    async forSources(sourceIds) {
      const bySource = await load();
      return sourceIds.flatMap((s) => (bySource.get(s) ?? []).map((i) => present(i, s)));
    },
    async publicCopy(digest, sourceIds) {
      const bySource = await load();
      const item = sourceIds.flatMap((s) => bySource.get(s) ?? []).find((i) => i.derived.some((d) => d.role === "public_copy" && d.digest === digest));
      if (!item) return undefined;
      const copy = item.derived.find((d) => d.role === "public_copy" && d.digest === digest)!;
      const body = await readFile(blobs.localPath(digest)).catch(() => undefined);
      return body ? { body, mediaType: copy.mediaType } : undefined;
    },
  };
}
