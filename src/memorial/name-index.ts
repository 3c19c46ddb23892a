import { sql } from "kysely";
import { nameKeys } from "../core/names.ts";
import { queryKey, queryWords } from "../records/index.ts";
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

/** Sets the bits of entries `from` to `to` of a list in a bitset. */
function setBits(bits: Uint32Array, entries: Int32Array, from: number, to: number): void {
  for (let j = from; j < to; j++) {
    const e = entries[j]!;
    bits[e >>> 5]! |= 1 << (e & 31);
  }
}

/**
 * The entries one word or spelling key appears in, ascending. A list holding
 * at least one entry in 32 on average is also read as a bitset (a bit an
 * entry), made when a query first reads it and brought up to date as entries
 * are added: a query then ORs 32-bit words instead of visiting each entry.
 * The bitset is never much larger than the list (a quarter more at most).
 */
class Postings extends Ints {
  private bits: Uint32Array | undefined;
  /** Entries of the list already set in `bits`. */
  private inBits = 0;

  /** The list as `words` 32-bit words of bits, or undefined when it is too sparse to be worth it. */
  bitset(words: number): Uint32Array | undefined {
    if (this.length < words) return undefined;
    let bits = this.bits;
    if (!bits || bits.length < words) {
      const grown = new Uint32Array(Math.ceil(words * 1.25));
      if (bits) grown.set(bits);
      this.bits = bits = grown;
    }
    setBits(bits, this.buf, this.inBits, this.length);
    this.inBits = this.length;
    return bits;
  }
}

/** A query word as the index reads it: its words, spelling key and postings, and, when common, its entries as a bitset. */
interface QueryWord {
  t: string;
  keyId: number;
  exact: number;
  words: number[];
  lists: Postings[];
  size: number;
  bits: Uint32Array | undefined;
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
/** Distinct query words whose lookups are kept, and the most their bitsets may take (about 320 common words at 200,000 entries). */
const SEEN_WORDS = 10_000;
const COMMON_WORD_BYTES = 8 * 2 ** 20;

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
  /** The record at each place in record id order (the inverse of `idRank`). */
  private byIdRank = new Int32Array(0);
  /**
   * Each entry's name's place among the distinct names in text order, as of
   * the last full read (entries added since have none). With it, and with
   * `idRank`, the whole ranking of a hit is one number, and
   * results sort as numbers rather than name by name.
   */
  private nameRank = new Int32Array(0);
  /** Bit widths of the parts of a sort key, or undefined when they do not fit in a double's 53 bits. */
  private keyBits: { id: number; name: number; words: number } | undefined;
  /** First entry of each record, or -1. */
  private recHead = new Ints();
  private wordNo = new Map<string, number>();
  private words: string[] = [];
  /** Entry numbers having each word. */
  private wordPostings: Postings[] = [];
  /** Distinct words in code-unit order, for prefix ranges. */
  private sorted: string[] = [];
  private sortedDirty = false;
  /** Each word's place in code-unit order: names compare word by word, as their texts would. */
  private rank = new Int32Array(0);
  private keyNo = new Map<string, number>();
  /** Entry numbers having each spelling key. */
  private keyPostings: Postings[] = [];
  /**
   * For each word, a spelling key every entry having that word also has (the
   * word's own key, as a rule), or -1. A query word's entries are those of its
   * words and of its key: a word whose entries all have that key adds none, so
   * its postings need not be read.
   */
  private wordKey = new Int32Array(0);
  private live = 0;
  private dead = 0;
  /** Query words looked up since the index last changed (`queryWord`), and the bytes of their bitsets. */
  private seen = new Map<string, QueryWord>();
  private seenBytes = 0;
  /** Scratch bitsets over the entries: those matching every query word so far, and one query word's. */
  private all = new Uint32Array(0);
  private one = new Uint32Array(0);
  /** Scratch: the entries matching every word of the query being ranked. */
  private found = new Ints();
  /** Scratch, per word: which query words it equals (odd bits) or extends (even bits). */
  private wordBits = new Uint32Array(0);
  /** Scratch, per record: the query that last saw it, and where its best entry is among the candidates. */
  private recSeen = new Uint32Array(0);
  private recAt = new Int32Array(0);
  private queries = 0;
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
      this.forgetQueryWords();
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
    this.byIdRank = Int32Array.from(byId);
    this.rankNames();
    this.seq = seq;
    this.built = true;
  }

  private publicEntries(recordIds: string[]): Promise<{ record_id: string; record_type: string; norm: string; keys: string }[]> {
    return this.db.selectFrom("search_entries").select(["record_id", "record_type", "norm", "keys"]).where("visibility", "=", "public").where("field", "in", ["name", "label"]).where("record_type", "in", this.types).where("record_id", "in", recordIds).orderBy("id").execute();
  }

  private clear(): void {
    this.forgetQueryWords();
    this.idRank = new Int32Array(0);
    this.byIdRank = new Int32Array(0);
    this.nameRank = new Int32Array(0);
    this.keyBits = undefined;
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
        this.keyPostings.push(new Postings());
      }
      return id;
    });
    for (const w of words) {
      let id = this.wordNo.get(w);
      if (id === undefined) {
        id = this.words.length;
        this.words.push(w);
        this.wordNo.set(w, id);
        this.wordPostings.push(new Postings());
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

  /** Ranks every entry's name among the distinct names, in the order `compareNames` gives. */
  private rankNames(): void {
    this.sortWords();
    const rank = this.rank;
    const flat = this.flat.buf;
    const entries = this.eRec.length;
    // Names repeat (many people share one): rank each distinct word sequence once.
    const distinct = new Map<string, number>();
    const seqs: number[][] = [];
    const nameOf = new Int32Array(entries);
    let maxWords = 0;
    for (let e = 0; e < entries; e++) {
      const start = this.eStart.buf[e]!;
      const nw = this.eCounts.buf[e]! >> 8;
      if (nw > maxWords) maxWords = nw;
      const seq: number[] = [];
      for (let w = start; w < start + nw; w++) seq.push(rank[flat[w]!]!);
      const text = seq.join(" ");
      let no = distinct.get(text);
      if (no === undefined) {
        no = seqs.length;
        distinct.set(text, no);
        seqs.push(seq);
      }
      nameOf[e] = no;
    }
    const order = Array.from(seqs, (_, i) => i).sort((a, b) => {
      const x = seqs[a]!;
      const y = seqs[b]!;
      for (let i = 0; i < x.length && i < y.length; i++) if (x[i] !== y[i]) return x[i]! - y[i]!;
      return x.length - y.length;
    });
    const place = new Int32Array(seqs.length);
    for (let i = 0; i < order.length; i++) place[order[i]!] = i;
    this.nameRank = new Int32Array(entries);
    for (let e = 0; e < entries; e++) this.nameRank[e] = place[nameOf[e]!]!;
    const bits = (n: number): number => Math.max(1, Math.ceil(Math.log2(n + 1)));
    const id = bits(this.records.length);
    const name = bits(seqs.length);
    const words = bits(maxWords);
    // Six bits of score above them: at most 12 query words, 3 points each, and 1 more.
    this.keyBits = id + name + words + 6 <= 53 ? { id, name, words } : undefined;
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
    const { recs, scores, total } = this.ranked(q, limit, offset);
    const shared = this.shared.buf;
    return { hits: recs.map((rec, i) => ({ id: this.records[rec]!, no: shared[rec]!, type: this.recordTypes[rec]!, score: scores[i]! })), total };
  }

  /** As `search`, giving only the records' shared numbers: all a search of people needs, without reading 200 ids. */
  async searchNumbers(q: string, limit: number, offset = 0): Promise<{ numbers: number[]; total: number }> {
    await this.ready();
    const { recs, total } = this.ranked(q, limit, offset);
    const shared = this.shared.buf;
    return { numbers: recs.map((rec) => shared[rec]!), total };
  }

  /** The index's own numbers of the records matching, best first, with their scores. */
  private ranked(q: string, limit: number, offset: number): { recs: number[]; scores: number[]; total: number } {
    const tokens = queryWords(q);
    if (!tokens.length) return { recs: [], scores: [], total: 0 };
    this.sortWords();
    const perToken = tokens.map((t) => this.queryWord(t));
    // Entries matching every word: each query word's entries as a bitset (a
    // bit an entry), ANDed together (docs/benchmarks.md, run 15).
    const words = (this.eRec.length + 31) >>> 5;
    if (this.all.length < words) {
      this.all = new Uint32Array(Math.ceil(words * 1.25));
      this.one = new Uint32Array(this.all.length);
    }
    const all = this.all;
    // The entries of the words so far; the last word's are ANDed in as the matches are gathered.
    let so = this.entriesOf(perToken[0]!, words, all);
    const last = perToken.length - 1;
    for (let i = 1; i < last; i++) {
      if (so !== all) {
        all.set(so.subarray(0, words));
        so = all;
      }
      const bits = this.entriesOf(perToken[i]!, words, this.one);
      for (let w = 0; w < words; w++) all[w]! &= bits[w]!;
    }
    const lastBits = last > 0 ? this.entriesOf(perToken[last]!, words, this.one) : so;
    const found = this.found;
    found.length = 0;
    for (let w = 0; w < words; w++) {
      for (let x = so[w]! & lastBits[w]!; x !== 0; ) {
        const low = x & -x;
        found.push((w << 5) | (31 - Math.clz32(low)));
        x ^= low;
      }
    }
    // What each word of the index is to this query: bit 2i+1 when it is query word i, bit 2i when it starts with it.
    if (this.wordBits.length < this.words.length) this.wordBits = new Uint32Array(Math.max(this.words.length * 2, 64));
    const wordBits = this.wordBits;
    perToken.forEach((p, i) => {
      // A word of one letter must be whole, so it extends nothing.
      if (p.t.length >= 2) for (const w of p.words) wordBits[w]! |= 1 << (2 * i);
      if (p.exact >= 0) wordBits[p.exact]! |= 1 << (2 * i + 1);
    });
    if (this.recSeen.length < this.records.length) {
      this.recSeen = new Uint32Array(Math.max(Math.ceil(this.records.length * 1.25), 1024));
      this.recAt = new Int32Array(this.recSeen.length);
    }
    if (++this.queries > 0xfffffff0) {
      this.recSeen.fill(0);
      this.queries = 1;
    }
    const query = this.queries;
    const recSeen = this.recSeen;
    const recAt = this.recAt;
    const flat = this.flat.buf;
    const eRec = this.eRec.buf;
    const eStart = this.eStart.buf;
    const eCounts = this.eCounts.buf;
    const nameRank = this.nameRank;
    const rankedEntries = nameRank.length;
    const idRank = this.idRank;
    const rankedRecords = idRank.length;
    const bits = this.keyBits;
    const nTokens = perToken.length;
    // The best entry of each record: highest score, then fewest words, then the name in text order.
    const cRec: number[] = [];
    const cEntry: number[] = [];
    const cScore: number[] = [];
    /** Every candidate was read at the last full read: each ranks as one number. */
    let numeric = bits !== undefined;
    const foundBuf = found.buf;
    for (let j = 0; j < found.length; j++) {
      const e = foundBuf[j]!;
      const rec = eRec[e]!;
      if (rec < 0) continue;
      const start = eStart[e]!;
      const nw = eCounts[e]! >> 8;
      const nk = eCounts[e]! & 255;
      let have = 0;
      for (let w = start; w < start + nw; w++) have |= wordBits[flat[w]!]!;
      let score = 0;
      for (let i = 0; i < nTokens; i++) {
        if (have & (1 << (2 * i + 1))) score += 3;
        else if (have & (1 << (2 * i))) score += 2;
        else {
          const keyId = perToken[i]!.keyId;
          if (keyId >= 0)
            for (let k = start + nw; k < start + nw + nk; k++)
              if (flat[k] === keyId) {
                score += 1;
                break;
              }
        }
      }
      if (nw === nTokens) {
        let same = true;
        for (let i = 0; i < nw && same; i++) same = flat[start + i] === perToken[i]!.exact;
        if (same) score += 1;
      }
      if (e >= rankedEntries || rec >= rankedRecords) numeric = false;
      if (recSeen[rec] !== query) {
        recSeen[rec] = query;
        recAt[rec] = cRec.length;
        cRec.push(rec);
        cEntry.push(e);
        cScore.push(score);
        continue;
      }
      const at = recAt[rec]!;
      const prev = cEntry[at]!;
      if (score > cScore[at]! || (score === cScore[at]! && (nw - (eCounts[prev]! >> 8) || this.compareNames(e, prev)) < 0)) {
        cEntry[at] = e;
        cScore[at] = score;
      }
    }
    for (const p of perToken) {
      for (const w of p.words) wordBits[w] = 0;
      if (p.exact >= 0) wordBits[p.exact] = 0;
    }
    const total = cRec.length;
    const recs: number[] = [];
    const scores: number[] = [];
    if (numeric && bits) {
      // Score (highest first), word count, name, record id: one number each, sorted as numbers.
      const toName = 2 ** bits.id;
      const toWords = toName * 2 ** bits.name;
      const toScore = toWords * 2 ** bits.words;
      const keys = new Float64Array(total);
      for (let c = 0; c < total; c++) {
        const e = cEntry[c]!;
        keys[c] = (63 - cScore[c]!) * toScore + (eCounts[e]! >> 8) * toWords + nameRank[e]! * toName + idRank[cRec[c]!]!;
      }
      keys.sort();
      for (let c = offset; c < total && c < offset + limit; c++) {
        const key = keys[c]!;
        recs.push(this.byIdRank[key % toName]!);
        scores.push(63 - Math.floor(key / toScore));
      }
      return { recs, scores, total };
    }
    const records = this.records;
    const byRank = Array.from(cRec, (_, i) => i);
    byRank.sort((x, y) => {
      const a = cEntry[x]!;
      const b = cEntry[y]!;
      const d = cScore[y]! - cScore[x]! || (eCounts[a]! >> 8) - (eCounts[b]! >> 8) || this.compareNames(a, b);
      if (d) return d;
      const rx = cRec[x]!;
      const ry = cRec[y]!;
      return rx < rankedRecords && ry < rankedRecords ? idRank[rx]! - idRank[ry]! : records[rx]! < records[ry]! ? -1 : 1;
    });
    for (const i of byRank.slice(offset, offset + limit)) {
      recs.push(cRec[i]!);
      scores.push(cScore[i]!);
    }
    return { recs, scores, total };
  }

  /** What a query word reads in the index: looked up once until the index changes. */
  private queryWord(t: string): QueryWord {
    const seen = this.seen.get(t);
    if (seen) return seen;
    const key = queryKey(t);
    const keyId = key === undefined ? undefined : this.keyNo.get(key);
    const words = this.wordsFor(t);
    // A word whose every entry has the query word's key adds nothing to the key's postings.
    const lists: Postings[] = words.flatMap((w) => (keyId !== undefined && this.wordKey[w] === keyId ? [] : [this.wordPostings[w]!]));
    if (keyId !== undefined) lists.push(this.keyPostings[keyId]!);
    let size = 0;
    for (const l of lists) size += l.length;
    const word: QueryWord = { t, keyId: keyId ?? -1, exact: this.wordNo.get(t) ?? -1, words, lists, size, bits: undefined };
    if (this.seen.size >= SEEN_WORDS) this.forgetQueryWords();
    this.seen.set(t, word);
    return word;
  }

  /**
   * A query word's entries as `words` 32-bit words of bits: kept with the
   * word when it is common (at least one entry in 32) and room is left, else
   * made in `scratch`. Short lists are set bit by bit, long ones ORed a word
   * at a time (Postings). A common word is then read as one bitset (6,250
   * words at 200,000 entries, small enough to stay in a core's cache) rather
   * than as its postings, of up to 19,000 entries in the benchmark's names.
   */
  private entriesOf(word: QueryWord, words: number, scratch: Uint32Array): Uint32Array {
    if (word.bits) return word.bits;
    let into = scratch;
    if (word.size >= words && this.seenBytes + words * 4 <= COMMON_WORD_BYTES) {
      into = word.bits = new Uint32Array(words);
      this.seenBytes += words * 4;
    } else into.fill(0, 0, words);
    for (const list of word.lists) {
      const bits = list.bitset(words);
      if (bits) for (let w = 0; w < words; w++) into[w]! |= bits[w]!;
      else setBits(into, list.buf, 0, list.length);
    }
    return into;
  }

  /** The index changed: what query words read is looked up again. */
  private forgetQueryWords(): void {
    this.seen.clear();
    this.seenBytes = 0;
  }

  /**
   * Up to `n` public names and their records, spread evenly over the index
   * (render threads build pages for them before they take visitors, so that
   * their code is compiled; see render-thread.ts).
   */
  samples(n: number): { id: string; name: string }[] {
    const out: { id: string; name: string }[] = [];
    const entries = this.eRec.length;
    if (n <= 0 || !entries) return out;
    const step = Math.max(1, Math.floor(entries / n));
    for (let e = 0; e < entries && out.length < n; e += step) {
      const rec = this.eRec.buf[e]!;
      if (rec < 0) continue;
      const start = this.eStart.buf[e]!;
      const words: string[] = [];
      for (let w = start; w < start + (this.eCounts.buf[e]! >> 8); w++) words.push(this.words[this.flat.buf[w]!]!);
      out.push({ id: this.records[rec]!, name: words.join(" ") });
    }
    return out;
  }

  /** Compares two entries' names as texts (words joined by a space sort as word-by-word). */
  private compareNames(a: number, b: number): number {
    const counts = this.eCounts.buf;
    const starts = this.eStart.buf;
    const flat = this.flat.buf;
    const rank = this.rank;
    const na = counts[a]! >> 8;
    const nb = counts[b]! >> 8;
    const sa = starts[a]!;
    const sb = starts[b]!;
    for (let i = 0; i < na && i < nb; i++) {
      const d = rank[flat[sa + i]!]! - rank[flat[sb + i]!]!;
      if (d) return d;
    }
    return na - nb;
  }

  /** Size of what is held, for the documentation and the benchmark. */
  stats(): { records: number; entries: number; words: number; keys: number } {
    let records = 0;
    for (let r = 0; r < this.recHead.length; r++) if (this.recHead.buf[r]! >= 0) records++;
    return { records, entries: this.live, words: this.words.length, keys: this.keyPostings.length };
  }
}
