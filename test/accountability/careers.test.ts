import { test } from "node:test";
import assert from "node:assert/strict";
import { sql } from "kysely";
import { forEachStore } from "../helpers/store.ts";
import type { VigilError } from "../../src/core/errors.ts";
import { addClaim, createRecord } from "../../src/records/index.ts";
import { careerOf, commandChainAt, esfExport, popoloExport, publicCareerOf, recordOrganisationParent, recordPosting, contradictions, singleSource, Loader, staffLens, loadEventInvolvements, loadPostings, postingsOutsideOrganisation } from "../../src/accountability/index.ts";
import { makeCtx, PUBLIC } from "../../src/core/context.ts";
import { buildWorld, CANARY, type World } from "./fixture.ts";

const claimCount = async (w: World): Promise<number> => Number((await w.ctx.db.selectFrom("claims").select(sql<number>`count(*)`.as("n")).executeTakeFirstOrThrow()).n);

forEachStore("accountability: careers, chains, involvement", (fixture) => {
  let w: World;

  test("a synthetic world builds through the posting and parent use cases", async () => {
    w = await buildWorld(fixture().store);
    const career = await careerOf(w.ctx, w.judge);
    assert.equal(career.postings.length, 2);
    const court = career.postings.find((p) => p.organisation?.id === w.org.court)!;
    assert.equal(court.role, "religious_judge");
    assert.equal(court.span.from, "1981-03-21");
    assert.equal(court.span.to, "1990-03-20");
  });

  test("a post that ends before it starts is refused with both dates, and nothing is written", async () => {
    const before = await claimCount(w);
    await assert.rejects(
      recordPosting(w.ctx, { personId: w.judge, role: "judge", objectId: w.org.court, start: "1368", end: "1360", confidence: "confirmed", confidentiality: "public", citations: [{ sourceId: w.src.pub }] }),
      (e: VigilError) => e.code === "validation" && /ends \(1360.*before it starts \(1368/.test(e.message) && e.where?.field === "end",
    );
    // The records core refuses the same contradiction written as one range.
    await assert.rejects(addClaim(w.ctx, w.judge, { property: "membership", term: "judge", objectId: w.org.court, date: "1368 تا 1360", confidence: "confirmed", confidentiality: "public", citations: [{ sourceId: w.src.pub }] }), (e: VigilError) => e.code === "validation" && /ends before it starts/.test(e.message));
    assert.equal(await claimCount(w), before);
  });

  test("a parent that would make a cycle at a time both links hold is refused, naming the cycle; nothing is written", async () => {
    const before = await claimCount(w);
    const version = (await w.ctx.db.selectFrom("records").select("version").where("id", "=", w.org.judiciary).executeTakeFirstOrThrow()).version;
    await assert.rejects(
      recordOrganisationParent(w.ctx, { organisationId: w.org.judiciary, parentId: w.org.court, start: "1365", confidence: "possible", confidentiality: "public", citations: [{ sourceId: w.src.pub }] }),
      (e: VigilError) => e.code === "validation" && e.message.includes("cycle") && e.message.includes(`${w.org.judiciary} → ${w.org.court} → ${w.org.judiciary}`),
    );
    // Through the generic records use case too.
    await assert.rejects(addClaim(w.ctx, w.org.judiciary, { property: "parent", objectId: w.org.prosecutor, confidence: "possible", confidentiality: "public", citations: [{ sourceId: w.src.pub }] }), (e: VigilError) => e.message.includes("cycle"));
    assert.equal(await claimCount(w), before);
    assert.equal((await w.ctx.db.selectFrom("records").select("version").where("id", "=", w.org.judiciary).executeTakeFirstOrThrow()).version, version, "the judiciary's record was not touched");
    // Once the court's link has ended (1370), the judiciary may sit below the court: no cycle at any one time.
    const later = await recordOrganisationParent(w.ctx, { organisationId: w.org.ministry, parentId: w.org.court, start: "1375", end: "1376", confidence: "possible", confidentiality: "staff", citations: [{ sourceId: w.src.pub }] });
    assert.equal(later.property, "parent");
  });

  test("a current parent claim also sets the organisation's current parent", async () => {
    const prosecutor = await w.ctx.db.selectFrom("records").select("parent_id").where("id", "=", w.org.prosecutor).executeTakeFirstOrThrow();
    assert.equal(prosecutor.parent_id, w.org.judiciary);
    const court = await w.ctx.db.selectFrom("records").select("parent_id").where("id", "=", w.org.court).executeTakeFirstOrThrow();
    assert.equal(court.parent_id, null, "an ended link is not the current parent");
  });

  test("command chain: the judge answers to the judiciary's head through the court's parent claim, with its sources", async () => {
    const chain = await commandChainAt(w.ctx, w.judge, "1367/05");
    const up = chain.links.find((l) => l.subordinate === w.judge);
    assert.ok(up, "a link above the judge");
    assert.equal(up.superior, w.chief);
    assert.deepEqual(up.via, [w.org.court, w.org.judiciary]);
    assert.equal(up.holds, "surely");
    const parentClaim = (await w.ctx.db.selectFrom("claims").select("id").where("subject_id", "=", w.org.court).where("property", "=", "parent").executeTakeFirstOrThrow()).id;
    assert.ok(up.basis.includes(parentClaim), "the parent claim is part of the basis");
    assert.deepEqual(up.sources, [w.src.pub, w.src.pub2].sort());
    // The deputy prosecutor's office has no head seated: its deputy answers to the judiciary's head, only possibly (the parent claim is probable and open-ended).
    const deputy = await commandChainAt(w.ctx, w.deputy, "1367/05");
    assert.equal(deputy.links.find((l) => l.subordinate === w.deputy)?.superior, w.chief);
  });

  test("command chain: no link where the posts or the structure do not hold at the date", async () => {
    const before = await commandChainAt(w.ctx, w.judge, "1361/06");
    assert.equal(before.links.filter((l) => l.subordinate === w.judge).length, 0, "the judiciary's head took office in 1362");
    const after = await commandChainAt(w.ctx, w.judge, "1371/06");
    assert.equal(after.links.length, 0, "the judge left the court in 1368");
    const edge = await commandChainAt(w.ctx, w.judge, "1362");
    assert.equal(edge.links.find((l) => l.subordinate === w.judge)?.holds, "possibly", "the head's start within 1362 is uncertain");
  });

  test("career: every act the official is linked to, later posts marked, single-source claims and contradictions listed", async () => {
    const career = await careerOf(w.ctx, w.judge);
    assert.equal(career.involvements.length, w.acts.length + 1, "every victim's trial and the draft victim's (staff see drafts)");
    assert.ok(career.involvements.every((i) => i.claim.term === "sentenced" && i.act.claim.term === "trial"));
    assert.equal(career.laterPostingIds.length, 1);
    assert.equal(career.postings.find((p) => p.claim.id === career.laterPostingIds[0])?.organisation?.id, w.org.ministry);
    const loader = new Loader(w.ctx, staffLens(w.ctx.actor));
    const victimClaims = await loader.claimsOf(w.victims);
    const found = contradictions(victimClaims);
    assert.ok(found.some((x) => x.kind === "conflicting_dates" && x.subjectId === w.victims[0] && x.claimIds.length === 2), "two execution dates for one victim");
    const judgeClaims = await loader.claimsOf([w.judge]);
    assert.ok(contradictions(judgeClaims).some((x) => x.property === "birth"), "two birth years");
    const single = singleSource(judgeClaims);
    assert.ok(single.length > 0 && single.every((c) => new Set(c.citations.map((s) => s.sourceId)).size === 1));
    assert.ok(!single.some((c) => c.property === "membership" && c.objectId === w.org.court), "the court post has two sources");
  });

  test("posts belong to their organisation; a post held after its organisation was dissolved is listed", async () => {
    const loader = new Loader(w.ctx, staffLens(w.ctx.actor));
    const postings = await loadPostings(loader, [w.deputy]);
    const deputy = postings.find((p) => p.post?.id === w.post)!;
    assert.equal(deputy.organisation?.id, w.org.prosecutor, "the post's organisation");
    const orgs = await loader.recordsById([w.org.commission, w.org.prosecutor]);
    const found = postingsOutsideOrganisation(postings, orgs);
    assert.equal(found.length, 1);
    assert.equal(found[0]!.kind, "outside_organisation_dates");
    assert.match(found[0]!.reason, /after .* was dissolved/);
  });

  test("event: every official involved, disputed involvement shown", async () => {
    const loader = new Loader(w.ctx, staffLens(w.ctx.actor));
    const { acts, involvements } = await loadEventInvolvements(loader, w.event);
    assert.equal(acts.length, w.victims.length * 2 + 2, "trials, executions, the second execution date and the draft victim's trial");
    assert.deepEqual([...new Set(involvements.map((i) => i.actor.id))].sort(), [w.judge, w.chief, w.deputy].sort());
    const disputed = involvements.filter((i) => i.claim.confidence === "disputed");
    assert.equal(disputed.length, 1);
    assert.ok(contradictions(involvements.map((i) => i.claim)).some((x) => x.kind === "disputed"));
  });

  test("the public career shows only public claims of published records", async () => {
    const ctx = makeCtx(fixture().store, PUBLIC);
    const career = await publicCareerOf(ctx, w.judge);
    assert.equal(career.involvements.length, w.acts.length, "the draft victim's trial is not public");
    assert.ok(!JSON.stringify(career).includes(CANARY.draftVictim));
    await assert.rejects(publicCareerOf(ctx, w.victims[1]!), (e: VigilError) => e.code === "not_found", "a victim is not an official");
    await assert.rejects(careerOf(ctx, w.judge), (e: VigilError) => e.code === "unauthenticated");
  });

  test("Popolo export: people, organisations with parents over time, memberships with dates and sources; no restricted or staff claim in public scope", async () => {
    const doc = await popoloExport(w.ctx, "staff");
    const memberships = doc.memberships as Record<string, unknown>[];
    const court = memberships.find((m) => m.person_id === w.judge && m.organization_id === w.org.court)!;
    assert.equal(court.role, "religious_judge");
    assert.equal(court.start_date, "1981-03-21");
    assert.equal(court.end_date, "1990-03-20");
    assert.equal((court.sources as unknown[]).length, 2);
    const orgs = doc.organizations as Record<string, unknown>[];
    assert.equal(orgs.find((o) => o.id === w.org.prosecutor)?.parent_id, w.org.judiciary);
    assert.equal((orgs.find((o) => o.id === w.org.court)?.["vigil:parents"] as Record<string, unknown>[])[0]?.parent_id, w.org.judiciary);
    assert.ok((doc.persons as Record<string, unknown>[]).some((p) => p.id === w.chief));
    const onPost = memberships.find((m) => m.post_id === w.post)!;
    assert.equal(onPost.organization_id, w.org.prosecutor, "a membership of a post names the post's organisation");
    assert.ok((doc.posts as Record<string, unknown>[]).some((p) => p.id === w.post && p.organization_id === w.org.prosecutor));
    const all = JSON.stringify(doc);
    assert.ok(!all.includes(CANARY.restricted) && !all.includes(CANARY.restrictedSourceLabel));
    const pub = JSON.stringify(await popoloExport(w.ctx, "public"));
    for (const canary of Object.values(CANARY)) assert.ok(!pub.includes(canary), `public Popolo export holds ${canary}`);
  });

  test("ESF export: events, acts with one victim and one type, involvements with degree, information records", async () => {
    const doc = await esfExport(w.ctx, "public");
    const acts = doc.acts as Record<string, unknown>[];
    const inv = doc.involvements as Record<string, unknown>[];
    assert.ok(acts.every((a) => typeof a.victim_record_number === "string" && (a.type_of_act as { code: string }).code));
    assert.equal(inv.filter((i) => i.perpetrator_record_number === w.judge).length, w.acts.length);
    assert.equal((inv.find((i) => i.perpetrator_record_number === w.chief)?.degree_of_involvement as { code: string }).code, "ordered");
    assert.ok((doc.information as Record<string, unknown>[]).some((x) => (x.supports as { record_number: string }).record_number === w.acts[0]));
    assert.ok((doc.events as Record<string, unknown>[]).some((e) => e.event_record_number === w.event && e.initial_date === "1988-06-22"));
    const text = JSON.stringify(doc);
    for (const canary of Object.values(CANARY)) assert.ok(!text.includes(canary), `public ESF export holds ${canary}`);
  });

  test("a person added later without sources cannot become an official", async () => {
    const p = await createRecord(w.ctx, { type: "person", status: "published", confidentiality: "public", synthetic: true });
    await assert.rejects(recordPosting(w.ctx, { personId: p.id, role: "judge", objectId: w.org.court, start: "1360", confidence: "confirmed", confidentiality: "public", citations: [] }), (e: VigilError) => e.code === "validation" && /source/.test(e.message));
  });
});
