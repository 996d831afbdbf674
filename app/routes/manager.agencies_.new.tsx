import type { ActionFunctionArgs, LinksFunction, LoaderFunctionArgs } from "@remix-run/node";
import { Link, useActionData, useLoaderData } from "@remix-run/react";
import leafletStyles from "leaflet/dist/leaflet.css";
import { AgencyForm, type AgencyFormValues } from "~/components/AgencyForm";
import { loadNewAgency, newAgencyAction, type AgencyFormError } from "~/lib/agency-admin.server";
import { useT } from "~/lib/i18n";

export const links: LinksFunction = () => [{ rel: "stylesheet", href: leafletStyles }];

export async function loader(args: LoaderFunctionArgs) {
  return loadNewAgency(args);
}

export async function action(args: ActionFunctionArgs) {
  return newAgencyAction(args);
}

const EMPTY: AgencyFormValues = {
  code: "",
  name: "",
  managerName: "",
  mobile: "",
  phones: "",
  email: "",
  province: "",
  city: "",
  addressText: "",
  lat: "",
  lng: "",
  serviceRadiusKm: "20",
  dailyJobCapacity: "5",
  serviceAreas: "",
  servicePolygons: "",
  workingHours: {},
};

export default function NewAgency() {
  const { map } = useLoaderData<typeof loader>();
  const result = useActionData<AgencyFormError>();
  const t = useT();
  const v = result?.values;
  const values: AgencyFormValues = v
    ? { ...EMPTY, ...Object.fromEntries(Object.entries(v).filter(([k]) => k in EMPTY)), workingHours: {} }
    : EMPTY;
  return (
    <>
      <p>
        <Link to="/manager/agencies">{t("agencyAdmin.backToList")}</Link>
      </p>
      <h1>{t("agencyAdmin.newTitle")}</h1>
      <AgencyForm values={values} error={result?.error ?? null} errorParams={result?.params} submitLabel="agencyAdmin.create" map={map} />
    </>
  );
}
