import type { Page } from "@playwright/test";
import type pg from "pg";
import { DESK_EVENTS_CHANNEL } from "../../core/call";
import { toPersianDigits } from "../../core/digits";
import { jalaliYearMonth } from "../../core/jalali";
import { periodText } from "../../core/ledger";
import { DEMO_CARD_CODES } from "../../db/seed/demo-warranty";
import { clickAndSettle, expect, test, waitForHydration, waitForRouterIdle } from "./fixtures";

/*
 * Issue 15 §6's single end-to-end flow, by clicking with JavaScript on, on the e2e server's workers and simulators:
 * a demo card not yet activated is activated by SMS from the simulated phone → the operator registers an
 * in-warranty breakdown on that serial from the caller's pop-up → the engine offers it to an agency, which accepts
 * and assigns a technician → the technician requests a catalogue part from the job link → the parts desk orders,
 * ships and receives it → the technician completes → the agency files a claim → the manager approves it in part and
 * records the defective part returned → the month's statement nets it against a referral fee.
 * Every figure is computed here from the tariffs and prices the test reads (labour tariff, travel band by the
 * haversine distance agency → job, the part's list price) or sets (the referral fee).
 */

const fa = (n: number) => new Intl.NumberFormat("fa-IR").format(Math.abs(n));
const local = (mobile: string) => `0${mobile.replace(/^\+98/, "")}`;

async function one<T extends pg.QueryResultRow>(db: pg.Client, text: string, values: unknown[] = []): Promise<T> {
  const r = await db.query<T>(text, values);
  if (!r.rows[0]) throw new Error(`no row: ${text}`);
  return r.rows[0];
}

/** Great-circle distance in km (the same formula a person would use by hand: haversine, R = 6371 km). */
function km(a: { lat: number; lng: number }, b: { lat: number; lng: number }): number {
  const rad = (d: number) => (d * Math.PI) / 180;
  const h = Math.sin(rad(b.lat - a.lat) / 2) ** 2 + Math.cos(rad(a.lat)) * Math.cos(rad(b.lat)) * Math.sin(rad(b.lng - a.lng) / 2) ** 2;
  return 2 * 6371 * Math.asin(Math.sqrt(h));
}

async function smsTo(page: Page, mobile: string, mustContain: string) {
  const message = page.getByTestId("sim-message").filter({ hasText: mustContain });
  await expect(async () => {
    await page.goto(`/dev/sms?number=${local(mobile)}`);
    await waitForHydration(page);
    await expect(message.first()).toBeVisible({ timeout: 1000 });
  }).toPass({ timeout: 30_000 });
  return message.first();
}

// the parts desk's and the claim's refusals are not exercised here, but a form refused by the server answers 400
test.use({ expectedHttpErrors: [400] });

test("a card activated by SMS, an in-warranty breakdown on it dispatched, a part received, completed, claimed, partly approved, netted", async ({
  page,
  context,
  signIn,
  db,
}) => {
  test.setTimeout(300_000);
  // (fresh[0]'s model is dispatched to an agency with a demo user; fresh[1] and fresh[2] are warranty.spec.ts's:
  // every spec shares one database, and a card is activated once)
  const code = DEMO_CARD_CODES.fresh[0];
  const mobile = `0913${String(Date.now()).slice(-7)}`;

  // --- 1. the customer texts the card's code from the simulated phone; the workers answer "activated"
  await page.goto("/login");
  await waitForHydration(page);
  await page.getByTestId("dev-sms-link").click();
  await expect(page).toHaveURL((u) => u.pathname === "/dev/sms");
  await waitForHydration(page);
  await page.getByLabel("از شماره همراه").fill(mobile);
  await page.getByLabel("متن پیامک").fill(code);
  await page.getByRole("button", { name: "ارسال پیامک" }).click();
  await expect(page.getByRole("status")).toContainText("به خط خدمات رسید");
  await expect(page.getByTestId("sim-message").filter({ hasText: "فعال شد" })).toBeVisible({ timeout: 45_000 });
  const card = await one<{ serial_number: string; customer_id: string; model_id: string; category_id: string }>(
    db,
    `select wc.serial_number, wc.customer_id, wc.model_id, pm.category_id from warranty_cards wc join product_models pm on pm.id = wc.model_id
      where wc.activated_at is not null and wc.activated_phone like '%' || $1`,
    [mobile.slice(1)],
  );

  // --- 2. the operator: the customer calls; the breakdown is registered on the card's serial from the pop-up
  const operator = await one<{ id: string }>(db, "select id from users where username = 'operator'");
  await signIn("operator");
  await page.goto("/desk");
  await waitForHydration(page);
  await expect(page.getByTestId("live-status")).toHaveAttribute("data-live", "live");
  await page.getByRole("button", { name: "آماده پاسخگویی" }).click();
  await expect(page.getByTestId("presence-current")).toHaveText("آماده پاسخگویی");
  const call = await one<{ id: string }>(
    db,
    `insert into calls (direction, caller_number, called_number, queue, state, ivr_choice, enqueued_at, answered_at, operator_user_id)
     values ('inbound', $1, '02191001570', 'breakdown', 'connected', 'breakdown', now(), now(), $2) returning id`,
    [mobile, operator.id],
  );
  const at = new Date().toISOString();
  for (const type of ["call_offered", "call_connected"]) {
    await db.query("select pg_notify($1, $2)", [DESK_EVENTS_CHANNEL, JSON.stringify({ type, operatorUserId: Number(operator.id), callId: Number(call.id), at })]);
  }
  const pop = page.getByTestId("call-pop");
  await expect(pop.getByTestId("pop-customer")).toContainText("مشتری کارت گارانتی");
  await pop.getByTestId("pop-register").click();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("ثبت درخواست");
  await page.getByLabel("شماره سریال").fill(card.serial_number);
  await page.getByRole("button", { name: "استعلام سریال" }).click();
  await expect(page.getByTestId("serial-found")).toContainText("محصول ثبت‌شده");
  await page.locator("textarea[name=description]").fill("دستگاه روشن نمی‌شود");
  await page.locator("input[name=province]").fill("تهران");
  await page.locator("input[name=city]").fill("تهران");
  await page.locator("textarea[name=addressText]").fill("خیابان ولیعصر، پلاک ۱۲");
  await page.getByTestId("address-map").click({ position: { x: 120, y: 100 } });
  await expect(page.getByTestId("pin-status")).toContainText("محل انتخاب‌شده");
  await page.getByTestId("register-submit").click();
  await expect(page).toHaveURL(/\/desk\/tickets\/\d+$/);
  const ticketId = Number(page.url().split("/").pop());
  await db.query("update calls set state = 'ended', ended_at = now(), disposition = 'answered' where id = $1", [call.id]);
  const ticket = await one<{ number: string; warranty_status: string }>(db, "select number, warranty_status from tickets where id = $1", [ticketId]);
  expect(ticket.warranty_status).toBe("in_warranty");
  const ticketNumber = Number(ticket.number);

  // --- 3. dispatched: the agency the engine offers it to accepts from its portal
  const agencyUser: Record<string, string> = { "THR-001": "agency1", "THR-002": "agency2" };
  let accepted: string | null = null;
  for (let round = 0; round < 3 && !accepted; round++) {
    await expect
      .poll(async () => (await db.query<{ code: string }>("select a.code from dispatch_offers o join agencies a on a.id = o.agency_id where o.ticket_id = $1 and o.status = 'pending'", [ticketId])).rows[0]?.code ?? null, { timeout: 60_000 })
      .not.toBeNull();
    const pending = (await db.query<{ code: string }>("select a.code from dispatch_offers o join agencies a on a.id = o.agency_id where o.ticket_id = $1 and o.status = 'pending'", [ticketId])).rows[0]!.code;
    expect(Object.keys(agencyUser), `offered to ${pending}`).toContain(pending);
    await context.clearCookies();
    await signIn(agencyUser[pending]!);
    await page.goto("/agency");
    await waitForHydration(page);
    const offer = page.locator(`[data-testid="offer-card"][data-ticket-number="${ticketNumber}"]`);
    if ((await offer.count()) === 0) continue;
    await offer.getByRole("button", { name: "پذیرش ارجاع" }).click();
    const done = page.getByTestId("offer-done");
    await expect(done.or(page.getByRole("alert")).first()).toBeVisible();
    if (await done.count()) accepted = pending;
  }
  expect(accepted).not.toBeNull();
  const agency = await one<{ id: string; lat: number; lng: number }>(db, "select id, lat, lng from agencies where code = $1", [accepted]);
  await page.getByTestId("offer-done").getByRole("link", { name: "رفتن به صفحه کار" }).click();
  await expect(page).toHaveURL(new RegExp(`/agency/tickets/${ticketId}$`));
  await waitForHydration(page);
  const form = page.getByTestId("assign-form");
  const technicianId = await form.getByLabel("تکنسین").locator("option:not([value=''])").first().getAttribute("value");
  await form.getByLabel("تکنسین").selectOption(technicianId!);
  await form.getByLabel("روز مراجعه").fill(new Intl.DateTimeFormat("en-CA", { timeZone: "Asia/Tehran" }).format(new Date(Date.now() + 24 * 3600_000)));
  await form.getByRole("button", { name: "ثبت و ارسال پیامک" }).click();
  await expect(page.getByTestId("job-flash")).toContainText("تکنسین و زمان مراجعه ثبت شد");
  const tech = await one<{ mobile: string }>(db, "select mobile from technicians where id = $1", [technicianId]);
  await context.clearCookies();

  // --- 4. the technician's link: arrived, then a catalogue part (a serialized one if the model has it)
  const part = await one<{ id: string; code: string; list_price_rials: string; serialized: boolean }>(
    db,
    "select id, code, list_price_rials, serialized from spare_parts where model_id = $1 and active order by serialized desc, id limit 1",
    [card.model_id],
  );
  const jobSms = await smsTo(page, tech.mobile, "/j/");
  const jobLink = (await page.getByTestId("sim-message").filter({ hasText: toPersianDigits(ticketNumber) }).filter({ hasText: "/j/" }).first().getByRole("link").getAttribute("href"))!;
  expect(jobSms).toBeTruthy();
  await page.setViewportSize({ width: 360, height: 740 });
  await page.goto(jobLink);
  await waitForHydration(page);
  await page.getByRole("button", { name: "رسیدم، کار را شروع کردم" }).click();
  await expect(page.getByTestId("job-status")).toHaveText("در حال انجام");
  await page.getByText("نیاز به قطعه دارد").click();
  await page.getByTestId("part-lines").getByTestId("part-select-0").selectOption(part.id);
  await page.getByTestId("part-lines").getByTestId("part-qty-0").fill("۱");
  const expected = new Intl.DateTimeFormat("en-US-u-ca-persian-nu-latn", { timeZone: "Asia/Tehran", year: "numeric", month: "2-digit", day: "2-digit" }).formatToParts(new Date(Date.now() + 5 * 86_400_000));
  const get = (t: string) => expected.find((p) => p.type === t)!.value;
  await page.getByLabel("تاریخ تقریبی رسیدن قطعه").fill(toPersianDigits(`${get("year").replace(/\D/g, "")}/${get("month")}/${get("day")}`));
  await page.getByRole("button", { name: "ثبت نیاز به قطعه" }).click();
  await expect(page.getByTestId("job-status")).toHaveText("متوقف (انتظار قطعه)");

  // --- 5. the parts desk orders, ships and receives it
  await page.setViewportSize({ width: 1280, height: 800 });
  await signIn("manager");
  await clickAndSettle(page.locator("nav.shell-nav").getByRole("link", { name: "میز قطعات", exact: true }));
  const desk = page.locator(`[data-testid=parts-desk] tr[data-ticket="${ticketNumber}"]`);
  await desk.getByRole("button", { name: "ثبت سفارش" }).click();
  await expect(desk.getByTestId("part-status")).toHaveText("سفارش‌داده‌شده");
  await desk.getByRole("button", { name: "ثبت ارسال" }).click();
  await expect(desk.getByTestId("part-status")).toHaveText("ارسال‌شده");
  const serialField = desk.getByLabel("شمارهٔ سریال");
  if (await serialField.count()) await serialField.fill("NEW-PART-7001");
  await desk.getByRole("button", { name: "ثبت رسیدن" }).click();
  await expect(page.getByTestId("desk-done")).toBeVisible();
  await expect(desk).toHaveCount(0);
  await context.clearCookies();

  // --- 6. the technician completes the job
  await page.goto(jobLink);
  await waitForHydration(page);
  await expect(page.getByTestId("job-status")).toHaveText("در حال انجام");
  const doneForm = page.getByTestId("job-done-form");
  await doneForm.getByLabel("کار انجام‌شده").fill("تعویض قطعهٔ معیوب");
  await doneForm.getByRole("button", { name: "ثبت پایان کار" }).click();
  await expect(page.getByTestId("job-done")).toHaveText("پایان کار ثبت شد. خسته نباشید!");

  // --- the hand-computed claim: labour tariff + travel band + the part at list price
  const t = await one<{ lat: number; lng: number }>(db, "select lat, lng from tickets where id = $1", [ticketId]);
  const labour = Number(
    (await one<{ amount_rials: string }>(
      db,
      `select amount_rials from labour_tariffs where category_id = $1 and service_type = 'repair' and effective_from <= current_date
         and (effective_to is null or effective_to > current_date) order by effective_from desc limit 1`,
      [card.category_id],
    )).amount_rials,
  );
  const distance = km({ lat: Number(agency.lat), lng: Number(agency.lng) }, { lat: Number(t.lat), lng: Number(t.lng) });
  const band = (await db.query<{ from_km: number; amount_rials: string }>(
    `select from_km, amount_rials from travel_fee_bands where effective_from <= current_date and (effective_to is null or effective_to > current_date)
       and from_km <= $1::numeric order by from_km desc limit 1`,
    [distance],
  )).rows[0];
  const travel = band ? Number(band.amount_rials) : 0;
  const price = Number(part.list_price_rials);
  const claimed = labour + travel + price;
  const granted = Math.round(price / 2);
  const approved = claimed - price + granted;

  // --- 7. the agency files the claim
  await signIn(agencyUser[accepted!]!);
  await page.locator("nav.shell-nav").getByRole("link", { name: "ادعاهای گارانتی", exact: true }).click();
  await page.getByTestId("claimable").locator(`tr[data-ticket="${ticketNumber}"]`).getByRole("link", { name: "ثبت ادعا" }).click();
  await expect(page).toHaveURL(new RegExp(`/agency/claims/new\\?ticket=${ticketId}$`));
  await waitForHydration(page);
  if ((await page.getByTestId("part-0").inputValue()) !== part.id) await page.getByTestId("part-0").selectOption(part.id);
  if (part.serialized) await page.getByTestId("serial-0").fill("DEF-9001");
  await page.getByRole("button", { name: "ثبت و ارسال برای سازنده" }).click();
  await expect(page).toHaveURL(/\/agency\/claims\/\d+$/);
  await expect(page.getByTestId("claim-claimed")).toHaveText(`${fa(claimed)} ریال`);
  const claimId = new URL(page.url()).pathname.split("/").at(-1)!;
  await context.clearCookies();

  // --- 8. the manager approves it in part and records the defective part returned
  await signIn("manager");
  await page.locator("nav.shell-nav").getByRole("link", { name: "ادعاهای گارانتی", exact: true }).click();
  await page.getByRole("link", { name: toPersianDigits(claimId), exact: true }).first().click();
  await expect(page).toHaveURL(new RegExp(`/manager/claims/${claimId}$`));
  await waitForHydration(page);
  const partRow = page.locator("form tr[data-line='part']").first();
  await partRow.locator("input[name^='approved_']").fill(String(granted));
  await partRow.locator("input[name^='reason_']").fill("نیمی از بهای قطعه پذیرفته شد");
  await clickAndSettle(page.getByRole("button", { name: "ثبت تصمیم" }));
  await expect(page.getByTestId("claim-status")).toHaveText("تأیید بخشی");
  await expect(page.getByTestId("claim-approved")).toHaveText(`${fa(approved)} ریال`);
  if (part.serialized) {
    await page.getByLabel("سریال قطعهٔ رسیده").fill("DEF-9001");
    await clickAndSettle(page.getByRole("button", { name: "ثبت دریافت" }));
    await expect(page.getByTestId("claim-result")).toHaveText("دریافت قطعه داغی ثبت شد.");
    await expect(page.getByTestId("line-return")).toContainText("تحویل شد");
  }
  await waitForRouterIdle(page);
  await context.clearCookies();

  // --- 9. a referral fee this month (10 % of a 1,500,000 paid job), then the month's statement
  const period = jalaliYearMonth(new Date());
  const fee = 150_000;
  const paidJob = await one<{ id: string }>(
    db,
    `insert into tickets (type, channel, customer_id, warranty_status, status, assigned_agency_id, province, city)
     values ('breakdown', 'phone', $1, 'out_of_warranty', 'completed', $2, 'تهران', 'تهران') returning id`,
    [card.customer_id, agency.id],
  );
  await db.query(
    `insert into agency_ledger (agency_id, kind, period, amount_rials, at, ticket_id, invoice_amount_rials, rate_percent) values ($1, 'referral_fee', $2, $3, now(), $4, 1500000, 10)`,
    [agency.id, period, fee, paidJob.id],
  );
  const before = await one<{ fees: string; claims: string }>(
    db,
    `select coalesce(sum(amount_rials) filter (where kind = 'referral_fee'), 0) as fees, coalesce(sum(amount_rials) filter (where kind <> 'referral_fee'), 0) as claims
       from agency_ledger where agency_id = $1 and period = $2`,
    [agency.id, period],
  );
  // our own two entries, as the manufacturer's ledger holds them
  const mine = await db.query<{ kind: string; amount_rials: string }>("select kind, amount_rials from agency_ledger where agency_id = $1 and period = $2 and (amount_rials = $3 or amount_rials = $4)", [agency.id, period, fee, -approved]);
  expect(mine.rows.map((r) => Number(r.amount_rials)).sort((a, b) => a - b)).toEqual([-approved, fee]);
  const balance = Number(before.fees) + Number(before.claims);
  await signIn(agencyUser[accepted!]!);
  await page.locator("nav.shell-nav").getByRole("link", { name: "صورت‌حساب نمایندگی", exact: true }).click();
  await page.getByRole("link", { name: toPersianDigits(periodText(period)), exact: true }).first().click();
  await expect(page).toHaveURL(new RegExp(`/agency/statement/${period}$`));
  await expect(page.locator("main")).toContainText(fa(approved));
  await expect(page.locator("main")).toContainText(fa(fee));
  await expect(page.getByTestId("statement-balance")).toContainText(fa(balance));
});
