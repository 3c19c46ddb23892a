import { parseDate, type FuzzyDate } from "../core/dates.ts";

/**
 * When a claim with a date range held: the days it may have held (`from`…`to`)
 * and the days it surely held (`sureFrom`…`sureTo`). A post "1360 – summer
 * 1368" may have started any day of 1360 and ended any day of that summer, so
 * it surely held from the last day of 1360 to the first day of that summer.
 * A single date ("1375") says the post was held at some time then: possible
 * within it, sure only when the date is a day.
 */
export interface Span {
  from: string | null;
  to: string | null;
  sureFrom: string | null;
  sureTo: string | null;
  start: FuzzyDate | null;
  end: FuzzyDate | null;
}

// The separators parseDate reads ranges by (src/core/dates.ts), to find the two ends again.
const RANGE_SEPARATORS = /\s*(?:–|—|\.\.)\s*|\s+(?:-|to|تا)\s+|(?<=\d{4}-\d{2}(?:-\d{2})?)\/(?=\d{4}-)/i;

/** The two ends of a range date, each with its own precision, when its text still says them. */
export function endsOf(d: FuzzyDate): { start: FuzzyDate; end: FuzzyDate } | null {
  if (d.precision !== "range") return null;
  const parts = d.text.split(RANGE_SEPARATORS);
  if (parts.length !== 2 || !parts[0] || !parts[1]) return null;
  try {
    const start = parseDate(parts[0]);
    const end = parseDate(parts[1]);
    if (!start.earliest || !end.latest || start.earliest !== d.earliest || end.latest !== d.latest) return null;
    return { start, end };
  } catch {
    return null;
  }
}

export function spanOf(d: FuzzyDate | null): Span {
  if (!d?.earliest || !d.latest) return { from: null, to: null, sureFrom: null, sureTo: null, start: null, end: null };
  const ends = endsOf(d);
  if (ends) {
    const sureFrom = ends.start.latest;
    const sureTo = ends.end.earliest;
    const sure = sureFrom !== null && sureTo !== null && sureFrom <= sureTo;
    return { from: d.earliest, to: d.latest, sureFrom: sure ? sureFrom : null, sureTo: sure ? sureTo : null, start: ends.start, end: ends.end };
  }
  const day = d.precision === "day";
  return { from: d.earliest, to: d.latest, sureFrom: day ? d.earliest : null, sureTo: day ? d.latest : null, start: d, end: d };
}

/** Whether something with this span held during [a, b]: surely (all of it), possibly (some of it), or not. */
export type Holds = "surely" | "possibly" | "no" | "undated";

export function holdsDuring(span: Span, a: string, b: string): Holds {
  if (span.from === null || span.to === null) return "undated";
  if (span.to < a || span.from > b) return "no";
  if (span.sureFrom !== null && span.sureTo !== null && span.sureFrom <= a && span.sureTo >= b) return "surely";
  return "possibly";
}

/**
 * A tenure from its two ends as a range date, or a reason it cannot be one:
 * a post cannot end before it starts. Either end may be missing (then the
 * other alone dates the claim: held at that time).
 */
export function tenure(start: FuzzyDate | null, end: FuzzyDate | null): FuzzyDate | { problem: string; field: "end" } | null {
  if (!start && !end) return null;
  if (!start) return end;
  if (!end) return start;
  if (!start.earliest || !end.latest) return start.earliest ? start : end;
  if (end.latest < start.earliest) return { problem: `it ends (${end.text}, by ${end.latest}) before it starts (${start.text}, from ${start.earliest})`, field: "end" };
  return { text: `${start.text} – ${end.text}`, calendar: start.calendar, precision: "range", value: `${start.value ?? ""}/${end.value ?? ""}`, earliest: start.earliest, latest: end.latest };
}
