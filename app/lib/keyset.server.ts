/**
 * A keyset page's position in a list ordered newest first by (instant, id): the `before` parameter holds
 * the last row of the previous page as "<epoch ms>.<id>". Bad input is no position (the first page).
 */
import { z } from "zod";
import { readSearchParams } from "./input.server";

export interface Keyset {
  at: Date;
  id: number;
}

const Before = z
  .string()
  .regex(/^\d{1,15}\.\d{1,15}$/)
  .transform((s) => {
    const [ms, id] = s.split(".").map(Number) as [number, number];
    return { at: new Date(ms), id };
  })
  .refine((k) => Number.isSafeInteger(k.id) && !Number.isNaN(k.at.getTime()));

export function parseKeyset(url: URL): Keyset | null {
  const r = Before.safeParse(readSearchParams(url).before);
  return r.success ? r.data : null;
}

/** The query string of the page after the one ending with `last` (the other parameters kept). */
export function nextPageSearch(url: URL, last: Keyset): string {
  const p = new URLSearchParams(url.search);
  p.set("before", `${last.at.getTime()}.${last.id}`);
  return p.toString();
}
