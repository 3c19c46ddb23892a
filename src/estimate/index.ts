/**
 * Multiple systems estimation: how many people were on none of the lists.
 * Pure functions from a capture table to a report; the CLI and (later) the
 * workspace page and the database-fed tables of linked lists only call these.
 */
export { parseCaptureCsv, parseStratifiedCsv, captureTable, captureTables, collapseLists, tableFromPatterns, tableToCsv, observedTotal, patternName, MAX_LISTS } from "./table.ts";
export type { CaptureTable, Membership, ParseCsvOptions } from "./table.ts";
export { parseModel, formatModel, closure, independence, allHierarchicalModels, generators, isSaturated } from "./model.ts";
export type { Model } from "./model.ts";
export { fitLoglinear, profileInterval, profileLogLik, logNormalInterval, prepare } from "./loglinear.ts";
export type { LoglinearFit, LoglinearRefusal, LoglinearResult, Coefficient, ProfileInterval } from "./loglinear.ts";
export { selectAll, selectStepwise, selectPValueStepwise, selectModels, ALL_MODELS_MAX_LISTS } from "./select.ts";
export type { Criterion, Selection, RankedModel } from "./select.ts";
export { bma, decomposableGraphs, summarise, BMA_MAX_LISTS } from "./bma.ts";
export type { BmaOptions, BmaResult, PriorN, PosteriorSummary, DecomposableGraph } from "./bma.ts";
export { lcmcr, diagnose, effectiveSize, LCMCR_DEFAULTS } from "./lcmcr.ts";
export type { LcmcrOptions, LcmcrResult, Diagnostics } from "./lcmcr.ts";
export { Random } from "./random.ts";
export { estimate, estimateWithDraws, refusal } from "./estimate.ts";
export type { EstimateOptions, EstimateReport, ModelRow, SensitivityRow, Caveat, Method, SelectRule } from "./estimate.ts";
export { estimateStratified } from "./strata.ts";
export type { StratifiedReport, StratifiedOptions } from "./strata.ts";
export { renderText, renderStratifiedText, renderSvg, renderStratifiedSvg, type SvgOptions, type SvgText } from "./render.ts";
export { bcaBootstrap, quantile8 } from "./bootstrap.ts";
export type { BcaResult } from "./bootstrap.ts";
export { syntheticLists } from "./synthetic.ts";
export type { SyntheticLists, SyntheticListsOptions, SyntheticPerson, SyntheticList, SyntheticStratum } from "./synthetic.ts";
export { loadSyntheticLists } from "./synthetic-load.ts";
export type { LoadedSyntheticLists } from "./synthetic-load.ts";
export { availableLists, linkedTables, hasListTables, listCode, STRATIFY_FIELDS, UNKNOWN_STRATUM } from "./linked.ts";
export { toTableSet, fromTableSet, type TableSet } from "./table-set.ts";
export type { ListChoice, Provenance, BuiltTables, StratifyField } from "./linked.ts";
export { startRun, getRun, exportedRun, listRuns, rerun, parseRunInput, engineOptions, commandLine, isLong, estimateJobHandler, runTables, mayRun, ESTIMATE_JOB, RUN_LIMITS } from "./runs.ts";
export type { EstimateRun, RunInput, RunStatus, RunSummary, RunError } from "./runs.ts";
export { estimatePages } from "./pages.tsx";
export { exportRun, reportCsv, tableSetCsv, EXPORT_FORMAT, EXPORT_VERSION } from "./export.ts";
