/** Text decoded from bytes, with what was assumed and what went wrong. */
export interface DecodedText {
  text: string;
  /** The encoding used (WHATWG label). */
  encoding: string;
  /** Problems worth recording on the source (unknown charset, undecodable bytes). */
  warnings: string[];
}

function declaredCharset(contentType: string | undefined, head: string): { label?: string; from?: string } {
  const header = /charset\s*=\s*"?([\w.:-]+)/i.exec(contentType ?? "");
  if (header) return { label: header[1]!, from: "Content-Type header" };
  const xml = /^\s*<\?xml[^>]*encoding\s*=\s*["']([\w.:-]+)["']/i.exec(head);
  if (xml) return { label: xml[1]!, from: "XML declaration" };
  const meta = /<meta[^>]+charset\s*=\s*["']?([\w.:-]+)/i.exec(head);
  if (meta) return { label: meta[1]!, from: "HTML meta tag" };
  return {};
}

function decodeWith(label: string, bytes: Uint8Array): { text: string; bad: number } | undefined {
  let decoder: TextDecoder;
  try {
    decoder = new TextDecoder(label, { fatal: false });
  } catch {
    return undefined;
  }
  const text = decoder.decode(bytes);
  let bad = 0;
  for (let i = text.indexOf("\ufffd"); i >= 0; i = text.indexOf("\ufffd", i + 1)) bad++;
  return { text, bad };
}

/**
 * Decodes a fetched document: a byte-order mark, the Content-Type charset,
 * the XML declaration or an HTML meta tag decide; UTF-8 otherwise. Persian
 * sites still serve windows-1256: when UTF-8 fails on many bytes and
 * windows-1256 does not, that is used instead. Undecodable bytes become
 * U+FFFD and are counted in a warning, never an exception.
 */
export function decodeBody(bytes: Uint8Array, contentType?: string): DecodedText {
  const warnings: string[] = [];
  if (bytes.length >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) return { text: new TextDecoder("utf-8").decode(bytes.subarray(3)), encoding: "utf-8", warnings };
  if (bytes.length >= 2 && bytes[0] === 0xff && bytes[1] === 0xfe) return { text: new TextDecoder("utf-16le").decode(bytes.subarray(2)), encoding: "utf-16le", warnings };
  if (bytes.length >= 2 && bytes[0] === 0xfe && bytes[1] === 0xff) return { text: new TextDecoder("utf-16be").decode(bytes.subarray(2)), encoding: "utf-16be", warnings };
  const head = new TextDecoder("latin1").decode(bytes.subarray(0, 2048));
  const declared = declaredCharset(contentType, head);
  let label = "utf-8";
  if (declared.label) {
    if (decodeWith(declared.label, new Uint8Array(0))) label = declared.label.toLowerCase();
    else warnings.push(`unknown charset ${JSON.stringify(declared.label)} in the ${declared.from}; read as UTF-8`);
  }
  let result = decodeWith(label, bytes)!;
  let encoding = new TextDecoder(label).encoding;
  if (encoding === "utf-8" && result.bad > 0 && result.bad / Math.max(1, bytes.length) > 0.01) {
    const alt = decodeWith("windows-1256", bytes)!;
    if (alt.bad === 0) {
      warnings.push(`declared or assumed UTF-8, but ${result.bad} byte sequences were invalid; read as windows-1256`);
      result = alt;
      encoding = "windows-1256";
    }
  }
  if (result.bad > 0) warnings.push(`${result.bad} byte sequence(s) could not be decoded as ${encoding} and were replaced`);
  return { text: result.text, encoding, warnings };
}
