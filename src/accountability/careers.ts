import { authorize } from "../accounts/index.ts";
import type { Ctx } from "../core/context.ts";
import { notFound } from "../core/errors.ts";
import type { Claim, VRecord } from "../records/index.ts";
import { PUBLIC_LENS, staffLens, type Lens } from "./lens.ts";
import { Loader } from "./loader.ts";
import { refOf, type Act, type Career, type Involvement, type Posting, type Ref } from "./model.ts";
import { spanOf } from "./tenure.ts";

/** Refs for a set of record ids, through the loader's lens. */
export async function refs(loader: Loader, ids: Iterable<string>): Promise<Map<string, Ref>> {
  const recs = await loader.recordsById(ids);
  return new Map([...recs].map(([id, r]) => [id, refOf(r, (x, l) => loader.label(x, l))]));
}

/** Posts and memberships of people, oldest first; the post's organisation is resolved. */
export async function loadPostings(loader: Loader, personIds: string[], claims?: Claim[]): Promise<Posting[]> {
  const memberships = claims ?? (await loader.claimsOf(personIds, ["membership"]));
  const objects = await loader.recordsById(memberships.map((c) => c.objectId ?? ""));
  const orgIds = [...objects.values()].map((o) => (o.type === "post" ? o.parentId : o.id)).filter((x): x is string => !!x);
  const orgs = await refs(loader, orgIds);
  const out: Posting[] = [];
  for (const c of memberships) {
    if (c.property !== "membership" || !c.objectId) continue;
    const obj = objects.get(c.objectId);
    if (!obj) continue;
    const post = obj.type === "post" ? refOf(obj, (x, l) => loader.label(x, l)) : null;
    const organisation = obj.type === "post" ? (obj.parentId ? (orgs.get(obj.parentId) ?? null) : null) : (orgs.get(obj.id) ?? null);
    out.push({ claim: c, role: c.term ?? "other", organisation, post, span: spanOf(c.date) });
  }
  return out.sort((a, b) => (a.span.from ?? "9999").localeCompare(b.span.from ?? "9999") || a.claim.id.localeCompare(b.claim.id));
}

/** Acts by claim id, with their victim, event and place (those the lens admits). */
export async function loadActs(loader: Loader, actIds: string[]): Promise<Map<string, Act>> {
  const claims = await loader.claimsById(actIds);
  const related = await refs(loader, [...claims.values()].flatMap((c) => [c.subjectId, c.objectId ?? "", c.placeId ?? ""]).filter(Boolean));
  const out = new Map<string, Act>();
  for (const [id, c] of claims) {
    const victim = related.get(c.subjectId);
    if (c.property !== "act" || !victim) continue;
    out.set(id, { claim: c, victim, event: c.objectId ? (related.get(c.objectId) ?? null) : null, place: c.placeId ? (related.get(c.placeId) ?? null) : null });
  }
  return out;
}

/** Every involvement of these people or units in acts the lens admits, in the order of the acts. */
export async function loadInvolvements(loader: Loader, actorIds: string[]): Promise<Involvement[]> {
  const claims = await loader.claimsOf(actorIds, ["involvement"]);
  return involvementsFrom(loader, claims);
}

async function involvementsFrom(loader: Loader, claims: Claim[], acts?: Map<string, Act>): Promise<Involvement[]> {
  const actMap = acts ?? (await loadActs(loader, claims.map((c) => c.objectId ?? "").filter(Boolean)));
  const actors = await refs(loader, claims.map((c) => c.subjectId));
  const out: Involvement[] = [];
  for (const c of claims) {
    const act = c.objectId ? actMap.get(c.objectId) : undefined;
    const actor = actors.get(c.subjectId);
    if (act && actor) out.push({ claim: c, actor, act });
  }
  return out.sort((a, b) => (a.act.claim.date?.earliest ?? "9999").localeCompare(b.act.claim.date?.earliest ?? "9999") || a.act.victim.label.localeCompare(b.act.victim.label) || a.claim.id.localeCompare(b.claim.id));
}

/** The acts of an event and every person or unit involved in them. */
export async function loadEventInvolvements(loader: Loader, eventId: string): Promise<{ acts: Act[]; involvements: Involvement[] }> {
  const actClaims = await loader.claimsPointingTo([eventId], ["act"]);
  const acts = await loadActs(loader, actClaims.map((c) => c.id));
  const claims = await loader.claimsPointingTo([...acts.keys()], ["involvement"]);
  const involvements = await involvementsFrom(loader, claims, acts);
  const sorted = [...acts.values()].sort((a, b) => (a.claim.date?.earliest ?? "9999").localeCompare(b.claim.date?.earliest ?? "9999") || a.claim.id.localeCompare(b.claim.id));
  return { acts: sorted, involvements };
}

/** Puts postings next to acts: the acts' period, and the postings that began after it. */
export function careerFrom(person: Ref, postings: Posting[], involvements: Involvement[]): Career {
  const days = involvements.flatMap((i) => [i.act.claim.date?.earliest, i.act.claim.date?.latest]).filter((d): d is string => !!d);
  const actsFrom = days.length ? days.reduce((a, b) => (a < b ? a : b)) : null;
  const actsTo = days.length ? days.reduce((a, b) => (a > b ? a : b)) : null;
  const laterPostingIds = actsTo ? postings.filter((p) => p.span.from !== null && p.span.from > actsTo).map((p) => p.claim.id) : [];
  return { person, postings, involvements, actsFrom, actsTo, laterPostingIds };
}

async function careerWith(ctx: Ctx, lens: Lens, personId: string): Promise<Career> {
  const loader = new Loader(ctx, lens);
  const person: VRecord | undefined = await loader.record(personId);
  if (!person || (person.type !== "person" && person.type !== "organisation")) throw notFound("person", personId);
  const ref = refOf(person, (x, l) => loader.label(x, l));
  const postings = person.type === "person" ? await loadPostings(loader, [person.id]) : [];
  const involvements = await loadInvolvements(loader, [person.id]);
  return careerFrom(ref, postings, involvements);
}

/** A person's (or unit's) career and involvement as a staff member may see it. */
export async function careerOf(ctx: Ctx, personId: string): Promise<Career> {
  authorize(ctx.actor, "accountability.read");
  return careerWith(ctx, staffLens(ctx.actor), personId);
}

/**
 * The public career of an official: public claims of published records
 * only. An official with no public post and no public involvement has no
 * public page (not found), so a page never exists only to say nothing.
 */
export async function publicCareerOf(ctx: Ctx, personId: string): Promise<Career> {
  authorize(ctx.actor, "accountability.public");
  const career = await careerWith(ctx, PUBLIC_LENS, personId);
  if (career.person.type !== "person" || (!career.postings.length && !career.involvements.length)) throw notFound("official", personId);
  return career;
}

/**
 * Whether an official has a public career page, without building it: a
 * public post, or else a public involvement in a public act. The memorial
 * asks this on every person's page, so it stops at the first post found.
 */
export async function hasPublicCareer(ctx: Ctx, personId: string): Promise<boolean> {
  authorize(ctx.actor, "accountability.public");
  const loader = new Loader(ctx, PUBLIC_LENS);
  const person = await loader.record(personId);
  if (person?.type !== "person") return false;
  if ((await loadPostings(loader, [person.id])).length) return true;
  return (await loadInvolvements(loader, [person.id])).length > 0;
}

/**
 * Who may have a public career page: subjects of public, active posts and
 * involvements (for the static mirror, which then builds each page through
 * `publicCareerOf` and skips those it refuses).
 */
export async function publicOfficialCandidates(ctx: Ctx): Promise<string[]> {
  authorize(ctx.actor, "accountability.public");
  const rows = await ctx.db
    .selectFrom("claims")
    .innerJoin("records", "records.id", "claims.subject_id")
    .select("claims.subject_id")
    .distinct()
    .where("claims.property", "in", ["membership", "involvement"])
    .where("claims.status", "=", "active")
    .where("claims.confidentiality", "=", "public")
    .where("records.type", "=", "person")
    .where("records.status", "=", "published")
    .where("records.confidentiality", "=", "public")
    .orderBy("claims.subject_id")
    .execute();
  return rows.map((r) => r.subject_id);
}
