import { test } from "node:test";
import assert from "node:assert/strict";
import { parseDate, formatDate, birthFromAge, mayOverlap } from "../../src/core/dates.ts";
import { VigilError } from "../../src/core/errors.ts";

const interval = (t: string, o = {}) => {
  const d = parseDate(t, o);
  return [d.precision, d.calendar, d.earliest, d.latest];
};

test("Jalali dates in Latin and Persian digits give the same Gregorian day", () => {
  assert.deepEqual(interval("1367/05/12"), ["day", "jalali", "1988-08-03", "1988-08-03"]);
  assert.deepEqual(interval("۱۳۶۷/۰۵/۱۲"), ["day", "jalali", "1988-08-03", "1988-08-03"]);
  assert.deepEqual(interval("١٣٦٧/٠٥/١٢"), ["day", "jalali", "1988-08-03", "1988-08-03"]);
});

test("a Jalali year runs from March to March", () => {
  assert.deepEqual(interval("1367"), ["year", "jalali", "1988-03-21", "1989-03-20"]);
});

test("Jalali months and seasons cover their whole span", () => {
  assert.deepEqual(interval("1367/05"), ["month", "jalali", "1988-07-23", "1988-08-22"]);
  assert.deepEqual(interval("تابستان ۱۳۶۷"), ["season", "jalali", "1988-06-22", "1988-09-22"]);
  assert.deepEqual(interval("۱۲ مرداد ۱۳۶۷"), ["day", "jalali", "1988-08-03", "1988-08-03"]);
});

test("Gregorian forms: season, month, declared day/month order", () => {
  assert.deepEqual(interval("summer 1988"), ["season", "gregorian", "1988-06-21", "1988-09-22"]);
  assert.deepEqual(interval("1988-08"), ["month", "gregorian", "1988-08-01", "1988-08-31"]);
  assert.deepEqual(interval("August 1988"), ["month", "gregorian", "1988-08-01", "1988-08-31"]);
  assert.deepEqual(interval("12/08/1988", { dayMonthOrder: "dmy" }), ["day", "gregorian", "1988-08-12", "1988-08-12"]);
  assert.deepEqual(interval("12/08/1988", { dayMonthOrder: "mdy" }), ["day", "gregorian", "1988-12-08", "1988-12-08"]);
  assert.deepEqual(interval("1988"), ["year", "gregorian", "1988-01-01", "1988-12-31"]);
});

test("an ambiguous day/month order without a declaration is refused, an unambiguous one is read", () => {
  assert.throws(() => parseDate("12/08/1988"), /ambiguous/);
  assert.deepEqual(interval("25/08/1988"), ["day", "gregorian", "1988-08-25", "1988-08-25"]);
});

test("approximate years widen to an interval", () => {
  assert.deepEqual(interval("c. 1960"), ["approximate", "gregorian", "1958-01-01", "1962-12-31"]);
  assert.deepEqual(interval("c. 1960", { approximateYears: 0 }), ["approximate", "gregorian", "1960-01-01", "1960-12-31"]);
  assert.deepEqual(interval("حدود ۱۳۴۰"), ["approximate", "jalali", "1959-03-22", "1964-03-20"]);
});

test("ranges and the calendar forced by an option or a mark", () => {
  assert.deepEqual(interval("1988-07-01/1988-09-30"), ["range", "gregorian", "1988-07-01", "1988-09-30"]);
  assert.deepEqual(interval("1367/05/01 تا 1367/06/31"), ["range", "jalali", "1988-07-23", "1988-09-22"]);
  assert.deepEqual(interval("1367 ش"), ["year", "jalali", "1988-03-21", "1989-03-20"]);
  assert.deepEqual(interval("1988", { calendar: "gregorian" }), ["year", "gregorian", "1988-01-01", "1988-12-31"]);
  assert.throws(() => parseDate("1988-09-30/1988-07-01"), /ends before it starts/);
});

test("an age at an event becomes a birth interval one year wide", () => {
  const b = birthFromAge(28, parseDate("1367/05/12"));
  assert.equal(b.earliest, "1959-08-04");
  assert.equal(b.latest, "1960-08-03");
  const y = birthFromAge(30, parseDate("1988"));
  assert.equal(y.earliest, "1957-01-02");
  assert.equal(y.latest, "1958-12-31");
  assert.throws(() => birthFromAge(-1, parseDate("1988")), VigilError);
});

test("malformed dates are refused with the text and the reason", () => {
  for (const bad of ["1367/13/01", "1367/12/31x", "31/02/1988", "yesterday", "1367/07/31", "0999"]) {
    assert.throws(() => parseDate(bad, { field: "date_of_death" }), (e: unknown) => e instanceof VigilError && e.code === "date_parse" && e.message.includes(bad) && e.where?.field === "date_of_death", bad);
  }
  // Esfand has 30 days only in leap years: 1366 is one, 1367 is not.
  assert.equal(parseDate("1366/12/30").earliest, "1988-03-20");
  assert.throws(() => parseDate("1367/12/30"), /does not exist/);
});

test("unknown dates carry no interval, never a made-up day", () => {
  for (const t of ["", "unknown", "نامعلوم"]) {
    const d = parseDate(t);
    assert.equal(d.precision, "unknown");
    assert.equal(d.earliest, null);
  }
});

test("display follows the reader: Jalali with Persian digits in fa, Gregorian in en", () => {
  const d = parseDate("1367/05/12");
  assert.equal(formatDate(d, { lang: "fa" }), "۱۲ مرداد ۱۳۶۷");
  assert.equal(formatDate(d, { lang: "en" }), "3 August 1988");
  assert.equal(formatDate(parseDate("1367"), { lang: "en" }), "1988–1989");
  assert.equal(formatDate(parseDate("1367"), { lang: "fa" }), "۱۳۶۷");
  assert.equal(formatDate(parseDate("1367/05"), { lang: "fa" }), "مرداد ۱۳۶۷");
  assert.equal(formatDate(parseDate("summer 1988"), { lang: "en" }), "summer 1988");
  assert.equal(formatDate(parseDate("تابستان ۱۳۶۷"), { lang: "fa" }), "تابستان ۱۳۶۷");
  assert.equal(formatDate(parseDate("c. 1960"), { lang: "en" }), "c. 1960");
  assert.equal(formatDate(parseDate("1988-08-03"), { lang: "en", calendar: "jalali" }).includes("1367"), true);
});

test("overlap of uncertain dates", () => {
  assert.equal(mayOverlap(parseDate("1367"), parseDate("1988-08")), true);
  assert.equal(mayOverlap(parseDate("1366"), parseDate("1988-08")), false);
});
