import type { Migration } from "kysely";
import * as m2026_11_23_120000 from "./2026_11_23_120000_initial_schema";
import * as m2026_11_24_090000 from "./2026_11_24_090000_search_keys_and_indexes";
import * as m2026_11_24_100000 from "./2026_11_24_100000_agency_offer_history_index";
import * as m2026_11_24_110000 from "./2026_11_24_110000_ticket_event_status_checks";
import * as m2026_11_24_120000 from "./2026_11_24_120000_agency_load_indexes";
import * as m2026_11_30_090000 from "./2026_11_30_090000_call_intake";
import * as m2026_11_30_100000 from "./2026_11_30_100000_agency_ticket_order_index";
import * as m2026_11_30_120000 from "./2026_11_30_120000_telephony_nodes";
import * as m2026_11_30_140000 from "./2026_11_30_140000_ticket_list_sort_and_serial";
import * as m2026_12_01_100000 from "./2026_12_01_100000_sms_delivery_status";
import * as m2026_12_01_110000 from "./2026_12_01_110000_sms_template_overrides";
import * as m2026_12_01_120000 from "./2026_12_01_120000_satisfaction_followups";
import * as m2026_12_01_130000 from "./2026_12_01_130000_timed_tasks";
import * as m2026_12_01_150000 from "./2026_12_01_150000_survey_event_type";
import * as m2026_12_01_160000 from "./2026_12_01_160000_sms_send_batches";
import * as m2026_12_01_170000 from "./2026_12_01_170000_customer_other_phones_index";
import * as m2026_12_01_180000 from "./2026_12_01_180000_dispatch_event_types";
import * as m2026_12_01_190000 from "./2026_12_01_190000_dispatch_engine";
import * as m2026_12_01_200000 from "./2026_12_01_200000_agency_offer_notify";
import * as m2026_12_01_210000 from "./2026_12_01_210000_technician_links";
import * as m2026_12_02_100000 from "./2026_12_02_100000_dispatch_live_offers_index";
import * as m2026_12_02_110000 from "./2026_12_02_110000_completion_photos_cannot_repair";
import * as m2026_12_03_100000 from "./2026_12_03_100000_delay_audit";
import * as m2026_12_03_110000 from "./2026_12_03_110000_agency_ledger";
import * as m2026_12_03_120000 from "./2026_12_03_120000_voice_of_customer";
import * as m2026_12_03_130000 from "./2026_12_03_130000_call_centre_kpis";
import * as m2026_12_03_140000 from "./2026_12_03_140000_agency_imports";
import * as m2026_12_03_150000 from "./2026_12_03_150000_dispatch_nearest_first";
import * as m2026_12_03_160000 from "./2026_12_03_160000_calls_inbound_stats_index";
import * as m2026_12_04_090000 from "./2026_12_04_090000_spare_parts_catalogue";
import * as m2026_12_04_100000 from "./2026_12_04_100000_delay_daily_rollup";
import * as m2026_12_04_110000 from "./2026_12_04_110000_agency_service_polygons";
import * as m2026_12_04_111000 from "./2026_12_04_111000_survey_comment_classes";
import * as m2026_12_04_120000 from "./2026_12_04_120000_official_holidays";
import * as m2026_12_04_121000 from "./2026_12_04_121000_sla_region_tiers";
import * as m2026_12_04_122000 from "./2026_12_04_122000_complaint_rules";
import * as m2026_12_04_130000 from "./2026_12_04_130000_warranty_cards";
import * as m2026_12_04_140000 from "./2026_12_04_140000_warranty_claims";
import * as m2026_12_04_150000 from "./2026_12_04_150000_part_requests";
import * as m2026_12_04_160000 from "./2026_12_04_160000_agency_scorecards";
import * as m2026_12_05_100000 from "./2026_12_05_100000_scorecard_claims";
import * as m2026_12_05_110000 from "./2026_12_05_110000_service_rule_keys";
import * as m2026_12_05_115000 from "./2026_12_05_115000_agency_open_part_requests";
import * as m2026_12_05_120000 from "./2026_12_05_120000_claim_events";
import * as m2026_12_05_125000 from "./2026_12_05_125000_warranty_card_batches";
import * as m2026_12_05_130000 from "./2026_12_05_130000_call_stats_daily";
import * as m2026_12_06_100000 from "./2026_12_06_100000_scorecard_claim_watermark";
import * as m2026_12_06_110000 from "./2026_12_06_110000_ticket_sla_targets";
import * as m2026_12_06_120000 from "./2026_12_06_120000_sla_due_covering_indexes";
import * as m2026_12_06_121000 from "./2026_12_06_121000_call_stats_hour_of_day";
import * as m2026_12_06_122000 from "./2026_12_06_122000_part_hold_monthly";
import * as m2026_12_06_150000 from "./2026_12_06_150000_sla_at_risk_rule";
import * as m2026_12_06_151000 from "./2026_12_06_151000_serial_key";
import * as m2026_12_07_100000 from "./2026_12_07_100000_milestones_refresh_plan";
import * as m2026_12_07_101000 from "./2026_12_07_101000_drop_offer_deadline_index";
import * as m2026_12_07_102000 from "./2026_12_07_102000_one_pending_offer_predicate";
import * as m2026_12_08_100000 from "./2026_12_08_100000_agency_offer_guard";

/**
 * Every migration, by name, imported statically so the list works the same under tsx,
 * vitest and bundlers. tests/unit/migrations-index.test.ts checks it against the folder.
 */
export const migrations: Record<string, Migration> = {
  "2026_11_23_120000_initial_schema": m2026_11_23_120000,
  "2026_11_24_090000_search_keys_and_indexes": m2026_11_24_090000,
  "2026_11_24_100000_agency_offer_history_index": m2026_11_24_100000,
  "2026_11_24_110000_ticket_event_status_checks": m2026_11_24_110000,
  "2026_11_24_120000_agency_load_indexes": m2026_11_24_120000,
  "2026_11_30_090000_call_intake": m2026_11_30_090000,
  "2026_11_30_100000_agency_ticket_order_index": m2026_11_30_100000,
  "2026_11_30_120000_telephony_nodes": m2026_11_30_120000,
  "2026_11_30_140000_ticket_list_sort_and_serial": m2026_11_30_140000,
  "2026_12_01_100000_sms_delivery_status": m2026_12_01_100000,
  "2026_12_01_110000_sms_template_overrides": m2026_12_01_110000,
  "2026_12_01_120000_satisfaction_followups": m2026_12_01_120000,
  "2026_12_01_130000_timed_tasks": m2026_12_01_130000,
  "2026_12_01_150000_survey_event_type": m2026_12_01_150000,
  "2026_12_01_160000_sms_send_batches": m2026_12_01_160000,
  "2026_12_01_170000_customer_other_phones_index": m2026_12_01_170000,
  "2026_12_01_180000_dispatch_event_types": m2026_12_01_180000,
  "2026_12_01_190000_dispatch_engine": m2026_12_01_190000,
  "2026_12_01_200000_agency_offer_notify": m2026_12_01_200000,
  "2026_12_01_210000_technician_links": m2026_12_01_210000,
  "2026_12_02_100000_dispatch_live_offers_index": m2026_12_02_100000,
  "2026_12_02_110000_completion_photos_cannot_repair": m2026_12_02_110000,
  "2026_12_03_100000_delay_audit": m2026_12_03_100000,
  "2026_12_03_110000_agency_ledger": m2026_12_03_110000,
  "2026_12_03_120000_voice_of_customer": m2026_12_03_120000,
  "2026_12_03_130000_call_centre_kpis": m2026_12_03_130000,
  "2026_12_03_140000_agency_imports": m2026_12_03_140000,
  "2026_12_03_150000_dispatch_nearest_first": m2026_12_03_150000,
  "2026_12_03_160000_calls_inbound_stats_index": m2026_12_03_160000,
  "2026_12_04_090000_spare_parts_catalogue": m2026_12_04_090000,
  "2026_12_04_100000_delay_daily_rollup": m2026_12_04_100000,
  "2026_12_04_110000_agency_service_polygons": m2026_12_04_110000,
  "2026_12_04_111000_survey_comment_classes": m2026_12_04_111000,
  "2026_12_04_120000_official_holidays": m2026_12_04_120000,
  "2026_12_04_121000_sla_region_tiers": m2026_12_04_121000,
  "2026_12_04_122000_complaint_rules": m2026_12_04_122000,
  "2026_12_04_130000_warranty_cards": m2026_12_04_130000,
  "2026_12_04_140000_warranty_claims": m2026_12_04_140000,
  "2026_12_04_150000_part_requests": m2026_12_04_150000,
  "2026_12_04_160000_agency_scorecards": m2026_12_04_160000,
  "2026_12_05_100000_scorecard_claims": m2026_12_05_100000,
  "2026_12_05_110000_service_rule_keys": m2026_12_05_110000,
  "2026_12_05_115000_agency_open_part_requests": m2026_12_05_115000,
  "2026_12_05_120000_claim_events": m2026_12_05_120000,
  "2026_12_05_125000_warranty_card_batches": m2026_12_05_125000,
  "2026_12_05_130000_call_stats_daily": m2026_12_05_130000,
  "2026_12_06_100000_scorecard_claim_watermark": m2026_12_06_100000,
  "2026_12_06_110000_ticket_sla_targets": m2026_12_06_110000,
  "2026_12_06_120000_sla_due_covering_indexes": m2026_12_06_120000,
  "2026_12_06_121000_call_stats_hour_of_day": m2026_12_06_121000,
  "2026_12_06_122000_part_hold_monthly": m2026_12_06_122000,
  "2026_12_06_150000_sla_at_risk_rule": m2026_12_06_150000,
  "2026_12_06_151000_serial_key": m2026_12_06_151000,
  "2026_12_07_100000_milestones_refresh_plan": m2026_12_07_100000,
  "2026_12_07_101000_drop_offer_deadline_index": m2026_12_07_101000,
  "2026_12_07_102000_one_pending_offer_predicate": m2026_12_07_102000,
  "2026_12_08_100000_agency_offer_guard": m2026_12_08_100000,
};
