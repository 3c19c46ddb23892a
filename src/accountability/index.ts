/** Accountability: careers, command chains, involvement, dossiers, Popolo and ESF exports. */
export * from "./model.ts";
export { spanOf, holdsDuring, tenure, endsOf, type Span, type Holds } from "./tenure.ts";
export { PUBLIC_LENS, staffLens, levelLens, type Lens } from "./lens.ts";
export { Loader } from "./loader.ts";
export { careerOf, publicCareerOf, careerFrom, loadPostings, loadInvolvements, loadEventInvolvements, loadActs } from "./careers.ts";
export { commandChainAt, commandChainWith, deriveLinks, parentsAt, seatsAt, around } from "./command.ts";
export { recordPosting, recordOrganisationParent, type PostingInput, type ParentInput } from "./postings.ts";
export { contradictions, singleSource, sourceCount, postingsOutsideOrganisation } from "./consistency.ts";
export { PROFILES, isProfile, authorizeProfile, profileLens, type Profile } from "./profiles.ts";
export { gatherDossier, type DossierData } from "./dossier-data.ts";
export { buildDossier, DOSSIER_FILES, type DossierRequest, type DossierResult } from "./dossier.ts";
export { dossierJson, DOSSIER_FORMAT } from "./dossier-json.ts";
export { makeShow, type Show, type TermLabel } from "./show.ts";
export { TimelineSvg, timelineData } from "./timeline.tsx";
export { CareerTable, InvolvementTable, ChainSvg, ChainTable, ConsistencyLists, Citations, claimText } from "./views.tsx";
export { popoloExport, esfExport, type ExportScope } from "./exports.ts";
export { runFormatExport } from "./cli.ts";
