import { seededRandom, PatternTable } from "../linkage/engine.ts";
import { probabilityFromLogOdds } from "../linkage/model.ts";
import { Preparer, personComparisons, type PersonRecord, type PreparedPerson } from "../linkage/person.ts";
import { syntheticLists } from "../linkage/synthetic.ts";
import type { Comparison } from "../linkage/engine.ts";
import { readEntries } from "../lists/entries.ts";
import { parseMapping } from "../lists/mapping.ts";
import modelData from "./data/match-model.json" with { type: "json" };

/**
 * Scores one pair — what an article says about a person against a person
 * record — with the linkage engine's comparisons (src/linkage/person.ts) and
 * fixed Fellegi–Sunter parameters. One pair gives nothing to estimate from, so
 * m and u were measured once on the synthetic victim lists
 * (src/linkage/synthetic.ts), where the truth is known: m is how often each
 * level occurs between two rows of the same made-up person, u how often
 * between two random rows of different people. They are stored in
 * data/match-model.json; `estimateMatchModel` makes them again
 * (`node --import tsx scripts/estimate-match-model.ts`), and a test checks
 * that the stored ones are what it gives.
 */

/** The fields compared, in the order of the model, each with the engine comparison it uses. */
export const MATCH_FIELDS = [
  { field: "given", comparison: "given name" },
  { field: "family", comparison: "family name" },
  { field: "father", comparison: "father's name" },
  { field: "birth", comparison: "birth" },
  /** The act's date: the date of death for an execution, else the date of the record's act of that kind. */
  { field: "actDate", comparison: "death" },
  /** Any place of either side (prison, city, residence, place of birth or death), compared as one set. */
  { field: "place", comparison: "place of death" },
] as const;

export type MatchField = (typeof MATCH_FIELDS)[number]["field"];

export interface MatchModel {
  /** How it was made. */
  estimatedOn: { generator: string; people: number; seed: number; lists: number; rows: number; matchPairs: number; randomPairs: number };
  fields: { field: MatchField; levels: string[]; m: number[]; u: number[] }[];
}

/** The stored parameters. */
export const MATCH_MODEL: MatchModel = modelData as unknown as MatchModel;

/** The engine's comparisons for the model's fields, in order. */
export function matchComparisons(prep: Preparer): Comparison<PreparedPerson>[] {
  const all = personComparisons(prep);
  return MATCH_FIELDS.map(({ comparison }) => all.find((c) => c.name === comparison)!);
}

/** Every place of a record in one list (the model compares places as one set). */
export function withPlacesMerged(r: PersonRecord): PersonRecord {
  const places = [...(r.placeOfDeath ?? []), ...(r.birthPlace ?? []), ...(r.residence ?? [])];
  const { birthPlace: _b, residence: _r, ...rest } = r;
  return { ...rest, placeOfDeath: places };
}

const round = (x: number): number => Number(x.toPrecision(4));

/**
 * Measures m and u on synthetic lists whose truth is known: m from every pair
 * of rows of one person, u from random pairs of rows of different people,
 * each level counted with half a count added (levels never seen stay possible).
 */
export function estimateMatchModel(options: { people?: number; seed?: number; randomPairs?: number } = {}): MatchModel {
  const people = options.people ?? 2000;
  const seed = options.seed ?? 1988;
  const want = options.randomPairs ?? 300_000;
  const lists = syntheticLists({ people, seed });
  const records: PersonRecord[] = [];
  const truth: number[] = [];
  for (const l of lists) {
    const table = { file: `${l.name}.csv`, format: "csv" as const, headers: l.headers, rows: l.rows.map((cells, i) => ({ row: i + 1, line: i + 2, cells })) };
    const read = readEntries(table, parseMapping(l.mapping), { skipBad: true, blankBadCells: true });
    for (const e of read.entries) {
      records.push(withPlacesMerged(e.person));
      truth.push(l.truth[e.row - 1]!);
    }
  }
  const prep = new Preparer();
  const prepared = records.map((r) => prep.prepare(r));
  const comparisons = matchComparisons(prep);
  const levelCounts = comparisons.map((c) => c.levels.length);
  const levelsOf = (a: PreparedPerson, b: PreparedPerson): number[] => comparisons.map((c) => c.compare(a, b));

  const matches = new PatternTable(levelCounts);
  const byPerson = new Map<number, number[]>();
  truth.forEach((t, i) => byPerson.set(t, [...(byPerson.get(t) ?? []), i]));
  let matchPairs = 0;
  for (const rows of byPerson.values()) for (let x = 0; x < rows.length; x++) for (let y = x + 1; y < rows.length; y++) {
    matches.add(levelsOf(prepared[rows[x]!]!, prepared[rows[y]!]!));
    matchPairs++;
  }
  const random = seededRandom(seed);
  const nonMatches = new PatternTable(levelCounts);
  let drawn = 0;
  while (drawn < want) {
    const i = Math.floor(random() * prepared.length);
    const j = Math.floor(random() * prepared.length);
    if (i === j || truth[i] === truth[j]) continue;
    nonMatches.add(levelsOf(prepared[i]!, prepared[j]!));
    drawn++;
  }
  const counts = (table: PatternTable, k: number, n: number): number[] => {
    const out = new Array<number>(n).fill(0);
    table.levels.forEach((lv, p) => {
      if (lv[k]! > 0) out[lv[k]!]! += table.counts[p]!;
    });
    return out;
  };
  const fields = MATCH_FIELDS.map(({ field }, k) => ({ field, levels: [...comparisons[k]!.levels], ...levelParameters(counts(matches, k, levelCounts[k]!), counts(nonMatches, k, levelCounts[k]!)) }));
  // Dates of death in the synthetic lists all fall in 1988, so they cannot say how rare two dates years apart
  // are; the act's date takes the parameters measured on dates of birth, which spread over decades.
  const birth = fields.find((f) => f.field === "birth")!;
  const act = fields.find((f) => f.field === "actDate")!;
  act.m = [...birth.m];
  act.u = [...birth.u];
  return {
    estimatedOn: { generator: "src/linkage/synthetic.ts", people, seed, lists: lists.length, rows: records.length, matchPairs, randomPairs: want },
    fields,
  };
}

/**
 * m and u of each level from counts among matches and non-matches. Every
 * level gets the same small probability added on both sides (half a count of
 * the matches), so a level seen in neither sample weighs nothing rather than
 * whatever the samples' sizes make of it. Then weights are made to rise with
 * the level (levels are ordered from disagreement to agreement): adjacent
 * levels out of order are pooled, as if they were one level, by pool-adjacent-violators.
 */
export function levelParameters(matchCounts: readonly number[], nonMatchCounts: readonly number[]): { m: number[]; u: number[] } {
  const L = matchCounts.length;
  const nm = matchCounts.slice(1).reduce((s, x) => s + x, 0);
  const nu = nonMatchCounts.slice(1).reduce((s, x) => s + x, 0);
  const eps = 0.5 / Math.max(1, nm);
  const m = matchCounts.map((c, l) => (l === 0 ? 0 : (c / Math.max(1, nm) + eps) / (1 + eps * (L - 1))));
  const u = nonMatchCounts.map((c, l) => (l === 0 ? 0 : (c / Math.max(1, nu) + eps) / (1 + eps * (L - 1))));
  // Pool adjacent violators over levels 1..L-1 on log(m/u), weighted by how much probability each block holds.
  const blocks: { from: number; to: number; m: number; u: number }[] = [];
  for (let l = 1; l < L; l++) {
    blocks.push({ from: l, to: l, m: m[l]!, u: u[l]! });
    while (blocks.length > 1) {
      const b = blocks[blocks.length - 1]!;
      const a = blocks[blocks.length - 2]!;
      if (a.m / a.u <= b.m / b.u) break;
      blocks.splice(blocks.length - 2, 2, { from: a.from, to: b.to, m: a.m + b.m, u: a.u + b.u });
    }
  }
  const outM = [0];
  const outU = [0];
  for (const b of blocks) for (let l = b.from; l <= b.to; l++) {
    // Each level keeps its share of u; m follows the block's ratio.
    outU.push(round(u[l]!));
    outM.push(round((u[l]! * b.m) / b.u));
  }
  return { m: outM, u: outU };
}

// A preparer holds a table of name-pair levels (some 18 MB): one is shared by every
// scoring and replaced now and then, so that the names it keeps do not grow without end.
let preparer: Preparer | undefined;
function sharedPreparer(): Preparer {
  if (!preparer || preparer.count > 20_000) preparer = new Preparer();
  return preparer;
}

/** How one field of a pair compared. */
export interface FieldComparison {
  field: MatchField;
  /** The engine's level (0 = nothing to compare on one side or the other) and its label. */
  level: number;
  label: string;
  /** Weight of evidence in bits: log2(m/u); positive for a match. */
  bits: number;
  /** Agrees (≥ 1 bit for), disagrees (≥ 1 bit against), or says little either way. */
  agreement: "agrees" | "disagrees" | "neutral";
}

export interface PairScore {
  probability: number;
  fields: FieldComparison[];
}

/**
 * The match probability of one pair: prior odds times the product of each
 * compared field's m/u (fields missing on either side are left out).
 */
export function scorePair(article: PersonRecord, record: PersonRecord, prior: number, model: MatchModel = MATCH_MODEL): PairScore {
  const prep = sharedPreparer();
  const a = prep.prepare(withPlacesMerged(article));
  const b = prep.prepare(withPlacesMerged(record));
  const comparisons = matchComparisons(prep);
  let logOdds = Math.log(prior / (1 - prior));
  const fields: FieldComparison[] = [];
  comparisons.forEach((c, k) => {
    const level = c.compare(a, b);
    if (level === 0) return;
    const p = model.fields[k]!;
    const w = Math.log(p.m[level]! / p.u[level]!);
    logOdds += w;
    const bits = Math.round((w / Math.LN2) * 100) / 100;
    fields.push({ field: p.field, level, label: c.levels[level] ?? String(level), bits, agreement: bits >= 1 ? "agrees" : bits <= -1 ? "disagrees" : "neutral" });
  });
  return { probability: probabilityFromLogOdds(logOdds), fields };
}
