import type { Item, LoggedEvent, Vault } from "../vault/index.ts";

/** One vault item behind the sources a dossier cites, with its custody record. */
export interface EvidenceEntry {
  item: Item;
  /** The dossier's sources the item is linked to. */
  sourceIds: string[];
  custody: LoggedEvent[];
}

/** Vault items linked to any of these sources, with their custody events, oldest first. */
export async function evidenceFor(vault: Vault, sourceIds: Set<string>): Promise<EvidenceEntry[]> {
  const out: EvidenceEntry[] = [];
  for (const item of await vault.items.list()) {
    const linked = item.sourceIds.filter((s) => sourceIds.has(s));
    if (!linked.length) continue;
    out.push({ item, sourceIds: linked, custody: await vault.custody(item.id) });
  }
  return out.sort((a, b) => a.item.createdAt.localeCompare(b.item.createdAt) || a.item.id.localeCompare(b.item.id));
}
