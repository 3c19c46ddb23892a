import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { inflateSync } from "node:zlib";

/** Poppler's tools, as a reader of the PDF would use them. */
export const popplerProblem: string | undefined = spawnSync("pdftotext", ["-v"]).error ? "pdftotext (poppler-utils) is not installed" : undefined;

/** The PDF's text as pdftotext extracts it, without the bidi control marks it adds around right-to-left runs. */
export function pdfText(path: string, args: string[] = []): string {
  const r = spawnSync("pdftotext", [...args, path, "-"], { encoding: "utf8" });
  if (r.status !== 0) throw new Error(`pdftotext failed: ${r.stderr}`);
  return r.stdout.replace(/[\u202a-\u202e\u2066-\u2069\u200e\u200f]/g, "");
}

/** Words with their boxes (points from the top-left of the page), from `pdftotext -bbox`. */
export function pdfWords(path: string, page = 1): { text: string; xMin: number; xMax: number; yMin: number }[] {
  const html = pdfText(path, ["-bbox", "-f", String(page), "-l", String(page)]);
  const out: { text: string; xMin: number; xMax: number; yMin: number }[] = [];
  for (const m of html.matchAll(/<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="[\d.]+">([^<]*)<\/word>/g)) out.push({ text: m[4]!, xMin: Number(m[1]), yMin: Number(m[2]), xMax: Number(m[3]) });
  return out;
}

/** The embedded fonts, from `pdffonts`. */
export function pdfFonts(path: string): string {
  return spawnSync("pdffonts", [path], { encoding: "utf8" }).stdout;
}

/**
 * How many different glyphs of the embedded fonts map back to each character
 * (from the fonts' ToUnicode maps). Shaped Arabic-script text uses several
 * contextual forms of one letter (initial, medial, final, isolated) — each a
 * glyph of its own mapping to the same character — while unshaped text uses one.
 */
export function glyphsPerCharacter(path: string): Map<string, Set<string>> {
  const pdf = readFileSync(path);
  const text = pdf.toString("latin1");
  const out = new Map<string, Set<string>>();
  const add = (glyph: string, hex: string): void => {
    const chars = String.fromCharCode(...(hex.match(/.{4}/g) ?? []).map((h) => parseInt(h, 16)));
    const set = out.get(chars) ?? new Set<string>();
    set.add(glyph);
    out.set(chars, set);
  };
  let font = 0;
  for (const m of text.matchAll(/stream\r?\n/g)) {
    const start = m.index + m[0].length;
    const end = text.indexOf("endstream", start);
    if (end < 0) continue;
    let body: string;
    try {
      body = inflateSync(pdf.subarray(start, end)).toString("latin1");
    } catch {
      continue;
    }
    if (!body.includes("begincmap")) continue;
    font++;
    for (const block of body.matchAll(/beginbfchar([\s\S]*?)endbfchar/g)) for (const [, g, u] of block[1]!.matchAll(/<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>/g)) add(`${font}:${g}`, u!);
    for (const block of body.matchAll(/beginbfrange([\s\S]*?)endbfrange/g))
      for (const [, a, b, u] of block[1]!.matchAll(/<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>/g)) {
        for (let g = parseInt(a!, 16), k = 0; g <= parseInt(b!, 16); g++, k++) add(`${font}:${g.toString(16)}`, (parseInt(u!, 16) + k).toString(16).padStart(4, "0"));
      }
  }
  return out;
}
