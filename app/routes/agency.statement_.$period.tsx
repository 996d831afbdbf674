import type { LinksFunction, LoaderFunctionArgs } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { isPeriod } from "../../core/ledger";
import { StatementView } from "~/components/ledger/StatementView";
import { translator } from "~/i18n";
import { requirePermission, scopeFor } from "~/lib/auth.server";
import { useT } from "~/lib/i18n";
import { loadStatement } from "~/lib/ledger.server";
import { resolveLocale } from "~/lib/locale.server";
import ledgerStyles from "~/styles/ledger.css";

export const links: LinksFunction = () => [{ rel: "stylesheet", href: ledgerStyles }];

/** One month of the signed-in agency's own statement (read only: settling is the manufacturer's). */
export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const user = await requirePermission(request, context, "agency_portal:statement");
  const scope = scopeFor(user);
  if (scope.kind !== "agency") throw new Response("Forbidden", { status: 403 });
  const period = params.period ?? "";
  if (!isPeriod(period)) throw new Response("Not Found", { status: 404 });
  const statement = await loadStatement(context.db, scope.agencyId, period, translator(await resolveLocale(request, user)));
  if (!statement) throw new Response("Not Found", { status: 404 });
  return statement;
}

export default function AgencyStatementMonth() {
  const d = useLoaderData<typeof loader>();
  const t = useT();
  return (
    <>
      <p className="no-print">
        <Link to="/agency/statement">{t("ledger.backToStatements")}</Link>
      </p>
      <StatementView agency={d.agency} period={d.period} sums={d.sums} rows={d.rows} exportHref={`/agency/statement/${d.period}/export`} ticketBase="/agency/tickets" />
    </>
  );
}
