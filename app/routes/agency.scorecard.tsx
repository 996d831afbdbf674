import type { LoaderFunctionArgs } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { translator } from "~/i18n";
import { ScorecardAgency } from "~/components/ScorecardAgency";
import { requirePermission, scopeFor } from "~/lib/auth.server";
import { useT } from "~/lib/i18n";
import { resolveLocale } from "~/lib/locale.server";
import { agencyData } from "~/lib/scorecards.server";

// The agency's own scorecard (issue 15 §5): the signed-in user's agency only — no URL names another one.
export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = await requirePermission(request, context, "agency_portal:use");
  const scope = scopeFor(user);
  if (scope.kind !== "agency") throw new Response("Forbidden", { status: 403 });
  const locale = await resolveLocale(request, user);
  return agencyData(context.db, scope, scope.agencyId, request, locale, translator(locale), { base: "/agency/scorecard", ticketBase: "/agency/tickets" });
}

export default function AgencyScorecard() {
  const data = useLoaderData<typeof loader>();
  const t = useT();
  return (
    <>
      <h1>{t("scorecard.own")}</h1>
      <p className="muted">{t("scorecard.ownHint")}</p>
      <ScorecardAgency data={data} />
    </>
  );
}
