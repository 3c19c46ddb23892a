import type { Kysely } from "kysely";
import { authorize, mayRead } from "../accounts/index.ts";
import type { Ctx } from "../core/context.ts";
import { validation } from "../core/errors.ts";
import { termLabels } from "../records/index.ts";
import type { CoreTables } from "../store/index.ts";
import { captureTables, type CaptureTable } from "./table.ts";
export { toTableSet, fromTableSet, type TableSet } from "./table-set.ts";

/**
 * Capture tables from the lists in the database. Each imported victim list is
 * a Source of kind `published_list`; the people found on it are either
 *
 * - its list entries linked to people (the list tables: each entry belongs
 *   to its Person record once a reviewer accepted the link, or else to its
 *   linkage cluster, a provisional person), or
 * - the people with an active claim citing it (how merged people carry every
 *   list they came from, and how lists entered by hand are known).
 *
 * The list tables are used when every chosen list has entries; otherwise the
 * citations. Only what the actor may read is counted; people whose
 * membership rests on facts hidden from them are counted and reported.
 */

/** Fields an estimate can be stratified by, derived from claims. */
export const STRATIFY_FIELDS = ["province", "death_year", "sex", "affiliation"] as const;
export type StratifyField = (typeof STRATIFY_FIELDS)[number];

/** Stratum key of people whose value is not recorded (or not visible). */
export const UNKNOWN_STRATUM = "unknown";

/** A list that can be chosen, with the short name used in model terms. */
export interface ListChoice {
  sourceId: string;
  /** A, B, C … by the order the lists were added: the name in model terms such as A*B. */
  name: string;
  label: string;
  labelFa: string;
  synthetic: boolean;
  /** People found on it through citations. */
  people: number;
  /** Rows in the list tables, when the list was imported (null otherwise). */
  entries: number | null;
}

export interface Provenance {
  /** Where the table came from. */
  from: "list_entries" | "citations" | "csv";
  /** The lists: name in model terms → source (absent for a CSV). */
  lists: { name: string; sourceId?: string; label: string; labelFa?: string; people: number }[];
  /** People on at least one chosen list. */
  people: number;
  /** People whose membership of a chosen list rests (partly) on facts this actor may not read; their patterns are incomplete or missing. */
  hidden: number;
  /** People marked synthetic (fictional demonstration data). */
  synthetic: number;
  /** Restricted facts were used (the run is then readable only by those who may read every restricted fact). */
  restrictedUsed: boolean;
  /** List tables only: people who are linkage clusters not yet accepted as Person records. */
  provisional?: number;
  /** List tables: entries of the chosen lists, and those waiting in the linkage review queue. */
  linkage?: { entries: number; inReview: number; reviewItems: number };
  stratify?: { field: StratifyField | "column"; column?: string; labels: Record<string, { en: string; fa: string }>; unknown: number };
}

export interface BuiltTables {
  tables: Map<string | null, CaptureTable>;
  provenance: Provenance;
}

/** A, B, …, Z, AA, AB, … */
export function listCode(i: number): string {
  let s = "";
  let n = i + 1;
  while (n > 0) {
    const r = (n - 1) % 26;
    s = String.fromCharCode(65 + r) + s;
    n = Math.floor((n - 1) / 26);
  }
  return s;
}

// ---------------------------------------------------------------------------
// The list tables (migration 0200-lists), read through the columns used here.

// A type alias, not an interface: Kysely's withTables wants an indexable shape.
type ListTablesView = {
  list_imports: { id: string; source_id: string; list_name: string };
  list_entries: { id: string; import_id: string; list_name: string; person: string; person_id: string | null; cluster: number | null };
  linkage_reviews: { id: string; entry_ids: string };
};

const listDb = (db: Kysely<CoreTables>) => db.withTables<ListTablesView>();

/** Whether the list tables exist (they come with the list import). Outside a transaction: a failed query would end one on PostgreSQL. */
export async function hasListTables(ctx: Ctx): Promise<boolean> {
  if (ctx.inTransaction) return false;
  try {
    await listDb(ctx.db).selectFrom("list_entries").select("id").where("id", "=", "").limit(1).execute();
    return true;
  } catch {
    return false;
  }
}

const CONFIDENCE_RANK: Record<string, number> = { confirmed: 0, probable: 1, possible: 2, disputed: 3 };

/** Every published list the actor may see, named A, B, C … in the order they were added. */
export async function availableLists(ctx: Ctx): Promise<ListChoice[]> {
  authorize(ctx.actor, "estimate.read");
  const sources = await ctx.db
    .selectFrom("records")
    .select(["id", "label", "label_fa", "confidentiality", "synthetic", "created_at"])
    .where("type", "=", "source")
    .where("kind", "=", "published_list")
    .where("status", "!=", "merged")
    .orderBy("created_at")
    .orderBy("id")
    .execute();
  const visible = sources.filter((s) => mayRead(ctx.actor, s.confidentiality, [s.id]));
  if (visible.length === 0) return [];
  // The order they were added, to the change: records made in the same millisecond keep their order by the history's sequence.
  const firstChange = new Map<string, number>();
  for (let i = 0; i < visible.length; i += 500) {
    const rows = await ctx.db
      .selectFrom("changes")
      .select(["entity_id", (eb) => eb.fn.min<number>("seq").as("seq")])
      .where("entity_id", "in", visible.slice(i, i + 500).map((s) => s.id))
      .groupBy("entity_id")
      .execute();
    for (const r of rows) firstChange.set(r.entity_id, Number(r.seq));
  }
  const pos = (id: string) => firstChange.get(id) ?? Number.MAX_SAFE_INTEGER;
  visible.sort((a, b) => (a.created_at < b.created_at ? -1 : a.created_at > b.created_at ? 1 : pos(a.id) - pos(b.id) || (a.id < b.id ? -1 : 1)));
  const ids = visible.map((s) => s.id);
  const people = new Map<string, number>();
  const rows = await ctx.db
    .selectFrom("citations as ci")
    .innerJoin("claims as c", "c.id", "ci.claim_id")
    .innerJoin("records as r", "r.id", "c.subject_id")
    .select(["ci.source_id as source", (eb) => eb.fn.count<number>("c.subject_id").distinct().as("n")])
    .where("ci.source_id", "in", ids)
    .where("c.status", "=", "active")
    .where("r.type", "=", "person")
    .where("r.status", "!=", "merged")
    .groupBy("ci.source_id")
    .execute();
  for (const r of rows) people.set(r.source, Number(r.n));
  const entries = new Map<string, number>();
  if (await hasListTables(ctx)) {
    const er = await listDb(ctx.db)
      .selectFrom("list_entries as e")
      .innerJoin("list_imports as i", "i.id", "e.import_id")
      .select(["i.source_id as source", (eb) => eb.fn.countAll<number>().as("n")])
      .where("i.source_id", "in", ids)
      .groupBy("i.source_id")
      .execute();
    for (const r of er) entries.set(r.source, Number(r.n));
  }
  return visible.map((s, i) => ({
    sourceId: s.id,
    name: listCode(i),
    label: s.label,
    labelFa: s.label_fa,
    synthetic: Boolean(s.synthetic),
    people: people.get(s.id) ?? 0,
    entries: entries.has(s.id) ? entries.get(s.id)! : null,
  }));
}

/** Follows merges to the surviving record (a survivor may itself have been merged since), in batches. */
async function survivors(db: Kysely<CoreTables>, merged: Map<string, string>): Promise<Map<string, string>> {
  const into = new Map<string, string>();
  let pending = [...new Set(merged.values())];
  for (let depth = 0; depth < 10 && pending.length; depth++) {
    const next: string[] = [];
    for (let i = 0; i < pending.length; i += 500) {
      for (const r of await db.selectFrom("records").select(["id", "merged_into"]).where("id", "in", pending.slice(i, i + 500)).where("merged_into", "is not", null).execute()) {
        into.set(r.id, r.merged_into!);
        if (!into.has(r.merged_into!)) next.push(r.merged_into!);
      }
    }
    pending = [...new Set(next)];
  }
  const resolve = (id: string): string => {
    let x = id;
    for (let i = 0; i < 12 && into.has(x); i++) x = into.get(x)!;
    return x;
  };
  return new Map([...merged].map(([k, v]) => [k, resolve(v)]));
}

interface Member {
  lists: number;
  hiddenLists: number;
  synthetic: boolean;
  /** The Person record (null for a provisional person: an unaccepted linkage cluster or a lone entry). */
  personId: string | null;
  /** For provisional people: what their rows say (sex, death, affiliation). */
  rows: unknown[];
}

/**
 * Builds the capture table(s) of the chosen lists from the database,
 * optionally one per stratum. Refuses unknown or unreadable lists, fewer
 * than 2 lists, and lists with nobody on them.
 */
export async function linkedTables(ctx: Ctx, input: { sources: readonly string[]; stratify?: StratifyField | null }): Promise<BuiltTables> {
  authorize(ctx.actor, "estimate.read");
  const sources = [...new Set(input.sources)];
  if (sources.length < 2) throw validation("choose at least 2 lists: the estimate comes from how lists overlap", { field: "sources" });
  if (sources.length > 10) throw validation("choose at most 10 lists", { field: "sources" });
  if (input.stratify && !(STRATIFY_FIELDS as readonly string[]).includes(input.stratify)) throw validation(`cannot stratify by ${JSON.stringify(input.stratify)}: use ${STRATIFY_FIELDS.join(", ")}`, { field: "stratify" });
  const all = await availableLists(ctx);
  const chosen = sources.map((id) => {
    const c = all.find((l) => l.sourceId === id);
    if (!c) throw validation(`${id} is not a published list you can see`, { field: "sources" });
    return c;
  });
  // Keep the order the lists were added (A before B), whatever order they were chosen in.
  chosen.sort((a, b) => all.indexOf(a) - all.indexOf(b));
  const index = new Map(chosen.map((c, j) => [c.sourceId, j] as const));
  const useEntries = (await hasListTables(ctx)) && chosen.every((c) => (c.entries ?? 0) > 0);
  const members = new Map<string, Member>();
  let restrictedUsed = false;
  let linkage: Provenance["linkage"];
  const member = (key: string, personId: string | null): Member => {
    let m = members.get(key);
    if (!m) members.set(key, (m = { lists: 0, hiddenLists: 0, synthetic: false, personId, rows: [] }));
    return m;
  };

  if (useEntries) {
    const rows = await listDb(ctx.db)
      .selectFrom("list_entries as e")
      .innerJoin("list_imports as i", "i.id", "e.import_id")
      .select(["e.id", "e.person_id", "e.cluster", "e.person", "i.source_id"])
      .where("i.source_id", "in", chosen.map((c) => c.sourceId))
      .execute();
    const linked = [...new Set(rows.map((r) => r.person_id).filter((x): x is string => x !== null))];
    const people = new Map<string, { confidentiality: string; synthetic: number; merged_into: string | null }>();
    for (let i = 0; i < linked.length; i += 500) {
      for (const r of await ctx.db.selectFrom("records").select(["id", "confidentiality", "synthetic", "merged_into"]).where("id", "in", linked.slice(i, i + 500)).execute()) people.set(r.id, r);
    }
    const merged = await survivors(ctx.db, new Map([...people].filter(([, r]) => r.merged_into).map(([id, r]) => [id, r.merged_into!])));
    // An unaccepted entry in the same cluster as accepted ones belongs to their person.
    const clusterPerson = new Map<number, string | null>();
    for (const r of rows) {
      if (r.cluster === null || !r.person_id) continue;
      const p = merged.get(r.person_id) ?? r.person_id;
      const seen = clusterPerson.get(r.cluster);
      clusterPerson.set(r.cluster, seen === undefined || seen === p ? p : null);
    }
    for (const r of rows) {
      const bit = 1 << index.get(r.source_id)!;
      const direct = r.person_id ? (merged.get(r.person_id) ?? r.person_id) : null;
      const personId = direct ?? (r.cluster !== null ? (clusterPerson.get(r.cluster) ?? null) : null);
      if (personId) {
        const rec = people.get(r.person_id ?? "") ?? people.get(personId);
        const m = member(`p:${personId}`, personId);
        if (rec && !mayRead(ctx.actor, rec.confidentiality, [personId])) m.hiddenLists |= bit;
        else {
          m.lists |= bit;
          if (rec?.confidentiality === "restricted") restrictedUsed = true;
        }
        if (rec?.synthetic) m.synthetic = true;
      } else {
        const m = member(r.cluster !== null ? `c:${r.cluster}` : `e:${r.id}`, null);
        m.lists |= bit;
        m.rows.push(safeJson(r.person));
      }
    }
    const entryIds = new Set(rows.map((r) => r.id));
    const reviews = await listDb(ctx.db).selectFrom("linkage_reviews").select(["entry_ids"]).execute();
    const inReview = new Set<string>();
    let reviewItems = 0;
    for (const rv of reviews) {
      const ids = (safeJson(rv.entry_ids) as string[] | null) ?? [];
      const mine = ids.filter((id) => entryIds.has(id));
      if (mine.length) reviewItems++;
      for (const id of mine) inReview.add(id);
    }
    linkage = { entries: rows.length, inReview: inReview.size, reviewItems };
  } else {
    const rows = await ctx.db
      .selectFrom("citations as ci")
      .innerJoin("claims as c", "c.id", "ci.claim_id")
      .innerJoin("records as r", "r.id", "c.subject_id")
      .select(["c.subject_id as person", "ci.source_id as source", "c.confidentiality as cc", "r.confidentiality as rc", "r.merged_into as mergedInto", "r.synthetic as synthetic"])
      .distinct()
      .where("ci.source_id", "in", chosen.map((c) => c.sourceId))
      .where("c.status", "=", "active")
      .where("r.type", "=", "person")
      .execute();
    const merged = await survivors(ctx.db, new Map(rows.filter((r) => r.mergedInto).map((r) => [r.person, r.mergedInto!])));
    for (const r of rows) {
      const personId = merged.get(r.person) ?? r.person;
      const m = member(`p:${personId}`, personId);
      const bit = 1 << index.get(r.source)!;
      if (mayRead(ctx.actor, r.rc, [r.person]) && mayRead(ctx.actor, r.cc, [r.person])) {
        m.lists |= bit;
        if (r.rc === "restricted" || r.cc === "restricted") restrictedUsed = true;
      } else m.hiddenLists |= bit;
      if (r.synthetic) m.synthetic = true;
    }
    // The list tables may exist for some lists: their review queue still speaks to these lists' links.
    if (await hasListTables(ctx)) linkage = await reviewShare(ctx, chosen.map((c) => c.sourceId));
  }

  const counted = [...members.values()].filter((m) => m.lists !== 0);
  const hidden = [...members.values()].filter((m) => (m.hiddenLists & ~m.lists) !== 0).length;
  if (counted.length === 0) throw validation("nobody you can see is on these lists", { field: "sources" });
  const names = chosen.map((c) => c.name);
  let stratify: Provenance["stratify"];
  let strata: Map<Member, string> | undefined;
  if (input.stratify) {
    const s = await stratumValues(ctx, input.stratify, counted, useEntries);
    strata = s.values;
    stratify = { field: input.stratify, labels: s.labels, unknown: counted.filter((m) => s.values.get(m) === UNKNOWN_STRATUM).length };
  }
  const tables = captureTables(
    names,
    counted.map((m) => ({ lists: names.filter((_, j) => (m.lists >> j) & 1), stratum: strata?.get(m) ?? null })),
    { byStratum: Boolean(strata) },
  );
  const perList = chosen.map((_, j) => counted.filter((m) => (m.lists >> j) & 1).length);
  return {
    tables,
    provenance: {
      from: useEntries ? "list_entries" : "citations",
      lists: chosen.map((c, j) => ({ name: c.name, sourceId: c.sourceId, label: c.label, labelFa: c.labelFa, people: perList[j]! })),
      people: counted.length,
      hidden,
      synthetic: counted.filter((m) => m.synthetic).length,
      restrictedUsed,
      ...(useEntries ? { provisional: counted.filter((m) => m.personId === null).length } : {}),
      ...(linkage ? { linkage } : {}),
      ...(stratify ? { stratify } : {}),
    },
  };
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return null;
  }
}

/** The share of the chosen lists' entries that wait in the linkage review queue. */
async function reviewShare(ctx: Ctx, sourceIds: string[]): Promise<Provenance["linkage"]> {
  const db = listDb(ctx.db);
  const entries = await db.selectFrom("list_entries as e").innerJoin("list_imports as i", "i.id", "e.import_id").select("e.id").where("i.source_id", "in", sourceIds).execute();
  if (entries.length === 0) return undefined;
  const ids = new Set(entries.map((e) => e.id));
  const inReview = new Set<string>();
  let reviewItems = 0;
  for (const rv of await db.selectFrom("linkage_reviews").select(["entry_ids"]).execute()) {
    const mine = ((safeJson(rv.entry_ids) as string[] | null) ?? []).filter((id) => ids.has(id));
    if (mine.length) reviewItems++;
    for (const id of mine) inReview.add(id);
  }
  return { entries: ids.size, inReview: inReview.size, reviewItems };
}

const PROPERTIES_FOR: Record<StratifyField, string[]> = {
  province: ["death", "act", "residence"],
  death_year: ["death"],
  sex: ["sex"],
  affiliation: ["affiliation"],
};

interface ClaimRow {
  id: string;
  subject_id: string;
  property: string;
  term: string | null;
  value_text: string | null;
  object_id: string | null;
  place_id: string | null;
  confidence: string;
  confidentiality: string;
  date_earliest: string | null;
  date_latest: string | null;
  updated_at: string;
}

/** The year of a death date when it falls within one Gregorian year. */
function yearOf(earliest: string | null, latest: string | null): string | null {
  if (!earliest || !latest) return null;
  const a = earliest.slice(0, 4);
  return a === latest.slice(0, 4) ? String(Number(a)) : null;
}

/**
 * Each counted person's stratum: the best claim (most confident, then the
 * preferred property, then the latest) that the actor may read. Provisional
 * people (unaccepted linkage clusters) take what their rows say.
 */
async function stratumValues(ctx: Ctx, field: StratifyField, counted: Member[], fromEntries: boolean): Promise<{ values: Map<Member, string>; labels: Record<string, { en: string; fa: string }> }> {
  const props = PROPERTIES_FOR[field];
  const personIds = [...new Set(counted.map((m) => m.personId).filter((x): x is string => x !== null))];
  const best = new Map<string, ClaimRow>();
  const rank = (c: ClaimRow) => [CONFIDENCE_RANK[c.confidence] ?? 9, props.indexOf(c.property)];
  for (let i = 0; i < personIds.length; i += 500) {
    const rows = (await ctx.db
      .selectFrom("claims")
      .select(["id", "subject_id", "property", "term", "value_text", "object_id", "place_id", "confidence", "confidentiality", "date_earliest", "date_latest", "updated_at"])
      .where("subject_id", "in", personIds.slice(i, i + 500))
      .where("property", "in", props)
      .where("status", "=", "active")
      .execute()) as ClaimRow[];
    for (const c of rows) {
      if (!mayRead(ctx.actor, c.confidentiality, [c.id, c.subject_id])) continue;
      if (field === "province" && !c.place_id) continue;
      if (field === "death_year" && !yearOf(c.date_earliest, c.date_latest)) continue;
      if (field === "sex" && !c.term) continue;
      if (field === "affiliation" && !c.object_id && !c.value_text?.trim()) continue;
      const seen = best.get(c.subject_id);
      if (!seen) {
        best.set(c.subject_id, c);
        continue;
      }
      const [a1, a2] = rank(c);
      const [b1, b2] = rank(seen);
      if (a1! < b1! || (a1 === b1 && (a2! < b2! || (a2 === b2 && (c.updated_at > seen.updated_at || (c.updated_at === seen.updated_at && c.id < seen.id)))))) best.set(c.subject_id, c);
    }
  }
  const labels: Record<string, { en: string; fa: string }> = { [UNKNOWN_STRATUM]: { en: "not recorded", fa: "ثبت نشده" } };
  const keyOf = new Map<string, string>();
  if (field === "sex") {
    const label = await termLabels(ctx);
    for (const [p, c] of best) {
      keyOf.set(p, c.term!);
      labels[c.term!] = { en: label("sex", c.term, "en"), fa: label("sex", c.term, "fa") };
    }
  } else if (field === "death_year") {
    for (const [p, c] of best) {
      const y = yearOf(c.date_earliest, c.date_latest)!;
      keyOf.set(p, y);
      labels[y] = { en: y, fa: y };
    }
  } else if (field === "affiliation") {
    const orgIds = [...new Set([...best.values()].map((c) => c.object_id).filter((x): x is string => x !== null))];
    const orgs = await recordLabels(ctx, orgIds);
    for (const [p, c] of best) {
      const org = c.object_id ? orgs.get(c.object_id) : undefined;
      if (org) {
        keyOf.set(p, c.object_id!);
        labels[c.object_id!] = org;
      } else if (c.value_text?.trim()) {
        const text = c.value_text.trim();
        const key = `text:${text.toLowerCase()}`;
        keyOf.set(p, key);
        labels[key] ??= { en: text, fa: text };
      }
    }
  } else {
    const provinceOf = await provinces(ctx, [...new Set([...best.values()].map((c) => c.place_id!))]);
    for (const [p, c] of best) {
      const prov = provinceOf.get(c.place_id!);
      if (!prov) continue;
      keyOf.set(p, prov.id);
      labels[prov.id] = { en: prov.en, fa: prov.fa };
    }
  }
  const values = new Map<Member, string>();
  for (const m of counted) {
    let key = m.personId ? keyOf.get(m.personId) : undefined;
    if (!m.personId && fromEntries) {
      const v = rowValue(field, m.rows);
      if (v) {
        key = v.key;
        labels[v.key] ??= { en: v.label, fa: v.label };
      }
    }
    values.set(m, key ?? UNKNOWN_STRATUM);
  }
  return { values, labels };
}

/** What an unaccepted entry's row says about a field (sex, year of death, affiliation); provinces need places, which rows do not have. */
function rowValue(field: StratifyField, rows: unknown[]): { key: string; label: string } | undefined {
  for (const row of rows) {
    if (!row || typeof row !== "object") continue;
    const r = row as Record<string, unknown>;
    if (field === "sex" && (r.sex === "male" || r.sex === "female")) return { key: r.sex, label: r.sex };
    if (field === "death_year") {
      const d = r.death as { earliest?: unknown; latest?: unknown } | null | undefined;
      if (d && typeof d === "object" && typeof d.earliest === "string" && typeof d.latest === "string") {
        const y = yearOf(d.earliest, d.latest);
        if (y) return { key: y, label: y };
      }
    }
    if (field === "affiliation") {
      const a: unknown = Array.isArray(r.affiliation) ? (r.affiliation as unknown[])[0] : r.affiliation;
      if (typeof a === "string" && a.trim()) return { key: `text:${a.trim().toLowerCase()}`, label: a.trim() };
    }
  }
  return undefined;
}

async function recordLabels(ctx: Ctx, ids: string[]): Promise<Map<string, { en: string; fa: string }>> {
  const out = new Map<string, { en: string; fa: string }>();
  for (let i = 0; i < ids.length; i += 500) {
    for (const r of await ctx.db.selectFrom("records").select(["id", "label", "label_fa", "confidentiality"]).where("id", "in", ids.slice(i, i + 500)).execute()) {
      if (mayRead(ctx.actor, r.confidentiality, [r.id])) out.set(r.id, { en: r.label || r.label_fa, fa: r.label_fa || r.label });
    }
  }
  return out;
}

/**
 * The province of each place: the place itself if it is one, else the first
 * province found going up through `parent` and `located in` (at most 8 steps).
 */
async function provinces(ctx: Ctx, placeIds: string[]): Promise<Map<string, { id: string; en: string; fa: string }>> {
  const info = new Map<string, { kind: string | null; en: string; fa: string; parents: string[] }>();
  let frontier = placeIds;
  for (let depth = 0; depth < 9 && frontier.length; depth++) {
    const next: string[] = [];
    for (let i = 0; i < frontier.length; i += 500) {
      const chunk = frontier.slice(i, i + 500);
      const recs = await ctx.db.selectFrom("records").select(["id", "kind", "label", "label_fa", "parent_id", "confidentiality"]).where("id", "in", chunk).where("type", "=", "place").execute();
      const ups = await ctx.db.selectFrom("claims").select(["subject_id", "object_id", "confidentiality", "id"]).where("subject_id", "in", chunk).where("property", "=", "located_in").where("status", "=", "active").execute();
      for (const r of recs) {
        if (!mayRead(ctx.actor, r.confidentiality, [r.id])) continue;
        const parents = [r.parent_id, ...ups.filter((u) => u.subject_id === r.id && u.object_id && mayRead(ctx.actor, u.confidentiality, [u.id, r.id])).map((u) => u.object_id)].filter((x): x is string => typeof x === "string");
        info.set(r.id, { kind: r.kind, en: r.label || r.label_fa, fa: r.label_fa || r.label, parents });
        if (r.kind !== "province") for (const p of parents) if (!info.has(p)) next.push(p);
      }
    }
    frontier = [...new Set(next)];
  }
  const memo = new Map<string, { id: string; en: string; fa: string } | null>();
  const find = (id: string, depth: number): { id: string; en: string; fa: string } | null => {
    if (memo.has(id)) return memo.get(id)!;
    const p = info.get(id);
    let out: { id: string; en: string; fa: string } | null = null;
    if (p?.kind === "province") out = { id, en: p.en, fa: p.fa };
    else if (p && depth < 8) for (const up of p.parents) if ((out = find(up, depth + 1))) break;
    memo.set(id, out);
    return out;
  };
  const result = new Map<string, { id: string; en: string; fa: string }>();
  for (const id of placeIds) {
    const p = find(id, 0);
    if (p) result.set(id, p);
  }
  return result;
}
