import { makeCtx, SYSTEM, type Ctx } from "../../src/core/context.ts";
import { addClaim, createRecord, seedVocabularies, type ClaimInput, type JsonObject } from "../../src/records/index.ts";
import { parseDate } from "../../src/core/dates.ts";
import { recordOrganisationParent, recordPosting } from "../../src/accountability/index.ts";
import type { Store } from "../../src/store/index.ts";

/**
 * A small synthetic (fictional) world for the accountability tests: a
 * judiciary with a court and a prosecutor's office below it, three officials,
 * an execution wave with acts against fictional victims, and marker strings
 * ("canaries") in every claim a public or UN dossier must not carry.
 * Everything is marked synthetic.
 */
export const CANARY = {
  restricted: "CANARY-RESTRICTED-7f3a",
  restrictedSource: "CANARY-RSOURCE-51c2",
  restrictedSourceLabel: "CANARY-RSRCLABEL-0d9e",
  staff: "CANARY-STAFF-a81b",
  draftVictim: "CANARY-DRAFT-2c44",
  staffRecord: "CANARY-STAFFORG-9e10",
} as const;

export interface World {
  ctx: Ctx;
  src: { pub: string; pub2: string; staff: string; restricted: string };
  org: { judiciary: string; court: string; prosecutor: string; ministry: string; secret: string; commission: string };
  post: string;
  judge: string;
  chief: string;
  deputy: string;
  event: string;
  victims: string[];
  draftVictim: string;
  acts: string[];
  executionClaims: string[];
}

const FICTIONAL = "Fictional test data.";

export async function buildWorld(store: Store, victims = 6): Promise<World> {
  await seedVocabularies(store.db);
  const ctx = makeCtx(store, { ...SYSTEM, id: "system:test" });
  const source = async (label: string, confidentiality: string, status = "published"): Promise<string> =>
    (await createRecord(ctx, { type: "source", kind: "report", label, labelFa: `گزارش ساختگی ${label}`, status, confidentiality, synthetic: true, data: { reliability: "medium" } })).id;
  const src = {
    pub: await source("Synthetic public report A", "public"),
    pub2: await source("Synthetic public report B", "public"),
    staff: await source("Synthetic staff notes", "staff", "draft"),
    restricted: await source(`Synthetic witness testimony ${CANARY.restrictedSourceLabel}`, "restricted", "draft"),
  };
  const c = (property: string, rest: Partial<ClaimInput> = {}, sources = [src.pub]): ClaimInput => ({ property, confidence: "confirmed", confidentiality: "public", note: FICTIONAL, citations: sources.map((sourceId, i) => ({ sourceId, locator: `page ${i + 1}` })), ...rest });
  const org = async (label: string, labelFa: string, kind: string, confidentiality = "public"): Promise<string> => (await createRecord(ctx, { type: "organisation", kind, label, labelFa, status: "published", confidentiality, synthetic: true })).id;
  const o = {
    judiciary: await org("Synthetic Judiciary", "قوه قضاییه ساختگی", "judiciary"),
    court: await org("Synthetic Revolutionary Court", "دادگاه انقلاب ساختگی", "court"),
    prosecutor: await org("Synthetic Prosecutor's Office", "دادستانی ساختگی", "prosecutor_office"),
    ministry: await org("Synthetic Ministry", "وزارت ساختگی", "government"),
    secret: await org(`Synthetic unit ${CANARY.staffRecord}`, "یگان ساختگی", "intelligence", "staff"),
    // An organisation with its own dates: founded in 1367, dissolved in 1368.
    commission: (await createRecord(ctx, { type: "organisation", kind: "commission", label: "Synthetic Commission", labelFa: "هیئت ساختگی", date: "1367", data: { dissolved: parseDate("1368") as unknown as JsonObject }, status: "published", confidentiality: "public", synthetic: true })).id,
  };
  const post = (await createRecord(ctx, { type: "post", kind: "deputy_prosecutor", label: "Synthetic Deputy Prosecutor", labelFa: "معاون دادستان ساختگی", parentId: o.prosecutor, status: "published", confidentiality: "public", synthetic: true })).id;
  await recordOrganisationParent(ctx, { organisationId: o.court, parentId: o.judiciary, start: "1358", end: "1370", confidence: "confirmed", confidentiality: "public", citations: [{ sourceId: src.pub }] });
  await recordOrganisationParent(ctx, { organisationId: o.prosecutor, parentId: o.judiciary, start: "1358", confidence: "probable", confidentiality: "public", citations: [{ sourceId: src.pub2 }] });

  const person = async (fa: string, en: string, extra: ClaimInput[] = [], status = "published"): Promise<string> =>
    (await createRecord(ctx, { type: "person", status, confidentiality: "public", synthetic: true, claims: [c("name", { value: { text: fa, kind: "full" } }), c("name", { value: { text: en, kind: "full" } }), ...extra] })).id;
  const judge = await person("مسعود تهرانی", "Masoud Tehrani", [
    c("description", { value: { text: `Restricted detail ${CANARY.restricted}` }, confidentiality: "restricted" }, [src.restricted]),
    c("description", { value: { text: `Staff note ${CANARY.staff}` }, confidentiality: "staff" }, [src.staff]),
    c("description", { value: { text: `Public statement resting on testimony ${CANARY.restrictedSource}` } }, [src.restricted]),
    c("affiliation", { value: { text: "unit" }, objectId: o.secret, confidence: "possible" }),
    c("birth", { date: "1330", confidence: "probable" }),
    c("birth", { date: "1335", confidence: "possible" }, [src.pub2]),
  ]);
  const chief = await person("حسن شیرازی", "Hassan Shirazi");
  const deputy = await person("جواد کریمی", "Javad Karimi");
  await recordPosting(ctx, { personId: judge, role: "religious_judge", objectId: o.court, start: "1360/01/01", end: "1368/12/29", confidence: "confirmed", confidentiality: "public", citations: [{ sourceId: src.pub, locator: "p. 3" }, { sourceId: src.pub2 }] });
  await recordPosting(ctx, { personId: judge, role: "head", objectId: o.ministry, start: "1380", end: "1388", title: "later career", confidence: "probable", confidentiality: "public", citations: [{ sourceId: src.pub2 }] });
  await recordPosting(ctx, { personId: chief, role: "head", objectId: o.judiciary, start: "1362", end: "1372", confidence: "confirmed", confidentiality: "public", citations: [{ sourceId: src.pub }] });
  await recordPosting(ctx, { personId: deputy, role: "deputy_prosecutor", objectId: post, start: "1365", end: "1369", confidence: "probable", confidentiality: "public", citations: [{ sourceId: src.pub2 }] });
  // Said to sit on the commission after it was dissolved: a contradiction to list.
  await recordPosting(ctx, { personId: deputy, role: "commission_member", objectId: o.commission, start: "1370", end: "1371", confidence: "possible", confidentiality: "public", citations: [{ sourceId: src.pub2 }] });

  const event = (await createRecord(ctx, { type: "event", kind: "execution_wave", label: "Synthetic executions, summer 1367", labelFa: "اعدام‌های ساختگی، تابستان ۱۳۶۷", date: "تابستان ۱۳۶۷", status: "published", confidentiality: "public", synthetic: true })).id;
  const victimIds: string[] = [];
  const acts: string[] = [];
  const executionClaims: string[] = [];
  for (let i = 0; i < victims; i++) {
    const id = await person(`قربانی ساختگی ${i + 1}`, `Synthetic victim ${i + 1}`, [c("act", { term: "trial", objectId: event, date: `1367/05/${String(i + 1).padStart(2, "0")}` }), c("act", { term: "execution", objectId: event, date: `1367/06/${String(i + 1).padStart(2, "0")}`, value: { victim_status: "dead" } })]);
    victimIds.push(id);
  }
  // One victim's execution is given two different dates by two sources: a contradiction to list.
  const claimsOf = async (id: string, term: string): Promise<string[]> => (await ctx.db.selectFrom("claims").select("id").where("subject_id", "=", id).where("term", "=", term).execute()).map((r) => r.id);
  const other = await addClaim(ctx, victimIds[0]!, c("act", { term: "execution", objectId: event, date: "1367/09/10", value: { victim_status: "dead" } }, [src.pub2]));
  for (const v of victimIds) {
    const [trial] = await claimsOf(v, "trial");
    const executions = await claimsOf(v, "execution");
    acts.push(trial!);
    executionClaims.push(...executions);
    await addClaim(ctx, judge, c("involvement", { term: "sentenced", objectId: trial }, [src.pub, src.pub2]));
    await addClaim(ctx, chief, c("involvement", { term: "ordered", objectId: executions[0], confidence: "probable" }));
  }
  await addClaim(ctx, deputy, c("involvement", { term: "concealed", objectId: other.id, confidence: "disputed", note: "sources disagree" }));
  const draftVictim = await person(`قربانی پیش‌نویس ${CANARY.draftVictim}`, `Draft victim ${CANARY.draftVictim}`, [c("act", { term: "trial", objectId: event, date: "1367/05/20" })], "draft");
  const [draftTrial] = await claimsOf(draftVictim, "trial");
  await addClaim(ctx, judge, c("involvement", { term: "sentenced", objectId: draftTrial }));
  return { ctx, src, org: o, post, judge, chief, deputy, event, victims: victimIds, draftVictim, acts, executionClaims };
}
