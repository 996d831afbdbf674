import { expect } from "@playwright/test";
import { toPersianDigits } from "../../core/digits";
import { test } from "./fixtures";

// The desk's ticket search in a browser: Persian digits and Arabic letters find what Latin digits and
// Persian letters find; a search over the limit says so instead of listing every ticket.
test("ticket search understands Persian digits and Arabic letters, and refuses an over-long search", async ({ page, signIn, db }) => {
  const { rows } = await db.query<{ number: string; full_name: string }>(
    `select t.number, c.full_name from tickets t join customers c on c.id = t.customer_id
     where c.full_name ~ '[یک]' order by t.id limit 1`,
  );
  const ticket = rows[0]!;
  await signIn("operator");
  await page.goto("/desk/tickets");
  const search = page.getByRole("searchbox");
  const table = page.locator("table.data");

  await search.fill(toPersianDigits(ticket.number));
  await search.press("Enter");
  await expect(table.locator("tbody tr")).toHaveCount(1);
  await expect(table.getByRole("link", { name: toPersianDigits(ticket.number) })).toBeVisible();

  await search.fill(ticket.full_name.replace(/ی/g, "ي").replace(/ک/g, "ك"));
  await search.press("Enter");
  await expect(table.locator("tbody tr").first()).toContainText(ticket.full_name);

  await search.fill("ب".repeat(101));
  await search.press("Enter");
  await expect(page.getByRole("alert")).toContainText("متن جستجو بیش از حد طولانی است");
  await expect(table).toHaveCount(0);
});
