import { clickAndSettle, expect, test } from "./fixtures";

/**
 * Service areas drawn on the map (issue 14 §5), in Chromium with JavaScript on: the admin opens "add an
 * agency" from the menu, draws an area corner by corner on the map (one corner undone, one dragged), and the
 * saved agency has that polygon and a second one drawn after «محدوده تازه»; a pasted polygon that crosses itself is refused with a Persian message.
 */

test.use({ expectedHttpErrors: [400] });

test("the admin draws an agency's service area on the map, undoes and drags a corner, and saves it", async ({ page, signIn, db }) => {
  const code = `POLY-${Date.now().toString(36).toUpperCase()}`.slice(0, 20);
  await signIn("admin");
  await clickAndSettle(page.getByRole("navigation").getByRole("link", { name: "افزودن نمایندگی", exact: true }));
  const form = page.getByTestId("agency-form");
  await form.getByLabel("کد").fill(code);
  await form.getByLabel("نام نمایندگی").fill("نمایندگی آزمایشی کرج");
  await form.getByLabel("شماره همراه (برای پیامک ارجاع)").fill("09121234567");
  await form.getByLabel("استان", { exact: true }).fill("البرز");
  await form.getByLabel("شهر", { exact: true }).fill("کرج");
  await form.getByLabel("استان‌ها و شهرهای تحت پوشش").fill("البرز/کرج");

  const map = page.getByTestId("agency-map");
  await expect(map.locator(".leaflet-container")).toBeVisible();
  // the centre first (the default mode), then the area's corners
  await map.click({ position: { x: 180, y: 140 } });
  await expect(page.getByTestId("agency-lat")).not.toHaveValue("");
  await page.getByTestId("map-mode-area").check();
  const polygons = page.getByTestId("service-polygons");
  for (const [x, y] of [
    [100, 60],
    [260, 60],
    [300, 300],
  ] as const) {
    await map.click({ position: { x, y: Math.min(y, 250) } });
  }
  await expect(polygons).toHaveValue(/^[^\n]+\n[^\n]+\n[^\n]+$/);
  // the third corner was wrong: undo it, click the right two
  await page.getByRole("button", { name: "حذف آخرین گوشه" }).click();
  await expect(polygons).toHaveValue(/^[^\n]+\n[^\n]+$/);
  await map.click({ position: { x: 260, y: 220 } });
  await map.click({ position: { x: 100, y: 220 } });
  await expect(map.locator(".polygon-vertex")).toHaveCount(4);
  await expect(map.locator("path.leaflet-interactive")).not.toHaveCount(0);
  // drag the first corner a little
  const before = (await polygons.inputValue()).split("\n")[0];
  const handle = map.locator(".polygon-vertex").first();
  const box = (await handle.boundingBox())!;
  await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
  await page.mouse.down();
  await page.mouse.move(box.x + box.width / 2 - 15, box.y + box.height / 2 - 10, { steps: 5 });
  await page.mouse.up();
  await expect.poll(async () => (await polygons.inputValue()).split("\n")[0]).not.toBe(before);
  expect((await polygons.inputValue()).split("\n")).toHaveLength(4);
  // a second area, a triangle beside the first
  await page.getByRole("button", { name: "محدوده تازه" }).click();
  for (const [x, y] of [
    [320, 40],
    [380, 40],
    [380, 100],
  ] as const) {
    await map.click({ position: { x, y } });
  }
  await expect(map.locator(".polygon-vertex")).toHaveCount(7);
  const drawn = await polygons.inputValue();
  expect(drawn.split("\n\n").map((b) => b.split("\n").length)).toEqual([4, 3]);

  await clickAndSettle(form.getByRole("button", { name: "ایجاد نمایندگی" }));
  await page.waitForURL(/\/manager\/agencies\/\d+/);
  await expect(page.getByTestId("agency-admin-done")).toBeVisible();
  const stored = await db.query<{ n: number; area: string }>(
    `select npoints(p.area)::int as n, p.area::text as area from agency_service_polygons p join agencies a on a.id = p.agency_id where a.code = $1`,
    [code],
  );
  expect(stored.rows.map((r) => r.n).sort()).toEqual([3, 4]);
  // the agency page shows it on its map and in the field
  await expect(page.getByTestId("service-polygons")).toHaveValue(drawn);
  await expect(page.getByTestId("agency-map").locator(".polygon-vertex")).toHaveCount(7);

  // a pasted area whose edges cross is refused in words
  await page.getByTestId("service-polygons").fill("35.80, 50.90\n35.90, 51.10\n35.90, 50.90\n35.80, 51.10");
  await page.getByRole("button", { name: "ذخیره تغییرات" }).click();
  await expect(page.getByTestId("agency-form-error")).toContainText("خط‌های محدوده ۱ یکدیگر را قطع می‌کنند");
  const after = await db.query(`select 1 from agency_service_polygons p join agencies a on a.id = p.agency_id where a.code = $1`, [code]);
  expect(after.rowCount).toBe(2);
});
