import type { LoaderFunctionArgs } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { ScorecardAgency } from "~/components/ScorecardAgency";
import { agencies } from "~/lib/db.server";
import { formatDigits } from "~/lib/format";
import { useLocale, useT } from "~/lib/i18n";
import { agencyData, agencyIdParam } from "~/lib/scorecards.server";
import { reportUser } from "~/lib/voice.server";

/** The manager's drill-down: one agency's scorecard months, and a month's first-time fix by technician and its jobs. */
export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const { scope, locale, t } = await reportUser(request, context);
  const agencyId = agencyIdParam(params.agencyId);
  const agency = agencyId === null ? undefined : await agencies.getAgency(context.db, agencyId);
  if (!agency || agencyId === null) throw new Response(t("scorecard.noAgency"), { status: 404 });
  const data = await agencyData(context.db, scope, agencyId, request, locale, t, { base: `/manager/scorecards/agencies/${agencyId}`, ticketBase: "/manager/tickets" });
  return { agency: { id: agency.id, code: agency.code, name: agency.name }, data };
}

export default function ManagerScorecardAgency() {
  const { agency, data } = useLoaderData<typeof loader>();
  const t = useT();
  const locale = useLocale();
  return (
    <>
      <p>
        <Link to={`/manager/scorecards?period=${data.period}`}>{t("scorecard.back")}</Link>
      </p>
      <h1>
        {t("scorecard.ofAgency", { name: agency.name })} <span className="muted">({formatDigits(agency.code, locale)})</span>
      </h1>
      <ScorecardAgency data={data} />
    </>
  );
}
