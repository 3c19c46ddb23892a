import type { FuzzyDate } from "../core/dates.ts";
import type { ClaimsTable, CitationsTable, DateColumns, RecordsTable } from "../store/schema.ts";
import type { Citation, Claim, ClaimStatus, Confidence, Confidentiality, JsonObject, RecordStatus, RecordType, VRecord } from "./types.ts";

/** Stored date columns to a FuzzyDate (null when no date). */
export function dateFromColumns(row: DateColumns): FuzzyDate | null {
  if (!row.date_precision) return null;
  return {
    text: row.date_text ?? "",
    calendar: (row.date_calendar ?? "gregorian") as FuzzyDate["calendar"],
    precision: row.date_precision as FuzzyDate["precision"],
    value: row.date_value,
    earliest: row.date_earliest,
    latest: row.date_latest,
  };
}

export function dateToColumns(d: FuzzyDate | null | undefined): DateColumns {
  return {
    date_text: d?.text ?? null,
    date_calendar: d?.calendar ?? null,
    date_precision: d?.precision ?? null,
    date_value: d?.value ?? null,
    date_earliest: d?.earliest ?? null,
    date_latest: d?.latest ?? null,
  };
}

function parseJson(s: string): JsonObject {
  try {
    const v: unknown = JSON.parse(s);
    return v && typeof v === "object" && !Array.isArray(v) ? (v as JsonObject) : {};
  } catch {
    return {};
  }
}

export function recordFromRow(r: RecordsTable): VRecord {
  return {
    id: r.id,
    type: r.type as RecordType,
    kind: r.kind,
    status: r.status as RecordStatus,
    confidentiality: r.confidentiality as Confidentiality,
    synthetic: Boolean(r.synthetic),
    mergedInto: r.merged_into,
    label: r.label,
    labelFa: r.label_fa,
    labelPublic: r.label_public,
    labelPublicFa: r.label_public_fa,
    parentId: r.parent_id,
    placeId: r.place_id,
    date: dateFromColumns(r),
    data: parseJson(r.data),
    version: r.version,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
    createdBy: r.created_by,
    updatedBy: r.updated_by,
  };
}

export function recordToRow(r: VRecord): RecordsTable {
  return {
    id: r.id,
    type: r.type,
    kind: r.kind,
    status: r.status,
    confidentiality: r.confidentiality,
    synthetic: r.synthetic ? 1 : 0,
    merged_into: r.mergedInto,
    label: r.label,
    label_fa: r.labelFa,
    label_public: r.labelPublic,
    label_public_fa: r.labelPublicFa,
    parent_id: r.parentId,
    place_id: r.placeId,
    data: JSON.stringify(r.data),
    ...dateToColumns(r.date),
    version: r.version,
    created_at: r.createdAt,
    updated_at: r.updatedAt,
    created_by: r.createdBy,
    updated_by: r.updatedBy,
  };
}

export function citationFromRow(c: CitationsTable): Citation {
  return { sourceId: c.source_id, locator: c.locator, quote: c.quote, reliability: c.reliability, connection: c.connection };
}

export function citationToRow(claimId: string, c: Citation): CitationsTable {
  return { claim_id: claimId, source_id: c.sourceId, locator: c.locator, quote: c.quote, reliability: c.reliability, connection: c.connection };
}

export function claimFromRow(c: ClaimsTable, citations: Citation[]): Claim {
  return {
    id: c.id,
    subjectId: c.subject_id,
    property: c.property,
    term: c.term,
    value: parseJson(c.value),
    valueText: c.value_text,
    lang: c.lang,
    objectId: c.object_id,
    placeId: c.place_id,
    date: dateFromColumns(c),
    confidence: c.confidence as Confidence,
    confidentiality: c.confidentiality as Confidentiality,
    status: c.status as ClaimStatus,
    note: c.note,
    version: c.version,
    createdAt: c.created_at,
    updatedAt: c.updated_at,
    createdBy: c.created_by,
    updatedBy: c.updated_by,
    citations,
  };
}

export function claimToRow(c: Claim): ClaimsTable {
  return {
    id: c.id,
    subject_id: c.subjectId,
    property: c.property,
    term: c.term,
    value: JSON.stringify(c.value),
    value_text: c.valueText,
    lang: c.lang,
    object_id: c.objectId,
    place_id: c.placeId,
    ...dateToColumns(c.date),
    confidence: c.confidence,
    confidentiality: c.confidentiality,
    status: c.status,
    note: c.note,
    version: c.version,
    created_at: c.createdAt,
    updated_at: c.updatedAt,
    created_by: c.createdBy,
    updated_by: c.updatedBy,
  };
}
