import { useLocale, useT } from "~/lib/i18n";
import { formatDateTime, formatDigits, formatRials } from "~/lib/format";
import { MAX_PHOTO_BYTES, MAX_PHOTOS, PHOTO_CONTENT_TYPES } from "../../core/photos";

/** Rows of parts the forms offer (the server reads the same number: ~/lib/job-forms.server.ts PART_ROWS). */
export const PART_ROWS = 4;

/**
 * The completion report's fields, shared by the technician's link page and the agency's job page: work
 * done, parts used with their serials (numbered rows, so the form works without JavaScript), the invoice
 * amount in rials (required for out-of-warranty work). `values`: what was typed, sent back with a refusal.
 */
export function CompletionFields({ values, warranty }: { values?: Record<string, string>; warranty: string }) {
  const t = useT();
  const locale = useLocale();
  const v = values ?? {};
  return (
    <>
      <label className="field">
        <span>{t("job.form.workDone")}</span>
        <textarea name="workDone" rows={3} required maxLength={2000} defaultValue={v.workDone ?? ""} />
      </label>
      <fieldset className="job-parts">
        <legend>{t("job.form.parts")}</legend>
        {Array.from({ length: PART_ROWS }, (_, i) => (
          <div className="job-part-row" key={i}>
            <label className="field">
              <span>{t("job.form.partName", { n: i + 1 })}</span>
              <input name={`partName${i}`} maxLength={200} defaultValue={v[`partName${i}`] ?? ""} />
            </label>
            <label className="field">
              <span>{t("job.form.partSerial", { n: i + 1 })}</span>
              <input name={`partSerial${i}`} maxLength={100} dir="ltr" defaultValue={v[`partSerial${i}`] ?? ""} />
            </label>
          </div>
        ))}
      </fieldset>
      <label className="field">
        <span>{t("job.form.invoice")}</span>
        <input name="invoice" inputMode="numeric" dir="ltr" required={warranty === "out_of_warranty"} defaultValue={v.invoice ?? ""} />
        <small className="muted">{t(warranty === "out_of_warranty" ? "job.form.invoiceRequiredHint" : "job.form.invoiceHint")}</small>
      </label>
      <label className="field">
        <span>{t("job.form.photos")}</span>
        {/* never given back after a refusal (a browser cannot refill a file input): the message says so */}
        <input name="photos" type="file" multiple accept={PHOTO_CONTENT_TYPES.join(",")} data-testid="job-photos" />
        <small className="muted">{t("job.form.photosHint", { count: formatDigits(MAX_PHOTOS, locale), mb: formatDigits(MAX_PHOTO_BYTES / 1024 / 1024, locale) })}</small>
      </label>
    </>
  );
}

export interface ReportView {
  completed_at: string;
  work_description: string;
  invoice_amount_rials: number;
  technician_name: string | null;
  parts: { id: number; name: string; serial_number: string | null; quantity: number }[];
  photos?: { id: number }[];
}

/** Small previews of completion photos, each a link to the full image. */
export function PhotoThumbnails({ urls }: { urls: string[] }) {
  const t = useT();
  const locale = useLocale();
  return (
    <ul className="photo-thumbs" data-testid="photo-thumbs">
      {urls.map((url, i) => (
        <li key={url}>
          <a href={url} target="_blank" rel="noopener">
            <img src={url} alt={t("job.report.photo", { n: formatDigits(i + 1, locale) })} loading="lazy" width={96} height={96} />
          </a>
        </li>
      ))}
    </ul>
  );
}

/** The completion report, for the ticket pages of staff and of the agency. */
export function CompletionReport({ report }: { report: ReportView }) {
  const t = useT();
  const locale = useLocale();
  return (
    <section className="panel" data-testid="completion-report">
      <h2>{t("job.report.title")}</h2>
      <dl className="facts">
        <dt>{t("job.report.completedAt")}</dt>
        <dd>{formatDateTime(report.completed_at, locale)}</dd>
        <dt>{t("job.report.technician")}</dt>
        <dd>{report.technician_name ?? t("common.none")}</dd>
        <dt>{t("job.form.workDone")}</dt>
        <dd className="note">{report.work_description}</dd>
        <dt>{t("job.form.parts")}</dt>
        <dd>
          {report.parts.length === 0 ? (
            t("job.report.noParts")
          ) : (
            <ul>
              {report.parts.map((p) => (
                <li key={p.id}>
                  {p.name}
                  {p.quantity > 1 ? ` × ${formatDigits(p.quantity, locale)}` : ""}
                  {p.serial_number ? (
                    <>
                      {" — "}
                      <span className="ltr">{p.serial_number}</span>
                    </>
                  ) : null}
                </li>
              ))}
            </ul>
          )}
        </dd>
        <dt>{t("job.form.invoice")}</dt>
        <dd>{formatRials(report.invoice_amount_rials, locale)}</dd>
        {report.photos && report.photos.length > 0 ? (
          <>
            <dt>{t("job.report.photos")}</dt>
            <dd>
              <PhotoThumbnails urls={report.photos.map((p) => `/photos/${p.id}`)} />
            </dd>
          </>
        ) : null}
      </dl>
    </section>
  );
}
