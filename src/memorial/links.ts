import type { Lang } from "../web/index.ts";

/**
 * Where links point. On the server every link is a path from the root
 * (`/fa/people/…`), never an absolute URL, so the memorial works unchanged
 * behind an onion address. In the static mirror every link is relative to the
 * page (`../people/….html`), so the copy opens from disk.
 */
export type LinkMode = { kind: "server" } | { kind: "static" };

export interface Links {
  mode: LinkMode;
  /** A page of the memorial by its canonical path (`people/ID`, `` for home) in a language. */
  page(lang: Lang, path: string, query?: Record<string, string | undefined>): string;
  /** The site root (the language choice). */
  root(): string;
  /** A file under /assets/. */
  asset(name: string): string;
  /** The base of assets, ending in a slash. */
  assetBase(): string;
  /** A public copy of evidence (an image without metadata) cited through a public source. */
  media(sourceId: string, digest: string): string;
}

/** The file name of a public copy in the static mirror. */
export const mediaFile = (digest: string): string => `media/${digest.replace(/^sha256:/, "")}.jpg`;

function queryString(query: Record<string, string | undefined> | undefined): string {
  if (!query) return "";
  const entries = Object.entries(query).filter(([, v]) => v !== undefined && v !== "");
  if (!entries.length) return "";
  return `?${new URLSearchParams(entries as [string, string][]).toString()}`;
}

export function serverLinks(): Links {
  return {
    mode: { kind: "server" },
    page: (lang, path, query) => `/${lang}/${path}${queryString(query)}`,
    root: () => "/",
    asset: (name) => `/assets/${name}`,
    assetBase: () => "/assets/",
    media: (sourceId, digest) => `/media/${sourceId}/${digest}`,
  };
}

/** The file a static page is written to, relative to the mirror's root. */
export function staticFile(lang: Lang | null, path: string, pageNumber?: number): string {
  if (lang === null) return "index.html";
  const base = path === "" ? `${lang}/index` : `${lang}/${path.replace(/\/$/, "")}`;
  return `${base}${pageNumber && pageNumber > 1 ? `-p${pageNumber}` : ""}.html`;
}

/** Links for a static page written at `fromFile` (relative to the mirror's root). */
export function staticLinks(fromFile: string): Links {
  const depth = fromFile.split("/").length - 1;
  const up = "../".repeat(depth);
  return {
    mode: { kind: "static" },
    page: (lang, path, query) => {
      const page = query?.page ? Number(query.page) : undefined;
      const file = staticFile(lang, path, page);
      const anchor = query?.["#"] ? `#${query["#"]}` : "";
      return `${up}${file}${anchor}`;
    },
    root: () => `${up}index.html`,
    asset: (name) => `${up}assets/${name}`,
    assetBase: () => `${up}assets/`,
    media: (_sourceId, digest) => `${up}${mediaFile(digest)}`,
  };
}
