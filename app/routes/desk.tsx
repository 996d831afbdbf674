import type { LoaderFunctionArgs } from "@remix-run/node";
import { Link, Outlet, useLoaderData, useRevalidator } from "@remix-run/react";
import { useCallback, useState } from "react";
import type { DeskEvent } from "../../core/call";
import { can } from "../../core/roles";
import { AppShell } from "~/components/AppShell";
import { CallbackNotice, CallPopup, type CallPhase } from "~/components/CallPopup";
import { requirePermission } from "~/lib/auth.server";
import { formatDigits } from "~/lib/format";
import { useLocale, useT } from "~/lib/i18n";
import { deskNav } from "~/lib/nav";
import { useDeskEvents } from "~/lib/use-desk-events";

export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = await requirePermission(request, context, "desk:use");
  return { user, takesCalls: can(user.role, "calls:take") };
}

/**
 * The call centre's frame. For users who take calls it keeps one live event stream open on every desk
 * page, so a call pops up wherever the operator is (the ticket list, a ticket, the registration form).
 */
export default function DeskLayout() {
  const { user, takesCalls } = useLoaderData<typeof loader>();
  const t = useT();
  const revalidator = useRevalidator();
  const [call, setCall] = useState<{ callId: number; phase: CallPhase } | null>(null);
  const [callbackId, setCallbackId] = useState<number | null>(null);
  const [complaint, setComplaint] = useState<{ ticketId: number; score: number } | null>(null);
  const locale = useLocale();
  const onEvent = useCallback(
    (e: DeskEvent) => {
      switch (e.type) {
        case "call_offered":
          setCall((c) => (c?.callId === e.callId && c.phase === "connected" ? c : { callId: e.callId, phase: "offered" }));
          break;
        case "call_connected":
          setCall({ callId: e.callId, phase: "connected" });
          break;
        case "call_withdrawn":
          setCall((c) => (c?.callId === e.callId && c.phase === "offered" ? { ...c, phase: "withdrawn" } : c));
          break;
        case "call_ended":
          setCall((c) => (c?.callId === e.callId ? { ...c, phase: "ended" } : c));
          break;
        case "callback_assigned":
          setCallbackId(e.callbackId);
          break;
        case "complaint_opened":
          // a supervisor is told of each complaint a low follow-up score opened
          setComplaint({ ticketId: e.ticketId, score: e.score });
          break;
        case "presence":
          // the desk home shows the presence the server holds
          if (revalidator.state === "idle") revalidator.revalidate();
          break;
        default:
          break;
      }
    },
    [revalidator],
  );
  const live = useDeskEvents(takesCalls, onEvent);
  return (
    <AppShell nav={deskNav(user.role)} user={user}>
      {takesCalls ? (
        <p className="live-status muted" data-testid="live-status" data-live={live} role="status">
          <span className={`dot ${live}`} aria-hidden="true" /> {live === "live" ? t("desk.live.connected") : t("desk.live.connecting")}
        </p>
      ) : null}
      {callbackId !== null ? <CallbackNotice key={callbackId} callbackId={callbackId} onClose={() => setCallbackId(null)} /> : null}
      {complaint ? (
        <p className="notice complaint-notice" role="alert" data-testid="complaint-notice" data-ticket-id={complaint.ticketId}>
          {t("desk.complaint.notice", { score: formatDigits(complaint.score, locale) })}{" "}
          <Link to={`/desk/tickets/${complaint.ticketId}`} onClick={() => setComplaint(null)}>
            {t("desk.complaint.open")}
          </Link>{" "}
          <button type="button" className="link-button" onClick={() => setComplaint(null)}>
            {t("desk.complaint.dismiss")}
          </button>
        </p>
      ) : null}
      {call ? <CallPopup key={call.callId} callId={call.callId} phase={call.phase} onClose={() => setCall(null)} /> : null}
      <Outlet />
    </AppShell>
  );
}
