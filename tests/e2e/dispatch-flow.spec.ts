import type { Page } from "@playwright/test";
import type pg from "pg";
import { toPersianDigits } from "../../core/digits";
import { DESK_EVENTS_CHANNEL } from "../../core/call";
import { expect, test, waitForHydration } from "./fixtures";

/*
 * Issue 13's whole path in Chromium with JavaScript on, on the server's own workers and SMS simulator
 * (playwright.config.ts: DISPATCH_OFFER_DEADLINE_MINUTES=0.5): the demo operator registers the demo caller's
 * breakdown → the engine offers it to THR-001, which sees it on its portal and in its SMS inbox → THR-001
 * does not answer → the deadline passes and the offer moves to THR-002 → THR-002 accepts and assigns a
 * technician → the technician's SMS link marks on the way, arrived, done → the customer's tracking page,
 * opened from their registration SMS, shows the job done.
 */

/** A number as the SMS simulator lists it: 09… */
const local = (mobile: string) => `0${mobile.replace(/^\+98/, "")}`;

async function one<T extends pg.QueryResultRow>(db: pg.Client, text: string, values: unknown[] = []): Promise<T> {
  const r = await db.query<T>(text, values);
  if (!r.rows[0]) throw new Error(`no row: ${text}`);
  return r.rows[0];
}

/** The message about `ticketNumber` in one number's simulated inbox, waited for (the workers send it). */
async function smsTo(page: Page, mobile: string, ticketNumber: number, mustContain: string) {
  const message = page.getByTestId("sim-message").filter({ hasText: toPersianDigits(ticketNumber) }).filter({ hasText: mustContain });
  await expect(async () => {
    await page.goto(`/dev/sms?number=${local(mobile)}`);
    await waitForHydration(page);
    await expect(message.first()).toBeVisible({ timeout: 1000 });
  }).toPass({ timeout: 30_000 });
  return message.first();
}

async function pendingOfferAgency(db: pg.Client, ticketId: number): Promise<string | null> {
  const r = await db.query<{ code: string }>(
    "select a.code from dispatch_offers o join agencies a on a.id = o.agency_id where o.ticket_id = $1 and o.status = 'pending'",
    [ticketId],
  );
  return r.rows[0]?.code ?? null;
}

test("a breakdown goes to THR-001, lapses to THR-002, which accepts; the technician finishes it from the SMS link; the customer's page says done", async ({
  page,
  context,
  signIn,
  db,
}) => {
  test.setTimeout(240_000);
  // --- the call centre: the demo caller's breakdown, registered from the call's pop-up
  const customer = await one<{ id: string; full_name: string; mobile: string; serial_number: string }>(
    db,
    `select c.id, c.full_name, c.mobile, p.serial_number from customers c
       join customer_products p on p.customer_id = c.id where c.id = 1 order by p.id limit 1`,
  );
  const operator = await one<{ id: string }>(db, "select id from users where username = 'operator'");
  await signIn("operator");
  await page.goto("/desk");
  await waitForHydration(page);
  await expect(page.getByTestId("live-status")).toHaveAttribute("data-live", "live");
  await page.getByRole("button", { name: "آماده پاسخگویی" }).click();
  await expect(page.getByTestId("presence-current")).toHaveText("آماده پاسخگویی");
  // what telephony does when the operator's phone rings and they answer: the call row, then the desk events
  const call = await one<{ id: string }>(
    db,
    `insert into calls (direction, caller_number, called_number, queue, state, ivr_choice, enqueued_at, answered_at, operator_user_id)
     values ('inbound', $1, '02191001570', 'breakdown', 'connected', 'breakdown', now(), now(), $2) returning id`,
    [local(customer.mobile), operator.id],
  );
  const at = new Date().toISOString();
  for (const type of ["call_offered", "call_connected"]) {
    await db.query("select pg_notify($1, $2)", [DESK_EVENTS_CHANNEL, JSON.stringify({ type, operatorUserId: Number(operator.id), callId: Number(call.id), at })]);
  }
  const pop = page.getByTestId("call-pop");
  await expect(pop.getByTestId("pop-customer")).toContainText(customer.full_name);
  await pop.getByTestId("pop-register").click();
  await expect(page.getByRole("radio", { name: new RegExp(customer.full_name) })).toBeChecked();
  await page.getByLabel("شماره سریال").fill(customer.serial_number);
  await page.getByRole("button", { name: "استعلام سریال" }).click();
  await expect(page.getByTestId("serial-found")).toContainText("محصول ثبت‌شده");
  await page.locator("textarea[name=description]").fill("یخچال برفک زده و خنک نمی‌کند");
  await page.getByTestId("register-submit").click();
  await expect(page).toHaveURL(/\/desk\/tickets\/\d+$/);
  const ticketId = Number(page.url().split("/").pop());
  const { number } = await one<{ number: string }>(db, "select number from tickets where id = $1", [ticketId]);
  const ticketNumber = Number(number);
  await db.query("update calls set state = 'ended', ended_at = now(), disposition = 'answered' where id = $1", [call.id]);

  // --- the engine offers it to THR-001: on the ticket's history, THR-001's portal and its SMS inbox
  await expect.poll(() => pendingOfferAgency(db, ticketId), { timeout: 30_000, message: "offered to THR-001" }).toBe("THR-001");
  await page.reload();
  await expect(page.locator("main")).toContainText("ارجاع به نمایندگی");
  const thr1 = await one<{ mobile: string }>(db, "select mobile from agencies where code = 'THR-001'");
  await expect(await smsTo(page, thr1.mobile, ticketNumber, "/agency")).toBeVisible();
  await context.clearCookies();
  await signIn("agency1");
  await page.goto("/agency");
  await waitForHydration(page);
  const offerOf1 = page.locator(`[data-testid="offer-card"][data-ticket-number="${ticketNumber}"]`);
  await expect(offerOf1).toBeVisible();
  await expect(offerOf1.getByTestId("offer-countdown")).toHaveText(/^[۰-۹]{2}:[۰-۹]{2}$/);

  // --- THR-001 does not answer: the deadline passes, the card leaves its page, the offer moves to THR-002
  await expect.poll(() => pendingOfferAgency(db, ticketId), { timeout: 120_000, message: "moved to THR-002" }).toBe("THR-002");
  await expect(offerOf1).toHaveCount(0, { timeout: 15_000 });
  await context.clearCookies();
  await signIn("agency2");
  await page.goto("/agency");
  await waitForHydration(page);
  const offerOf2 = page.locator(`[data-testid="offer-card"][data-ticket-number="${ticketNumber}"]`);
  await offerOf2.getByRole("button", { name: "پذیرش ارجاع" }).click();
  await expect(page.getByTestId("offer-done")).toContainText(`ارجاع درخواست ${toPersianDigits(ticketNumber)} را پذیرفتید`);
  await page.getByTestId("offer-done").getByRole("link", { name: "رفتن به صفحه کار" }).click();
  await expect(page).toHaveURL(new RegExp(`/agency/tickets/${ticketId}$`));

  // --- THR-002 gives it a technician and tomorrow 10–12
  const form = page.getByTestId("assign-form");
  const technician = form.getByLabel("تکنسین");
  const technicianId = await technician.locator("option:not([value=''])").first().getAttribute("value");
  await technician.selectOption(technicianId!);
  await form.getByLabel("روز مراجعه").fill(new Intl.DateTimeFormat("en-CA", { timeZone: "Asia/Tehran" }).format(new Date(Date.now() + 24 * 3600_000)));
  await form.getByLabel("از ساعت").fill("10:00");
  await form.getByLabel("تا ساعت").fill("12:00");
  await form.getByRole("button", { name: "ثبت و ارسال پیامک" }).click();
  await expect(page.getByTestId("job-flash")).toContainText("تکنسین و زمان مراجعه ثبت شد");

  // --- the technician's phone: the job link from the SMS, at 360 px
  const tech = await one<{ mobile: string }>(db, "select mobile from technicians where id = $1", [technicianId]);
  await context.clearCookies();
  const jobSms = await smsTo(page, tech.mobile, ticketNumber, "/j/");
  const jobLink = (await jobSms.getByRole("link").getAttribute("href"))!;
  await page.setViewportSize({ width: 360, height: 740 });
  await page.goto(jobLink);
  await waitForHydration(page);
  await expect(page.getByRole("heading", { level: 1 })).toContainText(toPersianDigits(ticketNumber));
  await page.getByRole("button", { name: "در راه هستم" }).click();
  await expect(page.getByTestId("job-done")).toHaveText("ثبت شد: در راه هستید.");
  await page.getByRole("button", { name: "رسیدم، کار را شروع کردم" }).click();
  await expect(page.getByTestId("job-status")).toHaveText("در حال انجام");
  const done = page.getByTestId("job-done-form");
  await done.getByLabel("کار انجام‌شده").fill("تعویض ترموستات و رفع برفک");
  const invoice = done.getByLabel(/مبلغ فاکتور/);
  if (await invoice.count()) await invoice.fill("2500000");
  await done.getByRole("button", { name: "ثبت پایان کار" }).click();
  await expect(page.getByTestId("job-done")).toHaveText("پایان کار ثبت شد. خسته نباشید!");

  // --- the customer: the tracking link of the registration SMS says done, with the agency
  await page.setViewportSize({ width: 1280, height: 800 });
  const registered = await smsTo(page, customer.mobile, ticketNumber, "/t/");
  await registered.getByRole("link").click();
  await waitForHydration(page);
  await expect(page.getByTestId("track-number")).toHaveText(toPersianDigits(ticketNumber));
  await expect(page.getByTestId("track-status")).toContainText("انجام");
  await expect(page.locator("main")).toContainText(
    (await one<{ name: string }>(db, "select name from agencies where code = 'THR-002'")).name,
  );

  // the history tells the same story, in order
  const history = await db.query<{ event_type: string }>("select event_type from ticket_events where ticket_id = $1 order by at, id", [ticketId]);
  const types = history.rows.map((r) => r.event_type);
  const order = ["created", "offer_sent", "offer_expired", "offer_sent", "offer_accepted", "technician_assigned", "technician_update", "job_report"];
  let i = 0;
  for (const t of types) if (t === order[i]) i++;
  expect(i, `history: ${types.join(", ")}`).toBe(order.length);
});
