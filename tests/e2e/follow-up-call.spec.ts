import type pg from "pg";
import { E2E_ARI_SIM_PORT } from "../../playwright.config";
import { clickAndSettle, expect, test, waitForHydration } from "./fixtures";

/*
 * Section 5 of the issue end to end, on the server's own workers, telephony shell and ARI simulator
 * (SATISFACTION_DELAY_DAYS=0): a supervisor completes a job from its ticket page; its follow-up falls due at
 * once, the workers ask for the automated call, telephony dials the customer on the simulator, the simulated
 * customer answers and presses 2; the score shows on the ticket page, the low score opens a complaint, the
 * supervisor's desk is told of it and the manager finds it.
 */

const SIM = `http://127.0.0.1:${E2E_ARI_SIM_PORT}`;

function persian(n: number | string) {
  return String(n).replace(/\d/g, (d) => "۰۱۲۳۴۵۶۷۸۹"[Number(d)]!);
}

/** A breakdown job in progress, of a customer whose mobile no other customer has, with no follow-up yet. */
async function jobInProgress(db: pg.Client) {
  const r = await db.query<{ id: string; number: string; mobile: string }>(
    `select t.id::text, t.number::text, c.mobile
       from tickets t join customers c on c.id = t.customer_id
      where t.type = 'breakdown' and t.status = 'in_progress'
        and (select count(*) from customers o where o.mobile = c.mobile) = 1
        and not exists (select 1 from satisfaction_surveys s where s.ticket_id = t.id)
        and not exists (select 1 from calls k where k.customer_id = c.id and k.state <> 'ended')
      order by t.id desc limit 1`,
  );
  const t = r.rows[0]!;
  return { id: Number(t.id), number: Number(t.number), mobile: t.mobile };
}

async function simPost(path: string, body: unknown) {
  const res = await fetch(`${SIM}${path}`, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) });
  expect(res.status, `${path}: ${await res.clone().text()}`).toBeLessThan(300);
}

test("a completed job's follow-up call collects a DTMF score on the ARI simulator; the score shows on the ticket, a low one opens a complaint", async ({
  page,
  signIn,
  db,
}) => {
  test.setTimeout(120_000);
  const job = await jobInProgress(db);
  const local = `0${job.mobile.slice(3)}`;
  // the customer's phone picks up after a moment
  await simPost(`/sim/endpoints/${local}`, { answer: "auto", afterMs: 500 });

  await signIn("supervisor");
  await page.goto("/desk");
  await waitForHydration(page);
  await expect(page.getByTestId("live-status")).toHaveAttribute("data-live", "live");
  // to the job by clicking: the ticket list, searched by its number
  await clickAndSettle(page.getByRole("link", { name: "درخواست‌های خدمت" }));
  await page.getByRole("search").getByRole("searchbox").fill(String(job.number));
  await page.getByRole("search").getByRole("button", { name: "فیلتر" }).click();
  await page.getByRole("link", { name: persian(job.number), exact: true }).click();
  await expect(page.getByRole("heading", { level: 1 })).toContainText(persian(job.number));

  // the job is done: completed from its page
  await page.getByLabel("وضعیت جدید").selectOption("completed");
  await page.getByRole("button", { name: "ثبت تغییر وضعیت" }).click();
  await expect(page.getByRole("heading", { level: 1 }).locator("[data-status]")).toHaveAttribute("data-status", "completed");
  await expect(page.getByTestId("follow-up")).toBeVisible();

  // the workers ask for the call, telephony dials; the simulated customer answers and presses 2
  let channelId = "";
  await expect
    .poll(
      async () => {
        const c = await db.query<{ channel_id: string | null; state: string }>(
          `select k.channel_id, k.state from satisfaction_surveys s join calls k on k.id = s.call_id where s.ticket_id = $1`,
          [job.id],
        );
        channelId = c.rows[0]?.channel_id ?? "";
        return c.rows[0]?.state ?? "none";
      },
      { timeout: 60_000, message: "the follow-up call is answered" },
    )
    .toBe("connected");
  await simPost(`/sim/calls/${encodeURIComponent(channelId)}/dtmf`, { digits: "2" });

  // the ticket page shows the score (it refreshes while the call goes on) and the complaint it opened
  const followUp = page.getByTestId("follow-up");
  await expect(followUp).toHaveAttribute("data-status", "answered", { timeout: 30_000 });
  await expect(page.getByTestId("follow-up-score")).toHaveText("۲ از ۵");
  await expect(page.getByTestId("follow-up-channel")).toHaveText("تماس خودکار (کلید تلفن)");
  await expect(page.locator('[data-event="survey_answered"]')).toHaveCount(1);

  // the supervisor's desk was told of the complaint
  const notice = page.getByTestId("complaint-notice");
  await expect(notice).toContainText("امتیاز ۲ از ۵");
  const complaintId = Number(await notice.getAttribute("data-ticket-id"));
  const complaintLink = page.getByTestId("follow-up-complaint");
  await expect(complaintLink).toBeVisible();
  await complaintLink.click();
  await expect(page).toHaveURL(`/desk/tickets/${complaintId}`);
  await expect(page.getByText("شکایات، انتقادات و پیشنهادات").first()).toBeVisible();
  await expect(page.getByTestId("complaint-source")).toContainText(persian(job.number));
  const complaintNumber = (await db.query<{ number: string }>("select number::text from tickets where id = $1", [complaintId])).rows[0]!.number;

  // the manager finds the complaint among the tickets and sees where it came from
  await page.getByRole("button", { name: "خروج" }).click();
  await expect(page).toHaveURL(/\/login/);
  await signIn("manager");
  await page.goto("/manager/tickets");
  await waitForHydration(page);
  const search = page.getByRole("search");
  await search.getByLabel("نوع درخواست").selectOption("complaint");
  await search.getByRole("searchbox").fill(complaintNumber);
  await search.getByRole("button", { name: "فیلتر" }).click();
  await page.getByRole("link", { name: persian(complaintNumber), exact: true }).click();
  await expect(page.getByRole("heading", { level: 1 })).toContainText(persian(complaintNumber));
  await expect(page.getByTestId("complaint-source")).toContainText("۲ از ۵");
  await page.getByTestId("complaint-source").getByRole("link").click();
  await expect(page).toHaveURL(`/manager/tickets/${job.id}`);
  await expect(page.getByTestId("follow-up-score")).toHaveText("۲ از ۵");
});

test("an operator works the happy-call list: calls the customer, records a score with a comment", async ({ page, signIn, db }) => {
  test.setTimeout(60_000);
  // a completed job whose follow-up (operator mode) is due now, as the scheduler writes it in that mode
  const r = await db.query<{ id: string; number: string; mobile: string; full_name: string }>(
    `select t.id::text, t.number::text, c.mobile, c.full_name
       from tickets t join customers c on c.id = t.customer_id
      where t.type = 'breakdown' and t.status = 'completed'
        and not exists (select 1 from satisfaction_surveys s where s.ticket_id = t.id)
      order by t.id limit 1`,
  );
  const job = r.rows[0]!;
  const s = await db.query<{ id: string }>(
    `insert into satisfaction_surveys (ticket_id, channel, status, mode, due_at, next_attempt_at)
     values ($1, 'operator_call', 'pending', 'operator', now() - interval '1 minute', now() - interval '1 minute') returning id::text`,
    [job.id],
  );
  const surveyId = Number(s.rows[0]!.id);

  await signIn("operator");
  await page.goto("/desk");
  await waitForHydration(page);
  await page.getByRole("link", { name: "تماس‌های نظرسنجی" }).click();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("تماس‌های نظرسنجی (هپی‌کال)");
  const row = page.locator(`[data-testid="follow-up-row"][data-ticket="${job.number}"]`);
  await expect(row).toContainText(job.full_name);
  // the same word for the mobile as on the ticket page
  await expect(row.locator("dt", { hasText: "تلفن همراه" })).toBeVisible();
  // each score's radio button sits beside its words (it was stretched to the form's width, a line above them)
  for (const n of ["۱ — خیلی ناراضی", "۵ — خیلی راضی"]) {
    const label = row.locator("label", { hasText: n });
    const radio = await label.getByRole("radio").boundingBox();
    const box = await label.boundingBox();
    expect(radio!.y + radio!.height / 2).toBeGreaterThan(box!.y);
    expect(radio!.y + radio!.height / 2).toBeLessThan(box!.y + box!.height);
    expect(radio!.width).toBeLessThan(40);
    expect(box!.height).toBeLessThan(40);
  }
  // a list of panels, without bullets beside them
  expect(await row.evaluate((li) => getComputedStyle(li).listStyleType)).toBe("none");
  await row.getByRole("button", { name: "تماس با مشتری" }).click();
  await expect(row.getByTestId("pop-dial-result")).toContainText("در حال برقراری است");
  // the call is the job's: on the outbound call row and in the ticket's calls
  const dialled = await db.query<{ ticket_id: string | null; linked: string | null }>(
    `select c.ticket_id::text, tc.ticket_id::text as linked
       from calls c left join ticket_calls tc on tc.call_id = c.id
      where c.direction = 'outbound' and c.created_by = (select id from users where username = 'operator')
      order by c.id desc limit 1`,
  );
  expect(dialled.rows[0]).toEqual({ ticket_id: job.id, linked: job.id });
  await row.getByLabel("۵ — خیلی راضی").check();
  await row.getByLabel("توضیح (اختیاری)").fill("از سرعت کار راضی بود");
  await row.getByRole("button", { name: "ثبت امتیاز" }).click();
  await expect(page.getByTestId("follow-ups-done")).toHaveText("امتیاز ثبت شد.");
  await expect(row).toHaveCount(0);
  const saved = await db.query<{ status: string; score: number; channel: string; comment: string }>(
    "select status, score, channel, comment from satisfaction_surveys where id = $1",
    [surveyId],
  );
  expect(saved.rows[0]).toEqual({ status: "answered", score: 5, channel: "operator_call", comment: "از سرعت کار راضی بود" });
  await clickAndSettle(page.getByRole("link", { name: "درخواست‌های خدمت" }));
  await page.getByRole("search").getByRole("searchbox").fill(job.number);
  await page.getByRole("search").getByRole("button", { name: "فیلتر" }).click();
  await page.getByRole("link", { name: persian(job.number), exact: true }).click();
  await expect(page.getByTestId("follow-up-score")).toHaveText("۵ از ۵");
  await expect(page.getByTestId("follow-up-channel")).toHaveText("تماس اپراتور");
  await expect(page.getByTestId("follow-up")).toContainText("از سرعت کار راضی بود");
});
