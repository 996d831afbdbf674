import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { useState } from "react";
import { isAgencyRole, ROLES, type Role } from "../../core/roles";
import { adminUsersAction, loadAdminUsers, type UserActionResult } from "~/lib/user-admin.server";
import { formatDate } from "~/lib/format";
import { useLocale, useT } from "~/lib/i18n";

export async function loader(args: LoaderFunctionArgs) {
  return loadAdminUsers(args);
}

// users:manage — create, set role and agency, disable (sessions end at once), enable, reset password
export async function action(args: ActionFunctionArgs) {
  return adminUsersAction(args);
}

function RoleAgencyFields({ role, agencyId, agencies, prefix }: { role: Role; agencyId: number | null; agencies: { id: number; code: string; name: string }[]; prefix: string }) {
  const t = useT();
  const [current, setCurrent] = useState<Role>(role);
  return (
    <>
      <label>
        {t("admin.role")}
        <select name="role" value={current} onChange={(e) => setCurrent(e.target.value as Role)} data-testid={`${prefix}-role`}>
          {ROLES.map((r) => (
            <option key={r} value={r}>
              {t(`role.${r}`)}
            </option>
          ))}
        </select>
      </label>
      <label>
        {t("ticket.agency")}
        <select name="agencyId" defaultValue={agencyId ?? ""} disabled={!isAgencyRole(current)} data-testid={`${prefix}-agency`}>
          <option value="">{t("common.none")}</option>
          {agencies.map((a) => (
            <option key={a.id} value={a.id}>
              {a.code} — {a.name}
            </option>
          ))}
        </select>
      </label>
    </>
  );
}

export default function AdminUsers() {
  const { rows, agencies, selfId } = useLoaderData<typeof loader>();
  const result = useActionData<UserActionResult>();
  const navigation = useNavigation();
  const t = useT();
  const locale = useLocale();
  const busy = navigation.state === "submitting";
  return (
    <>
      <h1>{t("nav.users")}</h1>
      {result && "done" in result ? (
        <p className="notice ok" role="status" data-testid="user-admin-done">
          {t(`userAdmin.done.${result.done}`, { username: result.username })}
          {result.password ? (
            <>
              {" "}
              {t("userAdmin.generatedPassword")} <code className="ltr" data-testid="generated-password">{result.password}</code>
            </>
          ) : null}
        </p>
      ) : null}
      {result && "error" in result ? (
        <p className="error" role="alert" data-testid="user-admin-error">
          {t(result.error)}
        </p>
      ) : null}
      <details open={result && "error" in result && result.intent === "create"}>
        <summary>{t("userAdmin.create")}</summary>
        <Form method="post" className="user-create" data-testid="user-create">
          <input type="hidden" name="intent" value="create" />
          <label>
            {t("admin.username")}
            <input name="username" required className="ltr" maxLength={40} autoComplete="off" />
          </label>
          <label>
            {t("admin.displayName")}
            <input name="displayName" required maxLength={100} />
          </label>
          <RoleAgencyFields role="operator" agencyId={null} agencies={agencies} prefix="create" />
          <label>
            {t("userAdmin.password")}
            <input name="password" type="password" required minLength={8} maxLength={200} autoComplete="new-password" />
          </label>
          <button type="submit" disabled={busy}>
            {t("userAdmin.createSubmit")}
          </button>
        </Form>
      </details>
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
            <th>{t("userAdmin.actions")}</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((u) => (
            <tr key={u.id} data-username={u.username}>
              <td className="ltr">{u.username}</td>
              <td>{u.display_name}</td>
              <td>{t(`role.${u.role}`)}</td>
              <td>{u.agency_name ?? t("common.none")}</td>
              <td>{u.active ? t("common.yes") : t("common.no")}</td>
              <td>{formatDate(u.created_at, locale)}</td>
              <td>
                {u.id === selfId ? (
                  <span className="muted">{t("userAdmin.self")}</span>
                ) : (
                  <details>
                    <summary>{t("userAdmin.manage")}</summary>
                    <Form method="post" className="inline-form">
                      <input type="hidden" name="userId" value={u.id} />
                      <button type="submit" name="intent" value={u.active ? "disable" : "enable"} disabled={busy} data-testid={`toggle-${u.username}`}>
                        {u.active ? t("userAdmin.disable") : t("userAdmin.enable")}
                      </button>
                    </Form>
                    <Form method="post" className="inline-form">
                      <input type="hidden" name="intent" value="role" />
                      <input type="hidden" name="userId" value={u.id} />
                      <RoleAgencyFields role={u.role} agencyId={u.agency_id} agencies={agencies} prefix={`role-${u.username}`} />
                      <button type="submit" disabled={busy}>
                        {t("userAdmin.saveRole")}
                      </button>
                    </Form>
                    <Form method="post" className="inline-form">
                      <input type="hidden" name="intent" value="password" />
                      <input type="hidden" name="userId" value={u.id} />
                      <label>
                        {t("userAdmin.newPassword")}
                        <input name="password" type="password" minLength={8} maxLength={200} autoComplete="new-password" />
                      </label>
                      <button type="submit" disabled={busy}>
                        {t("userAdmin.resetPassword")}
                      </button>
                    </Form>
                  </details>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}
