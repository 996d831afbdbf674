import { DEMO_CARD_CODES } from "../../db/seed/demo-warranty";
import { clickAndSettle, expect, test, waitForHydration } from "./fixtures";

// a refused form (a code that is not 16 digits, a bad tracking id) answers 400 with its message
test.use({ expectedHttpErrors: [400] });

/*
 * Warranty per serial (issue 15 §1) with JavaScript on, by clicking, on the e2e server's own workers and
 * Kavenegar simulator: a newcomer texts a demo card's code from the simulated phone and gets the reply SMS
 * (activated, valid until a Jalali date); an operator finds the customer's product from the desk's menu and
 * sees the activated card on it, and records the national registry's tracking id; the public page checks a
 * card and refuses a code that is no card.
 */

test("a newcomer activates a card by SMS from the simulated phone; the operator sees it on the customer's product", async ({ page, signIn }) => {
  test.setTimeout(90_000);
  // (fresh[0] is left to the README's try-it steps, fresh[1] to the web check below: every spec shares one
  // database, and a card is activated once)
  const code = DEMO_CARD_CODES.fresh[2];
  const mobile = "09137770505";
  await page.goto("/login");
  await waitForHydration(page);
  await page.getByTestId("dev-sms-link").click();
  await expect(page).toHaveURL((u) => u.pathname === "/dev/sms");
  await waitForHydration(page);
  await page.getByLabel("از شماره همراه").fill(mobile);
  await page.getByLabel("متن پیامک").fill(`${code.slice(0, 4)} ${code.slice(4, 8)} ${code.slice(8, 12)} ${code.slice(12)}`);
  await page.getByRole("button", { name: "ارسال پیامک" }).click();
  await expect(page.getByRole("status")).toContainText("به خط خدمات رسید");
  // the workers read the line and answer: the reply shows up in this phone's inbox by itself
  const reply = page.getByTestId("sim-message").filter({ hasText: "فعال شد" });
  await expect(reply).toBeVisible({ timeout: 45_000 });
  await expect(reply).toContainText(/گارانتی دستگاه شما تا [۰-۹]{4}\/[۰-۹]{2}\/[۰-۹]{2} معتبر است/);

  await signIn("operator");
  await page.getByRole("link", { name: "کالاها و گارانتی" }).click();
  await expect(page).toHaveURL((u) => u.pathname === "/desk/warranty");
  await waitForHydration(page);
  await page.getByLabel("شماره سریال، کد رهگیری سامانه گارانتی یا شماره همراه").fill("۰۹۱۳ ۷۷۷ ۰۵۰۵");
  await page.getByRole("button", { name: "جست‌وجو" }).click();
  const results = page.getByTestId("product-search-results");
  await expect(results).toContainText("مشتری کارت گارانتی");
  await results.getByRole("link").first().click();
  await expect(page).toHaveURL(/\/desk\/warranty\/\d+$/);
  await expect(page.getByTestId("product-card")).toContainText(`کارت …${code.slice(-4).replace(/\d/g, (d) => String.fromCharCode(0x06f0 + Number(d)))}، فعال‌شده در`);
  await expect(page.getByTestId("product-card")).toContainText("۰۹۱۳***۰۵۰۵");
  await expect(page.getByTestId("product-warranty-status")).toHaveText("داخل گارانتی");
  await expect(page.getByTestId("product-history").locator('li[data-kind="warranty_activated"]')).toContainText("مشتری (پیامک)");

  // the national registry's tracking id: a bad one is named, a good one saved and found by the search
  await waitForHydration(page);
  await page.getByLabel("کد رهگیری سامانه جامع گارانتی").fill("!!");
  await page.getByRole("button", { name: "ذخیره کد رهگیری" }).click();
  await expect(page.getByTestId("registry-error")).toHaveText("کد رهگیری باید ۴ تا ۴۰ نویسه از حروف لاتین، رقم و خط تیره باشد.");
  await page.getByLabel("کد رهگیری سامانه جامع گارانتی").fill("GR-1405-990001");
  await page.getByRole("button", { name: "ذخیره کد رهگیری" }).click();
  await expect(page.getByTestId("registry-saved")).toBeVisible();
  await expect(page.getByTestId("product-registry")).toHaveText("GR-1405-990001");
  await expect(page.getByTestId("product-history").locator('li[data-kind="registry_id_changed"]')).toBeVisible();
  await clickAndSettle(page.getByRole("link", { name: "کالاها و گارانتی" }));
  await page.getByLabel("شماره سریال، کد رهگیری سامانه گارانتی یا شماره همراه").fill("gr-1405-990001");
  await page.getByRole("button", { name: "جست‌وجو" }).click();
  await expect(page.getByTestId("product-search-results").locator("tbody tr")).toHaveCount(1);
});

test("the public page checks a card without signing in, and refuses a code that is no card", async ({ page }) => {
  await page.goto("/login");
  await waitForHydration(page);
  await page.getByTestId("warranty-card-link").click();
  await expect(page).toHaveURL((u) => u.pathname === "/warranty");
  await waitForHydration(page);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("فعال‌سازی و استعلام اصالت کارت گارانتی");
  const code = DEMO_CARD_CODES.fresh[1];
  await page.getByLabel("کد کارت گارانتی").fill(code.replace(/\d/g, (d) => String.fromCharCode(0x06f0 + Number(d))));
  await page.getByRole("button", { name: "بررسی و فعال‌سازی" }).click();
  await expect(page.getByTestId("card-reply")).toHaveAttribute("data-kind", "genuine");
  await expect(page.getByTestId("card-reply")).toContainText("اصل است و هنوز فعال نشده است");

  await page.getByLabel("کد کارت گارانتی").fill("1111222233334444");
  await page.getByRole("button", { name: "بررسی و فعال‌سازی" }).click();
  await expect(page.getByTestId("card-reply")).toHaveAttribute("data-kind", "not_genuine");

  await page.getByLabel("کد کارت گارانتی").fill(DEMO_CARD_CODES.expired);
  await page.getByRole("button", { name: "بررسی و فعال‌سازی" }).click();
  await expect(page.getByTestId("card-reply")).toHaveAttribute("data-kind", "expired");
  await expect(page.getByTestId("card-reply")).toContainText("به پایان رسیده است");

  await page.getByLabel("کد کارت گارانتی").fill("123");
  await page.getByRole("button", { name: "بررسی و فعال‌سازی" }).click();
  await expect(page.getByTestId("card-error")).toHaveText("کد کارت باید ۱۶ رقم باشد؛ آن را همان‌طور که روی کارت چاپ شده بنویسید.");
});
