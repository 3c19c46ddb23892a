import { test } from "node:test";
import assert from "node:assert/strict";
import { renderToString } from "preact-render-to-string";
import { QrCode } from "../../src/workspace/qr-code.tsx";
import { readQr } from "../helpers/qr.ts";

/** Paints the SVG's rectangles (the only shapes it draws) as pixels, as a phone camera would see the screen, and reads the code back. */
function scan(svg: string): string | undefined {
  const side = Number(/viewBox="0 0 (\d+) \1"/.exec(svg)?.[1]);
  assert.ok(side > 21, "a QR code has at least 21 modules a side, plus its margin");
  const scale = 6;
  const width = side * scale;
  const pixels = new Uint8ClampedArray(width * width * 4).fill(255);
  const d = /<path d="([^"]+)"/.exec(svg)?.[1] ?? "";
  for (const [, x, y, run] of d.matchAll(/M(\d+) (\d+)h(\d+)v1h-\3z/g)) {
    for (let py = Number(y) * scale; py < (Number(y) + 1) * scale; py++) {
      for (let px = Number(x) * scale; px < (Number(x) + Number(run)) * scale; px++) pixels.fill(0, (py * width + px) * 4, (py * width + px) * 4 + 3);
    }
  }
  return readQr(pixels, width, width)?.data;
}

test("the authenticator's QR code reads back as the exact setup address", () => {
  // The shape of the address the enrolment page encodes (a made-up account and key).
  const uri = "otpauth://totp/Vigil:editor%40example.org?secret=JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP&issuer=Vigil";
  const svg = renderToString(<QrCode text={uri} label="QR code" />);
  assert.equal(scan(svg), uri);
  assert.match(svg, /role="img" aria-label="QR code"/);
  // Drawn by the server alone: nothing to fetch, nothing to run.
  assert.doesNotMatch(svg, /<script|href=|src=/);
});

test("longer addresses get a larger code that still reads back", () => {
  const uri = `otpauth://totp/Vigil:${encodeURIComponent("a.very.long.name.for.a.staff.member@documentation-centre.example.org")}?secret=${"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567".repeat(2)}&issuer=Vigil`;
  const svg = renderToString(<QrCode text={uri} label="QR code" />);
  assert.equal(scan(svg), uri);
});
