import { validation } from "../core/errors.ts";
import { Random } from "./random.ts";
import { captureTables, type CaptureTable } from "./table.ts";

/**
 * Fictional overlapping lists with a known total, for tests, benchmarks and
 * demonstrations: a population of `total` made-up people, each recorded by
 * each list independently with the list's probability (times their stratum's
 * and, optionally, their visibility group's factor). Nobody here exists; the
 * point is that the true total is known, so an estimate can be checked.
 */

export interface SyntheticList {
  name: string;
  /** Probability that a person (of factor 1) is on this list. */
  p: number;
}

export interface SyntheticStratum {
  name: string;
  /** Share of the population in this stratum (shares are normalised). */
  share: number;
  /** Multiplies every list's probability in this stratum (recording differs between provinces). Default 1. */
  factor?: number;
}

export interface SyntheticListsOptions {
  total: number;
  lists: readonly SyntheticList[];
  seed?: number;
  strata?: readonly SyntheticStratum[];
  /** A share of people harder to record: their probabilities are multiplied by `factor` (heterogeneity). */
  hidden?: { share: number; factor: number };
  /** Pairs of lists that never share anybody (a person drawn on both keeps only the first). */
  disjoint?: readonly (readonly [string, string])[];
  /** Share of women (default 0.15). */
  female?: number;
  /** Years of death and their shares (default 1988 only). */
  years?: readonly { year: number; share: number }[];
}

export interface SyntheticPerson {
  /** 1-based number, stable for a seed. */
  index: number;
  lists: string[];
  stratum: string;
  sex: "male" | "female";
  deathYear: number;
  hidden: boolean;
}

export interface SyntheticLists {
  total: number;
  /** Everyone, recorded or not. */
  people: SyntheticPerson[];
  /** The people on at least one list. */
  observed: SyntheticPerson[];
  table: CaptureTable;
  /** One table per stratum (the stratum name as key). */
  byStratum: Map<string, CaptureTable>;
  /** The true number of people per stratum. */
  stratumTotals: Map<string, number>;
}

function pickShare<T extends { share: number }>(rng: Random, items: readonly T[], sum: number): T {
  let u = rng.uniform() * sum;
  for (const it of items) {
    u -= it.share;
    if (u < 0) return it;
  }
  return items[items.length - 1]!;
}

/** Generates fictional lists with a known total. Deterministic for a seed. */
export function syntheticLists(opts: SyntheticListsOptions): SyntheticLists {
  if (!Number.isInteger(opts.total) || opts.total < 1) throw validation("total must be a whole number ≥ 1", { field: "total" });
  if (opts.lists.length < 2) throw validation("at least 2 lists are needed", { field: "lists" });
  for (const l of opts.lists) if (!(l.p >= 0 && l.p <= 1)) throw validation(`list ${l.name}: p must be between 0 and 1`, { field: "lists" });
  const rng = new Random(opts.seed ?? 1);
  const strata = opts.strata?.length ? opts.strata : [{ name: "all", share: 1, factor: 1 }];
  const stratumSum = strata.reduce((s, x) => s + x.share, 0);
  const years = opts.years?.length ? opts.years : [{ year: 1988, share: 1 }];
  const yearSum = years.reduce((s, x) => s + x.share, 0);
  const index = new Map(opts.lists.map((l, j) => [l.name, j] as const));
  const disjoint = (opts.disjoint ?? []).map(([a, b]) => {
    const i = index.get(a);
    const j = index.get(b);
    if (i === undefined || j === undefined) throw validation(`unknown list in disjoint pair ${a}, ${b}`, { field: "disjoint" });
    return [i, j] as const;
  });
  const people: SyntheticPerson[] = [];
  const stratumTotals = new Map<string, number>();
  for (let i = 0; i < opts.total; i++) {
    const stratum = pickShare(rng, strata, stratumSum);
    const hidden = opts.hidden ? rng.uniform() < opts.hidden.share : false;
    const factor = (stratum.factor ?? 1) * (hidden ? opts.hidden!.factor : 1);
    const on = opts.lists.map((l) => rng.uniform() < Math.min(1, l.p * factor));
    for (const [a, b] of disjoint) if (on[a] && on[b]) on[b] = false;
    const sex = rng.uniform() < (opts.female ?? 0.15) ? "female" : "male";
    const deathYear = pickShare(rng, years, yearSum).year;
    people.push({ index: i + 1, lists: opts.lists.filter((_, j) => on[j]).map((l) => l.name), stratum: stratum.name, sex, deathYear, hidden });
    stratumTotals.set(stratum.name, (stratumTotals.get(stratum.name) ?? 0) + 1);
  }
  const observed = people.filter((p) => p.lists.length > 0);
  const names = opts.lists.map((l) => l.name);
  const table = captureTables(names, observed).get(null)!;
  const byStratum = new Map([...captureTables(names, observed.map((p) => ({ lists: p.lists, stratum: p.stratum })), { byStratum: true })].map(([k, t]) => [k ?? "", t] as const));
  return { total: opts.total, people, observed, table, byStratum, stratumTotals };
}
