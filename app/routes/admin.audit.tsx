import type { LoaderFunctionArgs } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { requirePermission } from "~/lib/auth.server";
import { audit } from "~/lib/db.server";
import { formatDateTime } from "~/lib/format";
import { useLocale, useT } from "~/lib/i18n";

export async function loader({ request, context }: LoaderFunctionArgs) {
  await requirePermission(request, context, "audit:read");
  return { rows: await audit.recentAudit(context.db, 100) };
}

export default function AdminAudit() {
  const { rows } = useLoaderData<typeof loader>();
  const t = useT();
  const locale = useLocale();
  return (
    <>
      <h1>{t("admin.audit")}</h1>
      {rows.length === 0 ? (
        <p className="muted">{t("common.noResults")}</p>
      ) : (
        <table className="data">
          <thead>
            <tr>
              <th>{t("admin.at")}</th>
              <th>{t("admin.action")}</th>
              <th>{t("admin.displayName")}</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => (
              <tr key={r.id}>
                <td>{formatDateTime(r.at, locale)}</td>
                <td className="ltr">{r.action}</td>
                <td>{r.actor_name ?? t("actor.system")}</td>
                <td className="ltr">{[r.entity_type, r.entity_id].filter(Boolean).join(" #")}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </>
  );
}
