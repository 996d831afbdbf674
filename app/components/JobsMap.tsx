import { useReactLeaflet } from "./use-react-leaflet";


const TEHRAN: [number, number] = [35.6892, 51.389];

export interface JobPin {
  id: number;
  lat: number;
  lng: number;
  /** the pin's tooltip: tracking code and status, in the reader's language */
  label: string;
  href: string;
}

/**
 * The customers' locations of an agency's current jobs, one pin each, a pin links to its job. As with
 * AddressMap, react-leaflet is loaded in the browser only, after hydration (Leaflet touches `window` when it
 * loads); the server and a browser without JavaScript render the list next to it only. MAP_TILE_URL=none
 * shows the pins on a plain grid.
 */
export function JobsMap({ tileUrl, attribution, pins, label, onOpen }: { tileUrl: string; attribution: string; pins: JobPin[]; label: string; onOpen: (href: string) => void }) {
  const rl = useReactLeaflet();
  if (!rl) return <div className="map-box map-loading" aria-hidden="true" />;
  const { MapContainer, TileLayer, CircleMarker, Tooltip } = rl;
  const bounds = pins.length > 1 ? (pins.map((p) => [p.lat, p.lng]) as [number, number][]) : undefined;
  const center: [number, number] = pins.length === 1 ? [pins[0]!.lat, pins[0]!.lng] : TEHRAN;
  return (
    <div className={`map-box${tileUrl === "none" ? " no-tiles" : ""}`} data-testid="jobs-map" data-pins={pins.length} role="application" aria-label={label}>
      <MapContainer
        center={center}
        zoom={pins.length === 1 ? 14 : 11}
        bounds={bounds}
        boundsOptions={{ padding: [24, 24] }}
        style={{ height: "100%", width: "100%" }}
        attributionControl={tileUrl !== "none"}
      >
        {tileUrl !== "none" ? <TileLayer url={tileUrl} attribution={attribution} /> : null}
        {pins.map((p) => (
          <CircleMarker
            key={p.id}
            center={[p.lat, p.lng]}
            radius={9}
            className="job-pin"
            pathOptions={{ color: "#0b5cad", fillColor: "#2e90fa", fillOpacity: 0.9 }}
            eventHandlers={{ click: () => onOpen(p.href) }}
          >
            <Tooltip>{p.label}</Tooltip>
          </CircleMarker>
        ))}
      </MapContainer>
    </div>
  );
}
