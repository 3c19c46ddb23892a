import type { FuzzyDate } from "../core/dates.ts";
import { dateFromColumns } from "../records/index.ts";
import { FACETS, sortFacetCounts, type Facet, type FacetFilter, type ListedAct } from "./presenters/facets.ts";
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
 * Beside the facets it holds each public person's summary act
 * (`memorial_summaries`): what a search result says happened to them, so
 * that a page of results reads only the people themselves, through the
 * public gate, and no act of theirs.
 */

const REBUILD_OVER = 20_000;
const PAGE = 20_000;
/** On PostgreSQL a change numbered lower than the newest may commit after it: read a little further back. */
const LOOK_BACK = 200;

export type FacetCounts = Record<Facet, { value: string; n: number }[]>;

export class PublicFacetIndex {
  private valueNo = new Map<string, number>();
  private values: { facet: Facet; value: string }[] = [];
  private people = new Map<string, number[]>();
  private summaries = new Map<string, ListedAct>();
  /** Dates repeat (a massacre's weeks): one object per distinct date. */
  private dates = new Map<string, FuzzyDate | null>();
  private seq = -1;
  private stale = true;
  private built = false;
  private updating: Promise<void> | undefined;

  constructor(private readonly db: MemorialDb) {}

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
    await this.ready();
    const tally = new Map<number, number>();
    for (const id of new Set(ids)) for (const v of this.people.get(id) ?? []) tally.set(v, (tally.get(v) ?? 0) + 1);
    const out: FacetCounts = { year: [], province: [], prison: [], charge: [], age: [], sex: [] };
    for (const [v, n] of tally) out[this.values[v]!.facet].push({ value: this.values[v]!.value, n });
    return sortFacetCounts(out);
  }

  /** The summary acts of these people, for those who have one. */
  async summariesOf(ids: readonly string[]): Promise<Map<string, ListedAct>> {
    await this.ready();
    const out = new Map<string, ListedAct>();
    for (const id of ids) {
      const s = this.summaries.get(id);
      if (s) out.set(id, s);
    }
    return out;
  }

  /** The people (in their order) having every facet value of the filter. */
  async filter(ids: readonly string[], filter: FacetFilter): Promise<string[]> {
    await this.ready();
    const wanted: number[] = [];
    for (const [facet, value] of Object.entries(filter)) {
      if (!value) continue;
      const v = this.valueNo.get(`${facet}\u0000${value}`);
      if (v === undefined) return [];
      wanted.push(v);
    }
    return ids.filter((id) => {
      const has = this.people.get(id);
      return wanted.every((v) => has?.includes(v));
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
      const types = new Set<string>();
      for (let i = 0; i < ids.length; i += 500) for (const t of await this.db.selectFrom("records").select("type").distinct().where("id", "in", ids.slice(i, i + 500)).execute()) types.add(t.type);
      if (!types.has("place")) {
        const rows: { person_id: string; facet: string; value: string }[] = [];
        for (let i = 0; i < ids.length; i += 500) rows.push(...(await this.db.selectFrom("memorial_facets").select(["person_id", "facet", "value"]).where("person_id", "in", ids.slice(i, i + 500)).execute()));
        const summaries: MemorialSummariesTable[] = [];
        for (let i = 0; i < ids.length; i += 500) summaries.push(...(await this.db.selectFrom("memorial_summaries").selectAll().where("person_id", "in", ids.slice(i, i + 500)).execute()));
        for (const id of ids) {
          this.people.delete(id);
          this.summaries.delete(id);
        }
        for (const r of rows) this.add(r);
        for (const r of summaries) this.addSummary(r);
        this.seq = seq;
        return;
      }
    }
    // Searches wait until everything is read again, never use half of it.
    this.built = false;
    this.valueNo = new Map();
    this.values = [];
    this.people = new Map();
    this.summaries = new Map();
    this.dates = new Map();
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
        after = one;
        continue;
      }
      for (let i = 0; i < end; i++) this.add(rows[i]!);
      after = rows[end - 1]!.person_id;
      if (rows.length < PAGE) break;
    }
    for (let from = ""; ; ) {
      const rows = await this.db.selectFrom("memorial_summaries").selectAll().where("person_id", ">", from).orderBy("person_id").limit(PAGE).execute();
      for (const r of rows) this.addSummary(r);
      if (rows.length < PAGE) break;
      from = rows[rows.length - 1]!.person_id;
    }
    this.seq = seq;
    this.built = true;
  }

  private addSummary(r: MemorialSummariesTable): void {
    const key = `${r.date_text}\u0000${r.date_calendar}\u0000${r.date_precision}\u0000${r.date_value}\u0000${r.date_earliest}\u0000${r.date_latest}`;
    let date = this.dates.get(key);
    if (date === undefined) {
      date = dateFromColumns(r);
      if (date) Object.freeze(date);
      this.dates.set(key, date);
    }
    this.summaries.set(r.person_id, { term: r.term, date, placeId: r.place_id });
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
    const list = this.people.get(r.person_id);
    if (!list) this.people.set(r.person_id, [v]);
    else if (!list.includes(v)) list.push(v);
  }
}
