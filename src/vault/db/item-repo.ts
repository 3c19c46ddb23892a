import { notFound } from "../../core/errors.ts";
import { isItemId, type DerivedRole, type BlobRef, type Item, type ItemKind } from "../custody.ts";
import type { VaultDb, VaultItemsTable } from "./tables.ts";

/** What to list: all items, some ids, the evidence of a Source, or one kind. */
export interface ItemFilter {
  ids?: readonly string[];
  sourceId?: string;
  kind?: ItemKind;
  sourceUrl?: string;
}

function rowToItem(r: VaultItemsTable, sourceIds: string[]): Item {
  const original: BlobRef = { digest: r.original_digest, size: Number(r.original_size), mediaType: r.original_media_type, ...(r.original_filename ? { filename: r.original_filename } : {}) };
  return {
    id: r.id,
    kind: r.kind as ItemKind,
    original,
    derived: JSON.parse(r.derived) as (BlobRef & { role: DerivedRole })[],
    ...(r.title ? { title: r.title } : {}),
    ...(r.source_url ? { sourceUrl: r.source_url } : {}),
    sourceIds,
    flags: JSON.parse(r.flags) as string[],
    confidentiality: r.confidentiality as Item["confidentiality"],
    createdAt: r.created_at,
  };
}

/** The row for a new item (its Source links go to vault_evidence). */
export function itemToRow(item: Item, createdBy: string): VaultItemsTable {
  return {
    id: item.id,
    kind: item.kind,
    title: item.title ?? null,
    source_url: item.sourceUrl ?? null,
    original_digest: item.original.digest,
    original_size: item.original.size,
    original_media_type: item.original.mediaType,
    original_filename: item.original.filename ?? null,
    derived: JSON.stringify(item.derived),
    flags: JSON.stringify(item.flags),
    confidentiality: item.confidentiality ?? "staff",
    created_at: item.createdAt,
    created_by: createdBy,
  };
}

/**
 * Items in the database. Reads only: items are written inside a vault
 * transaction together with their custody records (see `VaultTx`).
 */
export class ItemRepository {
  constructor(private readonly db: () => VaultDb) {}

  /** One item with its linked Sources; not_found when absent. */
  async get(id: string, db: VaultDb = this.db()): Promise<Item> {
    if (!isItemId(id)) throw notFound("item", id);
    const row = await db.selectFrom("vault_items").selectAll().where("id", "=", id).executeTakeFirst();
    if (!row) throw notFound("item", id);
    const links = await db.selectFrom("vault_evidence").select("source_id").where("item_id", "=", id).orderBy("linked_at").orderBy("source_id").execute();
    return rowToItem(row, links.map((l) => l.source_id));
  }

  /** Whether an item exists. */
  async exists(id: string, db: VaultDb = this.db()): Promise<boolean> {
    return isItemId(id) && (await db.selectFrom("vault_items").select("id").where("id", "=", id).executeTakeFirst()) !== undefined;
  }

  /** Items matching the filter, oldest first, with their linked Sources. */
  async list(filter: ItemFilter = {}, db: VaultDb = this.db()): Promise<Item[]> {
    let q = db.selectFrom("vault_items").selectAll("vault_items");
    if (filter.ids) {
      if (filter.ids.length === 0) return [];
      q = q.where("vault_items.id", "in", [...filter.ids]);
    }
    if (filter.kind) q = q.where("vault_items.kind", "=", filter.kind);
    if (filter.sourceUrl) q = q.where("vault_items.source_url", "=", filter.sourceUrl);
    if (filter.sourceId) q = q.innerJoin("vault_evidence", "vault_evidence.item_id", "vault_items.id").where("vault_evidence.source_id", "=", filter.sourceId);
    const rows = await q.orderBy("vault_items.created_at").orderBy("vault_items.id").execute();
    if (rows.length === 0) return [];
    const links = new Map<string, string[]>();
    const ids = rows.map((r) => r.id);
    for (let i = 0; i < ids.length; i += 500) {
      const part = await db.selectFrom("vault_evidence").select(["item_id", "source_id"]).where("item_id", "in", ids.slice(i, i + 500)).orderBy("linked_at").orderBy("source_id").execute();
      for (const l of part) links.set(l.item_id, [...(links.get(l.item_id) ?? []), l.source_id]);
    }
    return rows.map((r) => rowToItem(r, links.get(r.id) ?? []));
  }
}
