import { mkdir, readFile, readdir, rename, writeFile, open } from "node:fs/promises";
import { join } from "node:path";
import { randomBytes } from "node:crypto";
import { notFound } from "../core/errors.ts";
import { isItemId, type Item } from "./custody.ts";

/**
 * Where items live. A port so that the database store can take over from the
 * file implementation without touching the use cases.
 */
export interface ItemRepository {
  save(item: Item): Promise<void>;
  get(id: string): Promise<Item>;
  list(): Promise<Item[]>;
}

/** Items as JSON files in `<data>/vault/items`, written by temp file + fsync + rename. */
export class FileItemRepository implements ItemRepository {
  constructor(private readonly dir: string) {}

  async save(item: Item): Promise<void> {
    await mkdir(this.dir, { recursive: true });
    const path = join(this.dir, `${item.id}.json`);
    const tmp = `${path}.${randomBytes(6).toString("hex")}.tmp`;
    await writeFile(tmp, JSON.stringify(item, null, 2) + "\n");
    const fh = await open(tmp, "r+");
    await fh.sync();
    await fh.close();
    await rename(tmp, path);
  }

  async get(id: string): Promise<Item> {
    if (!isItemId(id)) throw notFound("item", id);
    const text = await readFile(join(this.dir, `${id}.json`), "utf8").catch(() => undefined);
    if (text === undefined) throw notFound("item", id);
    return JSON.parse(text) as Item;
  }

  async list(): Promise<Item[]> {
    const names = (await readdir(this.dir).catch(() => [] as string[])).filter((n) => /^itm_[0-9a-z]{26}\.json$/.test(n)).sort();
    return Promise.all(names.map((n) => this.get(n.slice(0, -5))));
  }
}
