import type { Lang } from "../../web/index.ts";

/** Iran's provinces as readers write them (the gazetteer's ids; its patterns are for matching, not for display). */
const PROVINCES: Record<string, [string, string]> = {
  alborz: ["Alborz", "البرز"],
  ardabil: ["Ardabil", "اردبیل"],
  bushehr: ["Bushehr", "بوشهر"],
  "chaharmahal-bakhtiari": ["Chaharmahal and Bakhtiari", "چهارمحال و بختیاری"],
  "east-azerbaijan": ["East Azerbaijan", "آذربایجان شرقی"],
  fars: ["Fars", "فارس"],
  gilan: ["Gilan", "گیلان"],
  golestan: ["Golestan", "گلستان"],
  hamadan: ["Hamadan", "همدان"],
  hormozgan: ["Hormozgan", "هرمزگان"],
  ilam: ["Ilam", "ایلام"],
  isfahan: ["Isfahan", "اصفهان"],
  kerman: ["Kerman", "کرمان"],
  kermanshah: ["Kermanshah", "کرمانشاه"],
  "north-khorasan": ["North Khorasan", "خراسان شمالی"],
  "razavi-khorasan": ["Razavi Khorasan", "خراسان رضوی"],
  "south-khorasan": ["South Khorasan", "خراسان جنوبی"],
  khuzestan: ["Khuzestan", "خوزستان"],
  "kohgiluyeh-boyer-ahmad": ["Kohgiluyeh and Boyer-Ahmad", "کهگیلویه و بویراحمد"],
  kurdistan: ["Kurdistan", "کردستان"],
  lorestan: ["Lorestan", "لرستان"],
  markazi: ["Markazi", "مرکزی"],
  mazandaran: ["Mazandaran", "مازندران"],
  qazvin: ["Qazvin", "قزوین"],
  qom: ["Qom", "قم"],
  semnan: ["Semnan", "سمنان"],
  "sistan-baluchestan": ["Sistan and Baluchestan", "سیستان و بلوچستان"],
  tehran: ["Tehran", "تهران"],
  "west-azerbaijan": ["West Azerbaijan", "آذربایجان غربی"],
  yazd: ["Yazd", "یزد"],
  zanjan: ["Zanjan", "زنجان"],
};

export const provinceName = (id: string | undefined, lang: Lang): string => (id ? (PROVINCES[id]?.[lang === "fa" ? 1 : 0] ?? id) : "");

/** Provinces as form choices, in the reader's alphabetical order. */
export function provinceOptions(lang: Lang): { value: string; label: string }[] {
  return Object.keys(PROVINCES)
    .map((id) => ({ value: id, label: provinceName(id, lang) }))
    .sort((a, b) => a.label.localeCompare(b.label, lang));
}
