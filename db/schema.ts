import type { ColumnType, Generated, Insertable, Selectable, Updateable } from "kysely";

/** The typed shape of the database, kept in step with db/migrations. */

type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;
type TimestampNullable = ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
/** 'YYYY-MM-DD' */
type DateString = ColumnType<string, string, string>;
type DateStringNullable = ColumnType<string | null, string | null | undefined, string | null>;
type Json<T> = ColumnType<T, string | undefined, string>;
type Id = Generated<number>;

import type { Role } from "../core/roles";
import type {
  ActorKind,
  AgencyStatus,
  OfferStatus,
  Priority,
  TicketChannel,
  TicketStatus,
  TicketType,
  WarrantyStatus,
} from "../core/ticket";

// The vocabulary is defined once in core/; the schema only uses it.
export type { ActorKind, AgencyStatus, OfferStatus, Priority, Role, TicketChannel, TicketType, WarrantyStatus };
export type TicketStatusValue = TicketStatus;

export interface AgenciesTable {
  id: Id;
  code: string;
  name: string;
  manager_name: string | null;
  phones: ColumnType<string[], string[] | undefined, string[]>;
  mobile: string | null;
  email: string | null;
  status: Generated<AgencyStatus>;
  status_reason: string | null;
  status_changed_at: Generated<Date>;
  contract_start: DateStringNullable;
  contract_end: DateStringNullable;
  province: string;
  city: string;
  address_text: string | null;
  lat: number | null;
  lng: number | null;
  service_radius_km: number | null;
  technician_count: Generated<number>;
  daily_job_capacity: Generated<number>;
  working_hours: Json<Record<string, [string, string] | null>>;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
}

export interface UsersTable {
  id: Id;
  username: string;
  display_name: string;
  role: Role;
  agency_id: number | null;
  password_hash: string;
  mobile: string | null;
  locale: Generated<"fa" | "en">;
  active: Generated<boolean>;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
}

export interface SessionsTable {
  id: string;
  user_id: number;
  created_at: Generated<Date>;
  expires_at: Timestamp;
  last_seen_at: Generated<Date>;
  ip: string | null;
  user_agent: string | null;
}

export interface LoginAttemptsTable {
  id: Id;
  username: string;
  ip: string;
  succeeded: boolean;
  attempted_at: Generated<Date>;
}

export interface CustomersTable {
  id: Id;
  full_name: string;
  mobile: string;
  other_phones: ColumnType<string[], string[] | undefined, string[]>;
  national_code: string | null;
  notes: string | null;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
}

export interface CustomerAddressesTable {
  id: Id;
  customer_id: number;
  label: string | null;
  province: string;
  city: string;
  address_text: string;
  postal_code: string | null;
  lat: number | null;
  lng: number | null;
  is_default: Generated<boolean>;
  created_at: Generated<Date>;
}

export interface BrandsTable {
  id: Id;
  code: string;
  name_fa: string;
  name_en: string;
}

export interface ProductCategoriesTable {
  id: Id;
  code: string;
  name_fa: string;
  name_en: string;
  default_warranty_months: Generated<number>;
}

export interface ProductModelsTable {
  id: Id;
  brand_id: number;
  category_id: number;
  model_code: string;
  name: string;
  warranty_months: number | null;
}

export interface CustomerProductsTable {
  id: Id;
  customer_id: number;
  model_id: number;
  serial_number: string;
  purchase_date: DateStringNullable;
  warranty_months: number;
  warranty_expires_on: DateStringNullable;
  invoice_ref: string | null;
  created_at: Generated<Date>;
}

export interface AgencyServiceAreasTable {
  id: Id;
  agency_id: number;
  province: string;
  city: string | null;
}

export interface AgencyAuthorizationsTable {
  agency_id: number;
  brand_id: number;
  category_id: number;
  granted_on: ColumnType<string, string | undefined, string>;
}

export interface AgencyFeeRatesTable {
  id: Id;
  agency_id: number;
  rate_percent: number;
  effective_from: DateString;
  effective_to: DateStringNullable;
}

export interface TechniciansTable {
  id: Id;
  agency_id: number;
  full_name: string;
  mobile: string;
  active: Generated<boolean>;
  created_at: Generated<Date>;
}

export interface TicketsTable {
  id: Id;
  number: Generated<number>;
  type: TicketType;
  channel: TicketChannel;
  customer_id: number;
  customer_product_id: number | null;
  problem_category_id: number | null;
  problem_description: Generated<string>;
  warranty_status: WarrantyStatus;
  priority: Generated<Priority>;
  address_id: number | null;
  province: string | null;
  city: string | null;
  address_text: string | null;
  lat: number | null;
  lng: number | null;
  status: Generated<TicketStatusValue>;
  assigned_agency_id: number | null;
  technician_id: number | null;
  related_ticket_id: number | null;
  created_by: number | null;
  sla_accept_due_at: TimestampNullable;
  sla_visit_due_at: TimestampNullable;
  sla_resolve_due_at: TimestampNullable;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
  closed_at: TimestampNullable;
}

export interface TicketEventsTable {
  id: Id;
  ticket_id: number;
  at: Generated<Date>;
  actor_kind: ActorKind;
  actor_user_id: number | null;
  actor_label: string | null;
  event_type: string;
  from_status: TicketStatusValue | null;
  to_status: TicketStatusValue | null;
  data: Json<Record<string, unknown>>;
}

export interface DispatchOffersTable {
  id: Id;
  ticket_id: number;
  agency_id: number;
  attempt: Generated<number>;
  status: Generated<OfferStatus>;
  offered_at: Generated<Date>;
  deadline_at: Timestamp;
  responded_at: TimestampNullable;
  response_reason: string | null;
  responded_by: number | null;
  technician_id: number | null;
  visit_from: TimestampNullable;
  visit_to: TimestampNullable;
}

export interface CallsTable {
  id: Id;
  channel_id: string | null;
  direction: "inbound" | "outbound";
  caller_number: string | null;
  called_number: string | null;
  queue: string | null;
  operator_user_id: number | null;
  customer_id: number | null;
  ticket_id: number | null;
  started_at: Generated<Date>;
  answered_at: TimestampNullable;
  ended_at: TimestampNullable;
  wait_seconds: number | null;
  talk_seconds: number | null;
  disposition: "answered" | "missed" | "abandoned" | "busy" | "failed" | null;
}

export interface RecordingsTable {
  id: Id;
  call_id: number;
  storage_key: string;
  format: "wav" | "gsm" | "ulaw" | "alaw" | "sln" | "mp3" | "ogg";
  duration_seconds: number | null;
  size_bytes: number | null;
  checksum_sha256: string | null;
  created_at: Generated<Date>;
}

export interface SmsMessagesTable {
  id: Id;
  direction: "outbound" | "inbound";
  local_id: Generated<string>;
  provider_message_id: string | null;
  sender: string | null;
  receptor: string;
  body: string;
  purpose: string | null;
  status: "queued" | "sending" | "sent" | "delivered" | "failed" | "undeliverable" | "received";
  attempts: Generated<number>;
  last_error: string | null;
  ticket_id: number | null;
  agency_id: number | null;
  technician_id: number | null;
  created_at: Generated<Date>;
  sent_at: TimestampNullable;
  delivered_at: TimestampNullable;
  received_at: TimestampNullable;
}

export interface CompletionReportsTable {
  id: Id;
  ticket_id: number;
  agency_id: number;
  technician_id: number | null;
  completed_at: Timestamp;
  work_description: string;
  invoice_number: string | null;
  invoice_amount_rials: Generated<number>;
  created_at: Generated<Date>;
}

export interface CompletionPartsTable {
  id: Id;
  report_id: number;
  part_code: string | null;
  name: string;
  serial_number: string | null;
  quantity: Generated<number>;
  unit_price_rials: Generated<number>;
}

export interface ReferralFeesTable {
  id: Id;
  agency_id: number;
  ticket_id: number;
  /** Jalali year-month, e.g. '1405-09': agency statements follow the Solar Hijri month. */
  period: string;
  invoice_amount_rials: number;
  rate_percent: number;
  fee_rials: number;
  accrued_at: Generated<Date>;
  settled: Generated<boolean>;
  settled_at: TimestampNullable;
  settlement_ref: string | null;
}

export interface SatisfactionSurveysTable {
  id: Id;
  ticket_id: number;
  channel: "ivr_dtmf" | "operator_call" | "sms" | "web";
  status: Generated<"pending" | "answered" | "no_answer" | "refused">;
  score: number | null;
  comment: string | null;
  operator_user_id: number | null;
  complaint_ticket_id: number | null;
  created_at: Generated<Date>;
  surveyed_at: TimestampNullable;
}

export interface AuditLogTable {
  id: Id;
  at: Generated<Date>;
  actor_user_id: number | null;
  action: string;
  entity_type: string | null;
  entity_id: string | null;
  ip: string | null;
  details: Json<Record<string, unknown>>;
}

export interface Database {
  agencies: AgenciesTable;
  users: UsersTable;
  sessions: SessionsTable;
  login_attempts: LoginAttemptsTable;
  customers: CustomersTable;
  customer_addresses: CustomerAddressesTable;
  brands: BrandsTable;
  product_categories: ProductCategoriesTable;
  product_models: ProductModelsTable;
  customer_products: CustomerProductsTable;
  agency_service_areas: AgencyServiceAreasTable;
  agency_authorizations: AgencyAuthorizationsTable;
  agency_fee_rates: AgencyFeeRatesTable;
  technicians: TechniciansTable;
  tickets: TicketsTable;
  ticket_events: TicketEventsTable;
  dispatch_offers: DispatchOffersTable;
  calls: CallsTable;
  recordings: RecordingsTable;
  sms_messages: SmsMessagesTable;
  completion_reports: CompletionReportsTable;
  completion_parts: CompletionPartsTable;
  referral_fees: ReferralFeesTable;
  satisfaction_surveys: SatisfactionSurveysTable;
  audit_log: AuditLogTable;
}

export type User = Selectable<UsersTable>;
export type NewUser = Insertable<UsersTable>;
export type Agency = Selectable<AgenciesTable>;
export type Ticket = Selectable<TicketsTable>;
export type TicketUpdate = Updateable<TicketsTable>;
