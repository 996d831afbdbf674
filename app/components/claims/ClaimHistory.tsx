import { formatDateTime, formatDigits, formatRials } from "~/lib/format";
import { useLocale, useT } from "~/lib/i18n";
import type { Locale } from "~/i18n";
import type { ClaimEventKind } from "../../../core/claims";
import { periodText } from "../../../core/ledger";

export interface ClaimEventView {
  id: number;
  at: string | Date;
  kind: ClaimEventKind;
  amount_rials: number | null;
  reason: string | null;
  serial: string | null;
  ledger_period: string | null;
  actor_name: string | null;
}

export interface ClaimEntryView {
  id: number;
  kind: "referral_fee" | "fee_adjustment" | "payment" | "warranty_claim" | "claim_adjustment";
  period: string;
  at: string | Date;
  amount_rials: number;
  reason: string | null;
  created_by_name: string | null;
}

/** A correction in the claim's terms, with its sign: +50,000 rials (owed to the agency), −50,000 rials. */
export function signedRials(amount: number, locale: Locale): string {
  return `${amount > 0 ? "+" : amount < 0 ? "−" : ""}${formatRials(Math.abs(amount), locale)}`;
}

/** The claim's history, oldest first, in the reader's language and (for Persian) the Jalali calendar. */
export function ClaimHistory({ events }: { events: readonly ClaimEventView[] }) {
  const t = useT();
  const locale = useLocale();
  return (
    <section aria-labelledby="claim-history-title">
      <h2 id="claim-history-title">{t("claims.history")}</h2>
      {events.length === 0 ? (
        <p className="muted">{t("claims.historyEmpty")}</p>
      ) : (
        <ol className="timeline" data-testid="claim-history">
          {events.map((e) => {
            const amount = e.amount_rials === null ? "" : e.kind === "corrected" ? signedRials(e.amount_rials, locale) : formatRials(e.amount_rials, locale);
            return (
              <li key={e.id} data-event={e.kind}>
                <time className="when" dateTime={new Date(e.at).toISOString()}>
                  {formatDateTime(e.at, locale)}
                </time>
                {" · "}
                <span className="what">{t(`claims.event.${e.kind}`, { amount, serial: e.serial ?? "" })}</span>
                {" · "}
                <span className="who">{t("claims.event.by", { name: e.actor_name ?? t("claims.event.system") })}</span>
                {e.kind === "corrected" && e.ledger_period ? ` · ${t("claims.correctionPeriod", { period: formatPeriod(e.ledger_period, locale) })}` : null}
                {e.reason ? <div className="reason">{t("claims.event.reason", { reason: e.reason })}</div> : null}
              </li>
            );
          })}
        </ol>
      )}
    </section>
  );
}

function formatPeriod(period: string, locale: Locale): string {
  return formatDigits(periodText(period), locale);
}

/**
 * A decided claim's corrections (its claim_adjustment entries) and what it owes after them: the granted sum
 * plus each correction, the claim's way round (+ owed to the agency).
 */
export function ClaimCorrections({ approvedRials, entries }: { approvedRials: number; entries: readonly ClaimEntryView[] }) {
  const t = useT();
  const locale = useLocale();
  const corrections = entries.filter((e) => e.kind === "claim_adjustment");
  if (corrections.length === 0) return null;
  const owed = -entries.reduce((s, e) => s + e.amount_rials, 0);
  return (
    <section aria-labelledby="claim-corrections-title">
      <h2 id="claim-corrections-title">{t("claims.corrections")}</h2>
      <table className="data" data-testid="claim-corrections">
        <thead>
          <tr>
            <th scope="col">{t("claims.createdAt")}</th>
            <th scope="col">{t("claims.amount")}</th>
            <th scope="col">{t("claims.correctReason")}</th>
            <th scope="col">{t("claims.ledgerEntry")}</th>
          </tr>
        </thead>
        <tbody>
          {corrections.map((c) => (
            <tr key={c.id}>
              <td>
                {formatDateTime(c.at, locale)}
                {c.created_by_name ? ` — ${c.created_by_name}` : ""}
              </td>
              <td>{signedRials(-c.amount_rials, locale)}</td>
              <td>{c.reason ?? ""}</td>
              <td>{t("claims.correctionPeriod", { period: formatPeriod(c.period, locale) })}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <p>
        {t("claims.approved")}: {formatRials(approvedRials, locale)} · {t("claims.owedNow")}: <strong data-testid="claim-owed-now">{formatRials(owed, locale)}</strong>
      </p>
    </section>
  );
}
