// The web shell's door to services/ and platform/ (node-only code). Route modules reach server code only
// through *.server.ts modules like this one, so the browser bundle never pulls it in (esbuild cannot drop
// an import of a package with side effects, such as the argon2 binding, even when only the action uses it).
export { signIn, signOut } from "../../services/auth";
export {
  activateUser,
  createUser,
  deactivateUser,
  resetUserPassword,
  setUserRole,
  UserAdminError,
} from "../../services/users";
export { OperatorNotConfiguredError, setPresence } from "../../services/operators";
export { IntakeError, registerFromCall, type IntakeErrorCode, type IntakeInput, type IntakeResult } from "../../services/intake";
export {
  addTicketNote,
  cancelTicket,
  changeTicketStatus,
  IllegalTransitionError,
  MAX_NOTE_LENGTH,
  MAX_REASON_LENGTH,
  TicketInputError,
  TicketNotFoundError,
} from "../../services/tickets";
export { InvalidPhoneNumberError, NotAnOperatorError, requestClickToDial } from "../../services/calls";
export { acknowledgeAlert, AlertNotFoundError } from "../../services/alerts";
export {
  InvalidScoreError,
  MAX_SURVEY_COMMENT_LENGTH,
  recordSurveyNoAnswer,
  recordSurveyScore,
  SurveyNotFoundError,
  surveyConfigOf,
} from "../../services/satisfaction";
export { publicLinks, ticketNumberFromToken } from "../../platform/links";
export { resetSmsTemplate, SmsTemplateInvalidError, updateSmsTemplate } from "../../services/sms-templates";
export { AssignmentError, assignTechnician } from "../../services/assignments";
export {
  completeJob,
  JobReportInputError,
  MAX_INVOICE_RIALS,
  MAX_PART_NAME_LENGTH,
  MAX_SERIAL_LENGTH,
  MAX_WORK_DONE_LENGTH,
  NotYourJobError,
  type JobReportInput,
} from "../../services/job-completion";
export { JobActionNotAllowedError, JobLinkRefusedError, openJobLink, pressJobAction, type JobPress } from "../../services/technician-links";
// the agency portal (issue 13): an agency's answer to an offer, its technicians
export { acceptOffer, MAX_OFFER_REJECT_REASON_LENGTH, OfferAnswerError, rejectOffer, type OfferAnswerErrorCode } from "../../services/agency-offers";
export { addTechnician, MAX_TECHNICIAN_NAME_LENGTH, setTechnicianActive, TechnicianError, updateTechnician } from "../../services/technicians";
export {
  AgencyNotFoundError,
  HARD_EXCLUSIONS,
  REASSIGNABLE_STATUSES,
  ReassignRefusedError,
  reassignmentChoices,
  reassignTicket,
  setAgencyStatus,
  SupervisionInputError,
} from "../../services/supervision";
// agency administration (issue 14 §5)
export {
  addFeeRate,
  AgencyAdminError,
  createAgency,
  setAgencyAuthorizations,
  updateAgency,
  updateFeeRate,
  type AgencyDetails,
} from "../../services/agency-admin";
export { AgencyImportInputError, requestAgencyImport } from "../../services/agency-import";
export { adjustFee, LedgerError, NoFeeRateError, settleStatement } from "../../services/fees";
// the voice of the customer (issue 14): classifying a complaint ticket
export { classifyFeedback, InvalidFeedbackError, NotFeedbackTicketError } from "../../services/feedback";
// spare parts (issue 15 §4): the catalogue, part requests, the parts desk
export {
  addSparePart,
  adjustAgencyStock,
  StockAdjustError,
  CatalogueError,
  IllegalPartStepError,
  MAX_LIST_PRICE_RIALS,
  PartRequestError,
  requestPartsByAgency,
  stepPartRequest,
  updateSparePart,
} from "../../services/parts";
// quality and the agency scorecard (issue 15 §5)
export { endAgencyProbation, updateQualitySettings } from "../../services/quality";
// issue 15 §3: warranty claims and their tariffs
export { addLabourTariff, addTravelBand, ClaimError, decideClaim, fileClaim, priceClaim, recordPartReturn, submitClaim, type ClaimErrorCode } from "../../services/claims";
// (issue 14 §3) a satisfaction survey's comment classified
export { classifySurveyComment, SurveyCommentError } from "../../services/survey-comments";
// warranty per serial (issue 15 §1)
export { checkWarrantyCardOnWeb } from "../../services/warranty-cards";
export { ProductNotFoundError, REGISTRY_ID_RE, RegistryIdTakenError, setWarrantyRegistryId } from "../../services/warranty-products";
// issuing warranty cards in batches (issue 15 §1, h6)
export { CardBatchInputError, CardBatchRowsError, issueWarrantyCardBatch } from "../../services/warranty-card-batches";
// issue 15 §3 (h5): editable drafts and corrections of a decided claim
export { correctClaim, editDraft } from "../../services/claims";
