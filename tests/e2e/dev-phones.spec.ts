import type pg from "pg";
import { E2E_ARI_SIM_PORT } from "../../playwright.config";
import { clickAndSettle, expect, test, waitForHydration } from "./fixtures";

/*
 * The "done means" for follow-up calls, as a newcomer does it, without curl: a supervisor completes a
 * job; its follow-up call (SATISFACTION_DELAY_DAYS=0 on the e2e server) rings the customer's phone on the
 * simulated phones page (/dev/phones, reached by its footer link); answering it there and pressing 5 on the
 * page's keypad records the score, which shows on the ticket page.
 */

const SIM = `http://127.0.0.1:${E2E_ARI_SIM_PORT}`;

function persian(n: number | string) {
  return String(n).replace(/\d/g, (d) => "۰۱۲۳۴۵۶۷۸۹"[Number(d)]!);
}

/** A breakdown job in progress, of a customer whose mobile no other customer has, with no follow-up and no live call. */
async function jobInProgress(db: pg.Client) {
  const r = await db.query<{ id: string; number: string; mobile: string }>(
    `select t.id::text, t.number::text, c.mobile
       from tickets t join customers c on c.id = t.customer_id
      where t.type = 'breakdown' and t.status = 'in_progress'
        and (select count(*) from customers o where o.mobile = c.mobile) = 1
        and not exists (select 1 from satisfaction_surveys s where s.ticket_id = t.id)
        and not exists (select 1 from calls k where k.customer_id = c.id and k.state <> 'ended')
      order by t.id asc limit 1`,
  );
  const t = r.rows[0]!;
  return { id: Number(t.id), number: Number(t.number), mobile: t.mobile };
}

test.afterEach(async () => {
  // the simulator outlives this test: customers' phones answer by themselves again for the next ones
  await fetch(`${SIM}/sim/trunk`, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ answer: "auto", afterMs: 300 }) });
});

test("a completed job's follow-up call rings on /dev/phones; answered there, 5 on its keypad is the score on the ticket", async ({ page, signIn, db }) => {
  test.setTimeout(120_000);
  const job = await jobInProgress(db);
  const local = `0${job.mobile.slice(3)}`;

  await signIn("supervisor");
  await page.goto("/desk");
  await waitForHydration(page);

  // first, on the phones page: customers' phones ring until answered there
  await page.getByTestId("dev-phones-link").click();
  await expect(page).toHaveURL("/dev/phones");
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("تلفن‌های آزمایشی مشتریان");
  await page.getByRole("button", { name: "گوشی زنگ بخورد تا اینجا پاسخ دهم" }).click();
  await expect(page.getByRole("button", { name: "گوشی زنگ بخورد تا اینجا پاسخ دهم" })).toHaveAttribute("aria-pressed", "true");

  // the job, by clicking: the desk, the ticket list searched by its number
  await page.goto("/desk");
  await waitForHydration(page);
  await clickAndSettle(page.getByRole("link", { name: "درخواست‌های خدمت" }));
  await page.getByRole("search").getByRole("searchbox").fill(String(job.number));
  await page.getByRole("search").getByRole("button", { name: "فیلتر" }).click();
  await page.getByRole("link", { name: persian(job.number), exact: true }).click();
  await expect(page.getByRole("heading", { level: 1 })).toContainText(persian(job.number));
  const ticketUrl = new URL(page.url()).pathname;

  // the job is done: completed from its page
  await page.getByLabel("وضعیت جدید").selectOption("completed");
  await page.getByRole("button", { name: "ثبت تغییر وضعیت" }).click();
  await expect(page.getByRole("heading", { level: 1 }).locator("[data-status]")).toHaveAttribute("data-status", "completed");
  await expect(page.getByTestId("follow-up")).toBeVisible();

  // the follow-up call rings the customer's phone on the phones page (it refreshes itself)
  await page.getByTestId("dev-phones-link").click();
  await expect(page).toHaveURL("/dev/phones");
  const call = page.locator(`[data-testid="sim-call"][data-number="${local}"]`);
  await expect(call).toHaveAttribute("data-state", "ringing", { timeout: 60_000 });
  await expect(call).toContainText(persian(local));
  await expect(call).toContainText("تماس سامانه با مشتری");
  await call.getByRole("button", { name: "پاسخ دادن" }).click();
  await expect(call.getByTestId("sim-call-result")).toHaveText("به تماس پاسخ داده شد.");
  await expect(call).toHaveAttribute("data-state", "up");
  // the customer presses 5 on the keypad
  await call.getByRole("group", { name: "صفحه‌کلید تلفن" }).getByRole("button", { name: "۵", exact: true }).click();
  await expect(call.getByTestId("sim-call-result")).toHaveText("کلید ۵ زده شد.");
  // thanked, the call ends and leaves the page
  await expect(call).toHaveCount(0, { timeout: 30_000 });

  // the ticket shows the score
  await page.goto(ticketUrl);
  await waitForHydration(page);
  await expect(page.getByTestId("follow-up")).toHaveAttribute("data-status", "answered");
  await expect(page.getByTestId("follow-up-score")).toHaveText("۵ از ۵");
  await expect(page.getByTestId("follow-up-channel")).toHaveText("تماس خودکار (کلید تلفن)");
});

test("the login page links the phones page; a customer's call to the hotline placed there shows on it and can be hung up", async ({ page }) => {
  await page.goto("/login");
  await waitForHydration(page);
  await page.getByTestId("dev-phones-link").click();
  await expect(page).toHaveURL("/dev/phones");
  const form = page.getByRole("region", { name: "شبیه‌سازی تماس ورودی" });
  await form.getByLabel("شماره تماس‌گیرنده").fill("۰۹۱۲ ۷۷۷ ۰۰۱۱");
  await form.getByLabel("کلید منوی تلفنی").selectOption("3");
  await form.getByRole("button", { name: "شروع تماس آزمایشی" }).click();
  await expect(page.getByTestId("sim-result")).toContainText("تماس آزمایشی آغاز شد");
  const call = page.locator('[data-testid="sim-call"][data-number="09127770011"]');
  await expect(call).toContainText("تماس مشتری با خط خدمات");
  await call.getByRole("button", { name: "قطع تماس" }).click();
  await expect(call).toHaveCount(0, { timeout: 15_000 });
  await expect(page.getByTestId("sim-call-result")).toHaveText("تماس قطع شد.");
});
