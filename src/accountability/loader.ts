import type { Ctx } from "../core/context.ts";
import { claimFromRow, propertySpec, recordFromRow, type Citation, type Claim, type VRecord } from "../records/index.ts";
import type { Lens } from "./lens.ts";

const CHUNK = 500;

function chunks<T>(list: T[]): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < list.length; i += CHUNK) out.push(list.slice(i, i + CHUNK));
  return out;
}

/**
 * Reads records and claims through a lens, in batches, remembering what it
 * has read. Nothing the lens refuses leaves this class: a record it refuses
 * is as absent as one that does not exist.
 */
export class Loader {
  private records = new Map<string, VRecord | null>();
  private claims = new Map<string, Claim | null>();

  constructor(
    readonly ctx: Ctx,
    readonly lens: Lens,
  ) {}

  /** Records by id (merged ones followed to their survivor), those the lens admits. */
  async recordsById(ids: Iterable<string>): Promise<Map<string, VRecord>> {
    const want = [...new Set(ids)].filter((id) => !this.records.has(id));
    for (const chunk of chunks(want)) {
      const rows = await this.ctx.db.selectFrom("records").selectAll().where("id", "in", chunk).execute();
      const found = new Map(rows.map((r) => [r.id, recordFromRow(r)]));
      for (const id of chunk) {
        let r = found.get(id);
        for (let i = 0; r?.mergedInto && i < 8; i++) {
          const next = await this.ctx.db.selectFrom("records").selectAll().where("id", "=", r.mergedInto).executeTakeFirst();
          r = next ? recordFromRow(next) : undefined;
        }
        this.records.set(id, r && this.lens.record(r) ? r : null);
      }
    }
    const out = new Map<string, VRecord>();
    for (const id of ids) {
      const r = this.records.get(id);
      if (r) out.set(id, r);
    }
    return out;
  }

  async record(id: string): Promise<VRecord | undefined> {
    return (await this.recordsById([id])).get(id);
  }

  private async citations(claimIds: string[]): Promise<Map<string, Citation[]>> {
    const out = new Map<string, Citation[]>();
    for (const chunk of chunks(claimIds)) {
      const rows = await this.ctx.db.selectFrom("citations").selectAll().where("claim_id", "in", chunk).orderBy("claim_id").orderBy("source_id").execute();
      for (const r of rows) out.set(r.claim_id, [...(out.get(r.claim_id) ?? []), { sourceId: r.source_id, locator: r.locator, quote: r.quote, reliability: r.reliability, connection: r.connection }]);
    }
    return out;
  }

  /**
   * Admits claims whose subject the lens admits and that it admits itself,
   * keeping only the citations of sources it admits; a claim left with no
   * source it may show is not shown at all (every statement needs its source).
   */
  private async admit(rows: Parameters<typeof claimFromRow>[0][]): Promise<Claim[]> {
    if (!rows.length) return [];
    const cites = await this.citations(rows.map((r) => r.id));
    const subjects = await this.recordsById(rows.map((r) => r.subject_id));
    const sources = await this.recordsById([...cites.values()].flat().map((c) => c.sourceId));
    const out: Claim[] = [];
    for (const row of rows) {
      const subject = subjects.get(row.subject_id);
      if (!subject) continue;
      const all = cites.get(row.id) ?? [];
      const c = claimFromRow(row, all.filter((s) => sources.has(s.sourceId)));
      // A merged subject's claims moved to the survivor; show them under it.
      c.subjectId = subject.id;
      if (!this.lens.claim(c, subject) || c.citations.length === 0) continue;
      out.push(c);
    }
    // What a claim points to must be admitted too: a claim about a withheld
    // record (or act) is withheld with it; a withheld place is left out.
    const recordObjects = await this.recordsById(out.filter((c) => c.objectId && propertySpec(c.property)?.object !== "claim").map((c) => c.objectId!));
    const places = await this.recordsById(out.map((c) => c.placeId ?? "").filter(Boolean));
    const claimObjectIds = out.filter((c) => c.objectId && propertySpec(c.property)?.object === "claim").map((c) => c.objectId!);
    const claimObjects = claimObjectIds.length ? await this.claimsById(claimObjectIds) : new Map<string, Claim>();
    const kept: Claim[] = [];
    for (const c of out) {
      if (c.objectId && !(propertySpec(c.property)?.object === "claim" ? claimObjects.has(c.objectId) : recordObjects.has(c.objectId))) continue;
      if (c.placeId && !places.has(c.placeId)) c.placeId = null;
      kept.push(c);
    }
    for (const c of kept) this.claims.set(c.id, c);
    return kept;
  }

  async claimsOf(subjectIds: string[], properties?: string[]): Promise<Claim[]> {
    const out: Claim[] = [];
    for (const chunk of chunks([...new Set(subjectIds)])) {
      let q = this.ctx.db.selectFrom("claims").selectAll().where("subject_id", "in", chunk).where("status", "=", "active");
      if (properties) q = q.where("property", "in", properties);
      out.push(...(await this.admit(await q.orderBy("subject_id").orderBy("property").orderBy("id").execute())));
    }
    return out;
  }

  /** Claims pointing to any of these records or claims. */
  async claimsPointingTo(objectIds: string[], properties: string[]): Promise<Claim[]> {
    const out: Claim[] = [];
    for (const chunk of chunks([...new Set(objectIds)])) {
      const rows = await this.ctx.db.selectFrom("claims").selectAll().where("object_id", "in", chunk).where("property", "in", properties).where("status", "=", "active").orderBy("id").execute();
      out.push(...(await this.admit(rows)));
    }
    return out;
  }

  async claimsById(ids: string[]): Promise<Map<string, Claim>> {
    const want = [...new Set(ids)].filter((id) => !this.claims.has(id));
    for (const chunk of chunks(want)) {
      const rows = await this.ctx.db.selectFrom("claims").selectAll().where("id", "in", chunk).where("status", "=", "active").execute();
      await this.admit(rows);
      for (const id of chunk) if (!this.claims.has(id)) this.claims.set(id, null);
    }
    const out = new Map<string, Claim>();
    for (const id of ids) {
      const c = this.claims.get(id);
      if (c) out.set(id, c);
    }
    return out;
  }

  /** Every admitted claim of one property (organisation parents, memberships), in batches. */
  async claimsByProperty(property: string): Promise<Claim[]> {
    const out: Claim[] = [];
    let after = "";
    for (;;) {
      const rows = await this.ctx.db.selectFrom("claims").selectAll().where("property", "=", property).where("status", "=", "active").where("id", ">", after).orderBy("id").limit(CHUNK).execute();
      if (!rows.length) break;
      after = rows[rows.length - 1]!.id;
      out.push(...(await this.admit(rows)));
    }
    return out;
  }

  /** Records of a type the lens admits. */
  async recordsOfType(type: string): Promise<VRecord[]> {
    const rows = await this.ctx.db.selectFrom("records").selectAll().where("type", "=", type).where("status", "!=", "merged").orderBy("id").execute();
    const out: VRecord[] = [];
    for (const row of rows) {
      const r = recordFromRow(row);
      this.records.set(r.id, this.lens.record(r) ? r : null);
      if (this.lens.record(r)) out.push(r);
    }
    return out;
  }

  label(r: VRecord, lang: "en" | "fa"): string {
    return this.lens.label(r, lang);
  }
}
