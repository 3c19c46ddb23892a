import { createHash, createPrivateKey, createPublicKey, sign, verify, type KeyObject } from "node:crypto";

/**
 * C2SP signed notes with Ed25519 (c2sp.org/signed-note, as in Go's
 * golang.org/x/mod/sumdb/note). Key names and ids follow the spec so that
 * any sumdb/tlog tool can check our checkpoints.
 */

const ED25519 = 0x01;
const SPKI_PREFIX = Buffer.from("302a300506032b6570032100", "hex");
const PKCS8_PREFIX = Buffer.from("302e020100300506032b657004220420", "hex");
const MAX_SIGNATURES = 100;

export class NoteError extends Error {
  override readonly name = "NoteError";
}

export interface NoteVerifier {
  name: string;
  keyId: number;
  publicKey: Buffer; // 32 raw bytes
  verify(text: Buffer, sig: Buffer): boolean;
}

export interface NoteSigner {
  name: string;
  keyId: number;
  publicKey: Buffer;
  sign(text: Buffer): Buffer;
}

export interface NoteSignature {
  name: string;
  keyId: number;
  base64: string;
}

/** key ID = SHA-256(name || 0x0A || 0x01 || public key)[:4], big-endian. */
export function ed25519KeyId(name: string, publicKey: Uint8Array): number {
  return createHash("sha256").update(name).update(Buffer.from([0x0a, ED25519])).update(publicKey).digest().readUInt32BE(0);
}

function checkKeyName(name: string): void {
  if (name === "" || /[\s+]/u.test(name)) throw new NoteError(`invalid key name ${JSON.stringify(name)}`);
}

const hex8 = (n: number): string => n.toString(16).padStart(8, "0");

/** Ed25519 public key (32 raw bytes) as a node KeyObject. */
export function ed25519PublicKeyObject(raw: Uint8Array): KeyObject {
  if (raw.length !== 32) throw new NoteError("Ed25519 public key must be 32 bytes");
  return createPublicKey({ key: Buffer.concat([SPKI_PREFIX, raw]), format: "der", type: "spki" });
}

/** Ed25519 private key from its 32-byte seed. */
export function ed25519PrivateKeyObject(seed: Uint8Array): KeyObject {
  if (seed.length !== 32) throw new NoteError("Ed25519 seed must be 32 bytes");
  return createPrivateKey({ key: Buffer.concat([PKCS8_PREFIX, seed]), format: "der", type: "pkcs8" });
}

/** Raw 32-byte public key of an Ed25519 KeyObject (private or public). */
export function ed25519RawPublicKey(key: KeyObject): Buffer {
  const pub = key.type === "private" ? createPublicKey(key) : key;
  return pub.export({ format: "der", type: "spki" }).subarray(SPKI_PREFIX.length);
}

// The base64 part may itself contain '+', so only the first n-1 pluses separate fields.
function splitKey(key: string, n: number): string[] | undefined {
  const out: string[] = [];
  let rest = key;
  for (let i = 0; i < n - 1; i++) {
    const j = rest.indexOf("+");
    if (j < 0) return undefined;
    out.push(rest.slice(0, j));
    rest = rest.slice(j + 1);
  }
  out.push(rest);
  return out;
}

/** Parses a verifier key `name+hexid+base64(0x01||pubkey)`. */
export function parseVerifierKey(vkey: string): NoteVerifier {
  const parts = splitKey(vkey, 3);
  if (!parts) throw new NoteError("malformed verifier key");
  const [name, idHex, b64] = parts as [string, string, string];
  checkKeyName(name);
  if (!/^[0-9a-f]{8}$/.test(idHex)) throw new NoteError("malformed verifier key id");
  const raw = Buffer.from(b64, "base64");
  if (raw.length !== 33 || raw[0] !== ED25519) throw new NoteError("verifier key is not an Ed25519 key");
  const publicKey = raw.subarray(1);
  const keyId = ed25519KeyId(name, publicKey);
  if (keyId !== Number.parseInt(idHex, 16)) throw new NoteError("verifier key id does not match its key");
  const keyObject = ed25519PublicKeyObject(publicKey);
  return { name, keyId, publicKey, verify: (text, sig) => sig.length === 64 && verify(null, text, keyObject, sig) };
}

/** Formats a verifier key for publication. */
export function formatVerifierKey(name: string, publicKey: Uint8Array): string {
  checkKeyName(name);
  return `${name}+${hex8(ed25519KeyId(name, publicKey))}+${Buffer.concat([Buffer.from([ED25519]), publicKey]).toString("base64")}`;
}

/** Parses a Go-style private key `PRIVATE+KEY+name+hexid+base64(0x01||seed)`. */
export function parseSignerKey(skey: string): NoteSigner {
  const parts = splitKey(skey, 5);
  if (!parts || parts[0] !== "PRIVATE" || parts[1] !== "KEY") throw new NoteError("malformed signer key");
  const [, , name, idHex, b64] = parts as [string, string, string, string, string];
  const raw = Buffer.from(b64, "base64");
  if (raw.length !== 33 || raw[0] !== ED25519) throw new NoteError("signer key is not an Ed25519 key");
  const signer = signerFromSeed(name, raw.subarray(1));
  if (signer.keyId !== Number.parseInt(idHex, 16)) throw new NoteError("signer key id does not match its key");
  return signer;
}

/** A signer for `name` from a 32-byte Ed25519 seed. */
export function signerFromSeed(name: string, seed: Uint8Array): NoteSigner {
  checkKeyName(name);
  const priv = ed25519PrivateKeyObject(seed);
  const publicKey = ed25519RawPublicKey(priv);
  return { name, keyId: ed25519KeyId(name, publicKey), publicKey, sign: (text) => sign(null, text, priv) };
}

/** Formats a signer key in Go's format (for export to other tools). */
export function formatSignerKey(name: string, seed: Uint8Array): string {
  const s = signerFromSeed(name, seed);
  return `PRIVATE+KEY+${name}+${hex8(s.keyId)}+${Buffer.concat([Buffer.from([ED25519]), seed]).toString("base64")}`;
}

function checkText(s: string, what: string): void {
  // U+0000..U+001F except newline are forbidden anywhere in a note.
  if (/[\u0000-\u0009\u000b-\u001f]/.test(s)) throw new NoteError(`${what} contains a control character`);
  if (s.includes("\uFFFD")) throw new NoteError(`${what} is not valid UTF-8`);
}

function decodeUtf8(bytes: Uint8Array | string, what: string): string {
  if (typeof bytes === "string") return bytes;
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    throw new NoteError(`${what} is not valid UTF-8`);
  }
}

/** Signs text (which must end in a newline) with each signer; returns the signed note. */
export function signNote(text: string, signers: readonly NoteSigner[]): string {
  if (!text.endsWith("\n")) throw new NoteError("note text must end with a newline");
  checkText(text, "note text");
  if (signers.length === 0) throw new NoteError("a note needs at least one signer");
  const body = Buffer.from(text, "utf8");
  let out = `${text}\n`;
  for (const s of signers) {
    const id = Buffer.alloc(4);
    id.writeUInt32BE(s.keyId);
    out += `\u2014 ${s.name} ${Buffer.concat([id, s.sign(body)]).toString("base64")}\n`;
  }
  return out;
}

/** Splits a signed note into its text and signature lines, checking the format only. */
export function parseNote(note: Uint8Array | string): { text: string; signatures: NoteSignature[] } {
  const s = decodeUtf8(note, "note");
  checkText(s, "note");
  if (!s.endsWith("\n")) throw new NoteError("note does not end with a newline");
  const split = s.lastIndexOf("\n\n");
  if (split < 0) throw new NoteError("note has no signatures");
  const text = s.slice(0, split + 1);
  const lines = s.slice(split + 2, -1).split("\n");
  if (lines.length > MAX_SIGNATURES) throw new NoteError("note has too many signatures");
  const signatures: NoteSignature[] = [];
  for (const line of lines) {
    const m = /^\u2014 (\S+) ([A-Za-z0-9+/]+={0,2})$/u.exec(line);
    if (!m) throw new NoteError(`malformed signature line ${JSON.stringify(line.slice(0, 80))}`);
    const name = m[1]!;
    const sig = Buffer.from(m[2]!, "base64");
    if (sig.length < 5 || sig.toString("base64") !== m[2]) throw new NoteError("malformed signature");
    signatures.push({ name, keyId: sig.readUInt32BE(0), base64: m[2] });
  }
  return { text, signatures };
}

/**
 * Opens a signed note: returns its text and the verifiers whose signatures
 * checked. Unknown keys are ignored; a known key with a bad signature, or no
 * known key at all, rejects the note.
 */
export function openNote(note: Uint8Array | string, verifiers: readonly NoteVerifier[]): { text: string; verifiedBy: NoteVerifier[] } {
  const { text, signatures } = parseNote(note);
  const body = Buffer.from(text, "utf8");
  const verifiedBy: NoteVerifier[] = [];
  for (const sig of signatures) {
    const v = verifiers.find((k) => k.name === sig.name && k.keyId === sig.keyId);
    if (!v) continue;
    if (!v.verify(body, Buffer.from(sig.base64, "base64").subarray(4))) throw new NoteError(`invalid signature by ${sig.name}`);
    if (!verifiedBy.includes(v)) verifiedBy.push(v);
  }
  if (verifiedBy.length === 0) throw new NoteError("no signature by a known key");
  return { text, verifiedBy };
}
