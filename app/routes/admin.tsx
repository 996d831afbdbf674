import type { LoaderFunctionArgs } from "@remix-run/node";
import { Outlet, useLoaderData } from "@remix-run/react";
import { AppShell } from "~/components/AppShell";
import { requirePermission } from "~/lib/auth.server";

export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = await requirePermission(request, context, "users:manage");
  return { user };
}

export default function AdminLayout() {
  const { user } = useLoaderData<typeof loader>();
  return (
    <AppShell
      nav={[
        { to: "/admin", label: "nav.users", end: true },
        { to: "/admin/audit", label: "nav.audit" },
        { to: "/manager", label: "nav.dashboard", end: true },
        { to: "/manager/agencies", label: "nav.agencies" },
      ]}
      user={user}
    >
      <Outlet />
    </AppShell>
  );
}
