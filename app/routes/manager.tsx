import type { LoaderFunctionArgs } from "@remix-run/node";
import { Outlet, useLoaderData } from "@remix-run/react";
import { AppShell } from "~/components/AppShell";
import { requirePermission } from "~/lib/auth.server";
import { managerNav } from "~/lib/nav";

export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = await requirePermission(request, context, "reports:read");
  return { user };
}

export default function ManagerLayout() {
  const { user } = useLoaderData<typeof loader>();
  return (
    <AppShell nav={managerNav(user.role)} user={user}>
      <Outlet />
    </AppShell>
  );
}
