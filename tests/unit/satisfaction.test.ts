import { describe, expect, it } from "vitest";
import {
  afterNoAnswer,
  DEFAULT_SURVEY_CONFIG,
  followUpDueAt,
  opensComplaint,
  scoreFromDtmf,
  scoreFromSms,
  smsReplyDeadline,
  surveySmsText,
} from "../../core/satisfaction";

const config = { ...DEFAULT_SURVEY_CONFIG, delayDays: 2, maxAttempts: 3, retryMinutes: 120, smsFallback: true, smsReplyHours: 72 };
const now = new Date("2026-12-01T10:00:00Z");

describe("when a follow-up is due", () => {
  it("is the configured number of days after completion", () => {
    expect(followUpDueAt(now, config).toISOString()).toBe("2026-12-03T10:00:00.000Z");
  });
  it("0 days: due at once; fractions of a day are allowed", () => {
    expect(followUpDueAt(now, { delayDays: 0 }).getTime()).toBe(now.getTime());
    expect(followUpDueAt(now, { delayDays: 0.5 }).toISOString()).toBe("2026-12-01T22:00:00.000Z");
  });
});

describe("after an unanswered attempt", () => {
  it("retries after the configured interval while attempts remain", () => {
    expect(afterNoAnswer(1, now, config)).toEqual({ kind: "retry", at: new Date("2026-12-01T12:00:00Z") });
    expect(afterNoAnswer(2, now, config)).toEqual({ kind: "retry", at: new Date("2026-12-01T12:00:00Z") });
  });
  it("falls back to the SMS survey after the last attempt", () => {
    expect(afterNoAnswer(3, now, config)).toEqual({ kind: "sms" });
    expect(afterNoAnswer(4, now, config)).toEqual({ kind: "sms" });
  });
  it("gives up when the SMS fallback is off", () => {
    expect(afterNoAnswer(3, now, { ...config, smsFallback: false })).toEqual({ kind: "give_up" });
  });
  it("an SMS survey waits the configured hours for its reply", () => {
    expect(smsReplyDeadline(now, config).toISOString()).toBe("2026-12-04T10:00:00.000Z");
  });
});

describe("a score from the automated call's key", () => {
  it.each(["1", "2", "3", "4", "5"])("%s is the score", (d) => expect(scoreFromDtmf(d)).toBe(Number(d)));
  it.each(["0", "6", "9", "*", "#", "", "12", null, undefined])("%s is no score", (d) => expect(scoreFromDtmf(d)).toBeNull());
});

describe("a score from an SMS reply", () => {
  it.each([
    ["5", 5],
    [" 5 ", 5],
    ["۵", 5],
    ["٥", 5],
    [" ۴\n", 4],
    ["۱", 1],
    ["3.", 3],
    ["امتیاز ۲", 2],
    ["5 ممنون از شما", 5],
    ["５", 5],
  ] as const)("%j → %i", (text, score) => expect(scoreFromSms(text)).toBe(score));

  it.each(["", "   ", "سلام", "0", "6", "۹", "45", "1 2", "۱۲", "10", "-", null])("%j is no score", (text) => expect(scoreFromSms(text)).toBeNull());
});

describe("complaints", () => {
  it("scores 1 and 2 open a complaint, 3–5 do not", () => {
    expect([1, 2, 3, 4, 5].map(opensComplaint)).toEqual([true, true, false, false, false]);
  });
});

describe("the SMS survey text", () => {
  it("is Persian, with the ticket number in Persian digits and the scale", () => {
    const text = surveySmsText(10000042);
    expect(text).toContain("۱۰۰۰۰۰۴۲");
    expect(text).toContain("۱");
    expect(text).toContain("۵");
    expect(text).not.toMatch(/[0-9]/);
  });
});
