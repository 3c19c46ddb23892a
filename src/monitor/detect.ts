import { classifyNormalised, type ClassifierModel, type ClassifierScore } from "./classifier.ts";
import { LABELS, loadLexicon, matchStart, type Cue, type CueKind, type Label, type Lexicon, type Rule } from "./lexicon.ts";
import { originalSpan } from "./normalise.ts";
import { quoteAround, type Quote } from "./text.ts";
import { analyse, sentenceAt, type AnalysedText } from "./analysis.ts";

export type Field = "title" | "text";

/** A rule that matched, with where it matched in the text as written. */
export interface RuleMatch {
  rule: string;
  weight: 1 | 2;
  field: Field;
  start: number;
  end: number;
  /** The matched words as written. */
  text: string;
  /** The rule's pattern from the lexicon. */
  pattern: string;
}

/** Why a match does not count: the cue found in its sentence. */
export interface Suppression {
  kind: CueKind | "quoted";
  cue?: string;
  /** The cue's words as written. */
  text?: string;
  explanation: string;
}

export interface SuppressedMatch extends RuleMatch {
  because: Suppression;
}

export type DecisionPath = "strong-rule" | "weak-rule-and-classifier" | "classifier-alone" | "vetoed-by-classifier" | "weak-rule-only" | "suppressed" | "no-evidence" | "classifier-alone-in-reported-text";

/** The decision on one label for one item, with everything that led to it. */
export interface LabelReason {
  label: Label;
  applied: boolean;
  decision: DecisionPath;
  explanation: string;
  classifier: ClassifierScore;
  matches: RuleMatch[];
  suppressed: SuppressedMatch[];
}

export interface DetectionInput {
  title?: string;
  text: string;
}

export interface DetectionResult {
  labels: Label[];
  /** One entry per label that is applied or has any evidence. */
  reasons: LabelReason[];
}

/** Thresholds on the classifier probability; see docs/monitor.md for how they were chosen. */
export interface Thresholds {
  /** A strong rule applies the label unless the classifier probability is below this. */
  strongVeto: number;
  /** A weak rule needs at least this probability. */
  weakNeeds: number;
  /**
   * With no rule at all, the classifier alone needs this, and only for
   * glorification and incitement (paraphrase-heavy speech); events (executions,
   * sentences, arrests, warning signs) are labelled only on a rule match.
   */
  classifierAlone: number;
}

export const DEFAULT_THRESHOLDS: Thresholds = { strongVeto: 0, weakNeeds: 0.4, classifierAlone: 0.9 };

const SPEECH_LABELS: ReadonlySet<Label> = new Set(["glorification", "incitement"]);

/** Texts longer than this are read up to here; monitoring items are articles, not books. */
export const MAX_ANALYSED_CHARS = 100_000;

interface Hit {
  start: number; // normalised offsets
  end: number;
  oStart: number; // original offsets in the field
  oEnd: number;
  sentence: number;
}

interface CueHit extends Hit {
  cue: Cue;
}

function hits(re: RegExp, a: AnalysedText): Hit[] {
  const out: Hit[] = [];
  const m = a.norm;
  re.lastIndex = 0;
  let x: RegExpExecArray | null;
  while ((x = re.exec(m.text))) {
    if (x[0].length === 0) {
      re.lastIndex++;
      continue;
    }
    const start = matchStart(x);
    const end = x.index + x[0].length;
    const [oStart, oEnd] = originalSpan(m, start, end);
    out.push({ start, end, oStart, oEnd, sentence: sentenceAt(a, start) });
  }
  return out;
}

function suppressionFor(label: Label, match: Hit[], cues: CueHit[], quotes: Quote[], text: string, sentenceStart: number): Suppression | undefined {
  const first = match[0]!;
  const relevant = cues.filter((c) => c.sentence === first.sentence && c.cue.labels.includes(label));
  for (const c of relevant) {
    if (c.cue.kind === "negation") return { kind: "negation", cue: c.cue.id, text: text.slice(c.oStart, c.oEnd), explanation: "the sentence denies or undoes the event" };
    if (c.cue.kind === "historical") return { kind: "historical", cue: c.cue.id, text: text.slice(c.oStart, c.oEnd), explanation: "the sentence is about the 1988 killings, not a new event" };
  }
  if (!SPEECH_LABELS.has(label)) return undefined;
  const quote = match.map((h) => quoteAround(quotes, h.oStart, h.oEnd)).find((q) => q !== undefined);
  const outside = (c: CueHit): boolean => !(quote && c.oStart >= quote.start && c.oEnd <= quote.end) && !match.some((h) => c.start < h.end && h.start < c.end);
  const framing = relevant.filter((c) => (c.cue.kind === "reporting" || c.cue.kind === "condemnation") && outside(c));
  // "Outlet: «words»" — a colon before the quotation attributes the words to someone.
  if (quote && framing.length === 0 && text.slice(sentenceStart, quote.start).includes(":")) {
    return { kind: "quoted", text: ":", explanation: "the words are quoted and attributed to someone (colon before the quotation)" };
  }
  if (quote && framing.length > 0) {
    const c = framing[0]!;
    return { kind: "quoted", cue: c.cue.id, text: text.slice(c.oStart, c.oEnd), explanation: "the words are quoted, and the sentence reports or condemns them" };
  }
  const reporting = relevant.find((c) => c.cue.kind === "reporting" && c.end <= first.start && !quoteAround(quotes, c.oStart, c.oEnd));
  if (reporting) return { kind: "reporting", cue: reporting.cue.id, text: text.slice(reporting.oStart, reporting.oEnd), explanation: "the words are someone else's, reported by the author" };
  const condemning = framing.find((c) => c.cue.kind === "condemnation");
  if (condemning) return { kind: "condemnation", cue: condemning.cue.id, text: text.slice(condemning.oStart, condemning.oEnd), explanation: "the sentence condemns what it mentions" };
  return undefined;
}

interface Evidence {
  matches: Map<Label, RuleMatch[]>;
  suppressed: Map<Label, SuppressedMatch[]>;
  /** The text quotes or reports someone's words somewhere. */
  hasReportedSpeech: boolean;
}

function collect(lex: Lexicon, field: Field, text: string, into: Evidence): void {
  const a = analyse(text);
  if (!a.norm.text) return;
  const cues: CueHit[] = [];
  for (const cue of lex.cues) for (const h of hits(cue.re, a)) cues.push({ ...h, cue });
  if (a.quotes.some((q) => q.length > 0) || cues.some((c) => c.cue.kind === "reporting" || c.cue.kind === "condemnation")) into.hasReportedSpeech = true;
  for (const rule of lex.rules) {
    if (rule.parts.length === 1) {
      for (const h of hits(rule.parts[0]!, a)) record(rule, [h], field, a, cues, into);
      continue;
    }
    // Every part must match in one sentence; the first match of each part is shown.
    const perPart = rule.parts.map((p) => hits(p, a));
    if (perPart.some((h) => h.length === 0)) continue;
    const sentences = new Set(perPart[0]!.map((h) => h.sentence));
    for (const s of sentences) {
      const group = perPart.map((hs) => hs.find((h) => h.sentence === s));
      if (group.every((h) => h !== undefined)) record(rule, group, field, a, cues, into);
    }
  }
}

function record(rule: Rule, group: Hit[], field: Field, a: AnalysedText, cues: CueHit[], into: Evidence): void {
  const oStart = Math.min(...group.map((h) => h.oStart));
  const oEnd = Math.max(...group.map((h) => h.oEnd));
  const match: RuleMatch = {
    rule: rule.id,
    weight: rule.weight,
    field,
    start: oStart,
    end: oEnd,
    text: group.map((h) => a.text.slice(h.oStart, h.oEnd)).join(" … "),
    pattern: rule.source,
  };
  const sentence = group[0]!.sentence;
  const because = suppressionFor(rule.label, group, cues, a.quotes[sentence] ?? [], a.text, a.sentences[sentence]?.start ?? 0);
  if (because) {
    const list = into.suppressed.get(rule.label) ?? [];
    list.push({ ...match, because });
    into.suppressed.set(rule.label, list);
  } else {
    const list = into.matches.get(rule.label) ?? [];
    list.push(match);
    into.matches.set(rule.label, list);
  }
}

const pct = (p: number): string => `${Math.round(p * 100)}%`;

function decide(label: Label, matches: RuleMatch[], suppressed: SuppressedMatch[], score: ClassifierScore, hasReportedSpeech: boolean, t: Thresholds): Pick<LabelReason, "applied" | "decision" | "explanation"> {
  const p = score.probability;
  const strong = matches.some((m) => m.weight === 2);
  if (strong) {
    return p >= t.strongVeto
      ? { applied: true, decision: "strong-rule", explanation: `strong rule ${matches.find((m) => m.weight === 2)!.rule} matched; classifier ${pct(p)}` }
      : { applied: false, decision: "vetoed-by-classifier", explanation: `strong rule matched but the classifier gives only ${pct(p)} (below ${pct(t.strongVeto)})` };
  }
  if (matches.length > 0) {
    return p >= t.weakNeeds
      ? { applied: true, decision: "weak-rule-and-classifier", explanation: `weak rule ${matches[0]!.rule} matched and the classifier agrees (${pct(p)})` }
      : { applied: false, decision: "weak-rule-only", explanation: `weak rule matched but the classifier gives ${pct(p)} (needs ${pct(t.weakNeeds)})` };
  }
  if (suppressed.length > 0) return { applied: false, decision: "suppressed", explanation: `every match was set aside: ${suppressed[0]!.because.explanation}` };
  if (p >= t.classifierAlone && !SPEECH_LABELS.has(label)) {
    return { applied: false, decision: "no-evidence", explanation: `no rule matched; classifier ${pct(p)} (events need a rule match)` };
  }
  if (p >= t.classifierAlone) {
    if (hasReportedSpeech) return { applied: false, decision: "classifier-alone-in-reported-text", explanation: `the classifier gives ${pct(p)}, but without a rule match in a text that quotes or reports speech it is not enough` };
    return { applied: true, decision: "classifier-alone", explanation: `no rule matched; the classifier alone gives ${pct(p)}` };
  }
  return { applied: false, decision: "no-evidence", explanation: `no rule matched; classifier ${pct(p)}` };
}

/** Everything detection needs, loaded once and passed in so tests can vary it. */
export interface Detector {
  lexicon: Lexicon;
  model: ClassifierModel;
  thresholds: Thresholds;
}

export function makeDetector(model: ClassifierModel, thresholds: Thresholds = DEFAULT_THRESHOLDS, lexicon: Lexicon = loadLexicon()): Detector {
  return { lexicon, model, thresholds };
}

/**
 * Labels an item with the reasons for each label: rule matches (with their
 * place in the text), matches set aside by context (quotation, reporting,
 * condemnation, denial, historical reference) and the classifier's score.
 */
export function detect(detector: Detector, input: DetectionInput): DetectionResult {
  const title = (input.title ?? "").slice(0, MAX_ANALYSED_CHARS);
  const text = input.text.slice(0, MAX_ANALYSED_CHARS);
  const evidence: Evidence = { matches: new Map(), suppressed: new Map(), hasReportedSpeech: false };
  if (title) collect(detector.lexicon, "title", title, evidence);
  collect(detector.lexicon, "text", text, evidence);
  // The classifier reads the same normalised text the rules did.
  const scores = classifyNormalised(detector.model, title ? `${analyse(title).norm.text}\n${analyse(text).norm.text}` : analyse(text).norm.text);
  const reasons: LabelReason[] = [];
  const labels: Label[] = [];
  for (const label of LABELS) {
    const matches = evidence.matches.get(label) ?? [];
    const suppressed = evidence.suppressed.get(label) ?? [];
    const score = scores[label];
    const d = decide(label, matches, suppressed, score, evidence.hasReportedSpeech, detector.thresholds);
    if (d.applied) labels.push(label);
    if (d.applied || matches.length > 0 || suppressed.length > 0 || score.probability >= 0.5) {
      reasons.push({ label, ...d, classifier: score, matches, suppressed });
    }
  }
  return { labels, reasons };
}
