import { copyFile, mkdir, readdir, rename, rm, writeFile } from "node:fs/promises";
import { existsSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { randomBytes } from "node:crypto";
import type { VNode } from "preact";
import { publicOfficialCandidates } from "../accountability/careers.ts";
import { makeCtx, PUBLIC } from "../core/context.ts";
import { VigilError } from "../core/errors.ts";
import { termLabels } from "../records/index.ts";
import type { Store } from "../store/index.ts";
import { LANGS, renderPage, type Lang } from "../web/index.ts";
import { vaultEvidence, type EvidencePort } from "./evidence.ts";
import { Freshness } from "./freshness.ts";
import { mediaFile, staticFile, staticLinks } from "./links.ts";
import { makePageCtx, type PageCtx } from "./pages/common.tsx";
import { AboutPage, IndexPage, RootPage } from "./pages/lists.tsx";
import { allRecords, EVENT_PAGE_SIZE, personSummaries, PLACE_PAGE_SIZE, presentEvent, presentPlace, presentSource, publicIdBatches, SOURCE_PAGE_SIZE, type PubRef } from "./presenters/index.ts";
import { buildPage, type PageKind } from "./render.tsx";
import { memorialDb } from "./schema.ts";

/**
 * The static mirror: the whole public memorial as plain HTML files in both
 * languages, with relative links, so that it opens from a disk (file://) or
 * from any web host, and the memorial survives the loss of its server.
 * Search is replaced by an index of names (by first letter) and by year.
 * Written to a temporary folder and moved into place at the end: a failed
 * export leaves nothing half-written.
 */
export interface ExportResult {
  dir: string;
  pages: number;
  people: number;
  media: number;
}

export interface ExportOptions {
  /** Address of the live memorial, shown where forms would be. */
  liveUrl?: string;
  /** Replace DIR if it exists. */
  force?: boolean;
  evidence?: EvidencePort;
  onProgress?: (done: number, total: number) => void;
}

const INDEX_PAGE = 500;
const ASSETS = [
  ["vigil.css", new URL("../web/assets/vigil.css", import.meta.url)],
  ["memorial.css", new URL("./assets/memorial.css", import.meta.url)],
  ["accountability.css", new URL("../accountability/assets/accountability.css", import.meta.url)],
] as const;

/** First letter for the index: a Persian or Latin letter, or # for anything else. */
function initial(label: string | null): string {
  const c = (label ?? "").trim().charAt(0);
  if (!c) return "#";
  if (/[\p{L}]/u.test(c)) return c.toLocaleUpperCase("en");
  return "#";
}

const groupPath = (kind: "names" | "years", key: string): string => `${kind}/${key === "#" ? "other" : [...key].map((ch) => ch.codePointAt(0)!.toString(16)).join("-")}`;

export async function exportStatic(store: Store, dir: string, options: ExportOptions = {}): Promise<ExportResult> {
  const target = resolve(dir);
  if (existsSync(target) && (await readdir(target)).length > 0 && !options.force) {
    throw new VigilError("conflict", `${target} is not empty; choose an empty folder or pass --force to replace it`, { where: { file: target } });
  }
  const db = memorialDb(store.db);
  await new Freshness(db, 0).check(true);
  const evidence = options.evidence ?? vaultEvidence(store);
  const media = new Map<string, string>();
  const recording: EvidencePort = {
    forSources: async (ids) => {
      const items = await evidence.forSources(ids);
      for (const i of items) if (i.publicCopy) media.set(i.publicCopy, i.sourceId);
      return items;
    },
    publicCopy: (d, s) => evidence.publicCopy(d, s),
  };
  const terms = await termLabels(makeCtx(store, PUBLIC));
  const tmp = `${target}.tmp-${randomBytes(4).toString("hex")}`;
  await mkdir(tmp, { recursive: true });
  let pages = 0;
  const write = async (file: string, vnode: VNode): Promise<void> => {
    const path = join(tmp, file);
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, renderPage(vnode));
    pages++;
  };
  const ctxFor = (lang: Lang, file: string, path: string): PageCtx => makePageCtx(lang, staticLinks(file), path, terms, { forms: false, liveUrl: options.liveUrl });
  const build = async (lang: Lang, kind: PageKind, path: string, id?: string, page = 0): Promise<void> => {
    const file = staticFile(lang, path, page + 1);
    const vnode = await buildPage(store, ctxFor(lang, file, path), kind, id, page, { token: "", state: undefined, evidence: recording });
    if (vnode) await write(file, vnode);
  };

  try {
    for (const [name, url] of ASSETS) {
      await mkdir(join(tmp, "assets"), { recursive: true });
      await copyFile(url, join(tmp, "assets", name));
    }
    await write("index.html", <RootPage links={staticLinks("index.html")} />);
    const people = await allRecords(db, "person");
    const events = await allRecords(db, "event");
    const places = await allRecords(db, "place");
    const sources = await allRecords(db, "source");
    const organisations = await allRecords(db, "organisation");
    const officials = await publicOfficialCandidates(makeCtx(store, PUBLIC));
    const total = LANGS.length * (people.length + events.length + places.length + sources.length + organisations.length);
    let done = 0;
    const tick = (): void => options.onProgress?.(++done, total);
    const years = await db.selectFrom("memorial_facets").select(["value", "person_id"]).where("facet", "=", "year").execute();

    for (const lang of LANGS) {
      for (const kind of ["home", "events", "places", "sources", "statements", "at-risk", "trends"] as const) await build(lang, kind, kind === "home" ? "" : kind);
      await write(staticFile(lang, "about"), <AboutPage ctx={ctxFor(lang, staticFile(lang, "about"), "about")} />);

      // Index of names by first letter, in the reader's script first.
      const label = (p: PubRef): string => (lang === "fa" ? (p.labelFa ?? p.label) : (p.label ?? p.labelFa)) ?? "";
      const sorted = [...people].sort((a, b) => label(a).localeCompare(label(b), lang) || a.id.localeCompare(b.id));
      const byLetter = new Map<string, PubRef[]>();
      for (const p of sorted) byLetter.set(initial(label(p)), [...(byLetter.get(initial(label(p))) ?? []), p]);
      const letters = [...byLetter.keys()].sort((a, b) => (a === "#" ? 1 : b === "#" ? -1 : a.localeCompare(b, lang)));
      const letterGroups = letters.map((k) => ({ key: k, label: k, path: groupPath("names", k), n: byLetter.get(k)!.length }));
      const indexTitle = (lang === "fa" ? "فهرست نام‌ها" : "Index of names");
      await write(staticFile(lang, "names"), <IndexPage ctx={ctxFor(lang, staticFile(lang, "names"), "names")} title={indexTitle} groups={letterGroups} current={null} people={[]} acts={new Map()} refs={new Map()} />);
      for (const g of letterGroups) {
        const list = byLetter.get(g.key)!;
        for (let page = 0; page * INDEX_PAGE < list.length; page++) {
          const slice = list.slice(page * INDEX_PAGE, (page + 1) * INDEX_PAGE);
          const { acts, refs } = await personSummaries(db, slice);
          const file = staticFile(lang, g.path, page + 1);
          await write(file, <IndexPage ctx={ctxFor(lang, file, g.path)} title={`${indexTitle}: ${g.label}`} groups={letterGroups} current={g.key} people={slice} acts={acts} refs={refs} pager={{ path: g.path, page, total: list.length, size: INDEX_PAGE }} />);
        }
      }

      // By year of what happened to them.
      const byYear = new Map<string, Set<string>>();
      for (const y of years) byYear.set(y.value, (byYear.get(y.value) ?? new Set()).add(y.person_id));
      const peopleById = new Map(people.map((p) => [p.id, p]));
      const yearKeys = [...byYear.keys()].sort();
      const yearLabel = (y: string): string => (lang === "fa" ? `${new Intl.NumberFormat("fa-IR", { useGrouping: false }).format(Number(y))} (${new Intl.NumberFormat("fa-IR", { useGrouping: false }).format(Number(y) - 622)}–${new Intl.NumberFormat("fa-IR", { useGrouping: false }).format(Number(y) - 621)})` : y);
      const yearGroups = yearKeys.map((y) => ({ key: y, label: yearLabel(y), path: groupPath("years", y), n: [...byYear.get(y)!].filter((id) => peopleById.has(id)).length }));
      const yearsTitle = lang === "fa" ? "به تفکیک سال" : "By year";
      await write(staticFile(lang, "years"), <IndexPage ctx={ctxFor(lang, staticFile(lang, "years"), "years")} title={yearsTitle} groups={yearGroups} current={null} people={[]} acts={new Map()} refs={new Map()} />);
      for (const g of yearGroups) {
        const list = [...byYear.get(g.key)!].flatMap((id) => (peopleById.has(id) ? [peopleById.get(id)!] : [])).sort((a, b) => label(a).localeCompare(label(b), lang));
        for (let page = 0; page * INDEX_PAGE < list.length; page++) {
          const slice = list.slice(page * INDEX_PAGE, (page + 1) * INDEX_PAGE);
          const { acts, refs } = await personSummaries(db, slice);
          const file = staticFile(lang, g.path, page + 1);
          await write(file, <IndexPage ctx={ctxFor(lang, file, g.path)} title={`${yearsTitle}: ${g.label}`} groups={yearGroups} current={g.key} people={slice} acts={acts} refs={refs} pager={{ path: g.path, page, total: list.length, size: INDEX_PAGE }} />);
        }
      }

      for await (const batch of publicIdBatches(db, "person", 500)) {
        for (const id of batch) {
          await build(lang, "person", `people/${id}`, id);
          tick();
        }
      }
      for (const e of events) {
        const first = await presentEvent(db, e.id, 0);
        const pagesOf = Math.max(1, Math.ceil((first?.actCount ?? 0) / EVENT_PAGE_SIZE));
        for (let page = 0; page < pagesOf; page++) await build(lang, "event", `events/${e.id}`, e.id, page);
        tick();
      }
      for (const p of places) {
        const first = await presentPlace(db, p.id, 0);
        const pagesOf = Math.max(1, Math.ceil((first?.actCount ?? 0) / PLACE_PAGE_SIZE));
        for (let page = 0; page < pagesOf; page++) await build(lang, "place", `places/${p.id}`, p.id, page);
        tick();
      }
      for (const s of sources) {
        const first = await presentSource(db, s.id, 0);
        const pagesOf = Math.max(1, Math.ceil((first?.citingCount ?? 0) / SOURCE_PAGE_SIZE));
        for (let page = 0; page < pagesOf; page++) await build(lang, "source", `sources/${s.id}`, s.id, page);
        tick();
      }
      for (const o of organisations) {
        await build(lang, "organisation", `organisations/${o.id}`, o.id);
        tick();
      }
      // Officials' careers: a page for each candidate the accountability module does not refuse.
      for (const id of officials) await build(lang, "official", `officials/${id}`, id);
    }
    for (const [digest, sourceId] of media) {
      const copy = await evidence.publicCopy(digest, [sourceId]);
      if (!copy) continue;
      const file = join(tmp, mediaFile(digest));
      await mkdir(dirname(file), { recursive: true });
      await writeFile(file, copy.body);
    }
    if (existsSync(target)) await rm(target, { recursive: true, force: true });
    await rename(tmp, target);
    return { dir: target, pages, people: people.length, media: media.size };
  } catch (e) {
    await rm(tmp, { recursive: true, force: true });
    throw e;
  }
}
