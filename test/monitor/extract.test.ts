import { test } from "node:test";
import assert from "node:assert/strict";
import { extractEntities, type Entity } from "../../src/monitor/index.ts";

function check(text: string, entities: Entity[]): void {
  for (const e of entities) assert.equal(text.slice(e.start, e.end), e.text, `offsets of ${e.type} ${e.text}`);
}

test("English item: people, day date, prison with its province, charges and counts, at their offsets", () => {
  const text = "Behrouz Ehsani and Mehdi Hassani were executed on 27 July 2025 in Ghezel Hesar prison in Karaj on charges of baghi, moharebeh and efsad-fil-arz. At least 14 prisoners were hanged this week.";
  const es = extractEntities({ text });
  check(text, es);
  assert.deepEqual(es.filter((e) => e.type === "person").map((e) => e.text), ["Behrouz Ehsani", "Mehdi Hassani"]);
  const date = es.find((e) => e.type === "date")!;
  assert.equal(date.date!.precision, "day");
  assert.equal(date.date!.earliest, "2025-07-27");
  const prison = es.find((e) => e.type === "prison")!;
  assert.equal(prison.id, "ghezel-hesar");
  assert.equal(prison.province, "alborz");
  assert.equal(prison.executions, true);
  assert.deepEqual(es.filter((e) => e.type === "charge").map((e) => e.id), ["baghi", "moharebeh", "efsad-fel-arz"]);
  const count = es.find((e) => e.type === "count")!;
  assert.deepEqual(count.count, { value: 14, qualifier: "at-least", noun: "prisoner" });
});

test("Persian item: Jalali date to its Gregorian day, Persian digits, ZWNJ spellings, offsets in the original", () => {
  const text = "بهروز احسانی و مهدی حسنی سحرگاه ۵ مرداد ۱۴۰۴ در زندان قزل‌حصار کرج به اتهام بغی، محاربه و افساد فی‌الارض اعدام شدند. دست‌کم ۱۴ زندانی در این هفته اعدام شدند.";
  const es = extractEntities({ text });
  check(text, es);
  assert.deepEqual(es.filter((e) => e.type === "person").map((e) => e.text), ["بهروز احسانی", "مهدی حسنی"]);
  const date = es.find((e) => e.type === "date")!;
  assert.equal(date.date!.calendar, "jalali");
  assert.equal(date.date!.earliest, "2025-07-27");
  assert.equal(es.find((e) => e.type === "prison")!.id, "ghezel-hesar");
  assert.deepEqual(es.filter((e) => e.type === "charge").map((e) => e.id), ["baghi", "moharebeh", "efsad-fel-arz"]);
  assert.deepEqual(es.find((e) => e.type === "count")!.count, { value: 14, qualifier: "at-least", noun: "prisoner" });
  assert.ok(es.some((e) => e.type === "place" && e.id === "karaj" && e.province === "alborz"));
});

test("dates in their many written forms, with precision kept", () => {
  const text = "Arrested in summer 1988, tried on January 7, 2025, moved 2025-02-23 and again in تابستان ۶۷ and مرداد ماه ۱۳۶۷.";
  const dates = extractEntities({ text }).filter((e) => e.type === "date");
  check(text, dates);
  const by = new Map(dates.map((d) => [d.text, d.date!]));
  assert.equal(by.get("summer 1988")!.precision, "season");
  assert.equal(by.get("January 7, 2025")!.earliest, "2025-01-07");
  assert.equal(by.get("2025-02-23")!.precision, "day");
  assert.equal(by.get("۶۷")!.earliest, "1988-03-21"); // Jalali 1367 starts in March 1988
  assert.equal(by.get("مرداد ماه ۱۳۶۷")!.precision, "month");
});

test("'today' and 'yesterday' are read against the publication date, and not guessed without one", () => {
  const es = extractEntities({ text: "Two men were hanged yesterday; دو زندانی امروز اعدام شدند.", published: "2025-07-27T08:00:00Z" });
  assert.deepEqual(es.filter((e) => e.type === "date").map((e) => e.date!.earliest), ["2025-07-26", "2025-07-27"]);
  assert.equal(extractEntities({ text: "Two men were hanged yesterday." }).filter((e) => e.type === "date").length, 0);
});

test("a city named inside a prison's name is carried by the prison; a province name that is also a word needs 'province'", () => {
  const es = extractEntities({ text: "He was moved to Urmia Central Prison. Fars News Agency reported it. Floods hit Fars province." });
  assert.ok(es.some((e) => e.type === "prison" && e.id === "central-urmia" && e.province === "west-azerbaijan"));
  assert.ok(!es.some((e) => e.type === "place" && e.id === "urmia"));
  assert.deepEqual(es.filter((e) => e.type === "place" && e.id === "fars").map((e) => e.text), ["Fars province"]);
});

test("a year is not counted as a number of people", () => {
  const es = extractEntities({ text: "In 1988 prisoners were executed; 30 prisoners survived." });
  assert.deepEqual(es.filter((e) => e.type === "count").map((e) => e.count!.value), [30]);
});
