import { join } from "node:path";
import { readFile } from "node:fs/promises";
import type { Store } from "../store/index.ts";
import { ItemRepository, LocalBlobStore, type Item } from "../vault/index.ts";
import { vaultDb } from "../vault/db/tables.ts";

/**
 * Evidence in the vault linked to public sources: the fingerprint of each
 * original (so a reader can check a copy they hold, or a bundle the
 * organisation gives out) and, for images, the vault's public copy, which
 * the vault makes without metadata (no EXIF, GPS or author). Originals are
 * never served. Items' titles and notes are staff text and are not shown,
 * and items the vault marks restricted are left out whatever they are
 * linked to.
 *
 * A port, so that pages and the static mirror do not depend on how the
 * vault stores its items.
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

const shown = (item: Item): boolean => item.confidentiality !== "restricted";

function present(item: Item, sourceId: string): PublicEvidence {
  const copy = item.derived.find((d) => d.role === "public_copy");
  return { itemId: item.id, sourceId, digest: item.original.digest, mediaType: copy?.mediaType ?? item.original.mediaType, publicCopy: copy?.digest ?? null };
}

/**
 * Evidence read from the store's vault tables, blobs from the data folder.
 * Reads only: it never opens the vault's keys or log, so the memorial can
 * run where the vault is not writable.
 */
export function vaultEvidence(store: Store): EvidencePort {
  const items = new ItemRepository(() => vaultDb(store.db));
  const blobs = new LocalBlobStore(join(store.dataDir, "vault", "blobs"));
  const linked = async (sourceIds: readonly string[]): Promise<{ item: Item; sourceId: string }[]> => {
    const out: { item: Item; sourceId: string }[] = [];
    for (const sourceId of new Set(sourceIds)) {
      for (const item of await items.list({ sourceId })) if (shown(item)) out.push({ item, sourceId });
    }
    return out;
  };
  return {
    async forSources(sourceIds) {
      return (await linked(sourceIds)).map(({ item, sourceId }) => present(item, sourceId));
    },
    async publicCopy(digest, sourceIds) {
      const copy = (await linked(sourceIds)).flatMap(({ item }) => item.derived).find((d) => d.role === "public_copy" && d.digest === digest);
      if (!copy) return undefined;
      const body = await readFile(blobs.localPath(digest)).catch(() => undefined);
      return body ? { body, mediaType: copy.mediaType } : undefined;
    },
  };
}
