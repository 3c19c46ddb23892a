import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { parseDate } from "../../src/core/dates.ts";
import { holdsDuring, spanOf, tenure, deriveLinks, parentsAt, type Seat } from "../../src/accountability/index.ts";
import type { Claim } from "../../src/records/index.ts";

// Dates as sources write them: Jalali years, months, days and seasons; Gregorian years and months.
const dateText = fc.oneof(
  fc.integer({ min: 1340, max: 1400 }).map(String),
  fc.tuple(fc.integer({ min: 1340, max: 1400 }), fc.integer({ min: 1, max: 12 })).map(([y, m]) => `${y}/${m}`),
  fc.tuple(fc.integer({ min: 1340, max: 1400 }), fc.integer({ min: 1, max: 12 }), fc.integer({ min: 1, max: 29 })).map(([y, m, d]) => `${y}/${m}/${d}`),
  fc.tuple(fc.constantFrom("بهار", "تابستان", "پاییز", "زمستان"), fc.integer({ min: 1340, max: 1400 })).map(([s, y]) => `${s} ${y}`),
  fc.integer({ min: 1960, max: 2020 }).map(String),
  fc.tuple(fc.integer({ min: 1960, max: 2020 }), fc.integer({ min: 1, max: 12 })).map(([y, m]) => `${y}-${String(m).padStart(2, "0")}`),
);

test("a tenure is refused exactly when it ends before it starts; otherwise its sure days lie within its possible days", () => {
  fc.assert(
    fc.property(dateText, dateText, (a, b) => {
      const start = parseDate(a);
      const end = parseDate(b);
      const t = tenure(start, end);
      if (end.latest! < start.earliest!) {
        assert.ok(t && "problem" in t, `${a} – ${b} should be refused`);
        return;
      }
      assert.ok(t && !("problem" in t));
      const span = spanOf(t);
      assert.equal(span.from, start.earliest);
      assert.equal(span.to, end.latest);
      assert.equal(span.start?.text, start.text, "the start keeps its own precision");
      if (span.sureFrom !== null) {
        assert.ok(span.from! <= span.sureFrom && span.sureFrom <= span.sureTo! && span.sureTo! <= span.to!);
        assert.equal(holdsDuring(span, span.sureFrom, span.sureTo!), "surely");
      }
      assert.equal(holdsDuring(span, span.from!, span.from!), span.sureFrom === span.from ? "surely" : "possibly");
    }),
    { numRuns: 300 },
  );
});

const claim = (id: string, subjectId: string, objectId: string, date: string | null, sourceId = "src_a"): Claim => ({
  id,
  subjectId,
  property: "parent",
  term: null,
  value: {},
  valueText: null,
  lang: null,
  objectId,
  placeId: null,
  date: date ? parseDate(date) : null,
  confidence: "confirmed",
  confidentiality: "public",
  status: "active",
  note: null,
  version: 1,
  createdAt: "",
  updatedAt: "",
  createdBy: "",
  updatedBy: "",
  citations: [{ sourceId, locator: null, quote: null, reliability: null, connection: null }],
});

test("command links never point from a person to themself, and every link's sources come from its basis", () => {
  const orgs = ["org_a", "org_b", "org_c", "org_d"];
  const seat = fc.record({ person: fc.constantFrom("per_1", "per_2", "per_3", "per_4", "per_5"), org: fc.constantFrom(...orgs), rank: fc.constantFrom<0 | 1 | 2>(0, 1, 2), holds: fc.constantFrom<"surely" | "possibly">("surely", "possibly"), source: fc.constantFrom("src_a", "src_b") });
  const parent = fc.record({ child: fc.constantFrom(...orgs), parent: fc.constantFrom(...orgs), source: fc.constantFrom("src_c", "src_d") });
  fc.assert(
    fc.property(fc.array(seat, { maxLength: 10 }), fc.array(parent, { maxLength: 6 }), (seats, parents) => {
      const parentClaims = parents.filter((p) => p.child !== p.parent).map((p, i) => claim(`clm_p${i}`, p.child, p.parent, null, p.source));
      const s: Seat[] = seats.map((x, i) => ({ person: { id: x.person, type: "person", kind: null, label: x.person, labelFa: "", synthetic: true, date: null }, organisation: { id: x.org, type: "organisation", kind: null, label: x.org, labelFa: "", synthetic: true, date: null }, post: null, role: ["head", "deputy", "member"][x.rank]!, rank: x.rank, holds: x.holds, claim: { ...claim(`clm_s${i}`, x.person, x.org, null, x.source), property: "membership" } }));
      const links = deriveLinks(s, parentsAt(parentClaims, new Map(), "1988-01-01", "1988-12-31"));
      const byId = new Map([...parentClaims, ...s.map((x) => x.claim)].map((c) => [c.id, c]));
      for (const l of links) {
        assert.notEqual(l.superior, l.subordinate);
        const expected = [...new Set(l.basis.flatMap((id) => byId.get(id)!.citations.map((c) => c.sourceId)))].sort();
        assert.deepEqual(l.sources, expected);
        if (l.basis.some((id) => s.find((x) => x.claim.id === id)?.holds === "possibly")) assert.equal(l.holds, "possibly");
      }
    }),
    { numRuns: 200 },
  );
});
