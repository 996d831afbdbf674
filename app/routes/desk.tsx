import type { LoaderFunctionArgs } from "@remix-run/node";
import { Outlet, useLoaderData } from "@remix-run/react";
import { AppShell } from "~/components/AppShell";
import { requirePermission } from "~/lib/auth.server";
import { deskNav } from "~/lib/nav";

export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = await requirePermission(request, context, "desk:use");
  return { user };
}

export default function DeskLayout() {
  const { user } = useLoaderData<typeof loader>();
  return (
    <AppShell nav={deskNav(user.role)} user={user}>
      <Outlet />
    </AppShell>
  );
}
