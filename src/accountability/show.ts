import type { FuzzyDate } from "../core/dates.ts";
import { date, translator, type Lang, type T } from "../web/index.ts";
import type { Ref } from "./model.ts";
import "./messages.ts";
import { endsOf } from "./tenure.ts";

/** Vocabularies the views need labels from. */
export type TermLabel = (vocabulary: string, code: string | null, lang: "en" | "fa") => string;

/** What every view component needs to say things in the reader's language. */
export interface Show {
  lang: Lang;
  t: T;
  term: (vocabulary: string, code: string | null) => string;
  /** A record's name in the reader's language, or "unnamed". */
  name: (ref: Ref | null | undefined) => string;
  date: (d: FuzzyDate | null | undefined) => string;
  sources: Map<string, Ref>;
  /** Where a record's page is, when the view links to one. */
  href?: (ref: Ref) => string | null;
}

export function makeShow(lang: Lang, terms: TermLabel, sources: Map<string, Ref>, href?: (ref: Ref) => string | null): Show {
  const t = translator(lang);
  return {
    lang,
    t,
    term: (v, c) => terms(v, c, lang),
    name: (r) => (r ? (lang === "fa" ? r.labelFa || r.label : r.label || r.labelFa) : "") || t("acc.unnamed"),
    date: (d) => {
      if (!d) return t("acc.undated");
      // A range whose ends the source gave separately is shown end by end, each at its own precision.
      const ends = endsOf(d);
      return ends ? `${date(lang, ends.start)} – ${date(lang, ends.end)}` : date(lang, d);
    },
    sources,
    ...(href ? { href } : {}),
  };
}
