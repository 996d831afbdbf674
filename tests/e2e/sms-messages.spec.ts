import type { Page } from "@playwright/test";
import { toPersianDigits } from "../../core/digits";
import { clickAndSettle, expect, test, waitForHydration } from "./fixtures";

/*
 * Issue 12's messages with JavaScript on, by clicking: an operator registers a breakdown, the customer's
 * SMS shows up by itself in the simulated inbox (the e2e server runs the workers and the Kavenegar
 * simulator, no key), its tracking link opens the public tracking page; an admin changes the registration
 * text with the live preview, and the next registration's SMS carries it.
 */

/** From the desk (an operator's home after signing in): registers a breakdown through the menu; returns its number. */
async function registerBreakdown(page: Page, db: import("pg").Client, mobile: string, name: string): Promise<number> {
  await expect(page).toHaveURL((u) => u.pathname === "/desk");
  await waitForHydration(page);
  await clickAndSettle(page.getByRole("link", { name: "ثبت درخواست جدید" }));
  await expect(page).toHaveURL((u) => u.pathname === "/desk/register");
  await page.getByLabel("نام و نام خانوادگی").fill(name);
  await page.getByLabel("تلفن همراه").fill(mobile);
  await page.locator("textarea[name=description]").fill("ماشین لباسشویی آب را تخلیه نمی‌کند");
  await page.getByLabel("استان").fill("اصفهان");
  await page.getByLabel("شهر").fill("اصفهان");
  await page.locator("textarea[name=addressText]").fill("خیابان چهارباغ، کوچه ۱۴");
  await page.getByTestId("register-submit").click();
  await expect(page).toHaveURL(/\/desk\/tickets\/\d+$/);
  const ticketId = Number(page.url().split("/").pop());
  const r = await db.query<{ number: string }>("select number from tickets where id = $1", [ticketId]);
  return Number(r.rows[0]!.number);
}

/** From any signed-in page: the discreet link in the menu, then the customer's phone in the list. */
async function openInboxOf(page: Page, mobile: string) {
  await page.getByTestId("dev-sms-link").click();
  await expect(page).toHaveURL((u) => u.pathname === "/dev/sms");
  await expect(page).toHaveTitle("سامانه خدمات پس از فروش");
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("صندوق پیامک‌های آزمایشی");
  // the page refreshes itself: the new phone appears without a reload
  const phone = page.locator(`[data-testid=sim-phone][data-number="${mobile}"]`);
  await expect(phone).toBeVisible({ timeout: 20_000 });
  await phone.click();
  await expect(phone).toHaveAttribute("aria-current", "page");
}

test.afterEach(async ({ db }) => {
  await db.query("delete from sms_template_overrides");
  // the language choice is stored on the user, and other test files sign in as the operator in Persian
  await db.query("update users set locale = 'fa' where username = 'operator'");
});

test("the customer's registration SMS appears in the simulated inbox and its link opens the tracking page", async ({ page, signIn, db }) => {
  await signIn("operator");
  const mobile = "09137770011";
  const number = await registerBreakdown(page, db, mobile, "پریسا نوروزی");

  await openInboxOf(page, mobile);
  const message = page.getByTestId("sim-message").filter({ hasText: toPersianDigits(number) });
  await expect(message).toBeVisible({ timeout: 20_000 });
  await expect(message).toContainText(`درخواست خدمت شما با کد رهگیری ${toPersianDigits(number)} ثبت شد`);
  await expect(message.locator("p.sim-text")).toHaveAttribute("dir", "rtl");

  const link = message.getByRole("link");
  await expect(link).toHaveAttribute("href", /\/t\/[0-9a-z]+-[A-Za-z0-9_-]{16}$/);
  await link.click();
  await expect(page).toHaveURL(/\/t\/[0-9a-z]+-/);
  await waitForHydration(page);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("پیگیری درخواست خدمت");
  await expect(page.getByTestId("track-number")).toHaveText(toPersianDigits(number));
  await expect(page.getByTestId("track-status")).toHaveText("ثبت‌شده");
  // the browser tab names the site (the route's own meta once dropped the root's title)
  await expect(page).toHaveTitle("سامانه خدمات پس از فروش");
  // the steps are numbered in Persian digits, as everything else on the page
  expect(await page.getByTestId("track-steps").evaluate((ol) => getComputedStyle(ol).listStyleType)).toBe("persian");
  await expect(page.getByTestId("track-steps")).toContainText("ثبت درخواست");
  // a Jalali date (year 14xx) in Persian digits
  await expect(page.getByTestId("track-steps")).toContainText(/۱۴[۰-۹]{2}/);
  // nothing personal beyond what the customer knows
  await expect(page.locator("main")).not.toContainText("پریسا");
  await expect(page.locator("main")).not.toContainText("چهارباغ");
});

test("the ticket's timeline tells the registration's SMS in its place, with its delivery status", async ({ page, signIn, db }) => {
  await signIn("operator");
  const mobile = "09137770055";
  const number = await registerBreakdown(page, db, mobile, "سحر کاظمی");
  const ticketPath = new URL(page.url()).pathname;
  await openInboxOf(page, mobile);
  await expect(page.getByTestId("sim-message").filter({ hasText: toPersianDigits(number) })).toBeVisible({ timeout: 20_000 });

  // back on the ticket (the inbox's own navigation is in the history): the message follows the registration
  // on the timeline, sent (or already delivered)
  await page.goto(ticketPath);
  await expect(page).toHaveURL((u) => u.pathname === ticketPath);
  await waitForHydration(page);
  const entries = page.locator("ol.timeline > li");
  // the registration's message (the dispatch that registration starts may add its own rows after it)
  const sms = entries.and(page.locator('[data-sms-purpose="ticket_registered"]'));
  await expect(sms).toHaveCount(1);
  await expect(sms).toHaveAttribute("data-event", "sms");
  await expect(sms).toHaveAttribute("data-sms-status", /^(sent|delivered)$/);
  await expect(sms).toContainText("ثبت درخواست (به مشتری)");
  await expect(sms).toContainText(`پیامک به`);
  await expect(sms.locator(".ltr")).toContainText(toPersianDigits("0055"));
  await expect(sms.locator(".sms-state")).toContainText(/وضعیت: (ارسال شد، در راه گیرنده|به گیرنده رسید)/);
  await expect(sms.locator("time.sms-status-at")).toContainText(/۱۴[۰-۹]{2}/);
  const kinds = () => entries.evaluateAll((els) => els.map((e) => e.getAttribute("data-event")));
  const times = () => entries.locator("time.when").evaluateAll((els) => els.map((e) => Date.parse(e.getAttribute("datetime")!)));
  // right after the registration it belongs to, and the whole timeline in time order
  expect((await kinds()).slice(0, 2)).toEqual(["created", "sms"]);
  expect(await times()).toEqual([...(await times())].sort((a, b) => a - b));
  // a note added now comes last, after the message
  await page.getByLabel("متن یادداشت").fill("پیامک ثبت رسید؛ منتظر ارجاع");
  await page.getByRole("button", { name: "ثبت یادداشت" }).click();
  await expect(page).toHaveURL(/\?done=note$/);
  await expect(entries.last()).toHaveAttribute("data-event", "note");
  await expect(entries.last()).toContainText("پیامک ثبت رسید؛ منتظر ارجاع");
  expect((await kinds()).slice(0, 2)).toEqual(["created", "sms"]);
  const after = await times();
  expect(after).toEqual([...after].sort((a, b) => a - b));
});

test("the tracking link names the agency and the visit window once accepted, and says done when the job is done", async ({ page, signIn, db }) => {
  await signIn("operator");
  const mobile = "09137770066";
  const number = await registerBreakdown(page, db, mobile, "بهاره فتحی");
  const ticketPath = new URL(page.url()).pathname;
  // the agency's acceptance and its window (the dispatch engine's and the portal's part), as they store them
  const { rows } = await db.query<{ name: string; phone: string }>(
    `with a as (select id, name, phones[1] as phone from agencies where code = 'THR-001'),
          t as (update tickets set status = 'scheduled', assigned_agency_id = (select id from a) where number = $1 returning id),
          o as (insert into dispatch_offers (ticket_id, agency_id, status, offered_at, deadline_at, responded_at, visit_from, visit_to)
                select t.id, a.id, 'accepted', now() - interval '1 hour', now(), now(), '2026-12-03T06:30:00Z', '2026-12-03T09:30:00Z' from t, a)
     select name, phone from a`,
    [number],
  );
  const agency = rows[0]!;

  await openInboxOf(page, mobile);
  const message = page.getByTestId("sim-message").filter({ hasText: toPersianDigits(number) });
  await expect(message).toBeVisible({ timeout: 20_000 });
  await message.getByRole("link").click();
  await expect(page).toHaveURL(/\/t\/[0-9a-z]+-/);
  await waitForHydration(page);
  const trackingPath = new URL(page.url()).pathname;
  await expect(page.getByTestId("track-status")).toHaveText("زمان مراجعه تعیین‌شده");
  await expect(page.getByTestId("track-agency")).toHaveText(agency.name);
  await expect(page.getByTestId("track-agency-phone")).toHaveAttribute("href", `tel:${agency.phone}`);
  await expect(page.getByTestId("track-agency-phone")).toContainText(toPersianDigits(agency.phone.slice(-4)));
  // 10:00 to 13:00 in Tehran, on a Jalali date
  await expect(page.getByTestId("track-visit")).toContainText(/۱۴۰۵.*۱۰:۰۰.* تا .*۱۳:۰۰/);
  await expect(page.getByTestId("track-done")).toHaveCount(0);
  await expect(page.locator("main")).not.toContainText("بهاره");
  await expect(page.locator("main")).not.toContainText("چهارباغ");

  // the call centre records the work done; the customer's page says so
  await page.goto(ticketPath);
  await waitForHydration(page);
  for (const to of ["in_progress", "completed"]) {
    await page.getByLabel("وضعیت جدید").selectOption(to);
    await page.getByRole("button", { name: "ثبت تغییر وضعیت" }).click();
    await expect(page).toHaveURL(/\?done=status$/);
    await expect(page.getByRole("heading", { level: 1 }).locator("[data-status]")).toHaveAttribute("data-status", to);
  }
  await page.goto(trackingPath);
  await waitForHydration(page);
  await expect(page.getByTestId("track-done")).toContainText("کار انجام شد");
  await expect(page.getByTestId("track-status")).toHaveText("انجام‌شده");
  await expect(page.getByTestId("track-agency")).toHaveText(agency.name);
});

test("the inbox page sends a typed SMS from a phone to the service line", async ({ page }) => {
  await page.goto("/login");
  await waitForHydration(page);
  // the login page links to the inboxes in development mode
  await page.getByTestId("dev-sms-link").click();
  await expect(page).toHaveURL((u) => u.pathname === "/dev/sms");
  await waitForHydration(page);
  await page.getByLabel("از شماره همراه").fill("۰۹۱۳۷۷۷۰۰۲۲");
  await page.getByLabel("متن پیامک").fill("۵");
  await page.getByRole("button", { name: "ارسال پیامک" }).click();
  await expect(page.getByRole("status")).toContainText("به خط خدمات رسید");
  const phone = page.locator('[data-testid=sim-phone][data-number="09137770022"]');
  await expect(phone).toHaveAttribute("aria-current", "page");
  await expect(page.locator('[data-testid=sim-message][data-direction="inbound"]')).toContainText("۵");
});

test("an admin changes the registration text with a live preview; the next registration uses it", async ({ page, signIn, db }) => {
  await signIn("admin");
  await page.getByRole("navigation").getByRole("link", { name: "متن پیامک‌ها" }).click();
  await expect(page).toHaveURL((u) => u.pathname === "/admin/sms-templates");
  await page.getByRole("link", { name: "ویرایش: ثبت درخواست خدمت" }).click();
  await expect(page).toHaveURL((u) => u.pathname === "/admin/sms-templates/ticket_registered");
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("ثبت درخواست خدمت");

  const body = page.getByLabel("متن پیامک");
  // a typo is named at once, before saving
  await body.fill("کد {tiket_number}");
  await expect(page.getByTestId("template-problems")).toContainText("جای خالی «tiket_number» برای این پیامک تعریف نشده است");
  await expect(page.getByTestId("template-problems")).toContainText("{tracking_link}");

  await body.fill("سلام {customer_name}؛ کد پیگیری شما: {ticket_number}\n");
  // the placeholder list inserts at the cursor
  await body.press("End");
  await page.getByRole("button", { name: /tracking_link/ }).click();
  await expect(body).toHaveValue("سلام {customer_name}؛ کد پیگیری شما: {ticket_number}\n{tracking_link}");
  await expect(page.getByTestId("template-problems")).toBeEmpty();
  const preview = page.getByTestId("template-preview");
  await expect(preview).toContainText("سلام مریم احمدی؛ کد پیگیری شما: ۱۴۰۵۰۱۲۳۴۵");
  await expect(preview).toContainText("https://service.example.ir/t/");
  await expect(page.getByTestId("template-count")).toContainText(/[۰-۹]+ نویسه، [۰-۹]+ پیامک/);

  await page.getByTestId("template-save").click();
  await expect(page.getByTestId("template-done")).toHaveText("متن پیامک ذخیره شد؛ پیامک‌های بعدی با این متن فرستاده می‌شوند.");
  await page.getByRole("link", { name: "بازگشت به فهرست پیامک‌ها" }).click();
  await expect(page.locator('tr[data-kind="ticket_registered"]')).toContainText("تغییر داده‌شده");

  await page.getByRole("button", { name: "خروج" }).click();
  await expect(page).toHaveURL((u) => u.pathname === "/login");
  await signIn("operator");
  const mobile = "09137770033";
  const number = await registerBreakdown(page, db, mobile, "کامران شریفی");
  await openInboxOf(page, mobile);
  const message = page.getByTestId("sim-message").first();
  await expect(message).toContainText(`سلام کامران شریفی؛ کد پیگیری شما: ${toPersianDigits(number)}`, { timeout: 20_000 });
  await expect(message.getByRole("link")).toHaveAttribute("href", /\/t\/[0-9a-z]+-/);
});

test("in English the simulated inbox says each message's delivery status in English", async ({ page, signIn, db }) => {
  await signIn("operator");
  const mobile = "09137770044";
  const number = await registerBreakdown(page, db, mobile, "نیما رستمی");
  await page.getByRole("button", { name: "English" }).click();
  await expect(page.locator("html")).toHaveAttribute("lang", "en");
  await page.getByTestId("dev-sms-link").click();
  await expect(page).toHaveURL((u) => u.pathname === "/dev/sms");
  await expect(page).toHaveTitle("After-Sales Service System");
  const phone = page.locator(`[data-testid=sim-phone][data-number="${mobile}"]`);
  await expect(phone).toBeVisible({ timeout: 20_000 });
  await phone.click();
  const message = page.getByTestId("sim-message").filter({ hasText: toPersianDigits(number) });
  await expect(message).toBeVisible({ timeout: 20_000 });
  // Kavenegar's own Persian status text ("رسیده به گیرنده", "در صف ارسال قرار دارد"…) was shown here as it came
  await expect(message.getByTestId("sim-status")).toHaveText(/^(Sent, on its way|Delivered)$/);
  await expect(message.locator("div.muted")).not.toContainText(/[\u0600-\u06FF]/);
});
