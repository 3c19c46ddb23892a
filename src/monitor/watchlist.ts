import { validateFuzzyDate, type FuzzyDate } from "../core/dates.ts";
import { VigilError, Problems } from "../core/errors.ts";
import { nameKeys, normaliseName } from "../core/names.ts";
import type { Entity } from "./extract.ts";
import { normaliseMapped, originalSpan } from "./normalise.ts";

/**
 * The watchlist of prisoners at risk: for each person a timeline of steps
 * (arrested, sentenced, sentence upheld, …), each with its date as the
 * sources give it and at least one source. The current status is derived
 * from the timeline, never typed in; a change of status is what alerts go out on.
 */
export const WATCH_STEP_KINDS = [
  "arrested",
  "sentenced",
  "sentence_upheld",
  "retrial_rejected",
  "transferred_to_solitary",
  "transferred_to_execution_prison",
  "executed",
  "commuted",
  "released",
  "note",
] as const;
export type WatchStepKind = (typeof WATCH_STEP_KINDS)[number];
export type WatchStatus = Exclude<WatchStepKind, "note">;

/** Where a step is reported: a web page, an organisation's report, a monitored item or a record. */
export interface WatchSourceRef {
  url?: string;
  title?: string;
  org?: string;
  itemId?: string;
  recordId?: string;
}

export interface WatchStep {
  id: string;
  kind: WatchStepKind;
  date: FuzzyDate;
  sources: WatchSourceRef[];
  note?: string;
  recordedAt: string;
  recordedBy: string;
}

export interface Watch {
  id: string;
  /** The person's record, when there is one. */
  personId?: string;
  /** Names as sources write them, in any script: matched against monitored items. */
  names: string[];
  province?: string;
  steps: WatchStep[];
}

export interface StatusChange {
  watchId: string;
  names: string[];
  province?: string;
  from?: WatchStatus;
  to: WatchStatus;
  step: WatchStep;
  /** Set when the step contradicts the timeline (a step after an execution). */
  conflict?: string;
}

/** How urgent a status is, for ordering the watchlist and wording alerts. */
export function riskLevel(status: WatchStatus | undefined): "imminent" | "high" | "elevated" | "ended" | "unknown" {
  switch (status) {
    case "sentence_upheld":
    case "retrial_rejected":
    case "transferred_to_solitary":
    case "transferred_to_execution_prison":
      return "imminent";
    case "sentenced":
      return "high";
    case "arrested":
      return "elevated";
    case "executed":
    case "commuted":
    case "released":
      return "ended";
    case undefined:
      return "unknown";
  }
}

// Steps order by the earliest day they can be; a year-only date sorts by its first day. Ties by when they were recorded.
const order = (a: WatchStep, b: WatchStep): number => (a.date.earliest ?? "9999").localeCompare(b.date.earliest ?? "9999") || a.recordedAt.localeCompare(b.recordedAt);

/** The current status: the latest status step, except that nothing after an execution replaces it. */
export function currentStatus(steps: readonly WatchStep[]): { status?: WatchStatus; step?: WatchStep } {
  const sorted = steps.filter((s) => s.kind !== "note").sort(order);
  const executed = sorted.find((s) => s.kind === "executed");
  const last = executed ?? sorted[sorted.length - 1];
  return last ? { status: last.kind as WatchStatus, step: last } : {};
}

/** Checks a step arriving from a form or an import: a known kind, a readable date, at least one source. */
export function validateStep(input: { kind: string; date: FuzzyDate; sources: WatchSourceRef[]; note?: string }): void {
  const p = new Problems();
  if (!(WATCH_STEP_KINDS as readonly string[]).includes(input.kind)) p.add("kind", `unknown step ${JSON.stringify(input.kind)} (one of ${WATCH_STEP_KINDS.join(", ")})`);
  try {
    const d = validateFuzzyDate(input.date, "date");
    if (!d.earliest) p.add("date", "a step needs a date, even a year");
  } catch (err) {
    p.add("date", err instanceof VigilError ? err.message : String(err));
  }
  if (!Array.isArray(input.sources) || input.sources.length === 0) p.add("sources", "every step needs at least one source");
  else input.sources.forEach((s, i) => {
    if (!s.url && !s.title && !s.org && !s.itemId && !s.recordId) p.add("sources", `source ${i + 1} says nothing about where the step is reported`);
    if (s.url && !/^https?:\/\//i.test(s.url)) p.add("sources", `source ${i + 1}: only http(s) links`);
  });
  p.throwIfAny("the step has errors");
}

/**
 * Adds a step to a watch's timeline. Returns the new watch and, when the
 * current status changes, the change to alert on. A step that contradicts
 * an execution is kept (sources may disagree; nothing is overwritten) and
 * reported as a conflict, without changing the status.
 */
export function addStep(watch: Watch, step: WatchStep): { watch: Watch; change?: StatusChange } {
  validateStep(step);
  const before = currentStatus(watch.steps);
  const steps = [...watch.steps, step].sort(order);
  const next: Watch = { ...watch, steps };
  if (step.kind === "note") return { watch: next };
  const after = currentStatus(steps);
  const base = { watchId: watch.id, names: watch.names, ...(watch.province ? { province: watch.province } : {}) };
  if (before.status === "executed" && step.kind !== "executed") {
    return { watch: next, change: { ...base, from: "executed", to: "executed", step, conflict: `a ${step.kind.replace(/_/g, " ")} step was recorded for someone reported executed; check the sources` } };
  }
  // A step that repeats the status, or fills in history before the latest step, changes nothing to alert on.
  if (after.status === before.status) return { watch: next };
  return { watch: next, change: { ...base, ...(before.status ? { from: before.status } : {}), to: after.status!, step: after.step! } };
}

/** A watched person named in a monitored item. */
export interface WatchHit {
  watchId: string;
  name: string;
  field: "title" | "text";
  start: number;
  end: number;
  text: string;
  via: "name" | "name keys";
}

/**
 * Finds watched people named in an item: each watched name (two words or
 * more) as written after normalisation, and person entities whose name keys
 * (spelling- and script-insensitive) cover a watched name's, so that
 * "Behrouz Ehsani" is found in a Persian item that writes بهروز احسانی.
 */
export function findWatched(watches: readonly Watch[], item: { title?: string; text: string; entities?: readonly Entity[] }): WatchHit[] {
  const hits: WatchHit[] = [];
  const fields: ["title" | "text", string][] = item.title ? [["title", item.title], ["text", item.text]] : [["text", item.text]];
  const mapped = fields.map(([f, t]) => [f, t, normaliseMapped(t)] as const);
  for (const w of watches) {
    const found = new Set<string>();
    for (const name of w.names) {
      const n = normaliseName(name);
      if (n.split(" ").length < 2) continue; // one word alone names too many people
      for (const [field, text, m] of mapped) {
        let i = m.text.indexOf(n);
        while (i >= 0) {
          const before = i === 0 ? " " : m.text[i - 1]!;
          const after = m.text[i + n.length] ?? " ";
          if (!/[\p{L}\p{N}]/u.test(before) && !/[\p{L}\p{N}]/u.test(after)) {
            const [s, e] = originalSpan(m, i, i + n.length);
            const k = `${field}:${s}`;
            if (!found.has(k)) {
              found.add(k);
              hits.push({ watchId: w.id, name, field, start: s, end: e, text: text.slice(s, e), via: "name" });
            }
          }
          i = m.text.indexOf(n, i + 1);
        }
      }
      const wanted = nameKeys(name);
      if (wanted.length < 2) continue;
      for (const e of item.entities ?? []) {
        if (e.type !== "person" || found.has(`${e.field}:${e.start}`)) continue;
        const have = new Set(nameKeys(e.text));
        if (wanted.every((k) => have.has(k))) {
          found.add(`${e.field}:${e.start}`);
          hits.push({ watchId: w.id, name, field: e.field, start: e.start, end: e.end, text: e.text, via: "name keys" });
        }
      }
    }
  }
  return hits;
}
