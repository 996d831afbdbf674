import { useEffect, useState } from "react";

export type ReactLeaflet = typeof import("react-leaflet");

/**
 * react-leaflet, loaded in the browser only, after hydration: Leaflet touches `window` when it loads, so the
 * server (and a browser without JavaScript) renders the page without the map. Null until it has loaded, and
 * for good when it cannot load: the fields or lists beside a map still work without it.
 */
export function useReactLeaflet(): ReactLeaflet | null {
  const [rl, setRl] = useState<ReactLeaflet | null>(null);
  useEffect(() => {
    let alive = true;
    import("react-leaflet")
      .then((m) => {
        if (alive) setRl(m);
      })
      .catch(() => {
        /* no map: what is beside it still works */
      });
    return () => {
      alive = false;
    };
  }, []);
  return rl;
}
