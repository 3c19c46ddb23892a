import type { ClaimInput, RecordInput } from "../records/index.ts";

/**
 * A fictional data set so the demo feels real: people, places, organisations,
 * events and acts with Persian and Latin names. Every record is marked
 * synthetic and every fact cites a source that says it is fictional. Names are
 * drawn from common given and family names; any likeness to a real person is
 * chance, and the synthetic mark is shown wherever the record is.
 */

/** A small seeded generator (mulberry32), so the demo is the same on every machine. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Common given names with their usual Latin spellings (several, as lists vary). */
export const GIVEN_NAMES: { fa: string; latin: string[]; sex: "male" | "female" }[] = [
  { fa: "محمد", latin: ["Mohammad", "Muhammad", "Mohamad"], sex: "male" },
  { fa: "علی", latin: ["Ali"], sex: "male" },
  { fa: "حسین", latin: ["Hossein", "Hosein", "Hussein"], sex: "male" },
  { fa: "رضا", latin: ["Reza"], sex: "male" },
  { fa: "مهدی", latin: ["Mehdi", "Mahdi"], sex: "male" },
  { fa: "حسن", latin: ["Hassan", "Hasan"], sex: "male" },
  { fa: "احمد", latin: ["Ahmad"], sex: "male" },
  { fa: "بهروز", latin: ["Behrouz", "Behrooz"], sex: "male" },
  { fa: "مسعود", latin: ["Masoud", "Massoud"], sex: "male" },
  { fa: "مجید", latin: ["Majid"], sex: "male" },
  { fa: "فرهاد", latin: ["Farhad"], sex: "male" },
  { fa: "سعید", latin: ["Saeed", "Saeid", "Said"], sex: "male" },
  { fa: "جواد", latin: ["Javad"], sex: "male" },
  { fa: "محمدرضا", latin: ["Mohammadreza", "Mohammad Reza"], sex: "male" },
  { fa: "علیرضا", latin: ["Alireza", "Ali Reza"], sex: "male" },
  { fa: "کاظم", latin: ["Kazem"], sex: "male" },
  { fa: "منصور", latin: ["Mansour", "Mansoor"], sex: "male" },
  { fa: "ناصر", latin: ["Naser", "Nasser"], sex: "male" },
  { fa: "اکبر", latin: ["Akbar"], sex: "male" },
  { fa: "غلامرضا", latin: ["Gholamreza", "Gholam Reza"], sex: "male" },
  { fa: "مریم", latin: ["Maryam", "Mariam"], sex: "female" },
  { fa: "فاطمه", latin: ["Fatemeh", "Fatima"], sex: "female" },
  { fa: "زهرا", latin: ["Zahra"], sex: "female" },
  { fa: "شهلا", latin: ["Shahla"], sex: "female" },
  { fa: "منیژه", latin: ["Manijeh", "Manijeh"], sex: "female" },
  { fa: "پروین", latin: ["Parvin"], sex: "female" },
  { fa: "فریبا", latin: ["Fariba"], sex: "female" },
  { fa: "سیمین", latin: ["Simin"], sex: "female" },
  { fa: "اشرف", latin: ["Ashraf"], sex: "female" },
  { fa: "نسرین", latin: ["Nasrin"], sex: "female" },
];

export const FAMILY_NAMES: { fa: string; latin: string[] }[] = [
  { fa: "احمدی", latin: ["Ahmadi"] },
  { fa: "محمدی", latin: ["Mohammadi", "Mohamadi"] },
  { fa: "حسینی", latin: ["Hosseini", "Hoseini", "Husseini"] },
  { fa: "رضایی", latin: ["Rezaei", "Rezaee", "Rezai"] },
  { fa: "کریمی", latin: ["Karimi"] },
  { fa: "موسوی", latin: ["Mousavi", "Moosavi", "Musavi"] },
  { fa: "جعفری", latin: ["Jafari", "Jaafari"] },
  { fa: "رحیمی", latin: ["Rahimi"] },
  { fa: "صادقی", latin: ["Sadeghi", "Sadeqi"] },
  { fa: "قاسمی", latin: ["Ghasemi", "Qasemi"] },
  { fa: "کاظمی", latin: ["Kazemi"] },
  { fa: "نوری", latin: ["Nouri", "Noori"] },
  { fa: "تهرانی", latin: ["Tehrani"] },
  { fa: "شیرازی", latin: ["Shirazi"] },
  { fa: "تبریزی", latin: ["Tabrizi"] },
  { fa: "اصفهانی", latin: ["Esfahani", "Isfahani"] },
  { fa: "خسروی", latin: ["Khosravi"] },
  { fa: "زارعی", latin: ["Zarei", "Zareei"] },
  { fa: "عباسی", latin: ["Abbasi"] },
  { fa: "میرزایی", latin: ["Mirzaei", "Mirzaee"] },
  { fa: "حیدری", latin: ["Heydari", "Heidari"] },
  { fa: "نجفی", latin: ["Najafi"] },
  { fa: "یزدانی", latin: ["Yazdani"] },
  { fa: "ملکی", latin: ["Maleki"] },
  { fa: "کیانی", latin: ["Kiani"] },
  { fa: "فرهادی", latin: ["Farhadi"] },
  { fa: "امینی", latin: ["Amini"] },
  { fa: "سلطانی", latin: ["Soltani"] },
  { fa: "بهرامی", latin: ["Bahrami"] },
  { fa: "طاهری", latin: ["Taheri"] },
  { fa: "حسین‌زاده", latin: ["Hosseinzadeh", "Hosseinzade"] },
  { fa: "علی‌پور", latin: ["Alipour", "Alipoor"] },
];

export const SYNTHETIC_SOURCE_ID = "src_synthetic_list";
export const SYNTHETIC_TESTIMONY_ID = "src_synthetic_testimony";

export interface SyntheticPlan {
  records: RecordInput[];
  /** Claims added after all records exist (involvements point to other people's acts). */
  later: { subjectId: string; claim: ClaimInput }[];
}

const FICTIONAL = "Fictional demonstration data.";

/** Fictional places near real cities, so the map has something to show; their names say they are fictional. */
const PLACES = [
  { id: "plc_synthetic_prison_north", kind: "prison", en: "Northern Prison (synthetic)", fa: "زندان شمالی (ساختگی)", lat: 35.79, lon: 51.39 },
  { id: "plc_synthetic_prison_west", kind: "prison", en: "Western Prison (synthetic)", fa: "زندان غربی (ساختگی)", lat: 35.83, lon: 50.95 },
  { id: "plc_synthetic_prison_south", kind: "prison", en: "Southern Prison (synthetic)", fa: "زندان جنوبی (ساختگی)", lat: 29.6, lon: 52.53 },
  { id: "plc_synthetic_prison_east", kind: "prison", en: "Eastern Prison (synthetic)", fa: "زندان شرقی (ساختگی)", lat: 36.3, lon: 59.6 },
  { id: "plc_synthetic_prison_tabriz", kind: "prison", en: "Tabriz Road Prison (synthetic)", fa: "زندان جاده تبریز (ساختگی)", lat: 38.08, lon: 46.29 },
  { id: "plc_synthetic_cemetery_a", kind: "cemetery", en: "Garden Cemetery (synthetic)", fa: "گورستان باغ (ساختگی)", lat: 35.6, lon: 51.45 },
  { id: "plc_synthetic_grave_a", kind: "mass_grave", en: "Hillside mass grave (synthetic)", fa: "گور جمعی دامنه (ساختگی)", lat: 35.67, lon: 51.55 },
  { id: "plc_synthetic_grave_b", kind: "mass_grave", en: "Riverside mass grave (synthetic)", fa: "گور جمعی کنار رود (ساختگی)", lat: 31.32, lon: 48.67 },
] as const;

const ORGS = [
  { id: "org_synthetic_court_1", kind: "court", en: "Revolutionary Court, Branch 1 (synthetic)", fa: "دادگاه انقلاب، شعبه ۱ (ساختگی)" },
  { id: "org_synthetic_court_2", kind: "court", en: "Revolutionary Court, Branch 2 (synthetic)", fa: "دادگاه انقلاب، شعبه ۲ (ساختگی)" },
  { id: "org_synthetic_prosecutor", kind: "prosecutor_office", en: "Prosecutor's Office (synthetic)", fa: "دادستانی (ساختگی)" },
  { id: "org_synthetic_commission", kind: "commission", en: "Prison Commission of 1367 (synthetic)", fa: "هیئت زندان ۱۳۶۷ (ساختگی)" },
  { id: "org_synthetic_ministry", kind: "government", en: "Ministry of Examples (synthetic)", fa: "وزارت نمونه (ساختگی)" },
] as const;

const AFFILIATIONS = ["left-wing student group (synthetic)", "religious opposition circle (synthetic)", "workers' union (synthetic)", "none recorded"];

function pick<T>(rand: () => number, list: readonly T[]): T {
  return list[Math.floor(rand() * list.length)]!;
}

const pad2 = (n: number): string => String(n).padStart(2, "0");

/** A day `days` before an ISO date, as an ISO date. */
const daysBefore = (iso: string, days: number): string => new Date(Date.parse(`${iso}T00:00:00Z`) - days * 86_400_000).toISOString().slice(0, 10);

/**
 * Builds the synthetic data set: `people` victims of 1367 (1988) plus a
 * handful of officials, and a tenth as many again executed in the two years
 * before `today` (so that the memorial's trends and the prisoners at risk
 * have something to show). Deterministic for a seed and a day.
 */
export function syntheticPlan(people = 300, seed = 1367, today: string = new Date().toISOString().slice(0, 10)): SyntheticPlan {
  const rand = seededRandom(seed);
  const cite = (locator: string): ClaimInput["citations"] => [{ sourceId: SYNTHETIC_SOURCE_ID, locator }];
  const pubClaim = (property: string, locator: string, rest: Partial<ClaimInput> = {}): ClaimInput => ({ property, confidence: "confirmed", confidentiality: "public", note: FICTIONAL, citations: cite(locator), ...rest });
  const records: RecordInput[] = [];
  const later: SyntheticPlan["later"] = [];

  records.push({
    id: SYNTHETIC_SOURCE_ID,
    type: "source",
    kind: "published_list",
    status: "published",
    confidentiality: "public",
    synthetic: true,
    label: "Synthetic demonstration list (fictional people)",
    labelFa: "فهرست نمایشی ساختگی (افراد خیالی)",
    data: { reliability: "unknown", note: "Every person, place, organisation and event citing this source is fictional, made up to demonstrate Vigil." },
    text: "A fictional list made up to demonstrate Vigil. None of these people exist.",
    textLang: "en",
  });
  records.push({
    id: SYNTHETIC_TESTIMONY_ID,
    type: "source",
    kind: "testimony",
    status: "draft",
    confidentiality: "restricted",
    synthetic: true,
    label: "Synthetic testimony of a fictional witness",
    labelFa: "شهادت ساختگی یک شاهد خیالی",
    data: { reliability: "unknown", note: "Fictional, to show how restricted testimony is kept from those who may not see it." },
  });
  for (const p of PLACES) {
    records.push({
      id: p.id,
      type: "place",
      kind: p.kind,
      status: "published",
      confidentiality: "public",
      synthetic: true,
      label: p.en,
      labelFa: p.fa,
      claims: [pubClaim("coordinates", "places", { value: { lat: p.lat, lon: p.lon, precision_m: 5000 } })],
    });
  }
  for (const o of ORGS) records.push({ id: o.id, type: "organisation", kind: o.kind, status: "published", confidentiality: "public", synthetic: true, label: o.en, labelFa: o.fa });

  const prisons = PLACES.filter((p) => p.kind === "prison");
  const graves = PLACES.filter((p) => p.kind !== "prison");
  const waves = prisons.map((p, i) => ({ id: `evt_synthetic_wave_${i + 1}`, prison: p }));
  for (const w of waves) {
    records.push({
      id: w.id,
      type: "event",
      kind: "execution_wave",
      status: "published",
      confidentiality: "public",
      synthetic: true,
      label: `Executions at ${w.prison.en}, summer 1367`,
      labelFa: `اعدام‌ها در ${w.prison.fa}، تابستان ۱۳۶۷`,
      date: "تابستان ۱۳۶۷",
      claims: [pubClaim("occurred", "events", { placeId: w.prison.id, date: "تابستان ۱۳۶۷" })],
    });
  }

  // Officials first: victims' acts will name them.
  const officials: { id: string; role: string; org: string }[] = [];
  const roles = [
    ["religious_judge", "org_synthetic_court_1"],
    ["religious_judge", "org_synthetic_court_2"],
    ["prosecutor", "org_synthetic_prosecutor"],
    ["deputy_prosecutor", "org_synthetic_prosecutor"],
    ["intelligence_representative", "org_synthetic_commission"],
    ["prison_governor", "org_synthetic_commission"],
    ["commission_member", "org_synthetic_commission"],
    ["judge", "org_synthetic_court_2"],
  ] as const;
  roles.forEach(([role, org], i) => {
    const given = pick(rand, GIVEN_NAMES.filter((g) => g.sex === "male"));
    const family = pick(rand, FAMILY_NAMES);
    const id = `per_synthetic_official_${i + 1}`;
    officials.push({ id, role, org });
    records.push({
      id,
      type: "person",
      status: "published",
      confidentiality: "public",
      synthetic: true,
      claims: [
        pubClaim("name", `officials row ${i + 1}`, { value: { text: `${given.fa} ${family.fa}`, kind: "full" } }),
        pubClaim("name", `officials row ${i + 1}`, { value: { text: `${given.latin[0]!} ${family.latin[0]!}`, kind: "full" } }),
        pubClaim("sex", `officials row ${i + 1}`, { term: "male" }),
        pubClaim("membership", `officials row ${i + 1}`, { term: role, objectId: org, date: `${1360 + (i % 4)}/01/01 تا 1368/12/29` }),
        pubClaim("membership", `officials row ${i + 1}`, { term: i % 2 ? "deputy" : "head", objectId: "org_synthetic_ministry", date: `${1375 + i}`, confidence: "probable", value: { text: "later career" } }),
      ],
    });
  });

  for (let i = 0; i < people; i++) {
    const row = `row ${i + 1}`;
    const given = pick(rand, GIVEN_NAMES);
    const family = pick(rand, FAMILY_NAMES);
    const father = pick(rand, GIVEN_NAMES.filter((g) => g.sex === "male"));
    const latinGiven = pick(rand, given.latin);
    const latinFamily = pick(rand, family.latin);
    const wave = pick(rand, waves);
    const grave = pick(rand, graves);
    const executed = rand() < 0.85;
    const atRiskNow = !executed && rand() < 0.3;
    const age = 17 + Math.floor(rand() * 30);
    const arrestYear = 1360 + Math.floor(rand() * 7);
    const arrest = `${arrestYear}/${pad2(1 + Math.floor(rand() * 12))}/${pad2(1 + Math.floor(rand() * 28))}`;
    const execDay = `1367/${pad2(5 + Math.floor(rand() * 2))}/${pad2(1 + Math.floor(rand() * 29))}`;
    const judge = pick(rand, officials.filter((o) => o.role.includes("judge")));
    const claims: ClaimInput[] = [
      pubClaim("name", row, { value: { text: `${given.fa} ${family.fa}`, kind: "full" } }),
      pubClaim("name", row, { value: { text: `${latinGiven} ${latinFamily}`, kind: "full" } }),
      pubClaim("name", row, { value: { text: father.fa, kind: "father" } }),
      pubClaim("sex", row, { term: given.sex }),
      pubClaim("age", row, { value: { age }, date: executed ? execDay : "1367", confidence: rand() < 0.2 ? "possible" : "confirmed" }),
      pubClaim("affiliation", row, { value: { text: pick(rand, AFFILIATIONS) }, confidence: "possible" }),
      pubClaim("act", row, { term: "arrest", date: arrest, value: { victim_status: "in_custody" } }),
      pubClaim("act", row, { id: `clm_synthetic_trial_${String(i + 1).padStart(4, "0")}`, term: "trial", objectId: wave.id, placeId: wave.prison.id, date: "1367/05", value: { charges: [pick(rand, ["moharebeh", "efsad_fel_arz", "baghi", "ertedad", "membership_opposition"])] } }),
    ];
    if (executed) {
      claims.push(pubClaim("act", row, { term: "execution", objectId: wave.id, placeId: wave.prison.id, date: execDay, value: { victim_status: "dead" } }));
      claims.push(pubClaim("act", row, { term: rand() < 0.6 ? "mass_grave_burial" : "secret_burial", placeId: grave.id, date: "تابستان ۱۳۶۷", confidence: "probable" }));
      claims.push(pubClaim("act", row, { term: "denial_of_burial_information", date: "1367", confidence: "probable" }));
    } else if (atRiskNow) {
      claims.push(pubClaim("act", row, { term: "death_sentence", placeId: wave.prison.id, date: daysBefore(today, 15 + Math.floor(rand() * 300)).slice(0, 7), value: { victim_status: "in_custody" } }));
    } else {
      claims.push(pubClaim("act", row, { term: "release", date: `${1368 + Math.floor(rand() * 5)}`, value: { victim_status: "released" } }));
    }
    if (rand() < 0.25) claims.push({ property: "residence", value: { text: "Address known to staff (fictional)" }, confidence: "probable", confidentiality: "staff", note: FICTIONAL, citations: cite(row) });
    if (rand() < 0.1) {
      claims.push({
        property: "description",
        value: { text: "A fictional witness describes the last family visit (restricted: identifies the witness)." },
        confidence: "possible",
        confidentiality: "restricted",
        note: FICTIONAL,
        citations: [{ sourceId: SYNTHETIC_TESTIMONY_ID, connection: "relative" }],
      });
    }
    const id = `per_synthetic_${String(i + 1).padStart(4, "0")}`;
    records.push({ id, type: "person", status: rand() < 0.92 ? "published" : "draft", confidentiality: "public", synthetic: true, claims });
    later.push({ subjectId: judge.id, claim: { property: "involvement", term: "sentenced", objectId: `clm_synthetic_trial_${String(i + 1).padStart(4, "0")}`, confidence: "probable", confidentiality: "public", note: FICTIONAL, citations: cite(row) } });
  }

  // A wave of today, as the seed article reports one: fictional people executed
  // in the last two years, more of them in the later months. A generator of
  // its own, so that the people of 1367 stay the same as before.
  const recentRand = seededRandom(seed + 1);
  const recent = Math.max(3, Math.round(people / 10));
  for (let i = 0; i < recent; i++) {
    const row = `recent row ${i + 1}`;
    const given = pick(recentRand, GIVEN_NAMES);
    const family = pick(recentRand, FAMILY_NAMES);
    const prison = pick(recentRand, prisons);
    // Days back drawn with a density that falls to zero two years ago: more executions near today.
    const executed = daysBefore(today, 1 + Math.floor(730 * (1 - Math.sqrt(recentRand()))));
    const sentenced = daysBefore(executed, 60 + Math.floor(recentRand() * 300)).slice(0, 7);
    const arrested = daysBefore(executed, 400 + Math.floor(recentRand() * 700)).slice(0, 7);
    const claims: ClaimInput[] = [
      pubClaim("name", row, { value: { text: `${given.fa} ${family.fa}`, kind: "full" } }),
      pubClaim("name", row, { value: { text: `${pick(recentRand, given.latin)} ${pick(recentRand, family.latin)}`, kind: "full" } }),
      pubClaim("sex", row, { term: given.sex }),
      pubClaim("age", row, { value: { age: 19 + Math.floor(recentRand() * 40) }, date: executed }),
      pubClaim("act", row, { term: "arrest", date: arrested, value: { victim_status: "in_custody" } }),
      pubClaim("act", row, { term: "death_sentence", placeId: prison.id, date: sentenced, value: { victim_status: "in_custody" } }),
      pubClaim("act", row, { term: "execution", placeId: prison.id, date: executed, value: { victim_status: "dead" } }),
    ];
    records.push({ id: `per_synthetic_recent_${String(i + 1).padStart(4, "0")}`, type: "person", status: "published", confidentiality: "public", synthetic: true, claims });
  }
  return { records, later };
}
