import type { LoaderFunctionArgs } from "@remix-run/node";
import { Outlet, useLoaderData } from "@remix-run/react";
import { AppShell } from "~/components/AppShell";
import { can } from "../../core/roles";
import { requirePermission } from "~/lib/auth.server";

export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = await requirePermission(request, context, "reports:read");
  return { user, isDesk: can(user.role, "desk:use"), isAdmin: can(user.role, "users:manage") };
}

export default function ManagerLayout() {
  const { user, isDesk, isAdmin } = useLoaderData<typeof loader>();
  const nav = [
    { to: "/manager", label: "nav.dashboard" as const, end: true },
    { to: "/manager/tickets", label: "nav.tickets" as const },
    { to: "/manager/agencies", label: "nav.agencies" as const },
    { to: "/manager/fees", label: "nav.fees" as const },
    ...(isDesk ? [{ to: "/desk", label: "nav.desk" as const, end: true }] : []),
    ...(isAdmin ? [{ to: "/admin", label: "nav.admin" as const, end: true }] : []),
  ];
  return (
    <AppShell nav={nav} user={user}>
      <Outlet />
    </AppShell>
  );
}
