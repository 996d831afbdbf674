import { formatDigits } from "~/lib/format";
import { useLocale, useT } from "~/lib/i18n";

/**
 * The fields of the "simulate incoming call" form (the desk's panel and /dev/phones), read on the server by
 * SimulatedCallForm (~/lib/ari-sim.server.ts): the caller's number, the IVR key, the tracking code keyed after 2.
 */
export function SimulatedCallFields({ values }: { values: { from: string; digit?: string; ticketNumber?: string } }) {
  const t = useT();
  const locale = useLocale();
  return (
    <>
      <label>
        {t("sim.from")}
        <input name="from" dir="ltr" inputMode="tel" required defaultValue={values.from} />
      </label>
      <label>
        {t("sim.digit")}
        <select name="digit" defaultValue={values.digit ?? "1"}>
          <option value="">{t("sim.digitNone")}</option>
          <option value="1">
            {formatDigits(1, locale)} — {t("type.breakdown")}
          </option>
          <option value="2">
            {formatDigits(2, locale)} — {t("type.follow_up")}
          </option>
          <option value="3">
            {formatDigits(3, locale)} — {t("type.complaint")}
          </option>
        </select>
      </label>
      <label>
        {t("sim.ticketNumber")}
        <input name="ticketNumber" dir="ltr" inputMode="numeric" defaultValue={values.ticketNumber ?? ""} />
      </label>
    </>
  );
}
