import { VigilError, type FieldProblem } from "../core/errors.ts";
import type { LinkResult, PairExplanation } from "./link.ts";

/** A list entry named the way people name it: its list and its row id there. */
export interface RecordRef {
  list: string;
  row_id: string;
}

interface DecisionBase {
  id: string;
  /** ISO time the decision was made. */
  at: string;
  by?: string;
  note?: string;
}

/**
 * A reviewer's decision. Decisions are appended, never edited: `undo` names
 * the decision it withdraws, so the history of review stays readable.
 */
export type Decision =
  | (DecisionBase & { action: "accept"; records: RecordRef[] })
  | (DecisionBase & { action: "reject"; records: RecordRef[] })
  | (DecisionBase & { action: "split"; groups: RecordRef[][] })
  | (DecisionBase & { action: "undo"; target: string });

export const refKey = (r: RecordRef): string => `${r.list}\u0000${r.row_id}`;

/** Reads `LIST#ROW_ID` as people type it on a command line (the last # separates). */
export function parseRecordRef(s: string): RecordRef {
  const i = s.lastIndexOf("#");
  if (i <= 0 || i === s.length - 1) throw new VigilError("validation", `${JSON.stringify(s)} is not LIST#ROW_ID`, { where: { field: "records" } });
  return { list: s.slice(0, i), row_id: s.slice(i + 1) };
}

/** A decision not yet recorded: what the reviewer chose, without id and time. */
export type DecisionInput = ({ action: "accept" | "reject"; records: RecordRef[] } | { action: "split"; groups: RecordRef[][] } | { action: "undo"; target: string }) & { note?: string };

/**
 * A decision from command-line words: `accept|reject LIST#ROW …`, `split
 * LIST#ROW,LIST#ROW LIST#ROW` (one group per word), `undo DECISION_ID`.
 */
export function decisionFromArgs(action: string, items: readonly string[], note?: string): DecisionInput {
  const n = note ? { note } : {};
  if (action === "accept" || action === "reject") return { action, records: items.map(parseRecordRef), ...n };
  if (action === "split") return { action, groups: items.map((g) => g.split(",").filter(Boolean).map(parseRecordRef)), ...n };
  if (action === "undo") {
    if (items.length !== 1) throw new VigilError("validation", "undo takes one decision id");
    return { action, target: items[0]!, ...n };
  }
  throw new VigilError("validation", `unknown action ${JSON.stringify(action)}: accept, reject, split or undo`);
}

function parseRef(v: unknown, where: string, problems: FieldProblem[], file?: string): RecordRef | undefined {
  if (typeof v === "object" && v !== null && typeof (v as RecordRef).list === "string" && typeof (v as RecordRef).row_id === "string") {
    return { list: (v as RecordRef).list, row_id: (v as RecordRef).row_id };
  }
  problems.push({ ...(file ? { file } : {}), field: where, message: `${where}: a record is {"list": "...", "row_id": "..."}` });
  return undefined;
}

/** Checks a decisions file's JSON (`{"decisions": [...]}`), reporting every problem at once. */
export function parseDecisions(json: unknown, file?: string): Decision[] {
  const problems: FieldProblem[] = [];
  const list = (json as { decisions?: unknown } | null)?.decisions;
  if (!Array.isArray(list)) throw new VigilError("validation", 'a decisions file is {"decisions": [...]}', file ? { where: { file } } : {});
  const out: Decision[] = [];
  const ids = new Set<string>();
  list.forEach((d: unknown, i) => {
    const w = `decisions[${i}]`;
    const o = d as Record<string, unknown> | null;
    if (typeof o !== "object" || o === null || typeof o.id !== "string" || typeof o.at !== "string") {
      problems.push({ ...(file ? { file } : {}), field: w, message: `${w}: needs an id and a time (at)` });
      return;
    }
    if (ids.has(o.id)) problems.push({ ...(file ? { file } : {}), field: w, message: `${w}: id ${o.id} is used twice` });
    ids.add(o.id);
    const base: DecisionBase = { id: o.id, at: o.at, ...(typeof o.by === "string" ? { by: o.by } : {}), ...(typeof o.note === "string" ? { note: o.note } : {}) };
    const refs = (v: unknown, where: string): RecordRef[] | undefined => {
      if (!Array.isArray(v) || v.length < 2) {
        problems.push({ ...(file ? { file } : {}), field: where, message: `${where}: needs at least two records` });
        return undefined;
      }
      const rs = v.map((x, j) => parseRef(x, `${where}[${j}]`, problems, file));
      return rs.every(Boolean) ? (rs as RecordRef[]) : undefined;
    };
    switch (o.action) {
      case "accept":
      case "reject": {
        const records = refs(o.records, `${w}.records`);
        if (records) out.push({ ...base, action: o.action, records });
        break;
      }
      case "split": {
        if (!Array.isArray(o.groups) || o.groups.length < 2) {
          problems.push({ ...(file ? { file } : {}), field: w, message: `${w}: a split needs at least two groups` });
          break;
        }
        const groups = o.groups.map((g: unknown, j) => (Array.isArray(g) ? g.map((x, k) => parseRef(x, `${w}.groups[${j}][${k}]`, problems, file)) : []));
        if (groups.some((g) => g.length === 0)) problems.push({ ...(file ? { file } : {}), field: w, message: `${w}: every group needs a record` });
        else if (groups.every((g) => g.every(Boolean))) out.push({ ...base, action: "split", groups: groups as RecordRef[][] });
        break;
      }
      case "undo":
        if (typeof o.target !== "string") problems.push({ ...(file ? { file } : {}), field: w, message: `${w}: undo needs the target decision's id` });
        else out.push({ ...base, action: "undo", target: o.target });
        break;
      default:
        problems.push({ ...(file ? { file } : {}), field: w, message: `${w}: action must be accept, reject, split or undo` });
    }
  });
  if (problems.length > 0) throw new VigilError("validation", problems.length === 1 ? problems[0]!.message : `the decisions file has ${problems.length} problems`, { where: problems[0]!, problems });
  return out;
}

export interface ResolvedDecisions {
  mustLink: [number, number][];
  cannotLink: [number, number][];
  /** Records named by a decision but not in the lists being linked. */
  unknown: RecordRef[];
  /** Rejections that earlier acceptances made impossible, described for the reviewer. */
  conflicts: string[];
}

/**
 * Turns decisions into constraints on record indices. Later decisions about
 * the same pair override earlier ones; undone decisions do not count.
 */
export function resolveDecisions(decisions: readonly Decision[], indexOf: (ref: RecordRef) => number | undefined): ResolvedDecisions {
  const undone = new Set(decisions.filter((d) => d.action === "undo").map((d) => (d as { target: string }).target));
  const state = new Map<string, { a: number; b: number; link: boolean }>();
  const unknown: RecordRef[] = [];
  const idx = (r: RecordRef): number | undefined => {
    const i = indexOf(r);
    if (i === undefined && !unknown.some((u) => refKey(u) === refKey(r))) unknown.push(r);
    return i;
  };
  const set = (a: number | undefined, b: number | undefined, link: boolean): void => {
    if (a === undefined || b === undefined || a === b) return;
    const [x, y] = a < b ? [a, b] : [b, a];
    state.set(`${x},${y}`, { a: x, b: y, link });
  };
  for (const d of decisions) {
    if (undone.has(d.id)) continue;
    if (d.action === "accept") {
      const is = d.records.map(idx);
      for (let i = 1; i < is.length; i++) set(is[0], is[i], true);
    } else if (d.action === "reject") {
      const is = d.records.map(idx);
      for (let i = 0; i < is.length; i++) for (let j = i + 1; j < is.length; j++) set(is[i], is[j], false);
    } else if (d.action === "split") {
      const groups = d.groups.map((g) => g.map(idx));
      for (const g of groups) for (let i = 1; i < g.length; i++) set(g[0], g[i], true);
      for (let x = 0; x < groups.length; x++) for (let y = x + 1; y < groups.length; y++) for (const a of groups[x]!) for (const b of groups[y]!) set(a, b, false);
    }
  }
  const mustLink: [number, number][] = [];
  const cannotLink: [number, number][] = [];
  for (const s of state.values()) (s.link ? mustLink : cannotLink).push([s.a, s.b]);
  // Acceptances chain (A=B, B=C ⇒ A=C); a rejection inside such a chain cannot hold.
  const parent = new Map<number, number>();
  const find = (x: number): number => {
    while (parent.has(x) && parent.get(x) !== x) x = parent.get(x)!;
    return x;
  };
  for (const [a, b] of mustLink) {
    const ra = find(a);
    const rb = find(b);
    if (ra !== rb) parent.set(Math.max(ra, rb), Math.min(ra, rb));
  }
  const conflicts: string[] = [];
  const kept = cannotLink.filter(([a, b]) => {
    if (find(a) !== find(b)) return true;
    conflicts.push(`records ${a} and ${b} were rejected as a pair but acceptances join them`);
    return false;
  });
  return { mustLink, cannotLink: kept, unknown, conflicts };
}

export type ReviewItem =
  | { kind: "pair"; a: number; b: number; probability: number; reason: string; explanation: PairExplanation }
  | { kind: "cluster"; members: number[]; reason: string; weakest: { a: number; b: number; probability: number } };

/**
 * The review queue: pairs whose probability is uncertain (between `low` and
 * `high`), pairs the clustering overruled (a strong pair split apart, a weak
 * pair kept together), and components that average linkage split. Pairs or
 * clusters a reviewer has already decided on are left out. Most uncertain first.
 */
export function buildReviewQueue(
  result: LinkResult,
  options: { low?: number; high?: number; limit?: number; decided?: ReadonlySet<string> } = {},
): ReviewItem[] {
  const low = options.low ?? 0.2;
  const high = options.high ?? 0.9;
  const limit = options.limit ?? 1000;
  const decided = options.decided ?? new Set<string>();
  const label = result.clustering.cluster;
  const items: (ReviewItem & { order: number })[] = [];
  for (const e of result.pairs) {
    const key = `${Math.min(e.a, e.b)},${Math.max(e.a, e.b)}`;
    if (decided.has(key)) continue;
    const together = label[e.a] === label[e.b];
    let reason: string | undefined;
    if (e.p >= low && e.p < high) reason = "uncertain match probability";
    else if (e.p >= high && !together) reason = "a likely match that the clustering kept apart";
    if (!reason) continue;
    items.push({ kind: "pair", a: e.a, b: e.b, probability: e.p, reason, explanation: result.explain(e.a, e.b), order: Math.abs(e.p - 0.5) });
  }
  for (const members of result.clustering.splitComponents) {
    if (members.every((m) => decided.has(`cluster:${m}`))) continue;
    let weakest = { a: members[0]!, b: members[1]!, probability: 1 };
    for (let i = 0; i < members.length && i < 60; i++)
      for (let j = i + 1; j < members.length && j < 60; j++) {
        const p = result.explain(members[i]!, members[j]!).probability;
        if (p < weakest.probability) weakest = { a: members[i]!, b: members[j]!, probability: p };
      }
    items.push({ kind: "cluster", members, reason: "records linked in a chain that the clustering split into several people", weakest, order: 0 });
  }
  items.sort((x, y) => x.order - y.order);
  return items.slice(0, limit).map(({ order: _order, ...item }) => item);
}
