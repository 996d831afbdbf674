import { clickAndSettle, expect, test } from "./fixtures";

/**
 * The working-day clock (issue 15 §2) as its users click it: the admin opens Official holidays from the menu,
 * sees 1405's seeded holidays, adds a day by its Jalali date (a day that does not exist is refused in words)
 * and removes it again; the supervisor opens Loaners and replacements from the desk menu, where the worker's
 * sweep has raised a loaner task for a repair open too long, acknowledges it and resolves it with a note.
 */
test.describe("holidays", () => {
  // the refused day is answered with a 400 and its message, on purpose
  test.use({ expectedHttpErrors: [400] });

  test("the admin adds and removes an official holiday by its Jalali date", async ({
    page,
    signIn,
    db,
  }) => {
    await db.query(`delete from official_holidays where day = '2026-12-17'`);
    await signIn("admin");
    await clickAndSettle(page.getByRole("navigation").getByRole("link", { name: "تعطیلات رسمی" }));
    await expect(page).toHaveURL(/\/admin\/holidays$/);
    // the page opens on this Jalali year; the seeded calendar this test reads is 1405's
    const year1405 = page.getByRole("navigation", { name: "سال‌ها" }).getByRole("link", { name: "۱۴۰۵", exact: true });
    if (await year1405.count()) await clickAndSettle(year1405);
    await expect(
      page.getByRole("heading", { level: 2, name: "تعطیلات رسمی سال ۱۴۰۵" })
    ).toBeVisible();
    const rows = page.getByTestId("holiday");
    await expect(rows.first()).toContainText("نوروز");
    const before = await rows.count();
    expect(before).toBeGreaterThanOrEqual(26);

    // 30 Esfand 1405 does not exist (1405 is not a leap year)
    await page.getByLabel("تاریخ (شمسی)").fill("۱۴۰۵/۱۲/۳۰");
    await page.getByLabel("مناسبت").fill("آزمایش");
    await page.getByRole("button", { name: "افزودن تعطیلی" }).click();
    await expect(page.getByTestId("holiday-error")).toContainText(
      "این تاریخ شمسی وجود ندارد"
    );

    await page.getByLabel("تاریخ (شمسی)").fill("۱۴۰۵/۰۹/۲۶");
    await page.getByLabel("مناسبت").fill("تعطیلی اضطراری آلودگی هوا");
    await page.getByRole("button", { name: "افزودن تعطیلی" }).click();
    await expect(page.getByRole("status")).toContainText("تعطیلی افزوده شد");
    const added = page.locator(
      '[data-testid="holiday"][data-day="2026-12-17"]'
    );
    await expect(added).toContainText("تعطیلی اضطراری آلودگی هوا");
    await expect(added).toContainText("پنجشنبه");
    await expect(rows).toHaveCount(before + 1);

    await added.getByRole("button", { name: /حذف/ }).click();
    await expect(page.getByRole("status")).toContainText("تعطیلی حذف شد");
    await expect(rows).toHaveCount(before);
  });
});

test("the supervisor acknowledges and resolves a loaner task from the desk", async ({
  page,
  signIn,
  db,
}) => {
  // a breakdown registered 40 days ago and still being repaired: more than 10 working days
  const { rows } = await db.query<{ id: string; number: string }>(`
    insert into tickets (type, channel, customer_id, warranty_status, priority, status, created_at)
    select 'breakdown', 'phone', c.id, 'in_warranty', 'normal', 'in_progress', now() - interval '40 days'
    from customers c order by c.id limit 1
    returning id, number`);
  const ticket = rows[0]!;
  await db.query(`select graphile_worker.add_job('service_tasks__sweep')`);
  await expect(async () => {
    const r = await db.query(
      `select 1 from supervisor_tasks where ticket_id = $1 and kind = 'loaner'`,
      [ticket.id]
    );
    expect(r.rowCount).toBe(1);
  }).toPass({ timeout: 30_000 });

  await signIn("supervisor");
  await clickAndSettle(page.getByRole("navigation").getByRole("link", { name: "امانی و تعویض" }));
  await expect(page).toHaveURL(/\/desk\/service-tasks$/);
  const number = Number(ticket.number).toLocaleString("fa-IR", {
    useGrouping: false,
  });
  const row = page.locator('[data-testid="service-task"]', {
    has: page.getByRole("link", { name: number, exact: true }),
  });
  await expect(row).toContainText("دستگاه امانی");
  await expect(row).toContainText("تازه");
  await row.getByRole("button", { name: "دیدم" }).click();
  await expect(
    page.getByRole("status").filter({ hasText: "ثبت شد" })
  ).toBeVisible();
  await expect(row).toContainText("دیده شد");
  await row.getByLabel("شرح اقدام").fill("دستگاه امانی به مشتری تحویل شد");
  await row.getByRole("button", { name: "بستن" }).click();
  await expect(
    page.getByRole("status").filter({ hasText: "ثبت شد" })
  ).toBeVisible();
  await expect(row).toHaveCount(0);
  const done = await db.query<{ status: string; resolution_note: string }>(
    `select status, resolution_note from supervisor_tasks where ticket_id = $1`,
    [ticket.id]
  );
  expect(done.rows[0]).toEqual({
    status: "resolved",
    resolution_note: "دستگاه امانی به مشتری تحویل شد",
  });
});
