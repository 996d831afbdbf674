import { toPersianDigits } from "../../core/digits";
import { jalaliYearMonth } from "../../core/jalali";
import { periodText } from "../../core/ledger";
import { clickAndSettle, expect, test, waitForRouterIdle } from "./fixtures";

/**
 * Issue 15 §3 by clicking: agency1 saves a warranty claim as a draft, edits it, submits it (then it is read-only);
 * the manager approves it in part and records a correction — a new entry, never an edit — and both see the
 * claim's history as a timeline; the agency's statement of the month shows the correction. Hand-computed:
 *
 *   a job of THR-001 (agency1) at (35.7000, 51.6200), THR-001's point ≈ (35.70, 51.40) → ≈ 20 km: band 10–30 km, 300,000;
 *   a category of its own with a repair labour tariff of 900,000; parts: HX (serialized, 2,000,000) × 1, FAN (400,000) × 2
 *   draft  = 900,000 + travel + 2,000,000 + 800,000; edited (one fan) = draft − 400,000;
 *   the manager grants the fan line 200,000 of 400,000 ("the fan was only cleaned"), then corrects by −100,000
 *   ("the exchanger came from the supplier's stock") → owed = edited − 200,000 − 100,000.
 */
const fa = (n: number) => new Intl.NumberFormat("fa-IR").format(Math.abs(n));

test("agency1's draft edited and submitted; the manager approves in part and corrects; both see the history; the statement shows it", async ({ page, signIn, db }) => {
  const tag = String(Date.now()).slice(-6);
  const q = async <T extends Record<string, unknown>>(text: string, values: unknown[] = []) => (await db.query<T>(text, values)).rows;
  const [agency] = await q<{ id: string; lat: number; lng: number }>(`select id, lat, lng from agencies where code = 'THR-001'`);
  const [category] = await q<{ id: string }>(`insert into product_categories (code, name_fa, name_en) values ($1, 'آبگرمکن آزمون', 'Test water heater') returning id`, [`wh-${tag}`]);
  const [model] = await q<{ id: string }>(
    `insert into product_models (brand_id, category_id, model_code, name) select id, $1, $2, 'آبگرمکن آزمون' from brands order by id limit 1 returning id`,
    [category!.id, `WH-${tag}`],
  );
  await q(`insert into spare_parts (model_id, code, name, list_price_rials, serialized) values ($1, 'HX', 'مبدل حرارتی', 2000000, true), ($1, 'FAN', 'فن', 400000, false)`, [model!.id]);
  await q(`insert into labour_tariffs (category_id, service_type, amount_rials, effective_from) values ($1, 'repair', 900000, '2026-01-01')`, [category!.id]);
  const [customer] = await q<{ id: string }>(`insert into customers (full_name, mobile) values ('سیما آزمون', $1) returning id`, [`+98913${tag}7`]);
  const [product] = await q<{ id: string }>(`insert into customer_products (customer_id, model_id, serial_number, warranty_months) values ($1, $2, $3, 18) returning id`, [customer!.id, model!.id, `WSN-${tag}`]);
  const [job] = await q<{ id: string; number: string }>(
    `insert into tickets (type, channel, customer_id, customer_product_id, warranty_status, status, assigned_agency_id, province, city, lat, lng)
     values ('breakdown', 'phone', $1, $2, 'in_warranty', 'completed', $3, 'تهران', 'تهران', $4, $5) returning id, number`,
    [customer!.id, product!.id, agency!.id, Number(agency!.lat), Number(agency!.lng) + 0.22],
  );
  const [report] = await q<{ id: string }>(
    `insert into completion_reports (ticket_id, agency_id, completed_at, work_description) values ($1, $2, now() - interval '1 hour', 'تعویض مبدل و فن') returning id`,
    [job!.id, agency!.id],
  );
  await q(`insert into completion_parts (report_id, part_code, name, quantity) values ($1, 'HX', 'مبدل حرارتی', 1), ($1, 'FAN', 'فن', 2)`, [report!.id]);

  // --- agency1 saves a draft from its menu
  await signIn("agency1");
  await page.locator("nav.shell-nav").getByRole("link", { name: "ادعاهای گارانتی", exact: true }).click();
  await expect(page).toHaveURL(/\/agency\/claims$/);
  await page.getByTestId("claimable").locator(`tr[data-ticket="${job!.number}"]`).getByRole("link", { name: "ثبت ادعا" }).click();
  await expect(page).toHaveURL(new RegExp(`/agency/claims/new\\?ticket=${job!.id}$`));
  const estimate = Number((await page.getByTestId("estimate-total").innerText()).replace(/[^۰-۹]/g, "").replace(/[۰-۹]/g, (d) => String("۰۱۲۳۴۵۶۷۸۹".indexOf(d))));
  const travel = estimate - 900_000 - 2_000_000 - 800_000;
  expect(travel).toBe(300_000);
  await page.getByTestId("serial-0").fill("HX-DEF-7701");
  await page.getByRole("button", { name: "ذخیرهٔ پیش‌نویس" }).click();
  await expect(page).toHaveURL(/\/agency\/claims\/\d+$/);
  await expect(page.getByTestId("claim-status")).toHaveText("پیش‌نویس");
  await expect(page.getByTestId("claim-claimed")).toHaveText(`${fa(estimate)} ریال`);
  const claimId = new URL(page.url()).pathname.split("/").at(-1)!;

  // it edits the draft: one fan instead of two
  await page.getByTestId("edit-draft").click();
  await expect(page).toHaveURL(new RegExp(`/agency/claims/${claimId}/edit$`));
  await expect(page.getByTestId("serial-0")).toHaveValue("HX-DEF-7701");
  await page.getByTestId("qty-1").fill("1");
  await page.getByRole("button", { name: "ذخیرهٔ پیش‌نویس" }).click();
  await expect(page).toHaveURL(new RegExp(`/agency/claims/${claimId}\\?done=saved$`));
  await expect(page.getByTestId("claim-result")).toHaveText("پیش‌نویس ذخیره شد.");
  const edited = estimate - 400_000;
  await expect(page.getByTestId("claim-claimed")).toHaveText(`${fa(edited)} ریال`);
  await expect(page.getByTestId("claim-history").locator("li")).toHaveCount(2);
  await expect(page.getByTestId("claim-history")).toContainText("پیش‌نویس ویرایش شد");

  // then submits it: read-only from now on
  await clickAndSettle(page.getByRole("button", { name: "ارسال برای سازنده", exact: true }));
  await expect(page.getByTestId("claim-result")).toHaveText("ادعای گارانتی برای سازنده ارسال شد.");
  await expect(page.getByTestId("claim-status")).toHaveText("در انتظار بررسی");
  await expect(page.getByTestId("claim-read-only")).toBeVisible();
  await expect(page.getByTestId("edit-draft")).toHaveCount(0);
  await expect(page.getByTestId("claim-history").locator("li")).toHaveCount(3);
  await page.context().clearCookies();

  // --- the manager clicks to the claim, approves it in part, then records a correction
  await signIn("manager");
  await page.locator("nav.shell-nav").getByRole("link", { name: "ادعاهای گارانتی", exact: true }).click();
  await expect(page).toHaveURL(/\/manager\/claims$/);
  await page.getByRole("link", { name: toPersianDigits(claimId), exact: true }).first().click();
  await expect(page).toHaveURL(new RegExp(`/manager/claims/${claimId}$`));
  await expect(page.getByTestId("correct-form")).toHaveCount(0);
  const fanRow = page.locator("form tr[data-line='part']", { hasText: "فن" });
  await fanRow.locator("input[name^='approved_']").fill("200000");
  await fanRow.locator("input[name^='reason_']").fill("فن فقط تمیز شده بود");
  await page.getByRole("button", { name: "ثبت تصمیم" }).click();
  await expect(page.getByTestId("claim-result")).toHaveText("تصمیم دربارهٔ ادعا ثبت شد.");
  await expect(page.getByTestId("claim-status")).toHaveText("تأیید بخشی");
  const approved = edited - 200_000;
  await expect(page.getByTestId("claim-approved")).toHaveText(`${fa(approved)} ریال`);

  const correct = page.getByTestId("correct-form");
  await correct.getByLabel("مبلغ اصلاح (ریال، مثبت یا منفی)").fill("-100000");
  await correct.getByLabel("علت اصلاح").fill("مبدل از انبار تأمین‌کننده آمده بود");
  await clickAndSettle(correct.getByRole("button", { name: "ثبت اصلاحیه" }));
  await expect(page.getByTestId("claim-result")).toHaveText("اصلاحیه ثبت شد.");
  await expect(page.getByTestId("claim-corrections")).toContainText("مبدل از انبار تأمین‌کننده آمده بود");
  await expect(page.getByTestId("claim-corrections")).toContainText(`−${fa(100_000)} ریال`);
  await expect(page.getByTestId("claim-owed-now")).toHaveText(`${fa(approved - 100_000)} ریال`);
  const history = page.getByTestId("claim-history");
  await expect(history.locator("li")).toHaveCount(5);
  await expect(history.locator("li[data-event='partly_approved']")).toContainText(`${fa(approved)} ریال`);
  await expect(history.locator("li[data-event='partly_approved']")).toContainText("فن فقط تمیز شده بود");
  await expect(history.locator("li[data-event='corrected']")).toContainText(`−${fa(100_000)} ریال`);
  // who made it, and the statement (this month's) it went to
  const manager = (await q<{ display_name: string }>(`select display_name from users where username = 'manager'`))[0]!.display_name;
  await expect(history.locator("li[data-event='corrected']")).toContainText(`توسط ${manager}`);
  await expect(history.locator("li[data-event='corrected']")).toContainText(`صورت‌حساب ${toPersianDigits(periodText(jalaliYearMonth(new Date())))}`);
  // the Jalali date-time of each step
  await expect(history.locator("li").first().locator("time")).toHaveText(/۱۴[۰-۹]{2}\/[۰-۹]{2}\/[۰-۹]{2} [۰-۹]{2}:[۰-۹]{2}/);
  await waitForRouterIdle(page);
  await page.context().clearCookies();

  // --- agency1 sees the same history, in Persian, and the month's statement shows the correction
  await signIn("agency1");
  await page.locator("nav.shell-nav").getByRole("link", { name: "ادعاهای گارانتی", exact: true }).click();
  await page.getByRole("link", { name: toPersianDigits(claimId), exact: true }).first().click();
  await expect(page).toHaveURL(new RegExp(`/agency/claims/${claimId}$`));
  await expect(page.getByTestId("claim-history").locator("li")).toHaveCount(5);
  await expect(page.getByTestId("claim-history").locator("li[data-event='corrected']")).toContainText("مبدل از انبار تأمین‌کننده آمده بود");
  await expect(page.getByTestId("claim-owed-now")).toHaveText(`${fa(approved - 100_000)} ریال`);
  await expect(page.getByTestId("correct-form")).toHaveCount(0);

  const period = jalaliYearMonth(new Date());
  await page.locator("nav.shell-nav").getByRole("link", { name: "صورت‌حساب نمایندگی", exact: true }).click();
  await expect(page).toHaveURL(/\/agency\/statement$/);
  await page.getByRole("link", { name: toPersianDigits(periodText(period)), exact: true }).first().click();
  await expect(page).toHaveURL(new RegExp(`/agency/statement/${period}$`));
  const row = page.locator("tr", { hasText: "مبدل از انبار تأمین‌کننده آمده بود" });
  await expect(row).toHaveCount(1);
  await expect(row).toContainText("اصلاح ادعای گارانتی");
  await expect(row).toContainText(fa(100_000));
});
