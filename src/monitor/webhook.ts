import { createHmac, timingSafeEqual } from "node:crypto";
import { FetchError, safeFetch, type FetchOptions } from "./fetcher.ts";

/**
 * Signed webhooks: the body is signed with HMAC-SHA256 over
 * "<timestamp>.<body>" with the subscription's secret, sent as
 * `Vigil-Signature: t=<unix seconds>,v1=<hex>`, so a receiver can check both
 * who sent it and that it is fresh (no replay of an old alert).
 */
export function signWebhook(secret: string, timestamp: number, body: string): string {
  const mac = createHmac("sha256", secret).update(`${timestamp}.${body}`).digest("hex");
  return `t=${timestamp},v1=${mac}`;
}

/** Checks a `Vigil-Signature` header: right secret, untampered body, timestamp within the tolerance. */
export function verifyWebhook(secret: string, header: string | undefined, body: string, now: Date = new Date(), toleranceSeconds = 300): boolean {
  if (!header) return false;
  const parts = Object.fromEntries(header.split(",").map((kv) => kv.trim().split("=", 2) as [string, string]));
  const t = Number(parts.t);
  const v1 = parts.v1;
  if (!Number.isInteger(t) || !v1 || !/^[0-9a-f]{64}$/.test(v1)) return false;
  if (Math.abs(now.getTime() / 1000 - t) > toleranceSeconds) return false;
  const expected = Buffer.from(signWebhook(secret, t, body).split("v1=")[1]!, "hex");
  return timingSafeEqual(expected, Buffer.from(v1, "hex"));
}

export interface WebhookOptions {
  deliveryId: string;
  now?: () => Date;
  /** Attempts within this call (default 3); the outbox retries later again. */
  attempts?: number;
  /** Pause before the n-th retry: base × 2^(n−1) ms (default 500). */
  backoffMs?: number;
  sleep?: (ms: number) => Promise<void>;
  fetchOptions?: FetchOptions;
}

/**
 * Posts a signed payload. Network errors, timeouts, 408, 429 and 5xx are
 * retried with doubling pauses; other 4xx answers are final (the receiver
 * refuses it; retrying will not help) and thrown at once.
 */
export async function sendWebhook(url: string, secret: string, body: string, o: WebhookOptions): Promise<{ status: number; attempts: number }> {
  const attempts = Math.max(1, o.attempts ?? 3);
  const sleep = o.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  let last: unknown;
  for (let i = 1; i <= attempts; i++) {
    if (i > 1) await sleep((o.backoffMs ?? 500) * 2 ** (i - 2));
    const ts = Math.floor((o.now?.() ?? new Date()).getTime() / 1000);
    try {
      const res = await safeFetch(url, {
        timeoutMs: 15_000,
        maxRedirects: 0,
        maxBytes: 64 * 1024,
        ...o.fetchOptions,
        method: "POST",
        body,
        headers: { "content-type": "application/json", "vigil-signature": signWebhook(secret, ts, body), "vigil-delivery": o.deliveryId, ...(o.fetchOptions?.headers ?? {}) },
      });
      return { status: res.status, attempts: i };
    } catch (err) {
      last = err;
      const status = err instanceof FetchError ? err.httpStatus : undefined;
      const retriable = !(err instanceof FetchError) || err.kind === "network" || err.kind === "timeout" || err.kind === "dns" || (status !== undefined && (status >= 500 || status === 408 || status === 429));
      if (!retriable) throw err;
    }
  }
  throw last;
}
