import { VigilError } from "../core/errors.ts";
import { detect, makeDetector, type Detector, type LabelReason } from "./detect.ts";
import { extractEntities, type Entity } from "./extract.ts";
import { identifyLanguage, type Lang, type LanguageGuess } from "./language.ts";
import { defaultModel } from "./labelled.ts";
import type { Label } from "./lexicon.ts";

/** An item to classify, as `vigil monitor classify` reads it (one JSON object per line). */
export interface MonitorItemInput {
  id: string;
  text: string;
  title?: string;
  url?: string;
  /** ISO date or date-time of publication. */
  published?: string;
  /** Language declared by the source (BCP 47 or ISO 639); detection still runs. */
  lang?: string;
}

/** The result for one item: labels with their reasons, language and entities. */
export interface ClassifiedItem {
  id: string;
  lang: Lang;
  language: LanguageGuess & { declared?: string };
  labels: Label[];
  reasons: LabelReason[];
  entities: Entity[];
}

const MAX_FIELD = 1_000_000;

/** Checks one decoded JSON value as an item; errors name the field and line. */
export function toItem(value: unknown, line?: number): MonitorItemInput {
  const where = (field: string): { line?: number; field: string } => (line === undefined ? { field } : { line, field });
  if (typeof value !== "object" || value === null || Array.isArray(value)) throw new VigilError("validation", "each line must be a JSON object", { where: line === undefined ? {} : { line } });
  const v = value as Record<string, unknown>;
  const id = v.id;
  if (typeof id !== "string" && typeof id !== "number") throw new VigilError("validation", "id is missing (a string or number is needed)", { where: where("id") });
  if (typeof v.text !== "string") throw new VigilError("validation", "text is missing or not a string", { where: where("text") });
  const item: MonitorItemInput = { id: String(id), text: v.text };
  for (const key of ["title", "url", "published", "lang"] as const) {
    const x = v[key];
    if (x === undefined || x === null) continue;
    if (typeof x !== "string") throw new VigilError("validation", `${key} must be a string`, { where: where(key) });
    item[key] = x;
  }
  if (item.text.length > MAX_FIELD || (item.title?.length ?? 0) > MAX_FIELD) throw new VigilError("too_large", `text longer than ${MAX_FIELD} characters`, { where: where("text") });
  return item;
}

/** Parses one input line of JSON. */
export function parseItemLine(text: string, line?: number): MonitorItemInput {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new VigilError("validation", `not valid JSON: ${(err as Error).message}`, { where: line === undefined ? {} : { line }, cause: err });
  }
  return toItem(value, line);
}

let shared: Detector | undefined;

/** The detector with the shipped lexicon, classifier and thresholds. */
export function defaultDetector(): Detector {
  shared ??= makeDetector(defaultModel());
  return shared;
}

/** Classifies one item: language, labels with reasons, and entities. */
export function classifyItem(item: MonitorItemInput, detector: Detector = defaultDetector()): ClassifiedItem {
  const language = identifyLanguage(item.title ? `${item.title}\n${item.text}` : item.text);
  const { labels, reasons } = detect(detector, { text: item.text, ...(item.title ? { title: item.title } : {}) });
  const entities = extractEntities({ text: item.text, ...(item.title ? { title: item.title } : {}), ...(item.published ? { published: item.published } : {}) }, detector.lexicon);
  return {
    id: item.id,
    lang: language.lang,
    language: item.lang ? { ...language, declared: item.lang } : language,
    labels,
    reasons,
    entities,
  };
}
