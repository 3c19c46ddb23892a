import { withTransaction, type Actor, type Ctx, type Role } from "../core/context.ts";
import { notFound, Problems } from "../core/errors.ts";
import { isId } from "../core/ids.ts";
import { auditAs } from "./audit.ts";
import { accountId, cdb, type AccountsDb } from "./db.ts";
import { actionsOfScopes, authorize } from "./policy.ts";
import type { UsersTable } from "./schema.ts";
import { USER_ROLES } from "./users.ts";

/**
 * Access to restricted claims, granted by an admin: to a whole role or to one
 * person, for every restricted item (`*`) or for one record or claim.
 */
export interface Grant {
  id: string;
  subjectType: "role" | "user";
  subject: string;
  target: string;
  note: string | null;
  createdAt: string;
  createdBy: string;
}

const toGrant = (r: { id: string; subject_type: string; subject: string; target: string; note: string | null; created_at: string; created_by: string }): Grant => ({
  id: r.id,
  subjectType: r.subject_type as Grant["subjectType"],
  subject: r.subject,
  target: r.target,
  note: r.note,
  createdAt: r.created_at,
  createdBy: r.created_by,
});

export async function listGrants(ctx: Ctx, filter: { subjectType?: "role" | "user"; subject?: string } = {}): Promise<Grant[]> {
  authorize(ctx.actor, "grant.manage");
  let q = cdb(ctx).selectFrom("grants").selectAll();
  if (filter.subjectType) q = q.where("subject_type", "=", filter.subjectType);
  if (filter.subject) q = q.where("subject", "=", filter.subject);
  return (await q.orderBy("created_at", "desc").execute()).map(toGrant);
}

/** Grants restricted access; logged. */
export async function addGrant(ctx: Ctx, input: { subjectType: string; subject: string; target: string; note?: string | null }): Promise<Grant> {
  authorize(ctx.actor, "grant.manage");
  const p = new Problems();
  if (input.subjectType !== "role" && input.subjectType !== "user") p.add("subjectType", "a grant is to a role or to a user");
  if (input.subjectType === "role" && !USER_ROLES.includes(input.subject as never)) p.add("subject", `role must be one of ${USER_ROLES.join(", ")}`);
  if (input.subjectType === "role" && input.target !== "*") p.add("target", "a role is granted all restricted items (*) or nothing");
  if (input.target !== "*" && !isId(input.target) && !/^[a-z]{3}_[A-Za-z0-9_-]{1,64}$/.test(input.target)) p.add("target", "the target is * (every restricted item) or a record or claim id");
  p.throwIfAny();
  return withTransaction(ctx, async (tx) => {
    const db = cdb(tx);
    if (input.subjectType === "user" && !(await db.selectFrom("users").select("id").where("id", "=", input.subject).executeTakeFirst())) throw notFound("user", input.subject);
    if (input.target !== "*") {
      const exists = (await tx.db.selectFrom("records").select("id").where("id", "=", input.target).executeTakeFirst()) ?? (await tx.db.selectFrom("claims").select("id").where("id", "=", input.target).executeTakeFirst());
      if (!exists) throw notFound("record or claim", input.target);
    }
    const existing = await db.selectFrom("grants").selectAll().where("subject_type", "=", input.subjectType).where("subject", "=", input.subject).where("target", "=", input.target).executeTakeFirst();
    if (existing) return toGrant(existing);
    const row = { id: accountId("grt"), subject_type: input.subjectType, subject: input.subject, target: input.target, note: input.note?.trim() || null, created_at: tx.now().toISOString(), created_by: tx.actor.id };
    await db.insertInto("grants").values(row).execute();
    await auditAs(tx, { action: "grant.added", targetType: input.subjectType, targetId: input.subject, detail: { target: input.target, grant: row.id } });
    grantsChanged();
    return toGrant(row);
  });
}

export async function removeGrant(ctx: Ctx, id: string): Promise<void> {
  authorize(ctx.actor, "grant.manage");
  await withTransaction(ctx, async (tx) => {
    const db = cdb(tx);
    const row = await db.selectFrom("grants").selectAll().where("id", "=", id).executeTakeFirst();
    if (!row) throw notFound("grant", id);
    await db.deleteFrom("grants").where("id", "=", id).execute();
    await auditAs(tx, { action: "grant.removed", targetType: row.subject_type, targetId: row.subject, detail: { target: row.target, grant: id } });
  });
  grantsChanged();
}

let generation = 0;
const grantCache = new Map<string, { gen: number; at: number; all: boolean; ids: Set<string> }>();
function grantsChanged(): void {
  generation++;
  grantCache.clear();
}

/**
 * Builds the Actor for a signed-in user (or one of their API tokens): their
 * role, restricted access from grants, and for tokens the scopes. A token
 * without the `restricted` scope never reads restricted items.
 */
export async function actorFor(db: AccountsDb, user: Pick<UsersTable, "id" | "role">, scopes?: readonly string[]): Promise<Actor> {
  const key = `${user.id}|${user.role}`;
  let g = grantCache.get(key);
  // Grants changed in this process clear the cache at once; other processes see a change within seconds.
  if (!g || g.gen !== generation || Date.now() - g.at > 5000) {
    const rows = await db
      .selectFrom("grants")
      .select("target")
      .where((eb) => eb.or([eb.and([eb("subject_type", "=", "role"), eb("subject", "=", user.role)]), eb.and([eb("subject_type", "=", "user"), eb("subject", "=", user.id)])]))
      .execute();
    g = { gen: generation, at: Date.now(), all: rows.some((r) => r.target === "*"), ids: new Set(rows.filter((r) => r.target !== "*").map((r) => r.target)) };
    grantCache.set(key, g);
  }
  const restricted = !scopes || scopes.includes("restricted");
  return {
    id: user.id,
    role: user.role as Role,
    ...(restricted && g.all ? { restrictedByRole: true } : {}),
    ...(restricted && g.ids.size ? { grantedRestricted: g.ids } : {}),
    ...(scopes ? { scopes: actionsOfScopes(scopes) } : {}),
  };
}
