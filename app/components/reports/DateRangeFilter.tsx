import { Link, useLocation } from "@remix-run/react";
import { formatDigits } from "~/lib/format";
import { useLocale, useT } from "~/lib/i18n";
import type { MessageKey } from "~/i18n";

interface DateRangeFilterProps {
  /** the range's days as Jalali text ('1405/09/01'), from parseDateRange */
  from: string;
  to: string;
  presets: readonly { label: MessageKey; from: string; to: string }[];
  error?: MessageKey | null;
  /** a "show" button of its own (off when the page's form has one) */
  submit?: boolean;
}

/**
 * The Jalali date range of a report: two day fields (Persian or Latin digits), quick ranges as links
 * that keep the page's other filters, and the parser's message when the typed range was refused.
 * Put it inside the page's `<Form method="get">`.
 */
export function DateRangeFilter({ from, to, presets, error, submit = true }: DateRangeFilterProps) {
  const t = useT();
  const locale = useLocale();
  const location = useLocation();
  const presetHref = (p: { from: string; to: string }) => {
    const params = new URLSearchParams(location.search);
    params.set("from", p.from);
    params.set("to", p.to);
    params.delete("format");
    return `${location.pathname}?${params.toString()}`;
  };
  return (
    <fieldset className="date-range">
      <legend className="visually-hidden">{t("report.range.presets")}</legend>
      <label>
        {t("report.range.from")}
        <input name="from" className="date" inputMode="numeric" defaultValue={formatDigits(from, locale)} placeholder={t("report.range.hint")} key={`from-${from}`} />
      </label>
      <label>
        {t("report.range.to")}
        <input name="to" className="date" inputMode="numeric" defaultValue={formatDigits(to, locale)} placeholder={t("report.range.hint")} key={`to-${to}`} />
      </label>
      {submit && <button type="submit">{t("report.range.apply")}</button>}
      <span className="date-presets" aria-label={t("report.range.presets")}>
        {presets.map((p) => {
          const current = p.from === from && p.to === to;
          return (
            <Link key={p.label} to={presetHref(p)} aria-current={current ? "true" : undefined} className={current ? "current" : undefined}>
              {t(p.label)}
            </Link>
          );
        })}
      </span>
      {error && (
        <p role="alert" className="error">
          {t(error)}
        </p>
      )}
    </fieldset>
  );
}
