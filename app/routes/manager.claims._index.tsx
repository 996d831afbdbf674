import type { LoaderFunctionArgs } from "@remix-run/node";
import { Form, useLoaderData } from "@remix-run/react";
import { CLAIM_STATUSES, type ClaimStatus } from "../../core/claims";
import { DataTable } from "~/components/reports/DataTable";
import { translator } from "~/i18n";
import { requirePermission } from "~/lib/auth.server";
import { claimRows } from "~/lib/claims.server";
import { useT } from "~/lib/i18n";
import { readSearchParams } from "~/lib/input.server";
import { resolveLocale } from "~/lib/locale.server";
import { claimListColumns } from "~/lib/reports/claims";

/** Every agency's warranty claims (the manufacturer's side), those awaiting review first by default. */
export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = await requirePermission(request, context, "claims:review");
  const q = readSearchParams(request);
  const status = q.status === undefined ? "submitted" : (CLAIM_STATUSES as readonly string[]).includes(q.status) ? (q.status as ClaimStatus) : null;
  const t = translator(await resolveLocale(request, user));
  return { status, rows: await claimRows(context.db, { kind: "all" }, t, "/manager/claims", { status }) };
}

export default function ManagerClaims() {
  const { status, rows } = useLoaderData<typeof loader>();
  const t = useT();
  return (
    <>
      <h1>{t("claims.title")}</h1>
      <p className="muted">{t("claims.reviewHint")}</p>
      <Form method="get" className="filters">
        <label>
          {t("claims.filter.status")}
          <select name="status" defaultValue={status ?? ""}>
            <option value="">{t("claims.allStatuses")}</option>
            {CLAIM_STATUSES.map((s) => (
              <option key={s} value={s}>
                {t(`claims.state.${s}`)}
              </option>
            ))}
          </select>
        </label>
        <button type="submit">{t("claims.show")}</button>
      </Form>
      <DataTable columns={claimListColumns(true)} rows={rows} caption={t("claims.title")} rowKey={(r) => r.id} />
    </>
  );
}
