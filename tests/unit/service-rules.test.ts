import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  cardLimitsOf,
  complaintAtRisk,
  complaintWarnHorizon,
  extensionRuleOf,
  isServiceRuleKey,
  isServiceRuleValue,
  MAX_SERVICE_RULE_VALUE,
  SERVICE_RULE_DEFAULTS,
  SERVICE_RULE_KEYS,
  SERVICE_RULE_SPECS,
  serviceRulesOf,
} from "../../core/service-rules";
import { repairExtensionMonths } from "../../core/warranty";
import { cardAttemptThrottle, cardThrottleWindows, DEFAULT_CARD_LIMITS } from "../../core/warranty-card";
import { addWorkingDays, DEFAULT_OFFICE_HOURS, makeWorkingCalendar } from "../../core/working-time";

const at = (s: string) => new Date(`${s}+03:30`);
// Nowruz 1405: Saturday 2026-03-21 … Tuesday 03-24 off (Friday 03-20 is off anyway): Thursday 03-19 (08–13)
// is the last working day before it, Wednesday 03-25 the first after it
const nowruz = makeWorkingCalendar(DEFAULT_OFFICE_HOURS, ["2026-03-21", "2026-03-22", "2026-03-23", "2026-03-24"]);

describe("the admin's numbers (core/service-rules.ts)", () => {
  it("keeps each default within its own bounds, and each bound within the table's CHECK", () => {
    for (const key of SERVICE_RULE_KEYS) {
      const spec = SERVICE_RULE_SPECS[key];
      expect(spec.min).toBeGreaterThanOrEqual(1);
      expect(spec.max).toBeLessThanOrEqual(MAX_SERVICE_RULE_VALUE);
      expect(isServiceRuleValue(key, SERVICE_RULE_DEFAULTS[key])).toBe(true);
    }
    expect(SERVICE_RULE_DEFAULTS).toMatchObject({ repair_grace_days: 15, extension_months_per_week: 1, card_failures_per_phone: 5, card_phone_window_hours: 24, card_failures_per_ip: 20, card_ip_window_hours: 1 });
  });

  it("accepts whole numbers within a rule's bounds only", () => {
    expect(isServiceRuleValue("complaint_warn_hours", 1)).toBe(true);
    expect(isServiceRuleValue("complaint_warn_hours", 200)).toBe(true);
    expect(isServiceRuleValue("complaint_warn_hours", 201)).toBe(false);
    expect(isServiceRuleValue("extension_months_per_week", 13)).toBe(false);
    expect(isServiceRuleValue("card_failures_per_phone", 0)).toBe(false);
    expect(isServiceRuleValue("card_failures_per_phone", 2.5)).toBe(false);
    expect(isServiceRuleValue("card_failures_per_phone", Number.NaN)).toBe(false);
    expect(isServiceRuleKey("card_ip_window_hours")).toBe(true);
    expect(isServiceRuleKey("nope")).toBe(false);
  });

  it("reads the values in force over the defaults, ignoring unknown keys and values out of bounds", () => {
    const rules = serviceRulesOf([
      { key: "repair_grace_days", value: 10 },
      { key: "extension_months_per_week", value: 2 },
      { key: "card_failures_per_phone", value: 2 },
      { key: "card_ip_window_hours", value: 3 },
      { key: "complaint_warn_hours", value: 500 },
      { key: "nope", value: 3 },
    ]);
    expect(rules).toEqual({ ...SERVICE_RULE_DEFAULTS, repair_grace_days: 10, extension_months_per_week: 2, card_failures_per_phone: 2, card_ip_window_hours: 3 });
    expect(extensionRuleOf(rules)).toEqual({ graceDays: 10, monthsPerWeek: 2 });
    expect(cardLimitsOf(rules)).toEqual({ perPhone: 2, phoneWindowHours: 24, perIp: 20, ipWindowHours: 3 });
    expect(cardLimitsOf(SERVICE_RULE_DEFAULTS)).toEqual(DEFAULT_CARD_LIMITS);
  });
});

describe("the warranty extension with an admin's numbers", () => {
  it("extends after 10 grace days, 2 months per full week beyond", () => {
    const rule = { graceDays: 10, monthsPerWeek: 2 };
    expect([10, 11, 16, 17, 23, 24].map((d) => repairExtensionMonths(d, rule))).toEqual([0, 0, 0, 2, 2, 4]);
    // the default rule gives nothing for 17 days
    expect(repairExtensionMonths(17)).toBe(0);
  });
});

describe("the card-guessing limit with an admin's numbers", () => {
  it("refuses from the second refused guess of a number within 6 h, or the fourth of an address within 3 h", () => {
    const limits = { perPhone: 2, phoneWindowHours: 6, perIp: 4, ipWindowHours: 3 };
    expect(cardAttemptThrottle({ forPhone: 1, forIp: 3 }, limits)).toEqual({ allowed: true });
    expect(cardAttemptThrottle({ forPhone: 2, forIp: 0 }, limits)).toEqual({ allowed: false, retryAfterHours: 6 });
    expect(cardAttemptThrottle({ forPhone: 0, forIp: 4 }, limits)).toEqual({ allowed: false, retryAfterHours: 3 });
    const now = new Date("2026-11-30T12:00:00Z");
    expect(cardThrottleWindows(now, limits)).toEqual({ phoneSince: new Date("2026-11-30T06:00:00Z"), ipSince: new Date("2026-11-30T09:00:00Z") });
  });
});

describe("the complaint warning on the working-day clock", () => {
  const due = at("2026-03-25T17:00:00"); // the close of the first working day after Nowruz

  it("warns 14 working hours before a complaint due after Nowruz: on the Thursday before it, not on the calendar's eve", () => {
    // 14 working hours = Thursday 08–13 (5) + Wednesday after Nowruz 08–17 (9)
    expect(complaintAtRisk(at("2026-03-18T16:59:00"), due, 14, nowruz)).toBe(false);
    expect(complaintAtRisk(at("2026-03-18T17:00:00"), due, 14, nowruz)).toBe(true);
    expect(complaintAtRisk(at("2026-03-22T10:00:00"), due, 14, nowruz)).toBe(true);
    expect(complaintWarnHorizon(at("2026-03-18T17:00:00"), 14, nowruz)).toEqual(due);
    // the default, one working day (9 h): only on the Wednesday after Nowruz — or from the Thursday's close
    expect(complaintAtRisk(at("2026-03-19T12:59:00"), due, SERVICE_RULE_DEFAULTS.complaint_warn_hours, nowruz)).toBe(false);
    expect(complaintAtRisk(at("2026-03-19T13:00:00"), due, SERVICE_RULE_DEFAULTS.complaint_warn_hours, nowruz)).toBe(true);
    // past the due time it is breached, not at risk
    expect(complaintAtRisk(at("2026-03-25T17:00:01"), due, 14, nowruz)).toBe(false);
  });

  it("a due time (a working day's close) is at risk exactly when it is at or before the horizon", () => {
    const base = at("2026-03-01T00:00:00").getTime();
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 60 * 24 * 60 }), fc.integer({ min: 0, max: 20 }), fc.integer({ min: 1, max: 200 }), (minute, days, warn) => {
        const now = new Date(base + minute * 60_000);
        const dueAt = addWorkingDays(now, days, nowruz);
        if (dueAt.getTime() < now.getTime()) return;
        expect(complaintAtRisk(now, dueAt, warn, nowruz)).toBe(dueAt.getTime() <= complaintWarnHorizon(now, warn, nowruz).getTime());
      }),
      { numRuns: 300 },
    );
  });
});
