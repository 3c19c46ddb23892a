import { authorize, can } from "../accounts/index.ts";
import { audit, withTransaction, type Ctx } from "../core/context.ts";
import { parseDate, type FuzzyDate } from "../core/dates.ts";
import { Problems, VigilError, type FieldProblem } from "../core/errors.ts";
import { detectScript, nameKeys, normaliseName } from "../core/names.ts";
import { addClaim, createRecord, getRecord, normaliseClaim, relatedLabels, searchRecords, termChecker, type ClaimInput, type JsonObject } from "../records/index.ts";
import { requestArticleCapture } from "./article-capture.ts";
import { factsNear, suggestMatches, type MatchSuggestion } from "./suggest.ts";
import type { Entity } from "./extract.ts";
import type { Label } from "./lexicon.ts";
import { monitorRuntime } from "./runtime.ts";
import { getTriageItem, setItemStatus, type TriageDecision, type TriageItem } from "./sources.ts";
import type { MonitorTables } from "./schema.ts";

/**
 * Triage: a member of staff reads a labelled item, then either confirms it —
 * the article becomes a Source record and the people it reports become
 * person records with sourced name and act claims, all in one transaction,
 * with a vault capture of the article requested — or dismisses it with a
 * reason. The form starts from what extraction found; every field can be
 * changed before it is sent.
 */

export interface ConfirmSourceInput {
  /** Title in the article's words (English or any Latin-script language). */
  title: string;
  /** Title in Persian. */
  titleFa: string;
  url: string;
  /** Language of the article (en, fa, ar, ckb, …). */
  lang: string;
  /** Publication date as written (Jalali or Gregorian); may be empty. */
  published: string;
  confidentiality: string;
  /** The source's general reliability (source_reliability vocabulary); may be empty. */
  reliability: string;
}

export interface ConfirmPersonInput {
  /** "new" for a new person record, or the id of the existing person the article is about. */
  match: string;
  kind: "individual" | "group";
  nameEn: string;
  nameFa: string;
  /** For a group: how many people. */
  count: number | null;
  /** act_type term of the act claim (execution, death_sentence, arrest, …); empty for no act. */
  actType: string;
  /** Date of the act as written (Jalali or Gregorian); may be empty. */
  date: string;
  /** "" for none, "new" to make a place record from `newPlaceName`, or a place record id. */
  place: string;
  newPlaceName: string;
  /** place_type term of a new place (prison, city, province). */
  newPlaceKind: string;
  /** charge terms. */
  charges: string[];
  /** victim_status term; may be empty. */
  victimStatus: string;
  /** The article's sentence that says it, kept with the citation. */
  quote: string;
  confidence: string;
  confidentiality: string;
}

export interface ConfirmInput {
  source: ConfirmSourceInput;
  people: ConfirmPersonInput[];
  /** Kept in the history of every record made. */
  note?: string;
}

/** A person of the draft with what the form shows beside it (not sent back). */
export interface DraftPerson extends ConfirmPersonInput {
  /** Whether the form ticks it to begin with. */
  include: boolean;
  /** Where it was found, for highlighting. */
  mentions: Pick<Entity, "field" | "start" | "end" | "text">[];
  /** Father's name and age the article gives by the name, for suggesting matches (not recorded by confirming). */
  father?: string;
  age?: number;
}

export interface ConfirmDraft {
  source: ConfirmSourceInput;
  people: DraftPerson[];
}

/** Charges in the monitor's gazetteer → terms of the records' charge vocabulary (others stay in the act's text). */
const CHARGE_TERMS: Record<string, string> = {
  moharebeh: "moharebeh",
  baghi: "baghi",
  "efsad-fel-arz": "efsad_fel_arz",
  espionage: "espionage",
  "pmoi-membership": "membership_opposition",
  "drug-offences": "drug_offence",
  "murder-qisas": "murder",
  "national-security": "acting_against_national_security",
  propaganda: "propaganda_against_state",
};

/** What the article reports, most serious first: the act a confirmed item records. */
function actFor(item: Pick<TriageItem, "labels" | "reasons">): { actType: string; victimStatus: string } {
  const has = (l: Label): boolean => item.labels.includes(l);
  if (has("execution_report")) return { actType: "execution", victimStatus: "dead" };
  if (has("at_risk")) {
    const words = item.reasons.filter((r) => r.label === "at_risk").flatMap((r) => r.matches.map((m) => `${m.rule} ${m.text}`)).join(" ");
    return { actType: /solitary|انفرادی/i.test(words) ? "transfer_solitary" : "sentence_upheld", victimStatus: "in_custody" };
  }
  if (has("death_sentence")) return { actType: "death_sentence", victimStatus: "in_custody" };
  if (has("arrest")) return { actType: "arrest", victimStatus: "in_custody" };
  return { actType: "", victimStatus: "" };
}

/** A date as the form's field holds it: a form `parseDate` reads back to the same date. */
export function dateInput(d: FuzzyDate | undefined): string {
  if (!d || !d.value) return "";
  if (d.precision === "season") {
    const [y, season] = d.value.split("-");
    return `${season} ${y}`;
  }
  return ["day", "month", "year"].includes(d.precision) ? d.value : d.text;
}

const trimName = (s: string): string => s.replace(/^[\s\p{P}]+|[\s\p{P}]+$/gu, "").replace(/\s+/g, " ");

/** The sentence of a field around an offset, for the citation's quotation. */
export function sentenceAround(text: string, start: number, end: number): string {
  const stops = /[.!?؟\n]/;
  let a = start;
  while (a > 0 && !stops.test(text[a - 1]!)) a--;
  let b = end;
  while (b < text.length && !stops.test(text[b]!)) b++;
  if (b < text.length && text[b] !== "\n") b++;
  const s = text.slice(a, b).trim();
  return s.length > 600 ? `${s.slice(0, 600)}…` : s;
}

/**
 * The confirm form's starting point from an item: the Source from the
 * article, and one person per name found (a name in both scripts is one
 * person), each with the act the labels report, the first date, the prison
 * or place, the charges, and the sentence that says it; a counted group
 * ("at least 14 prisoners") as a group, ticked only when no one is named.
 */
export function draftFromItem(item: TriageItem): ConfirmDraft {
  const fa = item.lang === "fa" || (item.lang !== "en" && detectScript(item.title || item.text) === "persian");
  const published = item.published ? item.published.slice(0, 10) : "";
  const source: ConfirmSourceInput = {
    title: fa ? "" : item.title.trim().slice(0, 500),
    titleFa: fa ? item.title.trim().slice(0, 500) : "",
    url: item.url ?? "",
    lang: item.lang === "und" ? "" : item.lang,
    published,
    confidentiality: "staff",
    reliability: "",
  };
  const ents = item.entities;
  const textOf = (e: Pick<Entity, "field">): string => (e.field === "title" ? item.title : item.text);
  const firstDate = ents.find((e) => e.type === "date" && e.field === "text") ?? ents.find((e) => e.type === "date");
  const date = firstDate?.date ? dateInput(firstDate.date) : published;
  const placeEnt = ents.find((e) => e.type === "prison") ?? ents.find((e) => e.type === "place" && e.placeKind === "city") ?? ents.find((e) => e.type === "place");
  const charges = [...new Set(ents.filter((e) => e.type === "charge" && e.id && CHARGE_TERMS[e.id]).map((e) => CHARGE_TERMS[e.id!]!))];
  const { actType, victimStatus } = actFor(item);
  const base = {
    actType,
    date,
    place: placeEnt ? "new" : "",
    newPlaceName: placeEnt ? trimName(placeEnt.text) : "",
    newPlaceKind: placeEnt ? (placeEnt.type === "prison" ? "prison" : (placeEnt.placeKind ?? "city")) : "prison",
    charges,
    victimStatus,
    confidence: "probable",
    confidentiality: "staff",
  };

  // One person per name; the same person written in both scripts (title in English, text in Persian) is one.
  const people: DraftPerson[] = [];
  for (const e of ents.filter((x) => x.type === "person")) {
    const name = trimName(e.text);
    if (!name) continue;
    const keys = nameKeys(name);
    const same = people.find((p) => [p.nameEn, p.nameFa].filter(Boolean).some((n) => normaliseName(n) === normaliseName(name) || (keys.length >= 2 && nameKeys(n).length === keys.length && keys.every((k) => nameKeys(n).includes(k)))));
    const mention = { field: e.field, start: e.start, end: e.end, text: e.text };
    if (same) {
      same.mentions.push(mention);
      const latin = detectScript(name) === "latin";
      if (latin && !same.nameEn) same.nameEn = name;
      if (!latin && !same.nameFa) same.nameFa = name;
      continue;
    }
    const latin = detectScript(name) === "latin";
    people.push({ ...base, match: "new", kind: "individual", nameEn: latin ? name : "", nameFa: latin ? "" : name, count: null, quote: sentenceAround(textOf(e), e.start, e.end), include: true, mentions: [mention] });
  }
  // The quotation is the text's sentence that names them (a headline is a summary, not the report).
  const personStarts = ents.filter((x) => x.type === "person");
  for (const p of people) {
    const inText = p.mentions.find((m) => m.field === "text");
    if (inText) p.quote = sentenceAround(item.text, inText.start, inText.end);
    // A father's name or an age right by any of the mentions (before the next name).
    for (const m of p.mentions) {
      const text = m.field === "title" ? item.title : item.text;
      const next = personStarts.filter((x) => x.field === m.field && x.start >= m.end).reduce((n, x) => Math.min(n, x.start), text.length);
      const facts = factsNear(text, m.start, m.end, next);
      if (facts.father && !p.father) p.father = facts.father;
      if (facts.age && !p.age) p.age = facts.age;
    }
  }
  const countEnt = ents.find((e) => e.type === "count" && e.count && e.count.value > 1);
  if (countEnt?.count) {
    const label = trimName(countEnt.text);
    const latin = detectScript(label) === "latin";
    people.push({ ...base, match: "new", kind: "group", nameEn: latin ? label : "", nameFa: latin ? "" : label, count: countEnt.count.value, quote: sentenceAround(textOf(countEnt), countEnt.start, countEnt.end), include: people.length === 0, mentions: [{ field: countEnt.field, start: countEnt.start, end: countEnt.end, text: countEnt.text }] });
  }
  return { source, people };
}

// ---------- suggestions (suggest.ts) ----------

export { suggestMatches, type MatchSuggestion, type ArticlePerson } from "./suggest.ts";

// ---------- confirm and dismiss ----------

const PLACEHOLDER_SOURCE = "src_pending_confirmation";

function personClaims(p: ConfirmPersonInput, sourceId: string, locator: string | null): { claims: ClaimInput[]; prefixes: string[] } {
  const cite = [{ sourceId, locator, quote: p.quote.trim() || null }];
  const claims: ClaimInput[] = [];
  const prefixes: string[] = [];
  for (const [field, text] of [
    ["nameEn", p.nameEn],
    ["nameFa", p.nameFa],
  ] as const) {
    if (!text.trim()) continue;
    claims.push({ property: "name", value: { text: text.trim() }, confidence: p.confidence, confidentiality: p.confidentiality, citations: cite });
    prefixes.push(`${field}.`);
  }
  if (p.kind === "group") {
    claims.push({ property: "count", value: { count: p.count ?? 0 }, confidence: p.confidence, confidentiality: p.confidentiality, citations: cite });
    prefixes.push("count.");
  }
  if (p.actType) {
    const value: JsonObject = { ...(p.victimStatus ? { victim_status: p.victimStatus } : {}), ...(p.charges.length ? { charges: p.charges } : {}) };
    claims.push({ property: "act", term: p.actType, value, date: p.date.trim() || null, placeId: p.place && p.place !== "new" ? p.place : null, confidence: p.confidence, confidentiality: p.confidentiality, citations: cite });
    prefixes.push("act.");
  }
  return { claims, prefixes };
}

/**
 * Checks the whole form before anything is written, every problem at its
 * field (`source.title`, `people[0].nameEn`, `people[1].act.date`, …).
 */
async function checkConfirm(ctx: Ctx, input: ConfirmInput): Promise<void> {
  const p = new Problems();
  const check = await termChecker(ctx);
  const s = input.source;
  if (!s.title.trim() && !s.titleFa.trim()) p.add("source.title", "the Source needs a title, in English or in Persian");
  if (s.title.length > 500 || s.titleFa.length > 500) p.add("source.title", "a title is at most 500 characters");
  if (s.url.trim() && !/^https?:\/\/\S+$/i.test(s.url.trim())) p.add("source.url", "the article's address starts with http:// or https://");
  if (s.published.trim()) {
    try {
      parseDate(s.published, { field: "source.published" });
    } catch (e) {
      p.add("source.published", e instanceof Error ? e.message : String(e));
    }
  }
  if (!["public", "staff", "restricted"].includes(s.confidentiality)) p.add("source.confidentiality", "confidentiality must be public, staff or restricted");
  if (s.reliability && !check("source_reliability", s.reliability)) p.add("source.reliability", `unknown reliability ${JSON.stringify(s.reliability)}`);
  if (s.lang && !/^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$/.test(s.lang)) p.add("source.lang", "a language code such as en, fa, ar, ckb");
  if (input.people.length > 50) p.add("people", "at most 50 people from one article");
  for (const [i, person] of input.people.entries()) {
    const at = (f: string): string => `people[${i}].${f}`;
    const isNew = person.match === "new";
    if (!isNew) {
      const r = await ctx.db.selectFrom("records").select(["id", "type", "status"]).where("id", "=", person.match).executeTakeFirst();
      if (!r || r.type !== "person") p.add(at("match"), `${person.match} is not a person record`);
      else if (r.status === "merged") p.add(at("match"), `${person.match} was merged into another record: choose that one`);
      else {
        try {
          await getRecord(ctx, person.match);
        } catch {
          p.add(at("match"), `${person.match} is not a person record`);
        }
      }
    }
    if (person.kind !== "individual" && person.kind !== "group") p.add(at("kind"), "an individual or a group");
    if (isNew && !person.nameEn.trim() && !person.nameFa.trim()) p.add(at("nameEn"), person.kind === "group" ? "a group needs a description as its name (e.g. “14 prisoners of Ghezel Hesar”)" : "a new person needs a name, in English or in Persian");
    if (person.kind === "group" && !(Number.isInteger(person.count) && (person.count ?? 0) >= 1)) p.add(at("count"), "how many people: a whole number of at least 1");
    if (person.place === "new") {
      if (!person.newPlaceName.trim()) p.add(at("newPlaceName"), "the new place needs a name");
      if (!check("place_type", person.newPlaceKind)) p.add(at("newPlaceKind"), `unknown kind of place ${JSON.stringify(person.newPlaceKind)}`);
    } else if (person.place) {
      const r = await ctx.db.selectFrom("records").select(["type"]).where("id", "=", person.place).executeTakeFirst();
      if (!r || r.type !== "place") p.add(at("place"), `${person.place} is not a place record`);
    }
    const { claims, prefixes } = personClaims(person, PLACEHOLDER_SOURCE, null);
    claims.forEach((c, k) => {
      try {
        normaliseClaim("person", c, check, at(prefixes[k]!));
      } catch (e) {
        if (e instanceof VigilError) p.list.push(...e.problems);
        else throw e;
      }
    });
  }
  p.throwIfAny("the confirmation has errors");
}

export interface ConfirmResult {
  itemId: string;
  sourceId: string;
  /** People made or added to, in the order of the form. */
  personIds: string[];
  placeIds: string[];
  captureId?: string;
  captureNote?: string;
}

/**
 * Confirms an item: the article becomes a Source (kind article, its URL,
 * text and language), the people become person records (or existing ones
 * get the new facts: name spellings they lacked, and the act) with every
 * claim citing the Source and the sentence that says it; new places are
 * made where chosen; the item is marked confirmed and the vault is asked
 * to capture the article. One transaction: all of it, or nothing.
 */
export async function confirmItem(ctx: Ctx, itemId: string, input: ConfirmInput): Promise<ConfirmResult> {
  authorize(ctx.actor, "monitor.triage");
  const item = await getTriageItem(ctx, itemId);
  if (item.status !== "new") throw new VigilError("conflict", `this item was already ${item.status}${item.reviewedAt ? ` (${item.reviewedAt.slice(0, 10)})` : ""}`);
  await checkConfirm(ctx, input);
  const reason = `confirmed from monitored item ${itemId}${input.note?.trim() ? `: ${input.note.trim().slice(0, 500)}` : ""}`;
  return withTransaction(ctx, async (tx) => {
    // Re-read inside the transaction: two people confirming the same item at once make one set of records.
    const claimed = await tx.db.withTables<MonitorTables>().updateTable("monitor_items").set({ status: "confirming" }).where("id", "=", itemId).where("status", "=", "new").executeTakeFirst();
    if (Number(claimed.numUpdatedRows) !== 1) throw new VigilError("conflict", "this item was confirmed or dismissed by someone else meanwhile");
    const s = input.source;
    const url = s.url.trim();
    const source = await createRecord(
      tx,
      {
        type: "source",
        kind: "article",
        status: "draft",
        confidentiality: s.confidentiality,
        label: s.title.trim() || s.titleFa.trim(),
        labelFa: s.titleFa.trim() || s.title.trim(),
        date: s.published.trim() || null,
        data: { ...(url ? { url } : {}), ...(s.lang ? { language: s.lang } : {}), ...(s.reliability ? { reliability: s.reliability } : {}), monitor_item: itemId, monitor_source: item.sourceId },
        text: [item.title, item.text].filter(Boolean).join("\n\n"),
        textLang: s.lang || null,
      },
      reason,
    );
    const placeIds: string[] = [];
    const newPlaces = new Map<string, string>();
    const personIds: string[] = [];
    for (const [i, person] of input.people.entries()) {
      let placeId = person.place && person.place !== "new" ? person.place : "";
      if (person.place === "new") {
        const key = `${person.newPlaceKind}|${normaliseName(person.newPlaceName)}`;
        placeId = newPlaces.get(key) ?? "";
        if (!placeId) {
          const name = person.newPlaceName.trim();
          const latin = detectScript(name) === "latin";
          const place = await createRecord(tx, { type: "place", kind: person.newPlaceKind, status: "draft", confidentiality: "staff", ...(latin ? { label: name } : { labelFa: name }) }, reason);
          placeId = place.id;
          newPlaces.set(key, placeId);
          placeIds.push(placeId);
        }
      }
      const { claims } = personClaims({ ...person, place: placeId }, source.id, url || null);
      try {
        if (person.match === "new") {
          const rec = await createRecord(tx, { type: "person", kind: person.kind, status: "draft", confidentiality: person.confidentiality, claims }, reason);
          personIds.push(rec.id);
        } else {
          const existing = await getRecord(tx, person.match);
          const names = new Set(existing.claims.filter((c) => c.property === "name" && c.status === "active").map((c) => normaliseName(c.valueText ?? "")));
          for (const c of claims) {
            if (c.property === "name" && names.has(normaliseName(String((c.value as { text?: string }).text ?? "")))) continue;
            await addClaim(tx, person.match, c, reason);
          }
          personIds.push(person.match);
        }
      } catch (e) {
        // Anything the records core still refuses is shown at this person.
        if (e instanceof VigilError) throw new VigilError(e.code, `person ${i + 1}: ${e.message}`, { problems: e.problems.map((q): FieldProblem => ({ ...q, field: `people[${i}].${q.field ?? "match"}` })), where: { field: `people[${i}]` } });
        throw e;
      }
    }
    const allowPrivate = (() => {
      try {
        return url !== "" && monitorRuntime().sourceAllowPrivateHosts.includes(new URL(url).hostname.toLowerCase().replace(/^\[(.*)\]$/, "$1"));
      } catch {
        return false;
      }
    })();
    const capture = url ? await requestArticleCapture(tx, { url, sourceId: source.id, itemId, allowPrivate }) : { note: "the item has no address to capture" };
    const decision: TriageDecision = { sourceId: source.id, recordIds: [...new Set([...personIds, ...placeIds])], ...("captureId" in capture ? { captureId: capture.captureId } : { captureNote: capture.note }) };
    await setItemStatus(tx, itemId, "confirmed", decision);
    await audit(tx, { action: "monitor.triage.confirm", targetType: "monitor_item", targetId: itemId, detail: { sourceId: source.id, personIds, placeIds, ...decision } });
    return { itemId, sourceId: source.id, personIds, placeIds, ...("captureId" in capture ? { captureId: capture.captureId } : { captureNote: capture.note }) };
  });
}

/** Dismisses an item with the reason (kept with it and in the audit log). */
export async function dismissItem(ctx: Ctx, itemId: string, reason: string): Promise<void> {
  authorize(ctx.actor, "monitor.triage");
  const why = reason.trim();
  if (!why) throw new VigilError("validation", "say why the item is dismissed (e.g. not about Iran, a duplicate, an old story)", { where: { field: "reason" } });
  if (why.length > 2000) throw new VigilError("validation", "the reason is at most 2000 characters", { where: { field: "reason" } });
  await withTransaction(ctx, async (tx) => {
    const item = await getTriageItem(tx, itemId);
    if (item.status !== "new") throw new VigilError("conflict", `this item was already ${item.status}`);
    await setItemStatus(tx, itemId, "dismissed", { reason: why });
    await audit(tx, { action: "monitor.triage.dismiss", targetType: "monitor_item", targetId: itemId, detail: { reason: why } });
  });
}

/** Puts a dismissed item back in the queue (a confirmed one has records: undo those in the records instead). */
export async function reopenItem(ctx: Ctx, itemId: string): Promise<void> {
  authorize(ctx.actor, "monitor.triage");
  await withTransaction(ctx, async (tx) => {
    const item = await getTriageItem(tx, itemId);
    if (item.status !== "dismissed") throw new VigilError("conflict", item.status === "confirmed" ? "a confirmed item has records: change those instead" : "this item is already waiting");
    await tx.db.withTables<MonitorTables>().updateTable("monitor_items").set({ status: "new", reviewed_by: null, reviewed_at: null, decision: null }).where("id", "=", itemId).execute();
    await audit(tx, { action: "monitor.triage.reopen", targetType: "monitor_item", targetId: itemId, detail: { previous: item.decision?.reason ?? null } });
  });
}

/** Whether the actor may confirm and dismiss (for showing the form). */
export const mayTriage = (ctx: Ctx): boolean => can(ctx.actor, "monitor.triage") && can(ctx.actor, "record.create") && can(ctx.actor, "claim.create");

/** A place record that may be the one an article names. */
export interface PlaceSuggestion {
  id: string;
  label: string;
  labelFa: string;
}

/** What staff see to decide on an item: the item, the draft of the confirm form, and records that may match. */
export interface TriageView {
  item: TriageItem;
  draft: ConfirmDraft;
  /** Per person of the draft: people already recorded who may be them. */
  matches: MatchSuggestion[][];
  /** Per person of the draft: place records by the place's name. */
  places: PlaceSuggestion[][];
}

/** The item with its draft and suggestions. */
export async function triageView(ctx: Ctx, itemId: string): Promise<TriageView> {
  const item = await getTriageItem(ctx, itemId);
  const draft = draftFromItem(item);
  const matches: MatchSuggestion[][] = [];
  const places: PlaceSuggestion[][] = [];
  const placeCache = new Map<string, PlaceSuggestion[]>();
  for (const p of draft.people) {
    const placeName = p.newPlaceName.trim();
    matches.push(
      p.kind === "individual"
        ? await suggestMatches(ctx, {
            names: [p.nameEn, p.nameFa],
            ...(p.father ? { father: p.father } : {}),
            ...(p.age ? { age: p.age } : {}),
            actType: p.actType,
            actDate: p.date,
            places: placeName ? [placeName] : [],
            ...(item.published ? { published: item.published } : {}),
          })
        : [],
    );
    const name = p.newPlaceName.trim();
    if (!placeCache.has(name)) {
      const hits = name && can(ctx.actor, "search.staff") ? await searchRecords(ctx, name.replace(/\b(prison|central)\b|زندان|مرکزی/gi, " "), { types: ["place"], limit: 5 }) : [];
      const labels = await relatedLabels(ctx, hits.map((h) => h.id));
      placeCache.set(name, hits.filter((h) => labels.has(h.id)).map((h) => ({ id: h.id, label: labels.get(h.id)!.label, labelFa: labels.get(h.id)!.labelFa })));
    }
    places.push(placeCache.get(name)!);
  }
  return { item, draft, matches, places };
}

/** Fills what a caller left out of a person with the defaults of an empty form row. */
export function completePerson(p: Partial<ConfirmPersonInput>): ConfirmPersonInput {
  return {
    match: p.match ?? "new",
    kind: p.kind ?? "individual",
    nameEn: p.nameEn ?? "",
    nameFa: p.nameFa ?? "",
    count: p.count ?? null,
    actType: p.actType ?? "",
    date: p.date ?? "",
    place: p.place ?? "",
    newPlaceName: p.newPlaceName ?? "",
    newPlaceKind: p.newPlaceKind ?? "prison",
    charges: p.charges ?? [],
    victimStatus: p.victimStatus ?? "",
    quote: p.quote ?? "",
    confidence: p.confidence ?? "probable",
    confidentiality: p.confidentiality ?? "staff",
  };
}

/** Fills what a caller left out of the Source with the defaults of an empty form. */
export function completeSource(s: Partial<ConfirmSourceInput>): ConfirmSourceInput {
  return { title: s.title ?? "", titleFa: s.titleFa ?? "", url: s.url ?? "", lang: s.lang ?? "", published: s.published ?? "", confidentiality: s.confidentiality ?? "staff", reliability: s.reliability ?? "" };
}
