import { createHash, createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync, renameSync } from "node:fs";
import { join } from "node:path";

/**
 * Abuse control without third parties and without cookies: signed form
 * tokens (stateless, so pages stay cacheable and no visitor gets a cookie),
 * a same-origin check on every form post, a honeypot field, token buckets in
 * memory, and an optional proof of work that a script computes to earn a
 * larger allowance (everything works without it).
 */

/** The secret that signs form tokens, kept in the data folder so that several processes agree. */
export function formSecret(dataDir: string): Buffer {
  const dir = join(dataDir, "memorial");
  const file = join(dir, "form-secret");
  if (existsSync(file)) return Buffer.from(readFileSync(file, "utf8").trim(), "base64");
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const secret = randomBytes(32);
  const tmp = `${file}.${randomBytes(4).toString("hex")}.tmp`;
  writeFileSync(tmp, secret.toString("base64"), { mode: 0o600 });
  renameSync(tmp, file);
  return Buffer.from(readFileSync(file, "utf8").trim(), "base64");
}

/** Tokens are valid for six hours; they are issued per minute, so a cached page carries a fresh one. */
export const TOKEN_LIFETIME_MS = 6 * 60 * 60 * 1000;

export function issueToken(secret: Buffer, form: string, now = Date.now()): string {
  const minute = Math.floor(now / 60_000);
  const mac = createHmac("sha256", secret).update(`${form}|${minute}`).digest("base64url").slice(0, 32);
  return `${minute.toString(36)}.${mac}`;
}

/**
 * Issues tokens as `issueToken` does, each form's made once a minute: every
 * page built within a minute carries the same token, and signing one for each
 * page built was a tenth of the server's own work on a page (not the thread's).
 */
export function tokenIssuer(secret: () => Buffer): (form: string) => string {
  const made = new Map<string, { minute: number; token: string }>();
  return (form) => {
    const now = Date.now();
    const minute = Math.floor(now / 60_000);
    const kept = made.get(form);
    if (kept?.minute === minute) return kept.token;
    const token = issueToken(secret(), form, now);
    made.set(form, { minute, token });
    return token;
  };
}

export function checkToken(secret: Buffer, form: string, token: string, now = Date.now()): boolean {
  const [m, mac] = token.split(".");
  if (!m || !mac || !/^[0-9a-z]{1,12}$/.test(m)) return false;
  const minute = Number.parseInt(m, 36);
  const age = now - minute * 60_000;
  if (age < -60_000 || age > TOKEN_LIFETIME_MS) return false;
  const want = createHmac("sha256", secret).update(`${form}|${minute}`).digest("base64url").slice(0, 32);
  return want.length === mac.length && timingSafeEqual(Buffer.from(want), Buffer.from(mac));
}

/**
 * A form post must come from a page of this site. Browsers send Origin on
 * POST (Tor Browser too), but "null" under our no-referrer policy; where they
 * send Sec-Fetch-Site we read that. A post with neither is allowed: the
 * signed token still has to be right.
 */
export function sameOrigin(headers: Record<string, string | string[] | undefined>, host: string | undefined): boolean {
  const site = headers["sec-fetch-site"];
  if (typeof site === "string" && site !== "same-origin" && site !== "none") return false;
  const origin = headers.origin;
  // Under "Referrer-Policy: no-referrer" browsers send "Origin: null" even from our own pages.
  if (typeof origin !== "string" || origin === "null") return true;
  try {
    return new URL(origin).host === host;
  } catch {
    return false;
  }
}

/** Leading zero bits a proof of work needs: about a second of a phone's time, nothing for the server to check. */
export const POW_BITS = 18;

/** Checks a proof of work: SHA-256(token + ":" + nonce) starts with POW_BITS zero bits. */
export function checkPow(token: string, nonce: string, bits = POW_BITS): boolean {
  if (!/^[0-9]{1,12}$/.test(nonce)) return false;
  const h = createHash("sha256").update(`${token}:${nonce}`).digest();
  let zero = 0;
  for (const byte of h) {
    if (byte === 0) {
      zero += 8;
      continue;
    }
    zero += Math.clz32(byte) - 24;
    break;
  }
  return zero >= bits;
}

/** A token bucket per key, in memory only (never written anywhere). */
export class Buckets {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();
  constructor(
    private readonly capacity: number,
    private readonly perMinute: number,
    private readonly maxKeys = 50_000,
  ) {}

  take(key: string, now = Date.now()): boolean {
    let b = this.buckets.get(key);
    if (!b) {
      if (this.buckets.size >= this.maxKeys) this.buckets.clear();
      b = { tokens: this.capacity, at: now };
      this.buckets.set(key, b);
    }
    b.tokens = Math.min(this.capacity, b.tokens + ((now - b.at) / 60_000) * this.perMinute);
    b.at = now;
    if (b.tokens < 1) return false;
    b.tokens -= 1;
    return true;
  }
}

/**
 * A visitor's key for rate limits: a keyed hash of their address under a
 * key made at start and never written, so it cannot be reversed even from a
 * memory dump of a later process. Over an onion service every visitor shares
 * one address, and the global bucket is what holds.
 */
export function visitorKeyer(): (address: string) => string {
  const key = randomBytes(32);
  return (address) => createHmac("sha256", key).update(address).digest("base64url").slice(0, 22);
}
