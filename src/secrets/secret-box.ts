import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";
import { chmod, mkdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { VigilError } from "../core/errors.ts";

/**
 * Secrets Vigil must be able to use again, so cannot keep only as a hash
 * (webhook signing secrets, authenticator-app seeds), encrypted at rest.
 * Each is sealed with AES-256-GCM under a key that lives in the data
 * folder, apart from the database (`<data>/keys/<purpose>-secrets.key`,
 * folder 0700, file 0600): a copy of the database alone (a backup, a dump
 * handed over) reveals no secret. Each sealed value is bound to the row it
 * belongs to (additional authenticated data), so a sealed secret moved to
 * another row does not open. One key per purpose, so that losing or
 * rotating one does not touch the others.
 */
export const SEALED_PREFIX = "enc:v1:";

/** What a box is for: names its key file and says what to do when a value will not open. */
export interface SecretPurpose {
  /** Key file `<data>/keys/<name>-secrets.key`. */
  name: string;
  /** What the secrets are, for error messages ("the webhook signing secret"). */
  what: string;
  /** What the operator can do when one will not open. */
  remedy: string;
}

export interface SecretBox {
  seal(plain: string, boundTo: string): string;
  /** Opens a sealed value; a value without the prefix was stored before encryption and is returned as is. */
  open(stored: string, boundTo: string): string;
  readonly keyPath: string;
}

const b64 = (b: Buffer): string => b.toString("base64url");

function boxWith(key: Buffer, keyPath: string, purpose: SecretPurpose): SecretBox {
  return {
    keyPath,
    seal(plain, boundTo) {
      const iv = randomBytes(12);
      const c = createCipheriv("aes-256-gcm", key, iv);
      c.setAAD(Buffer.from(boundTo, "utf8"));
      const ct = Buffer.concat([c.update(plain, "utf8"), c.final()]);
      return `${SEALED_PREFIX}${b64(iv)}.${b64(c.getAuthTag())}.${b64(ct)}`;
    },
    open(stored, boundTo) {
      if (!stored.startsWith(SEALED_PREFIX)) return stored;
      const [iv, tag, ct] = stored.slice(SEALED_PREFIX.length).split(".");
      try {
        const d = createDecipheriv("aes-256-gcm", key, Buffer.from(iv ?? "", "base64url"));
        d.setAAD(Buffer.from(boundTo, "utf8"));
        d.setAuthTag(Buffer.from(tag ?? "", "base64url"));
        return Buffer.concat([d.update(Buffer.from(ct ?? "", "base64url")), d.final()]).toString("utf8");
      } catch {
        throw new VigilError("integrity", `${purpose.what} cannot be opened with the key in ${keyPath} (was the key file replaced, or the database moved without it?); ${purpose.remedy}`);
      }
    },
  };
}

const boxes = new Map<string, Promise<SecretBox>>();

/** The secret box of a data folder for one purpose; its key is made on first use. */
export function openSecretBox(dataDir: string, purpose: SecretPurpose): Promise<SecretBox> {
  const id = `${dataDir}\0${purpose.name}`;
  let p = boxes.get(id);
  if (!p) {
    p = loadBox(dataDir, purpose);
    p.catch(() => boxes.delete(id));
    boxes.set(id, p);
  }
  return p;
}

async function loadBox(dataDir: string, purpose: SecretPurpose): Promise<SecretBox> {
  if (!/^[a-z][a-z0-9-]*$/.test(purpose.name)) throw new VigilError("validation", `a secret box name is lowercase letters, digits and hyphens: ${purpose.name}`);
  const dir = join(dataDir, "keys");
  const path = join(dir, `${purpose.name}-secrets.key`);
  await mkdir(dir, { recursive: true, mode: 0o700 });
  let text = await readFile(path, "utf8").catch((e: NodeJS.ErrnoException) => (e.code === "ENOENT" ? undefined : Promise.reject(e)));
  if (text === undefined) {
    try {
      // wx: never overwrite a key another process has just made.
      await writeFile(path, `${randomBytes(32).toString("base64")}\n`, { mode: 0o600, flag: "wx" });
      await chmod(path, 0o600);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw e;
    }
    text = await readFile(path, "utf8");
  }
  const key = Buffer.from(text.trim(), "base64");
  if (key.length !== 32) throw new VigilError("integrity", `${path} does not hold a 256-bit key (base64); restore it from your backup`);
  return boxWith(key, path, purpose);
}
