import { Form, useNavigation } from "@remix-run/react";
import { useEffect, useState } from "react";
import type { DivIcon } from "leaflet";
import { WEEKDAYS, type WorkingHours } from "../../core/dispatch";
import { polygonsToText, readPolygonVertices, type LatLng } from "../../core/service-polygons";
import type { MessageKey } from "~/i18n";
import { useT } from "~/lib/i18n";
import { useReactLeaflet, type ReactLeaflet } from "./use-react-leaflet";

const TEHRAN: [number, number] = [35.6892, 51.389];

export interface AgencyFormValues {
  code: string;
  name: string;
  managerName: string;
  mobile: string;
  phones: string;
  email: string;
  province: string;
  city: string;
  addressText: string;
  lat: string;
  lng: string;
  serviceRadiusKm: string;
  dailyJobCapacity: string;
  serviceAreas: string;
  /** the service polygons as text: "lat, lng" a line, polygons apart by an empty line (core/service-polygons.ts) */
  servicePolygons: string;
  workingHours: WorkingHours;
}

/**
 * An agency's details: identity, contact, the centre of its service area picked on the map (a click sets
 * it, the radius is drawn as a circle), the provinces/cities it serves (one a line), capacity and hours.
 * Without JavaScript the latitude/longitude fields are typed instead.
 */
export function AgencyForm({
  values,
  error,
  errorParams,
  submitLabel,
  map,
}: {
  values: AgencyFormValues;
  error: MessageKey | null;
  errorParams?: Record<string, number> | undefined;
  submitLabel: MessageKey;
  map: { tileUrl: string; attribution: string };
}) {
  const t = useT();
  const navigation = useNavigation();
  const [lat, setLat] = useState(values.lat);
  const [lng, setLng] = useState(values.lng);
  const [radius, setRadius] = useState(values.serviceRadiusKm);
  const [polygonText, setPolygonText] = useState(values.servicePolygons);
  // what a click on the map does: place the agency's centre, or add a vertex to the service area
  const [mode, setMode] = useState<"centre" | "area">("centre");
  const polygons = readPolygonVertices(polygonText);
  // "new area" leaves an empty line at the end of the text: the next corner starts another polygon
  const startsNew = polygons.length > 0 && /\n\s*\n\s*$/.test(polygonText);
  const setPolygons = (next: LatLng[][]) => setPolygonText(polygonsToText(next.filter((p) => p.length > 0)));
  const alwaysOpenAtFirst = Object.keys(values.workingHours).length === 0;
  const [alwaysOpen, setAlwaysOpen] = useState(alwaysOpenAtFirst);
  return (
    <Form method="post" className="agency-form" data-testid="agency-form">
      <input type="hidden" name="intent" value="details" />
      <fieldset>
        <legend>{t("agencyAdmin.identity")}</legend>
        <label>
          {t("agencies.code")}
          <input name="code" required defaultValue={values.code} className="ltr" maxLength={20} />
        </label>
        <label>
          {t("agencies.name")}
          <input name="name" required defaultValue={values.name} maxLength={200} />
        </label>
        <label>
          {t("agencyAdmin.managerName")}
          <input name="managerName" defaultValue={values.managerName} maxLength={100} />
        </label>
        <label>
          {t("agencyAdmin.mobile")}
          <input name="mobile" defaultValue={values.mobile} className="ltr" inputMode="tel" maxLength={20} />
        </label>
        <label>
          {t("agencyAdmin.phones")}
          <input name="phones" defaultValue={values.phones} className="ltr" maxLength={120} />
        </label>
        <label>
          {t("agencyAdmin.email")}
          <input name="email" type="email" defaultValue={values.email} className="ltr" maxLength={200} />
        </label>
        <label>
          {t("agencies.province")}
          <input name="province" required defaultValue={values.province} maxLength={60} />
        </label>
        <label>
          {t("agencies.city")}
          <input name="city" required defaultValue={values.city} maxLength={60} />
        </label>
        <label>
          {t("agencyAdmin.address")}
          <input name="addressText" defaultValue={values.addressText} maxLength={300} />
        </label>
      </fieldset>
      <fieldset>
        <legend>{t("agencyAdmin.location")}</legend>
        <p className="muted">{t("agencyAdmin.mapHint")}</p>
        <div className="map-mode" role="radiogroup" aria-label={t("servicePolygons.mode")}>
          <label className="check">
            <input type="radio" name="mapMode" value="centre" checked={mode === "centre"} onChange={() => setMode("centre")} /> {t("servicePolygons.modeCentre")}
          </label>
          <label className="check">
            <input type="radio" name="mapMode" value="area" checked={mode === "area"} onChange={() => setMode("area")} data-testid="map-mode-area" />{" "}
            {t("servicePolygons.modeArea")}
          </label>
        </div>
        <ServiceAreaMap
          tileUrl={map.tileUrl}
          attribution={map.attribution}
          lat={lat}
          lng={lng}
          radiusKm={radius}
          polygons={polygons}
          onPick={(a, b) => {
            if (mode === "centre") {
              setLat(String(a));
              setLng(String(b));
              return;
            }
            const next = polygons.map((p) => [...p]);
            if (next.length === 0 || startsNew) next.push([]);
            next[next.length - 1]!.push([a, b]);
            setPolygons(next);
          }}
          onMoveVertex={(pi, vi, a, b) => setPolygons(polygons.map((p, i) => (i === pi ? p.map((v, j) => (j === vi ? ([a, b] as const) : v)) : [...p])))}
        />
        <div className="polygon-tools">
          <button type="button" onClick={() => setPolygonText(`${polygonsToText(polygons)}\n\n`)} disabled={!polygons.length || startsNew}>
            {t("servicePolygons.newPolygon")}
          </button>
          <button
            type="button"
            onClick={() => {
              if (startsNew) return setPolygonText(polygonsToText(polygons));
              const next = polygons.map((p) => [...p]);
              next.at(-1)?.pop();
              setPolygons(next);
            }}
            disabled={!polygons.length}
          >
            {t("servicePolygons.undo")}
          </button>
          <button type="button" onClick={() => setPolygonText("")} disabled={!polygonText.trim()}>
            {t("servicePolygons.clear")}
          </button>
        </div>
        <label>
          {t("servicePolygons.label")}
          <textarea name="servicePolygons" value={polygonText} onChange={(e) => setPolygonText(e.target.value)} rows={4} className="ltr" data-testid="service-polygons" />
        </label>
        <p className="muted">{t("servicePolygons.hint")}</p>
        <label>
          {t("agencyAdmin.lat")}
          <input name="lat" value={lat} onChange={(e) => setLat(e.target.value)} className="ltr" data-testid="agency-lat" />
        </label>
        <label>
          {t("agencyAdmin.lng")}
          <input name="lng" value={lng} onChange={(e) => setLng(e.target.value)} className="ltr" data-testid="agency-lng" />
        </label>
        <label>
          {t("agencyAdmin.radius")}
          <input name="serviceRadiusKm" value={radius} onChange={(e) => setRadius(e.target.value)} inputMode="numeric" className="ltr" />
        </label>
        <label>
          {t("agencyAdmin.areas")}
          <textarea name="serviceAreas" defaultValue={values.serviceAreas} rows={3} />
        </label>
        <p className="muted">{t("agencyAdmin.areasHint")}</p>
      </fieldset>
      <fieldset>
        <legend>{t("agencyAdmin.capacityAndHours")}</legend>
        <label>
          {t("agency.capacity")}
          <input name="dailyJobCapacity" required defaultValue={values.dailyJobCapacity} inputMode="numeric" className="ltr" />
        </label>
        <label className="check">
          <input type="checkbox" name="alwaysOpen" checked={alwaysOpen} onChange={(e) => setAlwaysOpen(e.target.checked)} /> {t("agencyAdmin.alwaysOpen")}
        </label>
        {!alwaysOpen ? (
          <table className="data hours">
            <tbody>
              {WEEKDAYS.map((d) => {
                const range = values.workingHours[d];
                const closed = !alwaysOpenAtFirst && !range;
                return (
                  <tr key={d}>
                    <th>{t(`agencyAdmin.day.${d}`)}</th>
                    <td>
                      <input name={`open_${d}`} defaultValue={range?.[0] ?? "08:00"} className="ltr" size={5} aria-label={t("agencyAdmin.opens")} />
                      {" – "}
                      <input name={`close_${d}`} defaultValue={range?.[1] ?? "18:00"} className="ltr" size={5} aria-label={t("agencyAdmin.closes")} />
                    </td>
                    <td>
                      <label className="check">
                        <input type="checkbox" name={`closed_${d}`} defaultChecked={closed} /> {t("agencyAdmin.closed")}
                      </label>
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        ) : null}
      </fieldset>
      {error ? (
        <p className="error" role="alert" data-testid="agency-form-error">
          {t(error, errorParams)}
        </p>
      ) : null}
      <button type="submit" disabled={navigation.state === "submitting"}>
        {t(submitLabel)}
      </button>
    </Form>
  );
}

function ServiceAreaMap({
  tileUrl,
  attribution,
  lat,
  lng,
  radiusKm,
  polygons,
  onPick,
  onMoveVertex,
}: {
  tileUrl: string;
  attribution: string;
  lat: string;
  lng: string;
  radiusKm: string;
  polygons: LatLng[][];
  onPick: (lat: number, lng: number) => void;
  onMoveVertex: (polygon: number, vertex: number, lat: number, lng: number) => void;
}) {
  const t = useT();
  const rl = useReactLeaflet();
  const vertexIcon = useVertexIcon();
  if (!rl) return <div className="map-box map-loading" aria-hidden="true" />;
  const { MapContainer, TileLayer, CircleMarker, Circle, Polygon, Polyline, Marker } = rl;
  const la = Number(lat);
  const ln = Number(lng);
  const centre: [number, number] | null = lat && lng && Number.isFinite(la) && Number.isFinite(ln) ? [la, ln] : null;
  const r = Number(radiusKm);
  return (
    <div className={`map-box${tileUrl === "none" ? " no-tiles" : ""}`} data-testid="agency-map" role="application" aria-label={t("agencyAdmin.location")}>
      <MapContainer center={centre ?? TEHRAN} zoom={centre ? 11 : 9} style={{ height: "100%", width: "100%" }} attributionControl={tileUrl !== "none"}>
        {tileUrl !== "none" ? <TileLayer url={tileUrl} attribution={attribution} /> : null}
        <ClickToPick useMapEvents={rl.useMapEvents} onPick={onPick} />
        {centre && r > 0 ? <Circle center={centre} radius={r * 1000} pathOptions={{ color: "#1d4ed8", fillOpacity: 0.1 }} /> : null}
        {centre ? <CircleMarker center={centre} radius={8} pathOptions={{ color: "#b42318", fillColor: "#f04438", fillOpacity: 0.9 }} /> : null}
        {polygons.map((p, pi) =>
          p.length >= 3 ? (
            <Polygon key={`p${pi}`} positions={p.map(([a, b]) => [a, b] as [number, number])} pathOptions={{ color: "#067647", fillOpacity: 0.15 }} />
          ) : p.length === 2 ? (
            <Polyline key={`p${pi}`} positions={p.map(([a, b]) => [a, b] as [number, number])} pathOptions={{ color: "#067647" }} />
          ) : null,
        )}
        {vertexIcon
          ? polygons.flatMap((p, pi) =>
              p.map(([a, b], vi) => (
                <Marker
                  key={`v${pi}-${vi}`}
                  position={[a, b]}
                  icon={vertexIcon}
                  draggable
                  keyboard={false}
                  eventHandlers={{
                    dragend: (e) => {
                      const at = (e.target as { getLatLng(): { lat: number; lng: number } }).getLatLng();
                      onMoveVertex(pi, vi, Number(at.lat.toFixed(6)), Number(at.lng.toFixed(6)));
                    },
                  }}
                />
              )),
            )
          : null}
      </MapContainer>
    </div>
  );
}

function ClickToPick({ useMapEvents, onPick }: { useMapEvents: ReactLeaflet["useMapEvents"]; onPick: (lat: number, lng: number) => void }) {
  useMapEvents({
    click(e) {
      onPick(Number(e.latlng.lat.toFixed(6)), Number(e.latlng.lng.toFixed(6)));
    },
  });
  return null;
}

/** The handle of a polygon's vertex: a small square drawn by CSS (no marker image to load). */
function useVertexIcon(): DivIcon | null {
  const [icon, setIcon] = useState<DivIcon | null>(null);
  useEffect(() => {
    let alive = true;
    import("leaflet")
      .then((m) => {
        // leaflet is a UMD bundle: its functions are on the namespace or on its default export, by bundler
        const L = (typeof m.divIcon === "function" ? m : (m as unknown as { default: typeof m }).default) as typeof m;
        if (alive) setIcon(L.divIcon({ className: "polygon-vertex", iconSize: [12, 12] }));
      })
      .catch(() => {
        /* no handles: the vertices are still typed in the field */
      });
    return () => {
      alive = false;
    };
  }, []);
  return icon;
}
