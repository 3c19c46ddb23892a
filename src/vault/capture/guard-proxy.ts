import { createServer, request as httpRequest, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from "node:http";
import { connect, type AddressInfo, type Socket } from "node:net";
import { resolveTarget, type NetPolicy } from "./net-guard.ts";

/**
 * A forward proxy on 127.0.0.1 that the capture browser must use for every
 * request (Playwright also sends loopback through it). It resolves each
 * host once, checks the address against the private-range policy, and
 * connects to exactly that address, so the browser never does a DNS lookup
 * of its own: a DNS-rebinding host cannot answer a public address to the
 * check and a private one to the connection. Refused requests are dropped
 * (the connection is closed, no response is invented) and listed.
 *
 * Only hosts the page itself asked for (see `allow`) are let through, so the
 * browser's own background traffic (updates, sign-in) does not leave while
 * evidence is being captured.
 */
export interface GuardProxy {
  /** `http://127.0.0.1:<port>` for the browser's proxy setting. */
  server: string;
  /** URLs (or host:port for TLS tunnels) refused by the policy. */
  blocked: string[];
  /** The address each URL's (or TLS tunnel's) connection went to, for WARC-IP-Address. */
  addressOf(url: string): string | undefined;
  /** Lets requests for this URL's host and port through (the page asked for it). */
  allow(url: string): void;
  /** Requests the page never made (the browser's own), refused. */
  unrequested: string[];
  close(): Promise<void>;
}

// Hop-by-hop headers (RFC 9110 §7.6.1) are for the proxy, not the server or the browser.
const HOP = new Set(["connection", "proxy-connection", "keep-alive", "te", "trailer", "transfer-encoding", "upgrade", "proxy-authorization", "proxy-authenticate"]);

function endToEnd(headers: IncomingHttpHeaders): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const [k, v] of Object.entries(headers)) if (v !== undefined && !HOP.has(k.toLowerCase())) out[k] = v;
  return out;
}

function endToEndRaw(raw: string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i + 1 < raw.length; i += 2) if (!HOP.has(raw[i]!.toLowerCase())) out.push(raw[i]!, raw[i + 1]!);
  return out;
}

/** Starts the guard proxy; close it when the browser is done. */
/** `host:port` with the scheme's default port written out. */
function hostPortOf(u: URL): string {
  return `${u.hostname}:${u.port || (u.protocol === "https:" ? "443" : "80")}`;
}

export async function startGuardProxy(policy: NetPolicy): Promise<GuardProxy> {
  const blocked: string[] = [];
  const unrequested: string[] = [];
  const allowed = new Set<string>();
  const byUrl = new Map<string, string>();
  const byTunnel = new Map<string, string>();
  const sockets = new Set<Socket>();

  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    void (async () => {
      const url = req.url ?? "";
      let target;
      try {
        if (!/^http:\/\//i.test(url)) throw new Error("a proxy request needs an absolute http:// URL");
        if (!allowed.has(hostPortOf(new URL(url)))) {
          unrequested.push(url);
          req.socket.destroy();
          return;
        }
        target = await resolveTarget(url, policy);
      } catch {
        blocked.push(url);
        req.socket.destroy();
        return;
      }
      byUrl.set(target.url.toString(), target.address);
      const upstream = httpRequest({
        host: target.address,
        family: target.family,
        port: Number(target.url.port || 80),
        method: req.method,
        path: `${target.url.pathname}${target.url.search}`,
        headers: { ...endToEnd(req.headers), host: target.url.host },
        setHost: false,
      });
      upstream.on("response", (up) => {
        res.writeHead(up.statusCode ?? 502, up.statusMessage, endToEndRaw(up.rawHeaders));
        up.pipe(res);
      });
      upstream.on("error", () => res.destroy());
      req.pipe(upstream);
    })();
  });

  server.on("connect", (req: IncomingMessage, client: Socket, head: Buffer) => {
    void (async () => {
      const hostPort = req.url ?? "";
      let target;
      try {
        if (!allowed.has(hostPortOf(new URL(`https://${hostPort}/`)))) {
          unrequested.push(hostPort);
          client.destroy();
          return;
        }
        target = await resolveTarget(`https://${hostPort}/`, policy);
      } catch {
        blocked.push(hostPort);
        client.destroy();
        return;
      }
      byTunnel.set(target.url.host, target.address);
      const upstream = connect({ host: target.address, family: target.family, port: Number(target.url.port || 443) }, () => {
        client.write("HTTP/1.1 200 Connection Established\r\n\r\n");
        if (head.length) upstream.write(head);
        upstream.pipe(client);
        client.pipe(upstream);
      });
      const done = (): void => {
        upstream.destroy();
        client.destroy();
      };
      upstream.on("error", done);
      client.on("error", done);
    })();
  });
  server.on("connection", (s: Socket) => {
    sockets.add(s);
    s.on("close", () => sockets.delete(s));
  });

  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    server: `http://127.0.0.1:${port}`,
    blocked,
    unrequested,
    allow: (url) => {
      allowed.add(hostPortOf(new URL(url)));
    },
    addressOf: (url) => {
      const u = new URL(url);
      return u.protocol === "https:" ? byTunnel.get(u.host) : byUrl.get(u.toString());
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
