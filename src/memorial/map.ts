import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { geoMercator, geoPath, type GeoPermissibleObjects } from "d3-geo";
import { feature } from "topojson-client";
import type { Topology, GeometryCollection } from "topojson-specification";
import { escapeHtml } from "../web/index.ts";

/**
 * The map of Iran, drawn on the server from Natural Earth (world-atlas) with
 * d3-geo: no tile server, no script, nothing fetched by the visitor's
 * browser. world-atlas has countries only, so Iran is drawn with its
 * neighbours; places are marked from their public coordinates.
 */
const require = createRequire(import.meta.url);
const IRAN = "364";
const NEIGHBOURS = new Set(["368", "792", "051", "031", "268", "795", "004", "586", "414", "682", "048", "634", "784", "512", "760", "398", "860", "643", "400", "762"]);

export const MAP_WIDTH = 800;
export const MAP_HEIGHT = 700;

interface BaseMap {
  svgPaths: string;
  project: (lon: number, lat: number) => [number, number] | null;
}

let base: BaseMap | undefined;

function loadBase(): BaseMap {
  if (base) return base;
  const topo = JSON.parse(readFileSync(require.resolve("world-atlas/countries-50m.json"), "utf8")) as Topology<{ countries: GeometryCollection<{ name: string }> }>;
  const all = feature(topo, topo.objects.countries);
  const iran = all.features.find((f) => String(f.id) === IRAN);
  if (!iran) throw new Error("world-atlas has no Iran");
  const neighbours = all.features.filter((f) => NEIGHBOURS.has(String(f.id)));
  const pad = 24;
  const projection = geoMercator().fitExtent(
    [
      [pad, pad],
      [MAP_WIDTH - pad, MAP_HEIGHT - pad],
    ],
    iran,
  );
  projection.clipExtent([
    [0, 0],
    [MAP_WIDTH, MAP_HEIGHT],
  ]);
  const path = geoPath(projection).digits(0);
  const d = (g: unknown): string => path(g as GeoPermissibleObjects) ?? "";
  const svgPaths = [`<path class="land" d="${d({ type: "FeatureCollection", features: neighbours })}"/>`, `<path class="iran" d="${d(iran)}"/>`].join("");
  base = {
    svgPaths,
    project: (lon, lat) => {
      const p = projection([lon, lat]);
      if (!p || p[0] < 0 || p[1] < 0 || p[0] > MAP_WIDTH || p[1] > MAP_HEIGHT) return null;
      return [Math.round(p[0] * 10) / 10, Math.round(p[1] * 10) / 10];
    },
  };
  return base;
}

export interface MapMarker {
  lat: number;
  lon: number;
  /** prison, cemetery, mass_grave, … (the place's kind). */
  kind: string;
  label: string;
  href: string;
  /** Marked out among the others (the place whose page this is). */
  current?: boolean;
}

export interface MapText {
  title: string;
  description: string;
  /** Names of what the legend shows, by kind. */
  legend: { kind: string; label: string }[];
  /** Name of the country, drawn on it. */
  country: string;
}

const SHAPES: Record<string, (x: number, y: number, r: number) => string> = {
  prison: (x, y, r) => `<rect x="${x - r}" y="${y - r}" width="${2 * r}" height="${2 * r}"/>`,
  detention_centre: (x, y, r) => `<rect x="${x - r}" y="${y - r}" width="${2 * r}" height="${2 * r}"/>`,
  mass_grave: (x, y, r) => `<path d="M${x} ${y - r * 1.2}L${x + r * 1.2} ${y + r}L${x - r * 1.2} ${y + r}Z"/>`,
  cemetery: (x, y, r) => `<circle cx="${x}" cy="${y}" r="${r}"/>`,
  grave: (x, y, r) => `<circle cx="${x}" cy="${y}" r="${r}"/>`,
  grave_section: (x, y, r) => `<circle cx="${x}" cy="${y}" r="${r}"/>`,
};
const other = (x: number, y: number, r: number): string => `<path d="M${x} ${y - r}L${x + r} ${y}L${x} ${y + r}L${x - r} ${y}Z"/>`;

/** The kinds the legend distinguishes (others are drawn as diamonds). */
export const MARKED_KINDS = ["prison", "cemetery", "mass_grave"] as const;

export function markerClass(kind: string): string {
  if (kind === "prison" || kind === "detention_centre") return "prison";
  if (kind === "cemetery" || kind === "grave" || kind === "grave_section") return "cemetery";
  if (kind === "mass_grave") return "mass-grave";
  return "other";
}

/**
 * The whole SVG, as a string to embed in a page. Every label is escaped;
 * each marker is a link with its name, so the map works as a list too.
 */
export function renderMap(markers: MapMarker[], text: MapText, idPrefix = "map"): string {
  const b = loadBase();
  const parts: string[] = [];
  const iranCentre = b.project(54.5, 33.2);
  const sorted = [...markers].sort((a, c) => Number(a.current ?? false) - Number(c.current ?? false));
  for (const m of sorted) {
    const p = b.project(m.lon, m.lat);
    if (!p) continue;
    const r = m.current ? 9 : 6;
    const shape = (SHAPES[m.kind] ?? other)(p[0], p[1], r);
    const label = escapeHtml(m.label);
    parts.push(`<a href="${escapeHtml(m.href)}" class="marker ${markerClass(m.kind)}${m.current ? " current" : ""}" aria-label="${label}"><title>${label}</title>${shape}</a>`);
  }
  const legend = text.legend
    .map((l, i) => {
      const y = MAP_HEIGHT - 20 - (text.legend.length - 1 - i) * 24;
      return `<g class="marker ${markerClass(l.kind)}">${(SHAPES[l.kind] ?? other)(28, y - 4, 6)}</g><text x="44" y="${y}" class="legend">${escapeHtml(l.label)}</text>`;
    })
    .join("");
  const t = `${idPrefix}-title`;
  const dsc = `${idPrefix}-desc`;
  return (
    `<svg class="map" viewBox="0 0 ${MAP_WIDTH} ${MAP_HEIGHT}" width="${MAP_WIDTH}" height="${MAP_HEIGHT}" role="group" aria-labelledby="${t} ${dsc}" xmlns="http://www.w3.org/2000/svg">` +
    `<title id="${t}">${escapeHtml(text.title)}</title><desc id="${dsc}">${escapeHtml(text.description)}</desc>` +
    `<rect class="water" x="0" y="0" width="${MAP_WIDTH}" height="${MAP_HEIGHT}"/>` +
    b.svgPaths +
    (iranCentre ? `<text class="country" x="${iranCentre[0]}" y="${iranCentre[1]}" text-anchor="middle">${escapeHtml(text.country)}</text>` : "") +
    parts.join("") +
    `<g class="legend-box">${legend}</g>` +
    `</svg>`
  );
}
