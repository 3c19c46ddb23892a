/**
 * String similarities used on every candidate pair. Written here rather than
 * taken from a package because they sit in the innermost loop of linkage:
 * these versions allocate nothing per call (one reused buffer) and stop early
 * where a bound allows.
 */

let flagsA = new Uint8Array(64);
let flagsB = new Uint8Array(64);

/** Jaro–Winkler similarity (prefix scale 0.1, prefix up to 4), in [0, 1]. */
export function jaroWinkler(a: string, b: string): number {
  if (a === b) return a.length === 0 ? 0 : 1;
  const la = a.length;
  const lb = b.length;
  if (la === 0 || lb === 0) return 0;
  if (flagsA.length < la) flagsA = new Uint8Array(la * 2);
  if (flagsB.length < lb) flagsB = new Uint8Array(lb * 2);
  flagsA.fill(0, 0, la);
  flagsB.fill(0, 0, lb);
  const range = Math.max(0, Math.floor(Math.max(la, lb) / 2) - 1);
  let matches = 0;
  for (let i = 0; i < la; i++) {
    const lo = Math.max(0, i - range);
    const hi = Math.min(lb - 1, i + range);
    const c = a.charCodeAt(i);
    for (let j = lo; j <= hi; j++) {
      if (flagsB[j] === 0 && b.charCodeAt(j) === c) {
        flagsA[i] = 1;
        flagsB[j] = 1;
        matches++;
        break;
      }
    }
  }
  if (matches === 0) return 0;
  let k = 0;
  let transpositions = 0;
  for (let i = 0; i < la; i++) {
    if (flagsA[i] === 0) continue;
    while (flagsB[k] === 0) k++;
    if (a.charCodeAt(i) !== b.charCodeAt(k)) transpositions++;
    k++;
  }
  const m = matches;
  const jaro = (m / la + m / lb + (m - transpositions / 2) / m) / 3;
  let prefix = 0;
  const maxPrefix = Math.min(4, la, lb);
  while (prefix < maxPrefix && a.charCodeAt(prefix) === b.charCodeAt(prefix)) prefix++;
  return jaro + prefix * 0.1 * (1 - jaro);
}

let prevRow = new Int32Array(64);
let currRow = new Int32Array(64);
let prevPrevRow = new Int32Array(64);

/**
 * Optimal-string-alignment distance (Levenshtein with adjacent
 * transpositions), or `max + 1` as soon as it must exceed `max`.
 */
export function editDistance(a: string, b: string, max = Infinity): number {
  if (a === b) return 0;
  const la = a.length;
  const lb = b.length;
  if (Math.abs(la - lb) > max) return max + 1;
  if (la === 0) return lb;
  if (lb === 0) return la;
  if (prevRow.length <= lb) {
    prevRow = new Int32Array(lb * 2 + 1);
    currRow = new Int32Array(lb * 2 + 1);
    prevPrevRow = new Int32Array(lb * 2 + 1);
  }
  for (let j = 0; j <= lb; j++) prevRow[j] = j;
  for (let i = 1; i <= la; i++) {
    currRow[0] = i;
    let rowMin = i;
    const ca = a.charCodeAt(i - 1);
    for (let j = 1; j <= lb; j++) {
      const cb = b.charCodeAt(j - 1);
      let v = Math.min(prevRow[j]! + 1, currRow[j - 1]! + 1, prevRow[j - 1]! + (ca === cb ? 0 : 1));
      if (i > 1 && j > 1 && ca === b.charCodeAt(j - 2) && a.charCodeAt(i - 2) === cb) v = Math.min(v, prevPrevRow[j - 2]! + 1);
      currRow[j] = v;
      if (v < rowMin) rowMin = v;
    }
    if (rowMin > max) return max + 1;
    const t = prevPrevRow;
    prevPrevRow = prevRow;
    prevRow = currRow;
    currRow = t;
  }
  return prevRow[lb]!;
}
