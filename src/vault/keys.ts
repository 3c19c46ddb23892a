import { generateKeyPairSync, createPrivateKey, createPublicKey, randomBytes, sign, type KeyObject } from "node:crypto";
import { mkdir, readFile, readdir, rename, writeFile, chmod, stat } from "node:fs/promises";
import { join } from "node:path";
import { VigilError } from "../core/errors.ts";
import { formatVerifierKey, parseVerifierKey, signerFromSeed, type NoteSigner, type NoteVerifier } from "./tlog/note.ts";

/**
 * The vault's signing keys, created on first use in `<data>/vault/keys`
 * (folder 0700, private files 0600):
 * - an Ed25519 key that signs log checkpoints (C2SP signed notes);
 * - an ECDSA P-384 key that signs WACZ packages (the WACZ "anonymous
 *   signature", which tools such as ReplayWeb.page check).
 * Rotation retires the current log key into `retired/` and keeps its public
 * key listed, so checkpoints it signed still verify.
 */

export interface PublicKeyEntry {
  vkey: string;
  keyId: string;
  created: string;
  retired?: string;
}

export interface VaultKeys {
  origin: string;
  logSigner: NoteSigner;
  /** Every log key ever used, current first. */
  logKeys: PublicKeyEntry[];
  logVerifiers: NoteVerifier[];
  waczPrivateKey: KeyObject;
  /** base64 SPKI DER of the WACZ key, as WACZ signedData.publicKey carries it. */
  waczPublicKey: string;
}

interface StoredLogKey {
  name: string;
  seed: string;
  created: string;
}

const LOG_KEY = "log-ed25519.json";
const WACZ_KEY = "wacz-ecdsa-p384.pem";
const PUBLIC_LIST = "public-keys.json";

async function writeSecret(path: string, content: string): Promise<void> {
  // wx: never overwrite a key another process just created.
  await writeFile(path, content, { mode: 0o600, flag: "wx" });
  await chmod(path, 0o600);
}

async function exists(p: string): Promise<boolean> {
  return (await stat(p).catch(() => undefined)) !== undefined;
}

async function readJson<T>(path: string): Promise<T> {
  return JSON.parse(await readFile(path, "utf8")) as T;
}

/** Loads the vault keys, creating any that are missing. */
export async function loadKeys(dataDir: string, origin: string, now: Date = new Date()): Promise<VaultKeys> {
  const dir = join(dataDir, "vault", "keys");
  await mkdir(join(dir, "retired"), { recursive: true, mode: 0o700 });
  await chmod(dir, 0o700);
  const logPath = join(dir, LOG_KEY);
  if (!(await exists(logPath))) {
    const stored: StoredLogKey = { name: origin, seed: randomBytes(32).toString("base64"), created: now.toISOString() };
    await writeSecret(logPath, JSON.stringify(stored)).catch((err: NodeJS.ErrnoException) => {
      if (err.code !== "EEXIST") throw err;
    });
  }
  const stored = await readJson<StoredLogKey>(logPath);
  if (stored.name !== origin) throw new VigilError("conflict", `the log key was made for origin ${stored.name}, not ${origin}`);
  const logSigner = signerFromSeed(stored.name, Buffer.from(stored.seed, "base64"));
  const current: PublicKeyEntry = { vkey: formatVerifierKey(logSigner.name, logSigner.publicKey), keyId: logSigner.keyId.toString(16).padStart(8, "0"), created: stored.created };

  const listPath = join(dir, PUBLIC_LIST);
  const listed = (await exists(listPath)) ? await readJson<PublicKeyEntry[]>(listPath) : [];
  const logKeys = [current, ...listed.filter((k) => k.vkey !== current.vkey)];
  if (listed.length !== logKeys.length || listed[0]?.vkey !== current.vkey) await writeAtomic(listPath, JSON.stringify(logKeys, null, 2) + "\n", 0o644);

  const waczPath = join(dir, WACZ_KEY);
  if (!(await exists(waczPath))) {
    const { privateKey } = generateKeyPairSync("ec", { namedCurve: "P-384" });
    await writeSecret(waczPath, privateKey.export({ format: "pem", type: "pkcs8" }).toString()).catch((err: NodeJS.ErrnoException) => {
      if (err.code !== "EEXIST") throw err;
    });
  }
  const waczPrivateKey = createPrivateKey(await readFile(waczPath));
  const waczPublicKey = createPublicKey(waczPrivateKey).export({ format: "der", type: "spki" }).toString("base64");
  return { origin, logSigner, logKeys, logVerifiers: logKeys.map((k) => parseVerifierKey(k.vkey)), waczPrivateKey, waczPublicKey };
}

/**
 * Retires the current log key and makes a new one. The old private key is
 * kept in `retired/` (0600) and its public key stays listed as retired.
 */
export async function rotateLogKey(dataDir: string, origin: string, now: Date = new Date()): Promise<VaultKeys> {
  const before = await loadKeys(dataDir, origin, now);
  const dir = join(dataDir, "vault", "keys");
  const old = before.logKeys[0]!;
  const stamp = now.toISOString().replace(/[:.]/g, "-");
  await rename(join(dir, LOG_KEY), join(dir, "retired", `${old.keyId}-${stamp}.json`));
  const listPath = join(dir, PUBLIC_LIST);
  await writeAtomic(listPath, JSON.stringify(before.logKeys.map((k) => (k.vkey === old.vkey ? { ...k, retired: now.toISOString() } : k)), null, 2) + "\n", 0o644);
  return loadKeys(dataDir, origin, now);
}

/** Names of retired private key files (for audits). */
export async function retiredKeyFiles(dataDir: string): Promise<string[]> {
  return (await readdir(join(dataDir, "vault", "keys", "retired")).catch(() => [])).sort();
}

/** WACZ anonymous signature: ECDSA P-384 / SHA-256 over the ASCII `sha256:…` hash, IEEE P1363 encoded. */
export function signWaczHash(keys: VaultKeys, hash: string): string {
  return sign("sha256", Buffer.from(hash, "ascii"), { key: keys.waczPrivateKey, dsaEncoding: "ieee-p1363" }).toString("base64");
}

async function writeAtomic(path: string, content: string, mode: number): Promise<void> {
  const tmp = `${path}.${randomBytes(6).toString("hex")}.tmp`;
  await writeFile(tmp, content, { mode });
  await rename(tmp, path);
}
