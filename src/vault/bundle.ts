import { createHash, randomBytes } from "node:crypto";
import { createReadStream, createWriteStream } from "node:fs";
import { open, rename, rm, stat } from "node:fs/promises";
import { pipeline } from "node:stream/promises";
import yazl from "yazl";
import { VigilError } from "../core/errors.ts";
import { custodyEvent, type Item } from "./custody.ts";
import { hashFile } from "./blob/hashing.ts";
import { formatTlogProof } from "./tlog/checkpoint.ts";
import { encodeEntryBundle } from "./tlog/tiles.ts";
import { signNote } from "./tlog/note.ts";
import { TOOL, type Vault } from "./vault.ts";

export interface ExportOptions {
  sourceId?: string;
  all?: boolean;
  itemIds?: string[];
  /** Include every log entry so the verifier can recompute the root (default: with --all). */
  includeLog?: boolean;
  actor: string;
}

export interface ExportResult {
  path: string;
  sha256: string;
  items: number;
  events: number;
  checkpointSize: number;
}

/**
 * Writes an evidence bundle (docs/bundle-format.md): items with their blobs,
 * their custody events with inclusion proofs, every checkpoint with
 * consistency proofs to the latest, the log's public keys, and a manifest of
 * every file's SHA-256 signed by the log key. Written to a temp file and
 * renamed, so a failed export leaves nothing. The export itself is then
 * recorded as a custody event of each item.
 */
export async function exportBundle(vault: Vault, out: string, opts: ExportOptions): Promise<ExportResult> {
  const all = await vault.items.list();
  const items: Item[] = opts.all ? all : opts.sourceId ? all.filter((i) => i.sourceIds.includes(opts.sourceId!)) : all.filter((i) => opts.itemIds?.includes(i.id));
  if (!opts.all && items.length === 0) throw new VigilError("not_found", opts.sourceId ? `no vault item is linked to source ${opts.sourceId}` : "no items to export");
  const checkpoint = await vault.checkpoint();
  const size = vault.log.size;
  const zip = new yazl.ZipFile();
  const files: Record<string, { sha256: string; bytes: number }> = {};
  const mtime = new Date();
  const addText = (name: string, content: string | Buffer): void => {
    const b = Buffer.isBuffer(content) ? content : Buffer.from(content, "utf8");
    files[name] = { sha256: `sha256:${createHash("sha256").update(b).digest("hex")}`, bytes: b.length };
    zip.addBuffer(b, name, { mtime, compress: true });
  };
  addText("keys/log-keys.txt", vault.keys.logKeys.map((k) => k.vkey).join("\n") + "\n");
  addText("keys/wacz-key.txt", `${vault.keys.waczPublicKey}\n`);
  addText("README.txt", "Vigil evidence bundle. Check it offline with `vigil verify <this file>`; the format is described in docs/bundle-format.md of Vigil's source.\n");
  const latestName = `log/checkpoints/${size}`;
  for (const cp of await vault.log.checkpoints()) {
    if (cp.size > size) continue;
    addText(`log/checkpoints/${cp.size}`, cp.size === size ? checkpoint : cp.note);
    if (cp.size > 0 && cp.size < size) addText(`log/consistency/${cp.size}-${size}`, vault.log.tree.consistencyProof(cp.size, size).map((h) => h.toString("base64")).join("\n") + "\n");
  }
  if (!files[latestName]) addText(latestName, checkpoint);
  const manifestItems: { id: string; events: number[] }[] = [];
  let events = 0;
  for (const item of items) {
    addText(`items/${item.id}/item.json`, JSON.stringify(item, null, 2) + "\n");
    for (const ref of [item.original, ...item.derived]) {
      const name = `items/${item.id}/blobs/${ref.digest.slice(7)}`;
      if (files[name]) continue;
      const path = vault.blobs.localPath(ref.digest);
      const h = await hashFile(path);
      if (h.digest !== ref.digest) throw new VigilError("integrity", `blob ${ref.digest} of item ${item.id} no longer matches its hash; the vault is damaged`);
      files[name] = { sha256: h.digest, bytes: h.size };
      zip.addReadStream(createReadStream(path, { highWaterMark: 1024 * 1024 }), name, { mtime, compress: false, size: h.size });
    }
    const indexes: number[] = [];
    for (const { index } of await vault.custody(item.id)) {
      if (index >= size) continue;
      indexes.push(index);
      events++;
      addText(`log/events/${index}.json`, await vault.log.entry(index));
      addText(`log/proofs/${index}.tlog-proof`, formatTlogProof({ index, proof: vault.log.tree.inclusionProof(index, size), checkpoint }));
    }
    manifestItems.push({ id: item.id, events: indexes });
  }
  if (opts.includeLog ?? opts.all ?? false) {
    const entries: Buffer[] = [];
    for await (const e of vault.log.entries(0, size)) entries.push(e);
    addText("log/entries", encodeEntryBundle(entries));
  }
  const manifest = { format: "vigil-bundle/1", created: mtime.toISOString(), origin: vault.origin, software: `Vigil ${TOOL.version}`, checkpoint: latestName, items: manifestItems, files };
  const manifestText = JSON.stringify(manifest, null, 2) + "\n";
  zip.addBuffer(Buffer.from(manifestText), "bundle.json", { mtime, compress: true });
  const manifestHash = createHash("sha256").update(manifestText).digest("hex");
  zip.addBuffer(Buffer.from(signNote(`vigil-bundle/1\n${manifestHash}\n`, [vault.keys.logSigner])), "bundle.sig", { mtime, compress: true });
  // The whole file is signed too, in the zip comment (the last bytes of the
  // file): the signature covers every byte before it, headers included.
  const placeholder = fileSignature(vault, "0".repeat(64));
  zip.end({ comment: Buffer.from(placeholder) } as unknown as yazl.EndOptions);
  const tmp = `${out}.${randomBytes(6).toString("hex")}.part`;
  try {
    await pipeline(zip.outputStream, createWriteStream(tmp, { mode: 0o600 }));
    const commentLength = Buffer.byteLength(placeholder);
    const { size: fileSize } = await stat(tmp);
    const covered = await hashPrefix(tmp, fileSize - commentLength);
    const note = Buffer.from(fileSignature(vault, covered));
    if (note.length !== commentLength) throw new VigilError("internal", "bundle signature length changed");
    const fh = await open(tmp, "r+");
    try {
      await fh.write(note, 0, note.length, fileSize - commentLength);
      await fh.sync();
    } finally {
      await fh.close();
    }
    await rename(tmp, out);
  } catch (err) {
    await rm(tmp, { force: true });
    throw err;
  }
  const digest = (await hashFile(out)).digest;
  if (items.length > 0) {
    await vault.record(items.map((i) => custodyEvent({ item: i.id, type: "exported", actor: opts.actor, method: "evidence bundle export", tool: TOOL, hashes: { bundle: digest }, notes: `bundle of ${items.length} item(s) at log size ${size}` })));
  }
  return { path: out, sha256: digest, items: items.length, events, checkpointSize: size };
}

function fileSignature(vault: Vault, hex: string): string {
  return signNote(`vigil-bundle-file/1\n${hex}\n`, [vault.keys.logSigner]);
}

async function hashPrefix(path: string, length: number): Promise<string> {
  const h = createHash("sha256");
  if (length > 0) for await (const c of createReadStream(path, { start: 0, end: length - 1, highWaterMark: 1024 * 1024 }) as AsyncIterable<Buffer>) h.update(c);
  return h.digest("hex");
}
