import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";
import { chmod, mkdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { VigilError } from "../core/errors.ts";

/**
 * Webhook signing secrets encrypted at rest. Vigil must sign with the secret
 * (HMAC), so it cannot keep only a hash; it keeps the secret sealed with
 * AES-256-GCM under a key that lives in the data folder, apart from the
 * database (`<data>/keys/monitor-secrets.key`, folder 0700, file 0600): a
 * copy of the database alone (a backup, a dump handed over) reveals no
 * secret. Each sealed value is bound to its subscription id (additional
 * authenticated data), so a sealed secret moved to another row does not open.
 */
export const SEALED_PREFIX = "enc:v1:";
const KEY_FILE = "monitor-secrets.key";

export interface SecretBox {
  seal(plain: string, boundTo: string): string;
  /** Opens a sealed value; a value without the prefix was stored before encryption and is returned as is. */
  open(stored: string, boundTo: string): string;
  readonly keyPath: string;
}

const b64 = (b: Buffer): string => b.toString("base64url");

function boxWith(key: Buffer, keyPath: string): SecretBox {
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
        throw new VigilError("integrity", `the webhook signing secret cannot be opened with the key in ${keyPath} (was the key file replaced, or the database moved without it?); rotate the subscription's secret`);
      }
    },
  };
}

const boxes = new Map<string, Promise<SecretBox>>();

/** The secret box of a data folder; its key is made on first use. */
export function secretBox(dataDir: string): Promise<SecretBox> {
  let p = boxes.get(dataDir);
  if (!p) {
    p = loadBox(dataDir);
    p.catch(() => boxes.delete(dataDir));
    boxes.set(dataDir, p);
  }
  return p;
}

async function loadBox(dataDir: string): Promise<SecretBox> {
  const dir = join(dataDir, "keys");
  const path = join(dir, KEY_FILE);
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
  return boxWith(key, path);
}
