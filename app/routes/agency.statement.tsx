import type { LinksFunction, LoaderFunctionArgs } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { DataTable } from "~/components/reports/DataTable";
import { translator } from "~/i18n";
import { requirePermission, scopeFor } from "~/lib/auth.server";
import { fees } from "~/lib/db.server";
import { useT } from "~/lib/i18n";
import { monthRow } from "~/lib/ledger.server";
import { resolveLocale } from "~/lib/locale.server";
import { statementMonthColumns } from "~/lib/reports/ledger";
import ledgerStyles from "~/styles/ledger.css";

export const links: LinksFunction = () => [{ rel: "stylesheet", href: ledgerStyles }];

// Agency admins only: the referral fees owed to the manufacturer are the owner's business, not the staff's.
// The agency is the signed-in user's: no URL names another one.
export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = await requirePermission(request, context, "agency_portal:statement");
  const scope = scopeFor(user);
  if (scope.kind !== "agency") throw new Response("Forbidden", { status: 403 });
  const t = translator(await resolveLocale(request, user));
  const months = await fees.agencyStatements(context.db, scope.agencyId);
  return { lines: months.map((m) => monthRow(m, scope.agencyId, t, `/agency/statement/${m.period}`)) };
}

export default function AgencyStatement() {
  const { lines } = useLoaderData<typeof loader>();
  const t = useT();
  return (
    <>
      <h1>{t("agency.statement")}</h1>
      <p className="muted">{t("ledger.agencyStatementHint")}</p>
      {lines.length === 0 ? (
        <p className="muted">{t("common.noResults")}</p>
      ) : (
        <DataTable columns={statementMonthColumns(false)} rows={lines} rowKey={(r) => r.period} />
      )}
    </>
  );
}
