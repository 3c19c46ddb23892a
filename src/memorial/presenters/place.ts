import { sql } from "kysely";
import type { MemorialDb } from "../schema.ts";
import { byDate, citedSources } from "./person.ts";
import { publicClaims, publicRecord, publicRecords, referencedRecords, type PubClaim, type PubRef } from "./public-data.ts";

/** A place page: where it is, what it contains, what happened there. */
export interface PublicPlace {
  place: PubRef;
  coordinates: PubClaim[];
  descriptions: PubClaim[];
  /** The places it lies in, nearest first. */
  ancestors: PubRef[];
  children: PubRef[];
  /** Events that took place here (by the event's place or an `occurred` claim). */
  events: PubRef[];
  /** Acts against people here (one page), and their number by type. */
  acts: PubClaim[];
  actCount: number;
  byType: { term: string; n: number }[];
  /** Events of destruction of this site (grave sites turned into parking lots…). */
  destruction: PubRef[];
  refs: Map<string, PubRef>;
  sources: string[];
}

export const PLACE_PAGE_SIZE = 200;

export async function presentPlace(db: MemorialDb, id: string, page = 0): Promise<PublicPlace | undefined> {
  const place = await publicRecord(db, id, ["place"]);
  if (!place) return undefined;
  const own = await publicClaims(db, { subjects: [id] });
  const ancestors: PubRef[] = [];
  let parentId = place.parentId ?? own.find((c) => c.property === "located_in" && c.objectId)?.objectId ?? null;
  for (let i = 0; parentId && i < 8 && !ancestors.some((a) => a.id === parentId); i++) {
    const parent = await publicRecord(db, parentId, ["place"]);
    if (!parent) break;
    ancestors.push(parent);
    parentId = parent.parentId;
  }
  const childRows = await db.selectFrom("records").select("id").where("parent_id", "=", id).where("type", "=", "place").where("status", "=", "published").where("confidentiality", "=", "public").execute();
  const locatedIn = await publicClaims(db, { objects: [id], properties: ["located_in"] });
  const children = [...(await publicRecords(db, [...childRows.map((r) => r.id), ...locatedIn.map((c) => c.subjectId)])).values()].filter((r) => r.type === "place");
  const eventRows = await db.selectFrom("records").select("id").where("place_id", "=", id).where("type", "=", "event").where("status", "=", "published").where("confidentiality", "=", "public").execute();
  const occurred = await publicClaims(db, { places: [id], properties: ["occurred"] });
  const events = [...(await publicRecords(db, [...eventRows.map((r) => r.id), ...occurred.map((c) => c.subjectId)])).values()]
    .filter((r) => r.type === "event")
    .sort((a, b) => (a.date?.earliest ?? "9999").localeCompare(b.date?.earliest ?? "9999"));
  const acts = (await publicClaims(db, { places: [id], properties: ["act"], limit: PLACE_PAGE_SIZE, offset: page * PLACE_PAGE_SIZE })).sort(byDate);
  const base = db
    .selectFrom("claims")
    .innerJoin("records as s", "s.id", "claims.subject_id")
    .where("claims.place_id", "=", id)
    .where("claims.property", "=", "act")
    .where("claims.status", "=", "active")
    .where("claims.confidentiality", "=", "public")
    .where("s.status", "=", "published")
    .where("s.confidentiality", "=", "public");
  const count = await base.select(sql<number>`count(*)`.as("n")).executeTakeFirst();
  const byType = await base.select(["claims.term", sql<number>`count(*)`.as("n")]).groupBy("claims.term").orderBy("n", "desc").execute();
  const refs = await referencedRecords(db, [...own, ...acts]);
  for (const r of [...ancestors, ...children, ...events]) refs.set(r.id, r);
  const coordinates = own.filter((c) => c.property === "coordinates" && c.coordinates);
  const descriptions = own.filter((c) => c.property === "description");
  return {
    place,
    coordinates,
    descriptions,
    ancestors,
    children,
    events,
    acts: acts.filter((a) => refs.has(a.subjectId)),
    actCount: Number(count?.n ?? 0),
    byType: byType.map((r) => ({ term: r.term ?? "", n: Number(r.n) })),
    destruction: events.filter((e) => e.kind === "grave_site_destruction"),
    refs,
    sources: citedSources([coordinates, descriptions, acts], refs),
  };
}
