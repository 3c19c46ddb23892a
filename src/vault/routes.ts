import type { FastifyInstance, FastifyPluginAsync, FastifyReply } from "fastify";
import multipart from "@fastify/multipart";
import { makeCtx } from "../core/context.ts";
import { VigilError } from "../core/errors.ts";
import type { Config } from "../config/index.ts";
import type { Vault } from "./vault.ts";
import { parseTilePath, tileBytes, encodeEntryBundle, TILE_WIDTH } from "./tlog/tiles.ts";
import { requestActor } from "./http/actor.ts";
import type { BlobRef } from "./custody.ts";
import { addEvidence, getCaptureRequest, getEvidence, readLogEntries, receiveEvidence, requestCapture, vaultFor } from "./use-cases.ts";

export interface VaultRoutesOptions {
  /** The vault to serve (default: the store's, opened once per process). */
  vault?: Vault;
  logPrefix?: string;
}

/** The log's origin for a new vault: the public host, when configured. */
export function defaultOriginFor(config: Config | undefined): string | undefined {
  if (!config?.publicUrl) return undefined;
  return `${new URL(config.publicUrl).host}/vault`;
}

function configOf(app: FastifyInstance): Config | undefined {
  return app.hasDecorator("deps") ? app.deps.config : undefined;
}

const DEFAULT_UPLOAD_MAX = 2048 * 1024 * 1024;

/**
 * The vault over HTTP.
 *
 * Public and read-only: the log's public keys at a well-known URL, and the
 * log as C2SP tlog-tiles (checkpoint and hash tiles) for every checkpoint
 * ever signed, so anyone can mirror it and check that it only grows. The
 * entry bundles hold custody records (staff names, notes) and are served
 * only to those who may read everything.
 *
 * Staff JSON under /api/vault, each guarded by the policy through its use
 * case: upload (multipart, streamed into the blob store under a size limit),
 * an item with its custody records and proof receipt, and capture requests
 * run by the worker.
 */
export const vaultRoutes: FastifyPluginAsync<VaultRoutesOptions> = async (app, opts) => {
  const base = opts.logPrefix ?? "/log";
  const config = configOf(app);
  const defaultOrigin = defaultOriginFor(config);
  const getVault = (): Promise<Vault> => (opts.vault ? Promise.resolve(opts.vault) : vaultFor(app.deps.store, defaultOrigin ? { defaultOrigin } : {}));
  // The log is static, public data any mirror or browser-based verifier may fetch.
  const publicLog = (reply: FastifyReply, cache: string): FastifyReply => reply.header("cache-control", cache).header("access-control-allow-origin", "*");
  app.addHook("onSend", async (req, reply, payload) => {
    if ((req.url.startsWith(`${base}/`) && !req.url.startsWith(`${base}/tile/entries/`)) || req.url === "/.well-known/vigil-log-key") reply.header("cross-origin-resource-policy", "cross-origin");
    return payload;
  });

  app.get("/.well-known/vigil-log-key", async (_req, reply) => {
    const vault = await getVault();
    const lines = vault.keys.logKeys.map((k) => `${k.vkey}${k.retired ? ` retired ${k.retired}` : ""}`);
    return publicLog(reply, "public, max-age=300").type("text/plain; charset=utf-8").send(lines.join("\n") + "\n");
  });

  app.get(`${base}/checkpoint`, async (_req, reply) => {
    const vault = await getVault();
    const { note } = await vault.currentCheckpoint();
    return publicLog(reply, "no-cache, max-age=5").type("text/plain; charset=utf-8").send(note);
  });

  app.get(`${base}/tile/*`, async (req, reply) => {
    const t = parseTilePath(`tile/${(req.params as { "*": string })["*"]}`);
    if (!t) return reply.code(404).type("text/plain").send("not a tile path\n");
    const vault = await getVault();
    await vault.log.catchUp();
    const span = t.level === "entries" ? 1 : TILE_WIDTH ** t.level;
    // A tile exists for a tree size when that tree has exactly this many hashes at the tile's level.
    const hashes = t.index * TILE_WIDTH + t.width;
    if (!Number.isSafeInteger(hashes * span * 2)) return reply.code(404).type("text/plain").send("no such tile\n");
    // Full tiles: any signed tree big enough. Partial tiles: a signed tree whose
    // size leaves exactly this width, so every published checkpoint keeps its tiles.
    const signed = t.width === TILE_WIDTH ? (await vault.log.latestCheckpointSize()) >= hashes * span : await vault.log.hasCheckpointBetween(hashes * span, (hashes + 1) * span);
    if (!signed || hashes * span > vault.log.size) return reply.code(404).type("text/plain").send("no such tile\n");
    if (t.level === "entries") {
      const entries = await readLogEntries(makeCtx(vault.store, await requestActor(req)), vault, t.index * TILE_WIDTH, t.index * TILE_WIDTH + t.width);
      return reply.header("cache-control", "private, no-store").type("application/octet-stream").send(encodeEntryBundle(entries));
    }
    return publicLog(reply, "public, max-age=31536000, immutable").type("application/octet-stream").send(tileBytes(vault.log.tree, t));
  });

  // --- staff JSON ---

  const uploadMax = config?.uploadMaxBytes ?? DEFAULT_UPLOAD_MAX;
  await app.register(async (upload) => {
    await upload.register(multipart, {
      // One byte over our own limit: the blob store refuses the stream itself (keeping
      // nothing), rather than busboy ending it early as if it were complete.
      limits: { fileSize: uploadMax + 1, files: 1, fields: 20, fieldSize: 8 * 1024, parts: 21, headerPairs: 100, fieldNameSize: 100 },
      throwFileSizeLimit: true,
    });
    upload.post("/api/vault/items", async (req, reply) => {
      const vault = await getVault();
      const ctx = makeCtx(vault.store, await requestActor(req));
      if (!req.isMultipart()) throw new VigilError("unsupported", "send the file as multipart/form-data with a `file` part");
      const fields = new Map<string, string[]>();
      let original: BlobRef | undefined;
      try {
        for await (const part of req.parts()) {
          if (part.type === "file") {
            if (part.fieldname !== "file") throw new VigilError("validation", `unexpected file part ${JSON.stringify(part.fieldname)}; send the evidence as \`file\``, { where: { field: part.fieldname } });
            original = await receiveEvidence(ctx, vault, part.file, { filename: part.filename, maxBytes: uploadMax });
          } else fields.set(part.fieldname, [...(fields.get(part.fieldname) ?? []), String(part.value)]);
        }
      } catch (err) {
        // Refused uploads close the connection rather than read the rest of a large body.
        reply.header("connection", "close");
        throw translateMultipartError(err, uploadMax);
      }
      if (!original) throw new VigilError("validation", "no file in the upload", { where: { field: "file" } });
      const one = (name: string): string | undefined => fields.get(name)?.[0]?.trim() || undefined;
      const known = new Set(["sourceId", "notes", "sourceUrl", "title", "confidentiality"]);
      for (const name of fields.keys()) if (!known.has(name)) throw new VigilError("validation", `unknown field ${JSON.stringify(name)}`, { where: { field: name } });
      const notes = one("notes");
      const sourceUrl = one("sourceUrl");
      const title = one("title");
      const confidentiality = one("confidentiality");
      const { item, events } = await addEvidence(ctx, vault, original, {
        sourceIds: (fields.get("sourceId") ?? []).map((s) => s.trim()).filter(Boolean),
        ...(notes ? { notes } : {}),
        ...(sourceUrl ? { sourceUrl } : {}),
        ...(title ? { title } : {}),
        ...(confidentiality ? { confidentiality } : {}),
      });
      return reply.code(201).send({ item, events: events.map((e) => ({ index: e.index, type: e.event.type, at: e.event.at })) });
    });
  });

  app.get("/api/vault/items/:id", async (req) => {
    const vault = await getVault();
    const ctx = makeCtx(vault.store, await requestActor(req));
    return getEvidence(ctx, vault, (req.params as { id: string }).id);
  });

  app.post(
    "/api/vault/captures",
    {
      schema: {
        body: {
          type: "object",
          required: ["url"],
          additionalProperties: false,
          properties: {
            url: { type: "string", minLength: 1, maxLength: 8000 },
            rendered: { type: "boolean" },
            keepFlagged: { type: "boolean" },
            notes: { type: "string", maxLength: 4000 },
            sourceIds: { type: "array", maxItems: 50, items: { type: "string", maxLength: 100 } },
          },
        },
      },
    },
    async (req, reply) => {
      const vault = await getVault();
      const ctx = makeCtx(vault.store, await requestActor(req));
      const body = req.body as { url: string; rendered?: boolean; keepFlagged?: boolean; notes?: string; sourceIds?: string[] };
      const capture = await requestCapture(ctx, { ...body, allowPrivate: config?.captureAllowPrivate === true });
      return reply.code(202).header("location", `/api/vault/captures/${capture.id}`).send(capture);
    },
  );

  app.get("/api/vault/captures/:id", async (req) => {
    const vault = await getVault();
    const ctx = makeCtx(vault.store, await requestActor(req));
    return getCaptureRequest(ctx, (req.params as { id: string }).id);
  });
};

/** Multipart refusals as typed errors with a clear message. */
function translateMultipartError(err: unknown, max: number): unknown {
  const code = (err as { code?: string }).code;
  if (code === "FST_REQ_FILE_TOO_LARGE" || code === "too_large") return new VigilError("too_large", `the file exceeds the upload limit of ${max} bytes; nothing was stored`, { cause: err });
  if (code === "FST_FILES_LIMIT") return new VigilError("validation", "one file per upload", { where: { field: "file" }, cause: err });
  if (code === "FST_FIELDS_LIMIT" || code === "FST_PARTS_LIMIT") return new VigilError("validation", "too many fields in the upload", { cause: err });
  if (code === "FST_PROTO_VIOLATION") return new VigilError("validation", "forbidden field name", { cause: err });
  if (code === "FST_INVALID_MULTIPART_CONTENT_TYPE") return new VigilError("unsupported", "send the file as multipart/form-data", { cause: err });
  return err;
}
