import { useReactLeaflet, type ReactLeaflet } from "./use-react-leaflet";


const TEHRAN: [number, number] = [35.6892, 51.389];

/**
 * The address pin. Leaflet touches `window` when it loads, so react-leaflet is imported in the browser
 * only, after hydration; the server (and a browser without JavaScript) renders no map, and the form's
 * hidden lat/lng fields still carry whatever is set. With MAP_TILE_URL=none there is no base layer: the
 * map is a plain grid where the pin can still be placed.
 */
export function AddressMap({
  tileUrl,
  attribution,
  lat,
  lng,
  onPick,
  label,
}: {
  tileUrl: string;
  attribution: string;
  lat: number | null;
  lng: number | null;
  onPick: (lat: number, lng: number) => void;
  label: string;
}) {
  const rl = useReactLeaflet();
  if (!rl) return <div className="map-box map-loading" aria-hidden="true" />;
  const { MapContainer, TileLayer, CircleMarker } = rl;
  const pin: [number, number] | null = lat !== null && lng !== null ? [lat, lng] : null;
  return (
    <div className={`map-box${tileUrl === "none" ? " no-tiles" : ""}`} data-testid="address-map" role="application" aria-label={label}>
      <MapContainer center={pin ?? TEHRAN} zoom={pin ? 15 : 11} style={{ height: "100%", width: "100%" }} attributionControl={tileUrl !== "none"}>
        {tileUrl !== "none" ? <TileLayer url={tileUrl} attribution={attribution} /> : null}
        <ClickToPin useMapEvents={rl.useMapEvents} onPick={onPick} />
        {pin ? <CircleMarker center={pin} radius={9} pathOptions={{ color: "#b42318", fillColor: "#f04438", fillOpacity: 0.9 }} /> : null}
      </MapContainer>
    </div>
  );
}

function ClickToPin({ useMapEvents, onPick }: { useMapEvents: ReactLeaflet["useMapEvents"]; onPick: (lat: number, lng: number) => void }) {
  useMapEvents({
    click(e) {
      onPick(Number(e.latlng.lat.toFixed(6)), Number(e.latlng.lng.toFixed(6)));
    },
  });
  return null;
}
