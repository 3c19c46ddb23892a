import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export type Handler = (req: IncomingMessage, res: ServerResponse, body: Buffer) => void;

/** A real HTTP server on a loopback address serving the given routes; unknown paths get 404. */
export async function serve(routes: Record<string, Handler>, host = "127.0.0.1"): Promise<{ base: string; host: string; port: number; hits: Map<string, number>; close: () => Promise<void>; server: Server }> {
  const hits = new Map<string, number>();
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const path = (req.url ?? "/").split("?")[0]!;
      hits.set(path, (hits.get(path) ?? 0) + 1);
      const h = routes[path];
      if (!h) {
        res.writeHead(404).end("not found");
        return;
      }
      h(req, res, Buffer.concat(chunks));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    base: `http://${host}:${port}`,
    host,
    port,
    hits,
    server,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
