/** Persian (U+06F0–06F9) and Arabic-Indic (U+0660–0669) digits to ASCII; other text unchanged. */
export function toAsciiDigits(s: string): string {
  return s.replace(/[\u06f0-\u06f9\u0660-\u0669]/g, (c) => {
    const code = c.charCodeAt(0);
    return String(code >= 0x06f0 ? code - 0x06f0 : code - 0x0660);
  }).replace(/[\u066b]/g, ".").replace(/[\u066c]/g, ",");
}

/** ASCII digits to Persian digits, for display in Persian. */
export function toPersianDigits(s: string): string {
  return s.replace(/[0-9]/g, (c) => String.fromCharCode(0x06f0 + c.charCodeAt(0) - 48));
}
