import { randomBytes } from "node:crypto";

/**
 * Record ids: a kind prefix and 20 random base32 characters (100 bits),
 * time-ordered by a leading timestamp so that recent records sort last.
 * Unguessable, so a wrong id reveals nothing (IDOR).
 */
export const ID_PREFIXES = {
  person: "per",
  organisation: "org",
  post: "pst",
  place: "plc",
  event: "evt",
  act: "act",
  involvement: "inv",
  source: "src",
  claim: "clm",
  name: "nam",
  change: "chg",
  merge: "mrg",
  job: "job",
} as const;

export type RecordKind = keyof typeof ID_PREFIXES;

const ALPHABET = "0123456789abcdefghjkmnpqrstvwxyz"; // Crockford base32, lower case

function base32(bytes: Uint8Array, length: number): string {
  let out = "";
  let bits = 0;
  let value = 0;
  for (const b of bytes) {
    value = (value << 8) | b;
    bits += 8;
    while (bits >= 5 && out.length < length) {
      out += ALPHABET[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  return out;
}

function timePart(now: number): string {
  let t = Math.floor(now);
  let s = "";
  for (let i = 0; i < 9; i++) {
    s = ALPHABET[t % 32]! + s;
    t = Math.floor(t / 32);
  }
  return s;
}

export function newId(kind: RecordKind, now: number = Date.now()): string {
  return `${ID_PREFIXES[kind]}_${timePart(now)}${base32(randomBytes(13), 20)}`;
}

/** A random token of `bytes` bytes, URL-safe. */
export function randomToken(bytes = 32): string {
  return randomBytes(bytes).toString("base64url");
}

const ID_RE = /^[a-z]{3}_[0-9a-hjkmnp-tv-z]{29}$/;

export function isId(value: string, kind?: RecordKind): boolean {
  if (!ID_RE.test(value)) return false;
  return kind === undefined || value.startsWith(`${ID_PREFIXES[kind]}_`);
}

export function kindOfId(value: string): RecordKind | undefined {
  const prefix = value.slice(0, 3);
  for (const [kind, p] of Object.entries(ID_PREFIXES)) if (p === prefix) return kind as RecordKind;
  return undefined;
}
