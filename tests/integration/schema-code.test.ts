import { sql, type SelectType } from "kysely";
import { describe, expect, it } from "vitest";
import {
  ATTEMPT_OUTCOMES,
  CALL_DIRECTIONS,
  CALL_DISPOSITIONS,
  CALL_QUEUES,
  CALL_STATES,
  CALLBACK_STATUSES,
  IVR_CHOICES,
  OPERATOR_PRESENCES,
} from "../../core/call";
import { HOLD_REASONS } from "../../core/dispatch";
import { LEDGER_KINDS } from "../../core/ledger";
import { CLAIM_EVENT_KINDS, CLAIM_LINE_KINDS, CLAIM_STATUSES, SERVICE_TYPES } from "../../core/claims";
import { FEEDBACK_CATEGORIES, FEEDBACK_KINDS } from "../../core/feedback";
import { PHOTO_CONTENT_TYPES } from "../../core/photos";
import { REGION_TIERS } from "../../core/region-tier";
import { SERVICE_RULE_KEYS, SUPERVISOR_TASK_KINDS, SUPERVISOR_TASK_REASONS, SUPERVISOR_TASK_STATUSES } from "../../core/service-rules";
import { AGENCY_ROLES, ROLES } from "../../core/roles";
import { SLA_LEVELS, SLA_STAGE_OPEN_STATUSES, SLA_STAGES } from "../../core/sla";
import { SLA_STAGE_INDEXES } from "../../services/sla";
import { SURVEY_CHANNELS, SURVEY_MODES, SURVEY_STATUSES } from "../../core/satisfaction";
import { SMS_TEMPLATE_KINDS } from "../../core/sms-templates";
import { SURVEY_COMMENT_KINDS } from "../../core/survey-comments";
import { SMS_STATUSES } from "../../core/sms";
import { PART_REQUEST_STATUSES, PART_SOURCES } from "../../core/parts";
import {
  ACTOR_KINDS,
  AGENCY_STATUSES,
  OFFER_STATUSES,
  PRIORITIES,
  TICKET_CHANNELS,
  TICKET_EVENT_TYPES,
  TICKET_HOLD_REASONS,
  TICKET_STATUSES,
  TICKET_TYPES,
  WARRANTY_STATUSES,
} from "../../core/ticket";
import { WARRANTY_START_RULES } from "../../core/warranty";
import { CARD_ATTEMPT_OUTCOMES, CARD_CHANNELS, PRODUCT_EVENT_KINDS } from "../../core/warranty-card";
import type { Database } from "../../db/schema";
import { getTestDb } from "../support/db";

/*
 * db/schema.ts (TypeScript types, gone at run time) and the migrated database must not drift apart.
 * The bridge is COLUMNS below: the compiler holds it to db/schema.ts (every table, every column, its
 * kind and nullability; a column missing, extra or of another kind is a type error), and the tests
 * hold it to information_schema. A new migration therefore needs its schema.ts change and a line here.
 */

/** What a column reads as in TypeScript, as information_schema's data_type is mapped below. */
type Kind<T> = T extends Date
  ? "Date"
  : T extends boolean
    ? "boolean"
    : T extends number
      ? "number"
      : T extends string
        ? "string"
        : T extends readonly unknown[]
          ? "array"
          : T extends object
            ? "json"
            : never;
type ColumnSpec<T> = null extends T ? `${Kind<NonNullable<T>>} | null` : Kind<T>;
type Spec = { [T in keyof Database]: { [C in keyof Database[T]]-?: ColumnSpec<SelectType<Database[T][C]>> } };

const COLUMNS = {
  agencies: {
    id: "number",
    code: "string",
    name: "string",
    manager_name: "string | null",
    phones: "array",
    mobile: "string | null",
    email: "string | null",
    status: "string",
    status_reason: "string | null",
    status_changed_at: "Date",
    contract_start: "string | null",
    contract_end: "string | null",
    province: "string",
    city: "string",
    address_text: "string | null",
    lat: "number | null",
    lng: "number | null",
    service_radius_km: "number | null",
    technician_count: "number",
    daily_job_capacity: "number",
    working_hours: "json",
    created_at: "Date",
    updated_at: "Date",
  },
  agency_authorizations: {
    agency_id: "number",
    brand_id: "number",
    category_id: "number",
    granted_on: "string",
  },
  agency_fee_rates: {
    id: "number",
    agency_id: "number",
    rate_percent: "number",
    effective_from: "string",
    effective_to: "string | null",
  },
  agency_service_areas: {
    id: "number",
    agency_id: "number",
    province: "string",
    city: "string | null",
  },
  agency_service_polygons: {
    id: "number",
    agency_id: "number",
    area: "string",
    created_at: "Date",
  },
  audit_log: {
    id: "number",
    at: "Date",
    actor_user_id: "number | null",
    action: "string",
    entity_type: "string | null",
    entity_id: "string | null",
    ip: "string | null",
    details: "json",
  },
  brands: {
    id: "number",
    code: "string",
    name_fa: "string",
    name_en: "string",
  },
  calls: {
    id: "number",
    channel_id: "string | null",
    direction: "string",
    caller_number: "string | null",
    called_number: "string | null",
    queue: "string | null",
    operator_user_id: "number | null",
    customer_id: "number | null",
    ticket_id: "number | null",
    started_at: "Date",
    answered_at: "Date | null",
    ended_at: "Date | null",
    wait_seconds: "number | null",
    talk_seconds: "number | null",
    disposition: "string | null",
    state: "string",
    ivr_choice: "string | null",
    keyed_ticket_number: "number | null",
    enqueued_at: "Date | null",
    holding_bridge_id: "string | null",
    bridge_id: "string | null",
    operator_channel_id: "string | null",
    recording_name: "string | null",
    hangup_cause: "number | null",
    callback_id: "number | null",
    created_by: "number | null",
    node_id: "string | null",
  },
  telephony_nodes: {
    node_id: "string",
    host: "string",
    pid: "number",
    ari_url: "string",
    ari_app: "string",
    started_at: "Date",
    heartbeat_at: "Date",
    stopped_at: "Date | null",
    connected: "boolean",
    last_connected_at: "Date | null",
    last_error: "string | null",
    last_error_at: "Date | null",
    reconnects: "number",
  },
  operators: {
    user_id: "number",
    extension: "string",
    skills: "array",
    presence: "string",
    presence_since: "Date",
    last_call_ended_at: "Date | null",
    updated_at: "Date",
  },
  call_attempts: {
    id: "number",
    call_id: "number",
    operator_user_id: "number",
    channel_id: "string | null",
    started_at: "Date",
    ended_at: "Date | null",
    outcome: "string",
    hangup_cause: "number | null",
  },
  call_callbacks: {
    id: "number",
    call_id: "number",
    number: "string",
    queue: "string",
    place_at: "Date",
    requested_at: "Date",
    status: "string",
    operator_user_id: "number | null",
    outbound_call_id: "number | null",
    done_at: "Date | null",
  },
  call_stats_hourly: {
    local_day: "string",
    local_hour: "number",
    queue: "string",
    operator_user_id: "number",
    offered: "number",
    answered: "number",
    abandoned: "number",
    answered_within: "number",
    answer_wait_seconds: "number",
    talk_seconds: "number",
    longest_wait_seconds: "number",
    rung: "number",
    missed: "number",
  },
  call_stats_daily: {
    local_day: "string",
    queue: "string",
    operator_user_id: "number",
    offered: "number",
    answered: "number",
    abandoned: "number",
    answered_within: "number",
    answer_wait_seconds: "number",
    talk_seconds: "number",
    longest_wait_seconds: "number",
    rung: "number",
    missed: "number",
  },
  call_stats_state: {
    id: "number",
    refreshed_at: "Date",
    ended_before: "Date",
    threshold_seconds: "number",
  },
  ticket_calls: {
    ticket_id: "number",
    call_id: "number",
    linked_at: "Date",
    linked_by: "number | null",
  },
  idempotency_keys: {
    key: "string",
    user_id: "number",
    action: "string",
    result: "json",
    created_at: "Date",
  },
  completion_parts: {
    id: "number",
    report_id: "number",
    part_code: "string | null",
    name: "string",
    serial_number: "string | null",
    quantity: "number",
    unit_price_rials: "number",
  },
  completion_reports: {
    id: "number",
    ticket_id: "number",
    agency_id: "number",
    technician_id: "number | null",
    completed_at: "Date",
    work_description: "string",
    invoice_number: "string | null",
    invoice_amount_rials: "number",
    created_at: "Date",
  },
  customer_addresses: {
    id: "number",
    customer_id: "number",
    label: "string | null",
    province: "string",
    city: "string",
    address_text: "string",
    postal_code: "string | null",
    lat: "number | null",
    lng: "number | null",
    is_default: "boolean",
    created_at: "Date",
  },
  customer_products: {
    id: "number",
    customer_id: "number",
    model_id: "number",
    serial_number: "string",
    purchase_date: "string | null",
    warranty_months: "number",
    warranty_expires_on: "string | null",
    invoice_ref: "string | null",
    created_at: "Date",
    warranty_registry_id: "string | null",
    installed_on: "string | null",
  },
  customers: {
    id: "number",
    full_name: "string",
    name_search: "string",
    mobile: "string",
    other_phones: "array",
    national_code: "string | null",
    notes: "string | null",
    created_at: "Date",
    updated_at: "Date",
  },
  dispatch_offers: {
    id: "number",
    ticket_id: "number",
    agency_id: "number",
    attempt: "number",
    status: "string",
    offered_at: "Date",
    deadline_at: "Date",
    responded_at: "Date | null",
    response_reason: "string | null",
    responded_by: "number | null",
    technician_id: "number | null",
    visit_from: "Date | null",
    visit_to: "Date | null",
  },
  login_attempts: {
    id: "number",
    username: "string",
    ip: "string",
    succeeded: "boolean",
    attempted_at: "Date",
  },
  product_categories: {
    id: "number",
    code: "string",
    name_fa: "string",
    name_en: "string",
    default_warranty_months: "number",
    warranty_start: "string",
  },
  product_models: {
    id: "number",
    brand_id: "number",
    category_id: "number",
    model_code: "string",
    name: "string",
    warranty_months: "number | null",
  },
  recordings: {
    id: "number",
    call_id: "number",
    storage_key: "string",
    format: "string",
    duration_seconds: "number | null",
    size_bytes: "number | null",
    checksum_sha256: "string | null",
    created_at: "Date",
  },
  agency_ledger: {
    id: "number",
    agency_id: "number",
    kind: "string",
    period: "string",
    amount_rials: "number",
    at: "Date",
    ticket_id: "number | null",
    invoice_amount_rials: "number | null",
    rate_percent: "number | null",
    adjusts_entry_id: "number | null",
    reason: "string | null",
    reference: "string | null",
    paid_on: "string | null",
    created_by: "number | null",
    brand_id: "number | null",
    category_id: "number | null",
    province: "string | null",
    claim_id: "number | null",
  },
  ledger_monthly: {
    period: "string",
    agency_id: "number",
    brand_id: "number | null",
    category_id: "number | null",
    province: "string | null",
    jobs: "number",
    invoice_rials: "number",
    fee_rials: "number",
    adjustment_rials: "number",
    payment_rials: "number",
    claim_rials: "number",
  },
  satisfaction_surveys: {
    id: "number",
    ticket_id: "number",
    channel: "string",
    status: "string",
    score: "number | null",
    comment: "string | null",
    operator_user_id: "number | null",
    complaint_ticket_id: "number | null",
    created_at: "Date",
    surveyed_at: "Date | null",
    mode: "string | null",
    due_at: "Date | null",
    next_attempt_at: "Date | null",
    attempts: "number",
    call_id: "number | null",
    sms_id: "number | null",
    sms_deadline_at: "Date | null",
    reply_sms_id: "number | null",
    updated_at: "Date",
    comment_kind: "string | null",
    comment_category: "string | null",
    comment_classified_by: "number | null",
    comment_classified_at: "Date | null",
  },
  sessions: {
    id: "string",
    user_id: "number",
    created_at: "Date",
    expires_at: "Date",
    last_seen_at: "Date",
    ip: "string | null",
    user_agent: "string | null",
  },
  technician_links: {
    id: "number",
    ticket_id: "number",
    technician_id: "number",
    agency_id: "number",
    token_hash: "string",
    issued_at: "Date",
    expires_at: "Date",
    revoked_at: "Date | null",
    revoke_reason: "string | null",
  },
  technician_link_failures: {
    id: "number",
    ip: "string",
    attempted_at: "Date",
  },
  sms_template_overrides: {
    kind: "string",
    body: "string",
    updated_by: "number | null",
    updated_at: "Date",
  },
  sms_messages: {
    id: "number",
    direction: "string",
    local_id: "string",
    provider_message_id: "string | null",
    sender: "string | null",
    receptor: "string",
    body: "string",
    purpose: "string | null",
    status: "string",
    attempts: "number",
    last_error: "string | null",
    ticket_id: "number | null",
    agency_id: "number | null",
    technician_id: "number | null",
    created_at: "Date",
    sent_at: "Date | null",
    delivered_at: "Date | null",
    received_at: "Date | null",
    inbound_message_id: "string | null",
    customer_id: "number | null",
    provider_status: "number | null",
    status_checked_at: "Date | null",
    status_at: "Date",
    batch_of: "number | null",
  },
  technicians: {
    id: "number",
    agency_id: "number",
    full_name: "string",
    mobile: "string",
    active: "boolean",
    created_at: "Date",
  },
  ticket_events: {
    id: "number",
    ticket_id: "number",
    at: "Date",
    actor_kind: "string",
    actor_user_id: "number | null",
    actor_label: "string | null",
    event_type: "string",
    from_status: "string | null",
    to_status: "string | null",
    data: "json",
  },
  tickets: {
    id: "number",
    number: "number",
    type: "string",
    channel: "string",
    customer_id: "number",
    customer_product_id: "number | null",
    problem_category_id: "number | null",
    problem_description: "string",
    warranty_status: "string",
    priority: "string",
    address_id: "number | null",
    province: "string | null",
    city: "string | null",
    address_text: "string | null",
    lat: "number | null",
    lng: "number | null",
    status: "string",
    assigned_agency_id: "number | null",
    technician_id: "number | null",
    related_ticket_id: "number | null",
    created_by: "number | null",
    sla_accept_due_at: "Date | null",
    sla_visit_due_at: "Date | null",
    sla_resolve_due_at: "Date | null",
    created_at: "Date",
    updated_at: "Date",
    closed_at: "Date | null",
    dispatch_held_at: "Date | null",
    dispatch_hold_reason: "string | null",
    feedback_kind: "string | null",
    feedback_category: "string | null",
    hold_reason: "string | null",
    hold_expected_date: "string | null",
    sla_accept_minutes: "number | null",
    sla_visit_minutes: "number | null",
    sla_resolve_minutes: "number | null",
  },
  ticket_status_counts: {
    id: "number",
    status: "string",
    tickets: "number",
  },
  sla_marks: {
    ticket_id: "number",
    stage: "string",
    level: "string",
    due_at: "Date",
    marked_at: "Date",
  },
  supervisor_alerts: {
    id: "number",
    created_at: "Date",
    kind: "string",
    ticket_id: "number",
    stage: "string",
    due_at: "Date",
    acknowledged_at: "Date | null",
    acknowledged_by: "number | null",
    agency_id: "number | null",
    note: "string | null",
  },
  completion_photos: {
    id: "number",
    report_id: "number",
    ticket_id: "number",
    storage_key: "string",
    content_type: "string",
    size_bytes: "number",
    sha256: "string",
    uploaded_at: "Date",
    source: "string",
    link_id: "number | null",
  },
  part_requests: {
    id: "number",
    ticket_id: "number",
    part_id: "number",
    agency_id: "number",
    quantity: "number",
    unit_price_rials: "number",
    status: "string",
    source: "string | null",
    expected_date: "string | null",
    note: "string | null",
    serial_number: "string | null",
    requested_by_kind: "string",
    requested_by_user_id: "number | null",
    technician_id: "number | null",
    requested_at: "Date",
    ordered_at: "Date | null",
    shipped_at: "Date | null",
    received_at: "Date | null",
    cancelled_at: "Date | null",
    cancel_reason: "string | null",
  },
  agency_part_stock: {
    agency_id: "number",
    part_id: "number",
    quantity: "number",
    updated_at: "Date",
  },
  delay_daily: {
    agency_id: "number",
    day: "string",
    cum_counts: "array",
    cum_seconds: "array",
    cum_hist: "array",
  },
  delay_daily_state: {
    id: "number",
    refreshed_at: "Date",
    changed_before: "Date",
    layout: "string",
  },
  official_holidays: {
    id: "number",
    jalali_year: "number",
    jalali_month: "number",
    jalali_day: "number",
    day: "string",
    reason: "string",
    created_by: "number | null",
    created_at: "Date",
  },
  working_calendar_state: {
    id: "number",
    version: "number",
    changed_at: "Date",
  },
  service_rule_settings: {
    key: "string",
    value: "number",
    updated_by: "number | null",
    updated_at: "Date",
  },
  supervisor_tasks: {
    id: "number",
    kind: "string",
    reason: "string",
    ticket_id: "number",
    evidence: "json",
    status: "string",
    created_at: "Date",
    acknowledged_at: "Date | null",
    acknowledged_by: "number | null",
    resolved_at: "Date | null",
    resolved_by: "number | null",
    resolution_note: "string | null",
  },
  warranty_cards: {
    id: "number",
    model_id: "number",
    serial_number: "string",
    code_hash: "string",
    code_last4: "string",
    issued_on: "string",
    activate_by: "string | null",
    activated_at: "Date | null",
    activated_phone: "string | null",
    activated_via: "string | null",
    customer_id: "number | null",
    customer_product_id: "number | null",
    created_at: "Date",
    batch_id: "number | null",
  },
  warranty_card_batches: {
    id: "number",
    model_id: "number",
    issued_by: "number | null",
    issued_at: "Date",
    issued_on: "string",
    activate_by: "string | null",
    card_count: "number",
  },
  warranty_card_attempts: {
    id: "number",
    at: "Date",
    channel: "string",
    phone: "string | null",
    ip: "string | null",
    code_last4: "string | null",
    outcome: "string",
    card_id: "number | null",
    sms_id: "number | null",
  },
  customer_product_events: {
    id: "number",
    customer_product_id: "number",
    at: "Date",
    kind: "string",
    ticket_id: "number | null",
    actor_user_id: "number | null",
    actor_label: "string | null",
    reason: "string | null",
    data: "json",
  },
  spare_parts: {
    id: "number",
    model_id: "number",
    code: "string",
    name: "string",
    list_price_rials: "number",
    serialized: "boolean",
    active: "boolean",
    created_at: "Date",
    updated_at: "Date",
  },
  // issue 15 §3: warranty claims
  labour_tariffs: {
    id: "number",
    category_id: "number",
    service_type: "string",
    amount_rials: "number",
    effective_from: "string",
    effective_to: "string | null",
    created_by: "number | null",
    created_at: "Date",
  },
  travel_fee_bands: {
    id: "number",
    from_km: "number",
    amount_rials: "number",
    effective_from: "string",
    effective_to: "string | null",
    created_by: "number | null",
    created_at: "Date",
  },
  warranty_claims: {
    id: "number",
    ticket_id: "number",
    agency_id: "number",
    service_type: "string",
    status: "string",
    distance_km: "number | null",
    claimed_rials: "number",
    approved_rials: "number | null",
    decision_reason: "string | null",
    created_by: "number | null",
    created_at: "Date",
    submitted_at: "Date | null",
    decided_at: "Date | null",
    decided_by: "number | null",
    paid_at: "Date | null",
    ledger_entry_id: "number | null",
  },
  warranty_claim_lines: {
    id: "number",
    claim_id: "number",
    kind: "string",
    spare_part_id: "number | null",
    labour_tariff_id: "number | null",
    travel_band_id: "number | null",
    description: "string",
    quantity: "number",
    unit_rials: "number",
    amount_rials: "number",
    serialized: "boolean",
    defective_serial: "string | null",
    approved_rials: "number | null",
    decision_reason: "string | null",
  },
  defective_part_returns: {
    id: "number",
    claim_line_id: "number",
    serial: "string",
    received_at: "Date",
    received_by: "number",
  },
  // issue 15 §3 (h5): a claim's history
  claim_events: {
    id: "number",
    claim_id: "number",
    at: "Date",
    actor_user_id: "number | null",
    kind: "string",
    amount_rials: "number | null",
    reason: "string | null",
    serial: "string | null",
    ledger_entry_id: "number | null",
  },
  agency_imports: {
    id: "number",
    created_by: "number | null",
    created_at: "Date",
    filename: "string",
    content: "string",
    status: "string",
    total_rows: "number",
    processed_rows: "number",
    imported_rows: "number",
    errors: "json",
    finished_at: "Date | null",
  },
  recording_downloads: {
    call_id: "number",
    recording_name: "string",
    status: "string",
    attempts: "number",
    last_error: "string | null",
    created_at: "Date",
    updated_at: "Date",
  },
  dispatch_decisions: {
    id: "number",
    ticket_id: "number",
    offer_id: "number | null",
    at: "Date",
    outcome: "string",
    hold_reason: "string | null",
    ranked: "json",
    excluded: "json",
    weights: "json",
    authorized_elsewhere: "number | null",
    unauthorized_nearby: "number | null",
    evaluated_within_km: "number | null",
  },
  agency_performance: {
    agency_id: "number",
    offers_accepted: "number",
    offers_decided: "number",
    visits_on_time: "number",
    visits_due: "number",
    csat_sum: "number",
    csat_count: "number",
    refreshed_at: "Date",
    answers: "number",
    answer_seconds_sum: "number",
    sla_due: "number",
    sla_met: "number",
    jobs: "number",
    reworks: "number",
    ftf: "number",
    jobs_total: "number",
    on_probation: "boolean",
    claims_decided: "number",
    claims_rejected: "number",
    claims_partly: "number",
  },
  // issue 15 §5: quality and the agency scorecard
  quality_settings: {
    id: "boolean",
    rework_window_days: "number",
    probation_months: "number",
    probation_jobs: "number",
    updated_by: "number | null",
    updated_at: "Date",
  },
  reworks: {
    ticket_id: "number",
    completed_ticket_id: "number",
    agency_id: "number",
    technician_id: "number | null",
    customer_product_id: "number",
    model_id: "number | null",
    registered_at: "Date",
    completed_at: "Date",
    window_days: "number",
  },
  job_quality: {
    ticket_id: "number",
    agency_id: "number",
    technician_id: "number | null",
    model_id: "number | null",
    completed_at: "Date",
    holds: "number",
    reopened: "boolean",
    rework_ticket_id: "number | null",
    first_time_fix: "boolean",
  },
  agency_scorecards: {
    period: "string",
    agency_id: "number",
    offers_decided: "number",
    offers_accepted: "number",
    answers: "number",
    answer_seconds_sum: "number",
    visits_due: "number",
    visits_on_time: "number",
    sla_due: "number",
    sla_met: "number",
    csat_count: "number",
    csat_sum: "number",
    jobs: "number",
    reworks: "number",
    ftf: "number",
    refreshed_at: "Date",
    claims_decided: "number",
    claims_rejected: "number",
    claims_partly: "number",
  },
  scorecard_state: {
    id: "boolean",
    reworks_last_ticket_id: "number",
    jobs_last_report_id: "number",
    jobs_last_event_id: "number",
    built_from: "Date | null",
    refreshed_at: "Date | null",
  },
  agency_probation: {
    agency_id: "number",
    ended_at: "Date",
    ended_by: "number | null",
    reason: "string",
  },
  repeat_breakdowns: {
    ticket_id: "number",
    previous_ticket_id: "number",
    customer_product_id: "number",
    model_id: "number",
    created_at: "Date",
    previous_created_at: "Date",
  },
  csat_daily: {
    day: "string",
    dim: "string",
    key: "number | null",
    answered: "number",
    score_sum: "number",
    satisfied: "number",
    low: "number",
  },
  voice_rollups_state: {
    id: "boolean",
    repeats_last_ticket_id: "number",
    repeats_refreshed_at: "Date | null",
    csat_through: "string | null",
    csat_refreshed_at: "Date | null",
  },
  worker_nodes: {
    node_id: "string",
    host: "string",
    pid: "number",
    concurrency: "number",
    started_at: "Date",
    heartbeat_at: "Date",
    stopped_at: "Date | null",
  },
  users: {
    id: "number",
    username: "string",
    display_name: "string",
    role: "string",
    agency_id: "number | null",
    password_hash: "string",
    mobile: "string | null",
    locale: "string",
    active: "boolean",
    created_at: "Date",
    updated_at: "Date",
  },
  sla_targets: {
    id: "number",
    priority: "string | null",
    category_id: "number | null",
    province: "string | null",
    accept_minutes: "number",
    visit_minutes: "number",
    resolve_minutes: "number",
    updated_by: "number | null",
    updated_at: "Date",
    region_tier: "string | null",
  },
  ticket_milestones: {
    ticket_id: "number",
    type: "string",
    priority: "string",
    category_id: "number | null",
    province: "string | null",
    agency_id: "number | null",
    registered_at: "Date",
    offered_at: "Date | null",
    accepted_at: "Date | null",
    visited_at: "Date | null",
    done_at: "Date | null",
    closed_at: "Date | null",
    cancelled: "boolean",
    accept_due_at: "Date | null",
    visit_due_at: "Date | null",
    resolve_due_at: "Date | null",
    rejections: "number",
    deadlines_missed: "number",
    waiting_parts: "number",
    customer_unavailable: "number",
    reassignments: "number",
    refreshed_at: "Date",
  },
} as const satisfies Spec;

const KIND_OF_PG_TYPE: Record<string, string> = {
  smallint: "number",
  integer: "number",
  bigint: "number", // int8 is parsed to a JS number by our pools (db/connection.ts)
  numeric: "number", // likewise
  "double precision": "number",
  real: "number",
  text: "string",
  "character varying": "string",
  uuid: "string",
  inet: "string",
  date: "string", // 'YYYY-MM-DD', never a Date
  "timestamp with time zone": "Date",
  boolean: "boolean",
  ARRAY: "array",
  jsonb: "json",
  polygon: "string", // PostgreSQL's geometric polygon, read as its text ((x,y),…)
};

/** A list naming every member of the union U once: a missing or unknown member is a type error. */
function allOf<U extends string>() {
  return <const L extends readonly U[]>(list: L & ([U] extends [L[number]] ? unknown : { missing: Exclude<U, L[number]> })) => list;
}
type Col<T extends keyof Database, C extends keyof Database[T]> = NonNullable<SelectType<Database[T][C]>> & string;

/** Every text column limited to a list of values: the list the code uses, and the one the database enforces. */
const VALUE_LISTS: { table: keyof Database; column: string; values: readonly string[] }[] = [
  // the vocabulary of core/, which schema.ts derives its unions from
  { table: "tickets", column: "status", values: TICKET_STATUSES },
  { table: "agency_ledger", column: "kind", values: LEDGER_KINDS },
  { table: "labour_tariffs", column: "service_type", values: SERVICE_TYPES },
  { table: "warranty_claims", column: "service_type", values: SERVICE_TYPES },
  { table: "warranty_claims", column: "status", values: CLAIM_STATUSES },
  { table: "warranty_claim_lines", column: "kind", values: CLAIM_LINE_KINDS },
  { table: "claim_events", column: "kind", values: CLAIM_EVENT_KINDS },
  { table: "ticket_events", column: "from_status", values: TICKET_STATUSES },
  { table: "ticket_events", column: "to_status", values: TICKET_STATUSES },
  { table: "tickets", column: "type", values: TICKET_TYPES },
  { table: "tickets", column: "channel", values: TICKET_CHANNELS },
  { table: "tickets", column: "warranty_status", values: WARRANTY_STATUSES },
  { table: "tickets", column: "priority", values: PRIORITIES },
  { table: "sla_targets", column: "priority", values: PRIORITIES },
  { table: "sla_targets", column: "region_tier", values: REGION_TIERS },
  { table: "service_rule_settings", column: "key", values: SERVICE_RULE_KEYS },
  { table: "supervisor_tasks", column: "kind", values: SUPERVISOR_TASK_KINDS },
  { table: "supervisor_tasks", column: "reason", values: SUPERVISOR_TASK_REASONS },
  { table: "supervisor_tasks", column: "status", values: SUPERVISOR_TASK_STATUSES },
  { table: "dispatch_offers", column: "status", values: OFFER_STATUSES },
  { table: "ticket_events", column: "actor_kind", values: ACTOR_KINDS },
  { table: "ticket_events", column: "event_type", values: TICKET_EVENT_TYPES },
  { table: "sla_marks", column: "stage", values: SLA_STAGES },
  { table: "sla_marks", column: "level", values: SLA_LEVELS },
  { table: "supervisor_alerts", column: "stage", values: SLA_STAGES },
  {
    table: "supervisor_alerts",
    column: "kind",
    values: allOf<Col<"supervisor_alerts", "kind">>()(["sla_at_risk", "sla_breached", "dispatch_held", "cannot_repair"]),
  },
  {
    table: "recording_downloads",
    column: "status",
    values: allOf<Col<"recording_downloads", "status">>()(["pending", "done", "failed"]),
  },
  { table: "agencies", column: "status", values: AGENCY_STATUSES },
  {
    table: "agency_imports",
    column: "status",
    values: allOf<Col<"agency_imports", "status">>()(["pending", "validating", "importing", "done", "failed"]),
  },
  { table: "completion_photos", column: "content_type", values: PHOTO_CONTENT_TYPES },
  { table: "completion_photos", column: "source", values: allOf<Col<"completion_photos", "source">>()(["portal", "link"]) },
  { table: "tickets", column: "dispatch_hold_reason", values: HOLD_REASONS },
  { table: "tickets", column: "feedback_kind", values: FEEDBACK_KINDS },
  { table: "tickets", column: "feedback_category", values: FEEDBACK_CATEGORIES },
  // issue 15 §4: hold reasons and part requests
  { table: "tickets", column: "hold_reason", values: TICKET_HOLD_REASONS },
  { table: "part_requests", column: "status", values: PART_REQUEST_STATUSES },
  { table: "part_requests", column: "source", values: PART_SOURCES },
  { table: "part_requests", column: "requested_by_kind", values: allOf<Col<"part_requests", "requested_by_kind">>()(["technician", "agency", "user"]) },
  { table: "satisfaction_surveys", column: "comment_kind", values: SURVEY_COMMENT_KINDS },
  { table: "satisfaction_surveys", column: "comment_category", values: FEEDBACK_CATEGORIES },
  { table: "csat_daily", column: "dim", values: allOf<Col<"csat_daily", "dim">>()(["total", "agency", "technician", "brand", "category"]) },
  { table: "dispatch_decisions", column: "hold_reason", values: HOLD_REASONS },
  { table: "dispatch_decisions", column: "outcome", values: allOf<Col<"dispatch_decisions", "outcome">>()(["offered", "held"]) },
  { table: "users", column: "role", values: ROLES },
  { table: "calls", column: "state", values: CALL_STATES },
  { table: "calls", column: "ivr_choice", values: IVR_CHOICES },
  { table: "operators", column: "presence", values: OPERATOR_PRESENCES },
  { table: "call_attempts", column: "outcome", values: ATTEMPT_OUTCOMES },
  { table: "call_callbacks", column: "status", values: CALLBACK_STATUSES },
  { table: "call_callbacks", column: "queue", values: CALL_QUEUES },
  { table: "sms_template_overrides", column: "kind", values: SMS_TEMPLATE_KINDS },
  // issue 15 §1: warranty per serial
  { table: "warranty_cards", column: "activated_via", values: CARD_CHANNELS },
  { table: "warranty_card_attempts", column: "channel", values: CARD_CHANNELS },
  { table: "warranty_card_attempts", column: "outcome", values: CARD_ATTEMPT_OUTCOMES },
  { table: "customer_product_events", column: "kind", values: PRODUCT_EVENT_KINDS },
  { table: "product_categories", column: "warranty_start", values: WARRANTY_START_RULES },
  // unions written in schema.ts itself
  { table: "users", column: "locale", values: allOf<Col<"users", "locale">>()(["fa", "en"]) },
  { table: "calls", column: "direction", values: CALL_DIRECTIONS },
  { table: "calls", column: "disposition", values: CALL_DISPOSITIONS },
  {
    table: "recordings",
    column: "format",
    values: allOf<Col<"recordings", "format">>()(["wav", "gsm", "ulaw", "alaw", "sln", "mp3", "ogg"]),
  },
  { table: "sms_messages", column: "direction", values: allOf<Col<"sms_messages", "direction">>()(["outbound", "inbound"]) },
  { table: "sms_messages", column: "status", values: SMS_STATUSES },
  {
    table: "satisfaction_surveys",
    column: "channel",
    values: allOf<Col<"satisfaction_surveys", "channel">>()(SURVEY_CHANNELS),
  },
  { table: "satisfaction_surveys", column: "mode", values: allOf<Col<"satisfaction_surveys", "mode">>()(SURVEY_MODES) },
  {
    table: "satisfaction_surveys",
    column: "status",
    values: allOf<Col<"satisfaction_surveys", "status">>()(SURVEY_STATUSES),
  },
];

interface CheckConstraint {
  table: string;
  columns: string[];
  definition: string;
}

async function checkConstraints(): Promise<CheckConstraint[]> {
  const db = await getTestDb();
  const r = await sql<CheckConstraint>`
    select c.conrelid::regclass::text as table,
           array(select a.attname::text from pg_attribute a
                 where a.attrelid = c.conrelid and a.attnum = any (c.conkey) order by a.attname) as columns,
           pg_get_constraintdef(c.oid) as definition
    from pg_constraint c
    where c.contype = 'c' and c.connamespace = 'public'::regnamespace`.execute(db);
  return r.rows;
}

/** The quoted literals of a definition such as `CHECK ((status = ANY (ARRAY['new'::text, 'assigned'::text])))`. */
function literals(definition: string): string[] {
  return [...definition.matchAll(/'((?:[^']|'')*)'::text/g)].map((m) => m[1]!.replaceAll("''", "'"));
}

const sorted = (values: readonly string[]) => [...values].sort();

describe("db/schema.ts against the migrated database", () => {
  it("has exactly the database's tables", async () => {
    const db = await getTestDb();
    const r = await sql<{ table_name: string }>`
      select table_name from information_schema.tables
      where table_schema = 'public' and table_type = 'BASE TABLE' and table_name not like 'kysely\\_%'`.execute(db);
    expect(sorted(r.rows.map((t) => t.table_name))).toEqual(sorted(Object.keys(COLUMNS)));
  });

  it("has every table's columns, with their kinds and nullability", async () => {
    const db = await getTestDb();
    const r = await sql<{ table_name: string; column_name: string; data_type: string; is_nullable: "YES" | "NO" }>`
      select table_name, column_name, data_type, is_nullable from information_schema.columns
      where table_schema = 'public' and table_name not like 'kysely\\_%'`.execute(db);
    const actual: Record<string, Record<string, string>> = {};
    for (const c of r.rows) {
      const kind = KIND_OF_PG_TYPE[c.data_type] ?? `unmapped type ${c.data_type}`;
      (actual[c.table_name] ??= {})[c.column_name] = c.is_nullable === "YES" ? `${kind} | null` : kind;
    }
    for (const [table, columns] of Object.entries(COLUMNS)) {
      expect({ table, columns: actual[table] }).toEqual({ table, columns });
    }
  });
});

describe("the database's CHECK constraints against the code's value lists", () => {
  it.each(VALUE_LISTS.map((l) => [`${l.table}.${l.column}`, l] as const))("%s allows exactly the code's values", async (_, list) => {
    const own = (await checkConstraints()).filter(
      (c) => c.table === list.table && c.columns.length === 1 && c.columns[0] === list.column && /= ANY \(ARRAY\[/.test(c.definition),
    );
    expect(own.map((c) => c.definition)).toHaveLength(1);
    expect(sorted(literals(own[0]!.definition))).toEqual(sorted(list.values));
  });

  it("holds operators' skills to the queues", async () => {
    const own = (await checkConstraints()).filter((c) => c.table === "operators" && c.columns.join() === "skills");
    expect(own).toHaveLength(1);
    expect(sorted(literals(own[0]!.definition))).toEqual(sorted(CALL_QUEUES));
  });

  it("ties exactly the agency roles to an agency", async () => {
    const tie = (await checkConstraints()).filter((c) => c.table === "users" && sorted(c.columns).join() === "agency_id,role");
    expect(tie).toHaveLength(1);
    expect(sorted(literals(tie[0]!.definition))).toEqual(sorted(AGENCY_ROLES));
  });
});

describe("the SLA sweep's partial indexes against core/sla.ts", () => {
  it.each(SLA_STAGES.map((s) => [s] as const))("indexes the %s due time over exactly the statuses its stage is open in", async (stage) => {
    const db = await getTestDb();
    const r = await sql<{ indexdef: string }>`
      select indexdef from pg_indexes where schemaname = 'public' and indexname = ${SLA_STAGE_INDEXES[stage]}`.execute(db);
    expect(r.rows).toHaveLength(1);
    expect(r.rows[0]!.indexdef).toContain(`(sla_${stage}_due_at)`);
    expect(sorted(literals(r.rows[0]!.indexdef))).toEqual(sorted(SLA_STAGE_OPEN_STATUSES[stage]));
  });
});
