import { describe, expect, it } from "vitest";
import { direction, translator } from "../../app/i18n";
import { fa } from "../../app/i18n/fa";
import { en } from "../../app/i18n/en";
import { formatDate, formatDateTime, formatDigits, formatPercent, formatRials } from "../../app/lib/format";
import { decideLoginThrottle, MAX_FAILURES_PER_IP, MAX_FAILURES_PER_USER } from "../../core/login-throttle";
import { can, homePath, ROLES } from "../../core/roles";
import { EnvError, loadEnv } from "../../platform/env";

describe("Persian display formatting", () => {
  // 2026-11-23 10:00 Tehran = 06:30 UTC; 2 Azar 1405.
  const moment = new Date("2026-11-23T06:30:00Z");

  it("shows Jalali dates in Persian digits, in Tehran time", () => {
    expect(formatDate(moment, "fa")).toBe("۱۴۰۵/۰۹/۰۲");
    expect(formatDateTime(moment, "fa")).toBe("۱۴۰۵/۰۹/۰۲ ۱۰:۰۰");
    expect(formatDate(moment, "en")).toBe("1405/09/02");
    // 21:00 UTC is already the next day in Tehran.
    expect(formatDate(new Date("2026-11-23T21:00:00Z"), "fa")).toBe("۱۴۰۵/۰۹/۰۳");
  });

  it("gives the same text from its cache, for each locale and kind apart", () => {
    const m = new Date("2026-11-23T06:30:59.999Z");
    for (let i = 0; i < 2; i++) {
      expect(formatDateTime(m, "fa")).toBe("۱۴۰۵/۰۹/۰۲ ۱۰:۰۰");
      expect(formatDateTime(m.toISOString(), "en")).toBe("1405/09/02 10:00");
      expect(formatDate(m.getTime(), "fa")).toBe("۱۴۰۵/۰۹/۰۲");
      expect(formatDateTime(new Date(m.getTime() + 1), "fa")).toBe("۱۴۰۵/۰۹/۰۲ ۱۰:۰۱");
    }
    expect(formatDateTime(null, "fa")).toBe("—");
    expect(() => formatDateTime("not a date", "fa")).toThrow(RangeError);
  });

  it("shows rials with Persian thousands separators", () => {
    expect(formatRials(1250000, "fa")).toBe("۱٬۲۵۰٬۰۰۰ ریال");
    expect(formatRials(1250000, "en")).toBe("1,250,000 rials");
    expect(formatDigits("10000042", "fa")).toBe("۱۰۰۰۰۰۴۲");
    // the English fee statement once showed Persian ٪ after Latin digits
    expect(formatPercent(12.5, "fa")).toBe("۱۲٫۵٪");
    expect(formatPercent(12.5, "en")).toBe("12.5%");
    expect(formatPercent(null, "en")).toBe("—");
  });
});

describe("message catalogues", () => {
  it("have the same keys in both languages and no empty strings", () => {
    expect(Object.keys(en).sort()).toEqual(Object.keys(fa).sort());
    for (const [k, v] of [...Object.entries(fa), ...Object.entries(en)]) expect(v.trim(), k).not.toBe("");
  });

  it("fill placeholders with localised numbers and set the direction", () => {
    expect(translator("fa")("login.error.throttled", { minutes: 15 })).toBe(
      "تلاش‌های ناموفق زیاد بوده است. ۱۵ دقیقه دیگر دوباره تلاش کنید.",
    );
    expect(translator("en")("login.error.throttled", { minutes: 15 })).toContain("15 minutes");
    expect(direction("fa")).toBe("rtl");
    expect(direction("en")).toBe("ltr");
  });
});

describe("login throttle", () => {
  it("allows until the per-user or per-address limit is reached", () => {
    expect(decideLoginThrottle({ forUser: MAX_FAILURES_PER_USER - 1, forIp: 0 }).allowed).toBe(true);
    expect(decideLoginThrottle({ forUser: MAX_FAILURES_PER_USER, forIp: 0 }).allowed).toBe(false);
    expect(decideLoginThrottle({ forUser: 0, forIp: MAX_FAILURES_PER_IP }).allowed).toBe(false);
  });
});

describe("roles", () => {
  it("give every role a home page and keep agency users out of the call centre and reports", () => {
    for (const role of ROLES) expect(homePath(role)).toMatch(/^\/(desk|agency|manager|admin)$/);
    expect(can("agency_admin", "tickets:read_all")).toBe(false);
    expect(can("agency_staff", "reports:read")).toBe(false);
    expect(can("agency_staff", "agency_portal:manage")).toBe(false);
    expect(can("manager", "reports:read")).toBe(true);
    expect(can("operator", "users:manage")).toBe(false);
  });
});

describe("configuration", () => {
  it("names the bad variable", () => {
    expect(() => loadEnv({ PORT: "eighty", SESSION_SECRET: "x".repeat(20) })).toThrow(EnvError);
    expect(() => loadEnv({ PORT: "eighty", SESSION_SECRET: "x".repeat(20) })).toThrow(/PORT/);
    expect(() => loadEnv({ DATABASE_URL: "mysql://x", SESSION_SECRET: "x".repeat(20) })).toThrow(/DATABASE_URL/);
    expect(() => loadEnv({ NODE_ENV: "production" })).toThrow(/SESSION_SECRET/);
  });

  it("applies defaults", () => {
    const env = loadEnv({ SESSION_SECRET: "x".repeat(20) });
    expect(env.PORT).toBe(3000);
    expect(env.EMBEDDED_PG_PORT).toBe(54329);
    expect(env.SEED_ON_EMPTY).toBeUndefined();
    expect(loadEnv({ SESSION_SECRET: "x".repeat(20), SEED_ON_EMPTY: "false" }).SEED_ON_EMPTY).toBe(false);
    expect(env.DATABASE_URL).toBeUndefined();
  });
});
