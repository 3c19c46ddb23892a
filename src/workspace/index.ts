export { workspaceRoutes } from "./plugin.ts";
export { withStaff, installStaff, STAFF_CSP } from "./guard.tsx";
export { registerWorkspaceSection, workspaceSections, StaffLayout, pageEnv, sendPage, Csrf, Field, TextField, TextArea, SelectField, ErrorSummary, errorsByField, Badge, str, strs, type WorkspaceSection, type PageEnv, type StaffLayoutProps, type FieldErrors } from "./ui.tsx";
export { authenticate, checkCsrf, csrfToken, relyingParty, logDenial, rateKey, safeNext, isSecure, type Access, type RequestAuth } from "./http.ts";
export { messages } from "./messages.ts";
export { registerRecordPanel, type RecordPanel, type RecordPanelProps } from "./record-panels.tsx";
export { proposeChange, listProposals, getProposal, approveProposal, rejectProposal, withdrawProposal, applyOp, type Proposal, type ProposalOp } from "./proposals.ts";
