import { createHash } from "node:crypto";
import { VigilError } from "../core/errors.ts";
import { classifyItem, defaultDetector, type ClassifiedItem } from "./classify.ts";
import type { Detector } from "./detect.ts";
import { decodeBody } from "./decode.ts";
import { FetchError, safeFetch, type FetchFailureKind, type FetchOptions, type FetchResult } from "./fetcher.ts";
import { parseFeedDocument } from "./feeds.ts";
import { extractArticle } from "./html.ts";

export type SourceKind = "feed" | "page";

/** What went wrong on one poll of a source, as shown to staff. */
export interface SourceFailure {
  at: string;
  kind: FetchFailureKind | "parse" | "internal";
  message: string;
  url: string;
  httpStatus?: number;
}

/** A watched source and its polling state. */
export interface SourceState {
  id: string;
  url: string;
  kind: SourceKind;
  title?: string;
  /** Minutes between polls while all is well. */
  intervalMinutes: number;
  enabled: boolean;
  /** Permit loopback and private addresses for this source (intranets, tests). */
  allowPrivate?: boolean;
  etag?: string;
  lastModified?: string;
  lastPolledAt?: string;
  lastSuccessAt?: string;
  nextPollAt?: string;
  consecutiveFailures: number;
  lastFailure?: SourceFailure;
  /** Warnings of the last successful poll (encoding problems, skipped entries). */
  lastWarnings?: string[];
  /** For pages: hash of the last extracted text, so an unchanged page gives no new item. */
  contentHash?: string;
}

/** An item collected from a source, classified, ready for triage. */
export interface CollectedItem {
  sourceId: string;
  /** Unique within the source: feed guid or link, or page URL with its content hash. */
  key: string;
  url?: string;
  title: string;
  text: string;
  published?: string;
  fetchedAt: string;
  classification: ClassifiedItem;
}

/**
 * Where the poller keeps sources and items. The store implements it for
 * `vigil monitor run`; tests use the in-memory one.
 */
export interface MonitorRepository {
  /** Enabled sources whose next poll is due at `now` (or never polled). */
  dueSources(now: Date): Promise<SourceState[]>;
  updateSource(id: string, patch: Partial<Omit<SourceState, "id">>): Promise<void>;
  /** Keeps a failure in the source's history. */
  recordFailure(sourceId: string, failure: SourceFailure): Promise<void>;
  /** Stores items whose key is new for their source; returns the ones stored. */
  addItems(items: CollectedItem[]): Promise<CollectedItem[]>;
}

export interface PollOptions {
  now?: () => Date;
  fetch?: (url: string, opts: FetchOptions) => Promise<FetchResult>;
  sleep?: (ms: number) => Promise<void>;
  detector?: Detector;
  /** Allow private and loopback addresses: for every source (true) or for these hosts. */
  allowPrivate?: boolean | readonly string[];
  /** Pause between two requests to one host. */
  perHostDelayMs?: number;
  /** Hosts polled at the same time. */
  concurrency?: number;
  /** Longest wait after repeated failures. */
  maxBackoffMinutes?: number;
  fetchOptions?: FetchOptions;
  /** Called after each source, for progress bars. */
  onSource?: (source: SourceState, outcome: SourceOutcome) => void;
}

export type SourceOutcome =
  | { status: "ok"; newItems: number; entries: number; warnings: string[] }
  | { status: "not-modified" }
  | { status: "failed"; failure: SourceFailure };

export interface PollReport {
  sources: number;
  ok: number;
  notModified: number;
  failed: { sourceId: string; url: string; failure: SourceFailure }[];
  newItems: CollectedItem[];
  durationMs: number;
}

const DEFAULTS = { perHostDelayMs: 2000, concurrency: 8, maxBackoffMinutes: 24 * 60 };

/** Minutes to wait after `failures` consecutive failures: doubling from the interval, capped, at least what the server asked. */
export function backoffMinutes(intervalMinutes: number, failures: number, maxMinutes: number, retryAfterSeconds?: number): number {
  const doubled = Math.min(maxMinutes, intervalMinutes * 2 ** Math.min(failures, 20));
  const asked = retryAfterSeconds === undefined ? 0 : Math.min(maxMinutes, Math.ceil(retryAfterSeconds / 60));
  return Math.max(doubled, asked);
}

const addMinutes = (d: Date, m: number): string => new Date(d.getTime() + m * 60_000).toISOString();
const header = (h: FetchResult["headers"], name: string): string | undefined => {
  const v = h[name];
  return Array.isArray(v) ? v[0] : v;
};

function failureOf(err: unknown, url: string, at: string): SourceFailure {
  if (err instanceof FetchError) return { at, kind: err.kind, message: err.message, url: err.url, ...(err.httpStatus ? { httpStatus: err.httpStatus } : {}) };
  if (err instanceof VigilError) return { at, kind: "parse", message: err.message, url };
  return { at, kind: "internal", message: err instanceof Error ? err.message : String(err), url };
}

async function pollSource(source: SourceState, repo: MonitorRepository, o: Required<Pick<PollOptions, "now" | "fetch" | "maxBackoffMinutes">> & PollOptions, detector: Detector): Promise<{ outcome: SourceOutcome; items: CollectedItem[] }> {
  const started = o.now();
  const at = started.toISOString();
  try {
    const res = await o.fetch(source.url, {
      ...o.fetchOptions,
      allowPrivate: source.allowPrivate === true ? true : (o.allowPrivate ?? false),
      ...(source.etag ? { etag: source.etag } : {}),
      ...(source.lastModified ? { lastModified: source.lastModified } : {}),
    });
    const validators = { ...(header(res.headers, "etag") ? { etag: header(res.headers, "etag")! } : {}), ...(header(res.headers, "last-modified") ? { lastModified: header(res.headers, "last-modified")! } : {}) };
    if (res.notModified) {
      await repo.updateSource(source.id, { ...validators, lastPolledAt: at, lastSuccessAt: at, consecutiveFailures: 0, nextPollAt: addMinutes(started, source.intervalMinutes) });
      return { outcome: { status: "not-modified" }, items: [] };
    }
    const decoded = decodeBody(res.body, header(res.headers, "content-type"));
    const warnings = [...decoded.warnings];
    const collected: CollectedItem[] = [];
    let contentHash: string | undefined;
    let title: string | undefined;
    if (source.kind === "feed") {
      const feed = parseFeedDocument(decoded.text, res.url);
      title = feed.title || undefined;
      for (const e of feed.entries) {
        if (!e.title && !e.text) {
          warnings.push(`entry ${e.key} has neither title nor text; skipped`);
          continue;
        }
        const classification = classifyItem({ id: e.key, title: e.title, text: e.text, ...(e.url ? { url: e.url } : {}), ...(e.published ? { published: e.published } : {}), ...(e.lang ?? feed.lang ? { lang: (e.lang ?? feed.lang)! } : {}) }, detector);
        collected.push({ sourceId: source.id, key: e.key, ...(e.url ? { url: e.url } : {}), title: e.title, text: e.text, ...(e.published ? { published: e.published } : {}), fetchedAt: at, classification });
      }
    } else {
      const article = extractArticle(decoded.text, res.url);
      title = article.title || undefined;
      contentHash = createHash("sha256").update(`${article.title}\n${article.text}`).digest("hex");
      if (contentHash !== source.contentHash && (article.text || article.title)) {
        const published = article.publishedTime && !Number.isNaN(Date.parse(article.publishedTime)) ? new Date(Date.parse(article.publishedTime)).toISOString() : undefined;
        const key = `${res.url}#${contentHash.slice(0, 16)}`;
        const classification = classifyItem({ id: key, title: article.title, text: article.text, url: res.url, ...(published ? { published } : {}), ...(article.lang ? { lang: article.lang } : {}) }, detector);
        collected.push({ sourceId: source.id, key, url: res.url, title: article.title, text: article.text, ...(published ? { published } : {}), fetchedAt: at, classification });
      }
    }
    const stored = await repo.addItems(collected);
    await repo.updateSource(source.id, {
      ...validators,
      ...(title && !source.title ? { title } : {}),
      ...(contentHash ? { contentHash } : {}),
      lastPolledAt: at,
      lastSuccessAt: at,
      consecutiveFailures: 0,
      lastWarnings: warnings,
      nextPollAt: addMinutes(started, source.intervalMinutes),
    });
    return { outcome: { status: "ok", newItems: stored.length, entries: collected.length, warnings }, items: stored };
  } catch (err) {
    const failure = failureOf(err, source.url, at);
    const failures = source.consecutiveFailures + 1;
    const wait = backoffMinutes(source.intervalMinutes, failures, o.maxBackoffMinutes, err instanceof FetchError ? err.retryAfter : undefined);
    // Recording must not throw either: one source's trouble never stops the others.
    try {
      await repo.recordFailure(source.id, failure);
      await repo.updateSource(source.id, { lastPolledAt: at, consecutiveFailures: failures, lastFailure: failure, nextPollAt: addMinutes(started, wait) });
    } catch {
      /* the failure is still in the report */
    }
    return { outcome: { status: "failed", failure }, items: [] };
  }
}

function hostOf(url: string): string {
  try {
    return new URL(url).hostname.toLowerCase();
  } catch {
    return url;
  }
}

/**
 * One poll cycle: every due source is fetched with conditional requests,
 * parsed (feed) or read (page), and its new entries classified and stored.
 * Sources on one host are fetched one after another with a pause between
 * them; hosts are polled in parallel up to `concurrency`. A source that
 * fails is recorded with why and backs off; the others carry on.
 */
export async function pollOnce(repo: MonitorRepository, options: PollOptions = {}): Promise<PollReport> {
  const o = {
    ...options,
    now: options.now ?? (() => new Date()),
    fetch: options.fetch ?? safeFetch,
    sleep: options.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms))),
    maxBackoffMinutes: options.maxBackoffMinutes ?? DEFAULTS.maxBackoffMinutes,
  };
  const perHostDelay = options.perHostDelayMs ?? DEFAULTS.perHostDelayMs;
  const concurrency = Math.max(1, options.concurrency ?? DEFAULTS.concurrency);
  const detector = options.detector ?? defaultDetector();
  const t0 = Date.now();
  const due = await repo.dueSources(o.now());
  const byHost = new Map<string, SourceState[]>();
  for (const s of due) {
    const h = hostOf(s.url);
    byHost.set(h, [...(byHost.get(h) ?? []), s]);
  }
  const report: PollReport = { sources: due.length, ok: 0, notModified: 0, failed: [], newItems: [], durationMs: 0 };
  const queues = [...byHost.values()];
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < queues.length) {
      const queue = queues[next++]!;
      for (let i = 0; i < queue.length; i++) {
        if (i > 0 && perHostDelay > 0) await o.sleep(perHostDelay);
        const source = queue[i]!;
        const { outcome, items } = await pollSource(source, repo, o, detector);
        if (outcome.status === "ok") report.ok++;
        else if (outcome.status === "not-modified") report.notModified++;
        else report.failed.push({ sourceId: source.id, url: source.url, failure: outcome.failure });
        report.newItems.push(...items);
        options.onSource?.(source, outcome);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, queues.length) }, worker));
  report.durationMs = Date.now() - t0;
  return report;
}
