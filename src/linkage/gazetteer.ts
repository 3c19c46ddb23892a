import { normalisePersian, detectScript } from "../core/names.ts";
import { foldVariants } from "./variants.ts";
import gazetteerData from "./data/gazetteer.json" with { type: "json" };

/** A place of the gazetteer: province, city, prison, cemetery or country, named in both scripts. */
export interface Place {
  id: string;
  kind: "province" | "city" | "prison" | "cemetery" | "country";
  province?: string;
  fa: string[];
  en: string[];
}

/** The places Vigil recognises in list columns (src/linkage/data/gazetteer.json). */
export const PLACES: readonly Place[] = (gazetteerData as unknown as { places: Place[] }).places;

// Words that qualify a place name rather than name it ("Evin Prison", "استان فارس", "Tehran, Iran").
const GENERIC = new Set(["province", "ostan", "prison", "zendan", "cemetery", "city", "iran", "of", "the", "county", "central"]);
const GENERIC_FA = new Set(["استان", "زندان", "گورستان", "شهرستان", "ایران", "شهر", "مرکزی"].map(normalisePersian));

/** The key a place name is looked up by: script-folded, compact, without generic words when asked. */
export function placeKey(text: string, dropGeneric = false): string {
  if (detectScript(text) === "latin") {
    const words = text.toLowerCase().split(/[^a-z\u00c0-\u024f']+/).filter(Boolean);
    return foldVariants((dropGeneric ? words.filter((w) => !GENERIC.has(w)) : words).join(""));
  }
  const words = normalisePersian(text).split(" ").filter(Boolean);
  return (dropGeneric ? words.filter((w) => !GENERIC_FA.has(w)) : words).join("");
}

const index = new Map<string, Place>();
for (const p of PLACES) {
  for (const name of [...p.fa, ...p.en]) {
    for (const key of [placeKey(name), placeKey(name, true)]) {
      // A province and its capital share a bare name; the bare name means the city.
      const prev = key ? index.get(key) : undefined;
      if (key && (!prev || (prev.kind === "province" && p.kind !== "province"))) index.set(key, p);
    }
  }
}

/**
 * The gazetteer place a text names, if any: the whole text first, then without
 * generic words, then each comma- or dash-separated part ("Tehran, Iran").
 */
export function lookupPlace(text: string): Place | undefined {
  const t = text.trim();
  if (!t) return undefined;
  const whole = index.get(placeKey(t)) ?? index.get(placeKey(t, true));
  if (whole) return whole;
  const parts = t.split(/[,،;/()]+/).map((s) => s.trim()).filter(Boolean);
  if (parts.length > 1) for (const part of parts) {
    const p = index.get(placeKey(part)) ?? index.get(placeKey(part, true));
    if (p) return p;
  }
  return undefined;
}

/** The place's province id (a province is its own). */
export function provinceOf(place: Place): string | undefined {
  return place.kind === "province" ? place.id : place.province;
}
