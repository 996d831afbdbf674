import { toPersianDigits } from "../../core/digits";
import { clickAndSettle, expect, test, waitForHydration } from "./fixtures";

/*
 * Issue 15 §4 in Chromium with JavaScript on, by clicking: the technician's job link requests a catalogue part
 * (a bad quantity refused with a clear message first); the job goes on hold waiting for parts with its Jalali
 * expected date; the manager's parts desk (from the menu) orders, ships and receives it; the job resumes by itself
 * and the technician's SMS is queued; the manager's report of the parts that hold jobs up shows the part and
 * drills down to the ticket. The agency fills a request from its own stock; the admin edits the catalogue.
 *
 * The job is written with SQL (dispatch is another part of the issue): a ticket of THR-001 for a demo product
 * whose model has catalogue parts, its accepted offer, and a technician of THR-001 with a phone of its own.
 */

interface Job {
  ticketId: number;
  number: number;
  technicianName: string;
  technicianPhone: string;
  partCode: string;
  partId: number;
}

async function acceptedJob(db: import("pg").Client): Promise<Job> {
  const suffix = String(Date.now() % 10_000_000).padStart(7, "0");
  const technicianName = `بهرام قطعه‌ای ${toPersianDigits(suffix.slice(-3))}`;
  const agencyId = (await db.query<{ id: string }>("select id from agencies where code = 'THR-001'")).rows[0]!.id;
  await db.query("insert into technicians (agency_id, full_name, mobile) values ($1, $2, $3)", [agencyId, technicianName, `+98937${suffix}`]);
  const customer = await db.query<{ id: string }>("insert into customers (full_name, mobile) values ($1, $2) returning id", ["شهره نیک‌نام", `+98938${suffix}`]);
  // a model with at least two active catalogue parts
  const part = await db.query<{ model_id: string; id: string; code: string }>(
    `select sp.model_id, sp.id, sp.code from spare_parts sp
     where sp.active and (select count(*) from spare_parts s2 where s2.model_id = sp.model_id and s2.active) >= 2
     order by sp.model_id, sp.code limit 1`,
  );
  const { model_id: modelId, id: partId, code: partCode } = part.rows[0]!;
  const product = await db.query<{ id: string }>(
    "insert into customer_products (customer_id, model_id, serial_number, warranty_months) values ($1, $2, $3, 18) returning id",
    [customer.rows[0]!.id, modelId, `E2E-${suffix}`],
  );
  const ticket = await db.query<{ id: string; number: string }>(
    `insert into tickets (type, channel, customer_id, customer_product_id, warranty_status, status, assigned_agency_id, problem_description, province, city, address_text)
     values ('breakdown', 'phone', $1, $2, 'in_warranty', 'assigned', $3, 'یخچال برفک می‌زند', 'تهران', 'تهران', 'خیابان پاسداران، پلاک ۳') returning id, number`,
    [customer.rows[0]!.id, product.rows[0]!.id, agencyId],
  );
  const ticketId = Number(ticket.rows[0]!.id);
  await db.query(
    `insert into dispatch_offers (ticket_id, agency_id, status, offered_at, deadline_at, responded_at)
     values ($1, $2, 'accepted', now() - interval '1 hour', now() - interval '30 minutes', now() - interval '50 minutes')`,
    [ticketId, agencyId],
  );
  return { ticketId, number: Number(ticket.rows[0]!.number), technicianName, technicianPhone: `0937${suffix}`, partCode, partId: Number(partId) };
}

/** A Tehran day `days` from today, as Jalali text with Persian digits (what a technician types). */
function jalaliInDays(days: number): string {
  const parts = new Intl.DateTimeFormat("en-US-u-ca-persian-nu-latn", { timeZone: "Asia/Tehran", year: "numeric", month: "2-digit", day: "2-digit" }).formatToParts(
    new Date(Date.now() + days * 86_400_000),
  );
  const get = (t: string) => parts.find((p) => p.type === t)!.value;
  return toPersianDigits(`${get("year").replace(/\D/g, "")}/${get("month")}/${get("day")}`);
}

function tomorrowInTehran(): string {
  return new Intl.DateTimeFormat("en-CA", { timeZone: "Asia/Tehran" }).format(new Date(Date.now() + 24 * 3600_000));
}

/** As agency1: the technician and tomorrow 10–12; then the job link from the technician's simulated inbox. */
async function assignAndFetchLink(page: import("@playwright/test").Page, job: Job): Promise<string> {
  await page.goto(`/agency/tickets/${job.ticketId}`);
  await waitForHydration(page);
  const form = page.getByTestId("assign-form");
  await form.getByLabel("تکنسین").selectOption({ label: job.technicianName });
  await form.getByLabel("روز مراجعه").fill(tomorrowInTehran());
  await form.getByRole("button", { name: "ثبت و ارسال پیامک" }).click();
  await expect(page.getByTestId("job-flash")).toContainText("تکنسین و زمان مراجعه ثبت شد");
  const message = page.getByTestId("sim-message").filter({ hasText: toPersianDigits(job.number) });
  await expect(async () => {
    await page.goto(`/dev/sms?number=${job.technicianPhone}`);
    await expect(message).toBeVisible({ timeout: 1000 });
  }).toPass({ timeout: 20_000 });
  return (await message.getByRole("link").getAttribute("href"))!;
}

test.describe("spare parts", () => {
  // the refused quantity and the refused catalogue code answer 400
  test.use({ expectedHttpErrors: [400] });

  test("the technician requests a part, the parts desk orders, ships and receives it, the job resumes; the report shows it", async ({ page, signIn, db }) => {
    const job = await acceptedJob(db);
    await signIn("agency1");
    const href = await assignAndFetchLink(page, job);
    await page.context().clearCookies();

    // the technician's phone: arrived, then "needs a part"
    await page.setViewportSize({ width: 360, height: 740 });
    await page.goto(href);
    await waitForHydration(page);
    await page.getByRole("button", { name: "رسیدم، کار را شروع کردم" }).click();
    await expect(page.getByTestId("job-status")).toHaveText("در حال انجام");
    await page.getByText("نیاز به قطعه دارد").click();
    const lines = page.getByTestId("part-lines");
    await lines.getByTestId("part-select-0").selectOption(String(job.partId));
    await lines.getByTestId("part-qty-0").fill("۳۰");
    const expected = jalaliInDays(6);
    await page.getByLabel("تاریخ تقریبی رسیدن قطعه").fill(expected);
    await page.getByRole("button", { name: "ثبت نیاز به قطعه" }).click();
    await expect(page.getByRole("alert")).toHaveText("تعداد هر قطعه باید عددی از ۱ تا ۲۰ باشد.");
    await lines.getByTestId("part-qty-0").fill("۲");
    await page.getByRole("button", { name: "ثبت نیاز به قطعه" }).click();
    await expect(page.getByTestId("job-done")).toHaveText("ثبت شد: کار تا رسیدن قطعه متوقف است.");
    await expect(page.getByTestId("job-status")).toHaveText("متوقف (انتظار قطعه)");
    await expect(page.getByTestId("job-waiting-parts")).toContainText(expected);
    const row = page.getByTestId("part-requests").locator("tbody tr");
    await expect(row).toHaveCount(1);
    await expect(row).toContainText(job.partCode);
    await expect(row.getByTestId("part-status")).toHaveText("درخواست‌شده");

    // the manager's parts desk, from the menu
    await page.setViewportSize({ width: 1280, height: 800 });
    await signIn("manager");
    await clickAndSettle(page.locator("nav.shell-nav").getByRole("link", { name: "میز قطعات", exact: true }));
    await expect(page.getByRole("heading", { level: 1 })).toHaveText("میز قطعات");
    const desk = page.locator(`[data-testid=parts-desk] tr[data-ticket="${job.number}"]`);
    await desk.getByRole("button", { name: "ثبت سفارش" }).click();
    await expect(desk.getByTestId("part-status")).toHaveText("سفارش‌داده‌شده");
    await desk.getByRole("button", { name: "ثبت ارسال" }).click();
    await expect(desk.getByTestId("part-status")).toHaveText("ارسال‌شده");
    await desk.getByLabel("شمارهٔ سریال").fill("E2E-PART-1");
    await desk.getByRole("button", { name: "ثبت رسیدن" }).click();
    await expect(page.getByTestId("desk-done")).toBeVisible();
    // received: no longer among the open requests
    await expect(desk).toHaveCount(0);
    const received = await db.query<{ status: string; serial_number: string; ordered_at: Date; shipped_at: Date; received_at: Date }>(
      "select status, serial_number, ordered_at, shipped_at, received_at from part_requests where ticket_id = $1",
      [job.ticketId],
    );
    expect(received.rows[0]).toMatchObject({ status: "received", serial_number: "E2E-PART-1" });
    const t = await db.query<{ status: string; hold_reason: string | null }>("select status, hold_reason from tickets where id = $1", [job.ticketId]);
    expect(t.rows[0]).toEqual({ status: "in_progress", hold_reason: null });
    const sms = await db.query<{ body: string }>("select body from sms_messages where ticket_id = $1 and purpose = 'parts_arrived'", [job.ticketId]);
    expect(sms.rows).toHaveLength(1);
    expect(sms.rows[0]!.body).toContain(job.technicianName);

    // the report of the parts that hold jobs up, from the menu, down to the ticket
    await clickAndSettle(page.locator("nav.shell-nav").getByRole("link", { name: "قطعات و توقف کارها", exact: true }));
    await expect(page.getByRole("heading", { level: 1 })).toHaveText("قطعه‌هایی که کارها را بیشتر معطل می‌کنند");
    await expect(page.locator("main").getByRole("link", { name: "میز قطعات", exact: true })).toBeVisible();
    await page.getByRole("link", { name: toPersianDigits(job.partCode), exact: true }).first().click();
    await expect(page.getByRole("heading", { level: 1 })).toHaveText("کارهای منتظر این قطعه");
    await expect(page.getByRole("link", { name: toPersianDigits(job.number), exact: true })).toBeVisible();
    await page.context().clearCookies();

    // the technician's page: the job is under way again, the part received
    await page.goto(href);
    await waitForHydration(page);
    await expect(page.getByTestId("job-status")).toHaveText("در حال انجام");
    await expect(page.getByTestId("part-requests").getByTestId("part-status")).toHaveText("رسیده");
    await expect(page.getByRole("button", { name: "ثبت پایان کار" })).toBeVisible();
  });

  test("the agency requests a part on its job page and fills it from its own stock", async ({ page, signIn, db }) => {
    const job = await acceptedJob(db);
    await db.query(
      `insert into agency_part_stock (agency_id, part_id, quantity) select id, $1, 4 from agencies where code = 'THR-001'
       on conflict (agency_id, part_id) do update set quantity = 4`,
      [job.partId],
    );
    await signIn("agency1");
    await assignAndFetchLink(page, job);
    await page.goto(`/agency/tickets/${job.ticketId}`);
    await waitForHydration(page);
    const form = page.getByTestId("agency-parts-form");
    await form.getByTestId("part-select-0").selectOption(String(job.partId));
    await form.getByLabel("تاریخ تقریبی رسیدن قطعه").fill(jalaliInDays(2));
    await form.getByRole("button", { name: "ثبت درخواست قطعه" }).click();
    await expect(page.getByTestId("job-flash")).toHaveText("درخواست قطعه ثبت شد و کار تا رسیدن قطعه در انتظار می‌ماند.");
    await expect(page.getByTestId("job-waiting-parts")).toBeVisible();
    await page.getByRole("button", { name: "برداشت از انبار ما (موجودی: ۴)" }).click();
    await expect(page.getByTestId("job-flash")).toHaveText("قطعه از انبار نمایندگی برداشته شد.");
    await expect(page.getByTestId("agency-parts").getByTestId("part-status")).toHaveText("رسیده");
    const stock = await db.query<{ quantity: number }>(
      "select s.quantity from agency_part_stock s join agencies a on a.id = s.agency_id where a.code = 'THR-001' and s.part_id = $1",
      [job.partId],
    );
    expect(stock.rows[0]!.quantity).toBe(3);
    const t = await db.query<{ status: string }>("select status from tickets where id = $1", [job.ticketId]);
    expect(t.rows[0]!.status).toBe("in_progress");
  });

  test("the admin edits the catalogue from the menu; a bad code is refused with a message", async ({ page, signIn, db }) => {
    await signIn("admin");
    await clickAndSettle(page.locator("nav.shell-nav").getByRole("link", { name: "فهرست قطعات یدکی", exact: true }));
    await expect(page.getByRole("heading", { level: 1 })).toHaveText("فهرست قطعات یدکی");
    const first = page.getByTestId("catalogue").locator("tbody tr").first();
    const code = (await first.getAttribute("data-part"))!;
    await first.getByLabel("قیمت فهرست").fill("1234567");
    await first.getByRole("button", { name: "ذخیره" }).click();
    await expect(page.getByTestId("catalogue-saved")).toHaveText("تغییر ذخیره شد.");
    const price = await db.query<{ list_price_rials: string }>("select list_price_rials from spare_parts where code = $1 order by id limit 1", [code]);
    expect(Number(price.rows[0]!.list_price_rials)).toBe(1234567);

    const add = page.getByTestId("catalogue-add");
    await add.getByLabel("کد قطعه").fill("کد فارسی");
    await add.getByLabel("نام قطعه").fill("واشر درب");
    await add.getByLabel("قیمت فهرست (ریال)").fill("250000");
    await add.getByRole("button", { name: "افزودن قطعه" }).click();
    await expect(add.getByRole("alert")).toHaveText("کد قطعه باید با حرف یا عدد لاتین شروع شود و حداکثر ۴۰ نویسه باشد.");
    await add.getByLabel("کد قطعه").fill("E2E-GASKET");
    await add.getByRole("button", { name: "افزودن قطعه" }).click();
    await expect(page.getByTestId("catalogue-saved")).toBeVisible();
    await expect(page.locator('[data-part="E2E-GASKET"]')).toBeVisible();
  });
});

test("a supervisor reads the parts report, without the manager's parts desk link", async ({ page, signIn }) => {
  await signIn("supervisor");
  // from the desk (the supervisor's home) to the managers' pages
  await clickAndSettle(page.locator("nav.shell-nav").getByRole("link", { name: "داشبورد مدیریت", exact: true }));
  await clickAndSettle(page.locator("nav.shell-nav").getByRole("link", { name: "قطعات و توقف کارها", exact: true }));
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("قطعه‌هایی که کارها را بیشتر معطل می‌کنند");
  // the desk is the manager's (parts:manage): a link to it would only lead a supervisor to "forbidden"
  await expect(page.locator("nav.shell-nav").getByRole("link", { name: "میز قطعات", exact: true })).toHaveCount(0);
  await expect(page.locator("main").getByRole("link", { name: "میز قطعات", exact: true })).toHaveCount(0);
});
