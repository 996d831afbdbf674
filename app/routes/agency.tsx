import type { LoaderFunctionArgs } from "@remix-run/node";
import { Outlet, useLoaderData } from "@remix-run/react";
import { AppShell } from "~/components/AppShell";
import { requirePermission, scopeFor } from "~/lib/auth.server";
import { agencies } from "~/lib/db.server";
import { agencyNav } from "~/lib/nav";

export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = await requirePermission(request, context, "agency_portal:use");
  const scope = scopeFor(user);
  const agency = scope.kind === "agency" ? await agencies.getAgency(context.db, scope.agencyId) : undefined;
  return { user, agencyName: agency?.name ?? "" };
}

export default function AgencyLayout() {
  const { user, agencyName } = useLoaderData<typeof loader>();
  return (
    <AppShell
      nav={agencyNav(user.role)}
      user={{ ...user, displayName: `${user.displayName} — ${agencyName}` }}
    >
      <Outlet />
    </AppShell>
  );
}
