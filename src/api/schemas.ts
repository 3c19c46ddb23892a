/** JSON Schemas of the API's inputs; the OpenAPI document is generated from them. */
const id = { type: "string", minLength: 3, maxLength: 100, pattern: "^[a-z]{3}_[A-Za-z0-9_-]+$" } as const;
const reason = { anyOf: [{ type: "string", maxLength: 2000, description: "why, kept in history" }, { type: "null" }] } as const;
const citation = {
  type: "object",
  required: ["sourceId"],
  additionalProperties: false,
  properties: { sourceId: id, locator: { anyOf: [{ type: "string", maxLength: 500 }, { type: "null" }] }, quote: { anyOf: [{ type: "string", maxLength: 20000 }, { type: "null" }] }, reliability: { anyOf: [{ type: "string" }, { type: "null" }] }, connection: { anyOf: [{ type: "string" }, { type: "null" }] } },
} as const;
const date = { anyOf: [{ type: "string" }, { type: "object" }, { type: "null" }], description: "a date as written (Jalali 1367/05/12, Gregorian 1988-08-03, approximate, ranges) or a FuzzyDate" } as const;

export const claimInput = {
  type: "object",
  required: ["property", "confidence", "confidentiality", "citations"],
  additionalProperties: false,
  properties: {
    property: { type: "string", description: "one of the properties (name, birth, act, …)" },
    term: { anyOf: [{ type: "string" }, { type: "null" }] },
    value: { type: "object" },
    lang: { anyOf: [{ type: "string" }, { type: "null" }] },
    objectId: { anyOf: [{ type: "string" }, { type: "null" }] },
    placeId: { anyOf: [{ type: "string" }, { type: "null" }] },
    date,
    confidence: { type: "string", enum: ["confirmed", "probable", "possible", "disputed"] },
    confidentiality: { type: "string", enum: ["public", "staff", "restricted"] },
    note: { anyOf: [{ type: "string", maxLength: 20000 }, { type: "null" }] },
    citations: { type: "array", minItems: 1, maxItems: 50, items: citation },
    reason,
  },
} as const;

export const claimPatch = {
  type: "object",
  required: ["version"],
  additionalProperties: false,
  properties: { version: { type: "integer", minimum: 1, description: "the version you edited (a newer one is a conflict)" }, ...Object.fromEntries(Object.entries(claimInput.properties).filter(([k]) => k !== "property")) },
} as const;

export const recordInput = {
  type: "object",
  required: ["type"],
  additionalProperties: false,
  properties: {
    type: { type: "string", enum: ["person", "organisation", "place", "event", "source", "post"] },
    kind: { anyOf: [{ type: "string" }, { type: "null" }] },
    status: { type: "string", enum: ["draft", "published"] },
    confidentiality: { type: "string", enum: ["public", "staff", "restricted"] },
    label: { type: "string", maxLength: 500 },
    labelFa: { type: "string", maxLength: 500 },
    parentId: { anyOf: [{ type: "string" }, { type: "null" }] },
    placeId: { anyOf: [{ type: "string" }, { type: "null" }] },
    date,
    data: { type: "object" },
    text: { anyOf: [{ type: "string" }, { type: "null" }] },
    textLang: { anyOf: [{ type: "string" }, { type: "null" }] },
    claims: { type: "array", maxItems: 500, items: { ...claimInput, properties: Object.fromEntries(Object.entries(claimInput.properties).filter(([k]) => k !== "reason")) } },
    reason,
  },
} as const;

export const recordPatch = {
  type: "object",
  required: ["version"],
  additionalProperties: false,
  properties: {
    version: { type: "integer", minimum: 1, description: "the version you edited (a newer one is a conflict)" },
    ...Object.fromEntries(Object.entries(recordInput.properties).filter(([k]) => !["type", "claims"].includes(k))),
  },
} as const;

export const idParams = { type: "object", required: ["id"], properties: { id } } as const;
export const ID = id;
export const REASON = reason;
