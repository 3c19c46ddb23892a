import { authorize } from "../accounts/index.ts";
import { audit, type Ctx } from "../core/context.ts";
import type { FuzzyDate } from "../core/dates.ts";
import { popoloDate, termLabels, type Claim, type VRecord } from "../records/index.ts";
import { loadActs } from "./careers.ts";
import { levelLens, PUBLIC_LENS, type Lens } from "./lens.ts";
import { Loader } from "./loader.ts";
import { spanOf } from "./tenure.ts";

export type ExportScope = "public" | "staff";

/** Restricted claims never leave through an export: only public (memorial) or public and staff claims. */
function exportLens(ctx: Ctx, scope: ExportScope): Lens {
  return scope === "public" ? PUBLIC_LENS : levelLens("export", ctx.actor, ["public", "staff"]);
}

const compact = (o: Record<string, unknown>): Record<string, unknown> => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined && v !== null && !(Array.isArray(v) && v.length === 0)));

function sourceList(claims: Claim[], sources: Map<string, VRecord>, lens: Lens): Record<string, unknown>[] {
  const ids = [...new Set(claims.flatMap((c) => c.citations.map((s) => s.sourceId)))].sort();
  return ids.flatMap((id) => {
    const s = sources.get(id);
    if (!s) return [];
    return [compact({ url: typeof s.data.url === "string" ? s.data.url : undefined, note: `${lens.label(s, "en") || lens.label(s, "fa")} [${id}]` })];
  });
}

function dates(d: FuzzyDate | null): { start_date?: string; end_date?: string } {
  const span = spanOf(d);
  const start = popoloDate(span.start, "start");
  const end = popoloDate(span.end, "end");
  return { ...(start ? { start_date: start } : {}), ...(end ? { end_date: end } : {}) };
}

/**
 * Popolo JSON (popoloproject.com): the people who held posts or are linked
 * to acts, organisations with their parents, posts and memberships, each with
 * its sources. Dates are ISO 8601 at the precision the source gave, widened
 * to whole Gregorian days where a Jalali period cannot be written otherwise;
 * `vigil:date_text` keeps what the source wrote. See docs/popolo-export.md.
 */
export async function popoloExport(ctx: Ctx, scope: ExportScope = "staff"): Promise<Record<string, unknown>> {
  authorize(ctx.actor, "accountability.export");
  const lens = exportLens(ctx, scope);
  const loader = new Loader(ctx, lens);
  const memberships = await loader.claimsByProperty("membership");
  const involvements = await loader.claimsByProperty("involvement");
  const parents = await loader.claimsByProperty("parent");
  const organisations = await loader.recordsOfType("organisation");
  const posts = await loader.recordsOfType("post");
  const personIds = [...new Set([...memberships.map((c) => c.subjectId), ...involvements.map((c) => c.subjectId)])];
  const people = [...(await loader.recordsById(personIds)).values()].filter((r) => r.type === "person");
  const personClaims = await loader.claimsOf(people.map((p) => p.id), ["name", "sex", "birth", "death", "identifier"]);
  const bySubject = new Map<string, Claim[]>();
  for (const c of [...personClaims, ...parents]) bySubject.set(c.subjectId, [...(bySubject.get(c.subjectId) ?? []), c]);
  const sources = await loader.recordsById([...memberships, ...parents, ...personClaims].flatMap((c) => c.citations.map((s) => s.sourceId)));
  const postIds = new Set(posts.map((p) => p.id));
  await audit(ctx, { action: "accountability.export", detail: { format: "popolo", scope, people: people.length, memberships: memberships.length } });
  return {
    "vigil:format": "popolo",
    "vigil:scope": scope,
    "vigil:exported_at": ctx.now().toISOString(),
    persons: people.map((p) => {
      const claims = bySubject.get(p.id) ?? [];
      const names = claims.filter((c) => c.property === "name");
      const sex = claims.find((c) => c.property === "sex")?.term;
      const birth = claims.find((c) => c.property === "birth")?.date ?? null;
      const death = claims.find((c) => c.property === "death")?.date ?? null;
      return compact({
        id: p.id,
        name: lens.label(p, "en") || lens.label(p, "fa"),
        other_names: names.map((n) => compact({ name: n.valueText, lang: n.lang ?? undefined, note: typeof n.value.kind === "string" ? `${n.value.kind} name` : undefined })),
        gender: sex && sex !== "unknown" ? sex : undefined,
        birth_date: popoloDate(birth),
        death_date: popoloDate(death),
        identifiers: claims.filter((c) => c.property === "identifier").map((c) => ({ scheme: c.value.scheme, identifier: c.value.value })),
        sources: sourceList(claims, sources, lens),
        "vigil:synthetic": p.synthetic || undefined,
      });
    }),
    organizations: organisations.map((o) => {
      const claims = bySubject.get(o.id) ?? [];
      const dissolved = typeof o.data.dissolved === "object" && o.data.dissolved !== null && !Array.isArray(o.data.dissolved) ? (o.data.dissolved as unknown as FuzzyDate) : null;
      return compact({
        id: o.id,
        name: lens.label(o, "en") || lens.label(o, "fa"),
        other_names: lens.label(o, "fa") && lens.label(o, "fa") !== lens.label(o, "en") ? [{ name: lens.label(o, "fa"), lang: "fa" }] : [],
        classification: o.kind ?? undefined,
        parent_id: o.parentId && organisations.some((x) => x.id === o.parentId) ? o.parentId : undefined,
        founding_date: popoloDate(o.date),
        dissolution_date: popoloDate(dissolved, "end"),
        // Parents over time, beyond Popolo's single parent_id.
        "vigil:parents": claims.filter((c) => c.property === "parent").map((c) => compact({ parent_id: c.objectId, ...dates(c.date), "vigil:date_text": c.date?.text, "vigil:confidence": c.confidence, sources: sourceList([c], sources, lens) })),
        sources: sourceList(claims, sources, lens),
        "vigil:synthetic": o.synthetic || undefined,
      });
    }),
    posts: posts.map((p) => compact({ id: p.id, label: lens.label(p, "en") || lens.label(p, "fa"), other_label: lens.label(p, "fa") !== lens.label(p, "en") ? [{ name: lens.label(p, "fa"), lang: "fa" }] : [], role: p.kind ?? undefined, organization_id: p.parentId ?? undefined, "vigil:synthetic": p.synthetic || undefined })),
    memberships: memberships
      .filter((m) => people.some((p) => p.id === m.subjectId))
      .map((m) =>
        compact({
          id: m.id,
          person_id: m.subjectId,
          ...(m.objectId && postIds.has(m.objectId) ? { post_id: m.objectId, organization_id: posts.find((p) => p.id === m.objectId)?.parentId ?? undefined } : { organization_id: m.objectId }),
          role: m.term ?? undefined,
          label: m.valueText ?? undefined,
          ...dates(m.date),
          "vigil:date_text": m.date?.text,
          "vigil:confidence": m.confidence,
          sources: sourceList([m], sources, lens),
        }),
      ),
  };
}

/**
 * Events, acts and involvements aligned with the HURIDOCS Events Standard
 * Formats: an event holds acts, each act has one victim and one type, an
 * involvement links a perpetrator to an act with a degree, and information
 * records link each source to what it supports. See docs/esf-export.md.
 */
export async function esfExport(ctx: Ctx, scope: ExportScope = "staff"): Promise<Record<string, unknown>> {
  authorize(ctx.actor, "accountability.export");
  const lens = exportLens(ctx, scope);
  const loader = new Loader(ctx, lens);
  const label = await termLabels(ctx);
  const term = (vocabulary: string, code: string | null): Record<string, unknown> | undefined => (code ? { code, label: label(vocabulary, code, "en"), label_fa: label(vocabulary, code, "fa") } : undefined);
  const events = await loader.recordsOfType("event");
  const actClaims = await loader.claimsByProperty("act");
  const acts = await loadActs(loader, actClaims.map((c) => c.id));
  const involvements = (await loader.claimsByProperty("involvement")).filter((c) => c.objectId && acts.has(c.objectId));
  const personIds = [...new Set([...[...acts.values()].map((a) => a.victim.id), ...involvements.map((c) => c.subjectId)])];
  const people = await loader.recordsById(personIds);
  const personClaims = await loader.claimsOf([...people.keys()], ["name", "sex", "birth"]);
  const occurred = await loader.claimsOf(events.map((e) => e.id), ["occurred", "description"]);
  const sourceIds = [...new Set([...actClaims, ...involvements].flatMap((c) => c.citations.map((s) => s.sourceId)))];
  const sources = await loader.recordsById(sourceIds);
  const places = await loader.recordsById([...occurred.map((c) => c.placeId ?? ""), ...events.map((e) => e.placeId ?? "")].filter(Boolean));
  const perpetrators = new Set(involvements.map((c) => c.subjectId));
  const victims = new Set([...acts.values()].map((a) => a.victim.id));
  const iso = (d: FuzzyDate | null, end: "start" | "end"): string | undefined => (d ? ((end === "start" ? d.earliest : d.latest) ?? undefined) : undefined);
  await audit(ctx, { action: "accountability.export", detail: { format: "esf", scope, acts: acts.size, involvements: involvements.length } });
  return {
    "vigil:format": "esf",
    "vigil:scope": scope,
    "vigil:exported_at": ctx.now().toISOString(),
    standard: "HURIDOCS Events Standard Formats",
    events: events.map((e) => {
      const occ = occurred.find((c) => c.subjectId === e.id && c.property === "occurred");
      const place = (occ?.placeId && places.get(occ.placeId)) || (e.placeId && places.get(e.placeId)) || undefined;
      return compact({
        event_record_number: e.id,
        event_title: lens.label(e, "en") || lens.label(e, "fa"),
        event_title_fa: lens.label(e, "fa") || undefined,
        type: term("event_type", e.kind),
        initial_date: iso(e.date, "start"),
        final_date: iso(e.date, "end"),
        date_as_written: e.date?.text,
        date_precision: e.date?.precision,
        geographical_term: place ? lens.label(place, "en") || lens.label(place, "fa") : undefined,
        place_record_number: place?.id,
        event_description: occurred.find((c) => c.subjectId === e.id && c.property === "description")?.valueText ?? undefined,
        "vigil:synthetic": e.synthetic || undefined,
      });
    }),
    acts: [...acts.values()].map((a) =>
      compact({
        act_record_number: a.claim.id,
        event_record_number: a.event?.id,
        victim_record_number: a.victim.id,
        victim_name: a.victim.label || a.victim.labelFa || undefined,
        type_of_act: term("act_type", a.claim.term),
        initial_date: iso(a.claim.date, "start"),
        final_date: iso(a.claim.date, "end"),
        date_as_written: a.claim.date?.text,
        date_precision: a.claim.date?.precision,
        exact_location: a.place ? a.place.label || a.place.labelFa : undefined,
        place_record_number: a.place?.id,
        status_at_end_of_act: term("victim_status", typeof a.claim.value.victim_status === "string" ? a.claim.value.victim_status : null),
        charges: Array.isArray(a.claim.value.charges) ? a.claim.value.charges.filter((c): c is string => typeof c === "string").map((c) => term("charge", c)) : undefined,
        confidence: a.claim.confidence,
      }),
    ),
    involvements: involvements.map((c) => {
      const who = people.get(c.subjectId);
      return compact({
        involvement_record_number: c.id,
        act_record_number: c.objectId,
        perpetrator_record_number: c.subjectId,
        perpetrator_name: who ? lens.label(who, "en") || lens.label(who, "fa") : undefined,
        type_of_perpetrator: who?.type === "organisation" ? "organisation" : "individual",
        degree_of_involvement: term("involvement_degree", c.term),
        confidence: c.confidence,
      });
    }),
    persons: [...people.values()].map((p) => {
      const claims = personClaims.filter((c) => c.subjectId === p.id);
      return compact({
        person_record_number: p.id,
        counting_unit: p.type === "organisation" ? "organisation" : (p.kind ?? "individual"),
        full_name: lens.label(p, "en") || lens.label(p, "fa"),
        other_names: claims.filter((c) => c.property === "name").map((c) => c.valueText),
        sex: term("sex", claims.find((c) => c.property === "sex")?.term ?? null),
        date_of_birth: iso(claims.find((c) => c.property === "birth")?.date ?? null, "start"),
        roles: [...(victims.has(p.id) ? ["victim"] : []), ...(perpetrators.has(p.id) ? ["perpetrator"] : [])],
        "vigil:synthetic": p.synthetic || undefined,
      });
    }),
    information: [...[...acts.values()].map((a) => ({ claim: a.claim, kind: "act" })), ...involvements.map((c) => ({ claim: c, kind: "involvement" }))].flatMap(({ claim, kind }) =>
      claim.citations.map((s) =>
        compact({
          information_record_number: `${claim.id}/${s.sourceId}`,
          source_record_number: s.sourceId,
          source_name: sources.get(s.sourceId) ? lens.label(sources.get(s.sourceId)!, "en") || lens.label(sources.get(s.sourceId)!, "fa") : undefined,
          supports: { record_type: kind, record_number: claim.id },
          reliability_of_information: term("source_reliability", s.reliability),
          sources_connection_to_information: term("source_connection", s.connection),
          locator: s.locator ?? undefined,
          quote: s.quote ?? undefined,
        }),
      ),
    ),
    sources: [...sources.values()].map((s) =>
      compact({
        source_record_number: s.id,
        source_name: lens.label(s, "en") || lens.label(s, "fa"),
        type: term("source_type", s.kind),
        reliability_of_source: term("source_reliability", typeof s.data.reliability === "string" ? s.data.reliability : null),
        date_of_source_material: iso(s.date, "start"),
        url: typeof s.data.url === "string" ? s.data.url : undefined,
        "vigil:synthetic": s.synthetic || undefined,
      }),
    ),
  };
}
