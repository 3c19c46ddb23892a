import { makeCtx, SYSTEM, type Ctx } from "../../src/core/context.ts";
import { addClaim, createRecord, mergePeople, type CitationInput, type ClaimInput } from "../../src/records/index.ts";
import { createWatch, recordStep } from "../../src/monitor/index.ts";
import { parseDate } from "../../src/core/dates.ts";
import type { Store } from "../../src/store/index.ts";

/**
 * A random memorial with mixed confidentiality: every value that must never
 * reach a public page carries a canary ("CANARY" + a number), and every
 * value that must reach it is listed, so a test can check both ways.
 */
export const CANARY = "CANARY";

export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface Planted {
  /** Ids of records that are not public (drafts, staff, restricted). */
  hiddenIds: string[];
  /** Public people with a public name that their page must show. */
  publicPeople: { id: string; name: string }[];
  /** A merged-away id and its public survivor. */
  merged: { from: string; to: string };
  /** A public event and prison, and a public person executed there during it (public act). */
  event: string;
  prison: string;
  victim: { id: string; name: string };
  canaries: number;
}

const PICK = <T,>(r: () => number, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
const GIVEN = ["Parvin", "Nasser", "Shahla", "Kazem", "Maryam", "Javad", "Simin", "Farhad"];
const FAMILY = ["Rahimi", "Tabrizi", "Karimi", "Nouri", "Soltani", "Amini"];

/** Plants the random memorial; returns what a public page must and must not show. */
export async function plant(store: Store, seed: number, people = 40): Promise<Planted> {
  const r = rng(seed);
  const ctx: Ctx = makeCtx(store, { ...SYSTEM, id: "system:test" });
  let n = 0;
  const canary = (): string => `${CANARY}${++n}X`;
  const hiddenIds: string[] = [];
  const mk = async (input: Parameters<typeof createRecord>[1]): Promise<string> => {
    const rec = await createRecord(ctx, { synthetic: true, ...input }, "test");
    if (input.status !== "published" || input.confidentiality !== "public") hiddenIds.push(rec.id);
    return rec.id;
  };
  const pubSource = await mk({ type: "source", kind: "report", status: "published", confidentiality: "public", label: "Public report", labelFa: "گزارش عمومی", text: `full text ${canary()}`, data: { note: canary(), reliability: "high" } });
  const mediaSource = await mk({ type: "source", kind: "media_file", status: "published", confidentiality: "public", label: "A public photograph", labelFa: "عکس عمومی" });
  const staffSource = await mk({ type: "source", kind: "testimony", status: "published", confidentiality: "staff", label: `Staff source ${canary()}`, labelFa: `منبع ${canary()}` });
  const restrictedSource = await mk({ type: "source", kind: "testimony", status: "published", confidentiality: "restricted", label: `Witness ${canary()}`, labelFa: `شاهد ${canary()}` });
  const draftSource = await mk({ type: "source", kind: "report", status: "draft", confidentiality: "public", label: `Draft source ${canary()}`, labelFa: `پیش‌نویس ${canary()}` });
  const sources = [pubSource, pubSource, mediaSource, staffSource, restrictedSource, draftSource];
  const cite = (): CitationInput[] => {
    const ids = [...new Set([PICK(r, sources), ...(r() < 0.4 ? [PICK(r, sources)] : [])])];
    return ids.map((sourceId) => ({ sourceId, locator: sourceId === pubSource || sourceId === mediaSource ? "p. 4" : `page ${canary()}`, quote: sourceId === pubSource || sourceId === mediaSource ? "a public quote" : `quote ${canary()}` }));
  };
  const conf = (): string => PICK(r, ["public", "public", "public", "staff", "restricted"]);

  const province = await mk({ type: "place", kind: "province", status: "published", confidentiality: "public", label: "Test Province", labelFa: "استان آزمون" });
  const prison = await mk({ type: "place", kind: "prison", status: "published", confidentiality: "public", label: "Test Prison", labelFa: "زندان آزمون", parentId: province, claims: [{ property: "coordinates", value: { lat: 35.7, lon: 51.4 }, confidence: "confirmed", confidentiality: "public", citations: [{ sourceId: pubSource }] }] });
  const secretPlace = await mk({ type: "place", kind: "mass_grave", status: "published", confidentiality: "staff", label: `Grave ${canary()}`, labelFa: `گور ${canary()}`, claims: [{ property: "coordinates", value: { lat: 31.3, lon: 48.6 }, confidence: "confirmed", confidentiality: "public", citations: [{ sourceId: pubSource }] }] });
  const draftPlace = await mk({ type: "place", kind: "cemetery", status: "draft", confidentiality: "public", label: `Cemetery ${canary()}`, labelFa: `گورستان ${canary()}`, parentId: province });
  await addClaim(ctx, prison, { property: "description", value: { text: `restricted detail ${canary()}` }, confidence: "possible", confidentiality: "restricted", citations: [{ sourceId: restrictedSource }] });
  const event = await mk({ type: "event", kind: "mass_execution", status: "published", confidentiality: "public", label: "Test massacre", labelFa: "کشتار آزمون", date: "1988", data: { date_note: "a public note", secret: canary() } });
  const draftEvent = await mk({ type: "event", kind: "execution_wave", status: "draft", confidentiality: "public", label: `Draft event ${canary()}`, labelFa: `رویداد ${canary()}`, parentId: event });
  await addClaim(ctx, draftEvent, { property: "event_relation", term: "part_of", objectId: event, confidence: "confirmed", confidentiality: "public", citations: [{ sourceId: pubSource }] });
  const staffEvent = await mk({ type: "event", kind: "public_statement", status: "published", confidentiality: "staff", label: `Staff event ${canary()}`, labelFa: `رویداد ${canary()}` });
  await addClaim(ctx, event, { property: "description", value: { text: "Thousands were killed." }, confidence: "confirmed", confidentiality: "public", note: `staff note ${canary()}`, citations: cite() });
  await addClaim(ctx, event, { property: "description", value: { text: `staff description ${canary()}` }, confidence: "confirmed", confidentiality: "staff", citations: [{ sourceId: pubSource }] });

  const publicPeople: Planted["publicPeople"] = [];
  const actIds: string[] = [];
  for (let i = 0; i < people; i++) {
    const status = r() < 0.75 ? "published" : "draft";
    const confidentiality = r() < 0.7 ? "public" : PICK(r, ["staff", "restricted"]);
    const visible = status === "published" && confidentiality === "public";
    const name = `${PICK(r, GIVEN)} ${PICK(r, FAMILY)}${visible ? "" : ` ${canary()}`}`;
    const claims: ClaimInput[] = [
      { property: "name", value: { text: name, kind: "full" }, confidence: "confirmed", confidentiality: "public", note: `note ${canary()}`, citations: cite() },
      { property: "name", value: { text: `${canary()} alias`, kind: "alias" }, confidence: "possible", confidentiality: PICK(r, ["staff", "restricted"]), citations: cite() },
      { property: "sex", term: PICK(r, ["male", "female"]), confidence: "confirmed", confidentiality: conf(), citations: cite() },
      { property: "age", value: { age: 16 + Math.floor(r() * 40) }, confidence: "confirmed", confidentiality: conf(), citations: cite() },
      { property: "residence", value: { text: `street ${canary()}` }, confidence: "probable", confidentiality: PICK(r, ["staff", "restricted"]), citations: cite() },
      { property: "description", value: { text: `restricted story ${canary()}` }, confidence: "probable", confidentiality: "restricted", citations: cite() },
      { property: "act", term: PICK(r, ["execution", "death_sentence", "arrest"]), placeId: PICK(r, [prison, prison, secretPlace, draftPlace]), objectId: PICK(r, [event, event, draftEvent, staffEvent]), date: `1367/05/${String(1 + Math.floor(r() * 28)).padStart(2, "0")}`, value: { charges: [PICK(r, ["moharebeh", "baghi"])] }, confidence: "confirmed", confidentiality: conf(), citations: cite() },
    ];
    const id = await mk({ type: "person", status, confidentiality, data: { note: canary() }, claims });
    if (visible) publicPeople.push({ id, name });
    const acts = await store.db.selectFrom("claims").select("id").where("subject_id", "=", id).where("property", "=", "act").execute();
    actIds.push(...acts.map((a) => a.id));
  }
  // An official with involvements in random acts (some of hidden people).
  const official = await mk({ type: "person", status: "published", confidentiality: "public", claims: [{ property: "name", value: { text: "Official Example", kind: "full" }, confidence: "confirmed", confidentiality: "public", citations: [{ sourceId: pubSource }] }] });
  for (const a of actIds.slice(0, 15)) await addClaim(ctx, official, { property: "involvement", term: PICK(r, ["ordered", "sentenced"]), objectId: a, confidence: "probable", confidentiality: conf(), citations: cite() });
  await addClaim(ctx, official, { property: "statement", objectId: event, value: { text: "We are proud of it." }, confidence: "confirmed", confidentiality: "public", citations: [{ sourceId: pubSource }] });
  await addClaim(ctx, official, { property: "statement", objectId: event, value: { text: `private remark ${canary()}` }, confidence: "confirmed", confidentiality: "staff", citations: [{ sourceId: pubSource }] });
  publicPeople.push({ id: official, name: "Official Example" });

  // One public act for sure: the event's and the prison's pages must name this victim.
  const victim = publicPeople[1]!;
  const victimAct = await addClaim(ctx, victim.id, { property: "act", term: "execution", placeId: prison, objectId: event, date: "1367/05/20", value: { victim_status: "dead" }, confidence: "confirmed", confidentiality: "public", citations: [{ sourceId: pubSource }] });
  // The official's public part in it: the official has a public career page.
  await addClaim(ctx, official, { property: "involvement", term: "ordered", objectId: victimAct.id, confidence: "probable", confidentiality: "public", citations: [{ sourceId: pubSource }] });
  // A merge: the merged id must lead to its survivor.
  const a = publicPeople[0]!;
  const b = await mk({ type: "person", status: "published", confidentiality: "public", claims: [{ property: "name", value: { text: "Merged Twin", kind: "full" }, confidence: "confirmed", confidentiality: "public", citations: [{ sourceId: pubSource }] }] });
  await mergePeople(ctx, a.id, b, "same person");
  // The monitoring watchlist follows some people, public and hidden: its names and steps are staff data and must never be shown.
  const everyPerson = await store.db.selectFrom("records").select("id").where("type", "=", "person").where("status", "!=", "merged").orderBy("id").execute();
  for (const p of everyPerson.filter((_, i) => i % 3 === 0)) {
    const w = await createWatch(ctx, { names: [`Watched ${canary()}`], personId: p.id });
    await recordStep(ctx, w.id, { kind: PICK(r, ["sentenced", "sentence_upheld", "transferred_to_solitary"] as const), date: parseDate("2025-07-25"), sources: [{ title: `private call ${canary()}` }], note: `step note ${canary()}` });
  }
  return { hiddenIds, publicPeople, merged: { from: b, to: a.id }, canaries: n, event, prison, victim };
}
