// A fast bulk loader for benchmarks: fictional people (marked synthetic) with
// names in both scripts, sex, age, arrest, trial with charges, execution and
// burial, written straight into the tables in one transaction per batch, then
// the search index rebuilt by the records core. For benchmarks only: real
// imports go through the records use cases.
import BetterSqlite3 from "better-sqlite3";
import { join } from "node:path";
import { parseDate } from "../../src/core/dates.ts";
import { makeCtx, SYSTEM } from "../../src/core/context.ts";
import { dateToColumns, rebuildSearchIndex, seedVocabularies } from "../../src/records/index.ts";
import { FAMILY_NAMES, GIVEN_NAMES, seededRandom } from "../../src/demo/index.ts";
import type { Store } from "../../src/store/index.ts";

const pad = (n: number, w: number): string => String(n).padStart(w, "0");

export interface Loaded {
  people: string[];
  names: { fa: string; latin: string }[];
  seconds: { rows: number; search: number };
}

/** Loads `n` synthetic people into a SQLite store's data folder. */
export async function bulkLoad(store: Store, n: number, seed = 1988): Promise<Loaded> {
  if (store.dialect !== "sqlite") throw new Error("the bulk loader writes SQLite directly");
  await seedVocabularies(store.db);
  const rand = seededRandom(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;
  const raw = new BetterSqlite3(join(store.dataDir, "vigil.sqlite3"));
  raw.pragma("journal_mode = WAL");
  raw.pragma("synchronous = OFF");
  const now = new Date().toISOString();
  const rec = raw.prepare(`INSERT INTO records (id, type, kind, status, confidentiality, synthetic, merged_into, label, label_fa, label_public, label_public_fa, parent_id, place_id, data,
    date_text, date_calendar, date_precision, date_value, date_earliest, date_latest, version, created_at, updated_at, created_by, updated_by)
    VALUES (@id, @type, @kind, 'published', 'public', 1, NULL, @label, @label_fa, @label, @label_fa, @parent_id, NULL, '{}', @date_text, @date_calendar, @date_precision, @date_value, @date_earliest, @date_latest, 1, @now, @now, 'system:bench', 'system:bench')`);
  const claim = raw.prepare(`INSERT INTO claims (id, subject_id, property, term, value, value_text, lang, object_id, place_id, date_text, date_calendar, date_precision, date_value, date_earliest, date_latest,
    confidence, confidentiality, status, note, version, created_at, updated_at, created_by, updated_by)
    VALUES (@id, @subject_id, @property, @term, @value, @value_text, NULL, @object_id, @place_id, @date_text, @date_calendar, @date_precision, @date_value, @date_earliest, @date_latest,
    'confirmed', 'public', 'active', NULL, 1, @now, @now, 'system:bench', 'system:bench')`);
  const cite = raw.prepare(`INSERT INTO citations (claim_id, source_id, locator, quote, reliability, connection) VALUES (?, 'src_bench_list', ?, NULL, NULL, NULL)`);
  const noDate = dateToColumns(null);
  const dates = new Map<string, ReturnType<typeof dateToColumns>>();
  const dateCols = (text: string): ReturnType<typeof dateToColumns> => {
    let d = dates.get(text);
    if (!d) dates.set(text, (d = dateToColumns(parseDate(text))));
    return d;
  };
  const t0 = performance.now();
  const places = [
    { id: "plc_bench_province_tehran", kind: "province", en: "Tehran Province (synthetic)", fa: "استان تهران (ساختگی)", parent: null },
    { id: "plc_bench_province_fars", kind: "province", en: "Fars Province (synthetic)", fa: "استان فارس (ساختگی)", parent: null },
    { id: "plc_bench_prison_1", kind: "prison", en: "Prison One (synthetic)", fa: "زندان یک (ساختگی)", parent: "plc_bench_province_tehran" },
    { id: "plc_bench_prison_2", kind: "prison", en: "Prison Two (synthetic)", fa: "زندان دو (ساختگی)", parent: "plc_bench_province_tehran" },
    { id: "plc_bench_prison_3", kind: "prison", en: "Prison Three (synthetic)", fa: "زندان سه (ساختگی)", parent: "plc_bench_province_fars" },
    { id: "plc_bench_grave_1", kind: "mass_grave", en: "Mass grave (synthetic)", fa: "گور جمعی (ساختگی)", parent: "plc_bench_province_tehran" },
  ];
  const prisons = places.filter((p) => p.kind === "prison");
  const people: string[] = [];
  const names: Loaded["names"] = [];
  const insertMeta = raw.transaction(() => {
    rec.run({ id: "src_bench_list", type: "source", kind: "published_list", label: "Benchmark list (fictional people)", label_fa: "فهرست آزمایشی (افراد خیالی)", parent_id: null, ...noDate, now });
    for (const p of places) rec.run({ id: p.id, type: "place", kind: p.kind, label: p.en, label_fa: p.fa, parent_id: p.parent, ...noDate, now });
    rec.run({ id: "evt_bench_massacre", type: "event", kind: "mass_execution", label: "Mass executions of 1367 (synthetic)", label_fa: "اعدام‌های جمعی ۱۳۶۷ (ساختگی)", parent_id: null, ...dateCols("1367"), now });
  });
  insertMeta();
  let claimN = 0;
  const add = (subject: string, property: string, fields: { term?: string; value?: object; text?: string | null; object?: string | null; place?: string | null; date?: string | null }, row: number): void => {
    const id = `clm_bench_${pad(++claimN, 9)}`;
    claim.run({ id, subject_id: subject, property, term: fields.term ?? null, value: JSON.stringify(fields.value ?? {}), value_text: fields.text ?? null, object_id: fields.object ?? null, place_id: fields.place ?? null, ...(fields.date ? dateCols(fields.date) : noDate), now });
    cite.run(id, `row ${row}`);
  };
  const batch = raw.transaction((from: number, to: number) => {
    for (let i = from; i < to; i++) {
      const g = pick(GIVEN_NAMES);
      const f = pick(FAMILY_NAMES);
      const latin = `${pick(g.latin)} ${pick(f.latin)}`;
      const fa = `${g.fa} ${f.fa}`;
      const id = `per_bench_${pad(i + 1, 7)}`;
      people.push(id);
      names.push({ fa, latin });
      rec.run({ id, type: "person", kind: "individual", label: latin, label_fa: fa, parent_id: null, ...noDate, now });
      const prison = pick(prisons).id;
      const exec = `1367/${pad(5 + Math.floor(rand() * 2), 2)}/${pad(1 + Math.floor(rand() * 29), 2)}`;
      add(id, "name", { value: { text: fa, kind: "full", script: "persian" }, text: fa }, i + 1);
      add(id, "name", { value: { text: latin, kind: "full", script: "latin" }, text: latin }, i + 1);
      add(id, "sex", { term: g.sex }, i + 1);
      add(id, "age", { value: { age: 17 + Math.floor(rand() * 40) }, date: exec }, i + 1);
      add(id, "act", { term: "arrest", date: `${1360 + Math.floor(rand() * 7)}/${pad(1 + Math.floor(rand() * 12), 2)}`, value: { victim_status: "in_custody" } }, i + 1);
      add(id, "act", { term: "trial", place: prison, object: "evt_bench_massacre", date: "1367/05", value: { charges: [pick(["moharebeh", "efsad_fel_arz", "baghi", "ertedad"])] } }, i + 1);
      add(id, "act", { term: "execution", place: prison, object: "evt_bench_massacre", date: exec, value: { victim_status: "dead" } }, i + 1);
      add(id, "act", { term: "mass_grave_burial", place: "plc_bench_grave_1", date: "تابستان ۱۳۶۷" }, i + 1);
    }
  });
  for (let i = 0; i < n; i += 5000) batch(i, Math.min(n, i + 5000));
  raw.pragma("synchronous = FULL");
  raw.close();
  const t1 = performance.now();
  await rebuildSearchIndex(makeCtx(store, { ...SYSTEM, id: "system:bench" }));
  const t2 = performance.now();
  return { people, names, seconds: { rows: (t1 - t0) / 1000, search: (t2 - t1) / 1000 } };
}
