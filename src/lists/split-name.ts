import { isCompoundFirst, isHonorific, isKnownGivenName } from "../linkage/index.ts";

export type NameOrder = "given_family" | "family_given" | "auto";

export interface SplitName {
  given?: string;
  family?: string;
}

/**
 * Splits a full name as lists write it: `Rezaei, Mohammad` (a comma puts the
 * family name first), `محمد رضایی`, `Mohammad Reza Hosseini` (two-word given
 * names such as Mohammad Reza, Ali Asghar, Gholam Hossein stay together),
 * `Ali Haji Abadi` (everything after the given name is the family name).
 * Leading honorifics (Seyed, Haj, سید, …) are left out of both parts; the row
 * keeps them verbatim. With `auto`, a known given name at the end and not at
 * the start means the family name came first.
 */
export function splitFullName(text: string, order: NameOrder = "auto"): SplitName {
  const t = text.replace(/\s+/g, " ").trim();
  if (!t) return {};
  const comma = /[,،]/.exec(t);
  if (comma) {
    const family = t.slice(0, comma.index).trim();
    const given = t.slice(comma.index + 1).replace(/[,،]/g, " ").trim();
    const g = stripLeading(given.split(" ").filter(Boolean)).join(" ");
    return { ...(g ? { given: g } : {}), ...(family ? { family } : {}) };
  }
  const words = stripLeading(t.split(" "));
  if (words.length === 1) return isKnownGivenName(words[0]!) ? { given: words[0]! } : { family: words[0]! };
  let resolved = order;
  if (resolved === "auto") {
    const firstKnown = isKnownGivenName(words[0]!);
    const lastKnown = isKnownGivenName(words[words.length - 1]!);
    resolved = !firstKnown && lastKnown ? "family_given" : "given_family";
  }
  if (resolved === "given_family") {
    let n = words.length > 2 && isCompoundFirst(words[0]!) && isKnownGivenName(words[1]!) ? 2 : 1;
    // Arabic-article second parts belong to the given name: فتح الله, زین العابدین, Fath ollah.
    while (n < words.length - 1 && isArticlePart(words[n]!)) n++;
    return { given: words.slice(0, n).join(" "), family: words.slice(n).join(" ") };
  }
  const k = words.length;
  const n = k > 2 && isCompoundFirst(words[k - 2]!) && isKnownGivenName(words[k - 1]!) ? 2 : 1;
  return { given: words.slice(k - n).join(" "), family: words.slice(0, k - n).join(" ") };
}

/** Is this word the second part of an Arabic-article given name (الله, الدین, العابدین; ollah, oddin)? */
function isArticlePart(word: string): boolean {
  if (/^[\u0600-\u06ff]/.test(word)) return /^ال/.test(word.replace(/[\u064b-\u065f\u0670]/g, ""));
  return /^(?:allah|ollah|ullah|olah|oddin|eddin|addin|uddin|al-?din|ol-?lah)$/i.test(word);
}

function stripLeading(words: string[]): string[] {
  let i = 0;
  while (i < words.length - 1 && isHonorific(words[i]!)) i++;
  return words.slice(i);
}
