import type { MessageKey } from "~/i18n";
import { formatDate, formatDateTime, formatDigits, formatRials } from "~/lib/format";
import { useLocale, useT } from "~/lib/i18n";

/*
 * Spare parts on a job's pages (issue 15 §4): the part rows of a request form (catalogue parts of the job's
 * model, a quantity each; empty rows ignored) and the list of the job's requests with their state and dates.
 */

/** Rows the request forms show (the parser accepts up to core/parts.ts MAX_PARTS_PER_REQUEST). */
export const PART_FORM_ROWS_SHOWN = 3;

export interface CataloguePart {
  id: number;
  code: string;
  name: string;
  list_price_rials: number;
}

export function PartLinesFields({ parts, values }: { parts: CataloguePart[]; values?: Record<string, string> }) {
  const t = useT();
  const locale = useLocale();
  return (
    <fieldset className="part-lines" data-testid="part-lines">
      <legend>{t("parts.request.parts")}</legend>
      {Array.from({ length: PART_FORM_ROWS_SHOWN }, (_, i) => (
        <div className="job-part-row" key={i}>
          <label className="field">
            <span>{t("parts.request.part", { n: formatDigits(i + 1, locale) })}</span>
            <select name={`part_${i}`} defaultValue={values?.[`part_${i}`] ?? ""} data-testid={`part-select-${i}`}>
              <option value="">{t("parts.request.choose")}</option>
              {parts.map((p) => (
                <option key={p.id} value={p.id}>
                  {p.code} — {p.name} ({formatRials(p.list_price_rials, locale)})
                </option>
              ))}
            </select>
          </label>
          <label className="field">
            <span>{t("parts.request.quantity")}</span>
            <input name={`qty_${i}`} inputMode="numeric" size={3} defaultValue={values?.[`qty_${i}`] ?? "1"} data-testid={`part-qty-${i}`} />
          </label>
        </div>
      ))}
    </fieldset>
  );
}

export interface PartRequestRow {
  id: number;
  part_code: string;
  part_name: string;
  quantity: number;
  status: string;
  source: string | null;
  expected_date: string | null;
  serial_number: string | null;
  requested_at: string;
  ordered_at: string | null;
  shipped_at: string | null;
  received_at: string | null;
}

/** A 'YYYY-MM-DD' day (Tehran) as a Jalali date. */
export function formatDay(day: string | null, locale: "fa" | "en"): string {
  return day ? formatDate(`${day}T12:00:00+03:30`, locale) : "—";
}

export function PartRequestList({
  requests,
  actions,
}: {
  requests: PartRequestRow[];
  /** buttons per row (the agency's "from our stock") */
  actions?: (r: PartRequestRow) => React.ReactNode;
}) {
  const t = useT();
  const locale = useLocale();
  if (requests.length === 0) return null;
  // the defective part's way back, when the rows carry it (ticketPartRequests)
  const withReturn = requests.some((r) => "return_state" in r);
  return (
    <table className="data" data-testid="part-requests">
      <thead>
        <tr>
          <th>{t("parts.col.part")}</th>
          <th>{t("parts.col.quantity")}</th>
          <th>{t("parts.col.status")}</th>
          <th>{t("parts.col.expected")}</th>
          <th>{t("parts.col.requestedAt")}</th>
          <th>{t("parts.col.receivedAt")}</th>
          {withReturn ? <th>{t("parts.col.return")}</th> : null}
          {actions ? <th>{t("parts.col.actions")}</th> : null}
        </tr>
      </thead>
      <tbody>
        {requests.map((r) => (
          <tr key={r.id} data-request={r.id} data-status={r.status}>
            <td>
              <span className="ltr">{r.part_code}</span> {r.part_name}
              {r.serial_number ? (
                <>
                  {" "}
                  <span className="muted ltr">#{r.serial_number}</span>
                </>
              ) : null}
            </td>
            <td>{formatDigits(r.quantity, locale)}</td>
            <td>
              <span className={`badge ${r.status === "received" ? "ok" : ""}`} data-testid="part-status">
                {t(`parts.status.${r.status}` as MessageKey)}
              </span>
              {r.source ? <span className="muted"> ({t(`parts.source.${r.source}` as MessageKey)})</span> : null}
            </td>
            <td>{formatDay(r.expected_date, locale)}</td>
            <td>{formatDateTime(r.requested_at, locale)}</td>
            <td>{r.received_at ? formatDateTime(r.received_at, locale) : "—"}</td>
            {withReturn ? <td data-testid="part-return">{t(`parts.return.${(r as TicketPartRow).return_state}` as MessageKey)}</td> : null}
            {actions ? <td>{actions(r)}</td> : null}
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export interface TicketPartRow extends PartRequestRow {
  return_state: string;
}

/**
 * A ticket's parts on the staff's ticket pages (desk, manager): part, quantity, source, status, expected date
 * and the defective part's way back (core/parts.ts defectiveReturnState). Nothing when the ticket asked for none.
 */
export function TicketPartsSection({ requests }: { requests: TicketPartRow[] }) {
  const t = useT();
  const locale = useLocale();
  if (requests.length === 0) return null;
  return (
    <section className="panel" aria-labelledby="ticket-parts-title" data-testid="ticket-parts">
      <h2 id="ticket-parts-title">{t("parts.ticket.title")}</h2>
      <table className="data">
        <thead>
          <tr>
            <th>{t("parts.col.part")}</th>
            <th>{t("parts.col.quantity")}</th>
            <th>{t("parts.col.source")}</th>
            <th>{t("parts.col.status")}</th>
            <th>{t("parts.col.expected")}</th>
            <th>{t("parts.col.return")}</th>
          </tr>
        </thead>
        <tbody>
          {requests.map((r) => (
            <tr key={r.id} data-request={r.id} data-status={r.status} data-return={r.return_state}>
              <td>
                <span className="ltr">{r.part_code}</span> {r.part_name}
                {r.serial_number ? (
                  <>
                    {" "}
                    <span className="muted ltr">#{r.serial_number}</span>
                  </>
                ) : null}
              </td>
              <td>{formatDigits(r.quantity, locale)}</td>
              <td>{t(r.source ? (`parts.source.${r.source}` as MessageKey) : "parts.source.none")}</td>
              <td>
                <span className={`badge ${r.status === "received" ? "ok" : ""}`} data-testid="part-status">
                  {t(`parts.status.${r.status}` as MessageKey)}
                </span>
              </td>
              <td>{r.status === "received" || r.status === "cancelled" ? "—" : formatDay(r.expected_date, locale)}</td>
              <td data-testid="part-return">{t(`parts.return.${r.return_state}` as MessageKey)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
