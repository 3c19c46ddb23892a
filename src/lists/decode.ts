import { VigilError } from "../core/errors.ts";

/** Text encodings that victim lists arrive in: Unicode, and the Windows code page older Persian software wrote. */
export type TextEncoding = "utf-8" | "utf-16le" | "utf-16be" | "windows-1256";

export interface Decoded {
  text: string;
  encoding: TextEncoding;
  bom: boolean;
}

/**
 * Guesses the encoding of a text file: a byte-order mark decides; without
 * one, UTF-16 shows as a column of zero (Latin) or 0x06 (Arabic block) high
 * bytes; otherwise valid UTF-8 is UTF-8 and anything else is read as
 * Windows-1256, the only legacy code page Persian spreadsheets were saved in.
 */
export function detectEncoding(bytes: Uint8Array): { encoding: TextEncoding; bom: boolean } {
  if (bytes.length >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) return { encoding: "utf-8", bom: true };
  if (bytes.length >= 2 && bytes[0] === 0xff && bytes[1] === 0xfe) return { encoding: "utf-16le", bom: true };
  if (bytes.length >= 2 && bytes[0] === 0xfe && bytes[1] === 0xff) return { encoding: "utf-16be", bom: true };
  const n = Math.min(bytes.length, 8192) & ~1;
  if (n >= 4) {
    let evenHigh = 0;
    let oddHigh = 0;
    for (let i = 0; i < n; i += 2) {
      const a = bytes[i]!;
      const b = bytes[i + 1]!;
      if (a === 0x00 || a === 0x06) evenHigh++;
      if (b === 0x00 || b === 0x06) oddHigh++;
    }
    const half = n / 2;
    // Zero bytes never occur in UTF-8 or Windows-1256 text, so a column of them is decisive.
    if (oddHigh > half * 0.6 && evenHigh < half * 0.2 && hasZero(bytes, n)) return { encoding: "utf-16le", bom: false };
    if (evenHigh > half * 0.6 && oddHigh < half * 0.2 && hasZero(bytes, n)) return { encoding: "utf-16be", bom: false };
  }
  try {
    new TextDecoder("utf-8", { fatal: true }).decode(bytes);
    return { encoding: "utf-8", bom: false };
  } catch {
    return { encoding: "windows-1256", bom: false };
  }
}

function hasZero(bytes: Uint8Array, n: number): boolean {
  for (let i = 0; i < n; i++) if (bytes[i] === 0) return true;
  return false;
}

/** Decodes a text file in its detected encoding, without its byte-order mark. */
export function decodeText(bytes: Uint8Array, file?: string): Decoded {
  const { encoding, bom } = detectEncoding(bytes);
  try {
    const text = new TextDecoder(encoding, { fatal: encoding !== "windows-1256", ignoreBOM: false }).decode(bytes);
    if (text.includes("\u0000")) throw new Error("NUL characters in text");
    return { text, encoding, bom };
  } catch (cause) {
    throw new VigilError("import_failed", `the file is not readable text in ${encoding} (is it a spreadsheet saved in another format?)`, { ...(file ? { where: { file } } : {}), cause });
  }
}
