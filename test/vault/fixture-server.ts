import { createServer, type Server } from "node:http";
import { gzipSync } from "node:zlib";
import type { AddressInfo } from "node:net";

/** Pages served from 127.0.0.1 for capture tests (synthetic content, no real people). */
export const PAGES: Record<string, { status?: number; type?: string; body: string; gzip?: boolean; headers?: Record<string, string> }> = {
  "/article": {
    type: "text/html; charset=utf-8",
    gzip: true,
    body: `<!doctype html><html><head><title>Synthetic editorial</title><link rel="stylesheet" href="/style.css"></head>
<body><h1>Synthetic editorial (test fixture)</h1><p>This page is a synthetic test fixture standing in for a state-media article that may later be deleted.</p>
<img src="/pixel.png" alt="pixel"><p id="js">scripts have not run</p><script src="/app.js"></script></body></html>`,
  },
  "/style.css": { type: "text/css", body: "body { font-family: sans-serif; }" },
  "/app.js": { type: "application/javascript", body: "document.getElementById('js').textContent = 'scripts ran';" },
  "/login": {
    type: "text/html",
    body: `<html><head><title>Sign in</title></head><body><form action="/session" method="post"><label>Username <input name="u"></label><label>Password <input type="password" name="p"></label><button>Sign in</button></form></body></html>`,
  },
  "/challenge": { status: 503, type: "text/html", body: `<html><head><title>Just a moment...</title></head><body><div id="cf-chl-widget">Checking your browser before accessing the site.</div></body></html>` },
  "/empty": { type: "text/html", body: "<html><head><title></title></head><body>   </body></html>" },
  "/gone": { status: 404, type: "text/html", body: "<html><body><h1>Not Found</h1><p>The requested page was not found on this server.</p></body></html>" },
  "/old": { status: 301, body: "", headers: { Location: "/article" } },
  "/private-embed": { type: "text/html", body: `<html><head><title>Embeds</title></head><body><p>A page that embeds a resource from a private address and should still be captured.</p><img src="http://10.255.255.1/x.png"></body></html>` },
};

// 1×1 transparent PNG.
const PIXEL = Buffer.from("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=", "base64");

export async function startFixtureServer(overrides: Partial<typeof PAGES> = {}): Promise<{ base: string; server: Server; close: () => Promise<void>; pages: typeof PAGES }> {
  const pages = { ...PAGES, ...overrides } as typeof PAGES;
  const server = createServer((req, res) => {
    const path = (req.url ?? "/").split("?")[0]!;
    if (path === "/pixel.png") {
      res.writeHead(200, { "Content-Type": "image/png", "Content-Length": PIXEL.length });
      return res.end(PIXEL);
    }
    const page = pages[path];
    if (!page) {
      res.writeHead(404, { "Content-Type": "text/plain" });
      return res.end("not found");
    }
    const headers: Record<string, string> = { ...(page.type ? { "Content-Type": page.type } : {}), ...(page.headers ?? {}) };
    let body: Buffer = Buffer.from(page.body);
    if (page.gzip && /gzip/.test(String(req.headers["accept-encoding"] ?? ""))) {
      body = gzipSync(body);
      headers["Content-Encoding"] = "gzip";
    }
    res.writeHead(page.status ?? 200, headers);
    res.end(body);
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const { port } = server.address() as AddressInfo;
  return { base: `http://127.0.0.1:${port}`, server, pages, close: () => new Promise<void>((r) => server.close(() => r())) };
}
