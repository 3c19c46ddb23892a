import type { FastifyError, FastifyInstance, FastifyPluginAsync, FastifyReply } from "fastify";
import multipart from "@fastify/multipart";
import rateLimit from "@fastify/rate-limit";
import { authorize, type Action } from "../accounts/index.ts";
import { VigilError } from "../core/errors.ts";
import { authenticate, checkCsrf, logDenial, rateKey } from "../workspace/index.ts";
import type { Config } from "../config/index.ts";
import type { Vault } from "./vault.ts";
import { parseTilePath, tileBytes, encodeEntryBundle, TILE_WIDTH } from "./tlog/tiles.ts";
import { requestCtx } from "./http/actor.ts";
import { DEFAULT_UPLOAD_MAX, readUpload, uploadMultipartOptions } from "./http/upload.ts";
import { addEvidence, getCaptureRequest, getEvidence, readLogEntries, requestCapture, vaultFor } from "./use-cases.ts";

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


/**
 * The vault over HTTP.
 *
 * Public and read-only: the log's public keys at a well-known URL, and the
 * log as C2SP tlog-tiles (checkpoint and hash tiles) for every checkpoint
 * ever signed, so anyone can mirror it and check that it only grows. The
 * entry bundles hold custody records (staff names, notes) and are served
 * only to those who may read everything.
 *
 * Staff JSON under /api/v1/vault, authenticated like the rest of the API
 * (session with CSRF, or API token), each route's action checked before its
 * body is read and again by its use case: upload (multipart, streamed into
 * the blob store under a size limit), an item with its custody records and
 * proof receipt, and capture requests run by the worker.
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
      const entries = await readLogEntries(await requestCtx(req, vault.store), vault, t.index * TILE_WIDTH, t.index * TILE_WIDTH + t.width);
      return reply.header("cache-control", "private, no-store").type("application/octet-stream").send(encodeEntryBundle(entries));
    }
    return publicLog(reply, "public, max-age=31536000, immutable").type("application/octet-stream").send(tileBytes(vault.log.tree, t));
  });

  // --- staff JSON, under the API's prefix and with its guard ---
  if (!app.hasDecorator("deps")) return;
  const uploadMax = config?.uploadMaxBytes ?? DEFAULT_UPLOAD_MAX;
  await app.register(async (api) => {
    await api.register(rateLimit, { global: true, max: config?.apiRateLimit ?? 6000, timeWindow: 60_000, keyGenerator: rateKey });
    // As for the rest of the API: who is asking and may they take the route's
    // action, decided before the body is read; sessions also need their CSRF token.
    api.addHook("onRequest", async (req) => {
      const auth = await authenticate(req);
      if (auth.via === "none") throw new VigilError("unauthenticated", "authentication required: a workspace session or a personal API token (Authorization: Bearer vgl_…)");
      if (auth.via === "session") {
        if (auth.session?.stage !== "full") throw new VigilError("forbidden", "set up a second factor in the workspace first");
        if (req.method !== "GET" && req.method !== "HEAD") await checkCsrf(req);
      }
      const action = VAULT_ROUTE_ACTIONS[`${req.method === "HEAD" ? "GET" : req.method} ${req.routeOptions.url ?? ""}`];
      if (action) authorize(auth.actor, action);
    });
    api.addHook("onSend", async (_req, reply, payload) => {
      if (!reply.hasHeader("cache-control")) reply.header("cache-control", "no-store");
      return payload;
    });
    // Every refusal goes into the audit log, as elsewhere in the API.
    api.setErrorHandler(async (err: FastifyError | VigilError, req, reply) => {
      if (err instanceof VigilError) {
        if (err.code === "forbidden" || err.code === "unauthenticated") await logDenial(req, err.status, err.message);
        return reply.code(err.status).send(err.toJSON());
      }
      if (err.validation) return reply.code(400).send({ error: { code: "validation", message: `${err.validationContext ?? "body"} ${err.message}` } });
      const status = typeof err.statusCode === "number" ? err.statusCode : 500;
      if (status < 500) return reply.code(status).send({ error: { code: status === 429 ? "rate_limited" : "bad_request", message: err.message } });
      req.log.error({ err: { message: err.message, stack: err.stack } }, "vault request failed");
      return reply.code(500).send({ error: { code: "internal", message: "internal error: nothing was half-written; try again" } });
    });
    await api.register(multipart, uploadMultipartOptions(uploadMax));

    api.post("/items", async (req, reply) => {
      const vault = await getVault();
      const { ctx } = await authenticate(req);
      const fields = new Map<string, string[]>();
      const original = await readUpload(ctx, vault, req, reply, { maxBytes: uploadMax, known: JSON_UPLOAD_FIELDS }, fields);
      const one = (name: string): string | undefined => fields.get(name)?.[0]?.trim() || undefined;
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

    api.get("/items/:id", async (req) => {
      const vault = await getVault();
      return getEvidence((await authenticate(req)).ctx, vault, (req.params as { id: string }).id);
    });

    api.post(
      "/captures",
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
        const body = req.body as { url: string; rendered?: boolean; keepFlagged?: boolean; notes?: string; sourceIds?: string[] };
        const capture = await requestCapture((await authenticate(req)).ctx, { ...body, allowPrivate: config?.captureAllowPrivate === true });
        return reply.code(202).header("location", `${STAFF_PREFIX}/captures/${capture.id}`).send(capture);
      },
    );

    api.get("/captures/:id", async (req) => getCaptureRequest((await authenticate(req)).ctx, (req.params as { id: string }).id));
  }, { prefix: STAFF_PREFIX });
};

/** Where the vault's staff JSON routes live: beside the rest of the API. */
export const STAFF_PREFIX = "/api/v1/vault";

/** The text fields of a JSON-route upload. */
const JSON_UPLOAD_FIELDS: ReadonlySet<string> = new Set(["sourceId", "notes", "sourceUrl", "title", "confidentiality"]);

/** The policy action of each staff route, checked before the body is read. */
export const VAULT_ROUTE_ACTIONS: Record<string, Action> = {
  [`POST ${STAFF_PREFIX}/items`]: "vault.add",
  [`GET ${STAFF_PREFIX}/items/:id`]: "vault.read",
  [`POST ${STAFF_PREFIX}/captures`]: "vault.capture",
  [`GET ${STAFF_PREFIX}/captures/:id`]: "vault.read",
};
