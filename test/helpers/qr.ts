import jsqr from "jsqr";

/** Reads a QR code from RGBA pixels, as a phone camera would (jsQR: a CommonJS build whose function is its `default`). */
export const readQr = (jsqr as unknown as { default: (data: Uint8ClampedArray, width: number, height: number) => { data: string } | null }).default;
