import { Link } from "@remix-run/react";
import { formatDate, formatDateTime, formatDigits, formatNumber, formatRials } from "~/lib/format";
import { useLocale, useT } from "~/lib/i18n";
import type { Locale, MessageKey, Translate } from "~/i18n";

export interface ClaimLineView {
  id: number;
  kind: "labour" | "travel" | "part";
  part_code: string | null;
  description: string;
  quantity: number;
  unit_rials: number;
  amount_rials: number;
  serialized: boolean;
  defective_serial: string | null;
  approved_rials: number | null;
  decision_reason: string | null;
  returned_serial: string | null;
  returned_at: string | Date | null;
}

export interface ClaimViewData {
  id: number;
  ticket_id: number;
  ticket_number: number;
  agency_code: string;
  agency_name: string;
  service_type: "repair" | "installation" | "inspection";
  status: "draft" | "submitted" | "approved" | "partly_approved" | "rejected" | "paid";
  distance_km: number | null;
  claimed_rials: number;
  approved_rials: number | null;
  decision_reason: string | null;
  created_at: string | Date;
  submitted_at: string | Date | null;
  decided_at: string | Date | null;
  paid_at: string | Date | null;
  created_by_name: string | null;
  decided_by_name: string | null;
  lines: ClaimLineView[];
}

/** A line's description in the reader's language: the service type, the travel band, or the part's name and code. */
export function lineText(l: ClaimLineView, t: Translate, locale: Locale): string {
  if (l.kind === "labour") return `${t("claims.line.labour")} — ${t(`claims.service.${l.description}` as MessageKey)}`;
  if (l.kind === "travel") return `${t("claims.line.travel")} — ${t("claims.travelBand", { km: formatDigits(l.description, locale) })}`;
  return `${l.description}${l.part_code ? ` (${l.part_code})` : ""}`;
}

/** One warranty claim: who, which job, its status, what each line claimed and was granted, its defective returns. */
export function ClaimView({ claim, ticketHref }: { claim: ClaimViewData; ticketHref: string }) {
  const t = useT();
  const locale = useLocale();
  const decided = claim.decided_at !== null;
  return (
    <section aria-labelledby="claim-title">
      <h1 id="claim-title">{t("claims.claimNo", { id: formatDigits(claim.id, locale) })}</h1>
      <dl className="claim-facts">
        <dt>{t("claims.status")}</dt>
        <dd data-testid="claim-status">{t(`claims.state.${claim.status}`)}</dd>
        <dt>{t("claims.agency")}</dt>
        <dd>{`${claim.agency_name} (${claim.agency_code})`}</dd>
        <dt>{t("claims.ticket")}</dt>
        <dd>
          <Link to={ticketHref}>{formatDigits(claim.ticket_number, locale)}</Link>
        </dd>
        <dt>{t("claims.serviceType")}</dt>
        <dd>{t(`claims.service.${claim.service_type}`)}</dd>
        <dt>{t("claims.distance")}</dt>
        <dd>{claim.distance_km === null ? t("claims.distanceUnknown") : t("claims.distanceKm", { km: formatNumber(claim.distance_km, locale) })}</dd>
        <dt>{t("claims.claimed")}</dt>
        <dd data-testid="claim-claimed">{formatRials(claim.claimed_rials, locale)}</dd>
        {decided && (
          <>
            <dt>{t("claims.approved")}</dt>
            <dd data-testid="claim-approved">{formatRials(claim.approved_rials ?? 0, locale)}</dd>
            <dt>{t("claims.decidedAt")}</dt>
            <dd>
              {formatDateTime(claim.decided_at, locale)}
              {claim.decided_by_name ? ` — ${claim.decided_by_name}` : ""}
            </dd>
          </>
        )}
        {claim.decision_reason && (
          <>
            <dt>{t("claims.decisionReason")}</dt>
            <dd data-testid="claim-reason">{claim.decision_reason}</dd>
          </>
        )}
        <dt>{t("claims.createdAt")}</dt>
        <dd>
          {formatDateTime(claim.created_at, locale)}
          {claim.created_by_name ? ` — ${claim.created_by_name}` : ""}
        </dd>
      </dl>
      <table className="data claim-lines" data-testid="claim-lines">
        <caption>{t("claims.lines")}</caption>
        <thead>
          <tr>
            <th scope="col">{t("claims.description")}</th>
            <th scope="col">{t("claims.quantity")}</th>
            <th scope="col">{t("claims.unit")}</th>
            <th scope="col">{t("claims.amount")}</th>
            {decided && <th scope="col">{t("claims.approved")}</th>}
            {decided && <th scope="col">{t("claims.lineReason")}</th>}
            <th scope="col">{t("claims.return")}</th>
          </tr>
        </thead>
        <tbody>
          {claim.lines.map((l) => (
            <tr key={l.id} data-line={l.kind}>
              <td>{lineText(l, t, locale)}</td>
              <td>{formatNumber(l.quantity, locale)}</td>
              <td>{formatRials(l.unit_rials, locale)}</td>
              <td>{formatRials(l.amount_rials, locale)}</td>
              {decided && <td>{formatRials(l.approved_rials ?? 0, locale)}</td>}
              {decided && <td>{l.decision_reason ?? ""}</td>}
              <td data-testid={l.serialized ? "line-return" : undefined}>
                {!l.serialized
                  ? t("claims.returnNotNeeded")
                  : l.returned_serial
                    ? t("claims.returnedOn", { serial: l.returned_serial, date: formatDate(l.returned_at, locale) })
                    : `${t("claims.returnAwaited")} (${l.defective_serial ?? ""})`}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
