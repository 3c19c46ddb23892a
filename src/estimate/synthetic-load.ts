import { withTransaction, type Ctx } from "../core/context.ts";
import { createRecord, type ClaimInput } from "../records/index.ts";
import { syntheticLists, type SyntheticLists, type SyntheticListsOptions } from "./synthetic.ts";

/**
 * Writes fictional overlapping lists into the database as Vigil keeps real
 * ones: each list a Source of kind `published_list`, each person a Person
 * record whose name claim cites every list they are on, with sex, a death
 * date and a place of death in a province. Everything is marked synthetic
 * and says it is fictional. Used by tests, benchmarks and demonstrations:
 * the true total is known, so the estimate can be checked against it.
 */

export interface LoadedSyntheticLists extends SyntheticLists {
  /** List name → source record id. */
  sources: Map<string, string>;
  /** Stratum name → province place id. */
  provinces: Map<string, string>;
  /** Person index → person record id (observed people only). */
  personIds: Map<number, string>;
}

const FICTIONAL = "Fictional: made up to demonstrate and test estimation; this person does not exist.";

/** Generates fictional lists (see `syntheticLists`) and stores them; strata become provinces. */
export async function loadSyntheticLists(ctx: Ctx, opts: SyntheticListsOptions & { confidentiality?: "public" | "staff" | "restricted" }): Promise<LoadedSyntheticLists> {
  const gen = syntheticLists(opts);
  const confidentiality = opts.confidentiality ?? "staff";
  return withTransaction(ctx, async (tx) => {
    const sources = new Map<string, string>();
    for (const l of opts.lists) {
      const s = await createRecord(tx, {
        type: "source",
        kind: "published_list",
        confidentiality,
        synthetic: true,
        label: `Synthetic list ${l.name} (fictional people)`,
        labelFa: `فهرست ساختگی ${l.name} (افراد خیالی)`,
        data: { note: "A fictional list made up to demonstrate estimation. None of these people exist." },
      });
      sources.set(l.name, s.id);
    }
    const first = sources.get(opts.lists[0]!.name)!;
    const provinces = new Map<string, string>();
    const prisons = new Map<string, string>();
    for (const name of new Set(gen.people.map((p) => p.stratum))) {
      const prov = await createRecord(tx, { type: "place", kind: "province", confidentiality, synthetic: true, label: `Province ${name} (synthetic)`, labelFa: `استان ${name} (ساختگی)` });
      // The place of death is a prison inside the province, so the province is found by going up.
      const prison = await createRecord(tx, {
        type: "place",
        kind: "prison",
        confidentiality,
        synthetic: true,
        label: `Prison of ${name} (synthetic)`,
        labelFa: `زندان ${name} (ساختگی)`,
        claims: [{ property: "located_in", objectId: prov.id, confidence: "confirmed", confidentiality, citations: [{ sourceId: first }], note: FICTIONAL }],
      });
      provinces.set(name, prov.id);
      prisons.set(name, prison.id);
    }
    const personIds = new Map<number, string>();
    for (const p of gen.observed) {
      const cites = p.lists.map((l) => ({ sourceId: sources.get(l)!, locator: `row ${p.index}` }));
      const claims: ClaimInput[] = [
        { property: "name", value: { text: `Fictional person ${String(p.index).padStart(5, "0")}` }, confidence: "probable", confidentiality, citations: cites, note: FICTIONAL },
        { property: "sex", term: p.sex, confidence: "probable", confidentiality, citations: cites.slice(0, 1) },
        { property: "death", date: `${p.deathYear}-08-${String(1 + (p.index % 28)).padStart(2, "0")}`, placeId: prisons.get(p.stratum)!, confidence: "probable", confidentiality, citations: cites.slice(0, 1) },
      ];
      const rec = await createRecord(tx, { type: "person", kind: "individual", confidentiality, synthetic: true, claims });
      personIds.set(p.index, rec.id);
    }
    return { ...gen, sources, provinces, personIds };
  });
}
