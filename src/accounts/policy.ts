import type { Actor, Role } from "../core/context.ts";
import { VigilError } from "../core/errors.ts";

/**
 * The one place that decides who may do what. Every use case calls
 * `authorize` before anything else; routes and the CLI never decide.
 */
export type Action =
  | "record.read"
  | "record.create"
  | "record.update"
  | "record.publish"
  | "record.propose"
  | "claim.create"
  | "claim.update"
  | "history.read"
  | "history.restore"
  | "person.merge"
  | "vocab.read"
  | "vocab.manage"
  | "search.staff"
  | "export.all"
  | "import.all"
  | "account.self"
  | "user.read"
  | "user.manage"
  | "user.recover"
  | "grant.manage"
  | "token.manage"
  | "audit.read"
  | "audit.export"
  | "settings.manage"
  | "proposal.read"
  | "proposal.review"
  | "proposal.withdraw"
  | "vault.read"
  | "vault.add"
  | "vault.capture"
  | "vault.export"
  | "memorial.moderate"
  | "memorial.testimony"
  | "estimate.read"
  | "estimate.run"
  | "accountability.read"
  | "accountability.public"
  | "accountability.export"
  | "dossier.public"
  | "dossier.un-mechanism"
  | "dossier.court"
  | "monitor.read"
  | "monitor.triage"
  | "monitor.sources"
  | "monitor.watchlist"
  | "monitor.subscriptions";

const STAFF: readonly Role[] = ["admin", "editor", "researcher", "viewer"];

const ALLOWED: Record<Action, readonly Role[]> = {
  "record.read": ["admin", "editor", "researcher", "viewer", "system"],
  "record.create": ["admin", "editor", "system"],
  "record.update": ["admin", "editor", "system"],
  "record.publish": ["admin", "editor", "system"],
  "record.propose": ["admin", "editor", "researcher", "system"],
  "claim.create": ["admin", "editor", "system"],
  "claim.update": ["admin", "editor", "system"],
  "history.read": ["admin", "editor", "researcher", "viewer", "system"],
  "history.restore": ["admin", "editor", "system"],
  "person.merge": ["admin", "editor", "system"],
  "vocab.read": ["admin", "editor", "researcher", "viewer", "system"],
  "vocab.manage": ["admin", "system"],
  "search.staff": ["admin", "editor", "researcher", "viewer", "system"],
  "export.all": ["admin", "system"],
  "import.all": ["admin", "system"],
  // Each member of staff manages their own password, keys, sessions and tokens.
  "account.self": STAFF,
  "user.read": ["admin", "system"],
  "user.manage": ["admin", "system"],
  "user.recover": ["admin", "system"],
  "grant.manage": ["admin", "system"],
  // Anyone's tokens: an admin revokes a leaked token; everyone else only their own (below).
  "token.manage": ["admin", "system"],
  "audit.read": ["admin", "system"],
  "audit.export": ["admin", "system"],
  "settings.manage": ["admin", "system"],
  "proposal.read": ["admin", "editor", "system"],
  "proposal.review": ["admin", "editor", "system"],
  "proposal.withdraw": ["admin", "editor", "system"],
  "vault.read": ["admin", "editor", "researcher", "viewer", "system"],
  "vault.add": ["admin", "editor", "system"],
  "vault.capture": ["admin", "editor", "system"],
  "vault.export": ["admin", "editor", "system"],
  "memorial.moderate": ["admin", "editor", "system"],
  "memorial.testimony": ["admin", "editor", "system"],
  "estimate.read": ["admin", "editor", "researcher", "viewer", "system"],
  "estimate.run": ["admin", "editor", "researcher", "system"],
  "accountability.read": ["admin", "editor", "researcher", "viewer", "system"],
  "accountability.public": ["admin", "editor", "researcher", "viewer", "system", "public"],
  "accountability.export": ["admin", "editor", "system"],
  "dossier.public": ["admin", "editor", "researcher", "system"],
  "dossier.un-mechanism": ["admin", "editor", "system"],
  "dossier.court": ["admin", "system"],
  "monitor.read": ["admin", "editor", "researcher", "viewer", "system"],
  "monitor.triage": ["admin", "editor", "system"],
  "monitor.sources": ["admin", "editor", "system"],
  "monitor.watchlist": ["admin", "editor", "system"],
  "monitor.subscriptions": ["admin", "editor", "system"],
};

/** Actions a role may take on what it owns (its own tokens, its own proposals) though not on others'. */
const OWN_ALLOWED: Partial<Record<Action, readonly Role[]>> = {
  "token.manage": STAFF,
  "proposal.read": STAFF,
  "proposal.withdraw": STAFF,
};

/**
 * What each API token scope permits. A token acts as its owner, narrowed to
 * its scopes: it never reaches further than the owner's role, and a token
 * without `restricted` never reads restricted claims.
 */
export const SCOPES = {
  read: ["record.read", "history.read", "vocab.read", "search.staff", "proposal.read", "account.self", "vault.read", "estimate.read", "monitor.read"],
  write: ["record.create", "record.update", "record.publish", "record.propose", "claim.create", "claim.update", "history.restore", "person.merge", "proposal.review", "proposal.withdraw", "vault.add", "vault.capture", "estimate.run", "monitor.triage", "monitor.sources", "monitor.watchlist", "monitor.subscriptions"],
  restricted: [],
  export: ["export.all", "audit.export", "vault.export"],
  admin: ["user.read", "user.manage", "grant.manage", "token.manage", "audit.read", "settings.manage", "vocab.manage"],
} as const satisfies Record<string, readonly Action[]>;
export type Scope = keyof typeof SCOPES;
export const SCOPE_NAMES = Object.keys(SCOPES) as Scope[];

/** The set of actions a list of scopes permits (for `Actor.scopes`). */
export function actionsOfScopes(scopes: readonly string[]): Set<string> {
  const out = new Set<string>();
  for (const s of scopes) if (Object.hasOwn(SCOPES, s)) for (const a of SCOPES[s as Scope]) out.add(a);
  return out;
}

/**
 * May the actor take the action? `ownerId`, when the action is on something
 * owned (a token, a proposal), lets owners act on their own.
 */
export function can(actor: Actor, action: Action, ownerId?: string): boolean {
  if (actor.scopes && !actor.scopes.has(action)) return false;
  if (ALLOWED[action].includes(actor.role)) return true;
  return ownerId !== undefined && ownerId === actor.id && (OWN_ALLOWED[action]?.includes(actor.role) ?? false);
}

/** Throws `forbidden` (or `unauthenticated` for a signed-out visitor) unless the actor may take the action. */
export function authorize(actor: Actor, action: Action, ownerId?: string): void {
  if (!can(actor, action, ownerId)) throw new VigilError(actor.role === "public" ? "unauthenticated" : "forbidden", `not permitted: ${action}`);
}

/** Every action, for listings and tests. */
export const ACTIONS = Object.keys(ALLOWED) as Action[];

export type Confidentiality = "public" | "staff" | "restricted";

/**
 * May this actor read something of this confidentiality? `id` is the record
 * or claim, for restricted items granted to a person individually.
 */
export function mayRead(actor: Actor, confidentiality: string, ids: readonly string[] = []): boolean {
  if (confidentiality === "public") return true;
  if (actor.role === "public") return false;
  if (confidentiality === "staff") return true;
  if (confidentiality !== "restricted") return false;
  if (actor.role === "system" || actor.restrictedByRole) return true;
  return ids.some((id) => actor.grantedRestricted?.has(id) ?? false);
}

/** Levels an actor sees in listings and search without per-item grants. */
export function visibleLevels(actor: Actor): Confidentiality[] {
  if (actor.role === "public") return ["public"];
  if (actor.role === "system" || actor.restrictedByRole) return ["public", "staff", "restricted"];
  return ["public", "staff"];
}
