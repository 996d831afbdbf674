import type { LoaderFunctionArgs } from "@remix-run/node";
import { Outlet, useLoaderData } from "@remix-run/react";
import { AppShell } from "~/components/AppShell";
import { requirePermission } from "~/lib/auth.server";
import { adminNav } from "~/lib/nav";

export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = await requirePermission(request, context, "users:manage");
  return { user };
}

export default function AdminLayout() {
  const { user } = useLoaderData<typeof loader>();
  return (
    <AppShell nav={adminNav(user.role)} user={user}>
      <Outlet />
    </AppShell>
  );
}
