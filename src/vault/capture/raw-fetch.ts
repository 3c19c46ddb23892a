import { request as httpRequest, type IncomingMessage } from "node:http";
import { request as httpsRequest } from "node:https";
import { VigilError } from "../../core/errors.ts";
import type { HttpExchange } from "./warc.ts";
import { resolveTarget } from "./net-guard.ts";

export interface RawFetchOptions {
  allowPrivate?: boolean;
  maxBytes?: number;
  timeoutMs?: number;
  maxRedirects?: number;
  userAgent?: string;
}

export const DEFAULT_USER_AGENT = "Mozilla/5.0 (compatible; Vigil evidence capture)";

/**
 * Fetches a URL with node's HTTP client, following redirects by hand so that
 * every hop is checked against private ranges and recorded. Bodies are kept
 * exactly as sent (Content-Encoding untouched); only chunking is undone.
 */
export async function rawFetch(url: string, opts: RawFetchOptions = {}): Promise<HttpExchange[]> {
  const exchanges: HttpExchange[] = [];
  let next = url;
  const maxRedirects = opts.maxRedirects ?? 5;
  for (let hop = 0; hop <= maxRedirects; hop++) {
    const ex = await fetchOnce(next, opts);
    exchanges.push(ex);
    const location = ex.responseHeaders.find(([k]) => k.toLowerCase() === "location")?.[1];
    if (ex.status >= 300 && ex.status < 400 && location) {
      next = new URL(location, next).toString();
      continue;
    }
    return exchanges;
  }
  throw new VigilError("validation", `more than ${maxRedirects} redirects from ${url}`);
}

async function fetchOnce(url: string, opts: RawFetchOptions): Promise<HttpExchange> {
  const target = await resolveTarget(url, opts.allowPrivate ?? false);
  const maxBytes = opts.maxBytes ?? 100 * 1024 * 1024;
  const requestHeaders: [string, string][] = [
    ["Host", target.url.host],
    ["User-Agent", opts.userAgent ?? DEFAULT_USER_AGENT],
    ["Accept", "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"],
    ["Accept-Encoding", "gzip, deflate, br"],
    ["Connection", "close"],
  ];
  const date = new Date();
  const requester = target.url.protocol === "https:" ? httpsRequest : httpRequest;
  return new Promise<HttpExchange>((resolve, reject) => {
    const req = requester(
      {
        protocol: target.url.protocol,
        hostname: target.url.hostname.replace(/^\[|\]$/g, ""),
        port: target.url.port || undefined,
        path: `${target.url.pathname}${target.url.search}`,
        method: "GET",
        headers: Object.fromEntries(requestHeaders.filter(([k]) => k !== "Host").concat([["Host", target.url.host]])),
        // Connect to the address that was checked, never a second lookup.
        lookup: (_host, options, cb) => {
          if ((options as { all?: boolean }).all) cb(null, [{ address: target.address, family: target.family }]);
          else cb(null, target.address, target.family);
        },
        timeout: opts.timeoutMs ?? 30_000,
      },
      (res: IncomingMessage) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on("data", (c: Buffer) => {
          size += c.length;
          if (size > maxBytes) {
            req.destroy(new VigilError("too_large", `response from ${url} exceeds ${maxBytes} bytes`));
            return;
          }
          chunks.push(c);
        });
        res.on("error", reject);
        res.on("end", () => {
          if (!res.complete) return reject(new VigilError("import_failed", `connection to ${url} closed before the response was complete`));
          const raw = res.rawHeaders;
          const responseHeaders: [string, string][] = [];
          for (let i = 0; i + 1 < raw.length; i += 2) responseHeaders.push([raw[i]!, raw[i + 1]!]);
          resolve({
            url,
            method: "GET",
            httpVersion: res.httpVersion,
            requestHeaders,
            status: res.statusCode ?? 0,
            statusText: res.statusMessage ?? "",
            responseHeaders,
            body: Buffer.concat(chunks),
            date,
            remoteAddress: res.socket.remoteAddress ?? target.address,
          });
        });
      },
    );
    req.on("timeout", () => req.destroy(new VigilError("import_failed", `timed out fetching ${url}`)));
    req.on("error", (err) => reject(err instanceof VigilError ? err : new VigilError("import_failed", `cannot fetch ${url}: ${(err as NodeJS.ErrnoException).code ?? err.message}`, { cause: err })));
    req.end();
  });
}
