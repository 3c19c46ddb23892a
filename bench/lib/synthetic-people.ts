import { GIVEN_NAMES, seededRandom } from "../../src/demo/index.ts";
import { EXPORT_FORMAT, EXPORT_VERSION } from "../../src/records/index.ts";

/**
 * Synthetic people at scale for benchmarks, as an NDJSON export that the
 * product's own bulk path (`importNdjson`) loads. Family names are built
 * from Persian word parts with their Latin spellings, so a million people
 * have some ten thousand family names in both scripts, as real lists do.
 * Everything is marked synthetic.
 */
const PARTS: [string, string][] = [
  ["بهار", "Bahar"], ["کوه", "Kuh"], ["رود", "Rud"], ["دشت", "Dasht"], ["گل", "Gol"], ["مهر", "Mehr"], ["شیر", "Shir"], ["نور", "Nur"],
  ["سرو", "Sarv"], ["باغ", "Bagh"], ["ماه", "Mah"], ["کیا", "Kia"], ["بید", "Bid"], ["نیک", "Nik"], ["دل", "Del"], ["آذر", "Azar"],
  ["فر", "Far"], ["جان", "Jan"], ["تاب", "Tab"], ["زر", "Zar"], ["سپه", "Sepah"], ["امید", "Omid"],
];
const ENDINGS: [string, string][] = [["ی", "i"], ["زاده", "zadeh"], ["پور", "pour"], ["نیا", "nia"], ["", ""]];

export interface SyntheticPerson {
  id: string;
  fa: string;
  latin: string;
}

export function syntheticPerson(i: number, rand: () => number): SyntheticPerson {
  const g = GIVEN_NAMES[Math.floor(rand() * GIVEN_NAMES.length)]!;
  const a = PARTS[Math.floor(rand() * PARTS.length)]!;
  const b = PARTS[Math.floor(rand() * PARTS.length)]!;
  const e = ENDINGS[Math.floor(rand() * ENDINGS.length)]!;
  const familyFa = `${a[0]}${b[0]}${e[0]}`;
  const familyLatin = `${a[1]}${b[1].toLowerCase()}${e[1]}`;
  return { id: `per_bench_${i.toString(36).padStart(6, "0")}`, fa: `${g.fa} ${familyFa}`, latin: `${g.latin[0]!} ${familyLatin}` };
}

const AT = "2026-01-01T00:00:00.000Z";
const SOURCE = "src_bench_synthetic";

function record(id: string, type: string, extra: Record<string, unknown>): Record<string, unknown> {
  return {
    id, type, kind: type === "person" ? "individual" : "published_list", status: "published", confidentiality: "public", synthetic: true, mergedInto: null,
    label: "", labelFa: "", labelPublic: null, labelPublicFa: null, parentId: null, placeId: null, date: null, data: {}, version: 1,
    createdAt: AT, updatedAt: AT, createdBy: "system:bench", updatedBy: "system:bench", ...extra,
  };
}

let claimCounter = 0;
function claim(subjectId: string, property: string, extra: Record<string, unknown>): string {
  claimCounter++;
  return JSON.stringify({
    type: "claim",
    vigil: {
      id: `clm_bench_${claimCounter.toString(36)}`, subjectId, property, term: null, value: {}, valueText: null, lang: null, objectId: null, placeId: null, date: null,
      confidence: "confirmed", confidentiality: "public", status: "active", note: null, version: 1, createdAt: AT, updatedAt: AT, createdBy: "system:bench", updatedBy: "system:bench",
      citations: [{ sourceId: SOURCE, locator: null, quote: null, reliability: null, connection: null }], ...extra,
    },
  });
}

/** Lines of an export holding `count` synthetic people with four claims each (two names, sex, execution). */
export function* syntheticExport(count: number, seed = 42): Generator<string> {
  const rand = seededRandom(seed);
  claimCounter = 0;
  yield JSON.stringify({ type: "header", format: EXPORT_FORMAT, version: EXPORT_VERSION, exported_at: AT, database: "bench" }) + "\n";
  yield JSON.stringify({ type: "source", id: SOURCE, vigil: record(SOURCE, "source", { label: "Synthetic benchmark list", labelFa: "فهرست ساختگی آزمون", labelPublic: "Synthetic benchmark list", labelPublicFa: "فهرست ساختگی آزمون", data: { title: "Synthetic benchmark list", title_fa: "فهرست ساختگی آزمون" } }) }) + "\n";
  let claims = 0;
  const pending: string[] = [];
  for (let i = 0; i < count; i++) {
    const p = syntheticPerson(i, rand);
    yield JSON.stringify({ type: "person", id: p.id, vigil: record(p.id, "person", { label: p.latin, labelFa: p.fa, labelPublic: p.latin, labelPublicFa: p.fa }) }) + "\n";
    const year = 1360 + Math.floor(rand() * 8);
    pending.push(
      claim(p.id, "name", { value: { text: p.fa, kind: "full", script: "persian" }, valueText: p.fa, lang: "fa" }),
      claim(p.id, "name", { value: { text: p.latin, kind: "full", script: "latin" }, valueText: p.latin, lang: "en" }),
      claim(p.id, "sex", { term: rand() < 0.9 ? "male" : "female" }),
      claim(p.id, "act", { term: "execution", value: { victim_status: "dead" }, date: { text: String(year), calendar: "jalali", precision: "year", value: String(year), earliest: `${year + 621}-03-21`, latest: `${year + 622}-03-20` } }),
    );
    // Records first, then their claims, as an export orders them; flushed in blocks to bound memory.
    if (pending.length >= 40_000) {
      for (const c of pending) yield c + "\n";
      claims += pending.length;
      pending.length = 0;
    }
  }
  for (const c of pending) yield c + "\n";
  claims += pending.length;
  yield JSON.stringify({ type: "footer", counts: { vocab_term: 0, record: count + 1, claim: claims, change: 0, merge: 0 } }) + "\n";
}
