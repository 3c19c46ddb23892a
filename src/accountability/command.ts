import { authorize } from "../accounts/index.ts";
import type { Ctx } from "../core/context.ts";
import { parseDate, type FuzzyDate } from "../core/dates.ts";
import { notFound, VigilError } from "../core/errors.ts";
import type { Claim } from "../records/index.ts";
import { loadPostings, refs } from "./careers.ts";
import { staffLens, type Lens } from "./lens.ts";
import { Loader } from "./loader.ts";
import { rankOf, type CommandChain, type CommandLink, type Posting, type Ref, type Seat } from "./model.ts";
import { holdsDuring, spanOf } from "./tenure.ts";

type Sure = "surely" | "possibly";
const weaker = (...h: Sure[]): Sure => (h.includes("possibly") ? "possibly" : "surely");

/** A parent link of an organisation at the date asked about. */
export interface ParentAt {
  parent: string;
  claim: Claim | null;
  holds: Sure;
}

/**
 * Each organisation's parent during [a, b]: from `parent` claims that may
 * hold then (undated ones may hold at any time), the surest first; an
 * organisation with no parent claims at all falls back on its record's
 * current parent, as "possibly" and with no source.
 */
export function parentsAt(parentClaims: Claim[], currentParent: Map<string, string>, a: string, b: string): Map<string, ParentAt> {
  const bySubject = new Map<string, Claim[]>();
  for (const c of parentClaims) if (c.objectId) bySubject.set(c.subjectId, [...(bySubject.get(c.subjectId) ?? []), c]);
  const out = new Map<string, ParentAt>();
  for (const [org, claims] of bySubject) {
    const candidates = claims
      .map((c) => ({ c, h: holdsDuring(spanOf(c.date), a, b) }))
      .filter((x) => x.h !== "no")
      .map((x): { c: Claim; h: Sure } => ({ c: x.c, h: x.h === "surely" ? "surely" : "possibly" }))
      .sort((x, y) => (x.h === y.h ? x.c.id.localeCompare(y.c.id) : x.h === "surely" ? -1 : 1));
    const best = candidates[0];
    if (best) out.set(org, { parent: best.c.objectId!, claim: best.c, holds: best.h });
  }
  for (const [org, parent] of currentParent) if (!bySubject.has(org)) out.set(org, { parent, claim: null, holds: "possibly" });
  return out;
}

/** Who held which seat during [a, b]: postings that may hold then, in an organisation. */
export function seatsAt(postings: Posting[], a: string, b: string): Seat[] {
  const out: Seat[] = [];
  for (const p of postings) {
    if (!p.organisation) continue;
    const h = holdsDuring(p.span, a, b);
    if (h === "no" || h === "undated") continue;
    out.push({ person: { id: p.claim.subjectId, type: "person", kind: null, label: "", labelFa: "", synthetic: false, date: null }, organisation: p.organisation, post: p.post, role: p.role, rank: rankOf(p.role), holds: h, claim: p.claim });
  }
  return out;
}

const sourcesOf = (claims: (Claim | null)[]): string[] => [...new Set(claims.flatMap((c) => (c ? c.citations.map((s) => s.sourceId) : [])))].sort();

/**
 * Derives "who was above whom" from seats and organisation structure:
 * within an organisation deputies and members answer to its heads (members
 * to deputies when it has no head); the top of an organisation answers to
 * the top of the nearest organisation above it that has anyone seated. Each
 * link carries every claim it rests on and is only as sure as the least
 * sure of them.
 */
export function deriveLinks(seats: Seat[], parents: Map<string, ParentAt>): CommandLink[] {
  const byOrg = new Map<string, Seat[]>();
  for (const s of seats) byOrg.set(s.organisation.id, [...(byOrg.get(s.organisation.id) ?? []), s]);
  const top = (org: string): Seat[] => {
    const list = byOrg.get(org) ?? [];
    const best = Math.min(...list.map((s) => s.rank));
    return list.filter((s) => s.rank === best);
  };
  const links = new Map<string, CommandLink>();
  const add = (sub: Seat, sup: Seat, via: string[], edges: ParentAt[]): void => {
    if (sub.person.id === sup.person.id) return;
    const key = `${sup.person.id}>${sub.person.id}`;
    const link: CommandLink = {
      superior: sup.person.id,
      subordinate: sub.person.id,
      via,
      holds: weaker(sub.holds, sup.holds, ...edges.map((e) => e.holds)),
      basis: [sub.claim.id, sup.claim.id, ...edges.map((e) => e.claim?.id).filter((x): x is string => !!x)],
      sources: sourcesOf([sub.claim, sup.claim, ...edges.map((e) => e.claim)]),
    };
    const prev = links.get(key);
    // Two ways to the same link: keep the surer, then the shorter.
    if (!prev || (prev.holds === "possibly" && link.holds === "surely") || (prev.holds === link.holds && prev.via.length > link.via.length)) links.set(key, link);
  };
  for (const [org, list] of byOrg) {
    const heads = list.filter((s) => s.rank === 0);
    const deputies = list.filter((s) => s.rank === 1);
    for (const s of list) {
      if (s.rank === 1) for (const h of heads) add(s, h, [org], []);
      if (s.rank === 2) for (const h of heads.length ? heads : deputies) add(s, h, [org], []);
    }
    const edges: ParentAt[] = [];
    const via = [org];
    const seen = new Set([org]);
    for (let cur = parents.get(org); cur && !seen.has(cur.parent); cur = parents.get(cur.parent)) {
      seen.add(cur.parent);
      edges.push(cur);
      via.push(cur.parent);
      if (byOrg.has(cur.parent)) {
        for (const sub of top(org)) for (const sup of top(cur.parent)) add(sub, sup, [...via], [...edges]);
        break;
      }
    }
  }
  return [...links.values()].sort((x, y) => x.superior.localeCompare(y.superior) || x.subordinate.localeCompare(y.subordinate));
}

/** The part of the links that concerns a person: everyone above, and those below up to `limit` people. */
export function around(links: CommandLink[], personIds: string[], limit = 200): CommandLink[] {
  const up = new Map<string, CommandLink[]>();
  const down = new Map<string, CommandLink[]>();
  for (const l of links) {
    up.set(l.subordinate, [...(up.get(l.subordinate) ?? []), l]);
    down.set(l.superior, [...(down.get(l.superior) ?? []), l]);
  }
  const keep = new Set<CommandLink>();
  const walk = (start: string[], next: Map<string, CommandLink[]>, end: (l: CommandLink) => string, max: number): void => {
    const seen = new Set(start);
    let frontier = start;
    while (frontier.length && seen.size <= max) {
      const nextFrontier: string[] = [];
      for (const id of frontier)
        for (const l of next.get(id) ?? []) {
          keep.add(l);
          if (!seen.has(end(l))) {
            seen.add(end(l));
            nextFrontier.push(end(l));
          }
        }
      frontier = nextFrontier;
    }
  };
  walk(personIds, up, (l) => l.superior, Number.MAX_SAFE_INTEGER);
  walk(personIds, down, (l) => l.subordinate, limit);
  return links.filter((l) => keep.has(l));
}

function readAt(at: string | FuzzyDate): FuzzyDate {
  const d = typeof at === "string" ? parseDate(at, { field: "at" }) : at;
  if (!d.earliest || !d.latest) throw new VigilError("validation", "a command chain needs a known date", { where: { field: "at" } });
  return d;
}

/** Builds a command chain through a lens (staff pages, dossiers). */
export async function commandChainWith(loader: Loader, focusIds: string | string[], at: string | FuzzyDate): Promise<CommandChain> {
  const ids = typeof focusIds === "string" ? [focusIds] : focusIds;
  const focusId = ids[0] ?? "";
  const date = readAt(at);
  const a = date.earliest!;
  const b = date.latest!;
  const focus = await loader.record(focusId);
  if (!focus || (focus.type !== "person" && focus.type !== "organisation")) throw notFound("person or organisation", focusId);
  const orgRecords = await loader.recordsOfType("organisation");
  const current = new Map(orgRecords.filter((o) => o.parentId).map((o) => [o.id, o.parentId!]));
  const parentClaims = await loader.claimsByProperty("parent");
  const postings = await loadPostings(loader, [], await loader.claimsByProperty("membership"));
  const parents = parentsAt(parentClaims, current, a, b);
  const seats = seatsAt(postings, a, b);
  const all = deriveLinks(seats, parents);
  let focusPeople: string[];
  if (focus.type === "person") focusPeople = ids;
  else {
    // An organisation: everyone seated in it or below it.
    const below = new Set([focus.id]);
    for (let grew = true; grew; ) {
      grew = false;
      for (const [child, p] of parents)
        if (below.has(p.parent) && !below.has(child)) {
          below.add(child);
          grew = true;
        }
    }
    focusPeople = seats.filter((s) => below.has(s.organisation.id)).map((s) => s.person.id);
  }
  const links = around(all, focusPeople);
  const people = new Set([...focusPeople, ...links.flatMap((l) => [l.superior, l.subordinate])]);
  const shownSeats = seats.filter((s) => people.has(s.person.id));
  const personRefs = await refs(loader, people);
  for (const s of shownSeats) s.person = personRefs.get(s.person.id) ?? s.person;
  const claims = new Map<string, Claim>();
  for (const s of shownSeats) claims.set(s.claim.id, s.claim);
  for (const c of parentClaims) claims.set(c.id, c);
  const orgIds = new Set([...shownSeats.map((s) => s.organisation.id), ...links.flatMap((l) => l.via)]);
  const organisations = await refs(loader, orgIds);
  const focusRef: Ref = (await refs(loader, [focus.id])).get(focus.id)!;
  return { at: date, focus: focusRef, seats: shownSeats, links, claims, organisations };
}

/** Who was above whom at a date, around a person or an organisation, as a staff member may see it. */
export async function commandChainAt(ctx: Ctx, focusId: string, at: string | FuzzyDate, lens?: Lens): Promise<CommandChain> {
  authorize(ctx.actor, "accountability.read");
  return commandChainWith(new Loader(ctx, lens ?? staffLens(ctx.actor)), focusId, at);
}
