import type { LoaderFunctionArgs } from "@remix-run/node";
import { Outlet, useLoaderData } from "@remix-run/react";
import { AppShell } from "~/components/AppShell";
import { can } from "../../core/roles";
import { requirePermission, scopeFor } from "~/lib/auth.server";
import { agencies } from "~/lib/db.server";

export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = await requirePermission(request, context, "agency_portal:use");
  const scope = scopeFor(user);
  const agency = scope.kind === "agency" ? await agencies.getAgency(context.db, scope.agencyId) : undefined;
  return { user, agencyName: agency?.name ?? "", canStatement: can(user.role, "agency_portal:statement") };
}

export default function AgencyLayout() {
  const { user, agencyName, canStatement } = useLoaderData<typeof loader>();
  return (
    <AppShell
      nav={[
        { to: "/agency", label: "nav.agencyPortal", end: true },
        { to: "/agency/tickets", label: "nav.agencyJobs" },
        ...(canStatement ? [{ to: "/agency/statement", label: "agency.statement" as const }] : []),
      ]}
      user={{ ...user, displayName: `${user.displayName} — ${agencyName}` }}
    >
      <Outlet />
    </AppShell>
  );
}
