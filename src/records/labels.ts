import { detectScript } from "../core/names.ts";
import type { Claim } from "./types.ts";

/**
 * A record's display labels from its name claims: the best full name (or
 * given + family) in Latin and in Persian script. Staff labels use public and
 * staff names; public labels use public names only; restricted names never
 * become labels, so a label can be shown wherever the record can.
 */
export interface Labels {
  label: string;
  labelFa: string;
  labelPublic: string | null;
  labelPublicFa: string | null;
}

const CONFIDENCE_RANK: Record<string, number> = { confirmed: 0, probable: 1, possible: 2, disputed: 3 };

function pick(names: Claim[], latin: boolean): string | null {
  const inScript = names.filter((c) => {
    const script = typeof c.value.script === "string" ? c.value.script : detectScript(c.valueText ?? "");
    return latin ? script === "latin" : script === "persian" || script === "arabic";
  });
  if (inScript.length === 0) return null;
  const sorted = [...inScript].sort((a, b) => (CONFIDENCE_RANK[a.confidence] ?? 9) - (CONFIDENCE_RANK[b.confidence] ?? 9) || a.createdAt.localeCompare(b.createdAt));
  const full = sorted.find((c) => c.value.kind === "full");
  if (full?.valueText) return full.valueText;
  const given = sorted.find((c) => c.value.kind === "given")?.valueText;
  const family = sorted.find((c) => c.value.kind === "family")?.valueText;
  if (given || family) return [given, family].filter(Boolean).join(" ");
  const alias = sorted.find((c) => c.value.kind !== "father")?.valueText;
  return alias ?? null;
}

function both(names: Claim[]): [string | null, string | null] {
  return [pick(names, true), pick(names, false)];
}

export function labelsFromNames(claims: Claim[], fallback: { label: string; labelFa: string } = { label: "", labelFa: "" }): Labels {
  const active = claims.filter((c) => c.property === "name" && c.status === "active");
  const [staffLatin, staffFa] = both(active.filter((c) => c.confidentiality !== "restricted"));
  const [pubLatin, pubFa] = both(active.filter((c) => c.confidentiality === "public"));
  return {
    label: staffLatin ?? staffFa ?? fallback.label,
    labelFa: staffFa ?? staffLatin ?? fallback.labelFa,
    labelPublic: pubLatin ?? pubFa ?? null,
    labelPublicFa: pubFa ?? pubLatin ?? null,
  };
}
