import { test } from "node:test";
import assert from "node:assert/strict";
import { classifyItem, defaultDetector, detect } from "../../src/monitor/index.ts";
import { sharedCsv } from "./shared-data.ts";

const det = defaultDetector();
const labelsOf = (text: string, title?: string): string[] => detect(det, { text, ...(title ? { title } : {}) }).labels;

test("English and Persian execution reports are labelled, with the matched words shown at their place", () => {
  const en = "Two political prisoners were hanged at dawn on Sunday in Ghezel Hesar prison.";
  const r = detect(det, { text: en });
  assert.deepEqual(r.labels, ["execution_report"]);
  const reason = r.reasons.find((x) => x.label === "execution_report")!;
  assert.ok(reason.matches.length > 0);
  for (const m of reason.matches) assert.equal(en.slice(m.start, m.end), m.text);
  assert.ok(reason.matches.some((m) => /hanged/.test(m.text)));
  assert.equal(typeof reason.classifier.probability, "number");
  assert.ok(reason.explanation.length > 0);

  const fa = "دو زندانی سیاسی سحرگاه یکشنبه در زندان قزل‌حصار اعدام شدند.";
  const rf = detect(det, { text: fa });
  assert.deepEqual(rf.labels, ["execution_report"]);
  const mf = rf.reasons.find((x) => x.label === "execution_report")!.matches[0]!;
  assert.equal(fa.slice(mf.start, mf.end), mf.text);
  assert.match(mf.text, /اعدام شدند/);
});

test("each label fires on a plain report of its kind, in both languages", () => {
  const cases: [string, string][] = [
    ["death_sentence", "A revolutionary court sentenced the teacher to death on charges of baghi."],
    ["death_sentence", "دادگاه انقلاب این معلم را به اتهام بغی به اعدام محکوم کرد."],
    ["arrest", "Security forces arrested the union activist at her home in Sanandaj."],
    ["arrest", "ماموران امنیتی این فعال صنفی را در منزلش در سنندج بازداشت کردند."],
    ["at_risk", "The prisoner was transferred to solitary confinement on Saturday night."],
    ["at_risk", "این زندانی شنبه شب به سلول انفرادی منتقل شد."],
    ["glorification", "The 1988 executions were a successful historical experience."],
    ["glorification", "اعدام‌های سال ۶۷ تجربه موفق تاریخی بود."],
    ["incitement", "These rioters must all be executed like in 1988."],
    ["incitement", "این اغتشاشگران باید همگی به شیوه ۶۷ اعدام شوند."],
  ];
  for (const [label, text] of cases) assert.ok(labelsOf(text).includes(label), `${label}: ${text}`);
});

test("a Persian weekday ending in به does not hide an execution (یکشنبه اعدام شد)", () => {
  assert.ok(labelsOf("مردی که به جاسوسی متهم بود روز یکشنبه اعدام شد.").includes("execution_report"));
  // ...while "sentenced to death" (به اعدام محکوم شد) is a sentence, not an execution.
  assert.deepEqual(labelsOf("این فعال به اتهام محاربه محکوم به اعدام شد."), ["death_sentence"]);
});

test("reporting, quoting or condemning glorification is not glorification, and the reason says why", () => {
  const reported = [
    'Fars News Agency called the 1988 massacre a "successful historical experience", Iran International reported.',
    "Rights groups condemned an editorial that praised the 1988 executions as a brilliant chapter.",
    "خبرگزاری فارس اعدام‌های ۶۷ را «تجربه موفق تاریخی» خواند.",
    "این سرمقاله که اعدام‌های ۶۷ را «برگ زرین» توصیف کرده بود با محکومیت گسترده روبه‌رو شد.",
  ];
  for (const text of reported) {
    const r = detect(det, { text });
    assert.ok(!r.labels.includes("glorification") && !r.labels.includes("incitement"), text);
    const g = r.reasons.find((x) => x.label === "glorification");
    assert.ok(g && g.suppressed.length > 0, `the set-aside match is shown: ${text}`);
    assert.ok(["quoted", "reporting", "condemnation"].includes(g.suppressed[0]!.because.kind));
  }
});

test("references to the 1988 killings and denials are not reports of new executions", () => {
  assert.ok(!labelsOf("In the summer of 1988 thousands of political prisoners were executed after brief hearings.").includes("execution_report"));
  assert.ok(!labelsOf("در تابستان ۶۷ هزاران زندانی سیاسی اعدام شدند.").includes("execution_report"));
  assert.ok(!labelsOf("Judiciary officials denied reports that the activist had been executed.").includes("execution_report"));
  assert.ok(!labelsOf("The court commuted his death sentence to fifteen years in prison.").includes("death_sentence"));
});

test("documented glorification statements are flagged; their reporting is not (../shared/data/monitoring/dangerous_speech_incidents_1988.csv)", (t) => {
  const rows = sharedCsv("monitoring/dangerous_speech_incidents_1988.csv");
  if (!rows) return t.skip("../shared/data/monitoring/dangerous_speech_incidents_1988.csv not found");
  let phrases = 0;
  for (const row of rows) {
    // The outlets' own words as reported in English, each stated directly.
    for (const quoted of row.short_phrases_reported_in_english!.split(";")) {
      const phrase = quoted.trim().replace(/^'|'$/g, "");
      const direct = /^(deserve|should)/.test(phrase) ? `They ${phrase}.` : `The 1988 executions were a ${phrase}.`;
      const labels = labelsOf(direct);
      assert.ok(labels.includes("glorification") || labels.includes("incitement"), direct);
      phrases++;
    }
    // The reporter's account of the statement is reporting, not glorification.
    const account = row.what_was_said_paraphrase!;
    const labels = labelsOf(account);
    assert.ok(!labels.includes("glorification") && !labels.includes("incitement"), account);
    const attributed = `${row.outlet} wrote that ${row.short_phrases_reported_in_english!.split(";")[0]!.trim()}, ${row.reported_by} reported.`;
    assert.ok(!labelsOf(attributed).includes("glorification"), attributed);
  }
  assert.ok(phrases >= 4);
});

test("HateCheck counter-speech and quotation cases: at most 5% flagged (../shared/data/monitoring/hatecheck_test_suite_cases.csv, CC BY 4.0, Röttger et al. 2021)", (t) => {
  const rows = sharedCsv("monitoring/hatecheck_test_suite_cases.csv");
  if (!rows) return t.skip("../shared/data/monitoring/hatecheck_test_suite_cases.csv not found");
  const counter = rows.filter((r) => r.functionality === "counter_quote_nh" || r.functionality === "counter_ref_nh");
  assert.ok(counter.length > 300);
  const flagged = counter.filter((r) => labelsOf(r.test_case!).length > 0);
  assert.ok(flagged.length / counter.length <= 0.05, `${flagged.length} of ${counter.length} flagged: ${flagged.slice(0, 3).map((r) => r.test_case).join(" | ")}`);
  // The same detector still sees the direct threats the counter-speech quotes.
  const threats = rows.filter((r) => r.functionality === "threat_dir_h" || r.functionality === "threat_norm_h");
  const caught = threats.filter((r) => labelsOf(r.test_case!).includes("incitement"));
  assert.ok(caught.length / threats.length >= 0.6, `only ${caught.length} of ${threats.length} direct threats flagged as incitement`);
});

test("classifyItem reports language, labels and entities together; a title counts", () => {
  const r = classifyItem({ id: "x1", title: "Political prisoner executed in Urmia", text: "Kamran Rostami was hanged on 3 March 2025, his family said." });
  assert.equal(r.id, "x1");
  assert.equal(r.lang, "en");
  assert.ok(r.labels.includes("execution_report"));
  assert.ok(r.reasons.find((x) => x.label === "execution_report")!.matches.some((m) => m.field === "title" || m.field === "text"));
  assert.ok(r.entities.some((e) => e.type === "place" && e.id === "urmia" && e.field === "title"));
  assert.ok(r.entities.some((e) => e.type === "date" && e.date?.earliest === "2025-03-03"));
  assert.ok(r.entities.some((e) => e.type === "person" && e.text === "Kamran Rostami"));
});

test("unrelated news carries no label", () => {
  for (const text of ["The central bank raised interest rates to curb inflation.", "تیم ملی فوتبال در یک بازی دوستانه پیروز شد.", "The plan was executed flawlessly by the engineering team."]) {
    assert.deepEqual(labelsOf(text), [], text);
  }
});
