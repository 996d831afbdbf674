import type { Page } from "@playwright/test";
import type pg from "pg";
import { toPersianDigits } from "../../core/digits";
import { DESK_EVENTS_CHANNEL } from "../../core/call";
import { clickAndSettle, expect, test, waitForHydration } from "./fixtures";

/*
 * The operator's desk with JavaScript on, by clicking: availability, a call popping up in real time
 * (the call row and its desk event are written here, as the telephony shell would: a row, then NOTIFY),
 * registering the breakdown from the pop-up with the map (no tiles in tests) and landing on the new
 * ticket; a double click registers once; a validation error keeps what was typed.
 */

async function userId(db: pg.Client, username: string): Promise<number> {
  const r = await db.query<{ id: string }>("select id from users where username = $1", [username]);
  return Number(r.rows[0]!.id);
}

/** A demo customer with a product, a default address and a mobile no other customer has. */
async function demoCustomer(db: pg.Client) {
  const r = await db.query<{ id: string; full_name: string; mobile: string; serial_number: string }>(
    `select c.id, c.full_name, c.mobile, p.serial_number
       from customers c
       join customer_products p on p.customer_id = c.id
      where exists (select 1 from customer_addresses a where a.customer_id = c.id)
        and (select count(*) from customers o where o.mobile = c.mobile) = 1
      order by c.id limit 1`,
  );
  const c = r.rows[0]!;
  return { id: Number(c.id), name: c.full_name, mobile: c.mobile, serial: c.serial_number };
}

/** What telephony does when an operator's phone rings and they answer: the call row, then the desk events. */
async function ringAndAnswer(db: pg.Client, operatorUserId: number, callerNumber: string): Promise<number> {
  const call = await db.query<{ id: string }>(
    `insert into calls (direction, caller_number, called_number, queue, state, ivr_choice, enqueued_at, operator_user_id)
     values ('inbound', $1, '02191001570', 'breakdown', 'ringing', 'breakdown', now(), $2) returning id`,
    [callerNumber, operatorUserId],
  );
  const callId = Number(call.rows[0]!.id);
  const at = new Date().toISOString();
  await db.query("select pg_notify($1, $2)", [DESK_EVENTS_CHANNEL, JSON.stringify({ type: "call_offered", operatorUserId, callId, at })]);
  await db.query("update calls set state = 'connected', answered_at = now() where id = $1", [callId]);
  await db.query("select pg_notify($1, $2)", [DESK_EVENTS_CHANNEL, JSON.stringify({ type: "call_connected", operatorUserId, callId, at })]);
  return callId;
}

// The calls made up here never reach telephony: end them, so their operators are free again for the ACD of
// later tests (call-to-ticket rings the demo operator through the real path).
test.afterEach(async ({ db }) => {
  await db.query(
    `update calls set state = 'ended', ended_at = greatest(now(), started_at), disposition = 'answered'
      where channel_id is null and direction = 'inbound' and state <> 'ended'`,
  );
});

async function openDeskLive(page: Page) {
  await page.goto("/desk");
  await waitForHydration(page);
  // the server's LISTEN is in place for this operator's stream
  await expect(page.getByTestId("live-status")).toHaveAttribute("data-live", "live");
}

async function ticketsOfCall(db: pg.Client, callId: number): Promise<number[]> {
  const r = await db.query<{ ticket_id: string }>("select ticket_id from ticket_calls where call_id = $1 order by ticket_id", [callId]);
  return r.rows.map((x) => Number(x.ticket_id));
}

test("a call pops up for the available operator, who registers the breakdown from it and lands on the new ticket", async ({ page, signIn, db }) => {
  await signIn("operator");
  const operatorId = await userId(db, "operator");
  const customer = await demoCustomer(db);
  await openDeskLive(page);

  await page.getByRole("button", { name: "آماده پاسخگویی" }).click();
  await expect(page.getByTestId("presence-current")).toHaveText("آماده پاسخگویی");
  await expect(page.getByRole("button", { name: "آماده پاسخگویی" })).toHaveAttribute("aria-pressed", "true");

  // the caller's number as the network delivers it: 09…
  const callId = await ringAndAnswer(db, operatorId, `0${customer.mobile.slice(3)}`);
  const pop = page.getByTestId("call-pop");
  await expect(pop).toBeVisible();
  await expect(pop).toHaveAttribute("data-call-id", String(callId));
  await expect(pop.getByTestId("pop-customer")).toContainText(customer.name);
  // the number formatted, in Persian digits
  await expect(pop.getByTestId("pop-caller")).toHaveText(/^۰۹[۰-۹]{2} [۰-۹]{3} [۰-۹]{4}$/);
  await expect(pop).toContainText(/داخل گارانتی|خارج از گارانتی|نامشخص/);

  await pop.getByTestId("pop-register").click();
  await expect(page).toHaveURL((u) => u.pathname === "/desk/register" && u.searchParams.get("callId") === String(callId));
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("ثبت درخواست");
  // prefilled from the call: the known customer is chosen
  await expect(page.getByRole("radio", { name: new RegExp(customer.name) })).toBeChecked();

  await page.getByLabel("شماره سریال").fill(customer.serial);
  await page.getByRole("button", { name: "استعلام سریال" }).click();
  await expect(page.getByTestId("serial-found")).toContainText("محصول ثبت‌شده");
  await page.locator("textarea[name=description]").fill("یخچال صدای زیاد می‌دهد و خنک نمی‌کند");
  await page.getByLabel("اولویت").selectOption("high");
  // the map is there without tiles; a click places the pin
  const map = page.getByTestId("address-map");
  await expect(map).toBeVisible();
  await expect(map.locator(".leaflet-tile")).toHaveCount(0);
  await map.click({ position: { x: 120, y: 100 } });
  await expect(page.getByTestId("pin-status")).toContainText("محل انتخاب‌شده");
  await expect(page.locator("input[name=lat]")).not.toHaveValue("");

  await page.getByTestId("register-submit").click();
  await expect(page).toHaveURL(/\/desk\/tickets\/\d+$/);
  const ticketId = Number(page.url().split("/").pop());
  expect(await ticketsOfCall(db, callId)).toEqual([ticketId]);
  const t = await db.query<{ number: string; priority: string; lat: number | null; customer_id: string }>(
    "select number, priority, lat, customer_id from tickets where id = $1",
    [ticketId],
  );
  expect(t.rows[0]).toMatchObject({ priority: "high", customer_id: String(customer.id) });
  expect(t.rows[0]!.lat).not.toBeNull();
  await expect(page.getByRole("heading", { level: 1 })).toContainText(toPersianDigits(t.rows[0]!.number));
  // the registration's SMS: written with the ticket, then sent by the workers to the (simulated) provider
  await expect
    .poll(
      async () =>
        (await db.query<{ status: string }>("select status from sms_messages where ticket_id = $1 and purpose = 'ticket_registered'", [ticketId])).rows.map(
          (r) => r.status,
        ),
      { timeout: 15_000 },
    )
    .toEqual(["sent"]);
  // the ticket's timeline shows it right after the registration, with its status (sent; delivered once the status poller has asked)
  await page.reload();
  // (the agency's offer SMS of the automatic dispatch may be on the timeline too: services/dispatch.ts)
  const sms = page.locator('ol.timeline > li[data-event="sms"][data-sms-purpose="ticket_registered"]');
  await expect(sms).toHaveCount(1);
  await expect(sms).toHaveAttribute("data-sms-status", /^(sent|delivered)$/);
  const kinds = await page.locator("ol.timeline > li").evaluateAll((els) => els.map((e) => e.getAttribute("data-event")));
  // right after the registration's rows (written in the same transaction, at the same time)
  expect(kinds.slice(0, kinds.indexOf("sms") + 1)).toEqual(["created", "call_attached", "sms"]);
});

test("a double click on submit registers one ticket", async ({ page, signIn, db }) => {
  await signIn("operator2");
  const operatorId = await userId(db, "operator2");
  await openDeskLive(page);
  const callId = await ringAndAnswer(db, operatorId, "09390001122");
  const pop = page.getByTestId("call-pop");
  await expect(pop.getByTestId("pop-new-customer")).toBeVisible();
  await pop.getByTestId("pop-register").click();
  await expect(page).toHaveURL((u) => u.pathname === "/desk/register");
  await expect(page.getByLabel("تلفن همراه")).toHaveValue("09390001122");
  await page.getByLabel("نام و نام خانوادگی").fill("نرگس اکبری");
  await page.locator("textarea[name=description]").fill("کولر گازی روشن نمی‌شود");
  await page.getByLabel("استان").fill("فارس");
  await page.getByLabel("شهر").fill("شیراز");
  await page.locator("textarea[name=addressText]").fill("بلوار زند، کوچه ۸");
  await page.getByTestId("register-submit").dblclick();
  await expect(page).toHaveURL(/\/desk\/tickets\/\d+$/);
  const ticketId = Number(page.url().split("/").pop());
  expect(await ticketsOfCall(db, callId)).toEqual([ticketId]);
  const customers = await db.query("select id from customers where mobile = '+989390001122'");
  expect(customers.rowCount).toBe(1);

  // The button is disabled once the first click submits; a form that still goes out twice (the
  // browser resubmits, the button is not disabled in time) is answered with the same ticket.
  const second = await ringAndAnswer(db, operatorId, "09390001122");
  await expect(page.getByTestId("call-pop")).toHaveAttribute("data-call-id", String(second));
  await clickAndSettle(page.getByTestId("call-pop").getByTestId("pop-register"));
  await expect(page).toHaveURL((u) => u.pathname === "/desk/register" && u.searchParams.get("callId") === String(second));
  await page.locator("textarea[name=description]").fill("تماس دوباره: هنوز روشن نمی‌شود");
  // The first POST is held until the second is on its way, so both reach the server whatever the machine's
  // speed (a fast first answer would otherwise navigate away before the second submit). The router aborts
  // the first in the page; Playwright still delivers it to the server (route.fetch) and drops its answer.
  let posts = 0;
  let secondSent!: () => void;
  const second$ = new Promise<void>((resolve) => (secondSent = resolve));
  await page.route(
    (u) => u.pathname === "/desk/register",
    async (route) => {
      if (route.request().method() !== "POST") return route.fallback();
      posts++;
      if (posts === 1) {
        await second$;
        const answer = await route.fetch({ maxRedirects: 0 });
        await route.fulfill({ response: answer }).catch(() => {}); // aborted by the page: nothing to answer
      } else {
        secondSent();
        await route.fallback();
      }
    },
  );
  const form = page.locator("form.register-form");
  const firstSent = page.waitForRequest((r) => r.method() === "POST" && new URL(r.url()).pathname === "/desk/register");
  await form.evaluate((f: HTMLFormElement) => f.requestSubmit());
  await firstSent;
  // the router drops the first answer and follows the second one's
  await form.evaluate((f: HTMLFormElement) => f.requestSubmit());
  await expect(page).toHaveURL(/\/desk\/tickets\/\d+$/);
  expect(posts).toBe(2);
  const secondTicket = Number(page.url().split("/").pop());
  await expect.poll(() => ticketsOfCall(db, second)).toEqual([secondTicket]);
  const forCustomer = await db.query("select t.id from tickets t join customers c on c.id = t.customer_id where c.mobile = '+989390001122'");
  expect(forCustomer.rowCount).toBe(2);
});

test.describe("validation", () => {
  // the refused form is answered 400 (Chromium logs that status line); nothing else may go wrong
  test.use({ expectedHttpErrors: [400] });

  test("a validation error shows a message at the field and keeps everything typed", async ({ page, signIn, db }) => {
    await signIn("operator");
    await page.goto("/desk");
    await waitForHydration(page);
    await clickAndSettle(page.getByRole("link", { name: "ثبت درخواست جدید" }));
    await expect(page).toHaveURL((u) => u.pathname === "/desk/register");
    await page.getByLabel("نام و نام خانوادگی").fill("بهرام سلیمانی");
    await page.getByLabel("تلفن همراه").fill("۰۹۱۲۳");
    await page.locator("textarea[name=description]").fill("ماشین ظرفشویی آب را تخلیه نمی‌کند");
    await page.getByLabel("استان").fill("تهران");
    await page.getByLabel("شهر").fill("تهران");
    await page.locator("textarea[name=addressText]").fill("میدان ونک");
    const tickets = Number((await db.query<{ n: string }>("select count(*) n from tickets")).rows[0]!.n);
    await page.getByTestId("register-submit").click();
    await expect(page.getByTestId("form-errors")).toBeVisible();
    await expect(page.getByText("شماره همراه معتبر وارد کنید")).toBeVisible();
    await expect(page.getByLabel("تلفن همراه")).toHaveAttribute("aria-invalid", "true");
    await expect(page.getByLabel("نام و نام خانوادگی")).toHaveValue("بهرام سلیمانی");
    await expect(page.locator("textarea[name=description]")).toHaveValue("ماشین ظرفشویی آب را تخلیه نمی‌کند");
    await expect(page.locator("textarea[name=addressText]")).toHaveValue("میدان ونک");
    expect(Number((await db.query<{ n: string }>("select count(*) n from tickets")).rows[0]!.n)).toBe(tickets);

    // corrected, the same form registers
    await page.getByLabel("تلفن همراه").fill("۰۹۱۲ ۷۷۷ ۸۸۹۹");
    await page.getByTestId("register-submit").click();
    await expect(page).toHaveURL(/\/desk\/tickets\/\d+$/);
  });
});

test.describe("without JavaScript", () => {
  // the registration form is a plain form (no map then); a refused one comes back as a 400 page
  test.use({ javaScriptEnabled: false, expectedHttpErrors: [400] });

  test("presence and registration work as plain forms, and a refused form keeps what was typed", async ({ page, signIn, db }) => {
    await signIn("supervisor");
    await page.goto("/desk");
    await page.getByRole("button", { name: "در استراحت" }).click();
    await expect(page.getByTestId("presence-current")).toHaveText("در استراحت");

    await page.getByRole("link", { name: "ثبت درخواست جدید" }).click();
    await expect(page.getByRole("heading", { level: 1 })).toHaveText("ثبت درخواست");
    await expect(page.getByTestId("address-map")).toHaveCount(0);
    await page.getByLabel("نام و نام خانوادگی").fill("شیرین قاسمی");
    await page.getByLabel("تلفن همراه").fill("09187776655");
    await page.getByLabel("شماره سریال").fill("NOJS-0001");
    await page.getByLabel("استان").fill("همدان");
    await page.getByLabel("شهر").fill("همدان");
    await page.locator("textarea[name=addressText]").fill("بلوار بوعلی");
    // no description, no model for an unknown serial: refused, nothing lost
    await page.getByRole("button", { name: "ثبت درخواست" }).click();
    await expect(page.getByTestId("form-errors")).toBeVisible();
    await expect(page.getByText("شرح درخواست را بنویسید")).toBeVisible();
    await expect(page.getByLabel("نام و نام خانوادگی")).toHaveValue("شیرین قاسمی");
    await expect(page.getByLabel("شماره سریال")).toHaveValue("NOJS-0001");
    await expect(page.locator("textarea[name=addressText]")).toHaveValue("بلوار بوعلی");

    await page.locator("textarea[name=description]").fill("اجاق گاز جرقه نمی‌زند");
    await page.getByRole("button", { name: "ثبت درخواست" }).click();
    await expect(page.getByText("برند و مدل را انتخاب کنید")).toBeVisible();
    await page.getByLabel("برند و مدل (برای محصول جدید)").selectOption({ index: 1 });
    await page.getByRole("button", { name: "ثبت درخواست" }).click();
    await expect(page).toHaveURL(/\/desk\/tickets\/\d+$/);
    const id = Number(page.url().split("/").pop());
    const t = await db.query<{ serial_number: string; lat: number | null }>(
      "select p.serial_number, t.lat from tickets t join customer_products p on p.id = t.customer_product_id where t.id = $1",
      [id],
    );
    expect(t.rows[0]).toEqual({ serial_number: "NOJS-0001", lat: null });
  });
});
