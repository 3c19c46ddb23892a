import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from "node:crypto";
import type { Problems } from "../core/errors.ts";

/**
 * Passwords are hashed with scrypt (node:crypto). Each hash carries its own
 * parameters (`$scrypt$ln=15,r=8,p=1$salt$hash`), so they can be raised later
 * without breaking existing hashes.
 */
const DEFAULT = { ln: 15, r: 8, p: 1 };
const KEY_LENGTH = 32;

function run(password: string, salt: Buffer, params: { ln: number; r: number; p: number }): Promise<Buffer> {
  const options: ScryptOptions = { N: 2 ** params.ln, r: params.r, p: params.p, maxmem: 256 * 2 ** params.ln * params.r };
  return new Promise((resolve, reject) => scrypt(password.normalize("NFC"), salt, KEY_LENGTH, options, (err, key) => (err ? reject(err) : resolve(key))));
}

/** Hashes a password with fresh salt and the current parameters. */
export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const key = await run(password, salt, DEFAULT);
  return `$scrypt$ln=${DEFAULT.ln},r=${DEFAULT.r},p=${DEFAULT.p}$${salt.toString("base64url")}$${key.toString("base64url")}`;
}

/** Checks a password against a stored hash in constant time; a malformed hash never matches. */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const m = /^\$scrypt\$ln=(\d{1,2}),r=(\d{1,2}),p=(\d{1,2})\$([A-Za-z0-9_-]+)\$([A-Za-z0-9_-]+)$/.exec(stored);
  if (!m) return false;
  const params = { ln: Number(m[1]), r: Number(m[2]), p: Number(m[3]) };
  if (params.ln < 10 || params.ln > 22) return false;
  const expected = Buffer.from(m[5]!, "base64url");
  const key = await run(password, Buffer.from(m[4]!, "base64url"), params);
  return key.length === expected.length && timingSafeEqual(key, expected);
}

let dummy: Promise<string> | undefined;
/** A hash of nothing anyone knows: checked for unknown users so their answer takes as long as a known user's. */
export function dummyHash(): Promise<string> {
  dummy ??= hashPassword(randomBytes(24).toString("base64url"));
  return dummy;
}

export const MIN_PASSWORD = 12;
export const MAX_PASSWORD = 1024;

/** Problems with a new password: long enough, not absurdly long, not the email. */
export function checkNewPassword(password: string, email: string, p: Problems, field = "password"): void {
  if (password.length < MIN_PASSWORD) p.add(field, `a password needs at least ${MIN_PASSWORD} characters (a few words make a good one)`);
  else if (password.length > MAX_PASSWORD) p.add(field, `a password is at most ${MAX_PASSWORD} characters`);
  else if (password.trim().toLowerCase() === email.trim().toLowerCase()) p.add(field, "the password cannot be the email address");
  else if (/^(.)\1+$/.test(password)) p.add(field, "the password cannot be one character repeated");
}
