/**
 * Benchmark and test data for linkage, read through the same path as users'
 * lists (table → mapping → entries). Shared data lives in ../shared/data
 * (see its PROVENANCE.md files); the synthetic lists are generated.
 */
import { existsSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { parse } from "csv-parse/sync";
import { nameKeys, normaliseName, normalisePersian } from "../../src/core/names.ts";
import { parseMapping, readEntries, readTable, type ListEntry, type Table } from "../../src/lists/index.ts";
import { crossScriptSimilarity, Preparer, syntheticLists, type SyntheticOptions } from "../../src/linkage/index.ts";

export const SHARED_DIR = process.env.VIGIL_SHARED_DIR ?? fileURLToPath(new URL("../../../shared", import.meta.url));
export const sharedPath = (rel: string): string => `${SHARED_DIR}/${rel}`;
export const hasShared = (rel: string): boolean => existsSync(sharedPath(rel));

export interface Dataset {
  name: string;
  entries: ListEntry[];
  /** The true entity of each entry. */
  truth: string[];
  /** Cells that could not be read and were left blank (corrupted dates in FEBRL, …). */
  blanked: number;
}

type Columns = Record<string, string>;

async function load(files: string[], columns: Columns, truthOf: (raw: Record<string, string>) => string, opts: { calendar?: "gregorian" | "jalali" | "auto" } = {}): Promise<Omit<Dataset, "name">> {
  const entries: ListEntry[] = [];
  const truth: string[] = [];
  let blanked = 0;
  for (const file of files) {
    const table = await readTable(readFileSync(sharedPath(file)), file);
    const mapping = parseMapping({ list_name: file.split("/").pop()!, columns: Object.fromEntries(table.headers.map((h) => [h, columns[h] ?? "ignore"])), calendar: opts.calendar ?? "gregorian", name_order: "given_family", day_month_order: "dmy" });
    const read = readEntries(table, mapping, { skipBad: true, blankBadCells: true });
    blanked += read.blanked.length;
    for (const e of read.entries) {
      entries.push(e);
      truth.push(truthOf(e.raw));
    }
  }
  return { entries, truth, blanked };
}

const FEBRL: Columns = { rec_id: "id", given_name: "given_name", surname: "family_name", street_number: "residence", address_1: "residence", address_2: "residence", suburb: "residence", postcode: "residence", state: "residence", date_of_birth: "birth_date" };
const febrlTruth = (raw: Record<string, string>): string => raw.rec_id!.split("-")[1]!;

/** The linkage benchmarks over shared data, by name. */
export const DATASETS: Record<string, { files: string[]; load: () => Promise<Dataset> }> = {
  febrl1: { files: ["data/linkage/febrl/dataset1.csv"], load: async () => ({ name: "FEBRL 1 (dedupe)", ...(await load(["data/linkage/febrl/dataset1.csv"], FEBRL, febrlTruth)) }) },
  febrl2: { files: ["data/linkage/febrl/dataset2.csv"], load: async () => ({ name: "FEBRL 2 (dedupe)", ...(await load(["data/linkage/febrl/dataset2.csv"], FEBRL, febrlTruth)) }) },
  febrl3: { files: ["data/linkage/febrl/dataset3.csv"], load: async () => ({ name: "FEBRL 3 (dedupe)", ...(await load(["data/linkage/febrl/dataset3.csv"], FEBRL, febrlTruth)) }) },
  febrl4: {
    files: ["data/linkage/febrl/dataset4a.csv", "data/linkage/febrl/dataset4b.csv"],
    load: async () => ({ name: "FEBRL 4a+4b (link)", ...(await load(["data/linkage/febrl/dataset4a.csv", "data/linkage/febrl/dataset4b.csv"], FEBRL, febrlTruth)) }),
  },
  fake1000: {
    files: ["data/linkage/splink/fake_1000.csv"],
    load: async () => ({ name: "Splink fake_1000", ...(await load(["data/linkage/splink/fake_1000.csv"], { unique_id: "id", first_name: "given_name", surname: "family_name", dob: "birth_date", city: "residence" }, (r) => r.cluster!)) }),
  },
  historical50k: {
    files: ["data/linkage/splink/historical_figures_with_errors_50k.csv"],
    load: async () => ({
      name: "historical_figures_with_errors_50k",
      ...(await load(
        ["data/linkage/splink/historical_figures_with_errors_50k.csv"],
        { unique_id: "id", first_name: "given_name", surname: "family_name", dob: "birth_date", birth_place: "birth_place", postcode_fake: "residence", gender: "sex", occupation: "affiliation" },
        (r) => r.cluster!,
      )),
    }),
  },
  restaurant: {
    files: ["data/linkage/dedupe_restaurant/restaurant-nophone-training.csv"],
    load: async () => ({
      name: "restaurant (not people)",
      ...(await load(["data/linkage/dedupe_restaurant/restaurant-nophone-training.csv"], { name: "family_name", address: "residence", city: "birth_place", cuisine: "affiliation" }, (r) => r.unique_id!.replace(/'/g, ""))),
    }),
  },
};

/** SYNTHETIC multi-list data read through the same mapping path; truth is the synthetic person. */
export function syntheticDataset(options: SyntheticOptions = {}): Dataset {
  const lists = syntheticLists(options);
  const entries: ListEntry[] = [];
  const truth: string[] = [];
  let blanked = 0;
  for (const l of lists) {
    const table: Table = { file: `${l.name}.csv`, format: "csv", headers: l.headers, rows: l.rows.map((cells, i) => ({ row: i + 1, line: i + 2, cells })) };
    const read = readEntries(table, parseMapping(l.mapping), { skipBad: true, blankBadCells: true });
    blanked += read.blanked.length;
    const byRow = new Map(read.entries.map((e) => [e.row, e]));
    l.truth.forEach((t, i) => {
      const e = byRow.get(i + 1);
      if (e) {
        entries.push(e);
        truth.push(String(t));
      }
    });
  }
  return { name: `synthetic (${lists.length} lists, ${entries.length} rows)`, entries, truth, blanked };
}

/** Exact-name baseline: rows with the same normalised given and family name are one person. */
export function exactNameClusters(entries: ListEntry[]): string[] {
  return entries.map((e, i) => {
    const g = e.person.given?.[0];
    const f = e.person.family?.[0];
    return g && f ? `${normaliseName(g)}|${normaliseName(f)}` : `#${i}`;
  });
}

export interface NamePair {
  persian: string;
  latin: string;
}

/** The real Persian/Latin name pairs (../shared/data/names): for cross-script retrieval only, never shown as content. */
export function namePairs(): NamePair[] {
  const rows: Record<string, string>[] = parse(readFileSync(sharedPath("data/names/omid1988_victims_names.csv")), { columns: true });
  return rows.map((r) => ({ persian: r.name_farsi!, latin: r.name_latin! }));
}


export interface Retrieval {
  queries: number;
  candidates: number;
  top1: number;
  top5: number;
  baselineTop1: number;
}

/**
 * Cross-script retrieval: for each distinct Persian name (every `step`-th),
 * rank every distinct Latin name by the linkage's cross-script similarity and
 * ask whether its own Latin form comes first (top-1) or in the first five.
 * Ties count against. The baseline ranks by shared skeleton keys (nameKeys).
 */
export function crossScriptRetrieval(pairs: NamePair[], step = 1): Retrieval {
  const prep = new Preparer();
  const latins = [...new Set(pairs.map((p) => p.latin))];
  const latinValues = latins.map((l) => prep.name(l));
  const latinKeys = latins.map((l) => new Set(nameKeys(l)));
  const truth = new Map<string, Set<number>>();
  const latinIndex = new Map(latins.map((l, i) => [l, i]));
  for (const p of pairs) {
    const k = normalisePersian(p.persian);
    (truth.get(k) ?? truth.set(k, new Set()).get(k)!).add(latinIndex.get(p.latin)!);
  }
  const persians = [...truth.keys()];
  let queries = 0;
  let top1 = 0;
  let top5 = 0;
  let baselineTop1 = 0;
  for (let q = 0; q < persians.length; q += step) {
    const pv = prep.name(persians[q]!);
    if (!pv?.pform) continue;
    queries++;
    const want = truth.get(persians[q]!)!;
    const scores = latinValues.map((lv) => (lv?.lform ? crossScriptSimilarity(pv.pform!, lv.lform) : 0));
    const best = Math.max(...[...want].map((i) => scores[i]!));
    // Rank = how many wrong names score at least as high as the best right one.
    let ahead = 0;
    scores.forEach((s, i) => {
      if (!want.has(i) && s >= best) ahead++;
    });
    if (ahead === 0) top1++;
    if (ahead < 5) top5++;
    const keys = new Set(nameKeys(persians[q]!));
    const jacc = latinKeys.map((lk) => {
      let inter = 0;
      for (const k of lk) if (keys.has(k)) inter++;
      return inter / Math.max(1, lk.size + keys.size - inter);
    });
    const bestB = Math.max(...[...want].map((i) => jacc[i]!));
    if (!jacc.some((s, i) => !want.has(i) && s >= bestB)) baselineTop1++;
  }
  return { queries, candidates: latins.length, top1: top1 / queries, top5: top5 / queries, baselineTop1: baselineTop1 / queries };
}
