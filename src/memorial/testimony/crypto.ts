import { createHash, randomBytes, scrypt as scryptCb, timingSafeEqual } from "node:crypto";
import { promisify } from "node:util";
import sodium from "libsodium-wrappers";
import { VigilError } from "../../core/errors.ts";

/**
 * Testimony is sealed on arrival with libsodium: the text with
 * `crypto_box_seal` to the organisation's public key, each file with
 * `crypto_secretstream_xchacha20poly1305` under a fresh key that is itself
 * sealed. The private key never lives in the database: it is kept in a key
 * file, encrypted (XSalsa20-Poly1305) under a key derived from a passphrase
 * with scrypt, and opened only by a reviewer.
 */
const scrypt = promisify(scryptCb) as (password: string, salt: Buffer, keylen: number, options: { N: number; r: number; p: number; maxmem: number }) => Promise<Buffer>;

export async function ready(): Promise<typeof sodium> {
  await sodium.ready;
  return sodium;
}

const b64 = (u: Uint8Array): string => Buffer.from(u).toString("base64");
const unb64 = (s: string): Uint8Array => new Uint8Array(Buffer.from(s, "base64"));

export const KEY_FORMAT = "vigil-testimony-key";

/** The reviewer's key file: the public key in the clear, the private key sealed under a passphrase. */
export interface KeyFile {
  format: typeof KEY_FORMAT;
  version: 1;
  publicKey: string;
  kdf: { name: "scrypt"; N: number; r: number; p: number; salt: string };
  nonce: string;
  sealedSecretKey: string;
  created: string;
}

/** scrypt cost: 2^17 × 8 × 128 bytes = 128 MiB, about half a second. Tests may lower it. */
export const DEFAULT_SCRYPT = { N: 2 ** 17, r: 8, p: 1 };

async function passphraseKey(passphrase: string, salt: Uint8Array, p: { N: number; r: number; p: number }): Promise<Uint8Array> {
  const key = await scrypt(passphrase.normalize("NFC"), Buffer.from(salt), 32, { N: p.N, r: p.r, p: p.p, maxmem: 256 * p.N * p.r + 1024 * 1024 });
  return new Uint8Array(key);
}

/** Makes a new key pair and returns the key file protecting it with the passphrase. */
export async function createKeyFile(passphrase: string, cost = DEFAULT_SCRYPT, today = new Date()): Promise<KeyFile> {
  if (passphrase.length < 12) throw new VigilError("validation", "the passphrase must be at least 12 characters", { where: { field: "passphrase" } });
  const s = await ready();
  const kp = s.crypto_box_keypair();
  const salt = randomBytes(16);
  const key = await passphraseKey(passphrase, salt, cost);
  const nonce = s.randombytes_buf(s.crypto_secretbox_NONCEBYTES);
  const sealed = s.crypto_secretbox_easy(kp.privateKey, nonce, key);
  s.memzero(key);
  s.memzero(kp.privateKey);
  return { format: KEY_FORMAT, version: 1, publicKey: b64(kp.publicKey), kdf: { name: "scrypt", ...cost, salt: salt.toString("base64") }, nonce: b64(nonce), sealedSecretKey: b64(sealed), created: today.toISOString().slice(0, 10) };
}

/** Checks a key file's shape; says what is wrong. */
export function parseKeyFile(text: string, where = "key file"): KeyFile {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    throw new VigilError("validation", `${where} is not JSON`, { where: { file: where } });
  }
  const k = v as Partial<KeyFile>;
  if (k?.format !== KEY_FORMAT || k.version !== 1 || typeof k.publicKey !== "string" || typeof k.sealedSecretKey !== "string" || typeof k.nonce !== "string" || k.kdf?.name !== "scrypt") {
    throw new VigilError("validation", `${where} is not a Vigil testimony key file`, { where: { file: where } });
  }
  return k as KeyFile;
}

/** An opened key: what a reviewer holds while reading testimony. */
export interface OpenKey {
  publicKey: Uint8Array;
  privateKey: Uint8Array;
  close(): void;
}

/** Opens the private key with the passphrase; a wrong passphrase or a tampered file is refused. */
export async function openKeyFile(k: KeyFile, passphrase: string): Promise<OpenKey> {
  const s = await ready();
  const key = await passphraseKey(passphrase, unb64(k.kdf.salt), k.kdf);
  let sk: Uint8Array;
  try {
    sk = s.crypto_secretbox_open_easy(unb64(k.sealedSecretKey), unb64(k.nonce), key);
  } catch {
    throw new VigilError("forbidden", "wrong passphrase, or the key file was altered");
  } finally {
    s.memzero(key);
  }
  const pk = unb64(k.publicKey);
  if (!timingSafeEqual(Buffer.from(s.crypto_scalarmult_base(sk)), Buffer.from(pk))) throw new VigilError("integrity", "the key file's public and private keys do not belong together");
  return { publicKey: pk, privateKey: sk, close: () => s.memzero(sk) };
}

/** A short fingerprint of a public key, to compare out of band. */
export function fingerprint(publicKey: string): string {
  return createHash("sha256").update(Buffer.from(publicKey, "base64")).digest("hex").slice(0, 32).replace(/(.{4})(?=.)/g, "$1 ");
}

/** Seals bytes to a public key (anonymous sender). */
export async function seal(plain: Uint8Array, publicKey: Uint8Array): Promise<string> {
  const s = await ready();
  return b64(s.crypto_box_seal(plain, publicKey));
}

/** Opens sealed bytes; anything altered is refused. */
export async function unseal(sealed: string, key: { publicKey: Uint8Array; privateKey: Uint8Array }): Promise<Uint8Array> {
  const s = await ready();
  try {
    return s.crypto_box_seal_open(unb64(sealed), key.publicKey, key.privateKey);
  } catch {
    throw new VigilError("integrity", "a sealed message could not be opened: wrong key, or it was altered");
  }
}

export async function sealJson(value: unknown, publicKey: Uint8Array): Promise<string> {
  return seal(new TextEncoder().encode(JSON.stringify(value)), publicKey);
}

export async function unsealJson<T>(sealed: string, key: { publicKey: Uint8Array; privateKey: Uint8Array }): Promise<T> {
  return JSON.parse(new TextDecoder().decode(await unseal(sealed, key))) as T;
}

/**
 * A streaming file encryptor: a random key, secretstream chunks each
 * prefixed by its length. The key leaves only sealed to the organisation.
 */
export async function fileEncryptor(): Promise<{ key: Uint8Array; header: Uint8Array; push: (chunk: Uint8Array, last: boolean) => Uint8Array }> {
  const s = await ready();
  const key = s.crypto_secretstream_xchacha20poly1305_keygen();
  const { state, header } = s.crypto_secretstream_xchacha20poly1305_init_push(key);
  return {
    key,
    header,
    push: (chunk, last) => {
      const c = s.crypto_secretstream_xchacha20poly1305_push(state, chunk, null, last ? s.crypto_secretstream_xchacha20poly1305_TAG_FINAL : s.crypto_secretstream_xchacha20poly1305_TAG_MESSAGE);
      const out = new Uint8Array(4 + c.length);
      new DataView(out.buffer).setUint32(0, c.length);
      out.set(c, 4);
      return out;
    },
  };
}

/** Decrypts a whole encrypted file (header + length-prefixed chunks); truncation or tampering is refused. */
export async function decryptFile(data: Uint8Array, key: Uint8Array): Promise<Uint8Array> {
  const s = await ready();
  const hb = s.crypto_secretstream_xchacha20poly1305_HEADERBYTES;
  if (data.length < hb) throw new VigilError("integrity", "encrypted file is truncated");
  const state = s.crypto_secretstream_xchacha20poly1305_init_pull(data.subarray(0, hb), key);
  const parts: Uint8Array[] = [];
  let at = hb;
  let final = false;
  while (at < data.length) {
    if (final) throw new VigilError("integrity", "encrypted file has data after its end");
    if (at + 4 > data.length) throw new VigilError("integrity", "encrypted file is truncated");
    const len = new DataView(data.buffer, data.byteOffset + at, 4).getUint32(0);
    at += 4;
    if (at + len > data.length) throw new VigilError("integrity", "encrypted file is truncated");
    const r = s.crypto_secretstream_xchacha20poly1305_pull(state, data.subarray(at, at + len), null);
    if (!r) throw new VigilError("integrity", "encrypted file was altered");
    parts.push(r.message);
    at += len;
    final = r.tag === s.crypto_secretstream_xchacha20poly1305_TAG_FINAL;
  }
  if (!final) throw new VigilError("integrity", "encrypted file is truncated");
  return new Uint8Array(Buffer.concat(parts));
}

const REPLY_CONTEXT = createHash("sha256").update("vigil testimony reply key v1").digest();

/** The submitter's reply key pair, derived from their secret: replies are sealed to it, so only the secret opens them. */
export async function replyKeyPair(secret: string): Promise<{ publicKey: Uint8Array; privateKey: Uint8Array }> {
  const s = await ready();
  const seed = s.crypto_generichash(32, new TextEncoder().encode(normaliseSecret(secret)), new Uint8Array(REPLY_CONTEXT));
  const kp = s.crypto_box_seed_keypair(seed);
  return { publicKey: kp.publicKey, privateKey: kp.privateKey };
}

const SECRET_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789";

/** A secret of 26 characters from a 31-letter alphabet without look-alikes (about 128 bits), grouped for writing down. */
export function newSecret(): string {
  const bytes = randomBytes(64);
  let out = "";
  for (const b of bytes) {
    if (b >= 248) continue;
    out += SECRET_ALPHABET[b % 31];
    if (out.length === 26) break;
  }
  if (out.length < 26) return newSecret();
  return out.replace(/(.{5})(?=.)/g, "$1-");
}

/** What the reader typed, in the form the secret was made: no spaces or dashes, lower case, Persian digits as Latin. */
export function normaliseSecret(s: string): string {
  return s
    .replace(/[۰-۹]/g, (d) => String(d.charCodeAt(0) - 0x06f0))
    .toLowerCase()
    .replace(/[^a-z0-9]/g, "");
}

export const base64 = { encode: b64, decode: unb64 };
