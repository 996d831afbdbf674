import type { LoaderFunctionArgs } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { DataTable } from "~/components/reports/DataTable";
import { translator } from "~/i18n";
import { requirePermission, scopeFor } from "~/lib/auth.server";
import { claimRows } from "~/lib/claims.server";
import { claims } from "~/lib/db.server";
import { formatDateTime, formatDigits } from "~/lib/format";
import { useLocale, useT } from "~/lib/i18n";
import { resolveLocale } from "~/lib/locale.server";
import { claimListColumns } from "~/lib/reports/claims";

/** The agency's warranty claims, and its completed in-warranty jobs still to claim for. */
export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = await requirePermission(request, context, "claims:file");
  const scope = scopeFor(user);
  if (scope.kind !== "agency") throw new Response("Forbidden", { status: 403 });
  const t = translator(await resolveLocale(request, user));
  const [rows, claimable] = await Promise.all([
    claimRows(context.db, scope, t, "/agency/claims"),
    claims.claimableTickets(context.db, scope.agencyId),
  ]);
  return {
    rows,
    claimable: claimable.map((c) => ({ id: c.id, number: c.number, model: c.model_name, serial: c.serial_number, completedAt: c.completed_at.toISOString() })),
  };
}

export default function AgencyClaims() {
  const { rows, claimable } = useLoaderData<typeof loader>();
  const t = useT();
  const locale = useLocale();
  return (
    <>
      <h1>{t("claims.title")}</h1>
      <p className="muted">{t("claims.agencyHint")}</p>
      <section aria-labelledby="claimable-title">
        <h2 id="claimable-title">{t("claims.claimable")}</h2>
        {claimable.length === 0 ? (
          <p className="muted">{t("claims.noneClaimable")}</p>
        ) : (
          <table className="data" data-testid="claimable">
            <thead>
              <tr>
                <th scope="col">{t("claims.ticket")}</th>
                <th scope="col">{t("claims.product")}</th>
                <th scope="col">{t("claims.completedAt")}</th>
                <th scope="col" />
              </tr>
            </thead>
            <tbody>
              {claimable.map((c) => (
                <tr key={c.id} data-ticket={c.number}>
                  <td>{formatDigits(c.number, locale)}</td>
                  <td>{[c.model, c.serial].filter(Boolean).join(" — ")}</td>
                  <td>{formatDateTime(c.completedAt, locale)}</td>
                  <td>
                    <Link to={`/agency/claims/new?ticket=${c.id}`}>{t("claims.fileFor")}</Link>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
      <DataTable columns={claimListColumns(false)} rows={rows} caption={t("claims.title")} rowKey={(r) => r.id} />
    </>
  );
}
