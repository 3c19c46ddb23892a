import { createHash } from "node:crypto";
import { parseFeed } from "feedsmith";
import { VigilError } from "../core/errors.ts";
import { htmlToText } from "./html.ts";

/** One entry of a feed, reduced to what monitoring needs. */
export interface FeedEntry {
  /** Stable key within the source: guid, else link, else a hash of title and date. */
  key: string;
  title: string;
  text: string;
  url?: string;
  /** ISO 8601 when the feed's date could be read. */
  published?: string;
  /** The date as the feed wrote it, when it could not be read. */
  publishedRaw?: string;
  author?: string;
  lang?: string;
}

export interface ParsedFeed {
  format: "rss" | "atom" | "rdf" | "json";
  title: string;
  entries: FeedEntry[];
  lang?: string;
}

function isoDate(raw: unknown): { published?: string; publishedRaw?: string } {
  if (typeof raw !== "string" || !raw.trim()) return {};
  const t = Date.parse(raw);
  return Number.isNaN(t) ? { publishedRaw: raw } : { published: new Date(t).toISOString() };
}

function absolute(link: string | undefined, base: string | undefined): string | undefined {
  if (!link) return undefined;
  try {
    const u = new URL(link, base);
    return u.protocol === "http:" || u.protocol === "https:" ? u.href : undefined;
  } catch {
    return undefined;
  }
}

function key(guid: string | undefined, url: string | undefined, title: string, date: string | undefined): string {
  if (guid?.trim()) return guid.trim();
  if (url) return url;
  return `sha256:${createHash("sha256").update(`${title}\u0000${date ?? ""}`).digest("hex").slice(0, 32)}`;
}

const text = (v: unknown): string => (typeof v === "string" ? v : typeof v === "object" && v !== null && "value" in v && typeof (v).value === "string" ? (v as { value: string }).value : "");

/**
 * Parses an RSS, Atom, RDF or JSON Feed document (feedsmith) into entries
 * with plain text. A document that is not a feed is a `validation` error that
 * says so; an entry without any text is kept with its title.
 */
export function parseFeedDocument(body: string, baseUrl?: string): ParsedFeed {
  let input: unknown = body;
  const trimmed = body.trimStart();
  if (trimmed.startsWith("{")) {
    try {
      input = JSON.parse(trimmed);
    } catch (err) {
      throw new VigilError("validation", `the JSON feed is not valid JSON: ${(err as Error).message}`, { cause: err });
    }
  }
  let parsed: ReturnType<typeof parseFeed>;
  try {
    parsed = parseFeed(input);
  } catch (err) {
    throw new VigilError("validation", `not a readable RSS, Atom or JSON feed (${(err as Error).message})`, { cause: err });
  }
  const entries: FeedEntry[] = [];
  switch (parsed.format) {
    case "rss": {
      const f = parsed.feed;
      for (const it of f.items ?? []) {
        const url = absolute(it.link ?? (it.guid?.isPermaLink !== false ? it.guid?.value : undefined), baseUrl);
        const title = htmlToText(it.title ?? "");
        const html = it.content?.encoded ?? it.description ?? "";
        const d = isoDate(it.pubDate ?? it.dc?.dates?.[0]);
        entries.push({ key: key(it.guid?.value, url, title, d.published ?? d.publishedRaw), title, text: htmlToText(html), ...(url ? { url } : {}), ...d, ...(it.authors?.[0]?.name ?? it.authors?.[0]?.email ? { author: (it.authors[0].name ?? it.authors[0].email)! } : {}) });
      }
      return { format: "rss", title: htmlToText(f.title ?? ""), entries, ...(f.language ? { lang: f.language } : {}) };
    }
    case "atom": {
      const f = parsed.feed;
      for (const e of f.entries ?? []) {
        const link = e.links?.find((l) => !l.rel || l.rel === "alternate") ?? e.links?.[0];
        const url = absolute(link?.href, baseUrl);
        const title = htmlToText(text(e.title));
        const d = isoDate(e.published ?? e.updated);
        entries.push({ key: key(e.id, url, title, d.published ?? d.publishedRaw), title, text: htmlToText(text(e.content) || text(e.summary)), ...(url ? { url } : {}), ...d, ...(e.authors?.[0]?.name ? { author: e.authors[0].name } : {}) });
      }
      return { format: "atom", title: htmlToText(text(f.title)), entries };
    }
    case "rdf": {
      const f = parsed.feed;
      for (const it of f.items ?? []) {
        const url = absolute(it.link, baseUrl);
        const title = htmlToText(it.title ?? "");
        const d = isoDate(it.dc?.dates?.[0]);
        entries.push({ key: key(it.rdf?.about, url, title, d.published ?? d.publishedRaw), title, text: htmlToText(it.description ?? ""), ...(url ? { url } : {}), ...d });
      }
      return { format: "rdf", title: htmlToText(f.title ?? ""), entries };
    }
    case "json": {
      const f = parsed.feed;
      for (const it of f.items ?? []) {
        const url = absolute(it.url ?? it.external_url, baseUrl);
        const title = htmlToText(it.title ?? "");
        const d = isoDate(it.date_published ?? it.date_modified);
        const body = it.content_text ?? (it.content_html ? htmlToText(it.content_html) : (it.summary ?? ""));
        entries.push({ key: key(it.id, url, title, d.published ?? d.publishedRaw), title, text: body, ...(url ? { url } : {}), ...d, ...(it.authors?.[0]?.name ? { author: it.authors[0].name } : {}), ...(it.language ? { lang: it.language } : {}) });
      }
      return { format: "json", title: htmlToText(f.title ?? ""), entries, ...(f.language ? { lang: f.language } : {}) };
    }
  }
}
