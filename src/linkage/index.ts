/** Record linkage across scripts: normalisation, blocking, comparison, Fellegi–Sunter, clustering, review. */
export { isHonorific, stripHonorifics, isKnownGivenName, isCompoundFirst, foldVariants, GIVEN_NAMES, type GivenName } from "./variants.ts";
export { crossScriptSimilarity, persianForm, latinForm, alignCost, PERSIAN_RULES, type PersianForm } from "./romanisation.ts";
export { jaroWinkler, editDistance } from "./strings.ts";
export { lookupPlace, provinceOf, PLACES, type Place } from "./gazetteer.ts";
export { type Comparison, type BlockingRule, type LinkSpec, seededRandom, PatternTable, PairBuffer } from "./engine.ts";
export { trainModel, estimateU, levelWeights, type FellegiSunterModel, type ComparisonParameters } from "./model.ts";
export { clusterRecords, type Clustering, type ClusterOptions, type ScoredPair } from "./cluster.ts";
export { linkRecords, type LinkOptions, type LinkResult, type LinkStats, type LinkStage, type PairExplanation } from "./link.ts";
export { evaluateClusters, type Evaluation, type Scores } from "./evaluate.ts";
export { Preparer, personSpec, personComparisons, personBlocking, nameLevel, dateLevel, placeLevel, NAME_THRESHOLDS, NAME_LEVELS, type PersonRecord, type PreparedPerson } from "./person.ts";
export { syntheticLists, type SyntheticOptions, type SyntheticList } from "./synthetic.ts";
export { buildReviewQueue, parseDecisions, resolveDecisions, refKey, parseRecordRef, decisionFromArgs, type DecisionInput, type Decision, type RecordRef, type ReviewItem, type ResolvedDecisions } from "./review.ts";
export { linkStoredLists, recordDecision, reviewQueue, acceptCluster, undoAcceptance, storedDecisions, type StoredLinkSummary, type AcceptResult } from "./stored.ts";
export { linkagePages } from "./pages.tsx";
export { listImports, clusterEntries, decideOnEntries } from "./stored.ts";
