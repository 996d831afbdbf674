/**
 * Service areas drawn on the map (core/service-polygons.ts): the point-in-polygon test, the rule of an agency
 * with polygons, the checks at the edge (vertices, Iran's bounds, crossing edges) and the text form.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { coversLocation } from "../../core/dispatch";
import {
  coveredByPolygons,
  fromPgPolygon,
  isSelfIntersecting,
  parsePolygonsText,
  pointInPolygon,
  polygonError,
  polygonsToText,
  readPolygonVertices,
  toPgPolygon,
  type LatLng,
} from "../../core/service-polygons";

// a square around Azadi square, Tehran, and an L-shaped (concave) area
const SQUARE: LatLng[] = [
  [35.68, 51.32],
  [35.68, 51.36],
  [35.72, 51.36],
  [35.72, 51.32],
];
const L_SHAPE: LatLng[] = [
  [35.6, 51.3],
  [35.6, 51.5],
  [35.65, 51.5],
  [35.65, 51.35],
  [35.8, 51.35],
  [35.8, 51.3],
];

describe("pointInPolygon", () => {
  it("tells inside from outside, concave areas included", () => {
    expect(pointInPolygon(35.7, 51.34, SQUARE)).toBe(true);
    expect(pointInPolygon(35.75, 51.34, SQUARE)).toBe(false);
    expect(pointInPolygon(35.7, 51.4, SQUARE)).toBe(false);
    // the L: its foot and its stem are inside, the notch between them is not
    expect(pointInPolygon(35.62, 51.45, L_SHAPE)).toBe(true);
    expect(pointInPolygon(35.75, 51.32, L_SHAPE)).toBe(true);
    expect(pointInPolygon(35.75, 51.45, L_SHAPE)).toBe(false);
  });

  it("does not depend on where the ring starts or its direction", () => {
    fc.assert(
      fc.property(fc.double({ min: 35.55, max: 35.85, noNaN: true }), fc.double({ min: 51.25, max: 51.55, noNaN: true }), fc.nat(5), (lat, lng, k) => {
        const rotated = [...L_SHAPE.slice(k), ...L_SHAPE.slice(0, k)];
        const inside = pointInPolygon(lat, lng, L_SHAPE);
        expect(pointInPolygon(lat, lng, rotated)).toBe(inside);
        expect(pointInPolygon(lat, lng, [...L_SHAPE].reverse())).toBe(inside);
      }),
    );
  });

  it("a convex polygon holds the centroid of its vertices", () => {
    fc.assert(
      fc.property(fc.uniqueArray(fc.double({ min: 0, max: 2 * Math.PI - 0.01, noNaN: true }), { minLength: 3, maxLength: 12, comparator: (a, b) => Math.abs(a - b) < 0.2 }), (angles) => {
        const ring = [...angles].sort((a, b) => a - b).map((a) => [35.7 + 0.1 * Math.sin(a), 51.4 + 0.1 * Math.cos(a)] as const);
        const lat = ring.reduce((s, v) => s + v[0], 0) / ring.length;
        const lng = ring.reduce((s, v) => s + v[1], 0) / ring.length;
        expect(pointInPolygon(lat, lng, ring)).toBe(true);
        expect(pointInPolygon(35.9, 51.4, ring)).toBe(false);
      }),
    );
  });
});

describe("the rule of an agency with polygons", () => {
  it("applies only when the agency has polygons and the ticket a point", () => {
    expect(coveredByPolygons({ lat: 35.7, lng: 51.34 }, [])).toBeNull();
    expect(coveredByPolygons({ lat: null, lng: null }, [SQUARE])).toBeNull();
    expect(coveredByPolygons({ lat: 35.7, lng: 51.34 }, [L_SHAPE, SQUARE])).toBe(true);
    expect(coveredByPolygons({ lat: 35.75, lng: 51.45 }, [L_SHAPE, SQUARE])).toBe(false);
  });

  it("decides coverage in dispatch over the province rows and the radius", () => {
    // inside its polygon, though neither an area row nor the radius covers the customer
    expect(coversLocation({ areaMatch: false, serviceRadiusKm: 1, distanceKm: 30, polygonMatch: true })).toBe(true);
    // outside its polygons, though its area row names the place and the radius reaches it
    expect(coversLocation({ areaMatch: true, serviceRadiusKm: 50, distanceKm: 2, polygonMatch: false })).toBe(false);
    // no polygon (or no point): the rows and the radius as before
    expect(coversLocation({ areaMatch: true, serviceRadiusKm: null, distanceKm: null, polygonMatch: null })).toBe(true);
    expect(coversLocation({ areaMatch: false, serviceRadiusKm: 10, distanceKm: 9, polygonMatch: null })).toBe(true);
  });
});

describe("checks at the edge", () => {
  it("needs three distinct vertices inside Iran, no crossing edges", () => {
    expect(polygonError(SQUARE)).toBeNull();
    expect(polygonError(L_SHAPE)).toBeNull();
    expect(polygonError(SQUARE.slice(0, 2))).toBe("tooFew");
    expect(polygonError([SQUARE[0]!, SQUARE[0]!, SQUARE[1]!])).toBe("tooFew");
    // latitude and longitude swapped: outside Iran
    expect(polygonError(SQUARE.map(([a, b]) => [b, a] as const))).toBe("outsideIran");
    expect(polygonError([[48.85, 2.35], [48.86, 2.36], [48.87, 2.34]])).toBe("outsideIran");
    // a bow tie: the edges cross
    const bowTie: LatLng[] = [SQUARE[0]!, SQUARE[2]!, SQUARE[1]!, SQUARE[3]!];
    expect(isSelfIntersecting(bowTie)).toBe(true);
    expect(polygonError(bowTie)).toBe("selfIntersecting");
    expect(isSelfIntersecting(SQUARE)).toBe(false);
    expect(polygonError(Array.from({ length: 201 }, (_, i) => [35.7 + 0.1 * Math.sin(i / 32), 51.4 + 0.1 * Math.cos(i / 32)] as const))).toBe("tooMany");
  });
});

describe("the text form", () => {
  it("reads Persian digits, the Persian comma and decimal sign, several polygons and a closed ring", () => {
    const text = "۳۵٫۶۸، ۵۱٫۳۲\n35.68, 51.36\n35.72 51.36\n35.72,51.32\n35.68, 51.32\n\n\n35.6, 51.3\n35.6, 51.5\n35.65, 51.5\n35.65, 51.35\n35.8, 51.35\n35.8, 51.3";
    const r = parsePolygonsText(text);
    expect(r).toEqual({ polygons: [SQUARE, L_SHAPE] });
    expect(parsePolygonsText("")).toEqual({ polygons: [] });
    expect(parsePolygonsText("  \n ")).toEqual({ polygons: [] });
  });

  it("names the polygon that is wrong", () => {
    expect(parsePolygonsText(`${polygonsToText([SQUARE])}\n\n35.7; 51.3\n35.8, 51.3\n35.8, 51.4`)).toEqual({ error: "format", polygon: 2 });
    expect(parsePolygonsText("35.7, 51.3\n35.8, 51.3")).toEqual({ error: "tooFew", polygon: 1 });
    expect(parsePolygonsText("51.3, 35.7\n51.3, 35.8\n51.4, 35.8")).toEqual({ error: "outsideIran", polygon: 1 });
    expect(parsePolygonsText(Array.from({ length: 21 }, () => polygonsToText([SQUARE])).join("\n\n"))).toEqual({ error: "tooManyPolygons", polygon: 21 });
  });

  it("round-trips through the text and PostgreSQL's polygon literal", () => {
    expect(parsePolygonsText(polygonsToText([SQUARE, L_SHAPE]))).toEqual({ polygons: [SQUARE, L_SHAPE] });
    expect(toPgPolygon(SQUARE)).toBe("((51.32,35.68),(51.36,35.68),(51.36,35.72),(51.32,35.72))");
    expect(fromPgPolygon(toPgPolygon(L_SHAPE))).toEqual(L_SHAPE);
    // what the map shows while a line is still being typed
    expect(readPolygonVertices("35.7, 51.3\n35.8,\n\n35.6, 51.3")).toEqual([[[35.7, 51.3]], [[35.6, 51.3]]]);
  });
});
