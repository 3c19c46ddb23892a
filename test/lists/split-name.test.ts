import { test } from "node:test";
import assert from "node:assert/strict";
import { splitFullName } from "../../src/lists/index.ts";

test("full names are split into given and family names", () => {
  const cases: [string, "auto" | "given_family" | "family_given", { given?: string; family?: string }][] = [
    ["Rezaei, Mohammad", "auto", { given: "Mohammad", family: "Rezaei" }],
    ["رضایی، محمد", "auto", { given: "محمد", family: "رضایی" }],
    ["محمد رضایی", "auto", { given: "محمد", family: "رضایی" }],
    ["Mohammad Reza Hosseini", "auto", { given: "Mohammad Reza", family: "Hosseini" }],
    ["محمد رضا حسینی", "auto", { given: "محمد رضا", family: "حسینی" }],
    ["محمدرضا حسینی", "auto", { given: "محمدرضا", family: "حسینی" }],
    ["Ali Asghar Shadlu", "auto", { given: "Ali Asghar", family: "Shadlu" }],
    ["Gholam Hossein Hosseini", "auto", { given: "Gholam Hossein", family: "Hosseini" }],
    ["Ali Haji Abadi", "auto", { given: "Ali", family: "Haji Abadi" }],
    ["Maryam Mohammadi Bahman Abadi", "auto", { given: "Maryam", family: "Mohammadi Bahman Abadi" }],
    ["Seyed Mohammad Hosseini", "auto", { given: "Mohammad", family: "Hosseini" }],
    ["سید مهدی موسوی", "auto", { given: "مهدی", family: "موسوی" }],
    ["Hosseini Mohammad", "auto", { given: "Mohammad", family: "Hosseini" }],
    ["Karimi Ali Akbar", "family_given", { given: "Ali Akbar", family: "Karimi" }],
    ["فتح الله عبداللهی", "auto", { given: "فتح الله", family: "عبداللهی" }],
    ["زین العابدین افشون", "auto", { given: "زین العابدین", family: "افشون" }],
    ["Shabani", "auto", { family: "Shabani" }],
    ["Mehdi", "auto", { given: "Mehdi" }],
    ["  ", "auto", {}],
  ];
  for (const [text, order, want] of cases) assert.deepEqual(splitFullName(text, order), want, text);
});
