import { mkdir, open, rename, rm, readFile, readdir } from "node:fs/promises";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { randomBytes, timingSafeEqual } from "node:crypto";
import { fileTypeFromBuffer } from "file-type";
import { authorize } from "../../accounts/index.ts";
import type { Ctx } from "../../core/context.ts";
import { notFound, Problems, VigilError } from "../../core/errors.ts";
import { memorialDb, type MemorialDb } from "../schema.ts";
import { base64, decryptFile, fileEncryptor, newSecret, normaliseSecret, parseKeyFile, replyKeyPair, seal, sealJson, unseal, unsealJson, type OpenKey } from "./crypto.ts";
import { newCodename } from "./codename.ts";

/**
 * Testimony intake: what a family member or witness sends, sealed before it
 * is stored. Nothing about the sender is kept: no address, no browser, no
 * time of day (only the day it arrived). The form asks for no name; contact
 * details, if they choose to give any, are sealed with the rest.
 */
export const TESTIMONY_KINDS = ["burial", "missing", "witness", "other"] as const;
export type TestimonyKind = (typeof TESTIMONY_KINDS)[number];

export interface TestimonyFields {
  kind: string;
  about: string;
  text: string;
  when: string;
  where: string;
  contact: string;
  lang: string;
}

/** What a submission contains once opened by a reviewer. */
export interface TestimonyEnvelope extends TestimonyFields {
  v: 1;
  files: { n: number; name: string; type: string; size: number }[];
}

export const LIMITS = { textMax: 20_000, fieldMax: 500, fileBytes: 20 * 1024 * 1024, files: 5 };

/** Types accepted, by what the bytes are (never by name or declared type). */
export const ACCEPTED_TYPES = new Set(["image/jpeg", "image/png", "image/webp", "image/gif", "image/heic", "application/pdf", "audio/mpeg", "audio/ogg", "audio/mp4", "audio/x-m4a", "audio/wav", "audio/x-wav", "audio/webm", "video/mp4", "video/quicktime", "video/webm"]);

/** Checks the fields; every problem is reported at its field. */
export function validateTestimony(f: TestimonyFields): Problems {
  const p = new Problems();
  if (!(TESTIMONY_KINDS as readonly string[]).includes(f.kind)) p.add("kind", "memorial.testimony.error.kind");
  if (!f.text.trim()) p.add("text", "memorial.testimony.error.textEmpty");
  else if (f.text.length > LIMITS.textMax) p.add("text", "memorial.testimony.error.textLong");
  for (const k of ["about", "when", "where", "contact"] as const) if (f[k].length > LIMITS.fieldMax) p.add(k, "memorial.form.error.tooLong");
  return p;
}

export function testimonyDir(dataDir: string): string {
  return join(dataDir, "memorial");
}

/** The organisation's public key for sealing: `testimony.pub`, or the public half of the key file. Null when none is set up. */
export function loadPublicKey(dataDir: string): Uint8Array | null {
  const dir = join(testimonyDir(dataDir), "keys");
  const pub = join(dir, "testimony.pub");
  if (existsSync(pub)) return base64.decode(readFileSync(pub, "utf8").trim());
  const file = join(dir, "testimony-key.json");
  if (existsSync(file)) return base64.decode(parseKeyFile(readFileSync(file, "utf8"), file).publicKey);
  return null;
}

/** A file sealed while it streamed in. */
export interface SealedFile {
  id: string;
  path: string;
  size: number;
  /** Sealed JSON {key, name, type, size}: only the reviewer learns even what the file was. */
  header: string;
  /** What the bytes are and how many there were (kept in memory only, to go into the sealed envelope). */
  type: string;
  plainSize: number;
}

const randomId = (prefix: string): string => `${prefix}_${randomBytes(16).toString("hex")}`;

/**
 * Encrypts an upload while it streams to disk (only ciphertext is ever
 * written). The first bytes decide its type; a type not accepted, or a file
 * over the size limit, is refused and whatever was written is removed.
 */
export async function sealUpload(dataDir: string, publicKey: Uint8Array, name: string, stream: AsyncIterable<Buffer>, isTruncated: () => boolean): Promise<SealedFile> {
  const dir = join(testimonyDir(dataDir), "sealed");
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const id = randomId("tsf");
  const final = join(dir, `${id}.bin`);
  const tmp = `${final}.part`;
  const fh = await open(tmp, "wx", 0o600);
  let ok = false;
  try {
    const enc = await fileEncryptor();
    await fh.write(enc.header);
    let size = 0;
    let written = enc.header.length;
    let head: Buffer | null = Buffer.alloc(0);
    let type = "";
    let pending: Buffer | null = null;
    const flush = async (chunk: Buffer, last: boolean): Promise<void> => {
      const c = enc.push(chunk, last);
      await fh.write(c);
      written += c.length;
    };
    for await (const chunk of stream) {
      size += chunk.length;
      if (size > LIMITS.fileBytes) throw new VigilError("too_large", "memorial.testimony.error.fileLarge", { where: { field: "files", file: name } });
      let data = chunk;
      if (head) {
        head = Buffer.concat([head, chunk]);
        if (head.length < 4100) continue;
        type = await sniff(head, name);
        data = head;
        head = null;
      }
      if (pending) await flush(pending, false);
      pending = data;
    }
    if (isTruncated()) throw new VigilError("too_large", "memorial.testimony.error.fileLarge", { where: { field: "files", file: name } });
    if (head) {
      if (head.length === 0) throw new VigilError("validation", "memorial.testimony.error.fileEmpty", { where: { field: "files", file: name } });
      type = await sniff(head, name);
      pending = head;
    }
    await flush(pending ?? Buffer.alloc(0), true);
    await fh.sync();
    await fh.close();
    await rename(tmp, final);
    ok = true;
    const header = await sealJson({ key: base64.encode(enc.key), name: name.slice(0, 200), type, size }, publicKey);
    return { id, path: `sealed/${id}.bin`, size: written, header, type, plainSize: size };
  } finally {
    if (!ok) {
      await fh.close().catch(() => undefined);
      await rm(tmp, { force: true });
    }
  }
}

async function sniff(head: Buffer, name: string): Promise<string> {
  const t = await fileTypeFromBuffer(head);
  if (!t || !ACCEPTED_TYPES.has(t.mime)) throw new VigilError("unsupported", "memorial.testimony.error.fileType", { where: { field: "files", file: name } });
  return t.mime;
}

/** Removes sealed files of a submission that was refused. */
export async function discardUploads(dataDir: string, files: SealedFile[]): Promise<void> {
  for (const f of files) await rm(join(testimonyDir(dataDir), f.path), { force: true });
}

const today = (): string => new Date().toISOString().slice(0, 10);

/** Stores a sealed testimony and returns the codename and secret for follow-up (the secret is shown once, never stored). */
export async function saveTestimony(db: MemorialDb, publicKey: Uint8Array, fields: TestimonyFields, files: { sealed: SealedFile; name: string; type: string; size: number }[]): Promise<{ id: string; codename: string; secret: string }> {
  const id = randomId("tst");
  const secret = newSecret();
  const reply = await replyKeyPair(secret);
  const envelope: TestimonyEnvelope = { v: 1, ...fields, files: files.map((f, n) => ({ n, name: f.name, type: f.type, size: f.size })) };
  const sealed = await sealJson(envelope, publicKey);
  for (let attempt = 0; ; attempt++) {
    const codename = newCodename();
    try {
      await db.transaction().execute(async (trx) => {
        await trx.insertInto("memorial_testimonies").values({ id, codename, reply_key: base64.encode(reply.publicKey), envelope: sealed, files: files.length, received_on: today(), status: "new" }).execute();
        for (const [n, f] of files.entries()) await trx.insertInto("memorial_testimony_files").values({ id: f.sealed.id, testimony_id: id, n, header: f.sealed.header, path: f.sealed.path, size: f.sealed.size }).execute();
      });
      return { id, codename, secret };
    } catch (e) {
      if (attempt < 5 && /unique|duplicate/i.test(e instanceof Error ? e.message : "")) continue;
      throw e;
    }
  }
}

async function byCodename(db: MemorialDb, codename: string, secret: string): Promise<{ id: string; reply: { publicKey: Uint8Array; privateKey: Uint8Array } } | undefined> {
  const row = await db.selectFrom("memorial_testimonies").select(["id", "reply_key"]).where("codename", "=", codename.trim().toLowerCase()).executeTakeFirst();
  // Derive anyway, so a wrong codename costs the same as a wrong secret.
  const reply = await replyKeyPair(secret);
  if (!row) return undefined;
  const stored = Buffer.from(row.reply_key, "base64");
  if (stored.length !== reply.publicKey.length || !timingSafeEqual(stored, Buffer.from(reply.publicKey))) return undefined;
  return { id: row.id, reply };
}

/** What the sender sees on return: the organisation's replies (opened with their secret) and the days of their own messages. */
export async function readFollowUp(db: MemorialDb, codename: string, secret: string): Promise<{ messages: { direction: "in" | "out"; day: string; text: string | null }[] } | undefined> {
  if (!normaliseSecret(secret)) return undefined;
  const t = await byCodename(db, codename, secret);
  if (!t) return undefined;
  const rows = await db.selectFrom("memorial_testimony_messages").select(["direction", "envelope", "on_day"]).where("testimony_id", "=", t.id).orderBy("n").execute();
  const messages = [];
  for (const r of rows) {
    const text = r.direction === "out" ? new TextDecoder().decode(await unseal(r.envelope, t.reply)) : null;
    messages.push({ direction: r.direction as "in" | "out", day: r.on_day, text });
  }
  return { messages };
}

async function nextN(db: MemorialDb, testimonyId: string): Promise<number> {
  const row = await db.selectFrom("memorial_testimony_messages").select((eb) => eb.fn.max("n").as("n")).where("testimony_id", "=", testimonyId).executeTakeFirst();
  return Number(row?.n ?? -1) + 1;
}

/** The sender adds to their testimony: sealed to the organisation like the first message. */
export async function addFollowUp(db: MemorialDb, publicKey: Uint8Array, codename: string, secret: string, text: string): Promise<boolean> {
  const t = await byCodename(db, codename, secret);
  if (!t) return false;
  const envelope = await sealJson({ v: 1, text }, publicKey);
  await db.insertInto("memorial_testimony_messages").values({ id: randomId("tsm"), testimony_id: t.id, n: await nextN(db, t.id), direction: "in", envelope, on_day: today() }).execute();
  return true;
}

export interface TestimonySummary {
  id: string;
  codename: string;
  receivedOn: string;
  status: string;
  files: number;
  messages: number;
}

/** Submissions waiting for a reviewer: only what is not sealed (codename, day, counts). */
export async function listTestimonies(ctx: Ctx): Promise<TestimonySummary[]> {
  authorize(ctx.actor, "memorial.testimony");
  const db = memorialDb(ctx.db);
  const rows = await db.selectFrom("memorial_testimonies").select(["id", "codename", "received_on", "status", "files"]).orderBy("received_on", "desc").orderBy("id").execute();
  const counts = await db.selectFrom("memorial_testimony_messages").select(["testimony_id", (eb) => eb.fn.countAll<number>().as("n")]).groupBy("testimony_id").execute();
  const byId = new Map(counts.map((c) => [c.testimony_id, Number(c.n)]));
  return rows.map((r) => ({ id: r.id, codename: r.codename, receivedOn: r.received_on, status: r.status, files: r.files, messages: byId.get(r.id) ?? 0 }));
}

export interface OpenedTestimony {
  id: string;
  codename: string;
  receivedOn: string;
  envelope: TestimonyEnvelope;
  files: { id: string; n: number; name: string; type: string; size: number; key: string; path: string }[];
  messages: { direction: "in" | "out"; day: string; text: string | null }[];
}

async function findTestimony(db: MemorialDb, idOrCodename: string) {
  const row = await db
    .selectFrom("memorial_testimonies")
    .select(["id", "codename", "envelope", "received_on"])
    .where((eb) => eb.or([eb("id", "=", idOrCodename), eb("codename", "=", idOrCodename)]))
    .executeTakeFirst();
  if (!row) throw notFound("testimony", idOrCodename);
  return row;
}

/** Opens a testimony with the reviewer's unlocked key. */
export async function openTestimony(ctx: Ctx, key: OpenKey, idOrCodename: string): Promise<OpenedTestimony> {
  authorize(ctx.actor, "memorial.testimony");
  const db = memorialDb(ctx.db);
  const row = await findTestimony(db, idOrCodename);
  const envelope = await unsealJson<TestimonyEnvelope>(row.envelope, key);
  const fileRows = await db.selectFrom("memorial_testimony_files").select(["id", "n", "header", "path"]).where("testimony_id", "=", row.id).orderBy("n").execute();
  const files = [];
  for (const f of fileRows) {
    const h = await unsealJson<{ key: string; name: string; type: string; size: number }>(f.header, key);
    files.push({ id: f.id, n: f.n, name: h.name, type: h.type, size: h.size, key: h.key, path: f.path });
  }
  const msgRows = await db.selectFrom("memorial_testimony_messages").select(["direction", "envelope", "on_day"]).where("testimony_id", "=", row.id).orderBy("n").execute();
  const messages: OpenedTestimony["messages"] = [];
  // Replies are sealed to the sender's key, not ours: the reviewer sees that one was sent, not its text.
  for (const m of msgRows) messages.push({ direction: m.direction as "in" | "out", day: m.on_day, text: m.direction === "in" ? (await unsealJson<{ text: string }>(m.envelope, key)).text : null });
  if (ctx.audit) await ctx.audit(ctx, { action: "testimony.open", targetType: "testimony", targetId: row.id });
  await db.updateTable("memorial_testimonies").set({ status: "opened" }).where("id", "=", row.id).where("status", "=", "new").execute();
  return { id: row.id, codename: row.codename, receivedOn: row.received_on, envelope, files, messages };
}

/** Decrypts one file of an opened testimony. */
export async function readTestimonyFile(dataDir: string, file: { path: string; key: string }): Promise<Uint8Array> {
  const data = await readFile(join(testimonyDir(dataDir), file.path));
  return decryptFile(new Uint8Array(data), base64.decode(file.key));
}

/** A reply to the sender, sealed to their reply key: only their secret opens it. No private key is needed to write one. */
export async function replyToTestimony(ctx: Ctx, idOrCodename: string, text: string): Promise<void> {
  authorize(ctx.actor, "memorial.testimony");
  if (!text.trim()) throw new VigilError("validation", "a reply cannot be empty", { where: { field: "text" } });
  const db = memorialDb(ctx.db);
  const row = await db.selectFrom("memorial_testimonies").select(["id", "reply_key"]).where((eb) => eb.or([eb("id", "=", idOrCodename), eb("codename", "=", idOrCodename)])).executeTakeFirst();
  if (!row) throw notFound("testimony", idOrCodename);
  const envelope = await seal(new TextEncoder().encode(text), base64.decode(row.reply_key));
  await db.insertInto("memorial_testimony_messages").values({ id: randomId("tsm"), testimony_id: row.id, n: await nextN(db, row.id), direction: "out", envelope, on_day: today() }).execute();
  if (ctx.audit) await ctx.audit(ctx, { action: "testimony.reply", targetType: "testimony", targetId: row.id });
}

/** Every key file in the keys folder (current and rotated), for opening older testimony. */
export async function keyFiles(dataDir: string): Promise<string[]> {
  const dir = join(testimonyDir(dataDir), "keys");
  const names = await readdir(dir).catch(() => [] as string[]);
  return names.filter((n) => /^testimony-key(-[\w-]+)?\.json$/.test(n)).map((n) => join(dir, n));
}
