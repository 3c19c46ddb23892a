import type { FastifyPluginAsync } from "fastify";
import type { Vault } from "./vault.ts";
import { parseTilePath, tileBytes, encodeEntryBundle, TILE_WIDTH } from "./tlog/tiles.ts";
import { parseCheckpoint } from "./tlog/checkpoint.ts";

/**
 * Public, read-only routes: the log's public keys at a well-known URL, and
 * the log itself as C2SP tlog-tiles (checkpoint, tiles, entry bundles) so
 * anyone can mirror and audit it. Register with `{ vault, prefix }`.
 */
export const vaultRoutes: FastifyPluginAsync<{ vault: Vault; logPrefix?: string }> = async (app, opts) => {
  const { vault } = opts;
  const base = opts.logPrefix ?? "/log";

  app.get("/.well-known/vigil-log-key", async (_req, reply) => {
    const lines = vault.keys.logKeys.map((k) => `${k.vkey}${k.retired ? ` retired ${k.retired}` : ""}`);
    return reply.type("text/plain; charset=utf-8").header("cache-control", "public, max-age=300").send(lines.join("\n") + "\n");
  });

  app.get(`${base}/checkpoint`, async (_req, reply) => {
    const note = (await vault.log.latestCheckpoint()) ?? (await vault.checkpoint());
    return reply.type("text/plain; charset=utf-8").header("cache-control", "no-cache, max-age=5").send(note);
  });

  app.get(`${base}/tile/*`, async (req, reply) => {
    const path = `tile/${(req.params as { "*": string })["*"]}`;
    const t = parseTilePath(path);
    const note = await vault.log.latestCheckpoint();
    const size = note ? parseCheckpoint(note.slice(0, note.lastIndexOf("\n\n") + 1)).size : 0;
    if (!t) return reply.code(404).type("text/plain").send("not a tile path\n");
    const span = t.level === "entries" ? 1 : TILE_WIDTH ** t.level;
    const available = Math.floor(size / span) - t.index * TILE_WIDTH;
    // Only tiles of signed checkpoints are served: full ones, or the exact partial width.
    if (available < t.width || (t.width < TILE_WIDTH && available !== t.width)) return reply.code(404).type("text/plain").send("no such tile\n");
    let body: Buffer;
    if (t.level === "entries") {
      const entries: Buffer[] = [];
      for await (const e of vault.log.entries(t.index * TILE_WIDTH, t.index * TILE_WIDTH + t.width)) entries.push(e);
      body = encodeEntryBundle(entries);
    } else body = tileBytes(vault.log.tree, t);
    return reply.type("application/octet-stream").header("cache-control", "public, max-age=31536000, immutable").send(body);
  });
};
