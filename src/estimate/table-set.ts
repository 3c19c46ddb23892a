import { validation } from "../core/errors.ts";
import type { CaptureTable } from "./table.ts";

/** Capture tables as stored with a run and sent to a worker thread: sparse [pattern, count] pairs per stratum. */
export interface TableSet {
  lists: string[];
  /** `key` is null for an unstratified table. */
  strata: { key: string | null; patterns: [number, number][] }[];
}

export function toTableSet(tables: Map<string | null, CaptureTable>): TableSet {
  const first = [...tables.values()][0];
  if (!first) throw validation("no table to estimate from");
  return {
    lists: [...first.lists],
    strata: [...tables].map(([key, t]) => ({ key, patterns: [...t.counts].flatMap((c, p) => (c > 0 ? [[p, c] as [number, number]] : [])) })),
  };
}

export function fromTableSet(ts: TableSet): Map<string | null, CaptureTable> {
  const size = 1 << ts.lists.length;
  return new Map(
    ts.strata.map((s) => {
      const counts = new Float64Array(size);
      for (const [p, c] of s.patterns) counts[p] = c;
      return [s.key, { lists: [...ts.lists], counts }] as const;
    }),
  );
}
