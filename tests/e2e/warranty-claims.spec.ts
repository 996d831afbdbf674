import { readFile } from "node:fs/promises";
import { toPersianDigits } from "../../core/digits";
import { jalaliYearMonth } from "../../core/jalali";
import { periodText } from "../../core/ledger";
import { clickAndSettle, expect, test } from "./fixtures";

/**
 * Issue 15 §3 by clicking: an agency files a warranty claim for a completed in-warranty job, the manager approves
 * it in part with a reason, records the defective part returned (a wrong serial refused first), and the month's
 * statement nets the claim against the agency's referral fee — each figure against this hand-computed fixture:
 *
 *   a new agency (E2E) at (35.7000, 51.4000), its own product category with a repair labour tariff of 900,000;
 *   the job's point (35.7000, 51.6200): ≈ 19.9 km → the demo's 10–30 km band: 300,000;
 *   parts on the completion report: heat exchanger HX (serialized, 2,000,000) × 1, fan FAN (400,000) × 2;
 *   claim = 900,000 + 300,000 + 2,000,000 + 800,000 = 4,000,000;
 *   the manager grants the fan line 400,000 of 800,000 ("one fan was replaced") → approved 3,600,000;
 *   this month the agency also owes a referral fee of 150,000 (10 % of 1,500,000)
 *   → statement: fees 150,000, claims −3,600,000, balance −3,450,000: the manufacturer pays the agency.
 */
const fa = (n: number) => new Intl.NumberFormat("fa-IR").format(Math.abs(n));

// a wrong serial is refused with a 400 (the form shows why)
test.use({ expectedHttpErrors: [400] });

test("an agency's warranty claim, partly approved, its part returned, netted in the month's statement", async ({ page, signIn, db }) => {
  const tag = String(Date.now()).slice(-6);
  const code = `E2E-${tag}`;
  const username = `claims${tag}`;
  const q = async <T extends Record<string, unknown>>(text: string, values: unknown[] = []) => (await db.query<T>(text, values)).rows;
  const [agency] = await q<{ id: string }>(
    `insert into agencies (code, name, province, city, lat, lng) values ($1, 'نمایندگی آزمون ادعا', 'تهران', 'تهران', 35.7, 51.4) returning id`,
    [code],
  );
  await q(
    `insert into users (username, display_name, role, password_hash, agency_id)
     select $1, 'مدیر نمایندگی آزمون', 'agency_admin', password_hash, $2 from users where username = 'agency1'`,
    [username, agency!.id],
  );
  const [category] = await q<{ id: string }>(`insert into product_categories (code, name_fa, name_en) values ($1, 'بخاری آزمون', 'Test heater') returning id`, [`heater-${tag}`]);
  const [model] = await q<{ id: string }>(
    `insert into product_models (brand_id, category_id, model_code, name) select id, $1, $2, 'بخاری آزمون' from brands order by id limit 1 returning id`,
    [category!.id, `H-${tag}`],
  );
  await q(
    `insert into spare_parts (model_id, code, name, list_price_rials, serialized) values ($1, 'HX', 'مبدل حرارتی', 2000000, true), ($1, 'FAN', 'فن', 400000, false)`,
    [model!.id],
  );
  await q(`insert into labour_tariffs (category_id, service_type, amount_rials, effective_from) values ($1, 'repair', 900000, '2026-01-01')`, [category!.id]);
  const [customer] = await q<{ id: string }>(`insert into customers (full_name, mobile) values ('نرگس آزمون', $1) returning id`, [`+98912${tag}9`]);
  const [product] = await q<{ id: string }>(
    `insert into customer_products (customer_id, model_id, serial_number, warranty_months) values ($1, $2, $3, 18) returning id`,
    [customer!.id, model!.id, `SN-${tag}`],
  );
  const ticket = async (warranty: string, lng: number) =>
    (
      await q<{ id: string; number: string }>(
        `insert into tickets (type, channel, customer_id, customer_product_id, warranty_status, status, assigned_agency_id, province, city, lat, lng)
         values ('breakdown', 'phone', $1, $2, $3, 'completed', $4, 'تهران', 'تهران', 35.7, $5) returning id, number`,
        [customer!.id, product!.id, warranty, agency!.id, lng],
      )
    )[0]!;
  const job = await ticket("in_warranty", 51.62);
  const paid = await ticket("out_of_warranty", 51.41);
  const [report] = await q<{ id: string }>(
    `insert into completion_reports (ticket_id, agency_id, completed_at, work_description) values ($1, $2, now() - interval '1 hour', 'تعویض مبدل و فن') returning id`,
    [job.id, agency!.id],
  );
  await q(`insert into completion_parts (report_id, part_code, name, quantity) values ($1, 'HX', 'مبدل حرارتی', 1), ($1, 'FAN', 'فن', 2)`, [report!.id]);
  await q(`insert into completion_reports (ticket_id, agency_id, completed_at, work_description, invoice_amount_rials) values ($1, $2, now() - interval '2 hour', 'سرویس', 1500000)`, [paid.id, agency!.id]);
  const period = jalaliYearMonth(new Date());
  await q(
    `insert into agency_ledger (agency_id, kind, period, amount_rials, at, ticket_id, invoice_amount_rials, rate_percent) values ($1, 'referral_fee', $2, 150000, now() - interval '2 hour', $3, 1500000, 10)`,
    [agency!.id, period, paid.id],
  );

  // the agency files the claim from its menu
  await signIn(username);
  await page.locator("nav.shell-nav").getByRole("link", { name: "ادعاهای گارانتی", exact: true }).click();
  await expect(page).toHaveURL(/\/agency\/claims$/);
  await page.getByTestId("claimable").locator(`tr[data-ticket="${job.number}"]`).getByRole("link", { name: "ثبت ادعا" }).click();
  await expect(page).toHaveURL(new RegExp(`/agency/claims/new\\?ticket=${job.id}$`));
  await expect(page.getByTestId("estimate-total")).toHaveText(`${fa(4_000_000)} ریال`);
  // pre-filled from the completion report; the defective heat exchanger's serial is asked for
  await page.getByTestId("serial-0").fill("HX-DEF-5501");
  await page.getByRole("button", { name: "ثبت و ارسال برای سازنده" }).click();
  await expect(page).toHaveURL(/\/agency\/claims\/\d+$/);
  await expect(page.getByTestId("claim-status")).toHaveText("در انتظار بررسی");
  await expect(page.getByTestId("claim-claimed")).toHaveText(`${fa(4_000_000)} ریال`);
  const claimUrl = new URL(page.url()).pathname;
  const claimId = claimUrl.split("/").at(-1)!;
  await page.context().clearCookies();

  // the manager approves it in part, with the reason
  await signIn("manager");
  await page.locator("nav.shell-nav").getByRole("link", { name: "ادعاهای گارانتی", exact: true }).click();
  await expect(page).toHaveURL(/\/manager\/claims$/);
  await page.getByRole("link", { name: toPersianDigits(claimId), exact: true }).first().click();
  await expect(page).toHaveURL(new RegExp(`/manager/claims/${claimId}$`));
  const fanRow = page.locator("form tr[data-line='part']", { hasText: "فن" });
  await fanRow.locator("input[name^='approved_']").fill("400000");
  await fanRow.locator("input[name^='reason_']").fill("فقط یک فن تعویض شده بود");
  await page.getByRole("button", { name: "ثبت تصمیم" }).click();
  await expect(page.getByTestId("claim-result")).toHaveText("تصمیم دربارهٔ ادعا ثبت شد.");
  await expect(page.getByTestId("claim-status")).toHaveText("تأیید بخشی");
  await expect(page.getByTestId("claim-approved")).toHaveText(`${fa(3_600_000)} ریال`);
  await expect(page.getByTestId("claim-reason")).toHaveText("فقط یک فن تعویض شده بود");

  // the defective part comes back: a wrong serial is refused, the right one (typed loosely) accepted
  await page.getByLabel("سریال قطعهٔ رسیده").fill("HX-DEF-5502");
  await page.getByRole("button", { name: "ثبت دریافت" }).click();
  await expect(page.getByTestId("claim-result")).toHaveText("سریال قطعهٔ رسیده با سریال ثبت‌شده در ادعا یکی نیست.");
  await page.getByLabel("سریال قطعهٔ رسیده").fill("hx def ۵۵۰۱");
  await clickAndSettle(page.getByRole("button", { name: "ثبت دریافت" }));
  await expect(page.getByTestId("claim-result")).toHaveText("دریافت قطعه داغی ثبت شد.");
  await expect(page.getByTestId("line-return")).toContainText("تحویل شد");
  await page.context().clearCookies();

  // the month's statement, as the agency sees and downloads it
  await signIn(username);
  await page.locator("nav.shell-nav").getByRole("link", { name: "صورت‌حساب نمایندگی", exact: true }).click();
  await expect(page).toHaveURL(/\/agency\/statement$/);
  await page.getByRole("link", { name: toPersianDigits(periodText(period)), exact: true }).first().click();
  await expect(page).toHaveURL(new RegExp(`/agency/statement/${period}$`));
  await expect(page.getByTestId("statement-claims")).toContainText(fa(3_600_000));
  await expect(page.getByTestId("statement-claims")).toHaveText(/[-−]/);
  await expect(page.getByTestId("statement-balance")).toContainText(fa(3_450_000));
  await expect(page.getByTestId("statement-balance")).toHaveText(/[-−]/);
  await expect(page.getByTestId("statement-direction")).toHaveText("مانده را سازنده به نمایندگی می‌پردازد.");
  const [csv] = await Promise.all([page.waitForEvent("download"), page.getByRole("link", { name: "CSV" }).click()]);
  const csvText = await readFile((await csv.path())!, "utf8");
  expect(csvText).toContain("ادعای گارانتی");
  expect(csvText).toContain("حق ارجاع");
  expect(csvText).toMatch(/-3,?600,?000/);
  expect(csvText).toMatch(/150,?000/);
});

test("the admin keeps the tariffs; the demo shows a claim in each state to the manager and to agency1's staff", async ({ page, signIn }) => {
  await signIn("admin");
  await page.locator("nav.shell-nav").getByRole("link", { name: "تعرفه‌ها", exact: true }).click();
  await expect(page).toHaveURL(/\/admin\/tariffs$/);
  await expect(page.getByTestId("travel-bands")).toContainText("بیش از ۶۰ کیلومتر");
  await expect(page.getByTestId("labour-tariffs").locator("tbody tr")).not.toHaveCount(0);
  // a band far out, from a later day: listed with its Jalali start
  const addBand = page.locator("form", { has: page.getByRole("heading", { name: "افزودن نرخ ایاب و ذهاب" }) });
  await addBand.getByLabel("از کیلومتر").fill("۱۵۰");
  await addBand.getByLabel("مبلغ (ریال)").fill("1500000");
  await addBand.getByLabel("از تاریخ").fill("1499/01/01");
  await addBand.getByRole("button", { name: "ثبت" }).click();
  await expect(page.getByTestId("tariff-result-band")).toHaveText("تعرفه ثبت شد.");
  await expect(page.getByTestId("travel-bands")).toContainText("۱۴۹۹/۰۱/۰۱");
  await page.context().clearCookies();

  await signIn("manager");
  await clickAndSettle(page.locator("nav.shell-nav").getByRole("link", { name: "ادعاهای گارانتی", exact: true }));
  await expect(page).toHaveURL(/\/manager\/claims$/);
  await page.locator('select[name="status"]').selectOption("");
  await clickAndSettle(page.getByRole("button", { name: "نمایش", exact: true }));
  for (const state of ["پیش‌نویس", "در انتظار بررسی", "تأییدشده", "تأیید بخشی", "ردشده", "پرداخت‌شده"]) {
    await expect(page.locator("tbody")).toContainText(state);
  }
  // the paid one: its defective part back, its history on the ticket
  await page.locator("tbody tr", { hasText: "پرداخت‌شده" }).first().getByRole("link").first().click();
  await expect(page.getByTestId("claim-status")).toHaveText("پرداخت‌شده");
  await page.getByTestId("claim-lines").locator("..").getByRole("link").first().click();
  await expect(page).toHaveURL(/\/manager\/tickets\/\d+$/);
  await expect(page.locator("ol.timeline")).toContainText("پرداخت شد");
  await page.context().clearCookies();

  await signIn("agency1staff");
  await page.locator("nav.shell-nav").getByRole("link", { name: "ادعاهای گارانتی", exact: true }).click();
  await expect(page).toHaveURL(/\/agency\/claims$/);
  await expect(page.locator("tbody").last()).toContainText("تأیید بخشی");
});
