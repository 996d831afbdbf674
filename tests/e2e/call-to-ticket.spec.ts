import type pg from "pg";
import { E2E_ARI_SIM_PORT } from "../../playwright.config";
import { expect, test, waitForHydration } from "./fixtures";

/*
 * The headline, end to end through the real telephony path: the server runs the ARI simulator
 * and the telephony shell in-process. The operator signs in and becomes available; a customer's call
 * (started from the desk's "simulate incoming call" panel) goes through the IVR (1: breakdown), the queue
 * and the ACD, rings the operator's extension (the simulator answers it), and pops up on the desk with the
 * customer; the operator registers the breakdown from the pop-up; the caller hangs up, the bridge recording
 * is fetched and stored; the ticket page plays it.
 */

const SIM = `http://127.0.0.1:${E2E_ARI_SIM_PORT}`;

/** A demo customer with a product, a default address and a mobile no other customer has. */
async function demoCustomer(db: pg.Client) {
  const r = await db.query<{ id: string; full_name: string; mobile: string; serial_number: string }>(
    `select c.id, c.full_name, c.mobile, p.serial_number
       from customers c
       join customer_products p on p.customer_id = c.id
      where exists (select 1 from customer_addresses a where a.customer_id = c.id and a.is_default)
        and (select count(*) from customers o where o.mobile = c.mobile) = 1
      order by c.id desc limit 1`,
  );
  const c = r.rows[0]!;
  return { id: Number(c.id), name: c.full_name, mobile: c.mobile, serial: c.serial_number };
}

async function hangUp(channelId: string) {
  const res = await fetch(`${SIM}/sim/calls/${encodeURIComponent(channelId)}/hangup`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: "{}",
  });
  expect(res.status).toBeLessThan(300);
}

test("a customer's call, through IVR, queue and ACD, pops up; the breakdown is registered from it and the ticket plays the call's recording", async ({
  page,
  signIn,
  db,
}) => {
  test.setTimeout(90_000);
  const customer = await demoCustomer(db);
  const callerNumber = `0${customer.mobile.slice(3)}`;

  await signIn("operator");
  await page.goto("/desk");
  await waitForHydration(page);
  await expect(page.getByTestId("live-status")).toHaveAttribute("data-live", "live");
  await expect(page.getByText("داخلی: ۱۰۱")).toBeVisible();
  await page.getByRole("button", { name: "آماده پاسخگویی" }).click();
  await expect(page.getByTestId("presence-current")).toHaveText("آماده پاسخگویی");

  // the simulate-call panel: the customer's mobile dials the hotline and keys 1 (breakdown)
  await page.getByLabel("شماره تماس‌گیرنده").fill(callerNumber);
  await page.getByLabel("کلید منوی تلفنی").selectOption("1");
  await page.getByRole("button", { name: "شروع تماس آزمایشی" }).click();
  await expect(page.getByTestId("sim-result")).toContainText("تماس آزمایشی آغاز شد");

  // the ACD rings extension 101, the simulator answers it: the call pops up, connected, with the customer
  const pop = page.getByTestId("call-pop");
  await expect(pop).toBeVisible({ timeout: 20_000 });
  await expect(pop).toHaveAttribute("data-phase", "connected", { timeout: 20_000 });
  await expect(pop.getByTestId("pop-customer")).toContainText(customer.name);
  await expect(pop).toContainText("انتخاب در منوی تلفنی: اعلام خرابی");
  const callId = Number(await pop.getAttribute("data-call-id"));
  const call = await db.query<{ channel_id: string; state: string; ivr_choice: string; customer_id: string; operator_user_id: string }>(
    "select c.channel_id, c.state, c.ivr_choice, c.customer_id, c.operator_user_id from calls c where c.id = $1",
    [callId],
  );
  expect(call.rows[0]).toMatchObject({ state: "connected", ivr_choice: "breakdown", customer_id: String(customer.id) });

  // register the breakdown from the pop-up
  await pop.getByTestId("pop-register").click();
  await expect(page).toHaveURL((u) => u.pathname === "/desk/register" && u.searchParams.get("callId") === String(callId));
  await expect(page.getByRole("radio", { name: new RegExp(customer.name) })).toBeChecked();
  await page.getByLabel("شماره سریال").fill(customer.serial);
  await page.getByRole("button", { name: "استعلام سریال" }).click();
  await expect(page.getByTestId("serial-found")).toContainText("محصول ثبت‌شده");
  await page.locator("textarea[name=description]").fill("ماشین لباسشویی آب را تخلیه نمی‌کند");
  await page.getByTestId("register-submit").click();
  await expect(page).toHaveURL(/\/desk\/tickets\/\d+$/);
  const ticketId = Number(page.url().split("/").pop());
  const linked = await db.query("select 1 from ticket_calls where ticket_id = $1 and call_id = $2", [ticketId, callId]);
  expect(linked.rowCount).toBe(1);

  // on the new ticket the call is listed while it is still going on, being recorded
  const row = page.locator(`#call-${callId}`);
  await expect(row.getByTestId("recording-pending")).toHaveText("تماس در جریان است و مکالمه ضبط می‌شود.");

  // the customer hangs up: the call ends, the bridge recording is finished, fetched and stored, and the
  // ticket page shows the player without being reloaded
  await hangUp(call.rows[0]!.channel_id);
  await expect(page.getByTestId("call-pop")).toHaveAttribute("data-phase", "ended");
  await expect(row.locator("audio")).toHaveCount(1, { timeout: 20_000 });

  // to the ticket again, by clicking: the ticket list, then the ticket
  await page.getByRole("link", { name: "درخواست‌های خدمت", exact: true }).first().click();
  await expect(page).toHaveURL((u) => u.pathname === "/desk/tickets");
  const number = (await db.query<{ number: string }>("select number from tickets where id = $1", [ticketId])).rows[0]!.number;
  await page.locator(`a[href="/desk/tickets/${ticketId}"]`).first().click();
  await expect(page).toHaveURL(`/desk/tickets/${ticketId}`);
  await expect(page.getByRole("heading", { level: 1 })).toContainText([...number].map((d) => "۰۱۲۳۴۵۶۷۸۹"[Number(d)]).join(""));
  const audio = row.locator("audio");
  await expect(audio).toHaveCount(1);
  await expect(row).toContainText("پاسخ داده شده");

  // the browser loads the recording's metadata: a real WAV with a duration
  const duration = await audio.evaluate(
    (el: HTMLAudioElement) =>
      new Promise<number>((resolve, reject) => {
        if (el.readyState >= 1) return resolve(el.duration);
        el.addEventListener("loadedmetadata", () => resolve(el.duration), { once: true });
        el.addEventListener("error", () => reject(new Error(`audio error ${el.error?.code ?? "?"}`)), { once: true });
        el.load();
      }),
  );
  expect(duration).toBeGreaterThan(0);
  const rec = await db.query<{ duration_seconds: number | null; size_bytes: string }>(
    "select duration_seconds, size_bytes from recordings where call_id = $1",
    [callId],
  );
  expect(rec.rowCount).toBe(1);
  expect(Number(rec.rows[0]!.size_bytes)).toBeGreaterThan(44);

  // the pop-up's customer panel calls the customer back: the operator's phone, then the customer's, and the
  // pop-up follows the new call once it is connected
  const operatorId = Number(call.rows[0]!.operator_user_id);
  await pop.getByTestId("pop-dial").first().click();
  let outId = 0;
  await expect
    .poll(async () => {
      const r = await db.query<{ id: string; state: string }>(
        "select id, state from calls where direction = 'outbound' and operator_user_id = $1 and id > $2 order by id desc limit 1",
        [operatorId, callId],
      );
      outId = Number(r.rows[0]?.id ?? 0);
      return r.rows[0]?.state;
    }, { timeout: 20_000 })
    .toBe("connected");
  await expect(page.getByTestId("call-pop")).toHaveAttribute("data-call-id", String(outId));
  const out = await db.query<{ channel_id: string; called_number: string }>("select channel_id, called_number from calls where id = $1", [outId]);
  expect(out.rows[0]!.called_number).toBe(customer.mobile);
  await hangUp(out.rows[0]!.channel_id);
  await expect(page.getByTestId("call-pop")).toHaveAttribute("data-phase", "ended");
});

test("the operator calls a ticket's customer from the ticket page; telephony places the call and it is listed, recorded, under the ticket", async ({
  page,
  signIn,
  db,
}) => {
  test.setTimeout(90_000);
  await signIn("operator2");
  await page.goto("/desk");
  await waitForHydration(page);
  await expect(page.getByTestId("live-status")).toHaveAttribute("data-live", "live");

  // a ticket, by clicking: the ticket list, then the first ticket
  await page.getByRole("link", { name: "درخواست‌های خدمت", exact: true }).first().click();
  await expect(page).toHaveURL((u) => u.pathname === "/desk/tickets");
  await page.locator('table a[href^="/desk/tickets/"]').first().click();
  await expect(page).toHaveURL(/\/desk\/tickets\/\d+$/);
  const ticketId = Number(new URL(page.url()).pathname.split("/").pop());
  const before = await db.query<{ call_id: string }>("select call_id from ticket_calls where ticket_id = $1", [ticketId]);

  await page.getByTestId("dial-customer").click();
  await expect(page).toHaveURL((u) => u.pathname === `/desk/tickets/${ticketId}` && u.searchParams.get("done") === "dial");
  await expect(page.getByRole("status").filter({ hasText: "تماس با مشتری در حال برقراری است" })).toBeVisible();

  const linked = await db.query<{ call_id: string }>(
    "select call_id from ticket_calls where ticket_id = $1 and not (call_id = any($2::bigint[]))",
    [ticketId, before.rows.map((r) => r.call_id)],
  );
  expect(linked.rowCount).toBe(1);
  const callId = Number(linked.rows[0]!.call_id);
  const row = page.locator(`#call-${callId}`);
  await expect(row).toContainText("خروجی");

  // telephony rings extension 102 (answered by the simulator), then the customer (answered too)
  await expect
    .poll(async () => (await db.query<{ state: string }>("select state from calls where id = $1", [callId])).rows[0]!.state, { timeout: 20_000 })
    .toBe("connected");
  const call = await db.query<{ channel_id: string; operator_user_id: string }>("select channel_id, operator_user_id from calls where id = $1", [callId]);
  await expect(row.getByTestId("recording-pending")).toHaveText("تماس در جریان است و مکالمه ضبط می‌شود.", { timeout: 10_000 });

  await hangUp(call.rows[0]!.channel_id);
  await expect(row.locator("audio")).toHaveCount(1, { timeout: 20_000 });
  await expect(row).toContainText("پاسخ داده شده");
});
