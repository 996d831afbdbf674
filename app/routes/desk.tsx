import type { LoaderFunctionArgs } from "@remix-run/node";
import { Outlet, useLoaderData } from "@remix-run/react";
import { AppShell } from "~/components/AppShell";
import { can } from "../../core/roles";
import { requirePermission } from "~/lib/auth.server";

export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = await requirePermission(request, context, "desk:use");
  return { user, canReport: can(user.role, "reports:read") };
}

export default function DeskLayout() {
  const { user, canReport } = useLoaderData<typeof loader>();
  const nav = [
    { to: "/desk", label: "nav.desk" as const, end: true },
    { to: "/desk/tickets", label: "nav.tickets" as const },
    ...(canReport ? [{ to: "/manager", label: "nav.dashboard" as const, end: true }] : []),
  ];
  return (
    <AppShell nav={nav} user={user}>
      <Outlet />
    </AppShell>
  );
}
