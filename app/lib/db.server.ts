// The web shell's door to the data layer (db/ lives outside app/).
export type { DB } from "../../db/connection";
export { pingDatabase } from "../../db/connection";
export type { DataScope } from "../../db/repos/scope";
export * as users from "../../db/repos/users";
export * as sessions from "../../db/repos/sessions";
export * as loginAttempts from "../../db/repos/login-attempts";
export * as tickets from "../../db/repos/tickets";
export * as dashboard from "../../db/repos/dashboard";
export * as agencies from "../../db/repos/agencies";
export * as audit from "../../db/repos/audit";
export { telephonyHealth } from "../../db/repos/telephony";
export { workersHealth } from "../../db/repos/jobs";
export * as desk from "../../db/repos/desk";
export * as alerts from "../../db/repos/alerts";
export * as satisfaction from "../../db/repos/satisfaction";
export * as smsTemplates from "../../db/repos/sms-templates";
export * as tracking from "../../db/repos/tracking";
export * as jobReports from "../../db/repos/job-reports";
export * as technicianLinks from "../../db/repos/technician-links";
export * as supervision from "../../db/repos/supervision";
export * as dispatchRepo from "../../db/repos/dispatch";
// agency and user administration (issue 14 §5)
export * as agencyAdmin from "../../db/repos/agency-admin";
export * as feeRates from "../../db/repos/fee-rates";
export * as callKpis from "../../db/repos/call-kpis";
export * as fees from "../../db/repos/fees";
export * as voice from "../../db/repos/voice";
export * as parts from "../../db/repos/parts";
// quality and the agency scorecard (issue 15 §5)
export * as quality from "../../db/repos/quality";
// issue 15 §3: warranty claims and their tariffs
export * as claims from "../../db/repos/claims";
export * as surveyComments from "../../db/repos/survey-comments";
// warranty per serial (issue 15 §1)
export * as warranty from "../../db/repos/warranty";
export * as warrantyBatches from "../../db/repos/warranty-batches";
// issue 15 §3 (h5): a claim's structured history and its ledger entries
export * as claimEvents from "../../db/repos/claim-events";
