import type { LoaderFunctionArgs } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { requirePermission } from "~/lib/auth.server";
import { users } from "~/lib/db.server";
import { formatDate } from "~/lib/format";
import { useLocale, useT } from "~/lib/i18n";

export async function loader({ request, context }: LoaderFunctionArgs) {
  await requirePermission(request, context, "users:manage");
  return { rows: await users.listUsers(context.db) };
}

export default function AdminUsers() {
  const { rows } = useLoaderData<typeof loader>();
  const t = useT();
  const locale = useLocale();
  return (
    <>
      <h1>{t("admin.title")}</h1>
      <h2>{t("admin.users")}</h2>
      <table className="data">
        <thead>
          <tr>
            <th>{t("admin.username")}</th>
            <th>{t("admin.displayName")}</th>
            <th>{t("admin.role")}</th>
            <th>{t("ticket.agency")}</th>
            <th>{t("admin.active")}</th>
            <th>{t("ticket.createdAt")}</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((u) => (
            <tr key={u.id}>
              <td className="ltr">{u.username}</td>
              <td>{u.display_name}</td>
              <td>{t(`role.${u.role}`)}</td>
              <td>{u.agency_name ?? t("common.none")}</td>
              <td>{u.active ? t("common.yes") : t("common.no")}</td>
              <td>{formatDate(u.created_at, locale)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}
