import { sql } from "kysely";
import { nameKeys } from "../core/names.ts";
import { queryTokens } from "../records/index.ts";
import { RecordNumbers } from "./record-numbers.ts";
import type { MemorialDb } from "./schema.ts";

/**
 * The memorial's name search, held in memory: the public entries of the
 * records core's search index (`search_entries` at visibility `public`, fields
 * `name` and `label`: public name claims of published public records and
 * public labels of places, events, organisations and sources, in both
 * scripts, with their spelling keys). Nothing else is ever read into it, so a
 * staff or restricted name, a father's name, a draft or a merged record can
 * never match. Built on the first search; after a change to the records
 * (the change log the page caches follow) the entries of the records changed
 * since are read again before the next search is answered.
 *
 * A query word matches a name when one of the name's words starts with it
 * (a single letter must be the whole word) or when their spelling keys are
 * equal, as in the records core's full-text query. Every word must match the
 * same name. Ranking (documented in docs/memorial.md): a name whose words
 * equal the query's words outranks one where they are only prefixes, which
 * outranks one matched by spelling key only; then the shorter name; then the
 * name in alphabetical order, then the record id.
 */

/** A growable list of 32-bit integers: far smaller than an array of numbers. */
class Ints {
  buf = new Int32Array(4);
  length = 0;
  push(v: number): void {
    if (this.length === this.buf.length) {
      const next = new Int32Array(this.buf.length * 2);
      next.set(this.buf);
      this.buf = next;
    }
    this.buf[this.length++] = v;
  }
  /** Drops the room kept for growth. */
  trim(): void {
    if (this.buf.length > this.length + 4) this.buf = this.buf.slice(0, this.length + 4);
  }
}

export interface NameHit {
  id: string;
  /** The record's number among the `RecordNumbers` this index was given. */
  no: number;
  type: string;
  score: number;
}

const SPLIT = /[^\p{L}\p{N}]+/u;
/** More changed records than this since the last look: read everything again. */
const REBUILD_OVER = 20_000;
const LOOK_BACK = 200;

export class PublicNameIndex {
  // Entries (one per public name or label) as parallel lists: the record,
  // where its word and key ids start in `flat`, how many of each, and the
  // next entry of the same record.
  private eRec = new Ints();
  private eStart = new Ints();
  private eCounts = new Ints();
  private eNext = new Ints();
  private flat = new Ints();
  private records: string[] = [];
  private recordTypes: string[] = [];
  /** Each record's number among the shared `numbers`. */
  private shared = new Ints();
  private recordNo = new Map<string, number>();
  /**
   * Each record's place in record id order, as of the last full read (records
   * added since have none): names alike are ordered by record id, and many
   * names are alike, so comparing numbers instead of ids matters.
   */
  private idRank = new Int32Array(0);
  /** First entry of each record, or -1. */
  private recHead = new Ints();
  private wordNo = new Map<string, number>();
  private words: string[] = [];
  /** Entry numbers having each word. */
  private wordPostings: Ints[] = [];
  /** Distinct words in code-unit order, for prefix ranges. */
  private sorted: string[] = [];
  private sortedDirty = false;
  /** Each word's place in code-unit order: names compare word by word, as their texts would. */
  private rank = new Int32Array(0);
  private keyNo = new Map<string, number>();
  /** Entry numbers having each spelling key. */
  private keyPostings: Ints[] = [];
  /**
   * For each word, a spelling key every entry having that word also has (the
   * word's own key, as a rule), or -1. A query word's entries are those of its
   * words and of its key: a word whose entries all have that key adds none, so
   * its postings need not be read.
   */
  private wordKey = new Int32Array(0);
  private live = 0;
  private dead = 0;
  /** Scratch marks for intersecting postings, one per entry. */
  private marks = new Uint32Array(0);
  private stamp = 0;
  private seq = -1;
  private stale = true;
  private updating: Promise<void> | undefined;
  private built = false;

  /** An index of the public names of records of these types; its hits carry their `numbers`. */
  constructor(
    private readonly db: MemorialDb,
    private readonly types: readonly string[],
    readonly numbers: RecordNumbers = new RecordNumbers(),
  ) {}

  /** The records may have changed: bring the index up to date before the next search. */
  invalidate(): void {
    this.stale = true;
  }

  /** Forget everything; the next search reads the whole index again. */
  reset(): void {
    this.built = false;
    this.stale = true;
  }

  async ready(): Promise<void> {
    while (this.stale || !this.built) {
      this.updating ??= this.update().finally(() => (this.updating = undefined));
      await this.updating;
    }
  }

  private async update(): Promise<void> {
    this.stale = false;
    const top = await this.db.selectFrom("changes").select(sql<number | null>`max(seq)`.as("seq")).executeTakeFirst();
    const seq = Number(top?.seq ?? 0);
    if (this.built && seq === this.seq) return;
    if (this.built && seq > this.seq && seq - this.seq <= REBUILD_OVER) {
      // A little behind the last seen change too: on PostgreSQL a change numbered
      // lower than the newest may commit after it. Reading a record again is harmless.
      const rows = await this.db.selectFrom("changes").select("record_id").distinct().where("seq", ">", this.seq - LOOK_BACK).where("seq", "<=", seq).execute();
      const ids = rows.map((r) => r.record_id);
      const fresh: { record_id: string; record_type: string; norm: string; keys: string }[] = [];
      for (let i = 0; i < ids.length; i += 500) fresh.push(...(await this.publicEntries(ids.slice(i, i + 500))));
      for (const id of ids) this.removeRecord(id);
      for (const r of fresh) this.add(r);
      this.seq = seq;
      if (this.dead > 10_000 && this.dead > this.eRec.length / 3) this.built = false;
      return;
    }
    // Searches wait until the whole index is read again, never use half of it.
    this.built = false;
    this.clear();
    let after = 0;
    for (;;) {
      const rows = await this.db
        .selectFrom("search_entries")
        .select(["id", "record_id", "record_type", "norm", "keys"])
        .where("visibility", "=", "public")
        .where("field", "in", ["name", "label"])
        .where("record_type", "in", this.types)
        .where("id", ">", after)
        .orderBy("id")
        .limit(5000)
        .execute();
      if (!rows.length) break;
      after = rows[rows.length - 1]!.id;
      for (const r of rows) this.add(r);
    }
    for (const list of [this.eRec, this.eStart, this.eCounts, this.eNext, this.flat, this.recHead, this.shared, ...this.wordPostings, ...this.keyPostings]) list.trim();
    const byId = Array.from(this.records, (_, i) => i).sort((a, b) => (this.records[a]! < this.records[b]! ? -1 : 1));
    this.idRank = new Int32Array(this.records.length);
    for (let i = 0; i < byId.length; i++) this.idRank[byId[i]!] = i;
    this.seq = seq;
    this.built = true;
  }

  private publicEntries(recordIds: string[]): Promise<{ record_id: string; record_type: string; norm: string; keys: string }[]> {
    return this.db.selectFrom("search_entries").select(["record_id", "record_type", "norm", "keys"]).where("visibility", "=", "public").where("field", "in", ["name", "label"]).where("record_type", "in", this.types).where("record_id", "in", recordIds).orderBy("id").execute();
  }

  private clear(): void {
    this.idRank = new Int32Array(0);
    this.eRec = new Ints();
    this.eStart = new Ints();
    this.eCounts = new Ints();
    this.eNext = new Ints();
    this.flat = new Ints();
    this.records = [];
    this.recordTypes = [];
    this.shared = new Ints();
    this.recordNo = new Map();
    this.recHead = new Ints();
    this.wordNo = new Map();
    this.words = [];
    this.wordPostings = [];
    this.sorted = [];
    this.sortedDirty = false;
    this.keyNo = new Map();
    this.keyPostings = [];
    this.wordKey = new Int32Array(0);
    this.live = 0;
    this.dead = 0;
  }

  private removeRecord(id: string): void {
    const rec = this.recordNo.get(id);
    if (rec === undefined) return;
    for (let e = this.recHead.buf[rec]!; e >= 0; e = this.eNext.buf[e]!) {
      if (this.eRec.buf[e]! >= 0) {
        this.dead++;
        this.live--;
      }
      this.eRec.buf[e] = -1;
    }
    this.recHead.buf[rec] = -1;
  }

  private add(r: { record_id: string; record_type: string; norm: string; keys: string }): void {
    const words = r.norm.split(SPLIT).filter(Boolean);
    if (!words.length) return;
    let rec = this.recordNo.get(r.record_id);
    if (rec === undefined) {
      rec = this.records.length;
      this.records.push(r.record_id);
      this.recordTypes.push(r.record_type);
      this.shared.push(this.numbers.of(r.record_id));
      this.recordNo.set(r.record_id, rec);
      this.recHead.push(-1);
    }
    this.recordTypes[rec] = r.record_type;
    const n = this.eRec.length;
    this.eRec.push(rec);
    this.eStart.push(this.flat.length);
    this.eNext.push(this.recHead.buf[rec]!);
    this.recHead.buf[rec] = n;
    const keys = [...new Set(r.keys.split(" ").filter(Boolean))];
    const keyIds = keys.map((k) => {
      let id = this.keyNo.get(k);
      if (id === undefined) {
        id = this.keyPostings.length;
        this.keyNo.set(k, id);
        this.keyPostings.push(new Ints());
      }
      return id;
    });
    for (const w of words) {
      let id = this.wordNo.get(w);
      if (id === undefined) {
        id = this.words.length;
        this.words.push(w);
        this.wordNo.set(w, id);
        this.wordPostings.push(new Ints());
        this.sorted.push(w);
        this.sortedDirty = true;
        if (id >= this.wordKey.length) {
          const grown = new Int32Array(Math.max(64, id * 2));
          grown.set(this.wordKey);
          this.wordKey = grown;
        }
        const own = nameKeys(w)[0];
        this.wordKey[id] = own === undefined ? -1 : (this.keyNo.get(own) ?? -1);
      }
      if (this.wordKey[id]! >= 0 && !keyIds.includes(this.wordKey[id]!)) this.wordKey[id] = -1;
      const list = this.wordPostings[id]!;
      if (list.buf[list.length - 1] !== n || list.length === 0) list.push(n);
      this.flat.push(id);
    }
    for (const id of keyIds) {
      this.keyPostings[id]!.push(n);
      this.flat.push(id);
    }
    this.eCounts.push((words.length << 8) | Math.min(keys.length, 255));
    this.live++;
  }

  private sortWords(): void {
    if (!this.sortedDirty) return;
    this.sorted.sort();
    this.rank = new Int32Array(this.words.length);
    for (let i = 0; i < this.sorted.length; i++) this.rank[this.wordNo.get(this.sorted[i]!)!] = i;
    this.sortedDirty = false;
  }

  /** Word ids starting with a prefix (or equal to it, for one letter). */
  private wordsFor(t: string): number[] {
    if (t.length < 2) {
      const id = this.wordNo.get(t);
      return id === undefined ? [] : [id];
    }
    this.sortWords();
    let lo = 0;
    let hi = this.sorted.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.sorted[mid]! < t) lo = mid + 1;
      else hi = mid;
    }
    const out: number[] = [];
    for (let i = lo; i < this.sorted.length && this.sorted[i]!.startsWith(t); i++) out.push(this.wordNo.get(this.sorted[i]!)!);
    return out;
  }

  /**
   * Records whose public names or labels match every word of the query, best
   * first, at most `limit` after skipping `offset`; `total` counts them all.
   */
  async search(q: string, limit: number, offset = 0): Promise<{ hits: NameHit[]; total: number }> {
    await this.ready();
    const { tokens } = queryTokens(q);
    if (!tokens.length) return { hits: [], total: 0 };
    const perToken = tokens.map((t) => {
      const key = nameKeys(t)[0];
      const keyId = key && /^[\p{L}\p{N}]+$/u.test(key) && key.length >= 2 ? this.keyNo.get(key) : undefined;
      // A word whose every entry has the query word's key adds nothing to the key's postings.
      const lists: Ints[] = this.wordsFor(t).flatMap((w) => (keyId !== undefined && this.wordKey[w] === keyId ? [] : [this.wordPostings[w]!]));
      if (keyId !== undefined) lists.push(this.keyPostings[keyId]!);
      let size = 0;
      for (const l of lists) size += l.length;
      return { t, keyId, lists, size };
    });
    // Entries matching every word: each word's postings, rarest first, advance a mark.
    const order = [...perToken].sort((a, b) => a.size - b.size);
    if (this.marks.length < this.eRec.length) this.marks = new Uint32Array(Math.max(Math.ceil(this.eRec.length * 1.25), 1024));
    if (this.stamp > 0xffffffff - 64) {
      this.marks.fill(0);
      this.stamp = 0;
    }
    const base = this.stamp;
    this.stamp += order.length + 2;
    const marks = this.marks;
    for (let i = 0; i < order.length; i++) {
      for (const list of order[i]!.lists) {
        const buf = list.buf;
        for (let j = 0; j < list.length; j++) {
          const e = buf[j]!;
          if (i === 0 || marks[e] === base + i) marks[e] = base + i + 1;
        }
      }
    }
    const done = base + order.length;
    this.sortWords();
    const rank = this.rank;
    const flat = this.flat.buf;
    const eRec = this.eRec.buf;
    const eStart = this.eStart.buf;
    const eCounts = this.eCounts.buf;
    // Per token: the word equal to it, and the words it is a prefix of (a word of one letter must be whole).
    const scorers = perToken.map((p) => ({ exact: this.wordNo.get(p.t) ?? -1, prefixes: p.t.length >= 2 ? new Set(this.wordsFor(p.t)) : new Set<number>(), keyId: p.keyId ?? -1 }));
    const exactIds = scorers.map((x) => x.exact);
    /** Compares two entries' names as texts (words joined by a space sort as word-by-word). */
    const compareNames = (a: number, b: number): number => {
      const na = eCounts[a]! >> 8;
      const nb = eCounts[b]! >> 8;
      const sa = eStart[a]!;
      const sb = eStart[b]!;
      for (let i = 0; i < na && i < nb; i++) {
        const d = rank[flat[sa + i]!]! - rank[flat[sb + i]!]!;
        if (d) return d;
      }
      return na - nb;
    };
    // The best entry of each record: highest score, then fewest words, then the name in text order.
    const bestOf = new Map<number, number>();
    const cRec: number[] = [];
    const cEntry: number[] = [];
    const cScore: number[] = [];
    for (const list of order[0]!.lists) {
      const buf = list.buf;
      for (let j = 0; j < list.length; j++) {
        const e = buf[j]!;
        if (marks[e] !== done) continue;
        marks[e] = done + 1;
        const rec = eRec[e]!;
        if (rec < 0) continue;
        const start = eStart[e]!;
        const nw = eCounts[e]! >> 8;
        const nk = eCounts[e]! & 255;
        let score = 0;
        for (const sc of scorers) {
          let got = 0;
          for (let w = start; w < start + nw; w++) {
            const word = flat[w]!;
            if (word === sc.exact) {
              got = 3;
              break;
            }
            if (sc.prefixes.has(word)) got = 2;
          }
          if (!got && sc.keyId >= 0) for (let k = start + nw; k < start + nw + nk; k++) if (flat[k] === sc.keyId) got = 1;
          score += got;
        }
        if (nw === exactIds.length) {
          let same = true;
          for (let i = 0; i < nw && same; i++) same = flat[start + i] === exactIds[i];
          if (same) score += 1;
        }
        const at = bestOf.get(rec);
        if (at === undefined) {
          bestOf.set(rec, cRec.length);
          cRec.push(rec);
          cEntry.push(e);
          cScore.push(score);
          continue;
        }
        const prev = cEntry[at]!;
        if (score > cScore[at]! || (score === cScore[at]! && (nw - (eCounts[prev]! >> 8) || compareNames(e, prev)) < 0)) {
          cEntry[at] = e;
          cScore[at] = score;
        }
      }
    }
    const records = this.records;
    const idRank = this.idRank;
    const ranked = idRank.length;
    const order2 = Array.from(cRec, (_, i) => i);
    order2.sort((x, y) => {
      const a = cEntry[x]!;
      const b = cEntry[y]!;
      const d = cScore[y]! - cScore[x]! || (eCounts[a]! >> 8) - (eCounts[b]! >> 8) || compareNames(a, b);
      if (d) return d;
      const rx = cRec[x]!;
      const ry = cRec[y]!;
      return rx < ranked && ry < ranked ? idRank[rx]! - idRank[ry]! : records[rx]! < records[ry]! ? -1 : 1;
    });
    const shared = this.shared.buf;
    const hits = order2.slice(offset, offset + limit).map((i) => ({ id: records[cRec[i]!]!, no: shared[cRec[i]!]!, type: this.recordTypes[cRec[i]!]!, score: cScore[i]! }));
    return { hits, total: order2.length };
  }

  /** Size of what is held, for the documentation and the benchmark. */
  stats(): { records: number; entries: number; words: number; keys: number } {
    let records = 0;
    for (let r = 0; r < this.recHead.length; r++) if (this.recHead.buf[r]! >= 0) records++;
    return { records, entries: this.live, words: this.words.length, keys: this.keyPostings.length };
  }
}
