import { franc } from "franc";

/**
 * Language identification for monitored items. Script and letter statistics
 * decide among the Arabic-script languages (Persian, Arabic, Central Kurdish),
 * where trigram models confuse short texts; franc decides among Latin-script ones.
 */
export type Lang = "fa" | "en" | "ar" | "ckb" | "kmr" | "und";

export interface LanguageGuess {
  lang: Lang;
  /** 0..1: share of the evidence that points to the chosen language. */
  confidence: number;
  script: "arabic" | "latin" | "other" | "none";
  /** What decided it, for the reasons shown to staff. */
  evidence: string;
}

// Letters Central Kurdish (Sorani) uses and Persian and Arabic do not.
const SORANI_LETTERS = /[\u06ce\u06c6\u0695\u06b5\u06a4\u06d5]/g;
// Letters of Persian (and Kurdish) absent from Arabic.
const PERSIAN_LETTERS = /[\u067e\u0686\u0698\u06af]/g;
// Arabic-only forms: teh marbuta, Arabic yeh and kaf, alef maksura.
const ARABIC_LETTERS = /[\u0629\u064a\u0643\u0649]/g;
const ARABIC_SCRIPT = /[\u0600-\u06ff\u0750-\u077f\ufb50-\ufdff\ufe70-\ufeff]/g;
const LATIN_SCRIPT = /[A-Za-z\u00c0-\u024f]/g;

const PERSIAN_WORDS = new Set(["است", "این", "که", "را", "از", "به", "با", "برای", "شد", "بود", "های", "هایی", "می", "خود", "آن", "اند", "شده", "کرد", "نیز", "تا", "یک", "او", "ایشان", "زندان", "اعدام"]);
const ARABIC_WORDS = new Set(["في", "من", "على", "إلى", "الى", "التي", "الذي", "أن", "عن", "مع", "هذا", "هذه", "كان", "قد", "تم", "وقد", "ذلك", "بعد", "حكم", "السجن"]);
const SORANI_WORDS = new Set(["لە", "بە", "کە", "ئەو", "بۆ", "لەسەر", "دەکات", "کرا", "و", "ئەم", "بوو", "دوای", "زیندان", "لەلایەن"]);
const KURMANJI_MARKS = /[êîûçşÊÎÛÇŞ]/g;

function count(s: string, re: RegExp): number {
  return s.match(re)?.length ?? 0;
}

/** Guesses the language of a text: Persian, English, Arabic, Central or Northern Kurdish, or undetermined. */
export function identifyLanguage(text: string): LanguageGuess {
  // The first 1,500 characters decide: enough for the statistics, and franc's cost grows with length.
  const sample = text.length > 1500 ? text.slice(0, 1500) : text;
  const arabicScript = count(sample, ARABIC_SCRIPT);
  const latin = count(sample, LATIN_SCRIPT);
  if (arabicScript === 0 && latin === 0) return { lang: "und", confidence: 0, script: sample.trim() ? "other" : "none", evidence: "no Arabic or Latin letters" };
  if (arabicScript >= latin) return arabicScriptLanguage(sample, arabicScript);
  return latinScriptLanguage(sample, latin);
}

function arabicScriptLanguage(sample: string, letters: number): LanguageGuess {
  const words = sample.split(/[\s\u060c\u061b\u061f.,:;!?()«»"'\u200c]+/).filter(Boolean);
  let fa = 0;
  let ar = 0;
  let ckb = 0;
  for (const w of words) {
    if (PERSIAN_WORDS.has(w)) fa++;
    if (ARABIC_WORDS.has(w)) ar++;
    if (SORANI_WORDS.has(w)) ckb++;
    if (w.startsWith("ال") && w.length > 3) ar += 0.5;
  }
  const sorani = count(sample, SORANI_LETTERS);
  const persian = count(sample, PERSIAN_LETTERS);
  const arabic = count(sample, ARABIC_LETTERS);
  // Letters weigh by their rate; a few Sorani letters in a long text are names, not the language.
  const scores: Record<"fa" | "ar" | "ckb", number> = {
    fa: fa * 2 + persian * 0.5,
    ar: ar * 2 + arabic * 0.7,
    ckb: ckb * 2 + sorani * (sorani / letters > 0.01 ? 1.5 : 0.2),
  };
  const ranked = (Object.entries(scores) as ["fa" | "ar" | "ckb", number][]).sort((a, b) => b[1] - a[1]);
  const [best, bestScore] = ranked[0]!;
  const total = ranked.reduce((s, [, v]) => s + v, 0);
  if (bestScore === 0) return { lang: "fa", confidence: 0.34, script: "arabic", evidence: "Arabic script with no distinguishing words or letters; Persian assumed" };
  return {
    lang: best,
    confidence: Math.round((bestScore / total) * 100) / 100,
    script: "arabic",
    evidence: `Arabic script; function words fa=${fa} ar=${ar} ckb=${ckb}; letters Persian-only=${persian} Arabic-only=${arabic} Sorani-only=${sorani}`,
  };
}

const ENGLISH_WORDS = new Set(["the", "of", "and", "to", "in", "was", "were", "is", "a", "on", "for", "by", "that", "with", "has", "have", "been", "at", "prison", "executed"]);
const KURMANJI_WORDS = new Set(["û", "di", "de", "ji", "li", "ku", "bi", "hat", "hatin", "girtin", "girtîgeh", "zindan", "kurd", "ev", "vê", "wê"]);

function latinScriptLanguage(sample: string, letters: number): LanguageGuess {
  const words = sample.toLowerCase().split(/[^a-z\u00c0-\u024f]+/).filter(Boolean);
  let en = 0;
  let kmr = 0;
  for (const w of words) {
    if (ENGLISH_WORDS.has(w)) en++;
    if (KURMANJI_WORDS.has(w)) kmr++;
  }
  const marks = count(sample, KURMANJI_MARKS);
  kmr += marks / 2;
  if (letters >= 40) {
    const code = franc(sample.length > 600 ? sample.slice(0, 600) : sample, { only: ["eng", "kmr", "fra", "deu", "spa", "ita", "nld", "por", "tur"] });
    if (code === "eng" && en >= kmr) return { lang: "en", confidence: en + kmr > 0 ? Math.round((en / (en + kmr)) * 100) / 100 : 0.6, script: "latin", evidence: `Latin script; trigram model says eng; English words ${en}` };
    if (code === "kmr" || (kmr > en && marks > 0)) return { lang: "kmr", confidence: Math.round((kmr / (en + kmr || 1)) * 100) / 100, script: "latin", evidence: `Latin script; trigram model says ${code}; Kurmanji words/marks ${kmr}` };
    if (code !== "und" && en === 0) return { lang: "und", confidence: 0.5, script: "latin", evidence: `Latin script; trigram model says ${code}` };
  }
  if (en === 0 && kmr === 0) return { lang: "und", confidence: 0, script: "latin", evidence: "Latin script; too short and no known words" };
  return en >= kmr
    ? { lang: "en", confidence: Math.round((en / (en + kmr)) * 100) / 100, script: "latin", evidence: `Latin script; English words ${en}, Kurmanji ${kmr}` }
    : { lang: "kmr", confidence: Math.round((kmr / (en + kmr)) * 100) / 100, script: "latin", evidence: `Latin script; Kurmanji words/marks ${kmr}, English ${en}` };
}
