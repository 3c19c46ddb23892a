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
  | "accountability.read"
  | "accountability.public"
  | "accountability.export"
  | "dossier.public"
  | "dossier.un-mechanism"
  | "dossier.court";

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
  "accountability.read": ["admin", "editor", "researcher", "viewer", "system"],
  "accountability.public": ["admin", "editor", "researcher", "viewer", "system", "public"],
  "accountability.export": ["admin", "editor", "system"],
  "dossier.public": ["admin", "editor", "researcher", "system"],
  "dossier.un-mechanism": ["admin", "editor", "system"],
  "dossier.court": ["admin", "system"],
};

export function can(actor: Actor, action: Action): boolean {
  return ALLOWED[action].includes(actor.role);
}

/** Throws `forbidden` unless the actor may take the action. */
export function authorize(actor: Actor, action: Action): void {
  if (!can(actor, action)) throw new VigilError(actor.role === "public" ? "unauthenticated" : "forbidden", `not permitted: ${action}`);
}

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
