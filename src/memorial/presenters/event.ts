import { sql } from "kysely";
import type { MemorialDb } from "../schema.ts";
import { byDate, citedSources } from "./person.ts";
import { publicClaims, publicRecord, publicRecords, referencedRecords, type PubClaim, type PubRef } from "./public-data.ts";

/** An event page: what it was, where and when, its timeline of acts and related events, who spoke of it. */
export interface PublicEvent {
  event: PubRef;
  descriptions: PubClaim[];
  occurred: PubClaim[];
  /** Events this one relates to, and events that relate to it (part of, precedes, consequence of). */
  relations: { claim: PubClaim; other: PubRef; direction: "out" | "in" }[];
  /** Acts against victims in this event (one page of them), in date order. */
  acts: PubClaim[];
  actCount: number;
  /** Acts per type and per month, over all of them. */
  byType: { term: string; n: number }[];
  byMonth: { month: string; n: number }[];
  statements: PubClaim[];
  organisers: PubClaim[];
  refs: Map<string, PubRef>;
  sources: string[];
}

export const EVENT_PAGE_SIZE = 200;

const publicActs = (db: MemorialDb, id: string) =>
  db
    .selectFrom("claims")
    .innerJoin("records as s", "s.id", "claims.subject_id")
    .where("claims.object_id", "=", id)
    .where("claims.property", "=", "act")
    .where("claims.status", "=", "active")
    .where("claims.confidentiality", "=", "public")
    .where("s.status", "=", "published")
    .where("s.confidentiality", "=", "public");

export async function presentEvent(db: MemorialDb, id: string, page = 0): Promise<PublicEvent | undefined> {
  const event = await publicRecord(db, id, ["event"]);
  if (!event) return undefined;
  const own = await publicClaims(db, { subjects: [id] });
  const incoming = await publicClaims(db, { objects: [id], properties: ["statement", "organiser", "event_relation"] });
  const acts = await publicClaims(db, { objects: [id], properties: ["act"], limit: EVENT_PAGE_SIZE, offset: page * EVENT_PAGE_SIZE });
  const countRow = await publicActs(db, id).select(sql<number>`count(*)`.as("n")).executeTakeFirst();
  const byType = await publicActs(db, id).select(["claims.term", sql<number>`count(*)`.as("n")]).groupBy("claims.term").orderBy("n", "desc").execute();
  const month = sql<string>`substr(claims.date_earliest, 1, 7)`;
  const byMonth = await publicActs(db, id).where("claims.date_precision", "in", ["day", "month"]).select([month.as("month"), sql<number>`count(*)`.as("n")]).groupBy(month).orderBy(month).execute();
  const refs = await referencedRecords(db, [...own, ...incoming, ...acts]);
  const relations: PublicEvent["relations"] = [];
  for (const c of own) if (c.property === "event_relation" && c.objectId && refs.has(c.objectId)) relations.push({ claim: c, other: refs.get(c.objectId)!, direction: "out" });
  for (const c of incoming) if (c.property === "event_relation" && refs.has(c.subjectId)) relations.push({ claim: c, other: refs.get(c.subjectId)!, direction: "in" });
  relations.sort((a, b) => (a.other.date?.earliest ?? "9999").localeCompare(b.other.date?.earliest ?? "9999"));
  // Sub-events and parents by the records' own parent link too.
  const children = await db.selectFrom("records").select("id").where("parent_id", "=", id).where("type", "=", "event").where("status", "=", "published").where("confidentiality", "=", "public").execute();
  const extra = await publicRecords(db, [...children.map((c) => c.id), ...(event.parentId ? [event.parentId] : [])]);
  const descriptions = own.filter((c) => c.property === "description");
  const occurred = own.filter((c) => c.property === "occurred").sort(byDate);
  const statements = incoming.filter((c) => c.property === "statement" && refs.has(c.subjectId)).sort(byDate);
  const organisers = incoming.filter((c) => c.property === "organiser" && refs.has(c.subjectId));
  const shownActs = acts.filter((a) => refs.has(a.subjectId)).sort(byDate);
  for (const r of extra.values()) refs.set(r.id, r);
  return {
    event,
    descriptions,
    occurred,
    relations,
    acts: shownActs,
    actCount: Number(countRow?.n ?? 0),
    byType: byType.map((r) => ({ term: r.term ?? "", n: Number(r.n) })),
    byMonth: byMonth.map((r) => ({ month: r.month, n: Number(r.n) })),
    statements,
    organisers,
    refs,
    sources: citedSources([descriptions, occurred, relations.map((r) => r.claim), statements, organisers, shownActs], refs),
  };
}
