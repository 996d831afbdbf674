import { SERVICE_TYPES, type ServiceType } from "../../../core/claims";
import { formatRials } from "~/lib/format";
import { useLocale, useT } from "~/lib/i18n";

export interface CatalogueOption {
  id: number;
  code: string;
  name: string;
  price: number;
  serialized: boolean;
}

export interface PartRow {
  sparePartId: number;
  quantity: number;
  defectiveSerial: string;
}

/** The fields a claim is made of (a new claim and an edited draft): the service type and the parts' rows. */
export function ClaimPartsFields({ serviceType, rows, catalogue }: { serviceType: ServiceType; rows: readonly PartRow[]; catalogue: readonly CatalogueOption[] }) {
  const t = useT();
  const locale = useLocale();
  return (
    <>
      <label>
        {t("claims.serviceType")}
        <select name="serviceType" defaultValue={serviceType}>
          {SERVICE_TYPES.map((s) => (
            <option key={s} value={s}>
              {t(`claims.service.${s}`)}
            </option>
          ))}
        </select>
      </label>
      <p className="muted">{t("claims.partsHint")}</p>
      <table className="data">
        <thead>
          <tr>
            <th scope="col">{t("claims.part")}</th>
            <th scope="col">{t("claims.quantity")}</th>
            <th scope="col">{t("claims.defectiveSerial")}</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((r, i) => (
            <tr key={i}>
              <td>
                <select name={`part_${i}`} defaultValue={r.sparePartId || ""} aria-label={t("claims.part")} data-testid={`part-${i}`}>
                  <option value="">{t("claims.noPart")}</option>
                  {catalogue.map((c) => (
                    <option key={c.id} value={c.id}>
                      {`${c.name} (${c.code}) — ${formatRials(c.price, locale)}${c.serialized ? ` — ${t("claims.serializedMark")}` : ""}`}
                    </option>
                  ))}
                </select>
              </td>
              <td>
                <input name={`qty_${i}`} type="number" min={1} max={99} defaultValue={r.quantity} aria-label={t("claims.quantity")} data-testid={`qty-${i}`} />
              </td>
              <td>
                <input name={`serial_${i}`} maxLength={100} defaultValue={r.defectiveSerial} aria-label={t("claims.defectiveSerial")} data-testid={`serial-${i}`} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}
