import type { Claim, Citation } from "../records/index.ts";
import type { Act, Career, Involvement, Posting, Ref } from "./model.ts";

/**
 * The memorial's presenter for careers: copies, field by field, only what a
 * public page shows, from data already read through the public lens. A claim
 * that is not public here is a bug upstream, and stops the page rather than
 * showing it. Nothing is spread from a stored row, so a new column never
 * reaches the memorial by accident.
 */
function ref(r: Ref): Ref {
  return { id: r.id, type: r.type, kind: r.kind, label: r.label, labelFa: r.labelFa, synthetic: r.synthetic, date: r.date };
}

function citation(c: Citation): Citation {
  return { sourceId: c.sourceId, locator: c.locator, quote: c.quote, reliability: c.reliability, connection: c.connection };
}

function claim(c: Claim): Claim {
  if (c.confidentiality !== "public" || c.status !== "active") throw new Error(`claim ${c.id} is not public and may not reach a public page`);
  return {
    id: c.id,
    subjectId: c.subjectId,
    property: c.property,
    term: c.term,
    value: {},
    valueText: c.valueText,
    lang: c.lang,
    objectId: c.objectId,
    placeId: c.placeId,
    date: c.date,
    confidence: c.confidence,
    confidentiality: "public",
    status: "active",
    note: null,
    version: c.version,
    createdAt: "",
    updatedAt: "",
    createdBy: "",
    updatedBy: "",
    citations: c.citations.map(citation),
  };
}

function act(a: Act): Act {
  return { claim: claim(a.claim), victim: ref(a.victim), event: a.event ? ref(a.event) : null, place: a.place ? ref(a.place) : null };
}

function posting(p: Posting): Posting {
  return { claim: claim(p.claim), role: p.role, organisation: p.organisation ? ref(p.organisation) : null, post: p.post ? ref(p.post) : null, span: { ...p.span } };
}

function involvement(i: Involvement): Involvement {
  return { claim: claim(i.claim), actor: ref(i.actor), act: act(i.act) };
}

/** A public career for the memorial. */
export function presentPublicCareer(c: Career): Career {
  return { person: ref(c.person), postings: c.postings.map(posting), involvements: c.involvements.map(involvement), actsFrom: c.actsFrom, actsTo: c.actsTo, laterPostingIds: [...c.laterPostingIds] };
}
