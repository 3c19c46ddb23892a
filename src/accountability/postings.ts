import { authorize } from "../accounts/index.ts";
import { withTransaction, type Ctx } from "../core/context.ts";
import { parseDate, validateFuzzyDate, type FuzzyDate } from "../core/dates.ts";
import { Problems, VigilError } from "../core/errors.ts";
import { addClaim, getRecord, updateRecord, type CitationInput, type Claim } from "../records/index.ts";
import { tenure } from "./tenure.ts";

/** What is said about a post held or an organisation's place, with its sources. */
interface Sourced {
  confidence: string;
  confidentiality: string;
  citations: CitationInput[];
  note?: string | null;
  reason?: string | null;
}

export interface PostingInput extends Sourced {
  personId: string;
  /** A term of the post_role vocabulary. */
  role: string;
  /** An organisation or a Post record. */
  objectId: string;
  /** First date the sources place the person in the post (as written: Jalali, Gregorian, approximate…). */
  start?: string | FuzzyDate | null;
  /** Last date the sources place the person in the post. */
  end?: string | FuzzyDate | null;
  /** Still held: the post runs to today (the last date we can vouch for), unless an end is given. */
  ongoing?: boolean;
  /** The post's title as the source gives it. */
  title?: string | null;
}

export interface ParentInput extends Sourced {
  organisationId: string;
  parentId: string;
  start?: string | FuzzyDate | null;
  end?: string | FuzzyDate | null;
  /** It is the organisation's parent now: sets the record's current parent, and the link runs to today unless an end is given (default: when no end is given). */
  current?: boolean;
}

function readEnd(value: string | FuzzyDate | null | undefined, field: string, p: Problems): FuzzyDate | null {
  if (value === null || value === undefined || value === "") return null;
  try {
    const d = typeof value === "string" ? parseDate(value, { field }) : validateFuzzyDate(value, field);
    return d.precision === "unknown" ? null : d;
  } catch (e) {
    p.add(field, e instanceof Error ? e.message : String(e));
    return null;
  }
}

/**
 * Today as a day date: what an open-ended link is known to run to. Sources
 * cannot vouch for the future, so a tenure still running ends, for now, on
 * the day it was recorded (as "last cited" dates do in the research handbooks).
 */
function today(ctx: Ctx): FuzzyDate {
  const iso = ctx.now().toISOString().slice(0, 10);
  return { text: iso, calendar: "gregorian", precision: "day", value: iso, earliest: iso, latest: iso };
}

function span(input: { start?: string | FuzzyDate | null; end?: string | FuzzyDate | null }, what: string, openEnd?: FuzzyDate): FuzzyDate | null {
  const p = new Problems();
  const start = readEnd(input.start, "start", p);
  const end = readEnd(input.end, "end", p) ?? (start ? (openEnd ?? null) : null);
  p.throwIfAny(`the dates of the ${what} have errors`);
  const t = tenure(start, end);
  if (t && "problem" in t) throw new VigilError("validation", `the ${what} cannot be recorded: ${t.problem}`, { where: { field: t.field } });
  return t;
}

/**
 * Records that a person held a post or was a member of an organisation from
 * one date to another, as a sourced membership claim. A post that ends
 * before it starts is refused with both dates named; nothing is written.
 */
export async function recordPosting(ctx: Ctx, input: PostingInput): Promise<Claim> {
  authorize(ctx.actor, "claim.create");
  const date = span(input, "post", input.ongoing ? today(ctx) : undefined);
  return addClaim(
    ctx,
    input.personId,
    {
      property: "membership",
      term: input.role,
      objectId: input.objectId,
      date,
      value: input.title ? { text: input.title } : {},
      confidence: input.confidence,
      confidentiality: input.confidentiality,
      note: input.note ?? null,
      citations: input.citations,
    },
    input.reason ?? null,
  );
}

/**
 * Records that an organisation was part of another over a time, as a sourced
 * parent claim, and (when current) sets the record's current parent, in one
 * transaction. A parent that would make a cycle at a time both links hold is
 * refused by the records core with the cycle named; nothing is written.
 */
export async function recordOrganisationParent(ctx: Ctx, input: ParentInput): Promise<Claim> {
  authorize(ctx.actor, "claim.create");
  const current = input.current ?? !input.end;
  const date = span(input, "organisation's parent", current ? today(ctx) : undefined);
  if (current) authorize(ctx.actor, "record.update");
  return withTransaction(ctx, async (tx) => {
    const claim = await addClaim(
      tx,
      input.organisationId,
      { property: "parent", objectId: input.parentId, date, confidence: input.confidence, confidentiality: input.confidentiality, note: input.note ?? null, citations: input.citations },
      input.reason ?? null,
    );
    if (current) {
      const org = (await getRecord(tx, input.organisationId)).record;
      if (org.parentId !== input.parentId) await updateRecord(tx, org.id, org.version, { parentId: input.parentId }, input.reason ?? "current parent from a parent claim");
    }
    return claim;
  });
}
