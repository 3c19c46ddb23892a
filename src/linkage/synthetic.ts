import { toPersianDigits } from "../core/digits.ts";
import { daysToIso, isoToDays } from "../core/dates.ts";
import * as jalaali from "jalaali-js";
import { seededRandom } from "./engine.ts";
import { PLACES } from "./gazetteer.ts";
import { GIVEN_NAMES } from "./variants.ts";

/**
 * SYNTHETIC victim lists for tests and benchmarks. Every person here is made
 * up: names are drawn from common given names and family names composed from
 * common parts, so no row describes a real person. Several lists of the same
 * made-up population are written the way real lists differ: Persian or Latin
 * script, different transliterations, Jalali or Gregorian dates, ages instead
 * of birth dates, typos, missing cells, duplicates inside a list, and common
 * names shared by different people. The truth (which rows are one person) is
 * returned alongside.
 *
 * The Latin spellings are written out by hand below (not produced by the
 * matcher's rule table), so the benchmark does not test the rules against themselves.
 */

// Family-name roots: Persian spelling and Latin spellings in use.
const ROOTS: [string, ...string[]][] = [
  ["محمد", "Mohammad", "Muhammad", "Mohamad", "Mohammed"], ["احمد", "Ahmad", "Ahmed"], ["حسین", "Hossein", "Hussein", "Hosein"], ["حسن", "Hassan", "Hasan"],
  ["کریم", "Karim"], ["رحیم", "Rahim"], ["رضا", "Reza", "Rezai"], ["جعفر", "Jafar", "Jaafar"], ["اکبر", "Akbar"], ["اصغر", "Asghar"], ["کاظم", "Kazem", "Kazim"],
  ["موسو", "Mousav", "Musav", "Moosav"], ["صادق", "Sadegh", "Sadeq"], ["باقر", "Bagher", "Baqer"], ["ناصر", "Nasser", "Naser"], ["امیر", "Amir"], ["یوسف", "Yousef", "Yusef"],
  ["نجف", "Najaf"], ["محمود", "Mahmoud", "Mahmud"], ["قربان", "Ghorban", "Qorban"], ["هاشم", "Hashem"], ["طاهر", "Taher"], ["مراد", "Morad"], ["سلطان", "Soltan"],
  ["ابراهیم", "Ebrahim", "Ibrahim"], ["اسماعیل", "Esmail", "Ismail"], ["عباس", "Abbas"], ["حیدر", "Heidar", "Haidar", "Heydar"], ["صالح", "Saleh"], ["شریف", "Sharif"],
  ["امین", "Amin"], ["زمان", "Zaman"], ["غفار", "Ghaffar", "Qaffar"], ["نور", "Nour", "Noor", "Nur"], ["شمس", "Shams"], ["کمال", "Kamal"], ["جلال", "Jalal"],
  ["جمال", "Jamal"], ["قاسم", "Ghasem", "Qasem"], ["تبریز", "Tabriz"], ["شیراز", "Shiraz"], ["اصفهان", "Esfahan", "Isfahan"], ["تهران", "Tehran"], ["کاشان", "Kashan"],
  ["یزد", "Yazd"], ["کرمان", "Kerman"], ["خسرو", "Khosrow", "Khosro"], ["فرهاد", "Farhad"], ["بهرام", "Bahram"], ["جمشید", "Jamshid"], ["رستم", "Rostam"],
  ["آزاد", "Azad"], ["صفر", "Safar"], ["رمضان", "Ramezan", "Ramazan"], ["بهمن", "Bahman"], ["زند", "Zand"], ["شهید", "Shahid"], ["مختار", "Mokhtar"],
  ["عسگر", "Asgar", "Askar"], ["منصور", "Mansour", "Mansoor"], ["قلی", "Gholi", "Qoli"], ["فتح", "Fath"], ["علی", "Ali"], ["نیک", "Nik"], ["پاک", "Pak"],
  ["دانش", "Danesh"], ["فرخ", "Farrokh", "Farokh"], ["شاه", "Shah"], ["بخت", "Bakht"], ["کیان", "Kian", "Kiyan"], ["سهراب", "Sohrab"], ["مهر", "Mehr"],
];
// Suffixes: Persian spelling, Latin spellings, and how the Latin joins the root ("" glued, " " or "-" apart).
const SUFFIXES: [string, string[], string[]][] = [
  ["ی", ["i", "i", "i", "ee", "y", "ie"], [""]],
  ["زاده", ["zadeh", "zade", "zadeh"], ["", "", " ", "-"]],
  ["پور", ["pour", "pur", "poor"], ["", "", "-"]],
  ["نژاد", ["nejad", "nezhad", "nejhad"], ["", " "]],
  ["یان", ["ian", "iyan", "yan"], [""]],
  ["آبادی", ["abadi", "Abadi"], ["", " "]],
  ["فر", ["far"], [""]],
  ["لو", ["lou", "lu", "loo"], [""]],
  ["وند", ["vand", "wand"], [""]],
  ["نیا", ["nia", "niya"], ["", " "]],
  ["راد", ["rad"], [""]],
];

interface SyntheticPerson {
  id: number;
  sex: "male" | "female";
  given: { fa: string; latin: string[] };
  /** One or two parts (Mohammadi Tabrizi), each with its Latin spellings as root, suffix, separator. */
  family: { fa: string; latin: string[][] }[];
  father: { fa: string; latin: string[] };
  birthDay: number;
  deathDay: number;
  birthPlace: string;
  prison: string;
}

export interface SyntheticOptions {
  /** People in the population (default 1000). */
  people?: number;
  /** Number of lists (default 4, at most 4 styles, reused cyclically). */
  lists?: number;
  /** Chance that a person is on a given list (default 0.5). */
  coverage?: number;
  /** Chance that a row is entered twice in its list (default 0.05). */
  duplicates?: number;
  /** Chance of a typo in a name (default 0.1). */
  typos?: number;
  /** Chance that a cell is left empty (default 0.15). */
  missing?: number;
  seed?: number;
}

/** One synthetic list, as a table with its mapping, and the person behind each row. */
export interface SyntheticList {
  name: string;
  headers: string[];
  rows: string[][];
  mapping: { list_name: string; columns: Record<string, string>; calendar: "jalali" | "gregorian" | "auto"; name_order: "given_family" | "family_given" | "auto"; day_month_order: "dmy" | "mdy" };
  /** The synthetic person id of each row. */
  truth: number[];
}

const prisons = PLACES.filter((p) => p.kind === "prison");
const cities = PLACES.filter((p) => p.kind === "city");
const males = GIVEN_NAMES.filter((g) => g.sex === "male" && !/^(علیرضا|حمیدرضا|محمدرضا|غلامرضا|امیرحسین)$/.test(g.persian));
const females = GIVEN_NAMES.filter((g) => g.sex === "female");

/** Generates SYNTHETIC lists (see the module comment). Deterministic for a seed. */
export function syntheticLists(options: SyntheticOptions = {}): SyntheticList[] {
  const random = seededRandom(options.seed ?? 1367);
  const nPeople = options.people ?? 1000;
  const nLists = options.lists ?? 4;
  const coverage = options.coverage ?? 0.5;
  const dupRate = options.duplicates ?? 0.05;
  const typoRate = options.typos ?? 0.1;
  const missing = options.missing ?? 0.15;
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)]!;
  // Zipf-like: common names are very common, as in real lists (many Mohammads, many Hosseinis).
  const zipf = <T>(xs: readonly T[], s = 1.1): T => {
    const u = random();
    const i = Math.floor(Math.pow(xs.length + 1, u) ** (1 / s)) - 1;
    return xs[Math.min(xs.length - 1, Math.max(0, i))]!;
  };
  const familyPart = (): { fa: string; latin: string[][] } => {
    const root = zipf(ROOTS, 1.05);
    const suffix = zipf(SUFFIXES, 1.5);
    const fa = `${root[0]}${suffix[0] === "ی" || suffix[0] === "یان" ? "" : random() < 0.5 ? "\u200c" : ""}${suffix[0]}`;
    return { fa, latin: root.slice(1).flatMap((r) => suffix[1].map((x) => [r, x, pick(suffix[2])])) };
  };
  const people: SyntheticPerson[] = [];
  const summer1988 = [isoToDays("1988-07-19"), isoToDays("1988-09-30")] as const;
  for (let id = 0; id < nPeople; id++) {
    const sex = random() < 0.88 ? "male" : "female";
    const g = zipf(sex === "male" ? males : females);
    let given = { fa: g.persian, latin: g.latin };
    if (sex === "male" && random() < 0.15 && /^(محمد|علی|غلام)$/.test(g.persian)) {
      const second = pick(males.filter((m) => /^(رضا|حسین|علی|اکبر|اصغر|مهدی|حسن|جواد|باقر|تقی)$/.test(m.persian)));
      given = { fa: `${g.persian} ${second.persian}`, latin: g.latin.flatMap((a) => second.latin.slice(0, 2).flatMap((b) => [`${a} ${b}`, `${a}${b.toLowerCase()}`])) };
    }
    // One family name in four has two parts, as many Iranian family names do (Mohammadi Tabrizi).
    const family = [familyPart()];
    if (random() < 0.25) family.push(familyPart());
    const father = zipf(males);
    const birthYear = 1935 + Math.floor(random() * 36);
    people.push({
      id,
      sex,
      given,
      family,
      father: { fa: father.persian, latin: father.latin },
      birthDay: isoToDays(`${birthYear}-01-01`) + Math.floor(random() * 365),
      deathDay: summer1988[0] + Math.floor(random() * (summer1988[1] - summer1988[0])),
      birthPlace: pick(cities).id,
      prison: random() < 0.6 ? (random() < 0.6 ? "prison-evin" : "prison-gohardasht") : pick(prisons).id,
    });
  }

  const typo = (s: string): string => {
    if (random() >= typoRate || s.length < 3) return s;
    const chars = [...s];
    const i = 1 + Math.floor(random() * (chars.length - 1));
    const kind = random();
    if (kind < 0.33) chars.splice(i, 1);
    else if (kind < 0.66 && i < chars.length - 1) [chars[i], chars[i + 1]] = [chars[i + 1]!, chars[i]!];
    else chars[i] = /[\u0600-\u06ff]/.test(s) ? pick([..."بپتسشمنرزدلکگیوه"]) : pick([..."abdeghiklmnorstuz"]);
    return chars.join("");
  };
  const latinFamily = (p: SyntheticPerson): string =>
    p.family
      .map((part) => {
        const [r, x, sep] = pick(part.latin);
        return `${r}${sep}${sep === "" ? x!.toLowerCase() : x!.charAt(0).toUpperCase() + x!.slice(1)}`;
      })
      .join(" ");
  const persianFamily = (p: SyntheticPerson): string => p.family.map((part) => part.fa).join(" ");
  const blank = (v: string): string => (random() < missing ? "" : v);
  const jalali = (days: number, digits: "fa" | "en"): string => {
    const [y, m, d] = daysToIso(days).split("-").map(Number) as [number, number, number];
    const j = jalaali.toJalaali(y, m, d);
    const s = `${j.jy}/${String(j.jm).padStart(2, "0")}/${String(j.jd).padStart(2, "0")}`;
    return digits === "fa" ? toPersianDigits(s) : s;
  };
  const age = (p: SyntheticPerson): number => Math.floor((p.deathDay - p.birthDay) / 365.2425) + (random() < 0.1 ? pick([-1, 1]) : 0);
  const placeName = (id: string, script: "fa" | "en"): string => {
    const place = PLACES.find((p) => p.id === id)!;
    return pick(script === "fa" ? place.fa : place.en);
  };

  type Style = { headers: string[]; columns: Record<string, string>; calendar: SyntheticList["mapping"]["calendar"]; name_order: SyntheticList["mapping"]["name_order"]; day_month_order: "dmy" | "mdy"; row: (p: SyntheticPerson, n: number) => string[] };
  const styles: Style[] = [
    {
      // A Persian list: separate name columns, Persian digits, Jalali dates, ages.
      headers: ["ردیف", "نام", "نام خانوادگی", "نام پدر", "سن", "تاریخ اعدام", "محل اعدام", "توضیحات"],
      columns: { ردیف: "id", نام: "given_name", "نام خانوادگی": "family_name", "نام پدر": "father_name", سن: "age", "تاریخ اعدام": "date_of_death", "محل اعدام": "place_of_death", توضیحات: "notes" },
      calendar: "jalali",
      name_order: "auto",
      day_month_order: "dmy",
      row: (p, n) => [toPersianDigits(String(n)), typo(p.given.fa), typo(persianFamily(p)), blank(p.father.fa), blank(toPersianDigits(String(age(p)))), blank(jalali(p.deathDay, "fa")), blank(placeName(p.prison, "fa")), "داده ساختگی (synthetic)"],
    },
    {
      // An English list: "Family, Given" full names, Gregorian birth years, places of birth.
      headers: ["No.", "Name", "Father's name", "Year of birth", "Place of birth", "Sex", "Executed", "Note"],
      columns: { "No.": "id", Name: "full_name", "Father's name": "father_name", "Year of birth": "birth_year", "Place of birth": "birth_place", Sex: "sex", Executed: "date_of_death", Note: "notes" },
      calendar: "gregorian",
      name_order: "family_given",
      day_month_order: "dmy",
      row: (p, n) => [
        `E${n}`,
        `${typo(latinFamily(p))}, ${typo(pick(p.given.latin))}`,
        blank(pick(p.father.latin)),
        blank(String(Number(daysToIso(p.birthDay).slice(0, 4)))),
        blank(placeName(p.birthPlace, "en")),
        blank(p.sex === "male" ? "M" : "F"),
        blank(random() < 0.5 && daysToIso(p.deathDay) <= "1988-09-22" ? "summer 1988" : daysToIso(p.deathDay).slice(0, 7)),
        "SYNTHETIC test data",
      ],
    },
    {
      // A mixed list: a Persian full name, a Latin full name, Jalali birth years, ages.
      headers: ["نام و نام خانوادگی", "Name (Latin)", "سال تولد", "Age", "Prison", "Remarks"],
      columns: { "نام و نام خانوادگی": "full_name", "Name (Latin)": "full_name", "سال تولد": "birth_year", Age: "age", Prison: "place_of_death", Remarks: "notes" },
      calendar: "jalali",
      name_order: "given_family",
      day_month_order: "dmy",
      row: (p) => {
        const [y, m, d] = daysToIso(p.birthDay).split("-").map(Number) as [number, number, number];
        return [
          `${typo(p.given.fa)} ${typo(persianFamily(p))}`,
          blank(`${pick(p.given.latin)} ${latinFamily(p)}`),
          blank(String(jalaali.toJalaali(y, m, d).jy)),
          blank(String(age(p))),
          blank(placeName(p.prison, random() < 0.5 ? "fa" : "en")),
          "synthetic",
        ];
      },
    },
    {
      // An upper-case Latin list with full Gregorian dates of birth, day first.
      headers: ["ID", "SURNAME", "FIRST NAME", "FATHER", "DATE OF BIRTH", "DATE OF DEATH", "CITY", "COMMENT"],
      columns: { ID: "id", SURNAME: "family_name", "FIRST NAME": "given_name", FATHER: "father_name", "DATE OF BIRTH": "birth_date", "DATE OF DEATH": "date_of_death", CITY: "residence", COMMENT: "notes" },
      calendar: "gregorian",
      name_order: "auto",
      day_month_order: "dmy",
      row: (p, n) => {
        const [y, m, d] = daysToIso(p.birthDay).split("-");
        return [
          `D-${n}`,
          typo(latinFamily(p)).toUpperCase(),
          typo(pick(p.given.latin)).toUpperCase(),
          blank(pick(p.father.latin).toUpperCase()),
          blank(random() < 0.7 ? `${d}/${m}/${y}` : y!),
          blank(daysToIso(p.deathDay).split("-").reverse().join("/")),
          blank(placeName(p.birthPlace, "en").toUpperCase()),
          "SYNTHETIC",
        ];
      },
    },
  ];

  const out: SyntheticList[] = [];
  for (let l = 0; l < nLists; l++) {
    const style = styles[l % styles.length]!;
    const name = `synthetic-${String.fromCharCode(65 + (l % 26))}${l >= 26 ? Math.floor(l / 26) : ""}`;
    const rows: string[][] = [];
    const truth: number[] = [];
    for (const p of people) {
      if (random() >= coverage) continue;
      const copies = random() < dupRate ? 2 : 1;
      for (let c = 0; c < copies; c++) {
        rows.push(style.row(p, rows.length + 1));
        truth.push(p.id);
      }
    }
    // Lists are not in the same order as each other.
    for (let i = rows.length - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      [rows[i], rows[j]] = [rows[j]!, rows[i]!];
      [truth[i], truth[j]] = [truth[j]!, truth[i]!];
    }
    const idCol = style.headers.findIndex((h) => style.columns[h] === "id");
    if (idCol >= 0) rows.forEach((r, i) => (r[idCol] = style === styles[0] ? toPersianDigits(String(i + 1)) : `${r[idCol]!.replace(/\d+$/, "")}${i + 1}`));
    out.push({ name, headers: style.headers, rows, truth, mapping: { list_name: name, columns: style.columns, calendar: style.calendar, name_order: style.name_order, day_month_order: style.day_month_order } });
  }
  return out;
}
