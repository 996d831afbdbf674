import { toPersianDigits } from "../../core/digits";
import { clickAndSettle, expect, settleAfter, test } from "./fixtures";

/*
 * Issue 15 §4, the agency's parts stock and a ticket's parts, in Chromium with JavaScript on, by clicking: agency1
 * (THR-001's admin) opens its stock page from the portal menu, sets a part's quantity with a reason and sees its open
 * part requests with the ticket; agency1staff sees the same page without the adjust forms; the manager and the
 * operator search a ticket with a part request from their menus and see its parts section.
 *
 * The job is written with SQL (requesting parts is another spec's): a ticket of THR-001 on hold waiting for a
 * catalogue part of its model, with an open request, and THR-001 holding some of that part.
 */

interface Job {
  ticketId: number;
  number: number;
  partId: number;
  partCode: string;
}

async function jobWaitingForPart(db: import("pg").Client): Promise<Job> {
  const suffix = String(Date.now() % 10_000_000).padStart(7, "0");
  const agencyId = (await db.query<{ id: string }>("select id from agencies where code = 'THR-001'")).rows[0]!.id;
  const customer = await db.query<{ id: string }>("insert into customers (full_name, mobile) values ($1, $2) returning id", ["پرستو انباری", `+98936${suffix}`]);
  const part = await db.query<{ model_id: string; id: string; code: string }>("select model_id, id, code from spare_parts where active order by model_id desc, code limit 1");
  const { model_id: modelId, id: partId, code: partCode } = part.rows[0]!;
  const product = await db.query<{ id: string }>(
    "insert into customer_products (customer_id, model_id, serial_number, warranty_months) values ($1, $2, $3, 18) returning id",
    [customer.rows[0]!.id, modelId, `STK-${suffix}`],
  );
  const ticket = await db.query<{ id: string; number: string }>(
    `insert into tickets (type, channel, customer_id, customer_product_id, warranty_status, status, hold_reason, hold_expected_date,
                          assigned_agency_id, problem_description, province, city, address_text)
     values ('breakdown', 'phone', $1, $2, 'in_warranty', 'on_hold', 'waiting_for_parts', current_date + 5, $3, 'کولر آب نمی‌کشد', 'تهران', 'تهران', 'خیابان ولیعصر، پلاک ۹')
     returning id, number`,
    [customer.rows[0]!.id, product.rows[0]!.id, agencyId],
  );
  await db.query(
    `insert into part_requests (ticket_id, part_id, agency_id, quantity, unit_price_rials, status, source, expected_date, requested_by_kind, ordered_at)
     values ($1, $2, $3, 2, 1000000, 'ordered', 'central', current_date + 5, 'agency', now())`,
    [ticket.rows[0]!.id, partId, agencyId],
  );
  await db.query(
    `insert into agency_part_stock (agency_id, part_id, quantity) values ($1, $2, 4)
     on conflict (agency_id, part_id) do update set quantity = 4`,
    [agencyId, partId],
  );
  return { ticketId: Number(ticket.rows[0]!.id), number: Number(ticket.rows[0]!.number), partId: Number(partId), partCode };
}

test.describe("the agency's parts stock (issue 15 §4)", () => {
  // setting the quantity the shelf already has is answered 409 with its message, on purpose
  test.use({ expectedHttpErrors: [409] });
  test("agency1 opens its stock from the menu, adjusts a quantity with a reason and sees its open requests", async ({ page, signIn, db }) => {
    const job = await jobWaitingForPart(db);
    await signIn("agency1");
    await clickAndSettle(page.locator("nav.shell-nav").getByRole("link", { name: "انبار قطعات", exact: true }));
    await expect(page.getByRole("heading", { level: 1, name: "انبار قطعات نمایندگی" })).toBeVisible();

    const row = page.locator(`[data-testid="stock-row"][data-part="${job.partId}"]`);
    await expect(row.getByTestId("stock-quantity")).toHaveText(toPersianDigits(4));
    // a quantity in Persian digits, with its reason
    await row.getByLabel("موجودی تازه").fill("۹");
    await row.getByLabel("علت تغییر").fill("شمارش انبار پایان هفته");
    await clickAndSettle(row.getByRole("button", { name: "ثبت موجودی" }));
    await expect(page.getByTestId("stock-done")).toHaveText("موجودی ثبت شد.");
    await expect(row.getByTestId("stock-quantity")).toHaveText(toPersianDigits(9));
    const saved = await db.query<{ quantity: number }>(
      "select s.quantity from agency_part_stock s join agencies a on a.id = s.agency_id where a.code = 'THR-001' and s.part_id = $1",
      [job.partId],
    );
    expect(saved.rows[0]!.quantity).toBe(9);

    // the same quantity again records nothing, with a message
    await row.getByLabel("علت تغییر").fill("دوباره");
    await row.getByRole("button", { name: "ثبت موجودی" }).click();
    await expect(row.getByRole("alert")).toHaveText("موجودی همین عدد است؛ تغییری ثبت نشد.");

    // its open requests: the ticket, its status and the link to the job
    const open = page.getByTestId("open-requests").locator("tr", { has: page.getByRole("link", { name: toPersianDigits(job.number), exact: true }) });
    await expect(open).toContainText("سفارش‌داده‌شده");
    await expect(open).toContainText(job.partCode);
    await open.getByRole("link", { name: toPersianDigits(job.number), exact: true }).click();
    await page.waitForURL(`**/agency/tickets/${job.ticketId}`);
    await expect(page.getByTestId("part-requests")).toContainText(job.partCode);
  });

  test("agency1staff sees the stock and the requests, without the adjust forms", async ({ page, signIn, db }) => {
    const job = await jobWaitingForPart(db);
    await signIn("agency1staff");
    await page.locator("nav.shell-nav").getByRole("link", { name: "انبار قطعات", exact: true }).click();
    await expect(page.getByRole("heading", { level: 1, name: "انبار قطعات نمایندگی" })).toBeVisible();
    await expect(page.getByTestId("stock-view-only")).toHaveText("تنها مدیر نمایندگی می‌تواند موجودی انبار را تغییر دهد.");
    await expect(page.locator(`[data-testid="stock-row"][data-part="${job.partId}"]`)).toBeVisible();
    await expect(page.getByTestId("stock-adjust")).toHaveCount(0);
    await expect(page.getByTestId("stock-add")).toHaveCount(0);
    await expect(page.getByTestId("open-requests")).toContainText(toPersianDigits(job.number));
  });
});

test.describe("a ticket's parts on the staff's ticket pages", () => {
  for (const who of [
    { user: "manager", section: "/manager/tickets" },
    { user: "operator", section: "/desk/tickets" },
  ]) {
    test(`${who.user} finds a ticket with a part request from the menu and sees its parts section`, async ({ page, signIn, db }) => {
      const job = await jobWaitingForPart(db);
      await signIn(who.user);
      await clickAndSettle(page.locator("nav.shell-nav").getByRole("link", { name: "درخواست‌های خدمت", exact: true }));
      await page.waitForURL(`**${who.section}`);
      await page.getByRole("search").getByRole("searchbox").fill(String(job.number));
      await settleAfter(page, () => page.getByRole("search").getByRole("searchbox").press("Enter"));
      await page.locator(`a[href="${who.section}/${job.ticketId}"]`).first().click();
      await page.waitForURL(`**${who.section}/${job.ticketId}`);
      const section = page.getByTestId("ticket-parts");
      await expect(section.getByRole("heading", { name: "قطعه‌های این درخواست" })).toBeVisible();
      const line = section.locator("tbody tr").first();
      await expect(line).toContainText(job.partCode);
      await expect(line).toContainText(toPersianDigits(2));
      await expect(line).toContainText("از انبار مرکزی");
      await expect(line.getByTestId("part-status")).toHaveText("سفارش‌داده‌شده");
      await expect(line.getByTestId("part-return")).toHaveText("—");
    });
  }
});
