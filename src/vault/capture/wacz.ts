import { createHash, createPublicKey, verify as cryptoVerify, X509Certificate } from "node:crypto";
import yazl from "yazl";
import { VigilError } from "../../core/errors.ts";
import { readZip, type ZipEntryInfo } from "../verify/safe-zip.ts";
import { checkWarc, cdxjIndex } from "./warc.ts";

/**
 * WACZ 1.1.1 packages (webrecorder.net/specs/wacz/1.1.1) with a
 * datapackage-digest.json signed as the WACZ signing spec (wacz-auth 0.1.0)
 * describes: here the "anonymous" form, ECDSA P-384 over the hash string.
 */

export const WACZ_VERSION = "1.1.1";

export interface WaczPage {
  url: string;
  ts: string;
  title?: string;
  text?: string;
  id: string;
}

export interface SignedData {
  hash: string;
  created: string;
  software: string;
  signature: string;
  publicKey?: string;
  domain?: string;
  domainCert?: string;
  timeSignature?: string;
  timestampCert?: string;
  version?: string;
}

const sha256 = (b: Uint8Array): string => `sha256:${createHash("sha256").update(b).digest("hex")}`;

/** Builds a signed WACZ from one WARC and its pages. */
export async function buildWacz(input: {
  warc: Buffer;
  pages: WaczPage[];
  title: string;
  created: Date;
  software: string;
  sign: (hash: string) => { signature: string; publicKey: string };
}): Promise<Buffer> {
  const files: { path: string; data: Buffer; compress: boolean }[] = [];
  files.push({ path: "archive/data.warc.gz", data: input.warc, compress: false });
  files.push({ path: "indexes/index.cdxj", data: Buffer.from(await cdxjIndex(input.warc, "data.warc.gz")), compress: true });
  const pages = [JSON.stringify({ format: "json-pages-1.0", id: "pages", title: "All Pages" }), ...input.pages.map((p) => JSON.stringify(p))].join("\n") + "\n";
  files.push({ path: "pages/pages.jsonl", data: Buffer.from(pages), compress: true });
  const created = input.created.toISOString();
  const datapackage = {
    profile: "data-package",
    wacz_version: WACZ_VERSION,
    title: input.title,
    created,
    modified: created,
    software: input.software,
    ...(input.pages[0] ? { mainPageUrl: input.pages[0].url, mainPageDate: input.pages[0].ts } : {}),
    resources: files.map((f) => ({ name: f.path.split("/").pop()!, path: f.path, hash: sha256(f.data), bytes: f.data.length })),
  };
  const dpBytes = Buffer.from(JSON.stringify(datapackage, null, 2));
  const hash = sha256(dpBytes);
  const sig = input.sign(hash);
  const digest = { path: "datapackage.json", hash, signedData: { hash, created, software: input.software, signature: sig.signature, publicKey: sig.publicKey } satisfies SignedData };
  const zip = new yazl.ZipFile();
  const mtime = input.created;
  for (const f of files) zip.addBuffer(f.data, f.path, { compress: f.compress, mtime });
  zip.addBuffer(dpBytes, "datapackage.json", { compress: true, mtime });
  zip.addBuffer(Buffer.from(JSON.stringify(digest, null, 2)), "datapackage-digest.json", { compress: true, mtime });
  zip.end();
  const parts: Buffer[] = [];
  for await (const c of zip.outputStream as AsyncIterable<Buffer>) parts.push(c);
  return Buffer.concat(parts);
}

export interface SignatureCheck {
  kind: "anonymous" | "domain";
  valid: boolean;
  problems: string[];
  domain?: string;
  timestamp?: "not checked";
}

/**
 * Checks a WACZ signedData block. Anonymous: ECDSA P-384 SPKI key over the
 * hash string. Domain identity: the first certificate of domainCert signs the
 * hash string, and the certificate must name `domain`. The RFC 3161
 * timeSignature is reported as not checked (no CMS parser here).
 */
export function checkSignedData(sd: SignedData, expectedHash?: string): SignatureCheck {
  const problems: string[] = [];
  if (expectedHash !== undefined && sd.hash !== expectedHash) problems.push(`signed hash ${sd.hash} is not the datapackage hash ${expectedHash}`);
  const data = Buffer.from(sd.hash, "ascii");
  const signature = Buffer.from(sd.signature, "base64");
  if (sd.publicKey) {
    let ok = false;
    try {
      const key = createPublicKey({ key: Buffer.from(sd.publicKey, "base64"), format: "der", type: "spki" });
      ok = cryptoVerify("sha256", data, { key, dsaEncoding: "ieee-p1363" }, signature) || cryptoVerify("sha256", data, { key, dsaEncoding: "der" }, signature);
    } catch (err) {
      problems.push(`public key unreadable: ${(err as Error).message}`);
    }
    if (!ok) problems.push("signature does not verify with the included public key");
    return { kind: "anonymous", valid: problems.length === 0, problems };
  }
  if (!sd.domainCert) return { kind: "anonymous", valid: false, problems: [...problems, "no public key and no domain certificate"] };
  const pem = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/.exec(sd.domainCert)?.[0];
  if (!pem) return { kind: "domain", valid: false, problems: [...problems, "domainCert holds no certificate"] };
  const cert = new X509Certificate(pem);
  let ok = false;
  try {
    const ec = cert.publicKey.asymmetricKeyType === "ec";
    ok = cryptoVerify("sha256", data, ec ? { key: cert.publicKey, dsaEncoding: "der" } : cert.publicKey, signature) || (ec && cryptoVerify("sha256", data, { key: cert.publicKey, dsaEncoding: "ieee-p1363" }, signature));
  } catch (err) {
    problems.push(`signature check failed: ${(err as Error).message}`);
  }
  if (!ok) problems.push("signature does not verify with the domain certificate's key");
  if (!sd.domain || cert.checkHost(sd.domain) === undefined) problems.push(`domain ${JSON.stringify(sd.domain ?? "")} does not match the certificate (${cert.subject.replace(/\n/g, ", ")})`);
  return { kind: "domain", valid: problems.length === 0, problems, ...(sd.domain ? { domain: sd.domain } : {}), timestamp: "not checked" };
}

export interface WaczCheck {
  files: string[];
  pages: WaczPage[];
  signature?: SignatureCheck;
  warcRecords: number;
}

/** Checks a WACZ: every datapackage resource's hash and size, the digest file, the signature, and every WARC record. */
export async function checkWacz(source: string | Buffer, opts: { requireSignature?: boolean } = {}): Promise<WaczCheck> {
  const entries = await readZip(source);
  const get = (p: string): ZipEntryInfo => {
    const e = entries.get(p);
    if (!e) throw new VigilError("integrity", `WACZ is missing ${p}`);
    return e;
  };
  const dpEntry = get("datapackage.json");
  const dp = JSON.parse(dpEntry.data!.toString("utf8")) as { wacz_version?: string; resources?: { path: string; hash: string; bytes: number }[] };
  if (!Array.isArray(dp.resources)) throw new VigilError("integrity", "WACZ datapackage.json has no resources list");
  for (const r of dp.resources) {
    const e = get(r.path);
    if (e.sha256 !== r.hash) throw new VigilError("integrity", `WACZ file ${r.path} does not match its hash in datapackage.json`);
    if (e.size !== r.bytes) throw new VigilError("integrity", `WACZ file ${r.path} is ${e.size} bytes, datapackage.json says ${r.bytes}`);
  }
  let signature: SignatureCheck | undefined;
  const digestEntry = entries.get("datapackage-digest.json");
  if (digestEntry?.data) {
    const digest = JSON.parse(digestEntry.data.toString("utf8")) as { path: string; hash: string; signedData?: SignedData };
    if (digest.hash !== dpEntry.sha256) throw new VigilError("integrity", "WACZ datapackage-digest.json does not match datapackage.json");
    if (digest.signedData) {
      signature = checkSignedData(digest.signedData, dpEntry.sha256);
      if (!signature.valid) throw new VigilError("integrity", `WACZ signature is invalid: ${signature.problems.join("; ")}`);
    }
  }
  if (opts.requireSignature && !signature) throw new VigilError("integrity", "WACZ is not signed");
  let warcRecords = 0;
  for (const r of dp.resources.filter((x) => x.path.startsWith("archive/"))) {
    const data = get(r.path).data;
    if (data) warcRecords += (await checkWarc([data], { name: r.path })).length;
  }
  const pagesText = entries.get("pages/pages.jsonl")?.data?.toString("utf8") ?? "";
  const pages = pagesText.split("\n").filter(Boolean).slice(1).map((l) => JSON.parse(l) as WaczPage);
  return { files: [...entries.keys()].sort(), pages, ...(signature ? { signature } : {}), warcRecords };
}
