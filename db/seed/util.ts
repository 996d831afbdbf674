import type { Insertable, Kysely } from "kysely";
import type { Database } from "../schema";
export { tehranDay } from "../../core/jalali";
export { toPersianDigits } from "../../core/digits";

/** mulberry32: a tiny, fast, seedable PRNG, so the demo data is the same on every run. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export class Rng {
  private readonly next: () => number;
  constructor(seed: number) {
    this.next = mulberry32(seed);
  }
  /** [0, 1) */
  float(): number {
    return this.next();
  }
  /** [min, max) */
  range(min: number, max: number): number {
    return min + (max - min) * this.next();
  }
  /** integer in [min, max] */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new Error("pick from an empty list");
    return items[Math.floor(this.next() * items.length)] as T;
  }
  /** Picks by weight: [[value, weight], …]. */
  weighted<T>(entries: readonly (readonly [T, number])[]): T {
    const total = entries.reduce((s, [, w]) => s + w, 0);
    let r = this.next() * total;
    for (const [v, w] of entries) {
      r -= w;
      if (r < 0) return v;
    }
    return entries[entries.length - 1]![0];
  }
  shuffle<T>(items: T[]): T[] {
    for (let i = items.length - 1; i > 0; i--) {
      const j = Math.floor(this.next() * (i + 1));
      [items[i], items[j]] = [items[j]!, items[i]!];
    }
    return items;
  }
  /** k distinct items (fewer when the list is shorter). */
  sample<T>(items: readonly T[], k: number): T[] {
    return this.shuffle([...items]).slice(0, k);
  }
  digits(n: number): string {
    let s = "";
    for (let i = 0; i < n; i++) s += String(Math.floor(this.next() * 10));
    return s;
  }
  /** A version-4-shaped UUID from this generator (deterministic, not for security). */
  uuid(): string {
    const hex = Array.from({ length: 32 }, () => Math.floor(this.next() * 16).toString(16));
    hex[12] = "4";
    hex[16] = "89ab"[Math.floor(this.next() * 4)]!;
    const h = hex.join("");
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
  }
}

export const MINUTE = 60_000;
export const HOUR = 60 * MINUTE;
export const DAY = 24 * HOUR;

/** Iran has kept UTC+03:30 all year since 2022. */
const TEHRAN_OFFSET = 3.5 * HOUR;

/** Hour of day on Tehran's wall clock (fractional). */
export function tehranHour(d: Date): number {
  const local = new Date(d.getTime() + TEHRAN_OFFSET);
  return local.getUTCHours() + local.getUTCMinutes() / 60;
}

/** The same Tehran calendar day at hh:mm Tehran time. */
export function atTehranTime(d: Date, hour: number, minute = 0): Date {
  const local = new Date(d.getTime() + TEHRAN_OFFSET);
  local.setUTCHours(hour, minute, 0, 0);
  return new Date(local.getTime() - TEHRAN_OFFSET);
}

export function addMs(d: Date, ms: number): Date {
  return new Date(d.getTime() + ms);
}

/** 'YYYY-MM-DD' + n days. */
export function addDays(isoDay: string, n: number): string {
  const d = new Date(`${isoDay}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + n);
  return d.toISOString().slice(0, 10);
}


type TableName = keyof Database;

/** Inserts rows in chunks (PostgreSQL allows at most 65535 parameters per statement). */
export async function insertRows<T extends TableName>(
  db: Kysely<Database>,
  table: T,
  rows: Insertable<Database[T]>[],
  chunk = 500,
): Promise<void> {
  for (let i = 0; i < rows.length; i += chunk) {
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    await db.insertInto(table).values(rows.slice(i, i + chunk) as any).execute();
  }
}

/**
 * Inserts rows in chunks and returns their generated ids in the order given. PostgreSQL's
 * INSERT … VALUES … RETURNING yields rows in VALUES order; the count is checked anyway.
 */
export async function insertRowsReturningIds<T extends TableName>(
  db: Kysely<Database>,
  table: T,
  rows: Insertable<Database[T]>[],
  chunk = 500,
): Promise<number[]> {
  const ids: number[] = [];
  for (let i = 0; i < rows.length; i += chunk) {
    const part = rows.slice(i, i + chunk);
    const out = (await db
      .insertInto(table)
      // eslint-disable-next-line @typescript-eslint/no-explicit-any
      .values(part as any)
      // eslint-disable-next-line @typescript-eslint/no-explicit-any
      .returning("id" as any)
      .execute()) as unknown as { id: number }[];
    if (out.length !== part.length) throw new Error(`insert into ${table}: expected ${part.length} ids, got ${out.length}`);
    for (const r of out) ids.push(Number(r.id));
  }
  return ids;
}
