import { sql } from "kysely";
import type { MonitorTables } from "../monitor/schema.ts";
import type { MemorialDb } from "./schema.ts";
import { refreshFacets } from "./presenters/index.ts";

/**
 * Keeps what the memorial derives (search facets, cached pages) in step with
 * the records. Every change to a record or claim is a row of the change log;
 * the memorial remembers the last one it has seen, re-derives the facets of
 * the people changed since, and drops cached pages (also when the monitoring
 * watchlist changes, as it decides who the at-risk page lists). It looks at most once per
 * `intervalMs`, so a busy memorial asks the database a trivial question a few
 * times a second rather than at every request.
 */
export class Freshness {
  private seen: { seq: number; version: string } | undefined;
  private checkedAt = 0;
  private running: Promise<boolean> | undefined;
  private readonly listeners: (() => void)[] = [];

  constructor(
    private readonly db: MemorialDb,
    private readonly intervalMs = 1000,
  ) {}

  /** Called when what pages show may have changed. */
  onChange(fn: () => void): void {
    this.listeners.push(fn);
  }

  /** Brings derived data up to date if the interval has passed (or when forced). Returns whether anything changed. */
  async check(force = false): Promise<boolean> {
    const now = Date.now();
    if (!force && now - this.checkedAt < this.intervalMs) return false;
    if (this.running) return this.running;
    this.checkedAt = now;
    this.running = this.sync().finally(() => (this.running = undefined));
    return this.running;
  }

  private async sync(): Promise<boolean> {
    const db = this.db;
    const top = await db.selectFrom("changes").select(sql<number | null>`max(seq)`.as("seq")).executeTakeFirst();
    const seq = Number(top?.seq ?? 0);
    const versionRow = await db.selectFrom("memorial_state").select("value").where("key", "=", "pages_version").executeTakeFirst();
    // Who is on the monitoring watchlist decides who the at-risk page lists: a watch added, linked or removed changes pages too.
    const watches = await db
      .withTables<MonitorTables>()
      .selectFrom("monitor_watches")
      .select([sql<number>`count(*)`.as("n"), sql<string | null>`max(updated_at)`.as("at")])
      .where("person_id", "is not", null)
      .executeTakeFirst();
    const version = `${versionRow?.value ?? ""}|${Number(watches?.n ?? 0)}|${watches?.at ?? ""}`;
    if (this.seen && this.seen.seq === seq && this.seen.version === version) return false;
    const doneRow = await db.selectFrom("memorial_state").select("value").where("key", "=", "facets_seq").executeTakeFirst();
    const done = Number(doneRow?.value ?? -1);
    if (done !== seq) await this.refresh(done, seq);
    this.seen = { seq, version };
    for (const fn of this.listeners) fn();
    return true;
  }

  private async refresh(done: number, seq: number): Promise<void> {
    const db = this.db;
    let scope: string[] | "all" = "all";
    if (done >= 0 && seq > done && seq - done <= 20_000) {
      const rows = await db.selectFrom("changes").select(["record_id"]).where("seq", ">", done).where("seq", "<=", seq).execute();
      const ids = [...new Set(rows.map((r) => r.record_id))];
      const types = ids.length ? await db.selectFrom("records").select(["id", "type"]).where("id", "in", ids.slice(0, 20_000)).execute() : [];
      // A place changing (its kind, its parent, its visibility) moves every person with an act there: start over.
      scope = types.some((t) => t.type === "place") ? "all" : types.filter((t) => t.type === "person").map((t) => t.id);
    }
    await db.transaction().execute(async (trx) => {
      await refreshFacets(trx, scope);
      const updated = await trx.updateTable("memorial_state").set({ value: String(seq) }).where("key", "=", "facets_seq").executeTakeFirst();
      if (Number(updated.numUpdatedRows) === 0) await trx.insertInto("memorial_state").values({ key: "facets_seq", value: String(seq) }).execute();
    });
  }
}

/** The running memorial's freshness for a store: tests make it look for changes at once. */
export const freshnessOfStore = new WeakMap<object, Freshness>();

/**
 * A small LRU of rendered pages, emptied whenever the records change. A page
 * is kept the second time it is built, not the first (the keys of pages built
 * once are remembered, as many as the cache holds): most pages of a memorial
 * of 100,000 people are asked for once, by a crawler or a single visitor, and
 * keeping each of them pushed out the pages that visitors come back to, and
 * kept the main thread collecting the pages it had let go. Pages are kept as
 * their own UTF-8 bytes, outside the heap the collector walks, and are sent
 * without encoding them again.
 */
export class PageCache {
  private readonly map = new Map<string, { body: Buffer; status: number }>();
  /** Keys of pages built once and not kept, oldest first. */
  private readonly once = new Set<string>();
  constructor(private readonly max = 2000) {}

  get(key: string): { body: Buffer; status: number } | undefined {
    const hit = this.map.get(key);
    if (hit) {
      this.map.delete(key);
      this.map.set(key, hit);
    }
    return hit;
  }

  /** Offers a page built now: kept (a copy: its bytes may be lent) if it was built before since the cache last forgot it. */
  set(key: string, value: { body: string | Buffer; status: number }): void {
    const kept = (): { body: Buffer; status: number } => ({ body: typeof value.body === "string" ? Buffer.from(value.body, "utf8") : Buffer.from(value.body), status: value.status });
    if (this.map.delete(key)) {
      this.map.set(key, kept());
      return;
    }
    if (!this.once.delete(key)) {
      if (this.once.size >= this.max) this.once.delete(this.once.values().next().value!);
      this.once.add(key);
      return;
    }
    if (this.map.size >= this.max) this.map.delete(this.map.keys().next().value!);
    this.map.set(key, kept());
  }

  clear(): void {
    this.map.clear();
    this.once.clear();
  }

  get size(): number {
    return this.map.size;
  }
}
