import qrcode from "qrcode-generator";

/** Modules of light margin around the code, as the QR standard asks, so that phone cameras find its edges. */
const QUIET = 4;

/**
 * A QR code drawn on the server as inline SVG: no script and no image
 * request, so it shows with JavaScript off and under the workspace's
 * Content-Security-Policy. Dark modules on a light square whatever the page's
 * colours, since scanners need the contrast. Each run of dark modules in a row
 * is one rectangle of the path.
 */
export function QrCode({ text, label, size = 208 }: { text: string; label: string; size?: number }) {
  // Medium error correction: still read when the screen is glared or a little smudged.
  const qr = qrcode(0, "M");
  qr.addData(text, "Byte");
  qr.make();
  const n = qr.getModuleCount();
  let d = "";
  for (let row = 0; row < n; row++) {
    for (let col = 0; col < n; ) {
      if (!qr.isDark(row, col)) {
        col++;
        continue;
      }
      let run = 1;
      while (col + run < n && qr.isDark(row, col + run)) run++;
      d += `M${col + QUIET} ${row + QUIET}h${run}v1h-${run}z`;
      col += run;
    }
  }
  const side = n + 2 * QUIET;
  return (
    <svg class="qr-code" viewBox={`0 0 ${side} ${side}`} width={size} height={size} role="img" aria-label={label} shape-rendering="crispEdges">
      <rect width={side} height={side} fill="#fff" />
      <path d={d} fill="#000" />
    </svg>
  );
}
