import { randomBytes } from "node:crypto";

/**
 * Ids of monitoring rows: a prefix, a time part so that recent rows sort
 * last, and 80 random bits so that an id reveals nothing.
 */
export function monitorId(prefix: "msrc" | "mitm" | "mwat" | "mstp" | "msub" | "mdlv"): string {
  return `${prefix}_${Date.now().toString(36).padStart(9, "0")}${randomBytes(10).toString("hex")}`;
}
