import type { VNode } from "preact";
import { hasPublicCareer } from "../accountability/careers.ts";
import { publicOfficialView } from "../accountability/routes.tsx";
import { makeCtx, PUBLIC } from "../core/context.ts";
import type { Store } from "../store/index.ts";
import type { EvidencePort } from "./evidence.ts";
import { MARKED_KINDS, renderMap, type MapMarker } from "./map.ts";
import { hrefOf, type PageCtx } from "./pages/common.tsx";
import { AtRiskPage, HomePage, RecordListPage, StatementsPage } from "./pages/lists.tsx";
import { OfficialPage } from "./pages/officials.tsx";
import { PersonPage, type EvidenceItem } from "./pages/person.tsx";
import { EventPage, OrganisationPage, PlacePage, SourcePage } from "./pages/records.tsx";
import type { FormState, PublicPost } from "./pages/tributes.tsx";
import { TrendsPage } from "./pages/trends.tsx";
import {
  allRecords,
  mappedPlaces,
  personSummaries,
  presentAtRisk,
  presentEvent,
  presentOrganisation,
  presentPerson,
  presentPlace,
  presentSource,
  presentStatements,
  presentTrends,
  publicClaims,
  publicCounts,
  publicRecords,
  recentRecords,
  type PubRef,
} from "./presenters/index.ts";
import { memorialDb } from "./schema.ts";
import { approvedPosts } from "./tributes.ts";

export type PageKind = "home" | "events" | "places" | "sources" | "statements" | "at-risk" | "trends" | "person" | "event" | "place" | "source" | "organisation" | "official";

/** Evidence items for public sources, with links to their public copies. */
export async function evidenceFor(port: EvidencePort, ctx: PageCtx, sourceIds: string[]): Promise<EvidenceItem[]> {
  if (!sourceIds.length) return [];
  const items = await port.forSources(sourceIds);
  return items.map((e) => ({ itemId: e.itemId, sourceId: e.sourceId, title: null, digest: e.digest, mediaType: e.mediaType, publicCopy: e.publicCopy ? ctx.links.media(e.sourceId, e.publicCopy) : null }));
}

function placeLabel(ctx: PageCtx, r: PubRef): string {
  return (ctx.lang === "fa" ? (r.labelFa ?? r.label) : (r.label ?? r.labelFa)) ?? ctx.t("memorial.nameWithheld");
}

/** The map of Iran with every public place that has public coordinates; `current` is marked out. */
export async function placesMap(store: Store, ctx: PageCtx, current?: string): Promise<string | null> {
  const places = await mappedPlaces(memorialDb(store.db));
  if (!places.length) return null;
  const markers: MapMarker[] = places.map((p) => ({ lat: p.lat, lon: p.lon, kind: p.place.kind ?? "other", label: `${placeLabel(ctx, p.place)}${p.place.synthetic ? ` (${ctx.t("memorial.synthetic.badge")})` : ""}`, href: hrefOf(ctx, p.place)!, current: p.place.id === current }));
  const kinds = new Set(places.map((p) => p.place.kind));
  return renderMap(
    markers,
    {
      title: ctx.t("memorial.map.title"),
      description: ctx.t("memorial.map.description", { n: markers.length }),
      legend: MARKED_KINDS.filter((k) => kinds.has(k)).map((k) => ({ kind: k, label: ctx.term("place_type", k) })),
      country: ctx.t("memorial.map.iran"),
    },
    current ? "place-map" : "map",
  );
}

/**
 * Builds one public page through the public presenters, for the server and
 * for the static mirror alike. Null when there is no public record by the id.
 */
export async function buildPage(store: Store, ctx: PageCtx, kind: PageKind, id: string | undefined, page: number, extra: { token: string; state: FormState | undefined; evidence: EvidencePort; posts?: (recordId: string) => Promise<PublicPost[]> }): Promise<VNode | null> {
  const db = memorialDb(store.db);
  const postsOf = extra.posts ?? ((recordId: string): Promise<PublicPost[]> => approvedPosts(db, recordId));
  const { t } = ctx;
  const at = (path: string): PageCtx => ({ ...ctx, path });
  switch (kind) {
    case "home": {
      const [counts, recent, events, atRisk] = await Promise.all([publicCounts(db), recentRecords(db, "person", 12), allRecords(db, "event"), presentAtRisk(db)]);
      const { acts, refs } = await personSummaries(db, recent);
      events.sort((a, b) => (a.date?.earliest ?? "9999").localeCompare(b.date?.earliest ?? "9999"));
      return <HomePage ctx={at("")} d={{ counts, recent, recentActs: acts, recentRefs: refs, events: events.slice(0, 12), atRisk: atRisk.entries.length }} />;
    }
    case "events": {
      const events = (await allRecords(db, "event")).sort((a, b) => (a.date?.earliest ?? "9999").localeCompare(b.date?.earliest ?? "9999"));
      return <RecordListPage ctx={at("events")} title={t("memorial.events.title")} intro={t("memorial.events.intro")} records={events} kindVocabulary="event_type" />;
    }
    case "places": {
      const c = at("places");
      const places = (await allRecords(db, "place")).sort((a, b) => placeLabel(c, a).localeCompare(placeLabel(c, b), ctx.lang));
      const map = await placesMap(store, c);
      return (
        <RecordListPage ctx={c} title={t("memorial.places.title")} intro={t("memorial.places.intro")} records={places} kindVocabulary="place_type">
          {map ? <div class="map-wrap" dangerouslySetInnerHTML={{ __html: map }} /> : null}
        </RecordListPage>
      );
    }
    case "sources": {
      const c = at("sources");
      const sources = (await allRecords(db, "source")).sort((a, b) => placeLabel(c, a).localeCompare(placeLabel(c, b), ctx.lang));
      return <RecordListPage ctx={c} title={t("memorial.sources.title")} intro={t("memorial.sources.intro")} records={sources} kindVocabulary="source_type" />;
    }
    case "statements":
      return <StatementsPage ctx={at("statements")} s={await presentStatements(db)} />;
    case "at-risk": {
      const r = await presentAtRisk(db);
      return <AtRiskPage ctx={at("at-risk")} entries={r.entries} refs={r.refs} sources={r.sources} />;
    }
    case "trends":
      return <TrendsPage ctx={at("trends")} trends={await presentTrends(db, ctx.lang)} />;
    case "person": {
      const p = await presentPerson(db, id!);
      if (!p) return null;
      const posts = ctx.forms || ctx.links.mode.kind === "static" ? await postsOf(p.person.id) : [];
      const evidence = await evidenceFor(extra.evidence, ctx, p.sources.filter((s) => p.refs.get(s)?.kind === "media_file" || p.refs.get(s)?.kind === "web_capture" || p.refs.get(s)?.kind === "document"));
      // Most people on a memorial are victims with no post or involvement: no career to look up.
      const official = p.careerClaims && (await hasPublicCareer(makeCtx(store, PUBLIC), p.person.id)) ? ctx.links.page(ctx.lang, `officials/${p.person.id}`) : null;
      return <PersonPage ctx={at(`people/${p.person.id}`)} p={p} posts={posts} tribute={extra.state} token={extra.token} evidence={evidence} officialHref={official} />;
    }
    case "event": {
      const e = await presentEvent(db, id!, page);
      if (!e) return null;
      const posts = await postsOf(e.event.id);
      const placeId = e.event.placeId ?? e.occurred.find((o) => o.placeId)?.placeId ?? undefined;
      const map = placeId ? await placesMap(store, at(`events/${e.event.id}`), placeId) : null;
      return <EventPage ctx={at(`events/${e.event.id}`)} e={e} page={page} posts={posts} tribute={extra.state} token={extra.token} mapSvg={map} />;
    }
    case "place": {
      const p = await presentPlace(db, id!, page);
      if (!p) return null;
      const c = at(`places/${p.place.id}`);
      const map = p.coordinates.length ? await placesMap(store, c, p.place.id) : null;
      // Before and after: evidence for the sources of the destruction events' own public claims too.
      const destructionClaims = p.destruction.length ? await publicClaims(db, { subjects: p.destruction.map((d) => d.id) }) : [];
      const destructionSources = [...new Set(destructionClaims.flatMap((cl) => cl.citations.flatMap((x) => (x.sourceId ? [x.sourceId] : []))))];
      for (const r of (await publicRecords(db, destructionSources)).values()) p.refs.set(r.id, r);
      const evidence = await evidenceFor(extra.evidence, c, [...new Set([...p.sources, ...destructionSources])]);
      return <PlacePage ctx={c} p={p} page={page} mapSvg={map} evidence={evidence} />;
    }
    case "source": {
      const s = await presentSource(db, id!, page);
      if (!s) return null;
      const c = at(`sources/${s.source.id}`);
      return <SourcePage ctx={c} s={s} page={page} evidence={await evidenceFor(extra.evidence, c, [s.source.id])} />;
    }
    case "organisation": {
      const o = await presentOrganisation(db, id!);
      if (!o) return null;
      return <OrganisationPage ctx={at(`organisations/${o.organisation.id}`)} o={o} />;
    }
    case "official": {
      // The accountability module reads and presents the career through its public lens; the memorial gives it its chrome.
      const view = await publicOfficialView(store, ctx.lang, id!, (other) => ctx.links.page(ctx.lang, `officials/${other}`));
      if (!view) return null;
      const person = (await publicRecords(db, [view.data.career.person.id])).get(view.data.career.person.id);
      return <OfficialPage ctx={at(`officials/${id!}`)} view={view} personHref={person?.type === "person" ? hrefOf(ctx, person) : undefined} />;
    }
  }
}
