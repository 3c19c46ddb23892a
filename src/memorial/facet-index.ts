import type { FuzzyDate } from "../core/dates.ts";
import { dateFromColumns } from "../records/index.ts";
import { FACETS, sortFacetCounts, type Facet, type FacetFilter, type ListedAct } from "./presenters/facets.ts";
import { allRecords } from "./presenters/lists.ts";
import { listedFromRow, listedQuery, type ListedRecord, type PubRef } from "./presenters/public-data.ts";
import { RecordNumbers } from "./record-numbers.ts";
import type { MemorialDb, MemorialSummariesTable } from "./schema.ts";

/**
 * The search facets of public people (`memorial_facets`, which holds public
 * people only) held in memory, so that a name search counts and filters its
 * best matches without asking the database. The table is kept up to date by
 * the server's freshness check, which records the change it reached as
 * `facets_seq`; when told the records changed, this index reads that mark and
 * re-reads the facets of the people changed since, or everything after a
 * place changed (a place moves every person with an act there).
 *
 * Beside the facets it holds what a page of results shows of each public
 * person: their public labels, read through the public gate (published and
 * public), and their summary act (`memorial_summaries`), what a result says
 * happened to them. So a search asks the database nothing: a statement costs
 * more than a search's counting, and reading 25 people by id was a sixth of
 * a search. It also holds the public places (the facets' provinces and
 * prisons, the acts' places), read again whenever a place changes. A person
 * unpublished, made staff-only or renamed leaves or changes in the results
 * once the memorial has noticed the change (within a second), as cached pages
 * are dropped then too.
 */

const REBUILD_OVER = 20_000;
const PAGE = 20_000;
/** On PostgreSQL a change numbered lower than the newest may commit after it: read a little further back. */
const LOOK_BACK = 200;

export type FacetCounts = Record<Facet, { value: string; n: number }[]>;

/** The entries of `map` under these keys, for the keys it has. */
function only<T>(map: Map<string, T>, ids: Iterable<string>): Map<string, T> {
  const out = new Map<string, T>();
  for (const id of ids) {
    const v = map.get(id);
    if (v !== undefined) out.set(id, v);
  }
  return out;
}

/** Sets `list[n]`, growing the list (with nothing) as far as needed. */
function put<T>(list: (T | undefined)[], n: number, v: T | undefined): void {
  while (list.length <= n) list.push(undefined);
  list[n] = v;
}

/** Rows read for many ids, a few hundred ids to a statement. */
async function inChunks<T>(ids: readonly string[], read: (chunk: string[]) => Promise<T[]>): Promise<T[]> {
  const out: T[] = [];
  for (let i = 0; i < ids.length; i += 500) out.push(...(await read(ids.slice(i, i + 500))));
  return out;
}

export class PublicFacetIndex {
  private valueNo = new Map<string, number>();
  private values: { facet: Facet; value: string }[] = [];
  // Each person's facet values, packed: by record number, where the person's
  // block starts in `packed` (-1 for none); a block is the number of values,
  // then the values. A search looks up a few hundred people at random among
  // 100,000, and each separate array read cost a cache miss.
  private slot = new Int32Array(0);
  /** People with a block now. */
  private live = 0;
  /** Blocks written, some since left unused by people read again. */
  private persons = 0;
  private packed = new Int32Array(4096);
  private used = 0;
  /** Values read for people not yet packed (rows arrive a value at a time). */
  private pending = new Map<string, number[]>();
  private tally = new Int32Array(0);
  /** By record number: marked with a count's stamp once counted. */
  private seen = new Uint8Array(0);
  private stamp = 0;
  /** Summary acts and listings by record number. */
  private summaries: (ListedAct | undefined)[] = [];
  /** Public people (through the public gate) with what a listing shows of them. */
  private listed: (ListedRecord | undefined)[] = [];
  /** Types and kinds repeat: one string for each. */
  private strings = new Map<string, string>();
  private places = new Map<string, PubRef>();
  /** Dates repeat (a massacre's weeks): one object per distinct date. */
  private dates = new Map<string, FuzzyDate | null>();
  private seq = -1;
  private stale = true;
  private built = false;
  private updating: Promise<void> | undefined;

  /** `numbers` is shared with the name index whose hits this index counts, filters and lists. */
  constructor(
    private readonly db: MemorialDb,
    readonly numbers: RecordNumbers = new RecordNumbers(),
  ) {}

  invalidate(): void {
    this.stale = true;
  }

  async ready(): Promise<void> {
    while (this.stale || !this.built) {
      this.updating ??= this.update().finally(() => (this.updating = undefined));
      await this.updating;
    }
  }

  /** Facet counts over these people, ordered as the search page lists them. */
  async counts(ids: readonly string[]): Promise<FacetCounts> {
    return this.countsOf(await this.numbersOf(ids));
  }

  /** The record numbers of those of these ids that have one, once the index is read (it numbers people as it reads them). */
  async numbersOf(ids: Iterable<string>): Promise<number[]> {
    await this.ready();
    return this.numbers.known(ids);
  }

  /** Facet counts over these people, by record number. */
  async countsOf(people: readonly number[]): Promise<FacetCounts> {
    await this.ready();
    // A count per facet value, reused between searches: only the values touched are read and reset.
    if (this.tally.length < this.values.length) this.tally = new Int32Array(Math.max(this.values.length * 2, 64));
    const tally = this.tally;
    const touched: number[] = [];
    const packed = this.packed;
    // A person listed twice is counted once: marked with this count's stamp.
    const slot = this.slot;
    if (this.seen.length < slot.length) this.seen = new Uint8Array(slot.length);
    const seen = this.seen;
    if (this.stamp === 0xff) {
      seen.fill(0);
      this.stamp = 0;
    }
    const stamp = ++this.stamp;
    for (const n of people) {
      const at = n < slot.length ? slot[n]! : -1;
      if (at < 0 || seen[n] === stamp) continue;
      seen[n] = stamp;
      for (let i = at + 1, end = i + packed[at]!; i < end; i++) if (tally[packed[i]!]!++ === 0) touched.push(packed[i]!);
    }
    const out: FacetCounts = { year: [], province: [], prison: [], charge: [], age: [], sex: [] };
    for (const v of touched) {
      out[this.values[v]!.facet].push({ value: this.values[v]!.value, n: tally[v]! });
      tally[v] = 0;
    }
    return sortFacetCounts(out);
  }

  /** The summary acts of these people (by record number), for those who have one, by id. */
  async summariesOf(people: readonly number[]): Promise<Map<string, ListedAct>> {
    await this.ready();
    const out = new Map<string, ListedAct>();
    for (const n of people) {
      const act = this.summaries[n];
      if (act) out.set(this.numbers.id(n), act);
    }
    return out;
  }

  /** What a listing shows of those of these people (by record number) who are public, in order. */
  async listedOf(people: readonly number[]): Promise<ListedRecord[]> {
    await this.ready();
    const out: ListedRecord[] = [];
    for (const n of people) {
      const r = this.listed[n];
      if (r) out.push(r);
    }
    return out;
  }

  /** Those of these records that are public places. */
  async placesOf(ids: Iterable<string>): Promise<Map<string, PubRef>> {
    await this.ready();
    return only(this.places, ids);
  }

  /** The people (in their order) having every facet value of the filter. */
  async filter(ids: readonly string[], filter: FacetFilter): Promise<string[]> {
    return (await this.filterOf(await this.numbersOf(ids), filter)).map((n) => this.numbers.id(n));
  }

  /** The people (by record number, in their order) having every facet value of the filter. */
  async filterOf(people: readonly number[], filter: FacetFilter): Promise<number[]> {
    await this.ready();
    const wanted: number[] = [];
    for (const [facet, value] of Object.entries(filter)) {
      if (!value) continue;
      const v = this.valueNo.get(`${facet}\u0000${value}`);
      if (v === undefined) return [];
      wanted.push(v);
    }
    if (!wanted.length) return [...people];
    const slot = this.slot;
    return people.filter((n) => {
      const at = n < slot.length ? slot[n]! : -1;
      if (at < 0) return false;
      const has = this.packed.subarray(at + 1, at + 1 + this.packed[at]!);
      return wanted.every((v) => has.includes(v));
    });
  }

  private async update(): Promise<void> {
    this.stale = false;
    const row = await this.db.selectFrom("memorial_state").select("value").where("key", "=", "facets_seq").executeTakeFirst();
    const seq = Number(row?.value ?? -1);
    if (this.built && seq === this.seq) return;
    if (this.built && this.seq >= 0 && seq > this.seq && seq - this.seq <= REBUILD_OVER) {
      const changed = await this.db.selectFrom("changes").select("record_id").distinct().where("seq", ">", this.seq - LOOK_BACK).where("seq", "<=", seq).execute();
      const ids = changed.map((c) => c.record_id);
      const types = new Set((await inChunks(ids, (chunk) => this.db.selectFrom("records").select("type").distinct().where("id", "in", chunk).execute())).map((t) => t.type));
      if (!types.has("place")) {
        const rows = await inChunks(ids, (chunk) => this.db.selectFrom("memorial_facets").select(["person_id", "facet", "value"]).where("person_id", "in", chunk).execute());
        const summaries = await inChunks(ids, (chunk) => this.db.selectFrom("memorial_summaries").selectAll().where("person_id", "in", chunk).execute());
        const listed = await inChunks(ids, (chunk) => listedQuery(this.db).where("type", "=", "person").where("id", "in", chunk).execute());
        for (const id of ids) {
          const n = this.numbers.get(id);
          if (n === undefined) continue;
          if (n < this.slot.length && this.slot[n]! >= 0) {
            this.slot[n] = -1;
            this.live--;
          }
          put(this.summaries, n, undefined);
          put(this.listed, n, undefined);
        }
        for (const r of rows) this.add(r);
        this.pack();
        for (const r of summaries) this.addSummary(r);
        for (const r of listed) this.addListed(listedFromRow(r));
        this.seq = seq;
        // People read again leave their old places unused: once those outnumber the people, read everything afresh.
        if (this.persons > 2 * this.live + 10_000) this.built = false;
        return;
      }
    }
    // Searches wait until everything is read again, never use half of it.
    this.built = false;
    this.valueNo = new Map();
    this.values = [];
    this.slot.fill(-1);
    this.live = 0;
    this.persons = 0;
    this.used = 0;
    this.pending = new Map();
    this.summaries = [];
    this.listed = [];
    this.strings = new Map();
    this.dates = new Map();
    this.places = new Map((await allRecords(this.db, "place")).map((r) => [r.id, r]));
    let after = "";
    for (;;) {
      // Pages of whole people: a page that ends inside one person's rows leaves that person to the next page.
      const rows = await this.db.selectFrom("memorial_facets").select(["person_id", "facet", "value"]).where("person_id", ">", after).orderBy("person_id").limit(PAGE).execute();
      if (!rows.length) break;
      let end = rows.length;
      if (rows.length === PAGE) while (end > 0 && rows[end - 1]!.person_id === rows[rows.length - 1]!.person_id) end--;
      if (end === 0) {
        // One person with more rows than a page (never seen): read them whole.
        const one = rows[0]!.person_id;
        for (const r of await this.db.selectFrom("memorial_facets").select(["person_id", "facet", "value"]).where("person_id", "=", one).execute()) this.add(r);
        this.pack();
        after = one;
        continue;
      }
      for (let i = 0; i < end; i++) this.add(rows[i]!);
      this.pack();
      after = rows[end - 1]!.person_id;
      if (rows.length < PAGE) break;
    }
    for (let from = ""; ; ) {
      const rows = await this.db.selectFrom("memorial_summaries").selectAll().where("person_id", ">", from).orderBy("person_id").limit(PAGE).execute();
      for (const r of rows) this.addSummary(r);
      if (rows.length < PAGE) break;
      from = rows[rows.length - 1]!.person_id;
    }
    for (let from = ""; ; ) {
      const rows = await listedQuery(this.db).where("type", "=", "person").where("id", ">", from).orderBy("id").limit(PAGE).execute();
      for (const r of rows) this.addListed(listedFromRow(r));
      if (rows.length < PAGE) break;
      from = rows[rows.length - 1]!.id;
    }
    this.seq = seq;
    this.built = true;
  }

  private addListed(r: ListedRecord): void {
    r.type = this.intern(r.type);
    if (r.kind !== null) r.kind = this.intern(r.kind);
    put(this.listed, this.numbers.of(r.id), r);
  }

  private intern<T extends string>(s: T): T {
    const kept = this.strings.get(s);
    if (kept !== undefined) return kept as T;
    this.strings.set(s, s);
    return s;
  }

  private addSummary(r: MemorialSummariesTable): void {
    const key = `${r.date_text}\u0000${r.date_calendar}\u0000${r.date_precision}\u0000${r.date_value}\u0000${r.date_earliest}\u0000${r.date_latest}`;
    let date = this.dates.get(key);
    if (date === undefined) {
      date = dateFromColumns(r);
      if (date) Object.freeze(date);
      this.dates.set(key, date);
    }
    put(this.summaries, this.numbers.of(r.person_id), { term: r.term, date, placeId: r.place_id });
  }

  private add(r: { person_id: string; facet: string; value: string }): void {
    if (!(FACETS as readonly string[]).includes(r.facet)) return;
    const key = `${r.facet}\u0000${r.value}`;
    let v = this.valueNo.get(key);
    if (v === undefined) {
      v = this.values.length;
      this.values.push({ facet: r.facet as Facet, value: r.value });
      this.valueNo.set(key, v);
    }
    const list = this.pending.get(r.person_id);
    if (!list) this.pending.set(r.person_id, [v]);
    else if (!list.includes(v)) list.push(v);
  }

  /** Packs the values read since the last time; a person read again gets a new place (the old one is left unused). */
  private pack(): void {
    for (const [id, list] of this.pending) {
      if (this.used + list.length + 1 > this.packed.length) {
        const packed = new Int32Array(Math.max(this.packed.length * 2, this.used + list.length + 1));
        packed.set(this.packed);
        this.packed = packed;
      }
      this.packed[this.used] = list.length;
      this.packed.set(list, this.used + 1);
      const n = this.numbers.of(id);
      if (n >= this.slot.length) {
        const slot = new Int32Array(Math.max(1024, n * 2)).fill(-1);
        slot.set(this.slot);
        this.slot = slot;
      }
      if (this.slot[n]! < 0) this.live++;
      this.slot[n] = this.used;
      this.used += list.length + 1;
      this.persons++;
    }
    this.pending.clear();
  }
}
