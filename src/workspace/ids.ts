import { newId } from "../core/ids.ts";

/** Ids for the workspace's own rows, in the same unguessable, time-ordered form as record ids. */
export const accountIdFor = (prefix: "prp"): string => `${prefix}_${newId("job").slice(4)}`;
