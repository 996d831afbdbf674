import { toLatinDigits } from "./digits";

/**
 * An agency's service area drawn on the map (issue 14 §5): polygons of [lat, lng] vertices. When an agency has
 * polygons, a ticket with a map point is covered by it only when the point lies inside one of them
 * (`coveredByPolygons`; the dispatch rule, core/dispatch.ts coversLocation, reads the answer as
 * `polygonMatch`, computed in SQL by PostgreSQL's `polygon @> point` — the same test as `pointInPolygon`).
 * A ticket without a map point, or an agency without polygons, falls back to the province/city rows and the
 * radius.
 *
 * Stored in PostgreSQL's native `polygon` type (agency_service_polygons.area), whose points are (x, y) =
 * (lng, lat): `toPgPolygon` / `fromPgPolygon`.
 */

export type LatLng = readonly [lat: number, lng: number];
export type Polygon = readonly LatLng[];

/** Iran's bounding box, with a margin (its land lies within 25°–39.8° N, 44°–63.4° E). */
export const IRAN_BOUNDS = { minLat: 24.5, maxLat: 40, minLng: 43.5, maxLng: 64 } as const;
export const MIN_VERTICES = 3;
export const MAX_VERTICES = 200;
export const MAX_POLYGONS = 20;

export type PolygonError = "format" | "tooFew" | "tooMany" | "outsideIran" | "selfIntersecting" | "tooManyPolygons";

/**
 * Ray casting (even–odd rule): is the point inside the polygon? A point exactly on an edge may go either way,
 * as it may in PostgreSQL's `@>` (which counts the boundary as inside); the drawn areas are km wide, a
 * customer's point is not placed on a line.
 */
export function pointInPolygon(lat: number, lng: number, polygon: Polygon): boolean {
  let inside = false;
  for (let i = 0, j = polygon.length - 1; i < polygon.length; j = i++) {
    const [yi, xi] = polygon[i]!;
    const [yj, xj] = polygon[j]!;
    if (yi > lat !== yj > lat && lng < ((xj - xi) * (lat - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}

/**
 * The rule: null when it does not apply (the agency has no polygon, or the ticket no map point), else whether
 * the point lies inside one of the polygons.
 */
export function coveredByPolygons(point: { lat: number | null; lng: number | null }, polygons: readonly Polygon[]): boolean | null {
  if (polygons.length === 0 || point.lat === null || point.lng === null) return null;
  return polygons.some((p) => pointInPolygon(point.lat!, point.lng!, p));
}

function orientation(a: LatLng, b: LatLng, c: LatLng): number {
  const v = (b[1] - a[1]) * (c[0] - a[0]) - (b[0] - a[0]) * (c[1] - a[1]);
  return v > 1e-12 ? 1 : v < -1e-12 ? -1 : 0;
}

function onSegment(a: LatLng, b: LatLng, p: LatLng): boolean {
  return Math.min(a[0], b[0]) <= p[0] && p[0] <= Math.max(a[0], b[0]) && Math.min(a[1], b[1]) <= p[1] && p[1] <= Math.max(a[1], b[1]);
}

function segmentsCross(p1: LatLng, p2: LatLng, q1: LatLng, q2: LatLng): boolean {
  const o1 = orientation(p1, p2, q1);
  const o2 = orientation(p1, p2, q2);
  const o3 = orientation(q1, q2, p1);
  const o4 = orientation(q1, q2, p2);
  if (o1 !== o2 && o3 !== o4) return true;
  if (o1 === 0 && onSegment(p1, p2, q1)) return true;
  if (o2 === 0 && onSegment(p1, p2, q2)) return true;
  if (o3 === 0 && onSegment(q1, q2, p1)) return true;
  if (o4 === 0 && onSegment(q1, q2, p2)) return true;
  return false;
}

/** Two edges that are not neighbours touch or cross (O(n²); n ≤ MAX_VERTICES). */
export function isSelfIntersecting(polygon: Polygon): boolean {
  const n = polygon.length;
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      // neighbouring edges share a vertex
      if (j === i + 1 || (i === 0 && j === n - 1)) continue;
      if (segmentsCross(polygon[i]!, polygon[(i + 1) % n]!, polygon[j]!, polygon[(j + 1) % n]!)) return true;
    }
  }
  return false;
}

function withinIran([lat, lng]: LatLng): boolean {
  return lat >= IRAN_BOUNDS.minLat && lat <= IRAN_BOUNDS.maxLat && lng >= IRAN_BOUNDS.minLng && lng <= IRAN_BOUNDS.maxLng;
}

/** The first thing wrong with one polygon, or null. A repeated closing vertex is not counted. */
export function polygonError(polygon: Polygon): PolygonError | null {
  if (polygon.length < MIN_VERTICES) return "tooFew";
  if (polygon.length > MAX_VERTICES) return "tooMany";
  if (!polygon.every(withinIran)) return "outsideIran";
  if (new Set(polygon.map(([a, b]) => `${a},${b}`)).size < MIN_VERTICES) return "tooFew";
  if (isSelfIntersecting(polygon)) return "selfIntersecting";
  return null;
}

/** Drops a last vertex that repeats the first (a closed ring as pasted from elsewhere). */
function openRing(p: LatLng[]): LatLng[] {
  const first = p[0];
  const last = p[p.length - 1];
  return p.length > 1 && first && last && first[0] === last[0] && first[1] === last[1] ? p.slice(0, -1) : p;
}

const NUMBER = String.raw`[-+]?\d+(?:\.\d+)?`;
const VERTEX_LINE = new RegExp(String.raw`^(${NUMBER})\s*[,،\s]\s*(${NUMBER})$`);

/**
 * The text form (the keyboard fallback and the map's mirror): one vertex a line as "lat, lng", polygons
 * separated by an empty line. Persian or Arabic digits, the Persian comma and the decimal separator «٫» are
 * accepted. Returns the polygons, or the first error with the 1-based number of the polygon it is in.
 */
export function parsePolygonsText(text: string): { polygons: LatLng[][] } | { error: PolygonError; polygon: number } {
  const blocks = polygonBlocks(text);
  if (blocks.length > MAX_POLYGONS) return { error: "tooManyPolygons", polygon: MAX_POLYGONS + 1 };
  const polygons: LatLng[][] = [];
  for (const [i, lines] of blocks.entries()) {
    const vertices: LatLng[] = [];
    for (const line of lines) {
      const m = VERTEX_LINE.exec(line);
      if (!m) return { error: "format", polygon: i + 1 };
      vertices.push([Number(m[1]), Number(m[2])]);
    }
    const ring = openRing(vertices);
    const error = polygonError(ring);
    if (error) return { error, polygon: i + 1 };
    polygons.push(ring);
  }
  return { polygons };
}

/** The text's polygons as blocks of trimmed non-empty lines, digits made Latin. */
function polygonBlocks(text: string): string[][] {
  return toLatinDigits(text)
    .replace(/٫/g, ".")
    .replace(/\r/g, "")
    .split(/\n\s*\n/)
    .map((b) =>
      b
        .split("\n")
        .map((l) => l.trim())
        .filter(Boolean),
    )
    .filter((b) => b.length > 0);
}

/** The vertices the text names, unchecked and skipping lines that are not "lat, lng" (the map's view while typing). */
export function readPolygonVertices(text: string): LatLng[][] {
  return polygonBlocks(text).map((lines) =>
    lines.flatMap((line) => {
      const m = VERTEX_LINE.exec(line);
      return m ? [[Number(m[1]), Number(m[2])] as const] : [];
    }),
  );
}

/** Rounds to 6 decimals (≈ 10 cm), as the map writes them. */
const round6 = (n: number) => Math.round(n * 1e6) / 1e6;

export function polygonsToText(polygons: readonly Polygon[]): string {
  return polygons.map((p) => p.map(([lat, lng]) => `${round6(lat)}, ${round6(lng)}`).join("\n")).join("\n\n");
}

/** PostgreSQL's polygon literal: ((x1,y1),…) with x = lng, y = lat. */
export function toPgPolygon(polygon: Polygon): string {
  return `(${polygon.map(([lat, lng]) => `(${lng},${lat})`).join(",")})`;
}

/** PostgreSQL's polygon output, ((x1,y1),…), back to [lat, lng] vertices. */
export function fromPgPolygon(text: string): LatLng[] {
  return [...text.matchAll(/\(\s*([-+0-9.eE]+)\s*,\s*([-+0-9.eE]+)\s*\)/g)].map((m) => [Number(m[2]), Number(m[1])] as const);
}
