import { makeCtx, PUBLIC } from "../core/context.ts";
import { forgetTerms, termLabels } from "../records/index.ts";
import type { Store } from "../store/index.ts";
import { renderPage, type Lang } from "../web/index.ts";
import type { EvidencePort } from "./evidence.ts";
import { serverLinks } from "./links.ts";
import { PublicNameIndex } from "./name-index.ts";
import { makePageCtx, type PageCtx } from "./pages/common.tsx";
import type { PublicPost } from "./pages/tributes.tsx";
import { SearchPage } from "./pages/lists.tsx";
import { mergedTarget, searchMemorial, type SearchIndexes, type SearchParams } from "./presenters/index.ts";
import { PublicFacetIndex } from "./facet-index.ts";
import { buildPage, type PageKind } from "./render.tsx";
import { RecordNumbers } from "./record-numbers.ts";
import { memorialDb, type MemorialDb } from "./schema.ts";
import { ApprovedPostsReader } from "./tributes.ts";

/**
 * A page's HTML: text, or its UTF-8 bytes lent from a render thread's shared
 * memory (render-pool.ts), given back with `release` once the response is over.
 */
export type Html = string | LentHtml;
export interface LentHtml {
  readonly bytes: Buffer;
  readonly release: () => void;
}

/** What rendering one public page gave: its HTML, the survivor of a merged record, or nothing public by that id. */
export type Rendered = { kind: "html"; html: Html } | { kind: "moved"; to: string } | { kind: "missing" };

/**
 * Renders the memorial's public pages, the ones every visitor sees alike
 * (no form state): read-only work through the public presenters. The server
 * runs it in its own thread, or in worker threads (render-pool.ts) so that
 * pages are built on every core; both give the same HTML.
 */
export interface PublicRenderer {
  page(lang: Lang, kind: PageKind, id: string | undefined, page: number, token: string): Promise<Rendered>;
  search(lang: Lang, params: SearchParams): Promise<Html>;
  /** The records, moderation or vocabularies changed: derived data held in memory is read again. */
  changed(): void;
  /**
   * Reads what searches are answered from (the public name and facet
   * indexes, a few seconds at 100,000 people) before any visitor waits for it.
   */
  warm(): Promise<void>;
  close(): Promise<void>;
}

/** A renderer in the calling thread: its pages are text. */
export interface TextRenderer extends PublicRenderer {
  page(lang: Lang, kind: PageKind, id: string | undefined, page: number, token: string): Promise<{ kind: "html"; html: string } | Exclude<Rendered, { kind: "html" }>>;
  search(lang: Lang, params: SearchParams): Promise<string>;
  /** Up to `n` public people, each with one of their public names, spread over the name index as last read. */
  samplePeople(n: number): { id: string; name: string }[];
}

/** The search's indexes, numbering records alike, so that name hits reach the facets as numbers. */
export function searchIndexes(db: MemorialDb): SearchIndexes {
  const numbers = new RecordNumbers();
  return { people: new PublicNameIndex(db, ["person"], numbers), others: new PublicNameIndex(db, ["event", "place", "organisation", "source"], numbers), facets: new PublicFacetIndex(db, numbers) };
}

export function localRenderer(store: Store, evidence: EvidencePort): TextRenderer {
  const db = memorialDb(store.db);
  const indexes = searchIndexes(db);
  const posts = new ApprovedPostsReader(db);
  const postsOf = (recordId: string): Promise<PublicPost[]> => posts.of(recordId);
  const pageCtx = async (lang: Lang, path: string): Promise<PageCtx> => makePageCtx(lang, serverLinks(), path, await termLabels(makeCtx(store, PUBLIC)));
  return {
    async page(lang, kind, id, page, token) {
      const vnode = await buildPage(store, await pageCtx(lang, ""), kind, id, page, { token, state: undefined, evidence, posts: postsOf });
      if (vnode) return { kind: "html", html: renderPage(vnode) };
      if (id && (kind === "person" || kind === "event" || kind === "place" || kind === "source" || kind === "organisation")) {
        const to = await mergedTarget(db, id);
        if (to) return { kind: "moved", to };
      }
      return { kind: "missing" };
    },
    async search(lang, params) {
      const result = await searchMemorial(store, params, indexes);
      return renderPage(<SearchPage ctx={await pageCtx(lang, "search")} params={params} r={result} />);
    },
    changed() {
      indexes.people.invalidate();
      indexes.others.invalidate();
      indexes.facets.invalidate();
      forgetTerms(store);
      posts.forget();
    },
    async warm() {
      await Promise.all([indexes.people.ready(), indexes.others.ready(), indexes.facets.ready()]);
    },
    samplePeople(n) {
      return indexes.people.samples(n);
    },
    async close() {},
  };
}
