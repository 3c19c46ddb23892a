import { parseDate, validateFuzzyDate, type FuzzyDate } from "../core/dates.ts";
import { Problems } from "../core/errors.ts";
import { detectScript, NAME_KINDS, type NameKind } from "../core/names.ts";
import { CONFIDENCES, CONFIDENTIALITIES, type ClaimInput, type Confidence, type Confidentiality, type JsonObject, type RecordType } from "./types.ts";

/**
 * What each claim property means: which records it may be about, which
 * vocabulary its term comes from, what its value holds, what it may point to.
 * Properties are code rather than data because each has its own value shape.
 */
export type ValueShape = "none" | "name" | "text" | "age" | "count" | "identifier" | "coordinates" | "act";

export interface PropertySpec {
  subjects: readonly RecordType[];
  label: { en: string; fa: string };
  vocabulary?: string;
  termRequired?: boolean;
  value: ValueShape;
  /** Record types the object may be, or "claim" for a claim id. */
  object?: readonly RecordType[] | "claim";
  objectRequired?: boolean;
  /** When the object is a claim, the property that claim must have. */
  objectClaimProperty?: string;
  place?: boolean;
  date?: "required" | "optional" | "none";
}

const ALL: readonly RecordType[] = ["person", "organisation", "place", "event", "post"];

export const PROPERTIES: Record<string, PropertySpec> = {
  name: { subjects: ALL, label: { en: "name", fa: "نام" }, value: "name", date: "optional" },
  sex: { subjects: ["person"], label: { en: "sex", fa: "جنسیت" }, vocabulary: "sex", termRequired: true, value: "none", date: "none" },
  birth: { subjects: ["person"], label: { en: "birth", fa: "تولد" }, value: "none", place: true, date: "optional" },
  death: { subjects: ["person"], label: { en: "death", fa: "درگذشت" }, value: "none", place: true, date: "optional" },
  age: { subjects: ["person"], label: { en: "age", fa: "سن" }, value: "age", date: "optional" },
  occupation: { subjects: ["person"], label: { en: "occupation", fa: "شغل" }, value: "text", date: "optional" },
  affiliation: { subjects: ["person"], label: { en: "alleged affiliation", fa: "وابستگی ادعایی" }, value: "text", object: ["organisation"], date: "optional" },
  residence: { subjects: ["person"], label: { en: "residence", fa: "محل سکونت" }, value: "text", place: true, date: "optional" },
  identifier: { subjects: ["person", "organisation"], label: { en: "identifier", fa: "شناسه" }, value: "identifier", date: "none" },
  count: { subjects: ["person"], label: { en: "number of people", fa: "تعداد افراد" }, value: "count", date: "optional" },
  description: { subjects: ALL, label: { en: "description", fa: "شرح" }, value: "text", date: "optional" },
  at_risk: { subjects: ["person"], label: { en: "at risk", fa: "در معرض خطر" }, value: "text", place: true, date: "optional" },
  act: {
    subjects: ["person"],
    label: { en: "act", fa: "رویداد" },
    vocabulary: "act_type",
    termRequired: true,
    value: "act",
    object: ["event"],
    place: true,
    date: "optional",
  },
  involvement: {
    subjects: ["person", "organisation"],
    label: { en: "involvement", fa: "دخالت" },
    vocabulary: "involvement_degree",
    termRequired: true,
    value: "none",
    object: "claim",
    objectRequired: true,
    objectClaimProperty: "act",
    date: "optional",
  },
  membership: {
    subjects: ["person"],
    label: { en: "post or membership", fa: "سمت یا عضویت" },
    vocabulary: "post_role",
    termRequired: true,
    value: "text",
    object: ["organisation", "post"],
    objectRequired: true,
    date: "optional",
  },
  parent: { subjects: ["organisation"], label: { en: "part of", fa: "زیرمجموعه" }, value: "none", object: ["organisation"], objectRequired: true, date: "optional" },
  located_in: { subjects: ["place"], label: { en: "located in", fa: "واقع در" }, value: "none", object: ["place"], objectRequired: true, date: "none" },
  coordinates: { subjects: ["place"], label: { en: "coordinates", fa: "مختصات" }, value: "coordinates", date: "optional" },
  event_relation: {
    subjects: ["event"],
    label: { en: "related event", fa: "رویداد مرتبط" },
    vocabulary: "event_relation",
    termRequired: true,
    value: "none",
    object: ["event"],
    objectRequired: true,
    date: "none",
  },
  statement: { subjects: ["person", "organisation"], label: { en: "statement", fa: "اظهارات" }, value: "text", object: ["event"], date: "optional" },
  charge: { subjects: ["person"], label: { en: "charge", fa: "اتهام" }, vocabulary: "charge", termRequired: true, value: "none", object: "claim", objectClaimProperty: "act", date: "optional" },
  organiser: { subjects: ["person", "organisation"], label: { en: "organised", fa: "برگزارکننده" }, value: "text", object: ["event"], objectRequired: true, date: "optional" },
  occurred: { subjects: ["event"], label: { en: "took place", fa: "رخ داد" }, value: "none", place: true, date: "optional" },
};

export function propertySpec(property: string): PropertySpec | undefined {
  return Object.hasOwn(PROPERTIES, property) ? PROPERTIES[property] : undefined;
}

/** Checks a vocabulary term; given by the caller so this module stays pure. */
export type TermCheck = (vocabulary: string, code: string) => boolean;

export interface NormalisedClaim {
  property: string;
  term: string | null;
  value: JsonObject;
  valueText: string | null;
  lang: string | null;
  objectId: string | null;
  placeId: string | null;
  date: FuzzyDate | null;
  confidence: Confidence;
  confidentiality: Confidentiality;
  note: string | null;
}

const MAX_TEXT = 20_000;
/** Properties whose text is an optional detail rather than the claim itself. */
const OPTIONAL_TEXT = new Set(["membership", "affiliation", "residence", "at_risk", "organiser"]);

function str(v: unknown): string | undefined {
  return typeof v === "string" ? v : undefined;
}

/**
 * Validates a claim against its property's rules and returns it in stored
 * form. Every problem is collected (field by field) before throwing, so a
 * form shows them all at once. Existence of referenced records is checked by
 * the use case, which has the database.
 */
export function normaliseClaim(subjectType: RecordType, input: ClaimInput, checkTerm: TermCheck, prefix = ""): NormalisedClaim {
  const p = new Problems();
  const f = (name: string): string => `${prefix}${name}`;
  const spec = propertySpec(input.property);
  if (!spec) {
    p.add(f("property"), `unknown property ${JSON.stringify(input.property)} (known: ${Object.keys(PROPERTIES).join(", ")})`);
    p.throwIfAny();
    throw new Error("unreachable");
  }
  if (!spec.subjects.includes(subjectType)) p.add(f("property"), `a ${subjectType} cannot have the property ${input.property}`);

  let term: string | null = input.term ?? null;
  if (term === "") term = null;
  if (spec.vocabulary) {
    if (term === null) {
      if (spec.termRequired) p.add(f("term"), `${input.property} needs a term from the ${spec.vocabulary} vocabulary`);
    } else if (!checkTerm(spec.vocabulary, term)) {
      p.add(f("term"), `unknown term ${JSON.stringify(term)} in the ${spec.vocabulary} vocabulary`);
    }
  } else if (term !== null) {
    p.add(f("term"), `${input.property} takes no term`);
  }

  if (!CONFIDENCES.includes(input.confidence as never)) p.add(f("confidence"), `confidence must be one of ${CONFIDENCES.join(", ")}`);
  if (!CONFIDENTIALITIES.includes(input.confidentiality as never)) p.add(f("confidentiality"), `confidentiality must be one of ${CONFIDENTIALITIES.join(", ")}`);

  if (!Array.isArray(input.citations) || input.citations.length === 0) p.add(f("citations"), "a claim needs at least one source");
  else {
    const seen = new Set<string>();
    input.citations.forEach((c, i) => {
      if (!c || typeof c.sourceId !== "string" || !c.sourceId) p.add(f(`citations[${i}].sourceId`), "a citation needs a source id");
      else if (seen.has(c.sourceId)) p.add(f(`citations[${i}].sourceId`), `source ${c.sourceId} is cited twice`);
      else seen.add(c.sourceId);
      if (c?.reliability && !checkTerm("source_reliability", c.reliability)) p.add(f(`citations[${i}].reliability`), `unknown reliability ${JSON.stringify(c.reliability)}`);
      if (c?.connection && !checkTerm("source_connection", c.connection)) p.add(f(`citations[${i}].connection`), `unknown connection ${JSON.stringify(c.connection)}`);
    });
  }

  let objectId = input.objectId ?? null;
  if (objectId === "") objectId = null;
  if (spec.objectRequired && !objectId) p.add(f("objectId"), `${input.property} needs what it points to`);
  if (objectId && !spec.object) p.add(f("objectId"), `${input.property} points to nothing`);

  let placeId = input.placeId ?? null;
  if (placeId === "") placeId = null;
  if (placeId && !spec.place) p.add(f("placeId"), `${input.property} has no place`);

  let date: FuzzyDate | null = null;
  try {
    if (typeof input.date === "string") date = input.date.trim() ? parseDate(input.date, { field: f("date") }) : null;
    else if (input.date) date = validateFuzzyDate(input.date, f("date"));
    if (date?.precision === "unknown") date = null;
  } catch (e) {
    p.add(f("date"), e instanceof Error ? e.message : String(e));
  }
  if (date && spec.date === "none") p.add(f("date"), `${input.property} takes no date`);
  if (!date && spec.date === "required") p.add(f("date"), `${input.property} needs a date`);

  const raw: JsonObject = input.value && typeof input.value === "object" && !Array.isArray(input.value) ? input.value : {};
  let value: JsonObject = {};
  let valueText: string | null = null;
  switch (spec.value) {
    case "none":
      break;
    case "name": {
      const text = str(raw.text)?.trim() ?? "";
      if (!text) p.add(f("value.text"), "a name cannot be empty");
      else if (text.length > 300) p.add(f("value.text"), "a name is at most 300 characters");
      const kind = (str(raw.kind) ?? "full") as NameKind;
      if (!NAME_KINDS.includes(kind)) p.add(f("value.kind"), `name kind must be one of ${NAME_KINDS.join(", ")}`);
      const script = str(raw.script) ?? detectScript(text);
      value = { text, kind, script };
      valueText = text;
      break;
    }
    case "text": {
      const text = str(raw.text)?.trim() ?? "";
      if (text.length > MAX_TEXT) p.add(f("value.text"), `text is at most ${MAX_TEXT} characters`);
      if (!text && !OPTIONAL_TEXT.has(input.property)) p.add(f("value.text"), "text cannot be empty");
      value = text ? { text } : {};
      valueText = text || null;
      break;
    }
    case "age": {
      const age = typeof raw.age === "string" ? Number(raw.age) : raw.age;
      if (typeof age !== "number" || !Number.isInteger(age) || age < 0 || age > 130) p.add(f("value.age"), "age must be a whole number from 0 to 130");
      else {
        value = { age };
        valueText = String(age);
      }
      break;
    }
    case "count": {
      const count = typeof raw.count === "string" ? Number(raw.count) : raw.count;
      if (typeof count !== "number" || !Number.isInteger(count) || count < 1) p.add(f("value.count"), "count must be a whole number of at least 1");
      else {
        value = { count };
        valueText = String(count);
      }
      break;
    }
    case "identifier": {
      const scheme = str(raw.scheme)?.trim() ?? "";
      const id = str(raw.value)?.trim() ?? "";
      if (!scheme) p.add(f("value.scheme"), "an identifier needs its scheme");
      if (!id) p.add(f("value.value"), "an identifier needs its value");
      value = { scheme, value: id };
      valueText = `${scheme}:${id}`;
      break;
    }
    case "coordinates": {
      const lat = Number(raw.lat);
      const lon = Number(raw.lon);
      const precision = raw.precision_m === undefined || raw.precision_m === null ? null : Number(raw.precision_m);
      if (!Number.isFinite(lat) || lat < -90 || lat > 90) p.add(f("value.lat"), "latitude must be between -90 and 90");
      if (!Number.isFinite(lon) || lon < -180 || lon > 180) p.add(f("value.lon"), "longitude must be between -180 and 180");
      if (precision !== null && (!Number.isFinite(precision) || precision < 0)) p.add(f("value.precision_m"), "precision is a distance in metres");
      value = { lat, lon, ...(precision !== null ? { precision_m: precision } : {}) };
      valueText = `${lat}, ${lon}`;
      break;
    }
    case "act": {
      const status = str(raw.victim_status);
      if (status && !checkTerm("victim_status", status)) p.add(f("value.victim_status"), `unknown victim status ${JSON.stringify(status)}`);
      const charges = Array.isArray(raw.charges) ? raw.charges : [];
      for (const c of charges) if (typeof c !== "string" || !checkTerm("charge", c)) p.add(f("value.charges"), `unknown charge ${JSON.stringify(c)}`);
      const detail = str(raw.text)?.trim();
      value = { ...(status ? { victim_status: status } : {}), ...(charges.length ? { charges: charges } : {}), ...(detail ? { text: detail } : {}) };
      valueText = detail ?? null;
      break;
    }
  }

  const lang = input.lang ?? (valueText ? (detectScript(valueText) === "latin" ? "en" : detectScript(valueText) === "other" ? null : "fa") : null);
  const note = input.note?.trim() ? input.note.trim().slice(0, MAX_TEXT) : null;
  p.throwIfAny(`the ${input.property} claim has errors`);
  return { property: input.property, term, value, valueText, lang, objectId, placeId, date, confidence: input.confidence as Confidence, confidentiality: input.confidentiality as Confidentiality, note };
}
