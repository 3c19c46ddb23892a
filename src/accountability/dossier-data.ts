import { sql } from "kysely";
import { audit, type Ctx } from "../core/context.ts";
import { parseDate, type FuzzyDate } from "../core/dates.ts";
import { notFound } from "../core/errors.ts";
import type { Claim, VRecord } from "../records/index.ts";
import { careerFrom, loadEventInvolvements, loadInvolvements, loadPostings } from "./careers.ts";
import { commandChainWith } from "./command.ts";
import { contradictions, postingsOutsideOrganisation, singleSource } from "./consistency.ts";
import { Loader } from "./loader.ts";
import { refOf, type Act, type Career, type CommandChain, type Contradiction, type Involvement, type Ref } from "./model.ts";
import type { Profile } from "./profiles.ts";
import type { Lens } from "./lens.ts";

/** Everything a dossier says, gathered through the recipient profile's lens. */
export interface DossierData {
  id: string;
  profile: Profile;
  lang: "en" | "fa";
  builtAt: string;
  builtBy: string;
  kind: "person" | "event";
  subject: Ref;
  career: Career | null;
  event: { acts: Act[]; involvements: Involvement[] } | null;
  chain: CommandChain | null;
  /** Claims about the subject itself. */
  subjectClaims: Claim[];
  /** Every claim the dossier includes, by id. */
  claims: Map<string, Claim>;
  /** Every record it names (people, organisations, places, events, sources). */
  records: Map<string, VRecord>;
  refs: Map<string, Ref>;
  single: Claim[];
  contradictions: Contradiction[];
  /** Claims about the subject or its acts that this recipient may not receive. */
  withheld: number;
  synthetic: boolean;
}

async function countActive(ctx: Ctx, column: "subject_id" | "object_id", ids: string[], properties?: string[]): Promise<number> {
  let n = 0;
  for (let i = 0; i < ids.length; i += 500) {
    let q = ctx.db.selectFrom("claims").select(sql<number>`count(*)`.as("n")).where(column, "in", ids.slice(i, i + 500)).where("status", "=", "active");
    if (properties) q = q.where("property", "in", properties);
    n += Number((await q.executeTakeFirst())?.n ?? 0);
  }
  return n;
}

/** The date a person dossier's command chain is drawn at: given, or when the acts began. */
function chainDate(at: string | undefined, acts: Act[], fallback: FuzzyDate | null): FuzzyDate | null {
  if (at) return parseDate(at, { field: "at" });
  const first = acts.map((a) => a.claim.date).filter((d): d is FuzzyDate => !!d?.earliest).sort((a, b) => a.earliest!.localeCompare(b.earliest!))[0];
  return first ?? fallback;
}

/**
 * Gathers a dossier's contents for a person or an event through a lens. Every
 * restricted claim or record it includes is written to the audit log.
 */
export async function gatherDossier(ctx: Ctx, lens: Lens, input: { id: string; profile: Profile; lang: "en" | "fa"; personId?: string; eventId?: string; at?: string }): Promise<DossierData> {
  const loader = new Loader(ctx, lens);
  const subjectId = input.personId ?? input.eventId ?? "";
  const subject = await loader.record(subjectId);
  const kind = input.personId ? "person" : "event";
  if (!subject || (kind === "person" && subject.type !== "person" && subject.type !== "organisation") || (kind === "event" && subject.type !== "event")) throw notFound(kind, subjectId);
  const subjectRef = refOf(subject, (r, l) => lens.label(r, l));
  const subjectClaims = await loader.claimsOf([subject.id]);
  let career: Career | null = null;
  let event: DossierData["event"] = null;
  let chain: CommandChain | null = null;
  let withheld: number;
  if (kind === "person") {
    const postings = subject.type === "person" ? await loadPostings(loader, [subject.id], subjectClaims.filter((c) => c.property === "membership")) : [];
    const involvements = await loadInvolvements(loader, [subject.id]);
    career = careerFrom(subjectRef, postings, involvements);
    const at = chainDate(input.at, involvements.map((i) => i.act), null);
    if (at) chain = await commandChainWith(loader, subject.id, at);
    withheld = (await countActive(ctx, "subject_id", [subject.id])) - subjectClaims.length;
  } else {
    event = await loadEventInvolvements(loader, subject.id);
    const actors = [...new Set(event.involvements.map((i) => i.actor.id))];
    const at = chainDate(input.at, event.acts, subject.date);
    if (at && actors.length) chain = await commandChainWith(loader, actors, at);
    const rawActs = await ctx.db.selectFrom("claims").select("id").where("object_id", "=", subject.id).where("property", "=", "act").where("status", "=", "active").execute();
    withheld =
      (await countActive(ctx, "subject_id", [subject.id])) -
      subjectClaims.length +
      (rawActs.length - event.acts.length) +
      ((await countActive(ctx, "object_id", rawActs.map((r) => r.id), ["involvement"])) - event.involvements.length);
  }

  const claims = new Map<string, Claim>();
  const put = (c: Claim): void => void claims.set(c.id, c);
  subjectClaims.forEach(put);
  career?.postings.forEach((p) => put(p.claim));
  for (const i of [...(career?.involvements ?? []), ...(event?.involvements ?? [])]) {
    put(i.claim);
    put(i.act.claim);
  }
  event?.acts.forEach((a) => put(a.claim));
  if (chain) for (const c of chain.claims.values()) if (chain.links.some((l) => l.basis.includes(c.id)) || chain.seats.some((s) => s.claim.id === c.id)) put(c);

  const ids = new Set<string>([subject.id]);
  for (const c of claims.values()) {
    ids.add(c.subjectId);
    if (c.objectId && !claims.has(c.objectId)) ids.add(c.objectId);
    if (c.placeId) ids.add(c.placeId);
    for (const s of c.citations) ids.add(s.sourceId);
  }
  if (chain) for (const o of chain.organisations.keys()) ids.add(o);
  const records = await loader.recordsById(ids);
  // Posts' organisations, for Popolo and the career table.
  const parents = await loader.recordsById([...records.values()].map((r) => r.parentId ?? "").filter(Boolean));
  for (const [id, r] of parents) records.set(id, r);
  const refs = new Map([...records].map(([id, r]) => [id, refOf(r, (x, l) => lens.label(x, l))]));

  const all = [...claims.values()];
  const found = [...contradictions(all), ...(career ? postingsOutsideOrganisation(career.postings, new Map([...records].filter(([, r]) => r.type === "organisation"))) : [])];

  for (const c of claims.values()) if (c.confidentiality === "restricted") await audit(ctx, { action: "dossier.restricted_included", targetType: "claim", targetId: c.id, detail: { dossier: input.id, profile: input.profile, subject: subject.id, property: c.property } });
  for (const r of records.values()) if (r.confidentiality === "restricted") await audit(ctx, { action: "dossier.restricted_included", targetType: "record", targetId: r.id, detail: { dossier: input.id, profile: input.profile, subject: subject.id } });

  return {
    id: input.id,
    profile: input.profile,
    lang: input.lang,
    builtAt: ctx.now().toISOString(),
    builtBy: ctx.actor.id,
    kind,
    subject: subjectRef,
    career,
    event,
    chain,
    subjectClaims,
    claims,
    records,
    refs,
    single: singleSource(all),
    contradictions: found,
    withheld: Math.max(0, withheld),
    synthetic: [...records.values()].some((r) => r.synthetic),
  };
}
