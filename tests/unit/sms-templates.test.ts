import { describe, expect, it } from "vitest";
import {
  checkSmsTemplate,
  MAX_SMS_TEMPLATE_LENGTH,
  placeholdersIn,
  previewSmsTemplate,
  renderSmsTemplate,
  SMS_PLACEHOLDERS,
  SMS_SAMPLE_VALUES,
  SMS_TEMPLATE_KINDS,
  SMS_TEMPLATES,
  SmsTemplateError,
} from "../../core/sms-templates";

describe("the default texts", () => {
  it.each(SMS_TEMPLATE_KINDS)("%s: passes its own checks and renders with the sample values", (kind) => {
    const spec = SMS_TEMPLATES[kind];
    expect(checkSmsTemplate(kind, spec.defaultBody)).toEqual([]);
    for (const name of spec.required) expect(spec.placeholders).toContain(name);
    const text = renderSmsTemplate(kind, spec.defaultBody, SMS_SAMPLE_VALUES);
    expect(text).not.toMatch(/[{}]/);
    // Persian text: no Latin digits outside links, no Arabic yeh/kaf
    expect(text.replace(/https?:\/\/\S+/g, "")).not.toMatch(/[0-9]/);
    expect(text).not.toMatch(/[يك]/);
  });

  it("the registration message carries the tracking number in Persian digits and the link as it is", () => {
    const text = renderSmsTemplate("ticket_registered", SMS_TEMPLATES.ticket_registered.defaultBody, {
      ticket_number: 1405000123,
      tracking_link: "http://localhost:3000/t/abc-123",
    });
    expect(text).toContain("کد رهگیری ۱۴۰۵۰۰۰۱۲۳ ثبت شد");
    expect(text).toContain("\nhttp://localhost:3000/t/abc-123\n");
    expect(text).toMatch(/خدمات پس از فروش$/);
  });
});

describe("render", () => {
  it("writes numbers in Persian digits whatever digits they came in", () => {
    expect(renderSmsTemplate("ticket_completed", "کد {ticket_number}", { ticket_number: "۱۲٣4" })).toBe("کد ۱۲۳۴");
  });

  it("writes a mobile in any form as 09… in Persian digits, a landline as its digits", () => {
    const body = "تلفن: {agency_phone}";
    const base = { ticket_number: 1, agency_name: "الف", visit_window: "فردا" };
    const tel = (p: string) => renderSmsTemplate("agency_accepted", body, { ...base, agency_phone: p });
    expect(tel("+989121234567")).toBe("تلفن: ۰۹۱۲۱۲۳۴۵۶۷");
    expect(tel("۰۰۹۸ ۹۱۲ ۱۲۳ ۴۵۶۷")).toBe("تلفن: ۰۹۱۲۱۲۳۴۵۶۷");
    expect(tel("021-8877 6655")).toBe("تلفن: ۰۲۱۸۸۷۷۶۶۵۵");
  });

  it("writes Persian letters for Arabic yeh and kaf, in values and in the text, and Persian digits in the text", () => {
    expect(renderSmsTemplate("satisfaction_survey", "امتياز 1 تا 5 براي {agency_name}: {ticket_number}", { ticket_number: 7, agency_name: "نمايندگي كرج" })).toBe(
      "امتیاز ۱ تا ۵ برای نمایندگی کرج: ۷",
    );
  });

  it("leaves URLs typed into the text and link values untouched (Latin digits, so they stay clickable)", () => {
    const text = renderSmsTemplate("ticket_registered", "کد {ticket_number} در https://x.ir/help2 و {tracking_link}", {
      ticket_number: 12,
      tracking_link: "https://x.ir/t/9a-Zz_0",
    });
    expect(text).toBe("کد ۱۲ در https://x.ir/help2 و https://x.ir/t/9a-Zz_0");
  });

  it("refuses a placeholder the kind does not have and a value not given", () => {
    expect(() => renderSmsTemplate("ticket_completed", "{job_link}", { job_link: "x" })).toThrow(SmsTemplateError);
    const err = (() => {
      try {
        renderSmsTemplate("ticket_completed", "کد {ticket_number}", {});
      } catch (e) {
        return e;
      }
    })();
    expect(err).toMatchObject({ problem: "missingValue", placeholder: "ticket_number" });
  });
});

describe("checks an admin's text", () => {
  it("finds an unknown placeholder (a typo) and a required one left out", () => {
    expect(checkSmsTemplate("ticket_registered", "کد {tiket_number} {tracking_link}")).toEqual([
      { code: "unknownPlaceholder", name: "tiket_number" },
      { code: "missingPlaceholder", name: "ticket_number" },
    ]);
  });

  it("finds a placeholder of another kind", () => {
    expect(checkSmsTemplate("ticket_completed", "کد {ticket_number} {portal_link}")).toEqual([{ code: "unknownPlaceholder", name: "portal_link" }]);
  });

  it("finds a brace without its pair", () => {
    expect(checkSmsTemplate("ticket_completed", "کد {ticket_number} {")).toContainEqual({ code: "unbalancedBrace" });
    expect(checkSmsTemplate("ticket_completed", "کد {ticket_number}}")).toContainEqual({ code: "unbalancedBrace" });
  });

  it("refuses an empty text, an over-long one, and one whose message would be too many SMS", () => {
    expect(checkSmsTemplate("ticket_completed", "  \n ")).toEqual([{ code: "empty" }]);
    expect(checkSmsTemplate("ticket_completed", `{ticket_number}${"ب".repeat(MAX_SMS_TEMPLATE_LENGTH)}`)).toContainEqual({
      code: "tooLong",
      max: MAX_SMS_TEMPLATE_LENGTH,
    });
    expect(checkSmsTemplate("ticket_completed", `{ticket_number}${"ب".repeat(450)}`)).toContainEqual({ code: "tooManyParts", parts: 7, max: 6 });
  });

  it("lists the placeholders used, in order, once each", () => {
    expect(placeholdersIn("{a} x { b } {a}")).toEqual(["a", "b"]);
  });

  it("every kind's placeholders have a type and a sample value", () => {
    for (const kind of SMS_TEMPLATE_KINDS) {
      for (const name of SMS_TEMPLATES[kind].placeholders) {
        expect(SMS_PLACEHOLDERS[name]).toBeDefined();
        expect(SMS_SAMPLE_VALUES[name]).toBeTruthy();
      }
    }
  });
});

describe("preview: characters and SMS parts", () => {
  it("a short Persian text is one part of 70", () => {
    const p = previewSmsTemplate("ticket_completed", "درخواست {ticket_number} انجام شد", { ticket_number: 5 });
    expect(p.text).toBe("درخواست ۵ انجام شد");
    expect(p.characters).toBe(18);
    expect(p.parts).toMatchObject({ encoding: "ucs2", parts: 1, remaining: 52 });
  });

  it("the default registration message with a real link is counted in parts of 67", () => {
    const p = previewSmsTemplate("ticket_registered", SMS_TEMPLATES.ticket_registered.defaultBody, {
      ticket_number: 1405000123,
      tracking_link: "http://localhost:3000/t/abc12-Xy9_Zq3LmN0pQr7s",
    });
    expect(p.parts.encoding).toBe("ucs2");
    expect(p.parts.perPart).toBe(67);
    expect(p.parts.parts).toBe(Math.ceil(p.characters / 67));
  });
});
