import { readFileSync } from "node:fs";
import type { ClaimInput, RecordInput } from "../records/index.ts";

/**
 * The demo's one real source: a public news article reporting a speech by
 * Sonja Biserko at a Paris conference on the 1988 massacre. Every claim here
 * is attributed to the article as reported, quotes it verbatim with its
 * paragraph, and says no more than it says. Its publisher, date and address
 * are not in the copy we hold, so none are given.
 */
export const ARTICLE_TEXT = readFileSync(new URL("./data/conference-article.txt", import.meta.url), "utf8");

export const ARTICLE_SOURCE_ID = "src_seed_conference_article";

const paragraphs = ARTICLE_TEXT.split("\n")
  .map((p) => p.trim())
  .filter((p) => p.length > 0);

/** The paragraph (1-based) a verbatim quote comes from; throws if the article does not say it. */
export function locate(quote: string): string {
  const i = paragraphs.findIndex((p) => p.includes(quote));
  if (i < 0) throw new Error(`the article does not contain ${JSON.stringify(quote)}`);
  return `paragraph ${i + 1}`;
}

const AS_REPORTED = "As reported by the article.";

function cite(quote: string): ClaimInput["citations"] {
  return [{ sourceId: ARTICLE_SOURCE_ID, quote, locator: locate(quote), connection: "media" }];
}

function claim(property: string, quote: string, rest: Partial<ClaimInput> = {}): ClaimInput {
  return { property, confidence: "probable", confidentiality: "public", note: AS_REPORTED, citations: cite(quote), ...rest };
}

/** Stable ids, so that loading the demo twice changes nothing. */
export const IDS = {
  biserko: "per_seed_sonja_biserko",
  ehsani: "per_seed_behrouz_ehsani",
  hassani: "per_seed_mehdi_hassani",
  fourteen: "per_seed_fourteen_prisoners",
  helsinkiCommittee: "org_seed_helsinki_committee_serbia",
  arrondissement: "org_seed_paris_17th_arrondissement",
  csdhi: "org_seed_csdhi",
  cmfid: "org_seed_cmfid",
  fars: "org_seed_fars_news",
  irgc: "org_seed_irgc",
  pmoi: "org_seed_pmoi",
  tehranMunicipality: "org_seed_tehran_municipality",
  paris: "plc_seed_paris",
  tehran: "plc_seed_tehran",
  beheshtZahra: "plc_seed_behesht_zahra",
  massacre: "evt_seed_1988_massacre",
  conference: "evt_seed_paris_conference",
  farsStatement: "evt_seed_fars_statement",
  cemeteryDestruction: "evt_seed_behesht_zahra_destruction",
  recentExecutions: "evt_seed_recent_executions",
} as const;

/** Records in the order they must be created (what a claim points to comes first). */
export function articleRecords(): RecordInput[] {
  const pub = { status: "published", confidentiality: "public" } as const;
  return [
    {
      id: ARTICLE_SOURCE_ID,
      type: "source",
      kind: "article",
      ...pub,
      label: "Article: Sonja Biserko warns in Paris that Iran's regime celebrates past atrocities",
      labelFa: "مقاله: هشدار سونیا بیسرکو در پاریس درباره بزرگداشت جنایات گذشته از سوی حکومت ایران",
      data: {
        reliability: "medium",
        language: "en",
        note: "A public news article reporting a speech at a Paris conference on the anniversary of the 1988 massacre. The copy held does not record its publisher, publication date or address.",
      },
      text: ARTICLE_TEXT,
      textLang: "en",
    },
    { id: IDS.paris, type: "place", kind: "city", ...pub, label: "Paris", labelFa: "پاریس" },
    { id: IDS.tehran, type: "place", kind: "city", ...pub, label: "Tehran", labelFa: "تهران" },
    {
      id: IDS.beheshtZahra,
      type: "place",
      kind: "cemetery",
      ...pub,
      label: "Behesht Zahra cemetery",
      labelFa: "بهشت زهرا",
      parentId: IDS.tehran,
      claims: [claim("description", "part of Behesht Zahra cemetery, where thousands of executed prisoners were buried", { value: { text: "Where thousands of executed prisoners were buried, according to the speech reported by the article." } })],
    },
    { id: IDS.helsinkiCommittee, type: "organisation", kind: "ngo", ...pub, label: "Helsinki Committee for Human Rights in Serbia" },
    { id: IDS.arrondissement, type: "organisation", kind: "municipality", ...pub, label: "Municipality of the 17th arrondissement of Paris" },
    { id: IDS.csdhi, type: "organisation", kind: "ngo", ...pub, label: "Committee for the Support of Human Rights in Iran (CSDHI)" },
    { id: IDS.cmfid, type: "organisation", kind: "ngo", ...pub, label: "French Mayors' Committee for a Democratic Iran (CMFID)" },
    { id: IDS.irgc, type: "organisation", kind: "security_force", ...pub, label: "Islamic Revolutionary Guard Corps", labelFa: "سپاه پاسداران انقلاب اسلامی" },
    {
      id: IDS.fars,
      type: "organisation",
      kind: "media",
      ...pub,
      label: "Fars News",
      labelFa: "خبرگزاری فارس",
      claims: [claim("parent", "Fars News, the outlet of Iran’s Revolutionary Guard", { objectId: IDS.irgc })],
    },
    { id: IDS.pmoi, type: "organisation", kind: "political_organisation", ...pub, label: "People's Mojahedin Organization of Iran (PMOI)", labelFa: "سازمان مجاهدین خلق ایران" },
    { id: IDS.tehranMunicipality, type: "organisation", kind: "municipality", ...pub, label: "Tehran Municipality", labelFa: "شهرداری تهران", placeId: IDS.tehran },
    {
      id: IDS.massacre,
      type: "event",
      kind: "mass_execution",
      ...pub,
      label: "The 1988 massacre of political prisoners",
      labelFa: "کشتار زندانیان سیاسی در سال ۱۳۶۷",
      date: "1988",
      claims: [
        claim("description", "The regime that once buried thousands in mass graves", { value: { text: "Thousands were killed and buried in mass graves, according to the speech reported by the article." } }),
        claim("description", "The killers of 1988 were never held accountable. Many rose to the highest state positions.", { value: { text: "Those responsible were never held accountable and many rose to the highest state positions, according to the speech reported by the article." } }),
      ],
    },
    {
      id: IDS.conference,
      type: "event",
      kind: "conference",
      ...pub,
      label: "Paris conference marking the anniversary of the 1988 massacre",
      labelFa: "کنفرانس پاریس در سالگرد کشتار ۱۳۶۷",
      placeId: IDS.paris,
      claims: [claim("event_relation", "a conference marking the anniversary of the 1988 massacre", { term: "consequence_of", objectId: IDS.massacre })],
    },
    {
      id: IDS.farsStatement,
      type: "event",
      kind: "public_statement",
      ...pub,
      label: "Fars News statement of 7 July calling the 1988 executions a \"successful historic experience\"",
      labelFa: "اظهارات خبرگزاری فارس در ۷ ژوئیه درباره اعدام‌های ۱۳۶۷",
      data: { date_note: "The article gives the day (July 7) but not the year." },
      claims: [claim("event_relation", "which described the 1988 mass executions as a “successful historic experience.”", { term: "consequence_of", objectId: IDS.massacre })],
    },
    {
      id: IDS.recentExecutions,
      type: "event",
      kind: "execution_wave",
      ...pub,
      label: "Recent executions of opposition members",
      labelFa: "اعدام‌های اخیر اعضای اپوزیسیون",
      data: { date_note: "\"In recent weeks\" before the conference; the article gives no date." },
    },
    {
      id: IDS.cemeteryDestruction,
      type: "event",
      kind: "grave_site_destruction",
      ...pub,
      label: "Destruction of part of Behesht Zahra cemetery, turned into a parking lot",
      labelFa: "تخریب بخشی از بهشت زهرا و تبدیل آن به پارکینگ",
      placeId: IDS.tehran,
      claims: [
        claim("description", "part of Behesht Zahra cemetery, where thousands of executed prisoners were buried, was destroyed and turned into a parking lot", {
          value: { text: "Part of Behesht Zahra cemetery, where thousands of executed prisoners were buried, was destroyed and turned into a parking lot." },
        }),
      ],
    },
    {
      id: IDS.biserko,
      type: "person",
      ...pub,
      claims: [
        claim("name", "Sonja Biserko", { value: { text: "Sonja Biserko", kind: "full" }, confidence: "confirmed" }),
        claim("membership", "Sonja Biserko, president and founder of the Helsinki Committee for Human Rights in Serbia", { term: "head", objectId: IDS.helsinkiCommittee, value: { text: "president and founder" }, confidence: "confirmed" }),
        claim("statement", "The regime that once buried thousands in mass graves now celebrates those crimes", {
          objectId: IDS.conference,
          value: { text: "“The regime that once buried thousands in mass graves now celebrates those crimes as a ‘historic success\"”" },
          confidence: "confirmed",
        }),
        claim("statement", "Silence now would mean complicity.", { objectId: IDS.conference, value: { text: "“The world was silent then. Thousands were killed. Warnings existed, but they were ignored. Today the regime itself broadcasts warning signs. Silence now would mean complicity.”" }, confidence: "confirmed" }),
      ],
    },
    {
      id: IDS.ehsani,
      type: "person",
      ...pub,
      claims: [
        claim("name", "Behrouz Ehsani", { value: { text: "Behrouz Ehsani", kind: "full" } }),
        claim("affiliation", "were executed for alleged ties to the opposition PMOI", { objectId: IDS.pmoi, value: { text: "alleged ties to the PMOI (the allegation on which he was executed)" } }),
        claim("act", "Their trials were a sham, and their confessions were coerced", { term: "trial", objectId: IDS.recentExecutions, value: { text: "Trial described in the speech as a sham, with coerced confessions." }, confidence: "possible" }),
        claim("act", "In recent weeks, two men—Behrouz Ehsani and Mehdi Hassani—were executed", { term: "execution", objectId: IDS.recentExecutions, value: { victim_status: "dead" } }),
      ],
    },
    {
      id: IDS.hassani,
      type: "person",
      ...pub,
      claims: [
        claim("name", "Mehdi Hassani", { value: { text: "Mehdi Hassani", kind: "full" } }),
        claim("affiliation", "were executed for alleged ties to the opposition PMOI", { objectId: IDS.pmoi, value: { text: "alleged ties to the PMOI (the allegation on which he was executed)" } }),
        claim("act", "Their trials were a sham, and their confessions were coerced", { term: "trial", objectId: IDS.recentExecutions, value: { text: "Trial described in the speech as a sham, with coerced confessions." }, confidence: "possible" }),
        claim("act", "In recent weeks, two men—Behrouz Ehsani and Mehdi Hassani—were executed", { term: "execution", objectId: IDS.recentExecutions, value: { victim_status: "dead" } }),
      ],
    },
    {
      id: IDS.fourteen,
      type: "person",
      kind: "group",
      ...pub,
      claims: [
        claim("name", "14 other prisoners now face the same fate", { value: { text: "Fourteen prisoners reported to face execution", kind: "alias" } }),
        claim("count", "14 other prisoners now face the same fate", { value: { count: 14 } }),
        claim("at_risk", "14 other prisoners now face the same fate", { value: { text: "Reported to face the same fate as Behrouz Ehsani and Mehdi Hassani (execution)." } }),
      ],
    },
  ];
}

/** Claims on records created before them (organisers, statements by organisations). */
export function articleLaterClaims(): { subjectId: string; claim: ClaimInput }[] {
  const organised = "The conference was organized by the Municipality of the 17th arrondissement of Paris in partnership with the Committee for the Support of Human Rights in Iran (CSDHI) and the French Mayors’ Committee for a Democratic Iran (CMFID).";
  return [
    { subjectId: IDS.arrondissement, claim: claim("organiser", organised, { objectId: IDS.conference, value: { text: "organiser" }, confidence: "confirmed" }) },
    { subjectId: IDS.csdhi, claim: claim("organiser", organised, { objectId: IDS.conference, value: { text: "partner" }, confidence: "confirmed" }) },
    { subjectId: IDS.cmfid, claim: claim("organiser", organised, { objectId: IDS.conference, value: { text: "partner" }, confidence: "confirmed" }) },
    {
      subjectId: IDS.fars,
      claim: claim("statement", "which described the 1988 mass executions as a “successful historic experience.”", {
        objectId: IDS.farsStatement,
        value: { text: "Described the 1988 mass executions as a “successful historic experience” (statement of July 7, as reported)." },
      }),
    },
    {
      subjectId: IDS.tehranMunicipality,
      claim: claim("statement", "Tehran’s deputy mayor admitted that part of Behesht Zahra cemetery", {
        objectId: IDS.cemeteryDestruction,
        value: { text: "Tehran's deputy mayor (not named in the article) admitted that part of Behesht Zahra cemetery was destroyed and turned into a parking lot, as reported." },
      }),
    },
  ];
}
