import { authorize, type Action } from "../accounts/index.ts";
import type { Actor } from "../core/context.ts";
import { VigilError } from "../core/errors.ts";
import { levelLens, type Lens } from "./lens.ts";

/**
 * Who a dossier is for decides what it may hold:
 * - `public`: what the memorial shows: public claims of published records;
 * - `un-mechanism`: public and staff claims, drafts included; never restricted ones;
 * - `court`: everything the builder may read, restricted claims included, each
 *   inclusion written to the audit log (courts can protect witnesses; others cannot).
 */
export const PROFILES = ["court", "un-mechanism", "public"] as const;
export type Profile = (typeof PROFILES)[number];

export function isProfile(s: string): s is Profile {
  return (PROFILES as readonly string[]).includes(s);
}

const ACTION: Record<Profile, Action> = { court: "dossier.court", "un-mechanism": "dossier.un-mechanism", public: "dossier.public" };

/** Refuses a profile the actor's role may not build for, saying which. */
export function authorizeProfile(actor: Actor, profile: string): Profile {
  if (!isProfile(profile)) throw new VigilError("validation", `unknown recipient profile ${JSON.stringify(profile)} (one of ${PROFILES.join(", ")})`, { where: { field: "profile" } });
  try {
    authorize(actor, ACTION[profile]);
  } catch (e) {
    if (e instanceof VigilError) throw new VigilError(e.code, `your role (${actor.role}) may not build a dossier for the ${profile} profile`);
    throw e;
  }
  return profile;
}

export function profileLens(profile: Profile, actor: Actor): Lens {
  switch (profile) {
    case "court":
      return levelLens("court", actor, ["public", "staff", "restricted"]);
    case "un-mechanism":
      return levelLens("un-mechanism", actor, ["public", "staff"]);
    case "public":
      return levelLens("public", actor, ["public"], true);
  }
}
