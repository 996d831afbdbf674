import type { ActionFunctionArgs, LinksFunction, LoaderFunctionArgs } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import leafletStyles from "leaflet/dist/leaflet.css";
import { isWorkingHours } from "../../core/dispatch";
import { polygonsToText } from "../../core/service-polygons";
import { AgencyForm, type AgencyFormValues } from "~/components/AgencyForm";
import { agencyAdminAction, loadAgencyAdmin, type AgencyFormError } from "~/lib/agency-admin.server";
import { formatDigits, formatPercent, formatPhone } from "~/lib/format";
import { useLocale, useT } from "~/lib/i18n";

export const links: LinksFunction = () => [{ rel: "stylesheet", href: leafletStyles }];

export async function loader(args: LoaderFunctionArgs) {
  return loadAgencyAdmin(args);
}

export async function action(args: ActionFunctionArgs) {
  return agencyAdminAction(args);
}

export default function AgencyAdmin() {
  const data = useLoaderData<typeof loader>();
  const result = useActionData<AgencyFormError>();
  const t = useT();
  const locale = useLocale();
  const a = data.agency;
  const hours = isWorkingHours(a.working_hours) ? a.working_hours : {};
  const values: AgencyFormValues = {
    code: a.code,
    name: a.name,
    managerName: a.manager_name ?? "",
    mobile: a.mobile ? a.mobile.replace(/^\+98/, "0") : "",
    phones: a.phones.join("; "),
    email: a.email ?? "",
    province: a.province,
    city: a.city,
    addressText: a.address_text ?? "",
    lat: a.lat === null ? "" : String(a.lat),
    lng: a.lng === null ? "" : String(a.lng),
    serviceRadiusKm: a.service_radius_km === null ? "" : String(a.service_radius_km),
    dailyJobCapacity: String(a.daily_job_capacity),
    serviceAreas: data.areas.map((x) => (x.city ? `${x.province}/${x.city}` : x.province)).join("\n"),
    servicePolygons: polygonsToText(data.polygons),
    workingHours: hours,
  };
  const err = (form: AgencyFormError["form"]) => (result?.form === form ? result.error : null);
  const name = (x: { name_fa: string; name_en: string }) => (locale === "fa" ? x.name_fa : x.name_en);
  const authorized = new Set(data.authorizations);
  return (
    <>
      <p>
        <Link to="/manager/agencies">{t("agencyAdmin.backToList")}</Link>
      </p>
      <h1>
        {a.name} <span className="ltr muted">({a.code})</span>
      </h1>
      <p>
        <span className={`badge ${a.status === "active" ? "ok" : "danger"}`}>{t(`agencyStatus.${a.status}`)}</span>{" "}
        {a.status_reason ? <span className="muted">{a.status_reason}</span> : null}{" "}
        <Link to={`/manager/agencies#agency-${a.id}`}>{t("agencyAdmin.statusLink")}</Link>
      </p>
      {data.done ? (
        <p className="notice ok" role="status" data-testid="agency-admin-done">
          {t("agencyAdmin.saved")}
        </p>
      ) : null}

      <section id="details">
        <h2>{t("agencyAdmin.details")}</h2>
        <AgencyForm values={values} error={err("details")} errorParams={result?.form === "details" ? result.params : undefined} submitLabel="agencyAdmin.save" map={data.map} />
      </section>

      <section id="authorizations">
        <h2>{t("agencyAdmin.authorizations")}</h2>
        <Form method="post" data-testid="authorizations-form">
          <input type="hidden" name="intent" value="authorizations" />
          <table className="data auth-grid">
            <thead>
              <tr>
                <th>{t("agencyAdmin.brand")}</th>
                {data.catalogue.categories.map((c) => (
                  <th key={c.id}>{name(c)}</th>
                ))}
              </tr>
            </thead>
            <tbody>
              {data.catalogue.brands.map((b) => (
                <tr key={b.id}>
                  <th>{name(b)}</th>
                  {data.catalogue.categories.map((c) => (
                    <td key={c.id}>
                      <input
                        type="checkbox"
                        name={`auth_${b.id}_${c.id}`}
                        defaultChecked={authorized.has(`${b.id}:${c.id}`)}
                        aria-label={`${name(b)} × ${name(c)}`}
                      />
                    </td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
          {err("authorizations") ? (
            <p className="error" role="alert">
              {t(err("authorizations")!)}
            </p>
          ) : null}
          <button type="submit">{t("agencyAdmin.saveAuthorizations")}</button>
        </Form>
      </section>

      <section id="technicians">
        <h2>{t("agency.technicians")}</h2>
        {result?.form === "technician" ? (
          <p className="error" role="alert" data-testid="technician-error">
            {t(result.error)}
          </p>
        ) : null}
        <table className="data">
          <thead>
            <tr>
              <th>{t("agencyTech.name")}</th>
              <th>{t("agencyTech.mobile")}</th>
              <th>{t("agencyTech.status")}</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {data.technicians.map((tech) => (
              <tr key={tech.id} data-technician={tech.full_name}>
                <td>{tech.full_name}</td>
                <td className="ltr">{formatPhone(tech.mobile, locale)}</td>
                <td>{tech.active ? t("agencyTech.active") : t("agencyTech.inactive")}</td>
                <td>
                  <Form method="post">
                    <input type="hidden" name="technicianId" value={tech.id} />
                    <button type="submit" name="intent" value={tech.active ? "techDeactivate" : "techReactivate"}>
                      {tech.active ? t("agencyTech.deactivate") : t("agencyTech.reactivate")}
                    </button>
                  </Form>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        <Form method="post" className="inline-form" data-testid="technician-add">
          <input type="hidden" name="intent" value="techCreate" />
          <label>
            {t("agencyTech.name")}
            <input name="fullName" required maxLength={100} />
          </label>
          <label>
            {t("agencyTech.mobile")}
            <input name="mobile" required className="ltr" inputMode="tel" maxLength={20} />
          </label>
          <button type="submit">{t("agencyTech.add")}</button>
        </Form>
      </section>

      <section id="rates">
        <h2>{t("agencyAdmin.rates")}</h2>
        <p className="muted">{t("agencyAdmin.ratesHint")}</p>
        <table className="data" data-testid="fee-rates">
          <thead>
            <tr>
              <th>{t("agencyAdmin.ratePercent")}</th>
              <th>{t("agencyAdmin.rateFrom")}</th>
              <th>{t("agencyAdmin.rateUntil")}</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {data.rates.map((r) => (
              <tr key={r.id}>
                <td>{formatPercent(r.rate_percent, locale)}</td>
                <td>{formatDigits(r.from_jalali, locale)}</td>
                <td>{r.until_jalali ? formatDigits(r.until_jalali, locale) : t("agencyAdmin.rateOpen")}</td>
                <td>
                  {r.used ? (
                    <span className="muted">{t("agencyAdmin.rateUsed")}</span>
                  ) : (
                    <Form method="post" className="inline-form">
                      <input type="hidden" name="intent" value="rateEdit" />
                      <input type="hidden" name="rateId" value={r.id} />
                      <input name="ratePercent" defaultValue={String(r.rate_percent)} size={5} className="ltr" aria-label={t("agencyAdmin.ratePercent")} />
                      <button type="submit">{t("agencyAdmin.correct")}</button>
                    </Form>
                  )}
                  {result?.form === "rateEdit" && result.rowId === r.id ? (
                    <p className="error" role="alert">
                      {t(result.error)}
                    </p>
                  ) : null}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        <Form method="post" className="inline-form" data-testid="fee-rate-add">
          <input type="hidden" name="intent" value="rate" />
          <label>
            {t("agencyAdmin.ratePercent")}
            <input name="ratePercent" required className="ltr" size={6} defaultValue={result?.form === "rate" ? result.values?.ratePercent : ""} />
          </label>
          <label>
            {t("agencyAdmin.rateFrom")}
            <input name="effectiveFrom" required className="ltr" placeholder="1405/10/01" size={12} defaultValue={result?.form === "rate" ? result.values?.effectiveFrom : ""} />
          </label>
          <button type="submit">{t("agencyAdmin.addRate")}</button>
        </Form>
        {err("rate") ? (
          <p className="error" role="alert" data-testid="fee-rate-error">
            {t(err("rate")!)}
          </p>
        ) : null}
      </section>
    </>
  );
}
