import type { LoaderFunctionArgs } from "@remix-run/node";
import { StatCard } from "~/components/StatCard";
import { useLoaderData } from "@remix-run/react";
import { TicketTable } from "~/components/TicketViews";
import { startOfTehranDay } from "../../core/jalali";
import { UNRESOLVED_STATUSES } from "../../core/ticket";
import { requirePermission } from "~/lib/auth.server";
import { dashboard, tickets } from "~/lib/db.server";
import { formatNumber } from "~/lib/format";
import { useLocale, useT } from "~/lib/i18n";

export async function loader({ request, context }: LoaderFunctionArgs) {
  await requirePermission(request, context, "desk:use");
  const scope = { kind: "all" } as const;
  const [byStatus, recent, calls] = await Promise.all([
    tickets.countTicketsByStatus(context.db, scope),
    tickets.listTickets(context.db, scope, { pageSize: 10 }),
    dashboard.callStats(context.db, startOfTehranDay(new Date())),
  ]);
  const open = UNRESOLVED_STATUSES.reduce((sum, s) => sum + (byStatus[s] ?? 0), 0);
  return { open, waitingDispatch: (byStatus.new ?? 0) + (byStatus.dispatching ?? 0), callsToday: calls.answered + calls.missed, recent: recent.rows, now: Date.now() };
}

export default function DeskHome() {
  const data = useLoaderData<typeof loader>();
  const t = useT();
  const locale = useLocale();
  return (
    <>
      <h1>{t("desk.title")}</h1>
      <div className="cards">
        <StatCard label={t("desk.openTickets")} value={formatNumber(data.open, locale)} />
        <StatCard label={t("desk.waitingDispatch")} value={formatNumber(data.waitingDispatch, locale)} />
        <StatCard label={t("desk.todayCalls")} value={formatNumber(data.callsToday, locale)} />
      </div>
      <h2>{t("desk.recentTickets")}</h2>
      <TicketTable rows={data.recent} linkBase="/desk/tickets" now={data.now} />
    </>
  );
}
