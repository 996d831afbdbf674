import type { LoaderFunctionArgs } from "@remix-run/node";
import { Form, Link, useLoaderData } from "@remix-run/react";
import { tehranDay } from "../../core/jalali";
import { formatIranMobile, normalizeIranMobile } from "../../core/phone";
import { searchKey } from "../../core/text";
import { warrantyStatusOn } from "../../core/warranty";
import { requirePermission, scopeFor } from "~/lib/auth.server";
import { warranty } from "~/lib/db.server";
import { formatDate, formatDigits } from "~/lib/format";
import { useLocale, useT } from "~/lib/i18n";
import { readSearchParams } from "~/lib/input.server";

/*
 * The call centre's product search (issue 15 §1): a customer's product by serial number, by the national
 * warranty registry's tracking id, or by the owner's mobile; each opens the product page with its warranty
 * card and history.
 */

export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = await requirePermission(request, context, "customers:read");
  const q = (readSearchParams(request).q ?? "").slice(0, 80);
  const key = searchKey(q).replace(/\s/g, "");
  if (key.length < 3) return { q, tooShort: q.trim().length > 0, rows: [], today: tehranDay(new Date()) };
  const rows = await warranty.searchProducts(context.db, scopeFor(user), { key, mobile: normalizeIranMobile(q) ?? undefined });
  return { q, tooShort: false, rows, today: tehranDay(new Date()) };
}

export default function ProductSearch() {
  const { q, tooShort, rows, today } = useLoaderData<typeof loader>();
  const t = useT();
  const locale = useLocale();
  return (
    <>
      <h1>{t("warrantyCard.search.title")}</h1>
      <Form method="get" className="inline" role="search">
        <label>
          {t("warrantyCard.search.label")}
          <input name="q" defaultValue={q} dir="auto" />
        </label>
        <button type="submit">{t("warrantyCard.search.submit")}</button>
      </Form>
      {tooShort ? <p className="muted">{t("warrantyCard.search.tooShort")}</p> : null}
      {q && !tooShort && rows.length === 0 ? (
        <p className="muted" data-testid="product-search-none">
          {t("warrantyCard.search.none")}
        </p>
      ) : null}
      {rows.length ? (
        <div className="table-scroll">
          <table className="data" data-testid="product-search-results">
            <thead>
              <tr>
                <th>{t("warrantyCard.col.serial")}</th>
                <th>{t("warrantyCard.col.model")}</th>
                <th>{t("warrantyCard.col.customer")}</th>
                <th>{t("warrantyCard.col.warranty")}</th>
                <th>{t("warrantyCard.col.registry")}</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((r) => (
                <tr key={r.id}>
                  <td>
                    <Link to={`/desk/warranty/${r.id}`} className="ltr">
                      {r.serial_number}
                    </Link>
                  </td>
                  <td>{r.model_name}</td>
                  <td>
                    {r.customer_name} <span className="ltr muted">{formatDigits(formatIranMobile(r.customer_mobile), locale)}</span>
                  </td>
                  <td>
                    {r.warranty_expires_on ? formatDate(`${r.warranty_expires_on}T12:00:00Z`, locale) : t("common.none")} ·{" "}
                    {t(`warranty.${warrantyStatusOn(r.warranty_expires_on, today)}`)}
                  </td>
                  <td className="ltr">{r.warranty_registry_id ?? "—"}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
    </>
  );
}
