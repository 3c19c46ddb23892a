import { BlockList, isIP } from "node:net";
import { lookup } from "node:dns/promises";
import { VigilError } from "../../core/errors.ts";

/**
 * Refuses captures that would reach private, loopback, link-local or other
 * special-purpose addresses (SSRF): a capture URL typed by a user must not
 * become a way to read the organisation's own network.
 */
const blocked = new BlockList();
for (const [net, prefix] of [
  ["0.0.0.0", 8], ["10.0.0.0", 8], ["100.64.0.0", 10], ["127.0.0.0", 8], ["169.254.0.0", 16], ["172.16.0.0", 12],
  ["192.0.0.0", 24], ["192.0.2.0", 24], ["192.168.0.0", 16], ["198.18.0.0", 15], ["198.51.100.0", 24], ["203.0.113.0", 24],
  ["224.0.0.0", 4], ["240.0.0.0", 4],
] as const) blocked.addSubnet(net, prefix, "ipv4");
for (const [net, prefix] of [["::", 128], ["::1", 128], ["fc00::", 7], ["fe80::", 10], ["ff00::", 8], ["64:ff9b::", 96], ["2001:db8::", 32], ["100::", 64]] as const) blocked.addSubnet(net, prefix, "ipv6");

/** True when the address is in a private or special-purpose range. */
export function isPrivateAddress(address: string): boolean {
  const family = isIP(address);
  if (family === 4) return blocked.check(address, "ipv4");
  if (family === 6) {
    const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
    if (mapped) return blocked.check(mapped[1]!, "ipv4");
    return blocked.check(address, "ipv6");
  }
  return true; // not an IP at all: refuse rather than guess
}

export interface ResolvedTarget {
  url: URL;
  address: string;
  family: 4 | 6;
}

/**
 * Checks a URL's scheme and resolves its host once; the caller connects to
 * exactly this address so that DNS cannot change between check and use.
 */
export async function resolveTarget(raw: string, allowPrivate: boolean): Promise<ResolvedTarget> {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new VigilError("validation", `not a URL: ${JSON.stringify(raw)}`, { where: { field: "url" } });
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") throw new VigilError("validation", `only http and https URLs can be captured, not ${url.protocol}`, { where: { field: "url" } });
  if (url.username || url.password) throw new VigilError("validation", "URLs with credentials are not captured", { where: { field: "url" } });
  const host = url.hostname.replace(/^\[|\]$/g, "");
  let address: string;
  let family: 4 | 6;
  if (isIP(host)) {
    address = host;
    family = isIP(host) as 4 | 6;
  } else {
    let found: { address: string; family: number }[];
    try {
      found = await lookup(host, { all: true });
    } catch (err) {
      throw new VigilError("not_found", `cannot resolve ${host}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`, { cause: err });
    }
    if (found.length === 0) throw new VigilError("not_found", `cannot resolve ${host}`);
    if (!allowPrivate) {
      const bad = found.find((a) => isPrivateAddress(a.address));
      if (bad) throw new VigilError("forbidden", `${host} resolves to a private address (${bad.address}); use the private-address allowance to capture it`);
    }
    address = found[0]!.address;
    family = found[0]!.family as 4 | 6;
  }
  if (!allowPrivate && isPrivateAddress(address)) throw new VigilError("forbidden", `${address} is a private address; use the private-address allowance to capture it`);
  return { url, address, family };
}
