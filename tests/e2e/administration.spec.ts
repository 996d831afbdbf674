import { clickAndSettle, expect, test, waitForHydration, waitForRouterIdle } from "./fixtures";

/**
 * Agency and user administration (issue 14 §5) in Chromium with JavaScript on, reached by clicking from the menu:
 *  - the admin creates a user of agency THR-002, signs it in in a second browser, disables it, and that
 *    browser's next click lands on the sign-in page; the audit log reads the change as a sentence;
 *  - the manager creates an agency, picks its location on the map, adds an authorisation and a fee rate;
 *  - the manager imports a CSV with one bad row (the per-row report, nothing imported), then a good one (the
 *    progress bar reaches 100%, the agencies are listed).
 */

// refusals (an agency role without its agency, a bad Jalali date) answer 400 with a message, on purpose
test.use({ expectedHttpErrors: [400] });

const tag = () => `${Date.now().toString(36)}${Math.floor(Math.random() * 1e3)}`.toUpperCase();

test("the admin creates an agency user, disables it, and its open browser is signed out on its next click", async ({ page, signIn, browser, db }) => {
  const username = `e2e${tag().toLowerCase()}`;
  await signIn("admin");
  await clickAndSettle(page.getByRole("navigation").getByRole("link", { name: "کاربران" }).first());
  await page.getByText("افزودن کاربر").click();
  const form = page.getByTestId("user-create");
  await form.getByLabel("نام کاربری").fill(username);
  await form.getByLabel("نام", { exact: true }).fill("کارمند آزمایشی");
  await page.getByTestId("create-role").selectOption("agency_staff");
  // an agency role without its agency is refused with a message
  await form.getByLabel(/رمز عبور/).fill("temporary-pass-1");
  await clickAndSettle(form.getByRole("button", { name: "ایجاد کاربر" }));
  await expect(page.getByTestId("user-admin-error")).toContainText("نمایندگی را انتخاب کنید");
  const thr2 = (await db.query<{ id: string }>(`select id from agencies where code = 'THR-002'`)).rows[0]!.id;
  await page.getByTestId("create-agency").selectOption(String(thr2));
  await form.getByLabel(/رمز عبور/).fill("temporary-pass-1");
  await form.getByRole("button", { name: "ایجاد کاربر" }).click();
  await expect(page.getByTestId("user-admin-done")).toContainText(username);
  const row = await db.query<{ role: string; code: string }>(
    `select u.role, a.code from users u join agencies a on a.id = u.agency_id where u.username = $1`,
    [username],
  );
  expect(row.rows[0]).toEqual({ role: "agency_staff", code: "THR-002" });

  // the new user signs in in a browser of its own
  const other = await browser.newContext();
  const theirs = await other.newPage();
  await theirs.goto("/login");
  await waitForHydration(theirs);
  await theirs.getByLabel(/نام کاربری|Username/).fill(username);
  await theirs.getByLabel(/رمز عبور|Password/).fill("temporary-pass-1");
  await theirs.getByRole("button", { name: /^(ورود|Sign in)$/ }).click();
  await theirs.waitForURL((u) => u.pathname.startsWith("/agency"));
  await waitForHydration(theirs);

  // the admin disables it
  await waitForRouterIdle(page);
  const userRow = page.locator(`tr[data-username="${username}"]`);
  await userRow.getByText("تغییرات").click();
  await clickAndSettle(page.getByTestId(`toggle-${username}`));
  await expect(page.getByTestId("user-admin-done")).toContainText("غیرفعال شد");
  await expect(userRow.locator("td").nth(4)).toHaveText("خیر");

  // its next click lands on the sign-in page
  await theirs.getByRole("navigation").getByRole("link").nth(1).click();
  await theirs.waitForURL((u) => u.pathname.startsWith("/login"));
  await other.close();

  // the audit log says it in words
  await clickAndSettle(page.getByRole("navigation").getByRole("link", { name: "گزارش رویدادها" }));
  await expect(page.locator('tr[data-action="user.deactivate"]').first().getByTestId("audit-sentence")).toContainText(`را غیرفعال کرد`);
});

test("the manager creates an agency on the map, adds an authorisation and a fee rate", async ({ page, signIn, db }) => {
  const code = `E2E-${tag()}`.slice(0, 20);
  await signIn("manager");
  await clickAndSettle(page.getByRole("navigation").getByRole("link", { name: "نمایندگی‌های مجاز" }));
  await clickAndSettle(page.getByRole("link", { name: "نمایندگی تازه" }));
  const form = page.getByTestId("agency-form");
  await form.getByLabel("کد").fill(code);
  await form.getByLabel("نام نمایندگی").fill("نمایندگی آزمایشی قم");
  // a contact number is required: customers are sent it when the agency accepts their job
  await form.getByLabel("تلفن‌های ثابت", { exact: false }).fill("02532223344");
  await form.getByLabel("استان", { exact: true }).fill("قم");
  await form.getByLabel("شهر", { exact: true }).fill("قم");
  await form.getByLabel("شعاع خدمت (کیلومتر)").fill("15");
  await form.getByLabel("استان‌ها و شهرهای تحت پوشش").fill("قم/قم");
  // the centre is picked on the map
  const map = page.getByTestId("agency-map");
  await expect(map.locator(".leaflet-container")).toBeVisible();
  await map.click({ position: { x: 120, y: 80 } });
  await expect(page.getByTestId("agency-lat")).not.toHaveValue("");
  await expect(map.locator("path.leaflet-interactive").first()).toBeVisible();
  await clickAndSettle(form.getByRole("button", { name: "ایجاد نمایندگی" }));
  await page.waitForURL(/\/manager\/agencies\/\d+/);
  await expect(page.getByTestId("agency-admin-done")).toBeVisible();
  const created = await db.query<{ id: string; lat: number | null; lng: number | null; service_radius_km: number }>(
    `select id, lat, lng, service_radius_km from agencies where code = $1`,
    [code],
  );
  const agency = created.rows[0]!;
  expect(agency.lat).not.toBeNull();
  expect(agency.service_radius_km).toBe(15);

  // an authorisation (the first brand × category of the grid)
  await page.getByTestId("authorizations-form").locator('input[type="checkbox"]').first().check();
  await clickAndSettle(page.getByRole("button", { name: "ذخیره مجوزها" }));
  await expect(page.getByTestId("agency-admin-done")).toBeVisible();
  await expect.poll(async () => (await db.query(`select 1 from agency_authorizations where agency_id = $1`, [agency.id])).rowCount).toBe(1);

  // a fee rate from a Jalali date typed in Persian digits; a bad date is refused with a message
  const rate = page.getByTestId("fee-rate-add");
  await rate.getByLabel("نرخ (درصد)").fill("۱۲");
  await rate.getByLabel("از تاریخ (شمسی)").fill("۱۴۰۵/۱۳/۰۱");
  await clickAndSettle(rate.getByRole("button", { name: "ثبت نرخ تازه" }));
  await expect(page.getByTestId("fee-rate-error")).toContainText("تاریخ شمسی معتبر نیست");
  await rate.getByLabel("از تاریخ (شمسی)").fill("۱۴۰۵/۱۰/۰۱");
  await rate.getByRole("button", { name: "ثبت نرخ تازه" }).click();
  await expect(page.getByTestId("fee-rates")).toContainText("۱۴۰۵/۱۰/۰۱");
  const rates = await db.query(`select rate_percent::float as r, effective_from::text as f from agency_fee_rates where agency_id = $1`, [agency.id]);
  expect(rates.rows).toEqual([{ r: 12, f: "2026-12-22" }]);
});

test("the manager imports agencies: a bad row imports nothing, a good file reaches 100%", async ({ page, signIn, db }) => {
  const t = tag();
  const header = "code,name,mobile,province,city,lat,lng,service_radius_km,daily_job_capacity,service_areas";
  const bad = [header, `IMA-${t}-1,نمايندگي يك,09121110000,سمنان,سمنان,35.57,53.39,20,5,سمنان/سمنان`, `IMA-${t}-2,نمایندگی دو,0912,سمنان,سمنان,,,,,`].join("\n");
  const good = [header, `IMB-${t}-1,نمايندگي سمنان يك,09121110000,سمنان,سمنان,35.57,53.39,۲۰,5,سمنان/سمنان`, `IMB-${t}-2,نمایندگی سمنان دو,09121110002,سمنان,شاهرود,36.41,54.97,15,4,سمنان/شاهرود`].join("\n");
  await signIn("manager");
  await clickAndSettle(page.getByRole("navigation").getByRole("link", { name: "نمایندگی‌های مجاز" }));
  await clickAndSettle(page.getByRole("link", { name: "ورود نمایندگی‌ها از فایل CSV" }));
  await expect(page.getByTestId("import-template")).toHaveAttribute("href", "/manager/agencies/import-template");

  await page.locator('input[type="file"]').setInputFiles({ name: "bad.csv", mimeType: "text/csv", buffer: Buffer.from(bad) });
  await clickAndSettle(page.getByRole("button", { name: "بارگذاری و ورود" }));
  await expect(page.getByTestId("import-failed")).toBeVisible({ timeout: 20_000 });
  const errors = page.getByTestId("import-errors");
  await expect(errors).toContainText("شماره همراه معتبر نیست");
  await expect(errors.locator("tbody tr")).toHaveCount(1);
  await expect(errors.locator("tbody tr td").first()).toHaveText("۲");
  expect((await db.query(`select 1 from agencies where code like $1`, [`IMA-${t}-%`])).rowCount).toBe(0);

  await page.locator('input[type="file"]').setInputFiles({ name: "good.csv", mimeType: "text/csv", buffer: Buffer.from(good) });
  await page.getByRole("button", { name: "بارگذاری و ورود" }).click();
  await expect(page.getByTestId("import-done")).toBeVisible({ timeout: 20_000 });
  await expect(page.getByTestId("import-progress")).toHaveAttribute("value", "100");
  await page.getByRole("link", { name: "دیدن فهرست نمایندگی‌ها" }).click();
  await expect(page.locator(`tr[data-agency="IMB-${t}-1"]`)).toContainText("نمایندگی سمنان یک");
  await expect(page.locator(`tr[data-agency="IMB-${t}-2"]`)).toBeVisible();
});
