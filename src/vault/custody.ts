import { randomBytes } from "node:crypto";
import { VigilError } from "../core/errors.ts";

/**
 * Items and custody records: the pure part. An item is an immutable original
 * (a blob) with metadata and derived copies; every event in its life is a
 * custody record, and every custody record is one leaf of the transparency
 * log, encoded as canonical JSON (sorted keys, no spaces) so that anyone can
 * re-hash it.
 */

export type ItemKind = "file" | "web_capture";
export type DerivedRole = "public_copy" | "thumbnail" | "screenshot" | "dom_snapshot" | "page_text";

export interface BlobRef {
  digest: string;
  size: number;
  mediaType: string;
  filename?: string;
}

export interface Item {
  id: string;
  kind: ItemKind;
  original: BlobRef;
  derived: (BlobRef & { role: DerivedRole })[];
  title?: string;
  sourceUrl?: string;
  sourceIds: string[];
  /** Capture quality flags (login wall, bot challenge, empty, HTTP error) when kept anyway. */
  flags: string[];
  createdAt: string;
}

export type CustodyEventType =
  | "acquired"
  | "captured"
  | "derived"
  | "exported"
  | "linked"
  | "liveness_unchanged"
  | "liveness_changed"
  | "liveness_gone"
  | "note";

export interface CustodyEvent {
  v: 1;
  item: string;
  type: CustodyEventType;
  at: string;
  actor: string;
  method: string;
  tool: { name: string; version: string };
  sourceUrl?: string;
  /** Role → `sha256:` digest: what the event saw or produced. */
  hashes: Record<string, string>;
  notes?: string;
}

export const MAX_NOTES = 4000;

const ITEM_ALPHABET = "0123456789abcdefghjkmnpqrstvwxyz";

/** A new item id: `itm_` and 26 base32 characters (time-ordered, then random). */
export function newItemId(now: number = Date.now()): string {
  let t = Math.floor(now);
  let time = "";
  for (let i = 0; i < 10; i++) {
    time = ITEM_ALPHABET[t % 32]! + time;
    t = Math.floor(t / 32);
  }
  const rnd = [...randomBytes(16)].map((b) => ITEM_ALPHABET[b % 32]).join("");
  return `itm_${time}${rnd}`;
}

export function isItemId(s: string): boolean {
  return /^itm_[0-9a-hjkmnp-tv-z]{26}$/.test(s);
}

/** JSON with object keys sorted at every level: one byte string per value. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(value));
}

function sortKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortKeys);
  if (v && typeof v === "object") {
    return Object.fromEntries(
      Object.entries(v as Record<string, unknown>)
        .filter(([, x]) => x !== undefined)
        .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
        .map(([k, x]) => [k, sortKeys(x)]),
    );
  }
  return v;
}

/** Builds a custody event, checking what a court would need is there. */
export function custodyEvent(input: Omit<CustodyEvent, "v" | "at"> & { at?: Date }): CustodyEvent {
  if (!isItemId(input.item)) throw new VigilError("validation", `not an item id: ${input.item}`, { where: { field: "item" } });
  if (!input.actor.trim()) throw new VigilError("validation", "a custody event needs an actor", { where: { field: "actor" } });
  if (input.notes && input.notes.length > MAX_NOTES) throw new VigilError("validation", `notes are limited to ${MAX_NOTES} characters`, { where: { field: "notes" } });
  for (const [role, d] of Object.entries(input.hashes)) {
    if (!/^sha256:[0-9a-f]{64}$/.test(d)) throw new VigilError("validation", `hash ${role} is not a sha256 digest`, { where: { field: `hashes.${role}` } });
  }
  const { at, ...rest } = input;
  return { v: 1, ...rest, at: (at ?? new Date()).toISOString() };
}

/** The exact bytes logged for an event. */
export function encodeEvent(e: CustodyEvent): Buffer {
  return Buffer.from(canonicalJson(e), "utf8");
}

/** Parses logged bytes back into an event, refusing anything that is not canonical. */
export function decodeEvent(bytes: Uint8Array): CustodyEvent {
  const text = Buffer.from(bytes).toString("utf8");
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new VigilError("integrity", "log entry is not JSON");
  }
  const e = parsed as CustodyEvent;
  if (e.v !== 1 || typeof e.item !== "string" || typeof e.type !== "string") throw new VigilError("integrity", "log entry is not a custody event");
  if (canonicalJson(e) !== text) throw new VigilError("integrity", "log entry is not in canonical form");
  return e;
}
