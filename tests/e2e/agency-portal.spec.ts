import type pg from "pg";
import { expect, expectNoReloadSince, setNavigationMarker, test, waitForHydration } from "./fixtures";

/*
 * The agency portal as its users work it (issue 13, section 3): a new offer appears live (server-sent
 * events) while the home page is open, its deadline counts down, accept and reject (with its required
 * reason) from the card, the job under "assigned", the jobs map with the customers' pins, the technicians
 * page (the admin adds, the staff only sees), and all of it on a 360 px phone.
 */

const persian = (n: string | number) => String(n).replace(/\d/g, (d) => "۰۱۲۳۴۵۶۷۸۹"[Number(d)]!);

/**
 * A breakdown waiting for an answer from `agencyCode`: a new ticket (with a map location) and its pending
 * offer, deadline `minutes` from now, written as the dispatch engine would.
 */
async function newOffer(db: pg.Client, agencyCode: string, minutes = 20) {
  const { rows } = await db.query<{ ticket_id: string; number: string; offer_id: string }>(
    `with c as (select id from customers order by id limit 1),
          cat as (select id from product_categories order by id limit 1),
          t as (
            insert into tickets (type, channel, customer_id, problem_category_id, problem_description, warranty_status, status, province, city, address_text, lat, lng)
            select 'breakdown', 'phone', c.id, cat.id, 'ماشین لباسشویی آب را تخلیه نمی‌کند', 'in_warranty', 'dispatching', 'تهران', 'تهران', 'خیابان آزمایشی، پلاک ۱', 35.7219, 51.3347
            from c, cat returning id, number),
          o as (
            insert into dispatch_offers (ticket_id, agency_id, deadline_at)
            select t.id, a.id, now() + make_interval(mins => $2::int) from t, agencies a where a.code = $1 returning id)
     select t.id as ticket_id, t.number, o.id as offer_id from t, o`,
    [agencyCode, minutes],
  );
  return rows[0]!;
}

const card = (page: import("@playwright/test").Page, number: string) => page.locator(`[data-testid="offer-card"][data-ticket-number="${number}"]`);

test("a new offer appears live with its deadline counting down; accepted, the job is under assigned", async ({ page, signIn, db }) => {
  await signIn("agency1");
  await expect(page).toHaveURL(/\/agency$/);
  await expect(page.getByTestId("offers-live")).toHaveAttribute("data-state", "live");
  const marker = await setNavigationMarker(page);

  // another agency's offer first, then agency1's: only agency1's shows up, without a reload
  const foreign = await newOffer(db, "THR-002");
  const offer = await newOffer(db, "THR-001");
  const mine = card(page, offer.number);
  await expect(mine).toBeVisible();
  await expectNoReloadSince(page, marker);
  await expect(card(page, foreign.number)).toHaveCount(0);
  await expect(page.getByTestId("live-offers")).not.toContainText(persian(foreign.number));

  // the countdown ticks, in Persian digits
  const countdown = mine.getByTestId("offer-countdown");
  const first = await countdown.getAttribute("data-seconds-left");
  expect(Number(first)).toBeGreaterThan(17 * 60);
  await expect(countdown).toHaveText(/^[۰-۹]{2}:[۰-۹]{2}$/);
  await expect.poll(async () => countdown.getAttribute("data-seconds-left"), { timeout: 5_000 }).not.toBe(first);
  const text = await countdown.textContent();
  await expect.poll(async () => countdown.textContent(), { timeout: 5_000 }).not.toBe(text);

  await mine.getByRole("button", { name: "پذیرش ارجاع" }).click();
  await expect(page.getByTestId("offer-done")).toContainText(`ارجاع درخواست ${persian(offer.number)} را پذیرفتید`);
  await expect(card(page, offer.number)).toHaveCount(0);
  await expect(page.getByTestId("offer-done").getByRole("link", { name: "رفتن به صفحه کار" })).toHaveAttribute("href", `/agency/tickets/${offer.ticket_id}`);

  await page.getByRole("link", { name: "کارها و نقشه" }).click();
  await expect(page).toHaveURL(/\/agency\/jobs$/);
  await page.getByTestId("job-tabs").getByRole("link", { name: "پذیرفته‌شده" }).click();
  await expect(page).toHaveURL(/\/agency\/jobs\?status=assigned$/);
  await expect(page.getByTestId("job-list").getByRole("link", { name: persian(offer.number) })).toBeVisible();
  const { rows } = await db.query<{ status: string; code: string }>(
    `select t.status, a.code from tickets t join agencies a on a.id = t.assigned_agency_id where t.id = $1`,
    [offer.ticket_id],
  );
  expect(rows[0]).toEqual({ status: "assigned", code: "THR-001" });
});

test.describe("rejecting", () => {
  test.use({ expectedHttpErrors: [400] });

  test("an offer without a reason says so; with a reason the offer leaves", async ({ page, signIn, db }) => {
    const offer = await newOffer(db, "THR-001");
    await signIn("agency1staff");
    const mine = card(page, offer.number);
    await expect(mine).toBeVisible();
    await mine.getByRole("button", { name: "رد ارجاع" }).click();
    await expect(mine.getByRole("alert")).toHaveText("برای رد ارجاع، علت را بنویسید.");
    await expect(mine.getByLabel("علت رد ارجاع")).toHaveAttribute("aria-invalid", "true");
    await mine.getByLabel("علت رد ارجاع").fill("ظرفیت امروز تکمیل است");
    await mine.getByRole("button", { name: "رد ارجاع" }).click();
    await expect(page.getByTestId("offer-done")).toContainText(`ارجاع درخواست ${persian(offer.number)} رد شد`);
    await expect(card(page, offer.number)).toHaveCount(0);
    const { rows } = await db.query<{ status: string; response_reason: string }>(`select status, response_reason from dispatch_offers where id = $1`, [offer.offer_id]);
    expect(rows[0]).toEqual({ status: "rejected", response_reason: "ظرفیت امروز تکمیل است" });
    // the offer history keeps the answer
    await page.getByRole("link", { name: "سابقه همه ارجاع‌ها و پاسخ‌ها" }).click();
    await expect(page.locator("tr", { hasText: persian(offer.number) }).first()).toContainText("ظرفیت امروز تکمیل است");
  });
});

test("the jobs map shows a pin for each of the agency's current jobs with a location", async ({ page, signIn, db }) => {
  const { rows } = await db.query<{ n: number }>(
    `select count(*)::int as n from tickets t join agencies a on a.id = t.assigned_agency_id
     where a.code = 'THR-001' and t.status in ('assigned','scheduled','in_progress','on_hold') and t.lat is not null and t.lng is not null`,
  );
  expect(rows[0]!.n).toBeGreaterThan(0);
  await signIn("agency1");
  await page.goto("/agency/jobs");
  await waitForHydration(page);
  const map = page.getByTestId("jobs-map");
  await expect(map).toBeVisible();
  await expect(map).toHaveAttribute("data-pins", String(Math.min(rows[0]!.n, 500)));
  await expect(map.locator("path.job-pin")).toHaveCount(Math.min(rows[0]!.n, 500));
});

test("technicians: the agency admin adds one; the staff see the list but cannot change it", async ({ page, signIn }) => {
  const suffix = String(Date.now()).slice(-7);
  const name = `تکنسین آزمایشی ${persian(suffix)}`;
  await signIn("agency1");
  await page.getByRole("link", { name: "تکنسین‌ها" }).click();
  await expect(page).toHaveURL(/\/agency\/technicians$/);
  const form = page.getByTestId("add-technician");
  await form.getByLabel("نام و نام خانوادگی").fill(name);
  await form.getByLabel("شماره همراه").fill(`۰۹۱۹${persian(suffix)}`);
  await form.getByRole("button", { name: "افزودن تکنسین" }).click();
  await expect(page.getByTestId("tech-done")).toHaveText("تکنسین اضافه شد.");
  const row = page.getByTestId("technician").filter({ hasText: name });
  await expect(row).toBeVisible();
  await expect(row).toContainText(persian(`0919 ${suffix.slice(0, 3)} ${suffix.slice(3)}`));
  await page.context().clearCookies();

  await signIn("agency1staff");
  await page.getByRole("link", { name: "تکنسین‌ها" }).click();
  await expect(page.getByTestId("technician").filter({ hasText: name })).toBeVisible();
  await expect(page.getByTestId("tech-view-only")).toBeVisible();
  await expect(page.getByTestId("add-technician")).toHaveCount(0);
  await expect(page.getByRole("button", { name: "غیرفعال کردن" })).toHaveCount(0);
});

test.describe("on a phone", () => {
  test.use({ viewport: { width: 360, height: 740 } });

  test("offers, accept and reject fit 360 px: no horizontal scrolling, large buttons", async ({ page, signIn, db }) => {
    const offer = await newOffer(db, "THR-001");
    await signIn("agency1");
    const mine = card(page, offer.number);
    await expect(mine).toBeVisible();
    await mine.scrollIntoViewIfNeeded();
    const widths = await page.evaluate(() => ({
      doc: document.documentElement.scrollWidth,
      client: document.documentElement.clientWidth,
      main: document.querySelector(".shell-main")!.scrollWidth,
      mainClient: document.querySelector(".shell-main")!.clientWidth,
    }));
    expect(widths.doc).toBeLessThanOrEqual(widths.client);
    expect(widths.main).toBeLessThanOrEqual(widths.mainClient);
    for (const name of ["پذیرش ارجاع", "رد ارجاع"]) {
      const box = (await mine.getByRole("button", { name }).boundingBox())!;
      expect(box.height).toBeGreaterThanOrEqual(44);
      expect(box.width).toBeGreaterThanOrEqual(250);
      expect(box.x).toBeGreaterThanOrEqual(0);
      expect(box.x + box.width).toBeLessThanOrEqual(360);
    }
    const reason = (await mine.getByLabel("علت رد ارجاع").boundingBox())!;
    expect(reason.x + reason.width).toBeLessThanOrEqual(360);
    await mine.getByRole("button", { name: "پذیرش ارجاع" }).click();
    await expect(page.getByTestId("offer-done")).toBeVisible();
    expect(await page.evaluate(() => document.documentElement.scrollWidth <= document.documentElement.clientWidth)).toBe(true);
  });
});

test.describe("without JavaScript", () => {
  test.use({ javaScriptEnabled: false, expectedHttpErrors: [400] });

  test("the offer cards are plain forms: a reason is still required, and the answer is recorded", async ({ page, signIn, db }) => {
    const offer = await newOffer(db, "THR-001");
    await signIn("agency1");
    const mine = card(page, offer.number);
    await expect(mine.getByTestId("offer-countdown")).toHaveText(/^[۰-۹]{2}:[۰-۹]{2}$/);
    await mine.getByRole("button", { name: "رد ارجاع" }).click();
    await expect(card(page, offer.number).getByRole("alert")).toHaveText("برای رد ارجاع، علت را بنویسید.");
    await card(page, offer.number).getByLabel("علت رد ارجاع").fill("خارج از محدوده ماست");
    await card(page, offer.number).getByRole("button", { name: "رد ارجاع" }).click();
    await expect(page.getByTestId("offer-done")).toContainText(`ارجاع درخواست ${persian(offer.number)} رد شد`);
    await expect(card(page, offer.number)).toHaveCount(0);
  });
});
