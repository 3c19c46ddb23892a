import { mkdir, readFile, rename, writeFile } from "node:fs/promises";
import { existsSync } from "node:fs";
import { join, resolve } from "node:path";
import { createInterface } from "node:readline";
import type { Command } from "commander";
import { emit, openForCommand, progressBar, withData } from "../cli/common.ts";
import { VigilError } from "../core/errors.ts";
import { createKeyFile, fingerprint, openKeyFile, parseKeyFile, type OpenKey } from "./testimony/crypto.ts";
import { listTestimonies, openTestimony, readTestimonyFile, replyToTestimony, testimonyDir } from "./testimony/intake.ts";
import { exportStatic } from "./static-export.tsx";
import { moderatePost, moderationQueue } from "./tributes.ts";

/** Reads a passphrase: from a file (--passphrase-file), else the first line of standard input. */
async function readPassphrase(file: string | undefined, prompt: string): Promise<string> {
  if (file) return (await readFile(file, "utf8")).replace(/\r?\n$/, "");
  if (process.stdin.isTTY) process.stderr.write(prompt);
  const rl = createInterface({ input: process.stdin });
  for await (const line of rl) {
    rl.close();
    return line;
  }
  throw new VigilError("validation", "no passphrase given (type it, pipe it, or use --passphrase-file)", { where: { field: "passphrase" } });
}

const keysDir = (dataDir: string): string => join(testimonyDir(dataDir), "keys");

async function writeAtomic(path: string, text: string): Promise<void> {
  const tmp = `${path}.tmp`;
  await writeFile(tmp, text, { mode: 0o600 });
  await rename(tmp, path);
}

async function unlock(keyFile: string | undefined, dataDir: string, passFile: string | undefined): Promise<{ key: OpenKey; file: string }> {
  const file = resolve(keyFile ?? join(keysDir(dataDir), "testimony-key.json"));
  if (!existsSync(file)) throw new VigilError("not_found", `no key file at ${file} (give --key FILE, or create one with: vigil memorial testimony-keys init)`, { where: { file } });
  const k = parseKeyFile(await readFile(file, "utf8"), file);
  return { key: await openKeyFile(k, await readPassphrase(passFile, "passphrase: ")), file };
}

export function register(program: Command): void {
  const memorial = program.command("memorial").description("the public memorial: static mirror, testimony keys and review, moderation");

  withData(
    memorial
      .command("export-static")
      .argument("<dir>", "folder to write the mirror to (empty, or replaced with --force)")
      .description("write the whole public memorial as static HTML in both languages, openable from disk or any web host")
      .option("--live-url <url>", "address of the live memorial (e.g. its onion address), shown where forms would be")
      .option("--force", "replace DIR if it is not empty")
      .option("--json", "print the result as JSON"),
  ).action(async (dir: string, o: { data?: string; liveUrl?: string; force?: boolean; json?: boolean }) => {
    const { store } = await openForCommand(o);
    const bar = progressBar("exporting", 0);
    let live: ReturnType<typeof progressBar> | undefined;
    try {
      const r = await exportStatic(store, dir, {
        ...(o.liveUrl ? { liveUrl: o.liveUrl } : {}),
        ...(o.force ? { force: true } : {}),
        onProgress: (done, total) => {
          live ??= progressBar("exporting", total);
          live.update(done);
        },
      });
      live?.stop();
      emit(o.json, r, () => `wrote ${r.pages} pages (${r.people} people, ${r.media} images) to ${r.dir}\nopen ${join(r.dir, "index.html")} in a browser, or copy the folder to any web host`);
    } finally {
      bar.stop();
      await store.close();
    }
  });

  const keys = memorial.command("testimony-keys").description("the organisation's key for sealed testimony (the private key is kept encrypted under a passphrase)");
  withData(
    keys
      .command("init")
      .description("create the key pair; the passphrase is read from standard input (or --passphrase-file)")
      .option("--passphrase-file <file>", "read the passphrase from this file")
      .option("--json", "print the result as JSON"),
  ).action(async (o: { data?: string; passphraseFile?: string; json?: boolean }) => {
    const { config, store } = await openForCommand(o);
    await store.close();
    const dir = keysDir(config.dataDir);
    const file = join(dir, "testimony-key.json");
    if (existsSync(file)) throw new VigilError("conflict", `a testimony key already exists at ${file}; use "vigil memorial testimony-keys rotate" to replace it`, { where: { file } });
    const k = await createKeyFile(await readPassphrase(o.passphraseFile, "new passphrase (at least 12 characters): "));
    await mkdir(dir, { recursive: true, mode: 0o700 });
    await writeAtomic(join(dir, "testimony.pub"), `${k.publicKey}\n`);
    await writeAtomic(file, `${JSON.stringify(k, null, 2)}\n`);
    emit(o.json, { keyFile: file, publicKey: k.publicKey, fingerprint: fingerprint(k.publicKey) }, () => `created ${file}\nfingerprint: ${fingerprint(k.publicKey)}\nthe server needs only ${join(dir, "testimony.pub")}: move the key file to the reviewers' machine if you can`);
  });

  withData(keys.command("show").description("print the public key and its fingerprint").option("--json", "print as JSON")).action(async (o: { data?: string; json?: boolean }) => {
    const { config, store } = await openForCommand(o);
    await store.close();
    const pub = join(keysDir(config.dataDir), "testimony.pub");
    if (!existsSync(pub)) throw new VigilError("not_found", "no testimony key yet: create one with: vigil memorial testimony-keys init");
    const publicKey = (await readFile(pub, "utf8")).trim();
    emit(o.json, { publicKey, fingerprint: fingerprint(publicKey) }, () => `public key: ${publicKey}\nfingerprint: ${fingerprint(publicKey)}`);
  });

  withData(
    keys
      .command("rotate")
      .description("make a new key pair for new testimony; the old key file is kept (renamed with today's date) to open what was sealed to it")
      .option("--passphrase-file <file>", "read the new passphrase from this file")
      .option("--json", "print as JSON"),
  ).action(async (o: { data?: string; passphraseFile?: string; json?: boolean }) => {
    const { config, store } = await openForCommand(o);
    await store.close();
    const dir = keysDir(config.dataDir);
    const file = join(dir, "testimony-key.json");
    const k = await createKeyFile(await readPassphrase(o.passphraseFile, "new passphrase (at least 12 characters): "));
    await mkdir(dir, { recursive: true, mode: 0o700 });
    if (existsSync(file)) await rename(file, join(dir, `testimony-key-${new Date().toISOString().slice(0, 10)}-${Date.now()}.json`));
    await writeAtomic(file, `${JSON.stringify(k, null, 2)}\n`);
    await writeAtomic(join(dir, "testimony.pub"), `${k.publicKey}\n`);
    emit(o.json, { keyFile: file, fingerprint: fingerprint(k.publicKey) }, () => `new key ${file}\nfingerprint: ${fingerprint(k.publicKey)}`);
  });

  const testimony = memorial.command("testimony").description("review sealed testimony");
  withData(testimony.command("list").description("list received testimony (codename, day, counts: nothing sealed is opened)").option("--json", "print as JSON")).action(async (o: { data?: string; json?: boolean }) => {
    const { ctx, store } = await openForCommand(o);
    try {
      const list = await listTestimonies(ctx);
      emit(o.json, list, () => (list.length ? list.map((t) => `${t.codename}\t${t.receivedOn}\t${t.status}\t${t.files} files\t${t.messages} messages`).join("\n") : "no testimony received"));
    } finally {
      await store.close();
    }
  });

  withData(
    testimony
      .command("open")
      .argument("<codename>", "codename (or id) of the testimony")
      .description("unlock the key with its passphrase and show a testimony; --out DIR also writes its files, decrypted")
      .option("--key <file>", "key file (default: the data folder's)")
      .option("--passphrase-file <file>", "read the passphrase from this file")
      .option("--out <dir>", "write the attached files, decrypted, to this folder")
      .option("--json", "print as JSON"),
  ).action(async (codename: string, o: { data?: string; key?: string; passphraseFile?: string; out?: string; json?: boolean }) => {
    const { ctx, store, config } = await openForCommand(o);
    const { key } = await unlock(o.key, config.dataDir, o.passphraseFile);
    try {
      const t = await openTestimony(ctx, key, codename);
      const written: string[] = [];
      if (o.out) {
        await mkdir(o.out, { recursive: true, mode: 0o700 });
        for (const f of t.files) {
          const safe = `${f.n + 1}-${f.name.replace(/[^\p{L}\p{N}._-]+/gu, "_").slice(0, 100)}`;
          const path = join(o.out, safe);
          await writeFile(path, await readTestimonyFile(config.dataDir, f), { mode: 0o600 });
          written.push(path);
        }
      }
      const out = { codename: t.codename, receivedOn: t.receivedOn, ...t.envelope, messages: t.messages, written };
      emit(o.json, out, () =>
        [
          `codename: ${t.codename} (received ${t.receivedOn})`,
          `kind: ${t.envelope.kind}`,
          t.envelope.about && `about: ${t.envelope.about}`,
          t.envelope.when && `when: ${t.envelope.when}`,
          t.envelope.where && `where: ${t.envelope.where}`,
          t.envelope.contact && `contact: ${t.envelope.contact}`,
          "",
          t.envelope.text,
          "",
          ...t.envelope.files.map((f) => `file ${f.n + 1}: ${f.name} (${f.type}, ${f.size} bytes)`),
          ...t.messages.map((m) => `${m.day} ${m.direction === "in" ? "they wrote" : "we replied"}: ${m.text ?? "(sealed to them)"}`),
          ...written.map((w) => `wrote ${w}`),
        ]
          .filter((l): l is string => typeof l === "string")
          .join("\n"),
      );
    } finally {
      key.close();
      await store.close();
    }
  });

  withData(
    testimony
      .command("reply")
      .argument("<codename>", "codename of the testimony")
      .description("send a reply (read from standard input), sealed so that only the sender's secret opens it")
      .option("--json", "print as JSON"),
  ).action(async (codename: string, o: { data?: string; json?: boolean }) => {
    const { ctx, store } = await openForCommand(o);
    try {
      let text = "";
      for await (const chunk of process.stdin) text += String(chunk);
      await replyToTestimony(ctx, codename, text.trim());
      emit(o.json, { replied: codename }, () => `reply sealed for ${codename}`);
    } finally {
      await store.close();
    }
  });

  const moderation = memorial.command("moderation").description("tributes and comments waiting for moderation");
  withData(moderation.command("list").option("--status <status>", "pending, approved or rejected", "pending").option("--json", "print as JSON")).action(async (o: { data?: string; status: string; json?: boolean }) => {
    const { ctx, store } = await openForCommand(o);
    try {
      const status = o.status === "approved" || o.status === "rejected" ? o.status : "pending";
      const posts = await moderationQueue(ctx, status);
      emit(o.json, posts, () => (posts.length ? posts.map((p) => `${p.id}\t${p.recordLabel}\t${p.author ?? "(anonymous)"}\n  ${p.body.replace(/\n/g, "\n  ")}`).join("\n") : "nothing waiting"));
    } finally {
      await store.close();
    }
  });
  for (const decision of ["approve", "reject"] as const) {
    withData(moderation.command(decision).argument("<id>", "post id").option("--note <text>", "why (kept with the decision)").option("--json", "print as JSON")).action(async (id: string, o: { data?: string; note?: string; json?: boolean }) => {
      const { ctx, store } = await openForCommand(o);
      try {
        await moderatePost(ctx, id, decision, o.note);
        emit(o.json, { id, decision }, () => `${id}: ${decision === "approve" ? "approved" : "rejected"}`);
      } finally {
        await store.close();
      }
    });
  }
}
