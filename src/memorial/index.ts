/** The public memorial: pages, tributes, sealed testimony, static mirror. */
import { extraAssets, registerCatalogue } from "../web/index.ts";
import { memorialCatalogue } from "./catalogue.ts";

registerCatalogue(memorialCatalogue);
extraAssets.set("memorial.css", new URL("./assets/memorial.css", import.meta.url));
extraAssets.set("memorial-pow.js", new URL("./assets/memorial-pow.js", import.meta.url));

export { memorialRoutes, type MemorialOptions } from "./routes.tsx";
export { memorialStaffPages } from "./staff.tsx";
export { memorialCatalogue } from "./catalogue.ts";
export * from "./presenters/index.ts";
export { submitPost, approvedPosts, moderationQueue, moderatePost, type QueuedPost } from "./tributes.ts";
export { listTestimonies, openTestimony, readTestimonyFile, replyToTestimony, saveTestimony, loadPublicKey, readFollowUp, addFollowUp, type OpenedTestimony } from "./testimony/intake.ts";
export { createKeyFile, openKeyFile, parseKeyFile, fingerprint } from "./testimony/crypto.ts";
export { Freshness } from "./freshness.ts";
export { memorialStartHook } from "./start-hook.ts";
export { vaultEvidence, type EvidencePort, type PublicEvidence } from "./evidence.ts";
export { exportStatic, type ExportResult } from "./static-export.tsx";
