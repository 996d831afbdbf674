import { deflateSync } from "node:zlib";
import { toPersianDigits } from "../../core/digits";
import { expect, test, waitForHydration } from "./fixtures";

/*
 * Issue 13, sections 3 and 4 in Chromium with JavaScript on, by clicking: agency1 gives its accepted job a
 * technician and a visit window on its job page; the technician's SMS shows up in the simulated inbox
 * (/dev/sms) with the job link; the link opens on a 360 px phone; on the way → arrived → done with the short
 * completion form; the page shows the job done, and the agency's job page shows the completion report. A
 * tampered link shows the clear "not valid" page.
 *
 * The accepted job is written with SQL (the dispatch and acceptance are other parts of the issue): a new
 * ticket assigned to THR-001 with its accepted offer, and a technician of THR-001 with a phone of its own.
 */

/** A real 8×8 PNG (zlib-compressed rows, CRCs), made here so the test needs no file of its own. */
function smallPng(): Buffer {
  const crcTable = Array.from({ length: 256 }, (_, n) => {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    return c >>> 0;
  });
  const crc = (b: Buffer) => {
    let c = 0xffffffff;
    for (const x of b) c = crcTable[(c ^ x) & 0xff]! ^ (c >>> 8);
    return (c ^ 0xffffffff) >>> 0;
  };
  const chunk = (type: string, data: Buffer) => {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(data.length);
    const body = Buffer.concat([Buffer.from(type, "ascii"), data]);
    const sum = Buffer.alloc(4);
    sum.writeUInt32BE(crc(body));
    return Buffer.concat([len, body, sum]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(8, 0);
  ihdr.writeUInt32BE(8, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 2; // RGB
  const rows = Buffer.concat(Array.from({ length: 8 }, () => Buffer.concat([Buffer.from([0]), Buffer.from(Array.from({ length: 8 }, () => [20, 160, 90]).flat())])));
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk("IHDR", ihdr),
    chunk("IDAT", deflateSync(rows)),
    chunk("IEND", Buffer.alloc(0)),
  ]);
}

/** Every image in the locator loaded and decoded (a broken one has naturalWidth 0). */
async function imagesLoaded(locator: import("@playwright/test").Locator): Promise<boolean> {
  return locator.evaluateAll((imgs) => imgs.length > 0 && imgs.every((i) => (i as HTMLImageElement).complete && (i as HTMLImageElement).naturalWidth > 0));
}

interface Job {
  ticketId: number;
  number: number;
  technicianName: string;
  /** the technician's mobile as the simulator lists it (0912…) */
  technicianPhone: string;
}

/** As agency1 on the job page: the technician and tomorrow 10–12; then the job link from the technician's inbox. */
async function assignAndFetchLink(page: import("@playwright/test").Page, job: Job): Promise<string> {
  await page.goto(`/agency/tickets/${job.ticketId}`);
  const form = page.getByTestId("assign-form");
  await form.getByLabel("تکنسین").selectOption({ label: job.technicianName });
  await form.getByLabel("روز مراجعه").fill(tomorrowInTehran());
  await form.getByLabel("از ساعت").fill("10:00");
  await form.getByLabel("تا ساعت").fill("12:00");
  await form.getByRole("button", { name: "ثبت و ارسال پیامک" }).click();
  await expect(page.getByTestId("job-flash")).toContainText("تکنسین و زمان مراجعه ثبت شد");
  const message = page.getByTestId("sim-message").filter({ hasText: toPersianDigits(job.number) });
  // without JavaScript the inbox does not refresh itself: ask again until the worker has sent it
  await expect(async () => {
    await page.goto(`/dev/sms?number=${job.technicianPhone}`);
    await expect(message).toBeVisible({ timeout: 1000 });
  }).toPass({ timeout: 20_000 });
  return (await message.getByRole("link").getAttribute("href"))!;
}

async function acceptedJob(db: import("pg").Client): Promise<Job> {
  const suffix = String(Date.now() % 10_000_000).padStart(7, "0");
  const technicianName = `کامران تکنسین ${toPersianDigits(suffix.slice(-3))}`;
  const agency = await db.query<{ id: string }>("select id from agencies where code = 'THR-001'");
  const agencyId = agency.rows[0]!.id;
  await db.query("insert into technicians (agency_id, full_name, mobile) values ($1, $2, $3)", [agencyId, technicianName, `+98935${suffix}`]);
  const customer = await db.query<{ id: string }>("insert into customers (full_name, mobile) values ($1, $2) returning id", ["نسرین کریمی", `+98936${suffix}`]);
  const ticket = await db.query<{ id: string; number: string }>(
    `insert into tickets (type, channel, customer_id, warranty_status, status, assigned_agency_id, problem_description, province, city, address_text, lat, lng)
     values ('breakdown', 'phone', $1, 'in_warranty', 'assigned', $2, 'کولر گازی باد گرم می‌زند', 'تهران', 'تهران', 'خیابان شریعتی، کوچه یاس، پلاک ۷', 35.75, 51.44)
     returning id, number`,
    [customer.rows[0]!.id, agencyId],
  );
  const ticketId = Number(ticket.rows[0]!.id);
  await db.query(
    `insert into dispatch_offers (ticket_id, agency_id, status, offered_at, deadline_at, responded_at)
     values ($1, $2, 'accepted', now() - interval '1 hour', now() - interval '30 minutes', now() - interval '50 minutes')`,
    [ticketId, agencyId],
  );
  return { ticketId, number: Number(ticket.rows[0]!.number), technicianName, technicianPhone: `0935${suffix}` };
}

/** Tomorrow in Tehran as YYYY-MM-DD (what a date picker would send; Jalali works as well). */
function tomorrowInTehran(): string {
  return new Intl.DateTimeFormat("en-CA", { timeZone: "Asia/Tehran" }).format(new Date(Date.now() + 24 * 3600_000));
}

test.describe("the technician's job link", () => {
  // the report refused on purpose (no work described) answers 400
  test.use({ expectedHttpErrors: [400] });

  test("agency assigns → the technician's SMS carries the link → on the way, arrived, done on a phone", async ({ page, signIn, db }) => {
    const job = await acceptedJob(db);
    await signIn("agency1");
    await page.goto(`/agency/tickets/${job.ticketId}`);
    await waitForHydration(page);
    const form = page.getByTestId("assign-form");
    await form.getByLabel("تکنسین").selectOption({ label: job.technicianName });
    await form.getByLabel("روز مراجعه").fill(tomorrowInTehran());
    await form.getByLabel("از ساعت").fill("10:00");
    await form.getByLabel("تا ساعت").fill("12:00");
    await form.getByRole("button", { name: "ثبت و ارسال پیامک" }).click();
    await expect(page.getByTestId("job-flash")).toContainText("تکنسین و زمان مراجعه ثبت شد");
    await expect(page.locator("h1")).toContainText("زمان مراجعه تعیین‌شده");

    // the technician's SMS in the simulated inbox, with the job link
    await page.goto("/dev/sms");
    await waitForHydration(page);
    const phone = page.locator(`[data-testid=sim-phone][data-number="${job.technicianPhone}"]`);
    await expect(phone).toBeVisible({ timeout: 20_000 });
    await phone.click();
    const message = page.getByTestId("sim-message").filter({ hasText: toPersianDigits(job.number) });
    await expect(message).toBeVisible({ timeout: 20_000 });
    const link = message.getByRole("link");
    await expect(link).toHaveAttribute("href", /\/j\/[A-Za-z0-9_-]{43}$/);
    const href = (await link.getAttribute("href"))!;

    // the technician's phone
    await page.setViewportSize({ width: 360, height: 740 });
    await page.goto(href);
    await waitForHydration(page);
    await expect(page.getByRole("heading", { level: 1 })).toContainText(toPersianDigits(job.number));
    await expect(page.locator("main")).toContainText("نسرین کریمی");
    await expect(page.locator("main")).toContainText("کولر گازی باد گرم می‌زند");
    await expect(page.getByTestId("job-call")).toHaveAttribute("href", /^tel:\+98936\d{7}$/);
    await expect(page.getByTestId("job-navigate")).toHaveAttribute("href", /destination=35\.75,51\.44/);
    // nothing wider than the phone
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);

    await page.getByRole("button", { name: "در راه هستم" }).click();
    await expect(page.getByTestId("job-done")).toHaveText("ثبت شد: در راه هستید.");
    await page.getByRole("button", { name: "رسیدم، کار را شروع کردم" }).click();
    await expect(page.getByTestId("job-done")).toHaveText("ثبت شد: رسیدید و کار شروع شد.");
    await expect(page.getByTestId("job-status")).toHaveText("در حال انجام");

    const done = page.getByTestId("job-done-form");
    // a report without the work done is refused with a clear message, and nothing typed is lost
    await done.getByLabel("نام قطعه ۱").fill("خازن کمپرسور");
    await done.getByLabel("کار انجام‌شده").fill(" ");
    await done.getByRole("button", { name: "ثبت پایان کار" }).click();
    await expect(done.getByRole("alert")).toHaveText("کار انجام‌شده را بنویسید.");
    await expect(done.getByLabel("نام قطعه ۱")).toHaveValue("خازن کمپرسور");
    await done.getByLabel("کار انجام‌شده").fill("تعویض خازن و شارژ گاز");
    await done.getByLabel("سریال قطعه ۱").fill("CAP-45-0091");
    // a file that only calls itself a photo is refused by its bytes, and the form keeps what was typed
    await done.getByTestId("job-photos").setInputFiles({ name: "photo.png", mimeType: "image/png", buffer: Buffer.from("not really a picture") });
    await done.getByRole("button", { name: "ثبت پایان کار" }).click();
    await expect(done.getByRole("alert")).toContainText("فقط عکس با قالب JPEG، PNG یا WebP پذیرفته می‌شود");
    await expect(done.getByLabel("کار انجام‌شده")).toHaveValue("تعویض خازن و شارژ گاز");
    await expect(done.getByLabel("سریال قطعه ۱")).toHaveValue("CAP-45-0091");
    // a real photo of the repaired unit
    await done.getByTestId("job-photos").setInputFiles({ name: "repaired.png", mimeType: "image/png", buffer: smallPng() });
    await done.getByRole("button", { name: "ثبت پایان کار" }).click();
    await expect(page.getByTestId("job-done")).toHaveText("پایان کار ثبت شد. خسته نباشید!");
    // the page shows the photo it sent
    const sent = page.getByTestId("photo-thumbs").locator("img");
    await expect(sent).toHaveCount(1);
    await expect.poll(() => imagesLoaded(sent)).toBe(true);
    await expect(page.getByTestId("job-status")).toHaveText("انجام‌شده");
    await expect(page.getByTestId("job-presses").locator("li")).toHaveCount(3);
    await expect(page.getByRole("button", { name: "ثبت پایان کار" })).toHaveCount(0);

    // the agency's job page shows the report
    await page.setViewportSize({ width: 1280, height: 800 });
    await page.goto(`/agency/tickets/${job.ticketId}`);
    await waitForHydration(page);
    const report = page.getByTestId("completion-report");
    await expect(report).toContainText("تعویض خازن و شارژ گاز");
    await expect(report).toContainText("CAP-45-0091");
    const thumbs = report.getByTestId("photo-thumbs").locator("img");
    await expect(thumbs).toHaveCount(1);
    await expect.poll(() => imagesLoaded(thumbs)).toBe(true);
    await expect(thumbs.first()).toHaveAttribute("src", /^\/photos\/\d+$/);
    const stored = await db.query<{ content_type: string; source: string }>("select content_type, source from completion_photos where ticket_id = $1", [job.ticketId]);
    expect(stored.rows).toEqual([{ content_type: "image/png", source: "link" }]);
    const history = await db.query<{ event_type: string }>("select event_type from ticket_events where ticket_id = $1 order by id", [job.ticketId]);
    expect(history.rows.map((r) => r.event_type)).toEqual(
      expect.arrayContaining(["technician_assigned", "technician_update", "job_report"]),
    );
  });
});

test.describe("a tampered job link", () => {
  test.use({ expectedHttpErrors: [404] });

  test("shows the clear page, the same as any unknown link", async ({ page }) => {
    await page.setViewportSize({ width: 360, height: 740 });
    await page.goto(`/j/${"x".repeat(40)}abc`);
    await waitForHydration(page);
    await expect(page.getByRole("heading", { level: 1 })).toHaveText("این پیوند معتبر نیست");
    await expect(page.getByTestId("job-refused")).toContainText("آن را کامل و بدون تغییر از پیامک باز کنید");
    await expect(page.locator("main")).not.toContainText("مشتری");
  });
});

test.describe("the job link without JavaScript", () => {
  test.use({ javaScriptEnabled: false });

  test("the agency's form and the technician's buttons work as plain forms", async ({ page, signIn, db }) => {
    const job = await acceptedJob(db);
    await signIn("agency1");
    const href = await assignAndFetchLink(page, job);
    await page.setViewportSize({ width: 360, height: 740 });
    await page.goto(href);
    await page.getByRole("button", { name: "در راه هستم" }).click();
    await expect(page.getByTestId("job-done")).toHaveText("ثبت شد: در راه هستید.");
    await page.getByRole("button", { name: "رسیدم، کار را شروع کردم" }).click();
    await expect(page.getByTestId("job-status")).toHaveText("در حال انجام");
    const done = page.getByTestId("job-done-form");
    await done.getByLabel("کار انجام‌شده").fill("تعویض برد");
    await done.getByTestId("job-photos").setInputFiles({ name: "board.png", mimeType: "image/png", buffer: smallPng() });
    await done.getByRole("button", { name: "ثبت پایان کار" }).click();
    await expect(page.getByTestId("job-status")).toHaveText("انجام‌شده");
    await expect(page.getByTestId("photo-thumbs").locator("img")).toHaveCount(1);
  });
});

test.describe("cannot repair", () => {
  test("the technician's reason reaches the manager home as an alert with the agency", async ({ page, signIn, db }) => {
    const job = await acceptedJob(db);
    await signIn("agency1");
    const href = await assignAndFetchLink(page, job);
    await page.setViewportSize({ width: 360, height: 740 });
    await page.goto(href);
    await waitForHydration(page);
    await page.getByText("تعمیر ممکن نیست").click();
    await page.getByLabel("علت").fill("کمپرسور سوخته و مدلش دیگر تولید نمی‌شود");
    await page.getByRole("button", { name: "ثبت علت" }).click();
    await expect(page.getByTestId("job-done")).toContainText("ثبت شد: تعمیر ممکن نیست");

    await page.context().clearCookies();
    await page.setViewportSize({ width: 1280, height: 800 });
    await signIn("manager");
    await page.goto("/manager");
    await waitForHydration(page);
    const row = page.locator("tr", { has: page.getByRole("link", { name: toPersianDigits(job.number), exact: true }) });
    await expect(row).toBeVisible();
    await expect(row).toContainText("تعمیر ممکن نشد");
    await expect(row.getByTestId("alert-detail")).toContainText("کمپرسور سوخته و مدلش دیگر تولید نمی‌شود");
    await expect(row.getByTestId("alert-detail")).toContainText("نمایندگی");
  });
});
