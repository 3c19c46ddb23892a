import { authorize, can } from "../accounts/index.ts";
import type { Ctx } from "../core/context.ts";
import { notFound } from "../core/errors.ts";
import { PROFILES, type Profile } from "./profiles.ts";

/** A row of the dossier register (migration 0700). */
export type DossiersTable = {
  id: string;
  subject_id: string;
  subject_type: string;
  profile: string;
  lang: string;
  built_by: string;
  built_at: string;
  dir: string;
  claims: number;
  withheld: number;
  evidence: number;
  checkpoint_origin: string;
  checkpoint_size: number;
  checkpoint_root: string;
  bundle_sha256: string;
  records_sha256: string;
};

// A type alias (not an interface) so Kysely's withTables accepts it as a record of tables.
export type AccountabilityTables = { dossiers: DossiersTable };

export const dossierDb = (ctx: Ctx) => ctx.db.withTables<AccountabilityTables>();

/** Profiles whose dossiers this actor may see in the register: those they may build. */
export function profilesFor(ctx: Ctx): Profile[] {
  return PROFILES.filter((p) => can(ctx.actor, `dossier.${p}`));
}

/** Dossiers built, newest first, of the profiles the actor may build (optionally about one subject). */
export async function listDossiers(ctx: Ctx, options: { subjectId?: string; limit?: number } = {}): Promise<DossiersTable[]> {
  authorize(ctx.actor, "accountability.read");
  const profiles = profilesFor(ctx);
  if (!profiles.length) return [];
  let q = dossierDb(ctx).selectFrom("dossiers").selectAll().where("profile", "in", profiles);
  if (options.subjectId) q = q.where("subject_id", "=", options.subjectId);
  return q.orderBy("built_at", "desc").orderBy("id", "desc").limit(Math.min(options.limit ?? 100, 500)).execute();
}

/** One dossier of the register, if the actor may build its profile (otherwise not found: its existence leaks nothing). */
export async function getDossier(ctx: Ctx, id: string): Promise<DossiersTable> {
  authorize(ctx.actor, "accountability.read");
  const row = await dossierDb(ctx).selectFrom("dossiers").selectAll().where("id", "=", id).executeTakeFirst();
  if (!row || !profilesFor(ctx).includes(row.profile as Profile)) throw notFound("dossier", id);
  return row;
}
