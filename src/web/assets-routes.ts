import { readFileSync } from "node:fs";
import type { FastifyPluginAsync } from "fastify";

/**
 * Serves the stylesheets and other files under /assets/ from this folder.
 * Files are read once at start; each is served with a long cache lifetime.
 */
const ASSETS_DIR = new URL("./assets/", import.meta.url);
const TYPES: Record<string, string> = { css: "text/css; charset=utf-8", js: "text/javascript; charset=utf-8", svg: "image/svg+xml", woff2: "font/woff2", png: "image/png", ico: "image/x-icon" };

/** Files other capabilities add: name → absolute file URL. */
export const extraAssets = new Map<string, URL>();

export const assetRoutes: FastifyPluginAsync = async (app) => {
  const cache = new Map<string, { body: Buffer; type: string }>();
  const load = (name: string, url: URL): void => {
    const ext = name.split(".").pop() ?? "";
    const type = TYPES[ext];
    if (!type) throw new Error(`asset ${name} has no known type`);
    cache.set(name, { body: readFileSync(url), type });
  };
  load("vigil.css", new URL("vigil.css", ASSETS_DIR));
  for (const [name, url] of extraAssets) load(name, url);
  app.get<{ Params: { name: string } }>("/assets/:name", async (req, reply) => {
    const hit = cache.get(req.params.name);
    if (!hit) return reply.code(404).type("text/plain").send("not found");
    return reply.header("cache-control", "public, max-age=86400").type(hit.type).send(hit.body);
  });
};
