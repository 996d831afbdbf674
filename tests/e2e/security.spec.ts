import { E2E_PORT } from "../../playwright.config";
import { DEMO_PASSWORD } from "../../db/seed/demo";
import { expect, test } from "./fixtures";

const ORIGIN = `http://localhost:${E2E_PORT}`;

// Values seen to reach another host or crash the login before the fix.
const HOSTILE_REDIRECTS = [
  "/\t/127.0.0.2:3311/healthz",
  "/\n/127.0.0.2:3311/healthz",
  "//127.0.0.2:3311/healthz",
  "/\\127.0.0.2:3311/healthz",
  "/%09/127.0.0.2:3311/healthz",
  "/%2F/127.0.0.2:3311/healthz",
  "/.//127.0.0.2:3311/healthz",
  "https://127.0.0.2:3311/healthz",
  "javascript:alert(document.domain)",
  "/desk\r\nSet-Cookie: hijacked=1",
];

async function submitLogin(page: import("@playwright/test").Page, username: string, password = DEMO_PASSWORD) {
  await page.getByLabel(/نام کاربری|Username/).fill(username);
  await page.getByLabel(/رمز عبور|Password/).fill(password);
  await page.getByRole("button", { name: /^(ورود|Sign in)$/ }).click();
}

test.describe("a hostile redirectTo after sign-in stays on this site", () => {
  for (const redirectTo of HOSTILE_REDIRECTS) {
    test(`redirectTo=${JSON.stringify(redirectTo)}`, async ({ page, context }) => {
      const responses: number[] = [];
      page.on("response", (r) => responses.push(r.status()));
      await page.goto(`/login?${new URLSearchParams({ redirectTo })}`);
      await submitLogin(page, "operator");
      await page.waitForURL((url) => !url.pathname.startsWith("/login"));
      expect(new URL(page.url()).origin).toBe(ORIGIN);
      await expect(page).toHaveURL(`${ORIGIN}/desk`);
      await expect(page.locator("nav.shell-nav")).toBeVisible();
      expect(responses.every((s) => s < 500)).toBe(true);
      expect((await context.cookies()).some((c) => c.name === "hijacked")).toBe(false);
      await context.clearCookies();
    });
  }

  test("a page asked for before signing in is where sign-in leads", async ({ page, context }) => {
    await page.goto("/manager/tickets?status=closed");
    await expect(page).toHaveURL(/\/login\?redirectTo=/);
    await submitLogin(page, "manager");
    await expect(page).toHaveURL(`${ORIGIN}/manager/tickets?status=closed`);
    await context.clearCookies();
  });
});

test.describe("a NUL byte in input shows a normal page, never a 500", () => {
  // the login attempt with a NUL byte is a wrong password: 401, and Chromium logs it
  test.use({ expectedHttpErrors: [401] });
  for (const [username, path] of [
    ["operator", "/desk/tickets"],
    ["manager", "/manager/tickets"],
    ["agency1", "/agency/tickets"],
  ] as const) {
    test(`${path}?q=%00`, async ({ page, signIn }) => {
      await signIn(username);
      for (const q of ["%00", "abc%00", "%00%DB%B1%DB%B0"]) {
        const response = await page.goto(`${path}?q=${q}`);
        expect(response?.status(), q).toBe(200);
        await expect(page.getByRole("heading", { level: 1 })).toBeVisible();
        await expect(page.getByRole("search")).toBeVisible();
      }
    });
  }

  test("the login username with a NUL byte gets the usual message", async ({ page }) => {
    const responses: number[] = [];
    page.on("response", (r) => responses.push(r.status()));
    await page.goto("/login");
    await submitLogin(page, "nobody\u0000here", "not-the-password");
    await expect(page.getByRole("alert")).toHaveText("نام کاربری یا رمز عبور اشتباه است.");
    expect(responses.every((s) => s < 500)).toBe(true);
  });

  test("a posted form with NUL bytes everywhere is answered, not crashed on", async ({ request }) => {
    const res = await request.post("/login", {
      headers: { Origin: ORIGIN },
      form: { username: "\u0000", password: "\u0000", redirectTo: "/\u0000/x" },
      maxRedirects: 0,
    });
    expect(res.status()).toBe(400);
  });
});

test.describe("cross-site requests are refused", () => {
  test.use({ expectedHttpErrors: [403] });
  test("a POST from another origin gets 403 with a Persian message and changes nothing", async ({ request }) => {
    const res = await request.post("/login", {
      headers: { Origin: "http://evil.example" },
      form: { username: "operator", password: DEMO_PASSWORD },
      maxRedirects: 0,
    });
    expect(res.status()).toBe(403);
    expect(res.headers()["set-cookie"]).toBeUndefined();
    expect(await res.text()).toContain("پذیرفته نشد");
  });

  test("a POST with neither Origin nor Referer is refused; the same POST from the site is not", async ({ request }) => {
    expect((await request.post("/locale", { form: { locale: "en", redirectTo: "/login" }, maxRedirects: 0 })).status()).toBe(403);
    const ok = await request.post("/locale", { headers: { Origin: ORIGIN }, form: { locale: "fa", redirectTo: "/login" }, maxRedirects: 0 });
    expect(ok.status()).toBe(302);
  });

  test("a form on another site that posts here is refused in the browser", async ({ page, context }) => {
    // A page served from a different origin (another port counts) that auto-submits a sign-out form.
    await page.route("http://evil.localhost:9/**", (route) =>
      route.fulfill({
        contentType: "text/html",
        body: `<form id="f" method="post" action="${ORIGIN}/locale"><input name="locale" value="en"><input name="redirectTo" value="/login"></form>
               <script>document.getElementById("f").submit()</script>`,
      }),
    );
    const refused = page.waitForResponse((r) => r.url().startsWith(`${ORIGIN}/locale`));
    await page.goto("http://evil.localhost:9/attack");
    expect((await refused).status()).toBe(403);
    await expect(page.getByRole("alert")).toContainText("پذیرفته نشد");
    expect((await context.cookies()).some((c) => c.name === "lang")).toBe(false);
  });
});

test("a language chosen on the login page is kept after signing in", async ({ page, signIn }) => {
  await page.goto("/login");
  await page.getByRole("button", { name: "English" }).click();
  await expect(page.locator("html")).toHaveAttribute("lang", "en");
  await signIn("supervisor");
  await expect(page.locator("html")).toHaveAttribute("lang", "en");
  await expect(page.locator("html")).toHaveAttribute("dir", "ltr");
  // Other tests sign in as this user and expect Persian: switch back (stored on the account).
  await page.getByRole("button", { name: "فارسی" }).click();
  await expect(page.locator("html")).toHaveAttribute("lang", "fa");
});

test("the audit page shows real sign-ins with readable names in both languages", async ({ page, signIn }) => {
  await signIn("admin");
  await page.goto("/admin/audit");
  // the newest sign-in (the workers may write newer rows of their own, e.g. an offer's deadline passing)
  const latest = page.locator('tr[data-action="auth.sign_in"]').first();
  await expect(latest).toContainText("ورود به سامانه");
  await expect(latest).toContainText("مدیر سامانه");
  await expect(page.locator("table.data")).not.toContainText(/user #|auth\.|#\d/);
  // A failed sign-in earlier in this run is there with the name that was typed.
  await expect(page.locator('tr[data-action="auth.sign_in_failed"]').first()).toContainText(/نام کاربری واردشده/);

  await page.getByRole("button", { name: "English" }).click();
  await expect(page.locator("html")).toHaveAttribute("lang", "en");
  // the workers may have written a newer row meanwhile (an offer's deadline passing): read the sign-in's own row
  await expect(page.locator('tr[data-action="auth.sign_in"]').first()).toContainText("Signed in");
  await expect(page.locator("table.data")).not.toContainText(/user #|auth\./);
  await page.getByRole("button", { name: "فارسی" }).click();
  await expect(page.locator("html")).toHaveAttribute("lang", "fa");
});
