import { describe, expect, it } from "vitest";
import { MAX_REDIRECT_LENGTH, safeRedirect } from "../../app/lib/redirect";

const HOME = "/home";

describe("safeRedirect: only paths on this site", () => {
  it.each([
    ["/desk", "/desk"],
    ["/desk/tickets?status=closed&page=2", "/desk/tickets?status=closed&page=2"],
    ["/desk/tickets?q=%D8%B9%D9%84%DB%8C", "/desk/tickets?q=%D8%B9%D9%84%DB%8C"],
    ["/manager#top", "/manager#top"],
    // Encoded slashes further on in a path or in the query are ordinary data.
    ["/desk/tickets?q=a%2Fb", "/desk/tickets?q=a%2Fb"],
    // Non-ASCII comes back percent-encoded, so the Location header is always valid.
    ["/desk/tickets?q=علی", "/desk/tickets?q=%D8%B9%D9%84%DB%8C"],
  ])("keeps %j", (to, expected) => {
    expect(safeRedirect(to, HOME)).toBe(expected);
  });

  it.each([
    // Browsers strip tab, CR and LF from URLs: "/\t/host" becomes "//host".
    "/\t/127.0.0.2:3311/healthz",
    "/\n/evil.example",
    "/\r/evil.example",
    "/\r\n/evil.example",
    "/desk\nSet-Cookie: x=1",
    "/desk\u0000",
    "/\u0000/evil.example",
    "/\u001f/evil.example",
    "/\u007f/evil.example",
    "/\u0085/evil.example",
    "/ /evil.example",
    "/\u00a0/evil.example",
    "/\u2028/evil.example",
    "/\u3000/evil.example",
    "/\ufeff/evil.example",
    // Protocol-relative and backslash forms.
    "//evil.example",
    "///evil.example",
    "/\\evil.example",
    "\\\\evil.example",
    "/\\/evil.example",
    "/desk\\..\\..\\evil",
    // Percent-encoded versions of the same tricks, once and twice.
    "/%09/evil.example",
    "/%0a/evil.example",
    "/%0D%0A/evil.example",
    "/%00/evil.example",
    "/%2F/evil.example",
    "/%2f%2fevil.example",
    "/%5C/evil.example",
    "/%5cevil.example",
    "/%252F/evil.example",
    "/%2509/evil.example",
    // Dot segments that collapse to "//host".
    "/.//evil.example",
    "/a/..//evil.example",
    "/%2e//evil.example",
    "/%2E%2E//evil.example",
    // Absolute URLs and schemes.
    "https://evil.example",
    "http://localhost/desk",
    "HTTPS://evil.example/",
    "javascript:alert(1)",
    " javascript:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    "evil.example",
    "desk",
    // Broken encoding, nothing, and a very long value.
    "/%E0%A4%A",
    "",
    `/${"a".repeat(MAX_REDIRECT_LENGTH)}`,
  ])("refuses %j", (to) => {
    expect(safeRedirect(to, HOME)).toBe(HOME);
  });

  it("refuses values that are not strings", () => {
    expect(safeRedirect(null, HOME)).toBe(HOME);
    expect(safeRedirect(undefined, HOME)).toBe(HOME);
    expect(safeRedirect(new File(["x"], "x.txt"), HOME)).toBe(HOME);
  });

  it("always returns something a Location header accepts", () => {
    const hostile = ["/a\u0000b", "/a\nb", "/désk?q=é", "/desk?q=%00", "/desk?q=\u0000"];
    for (const to of hostile) {
      expect(() => new Headers({ Location: safeRedirect(to, HOME) })).not.toThrow();
    }
  });
});
