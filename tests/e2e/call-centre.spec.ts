import { E2E_ARI_SIM_PORT } from "../../playwright.config";
import { expect, test, waitForHydration } from "./fixtures";

/*
 * Call-centre performance (issue 14 §4), clicked as its users would: the supervisor opens the live wall from the
 * menu and sees a caller the ARI simulator places appear in the queue (NOTIFY → the wall's event stream) and leave
 * it; the manager opens "Call centre" from the menu, clicks an operator's figure and sees the calls behind it, and
 * one call's ticket; the supervisor calls back an abandoned caller from the list, which clears the item.
 */

const SIM = `http://127.0.0.1:${E2E_ARI_SIM_PORT}`;

async function simPost(path: string, body: unknown) {
  const res = await fetch(`${SIM}${path}`, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) });
  expect(res.status).toBeLessThan(300);
}

test("the supervisor's live wall shows a caller waiting in the queue, then gone when they hang up", async ({ page, signIn, db }) => {
  test.setTimeout(90_000);
  // nobody takes the call: it waits in the queue
  await db.query("update operators set presence = 'offline'");
  await signIn("supervisor");
  await waitForHydration(page);
  await page.getByRole("link", { name: "نمایشگر زنده مرکز تماس" }).click();
  await expect(page).toHaveURL(/\/desk\/wall$/);
  await expect(page.getByRole("heading", { name: "نمایشگر زنده مرکز تماس" })).toBeVisible();
  await expect(page.getByTestId("wall-live")).toHaveAttribute("data-live", "live");
  await expect(page.getByTestId("wall-operator").first()).toHaveAttribute("data-state", "away");

  await simPost("/sim/calls", { from: "09127770001", to: "02191001570", dtmf: "1" });
  let callId = 0;
  await expect
    .poll(async () => {
      const r = await db.query<{ id: string }>("select id from calls where caller_number = '+989127770001' and state = 'queued' order by id desc limit 1");
      callId = Number(r.rows[0]?.id ?? 0);
      return callId;
    }, { timeout: 20_000 })
    .toBeGreaterThan(0);
  const waiting = page.locator(`[data-testid="wall-waiting-call"][data-call-id="${callId}"]`);
  await expect(waiting).toBeVisible({ timeout: 20_000 });
  await expect(waiting).toContainText("اعلام خرابی");
  await expect(page.getByTestId("wall-waiting-count")).not.toHaveText("۰");

  const channel = await db.query<{ channel_id: string }>("select channel_id from calls where id = $1", [callId]);
  await simPost(`/sim/calls/${encodeURIComponent(channel.rows[0]!.channel_id)}/hangup`, {});
  await expect(waiting).toHaveCount(0, { timeout: 20_000 });
});

test("the manager opens Call centre, clicks an operator's figure and sees the calls behind it and a call's ticket", async ({ page, signIn }) => {
  await signIn("manager");
  await waitForHydration(page);
  await page.getByRole("link", { name: "مرکز تماس", exact: true }).click();
  await expect(page).toHaveURL(/\/manager\/calls$/);
  await expect(page.getByRole("heading", { name: "عملکرد مرکز تماس" })).toBeVisible();
  await expect(page.getByTestId("calls-total-offered")).not.toHaveText("۰");
  const row = page.getByTestId("calls-table-operator").locator("tbody tr", { hasText: "سارا محمدی" });
  await expect(row).toBeVisible();
  // the operator's "answered" figure (the third cell)
  await row.locator("td").nth(2).getByRole("link").click();
  await expect(page).toHaveURL(/\/manager\/calls\/list\?.*kind=answered/);
  await expect(page.getByTestId("call-list-title")).toContainText("سارا محمدی");
  const list = page.getByTestId("call-list");
  await expect(list.locator("tbody tr").first()).toBeVisible();
  await expect(list.locator("tbody tr").first()).toContainText("پاسخ داده شده");
  // a call that registered a ticket leads to it
  await list.locator("tbody tr td:last-child a").first().click();
  await expect(page).toHaveURL(/\/manager\/tickets\/\d+$/);
});

test("the supervisor calls back an abandoned caller from the list, which clears it", async ({ page, signIn }) => {
  test.setTimeout(60_000);
  await signIn("supervisor");
  await waitForHydration(page);
  await page.getByRole("link", { name: "تماس‌های بی‌پاسخ" }).click();
  await expect(page).toHaveURL(/\/desk\/abandoned$/);
  const first = page.getByTestId("abandoned-row").first();
  await expect(first).toBeVisible();
  const number = (await first.getAttribute("data-number"))!;
  await first.getByTestId("abandoned-call-back").click();
  await expect(page.getByTestId("abandoned-placed")).toBeVisible();
  await expect(page.locator(`[data-testid="abandoned-row"][data-number="${number}"]`)).toHaveCount(0);

  await page.getByTestId("abandoned-tab-cleared").click();
  await expect(page).toHaveURL(/show=cleared/);
  const cleared = page.locator(`[data-testid="abandoned-row"][data-number="${number}"]`);
  await expect(cleared).toBeVisible();
  await expect(cleared.getByTestId("abandoned-cleared")).toContainText("تماس مجدد توسط مهدی حسینی");
});
