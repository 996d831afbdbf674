import type { LoaderFunctionArgs } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { requirePermission, scopeFor } from "~/lib/auth.server";
import { fees } from "~/lib/db.server";
import { formatDigits, formatNumber, formatRials } from "~/lib/format";
import { useLocale, useT } from "~/lib/i18n";

// Agency admins only: the referral fees owed to the manufacturer are the owner's business, not the staff's.
export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = await requirePermission(request, context, "agency_portal:statement");
  const scope = scopeFor(user);
  if (scope.kind !== "agency") throw new Response("Forbidden", { status: 403 });
  return { lines: await fees.agencyStatements(context.db, scope.agencyId) };
}

export default function AgencyStatement() {
  const { lines } = useLoaderData<typeof loader>();
  const t = useT();
  const locale = useLocale();
  return (
    <>
      <h1>{t("agency.statement")}</h1>
      {lines.length === 0 ? (
        <p className="muted">{t("common.noResults")}</p>
      ) : (
        <table className="data">
          <thead>
            <tr>
              <th>{t("fees.period")}</th>
              <th>{t("agencies.openJobs")}</th>
              <th>{t("fees.invoice")}</th>
              <th>{t("fees.fee")}</th>
              <th>{t("manager.feesUnsettled")}</th>
            </tr>
          </thead>
          <tbody>
            {lines.map((l) => (
              <tr key={l.period}>
                <td>{formatDigits(l.period.replace("-", "/"), locale)}</td>
                <td>{formatNumber(Number(l.jobs), locale)}</td>
                <td>{formatRials(Number(l.invoices), locale)}</td>
                <td>{formatRials(Number(l.fees), locale)}</td>
                <td>{formatRials(l.balance, locale)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </>
  );
}
