import type { SerializeFrom } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import type { loadDispatchQueue } from "~/lib/dispatch.server";
import { formatDateTime, formatDigits } from "~/lib/format";
import { useLocale, useT } from "~/lib/i18n";
import type { MessageKey, Translate } from "~/i18n";
import { StatusBadge } from "./TicketViews";

type Data = SerializeFrom<Awaited<ReturnType<typeof loadDispatchQueue>>>;

/** How long a ticket has waited, in words: minutes, hours and minutes, or days and hours. */
export function waited(t: Translate, fromIso: string, now: number): string {
  const minutes = Math.max(0, Math.floor((now - new Date(fromIso).getTime()) / 60_000));
  if (minutes < 60) return t("dispatch.wait.minutes", { m: minutes });
  const hours = Math.floor(minutes / 60);
  if (hours < 24) return t("dispatch.wait.hours", { h: hours, m: minutes % 60 });
  return t("dispatch.wait.days", { d: Math.floor(hours / 24), h: hours % 24 });
}

/**
 * The supervisor queue: tickets the dispatch engine could offer to no agency, oldest first, with the
 * reason and how long each has waited, each linking to its ticket page (where the panel reassigns it).
 */
export function DispatchQueuePage({ ticketBase }: { ticketBase: string }) {
  const { rows, now } = useLoaderData() as unknown as Data;
  const t = useT();
  const locale = useLocale();
  return (
    <>
      <h1>{t("dispatch.queue.title")}</h1>
      <p className="muted">{t("dispatch.queue.intro")}</p>
      {rows.length === 0 ? (
        <p data-testid="dispatch-queue-empty">{t("dispatch.queue.empty")}</p>
      ) : (
        <table className="data" data-testid="dispatch-queue">
          <thead>
            <tr>
              <th>{t("dispatch.queue.ticket")}</th>
              <th>{t("dispatch.queue.reason")}</th>
              <th>{t("dispatch.queue.waiting")}</th>
              <th>{t("dispatch.queue.heldAt")}</th>
              <th>{t("dispatch.queue.place")}</th>
              <th>{t("dispatch.queue.product")}</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => (
              <tr key={r.id} data-ticket={r.id}>
                <td>
                  <Link to={`${ticketBase}/${r.id}#dispatch`}>{formatDigits(r.number, locale)}</Link> <StatusBadge status={r.status} />
                </td>
                <td>{r.dispatch_hold_reason ? t(`dispatch.hold.${r.dispatch_hold_reason}` as MessageKey) : ""}</td>
                <td>{r.dispatch_held_at ? waited(t, r.dispatch_held_at, now) : ""}</td>
                <td>{formatDateTime(r.dispatch_held_at, locale)}</td>
                <td>{[r.province, r.city].filter(Boolean).join("، ")}</td>
                <td>{[locale === "fa" ? r.brand_fa : r.brand_en, locale === "fa" ? r.category_fa : r.category_en].filter(Boolean).join(" · ")}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </>
  );
}
