import { createHash, randomUUID } from "node:crypto";
import { CDXIndexer, WARCParser, WARCRecord, WARCSerializer } from "warcio";
import { VigilError } from "../../core/errors.ts";

/**
 * WARC 1.1 writing and checking on top of warcio. Every record we write is
 * WARC/1.1 with SHA-256 block and payload digests; the reader re-computes
 * every digest a record declares (sha1 or sha256, base32 or hex) and reports
 * truncation by offset.
 */

export const WARC_VERSION = "WARC/1.1";

/** One HTTP exchange as seen on the wire (bodies as stored: de-chunked). */
export interface HttpExchange {
  url: string;
  method: string;
  httpVersion: string;
  requestHeaders: [string, string][];
  requestBody?: Uint8Array;
  status: number;
  statusText: string;
  responseHeaders: [string, string][];
  body: Uint8Array;
  date: Date;
  remoteAddress?: string;
}

/** A non-HTTP resource stored alongside (screenshot, DOM snapshot, page text). */
export interface WarcResource {
  uri: string;
  contentType: string;
  body: Uint8Array;
  date: Date;
}

// Headers whose value no longer describes the stored bytes are kept under another name (pywb's convention).
const REWRITTEN = new Set(["transfer-encoding"]);

function storedHeaders(headers: [string, string][], decoded: boolean): [string, string][] {
  return headers.map(([k, v]) => {
    const lk = k.toLowerCase();
    if (REWRITTEN.has(lk) || (decoded && (lk === "content-encoding" || lk === "content-length"))) return [`X-Archive-Orig-${k}`, v];
    return [k, v];
  });
}

async function serialize(record: WARCRecord): Promise<Uint8Array> {
  return WARCSerializer.serialize(record, { gzip: true, digest: { algo: "sha-256", prefix: "sha256:", base32: false } });
}

/**
 * Writes exchanges (response + request records) and resources into one
 * gzipped WARC 1.1 file with a warcinfo record first.
 * `decodedBodies`: bodies had their Content-Encoding removed (browser capture).
 */
export async function writeWarc(input: { exchanges: HttpExchange[]; resources?: WarcResource[]; software: string; operator?: string; decodedBodies?: boolean; filename?: string }): Promise<Buffer> {
  const parts: Uint8Array[] = [];
  const info = WARCRecord.createWARCInfo(
    { filename: input.filename ?? "data.warc.gz", warcVersion: WARC_VERSION },
    { software: input.software, format: "WARC File Format 1.1", conformsTo: "https://iipc.github.io/warc-specifications/specifications/warc-format/warc-1.1/", ...(input.operator ? { operator: input.operator } : {}) },
  );
  parts.push(await serialize(info));
  for (const ex of input.exchanges) {
    const date = ex.date.toISOString();
    const responseId = `<urn:uuid:${randomUUID()}>`;
    const respHeaders: Record<string, string> = { "WARC-Record-ID": responseId };
    if (ex.remoteAddress) respHeaders["WARC-IP-Address"] = ex.remoteAddress;
    const response = WARCRecord.create(
      {
        url: ex.url,
        date,
        type: "response",
        warcVersion: WARC_VERSION,
        warcHeaders: respHeaders,
        statusline: `HTTP/${ex.httpVersion} ${ex.status} ${ex.statusText}`.trimEnd(),
        httpHeaders: storedHeaders(ex.responseHeaders, input.decodedBodies ?? false),
        keepHeadersCase: true,
      },
      [ex.body],
    );
    parts.push(await serialize(response));
    const target = new URL(ex.url);
    const request = WARCRecord.create(
      {
        url: ex.url,
        date,
        type: "request",
        warcVersion: WARC_VERSION,
        warcHeaders: { "WARC-Concurrent-To": responseId },
        statusline: `${ex.method} ${target.pathname}${target.search} HTTP/${ex.httpVersion}`,
        httpHeaders: ex.requestHeaders,
        keepHeadersCase: true,
      },
      ex.requestBody ? [ex.requestBody] : [],
    );
    parts.push(await serialize(request));
  }
  for (const r of input.resources ?? []) {
    const rec = WARCRecord.create(
      { url: r.uri, date: r.date.toISOString(), type: "resource", warcVersion: WARC_VERSION, warcHeaders: { "Content-Type": r.contentType } },
      [r.body],
    );
    parts.push(await serialize(rec));
  }
  return Buffer.concat(parts);
}

export interface WarcRecordSummary {
  index: number;
  type: string;
  offset: number;
  length: number;
  targetUri?: string;
  version: string;
  contentLength: number;
  digestsChecked: string[];
}

const B32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

function base32(buf: Buffer): string {
  let bits = 0;
  let value = 0;
  let out = "";
  for (const b of buf) {
    value = (value << 8) | b;
    bits += 8;
    while (bits >= 5) {
      out += B32[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) out += B32[(value << (5 - bits)) & 31];
  return out;
}

function digestMatches(declared: string, data: Uint8Array): boolean {
  const i = declared.indexOf(":");
  if (i < 0) return false;
  const algo = declared.slice(0, i).toLowerCase().replace("-", "");
  const value = declared.slice(i + 1);
  if (algo !== "sha1" && algo !== "sha256") return false;
  const d = createHash(algo).update(data).digest();
  return value === base32(d) || value.toLowerCase() === d.toString("hex") || value === d.toString("base64");
}

function indexOfCrlfCrlf(b: Uint8Array): number {
  for (let i = 0; i + 3 < b.length; i++) if (b[i] === 13 && b[i + 1] === 10 && b[i + 2] === 13 && b[i + 3] === 10) return i;
  return -1;
}

/**
 * Reads every record of a WARC (plain or gzipped), checks each declared
 * digest and that no record is cut short. Throws an integrity error naming
 * the record and its offset.
 */
export async function checkWarc(source: AsyncIterable<Uint8Array> | Iterable<Uint8Array>, opts: { name?: string; maxRecords?: number } = {}): Promise<WarcRecordSummary[]> {
  const name = opts.name ?? "WARC";
  let total = 0;
  async function* counted(): AsyncIterable<Uint8Array> {
    for await (const chunk of source) {
      total += chunk.length;
      yield chunk;
    }
  }
  const parser = new WARCParser(counted(), { keepHeadersCase: true, parseHttp: false });
  const out: WarcRecordSummary[] = [];
  let index = 0;
  try {
    for await (const record of parser) {
      index++;
      if (opts.maxRecords !== undefined && index > opts.maxRecords) throw new VigilError("too_large", `${name} has more than ${opts.maxRecords} records`);
      const offset = parser.offset;
      const block = await record.readFully(false);
      const contentLength = record.warcContentLength;
      const where = `${name} record ${index} (${record.warcType}) at offset ${offset}`;
      if (block.length !== contentLength) throw new VigilError("integrity", `${where} is truncated: ${block.length} of ${contentLength} bytes`);
      const checked: string[] = [];
      const blockDigest = record.warcBlockDigest;
      if (blockDigest) {
        if (!digestMatches(blockDigest, block)) throw new VigilError("integrity", `${where}: block digest ${blockDigest} does not match its content`);
        checked.push("block");
      }
      const payloadDigest = record.warcPayloadDigest;
      if (payloadDigest && record.warcType !== "revisit") {
        const isHttp = /^application\/http/i.test(record.warcContentType ?? "");
        const split = isHttp ? indexOfCrlfCrlf(block) : -1;
        const payload = isHttp ? (split >= 0 ? block.subarray(split + 4) : new Uint8Array()) : block;
        if (!digestMatches(payloadDigest, payload)) throw new VigilError("integrity", `${where}: payload digest ${payloadDigest} does not match its content`);
        checked.push("payload");
      }
      const summary: WarcRecordSummary = { index, type: record.warcType, offset, length: 0, version: record.warcHeaders.protocol ?? record.warcHeaders.statusline, contentLength, digestsChecked: checked };
      const target = record.warcTargetURI;
      if (target) summary.targetUri = target;
      out.push(summary);
    }
  } catch (err) {
    if (err instanceof VigilError) throw err;
    throw new VigilError("integrity", `${name} is not a readable WARC after record ${index}: ${(err as Error).message}`, { cause: err });
  }
  // The parser knows a record's length only once the next one starts.
  out.forEach((r, i) => {
    r.length = (out[i + 1]?.offset ?? total) - r.offset;
  });
  return out;
}

async function* once(b: Uint8Array): AsyncIterable<Uint8Array> {
  yield b;
}

/** CDXJ index lines (sorted) for a WARC, by warcio's indexer. */
export async function cdxjIndex(warc: Uint8Array, filename: string): Promise<string> {
  const indexer = new CDXIndexer({ format: "cdxj" });
  const lines: string[] = [];
  for await (const row of indexer.iterIndex([{ filename, reader: once(warc) }])) lines.push(indexer.serializeCDXJ(row));
  return lines.sort().join("");
}
