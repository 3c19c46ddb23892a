import { lookup as dnsLookup, type LookupAddress } from "node:dns";
import { request as httpRequest, type IncomingMessage } from "node:http";
import { request as httpsRequest } from "node:https";
import { isIP, type LookupFunction } from "node:net";
import { createBrotliDecompress, createGunzip, createInflate } from "node:zlib";
import type { Readable } from "node:stream";
import { VigilError, type ErrorCode } from "../core/errors.ts";
import { isNonPublicAddress } from "./net-guard.ts";

/** Why a fetch failed; recorded on the source so staff see what went wrong. */
export type FetchFailureKind = "bad_url" | "unsupported_scheme" | "blocked_address" | "dns" | "timeout" | "too_large" | "too_many_redirects" | "network" | "http_status" | "decompression";

const CODE: Record<FetchFailureKind, ErrorCode> = {
  bad_url: "validation",
  unsupported_scheme: "unsupported",
  blocked_address: "forbidden",
  dns: "not_found",
  timeout: "import_failed",
  too_large: "too_large",
  too_many_redirects: "import_failed",
  network: "import_failed",
  http_status: "import_failed",
  decompression: "import_failed",
};

/** A failed fetch, with the kind of failure and (for HTTP errors) the status and Retry-After. */
export class FetchError extends VigilError {
  readonly kind: FetchFailureKind;
  readonly url: string;
  readonly httpStatus: number | undefined;
  /** Seconds the server asked us to wait (429/503 Retry-After). */
  readonly retryAfter: number | undefined;
  constructor(kind: FetchFailureKind, url: string, message: string, extra: { httpStatus?: number; retryAfter?: number; cause?: unknown } = {}) {
    super(CODE[kind], message, extra.cause === undefined ? {} : { cause: extra.cause });
    this.name = "FetchError";
    this.kind = kind;
    this.url = url;
    this.httpStatus = extra.httpStatus;
    this.retryAfter = extra.retryAfter;
  }
}

export interface FetchOptions {
  /**
   * Allow loopback and private addresses: true for all, or a list of host
   * names or IP literals (an intranet server, a test server) for which they are
   * allowed while every other private address stays refused. Off by default.
   */
  allowPrivate?: boolean | readonly string[];
  /** Largest body accepted, after decompression. */
  maxBytes?: number;
  /** Whole request, redirects included. */
  timeoutMs?: number;
  maxRedirects?: number;
  /** Conditional request validators from the previous poll. */
  etag?: string;
  lastModified?: string;
  accept?: string;
  userAgent?: string;
  /** Extra headers (webhooks: signature, content type). */
  headers?: Record<string, string>;
  method?: "GET" | "POST";
  body?: string | Buffer;
}

export interface FetchResult {
  status: number;
  /** The URL after redirects. */
  url: string;
  redirects: string[];
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
  notModified: boolean;
}

export const DEFAULT_FETCH: Required<Pick<FetchOptions, "maxBytes" | "timeoutMs" | "maxRedirects" | "userAgent" | "accept">> = {
  maxBytes: 5 * 1024 * 1024,
  timeoutMs: 20_000,
  maxRedirects: 5,
  userAgent: "Vigil-monitor/0.1 (+https://github.com/vigil; human-rights monitoring)",
  accept: "application/rss+xml, application/atom+xml, application/feed+json, application/json;q=0.9, application/xml;q=0.9, text/xml;q=0.9, text/html;q=0.8, */*;q=0.5",
};

/** A DNS lookup that refuses names resolving to non-public addresses; the checked address is the one connected to. */
type Allowance = boolean | readonly string[];
const allows = (allowance: Allowance, host: string): boolean => allowance === true || (Array.isArray(allowance) && allowance.includes(host.toLowerCase()));

function guardedLookup(url: string, allowance: Allowance): LookupFunction {
  return (hostname, options, callback) => {
    const allowPrivate = allows(allowance, hostname);
    dnsLookup(hostname, { ...options, all: true }, (err, addresses: LookupAddress[]) => {
      if (err) return callback(new FetchError("dns", url, `cannot resolve ${hostname}: ${err.code ?? err.message}`, { cause: err }), "", 4);
      const usable = allowPrivate ? addresses : addresses.filter((a) => !isNonPublicAddress(a.address));
      if (usable.length === 0) {
        return callback(new FetchError("blocked_address", url, `${hostname} resolves to a private or loopback address (${addresses.map((a) => a.address).join(", ")}); requests there are not allowed`), "", 4);
      }
      if (options.all) return callback(null, usable);
      callback(null, usable[0]!.address, usable[0]!.family);
    });
  };
}

function checkUrl(raw: string, allowance: Allowance): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch (err) {
    throw new FetchError("bad_url", raw, `not a valid URL: ${JSON.stringify(raw.slice(0, 200))}`, { cause: err });
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") throw new FetchError("unsupported_scheme", raw, `only http and https URLs are fetched, not ${url.protocol}`);
  const host = url.hostname.replace(/^\[|\]$/g, "");
  const allowPrivate = allows(allowance, host) || allows(allowance, url.hostname);
  // Node skips the lookup for IP literals, so they are checked here.
  if (isIP(host) && !allowPrivate && isNonPublicAddress(host)) throw new FetchError("blocked_address", raw, `${host} is a private or loopback address; requests there are not allowed`);
  if (!allowPrivate && /^(.*\.localhost|.*\.local|.*\.internal)$/i.test(host)) throw new FetchError("blocked_address", raw, `${host} is a local name; requests there are not allowed`);
  return url;
}

function decoded(res: IncomingMessage, url: string): Readable {
  const enc = String(res.headers["content-encoding"] ?? "").trim().toLowerCase();
  if (enc === "gzip" || enc === "x-gzip") return res.pipe(createGunzip());
  if (enc === "deflate") return res.pipe(createInflate());
  if (enc === "br") return res.pipe(createBrotliDecompress());
  if (enc && enc !== "identity") throw new FetchError("decompression", url, `unsupported content encoding ${enc}`);
  return res;
}

function retryAfterSeconds(v: string | string[] | undefined, now: number): number | undefined {
  const s = Array.isArray(v) ? v[0] : v;
  if (!s) return undefined;
  if (/^\d+$/.test(s.trim())) return Number(s.trim());
  const t = Date.parse(s);
  return Number.isNaN(t) ? undefined : Math.max(0, Math.round((t - now) / 1000));
}

function once(url: URL, opts: FetchOptions, deadline: number, signal: AbortSignal): Promise<{ res: IncomingMessage; body?: Buffer }> {
  const maxBytes = opts.maxBytes ?? DEFAULT_FETCH.maxBytes;
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = {
      "user-agent": opts.userAgent ?? DEFAULT_FETCH.userAgent,
      accept: opts.accept ?? DEFAULT_FETCH.accept,
      "accept-encoding": "gzip, deflate, br",
      ...(opts.etag ? { "if-none-match": opts.etag } : {}),
      ...(opts.lastModified ? { "if-modified-since": opts.lastModified } : {}),
      ...(opts.headers ?? {}),
    };
    const body = opts.body === undefined ? undefined : Buffer.isBuffer(opts.body) ? opts.body : Buffer.from(opts.body);
    if (body) headers["content-length"] = String(body.length);
    const req = (url.protocol === "https:" ? httpsRequest : httpRequest)(url, {
      method: opts.method ?? "GET",
      headers,
      lookup: guardedLookup(url.href, opts.allowPrivate ?? false),
      signal,
      timeout: Math.max(1, deadline - Date.now()),
    });
    req.on("timeout", () => req.destroy(new FetchError("timeout", url.href, `no answer within ${opts.timeoutMs ?? DEFAULT_FETCH.timeoutMs} ms`)));
    req.on("error", (err) => {
      if (err instanceof FetchError) return reject(err);
      if (signal.aborted) return reject(new FetchError("timeout", url.href, `no complete answer within ${opts.timeoutMs ?? DEFAULT_FETCH.timeoutMs} ms`, { cause: err }));
      reject(new FetchError("network", url.href, `request failed: ${(err as NodeJS.ErrnoException).code ?? err.message}`, { cause: err }));
    });
    req.on("response", (res) => {
      const status = res.statusCode ?? 0;
      if ((status >= 300 && status < 400) || status === 204) {
        res.resume();
        return resolve({ res });
      }
      const declared = Number(res.headers["content-length"]);
      if (Number.isFinite(declared) && declared > maxBytes) {
        res.destroy();
        return reject(new FetchError("too_large", url.href, `the answer is ${declared} bytes, more than the limit of ${maxBytes}`));
      }
      let stream: Readable;
      try {
        stream = decoded(res, url.href);
      } catch (err) {
        res.destroy();
        return reject(err instanceof Error ? err : new FetchError("decompression", url.href, String(err)));
      }
      const chunks: Buffer[] = [];
      let size = 0;
      stream.on("data", (chunk: Buffer) => {
        size += chunk.length;
        // Counted after decompression, so a small compressed bomb cannot fill memory.
        if (size > maxBytes) {
          res.destroy();
          stream.destroy();
          reject(new FetchError("too_large", url.href, `the answer is larger than the limit of ${maxBytes} bytes`));
          return;
        }
        chunks.push(chunk);
      });
      stream.on("error", (err) => reject(err instanceof FetchError ? err : new FetchError(signal.aborted ? "timeout" : "decompression", url.href, `cannot read the answer: ${err.message}`, { cause: err })));
      res.on("aborted", () => reject(new FetchError("network", url.href, "the connection closed before the answer was complete")));
      stream.on("end", () => resolve({ res, body: Buffer.concat(chunks) }));
    });
    req.end(body);
  });
}

/**
 * Fetches a URL with the monitoring rules: http(s) only; no private or
 * loopback address (checked on the address actually connected to, and again
 * after every redirect) unless allowed; limits on size (after decompression),
 * total time and redirects; conditional request headers when validators are
 * given. HTTP errors and every other failure are thrown as `FetchError`.
 */
export async function safeFetch(rawUrl: string, opts: FetchOptions = {}): Promise<FetchResult> {
  const allowPrivate: Allowance = opts.allowPrivate ?? false;
  const timeoutMs = opts.timeoutMs ?? DEFAULT_FETCH.timeoutMs;
  const maxRedirects = opts.maxRedirects ?? DEFAULT_FETCH.maxRedirects;
  const deadline = Date.now() + timeoutMs;
  const signal = AbortSignal.timeout(timeoutMs);
  let url = checkUrl(rawUrl, allowPrivate);
  const redirects: string[] = [];
  let method = opts.method ?? "GET";
  let body = opts.body;
  for (;;) {
    const { res, body: data } = await once(url, { ...opts, method, ...(body === undefined ? {} : { body }) }, deadline, signal);
    const status = res.statusCode ?? 0;
    if (status >= 300 && status < 400 && status !== 304) {
      const location = res.headers.location;
      if (!location) throw new FetchError("http_status", url.href, `HTTP ${status} without a Location header`, { httpStatus: status });
      if (redirects.length >= maxRedirects) throw new FetchError("too_many_redirects", rawUrl, `more than ${maxRedirects} redirects (last: ${url.href})`);
      let next: URL;
      try {
        next = new URL(location, url);
      } catch (err) {
        throw new FetchError("bad_url", url.href, `redirect to an invalid URL ${JSON.stringify(location.slice(0, 200))}`, { cause: err });
      }
      url = checkUrl(next.href, allowPrivate);
      redirects.push(url.href);
      if (status === 303 || ((status === 301 || status === 302) && method === "POST")) {
        method = "GET";
        body = undefined;
      }
      continue;
    }
    if (status === 304) return { status, url: url.href, redirects, headers: res.headers, body: Buffer.alloc(0), notModified: true };
    if (status < 200 || status >= 300) {
      throw new FetchError("http_status", url.href, `HTTP ${status}${res.statusMessage ? ` ${res.statusMessage}` : ""}`, { httpStatus: status, ...(retryAfterSeconds(res.headers["retry-after"], Date.now()) !== undefined ? { retryAfter: retryAfterSeconds(res.headers["retry-after"], Date.now())! } : {}) });
    }
    return { status, url: url.href, redirects, headers: res.headers, body: data ?? Buffer.alloc(0), notModified: false };
  }
}
