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
