/**
 * bench/dispatch's yardstick, independent of the engine: eligibility written again from the rules
 * (authorization, active status, service area or radius, working hours in Tehran time, capacity) over the
 * generated world, the check of an assignment against it, and the hindsight-optimal assignment of a day's
 * tickets solved exactly by HiGHS (an LP: the assignment / transportation polytope is integral), on each
 * ticket's nearest eligible agencies first, then proven optimal over all eligible agencies by the reduced
 * costs of the ones left out (column generation).
 */
import highsLoader from "highs";
import { skillOf, type BenchAgency, type Hours, type NewTicketSpec, type World } from "./dispatch-world";

export interface DayTicket {
  spec: NewTicketSpec;
  at: Date;
}

export interface Assignment {
  /** index into the day's tickets → the agency's index in world.agencies, or null: unassigned */
  agencyOf: (number | null)[];
}

// ---------------------------------------------------------------------------------------------
// Eligibility, from the world
// ---------------------------------------------------------------------------------------------

export function km(a: { lat: number; lng: number }, b: { lat: number; lng: number }): number {
  const r = Math.PI / 180;
  const dLat = (b.lat - a.lat) * r;
  const dLng = (b.lng - a.lng) * r;
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(a.lat * r) * Math.cos(b.lat * r) * Math.sin(dLng / 2) ** 2;
  return 2 * 6371.0088 * Math.asin(Math.min(1, Math.sqrt(h)));
}

const DAYS = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"];
const TEHRAN_MS = 210 * 60_000;
const minutes = (hm: string) => Number(hm.slice(0, 2)) * 60 + Number(hm.slice(3, 5));

/** Open at `at` (Tehran local time); {} is around the clock. The bench's hours never run past midnight. */
export function openAt(hours: Hours, at: Date): boolean {
  if (Object.keys(hours).length === 0) return true;
  const local = new Date(at.getTime() + TEHRAN_MS);
  const range = hours[DAYS[local.getUTCDay()]!];
  if (!range) return false;
  const m = local.getUTCHours() * 60 + local.getUTCMinutes();
  return minutes(range[0]) <= m && m < minutes(range[1]);
}

export function capacityOf(a: BenchAgency): number {
  return a.technicians > 0 ? a.dailyCapacity : 0;
}

/** Everything but capacity: authorized, active, the place in its area or radius, open at `at`. */
export function eligible(a: BenchAgency, t: NewTicketSpec, at: Date): boolean {
  if (a.status !== "active") return false;
  if (!a.skills.has(skillOf(t.brand, t.category))) return false;
  const inArea = a.areas.some((s) => s.province === t.place.province && (s.city === null || s.city === t.place.city));
  if (!inArea && !(a.radiusKm !== null && km(a, t) <= a.radiusKm)) return false;
  return openAt(a.hours, at);
}

export interface Check {
  assigned: number;
  unassigned: number;
  totalKm: number;
  capacityViolations: number;
  eligibilityViolations: number;
}

export function checkAssignment(world: World, day: readonly DayTicket[], capacity: readonly number[], a: Assignment): Check {
  const used = new Map<number, number>();
  let totalKm = 0;
  let assigned = 0;
  let eligibilityViolations = 0;
  a.agencyOf.forEach((j, i) => {
    if (j === null) return;
    assigned++;
    const agency = world.agencies[j]!;
    totalKm += km(agency, day[i]!.spec);
    if (!eligible(agency, day[i]!.spec, day[i]!.at)) eligibilityViolations++;
    used.set(j, (used.get(j) ?? 0) + 1);
  });
  let capacityViolations = 0;
  for (const [j, n] of used) if (n > capacity[j]!) capacityViolations += n - capacity[j]!;
  return { assigned, unassigned: day.length - assigned, totalKm, capacityViolations, eligibilityViolations };
}

// ---------------------------------------------------------------------------------------------
// The hindsight optimum (HiGHS)
// ---------------------------------------------------------------------------------------------

/** The price of leaving a ticket unassigned, in km: far above any distance, so the optimum assigns all it can. */
const UNASSIGNED_KM = 100_000;

export interface Optimum extends Assignment {
  totalKm: number;
  /** LP solves (rounds of column generation) */
  rounds: number;
  columns: number;
  arcsTotal: number;
}

/**
 * min Σ d_ij x_ij + M Σ u_i  s.t.  Σ_j x_ij + u_i = 1 (each ticket once, or unassigned),
 * Σ_i x_ij ≤ remaining capacity_j, x, u ≥ 0, over eligible (i, j) only. Solved on each ticket's `k` nearest
 * eligible agencies; an eligible arc left out whose reduced cost d_ij − y_i − z_j is negative is added and
 * the LP solved again, until none is: then the restricted optimum is the full one.
 */
export async function hindsightOptimum(world: World, day: readonly DayTicket[], capacity: readonly number[], k = 20): Promise<Optimum> {
  const highs = await highsLoader();
  // every eligible arc, nearest first
  const arcs: { j: number; d: number }[][] = day.map((t) =>
    world.agencies
      .map((a, j) => ({ a, j }))
      .filter(({ a, j }) => capacity[j]! > 0 && eligible(a, t.spec, t.at))
      .map(({ a, j }) => ({ j, d: km(a, t.spec) }))
      .sort((x, y) => x.d - y.d),
  );
  const arcsTotal = arcs.reduce((s, l) => s + l.length, 0);
  const inModel = arcs.map((l) => new Set(l.slice(0, k).map((x) => x.j)));
  let rounds = 0;
  for (;;) {
    rounds++;
    const agencies = [...new Set(inModel.flatMap((s) => [...s]))].sort((x, y) => x - y);
    const obj: string[] = [];
    const rows: string[] = [];
    const byAgency = new Map<number, string[]>();
    day.forEach((_, i) => {
      const terms = [`u${i}`];
      obj.push(` + ${UNASSIGNED_KM} u${i}`);
      for (const { j, d } of arcs[i]!) {
        if (!inModel[i]!.has(j)) continue;
        const v = `x${i}_${j}`;
        obj.push(` + ${d.toFixed(6)} ${v}`);
        terms.push(v);
        (byAgency.get(j) ?? byAgency.set(j, []).get(j)!).push(v);
      }
      rows.push(` t${i}: ${terms.join(" + ")} = 1`);
    });
    for (const j of agencies) rows.push(` c${j}: ${byAgency.get(j)!.join(" + ")} <= ${capacity[j]}`);
    const lp = `Minimize\n obj:${obj.join("\n")}\nSubject To\n${rows.join("\n")}\nEnd\n`;
    const sol = highs.solve(lp, { solver: "simplex", presolve: "off" });
    if (sol.Status !== "Optimal") throw new Error(`HiGHS: ${sol.Status}`);
    const cols = sol.Columns as Record<string, { Primal: number; Dual: number }>;
    const rowDuals = (sol.Rows as { Dual: number }[]).map((r) => r.Dual);
    const y = (i: number) => rowDuals[i]!;
    const z = new Map(agencies.map((j, n) => [j, rowDuals[day.length + n]!]));
    // the reduced cost is c − Aᵀy; HiGHS's row duals' sign is confirmed on the columns in the model
    let sign = 1;
    const mismatch = (sg: number) => {
      let worst = 0;
      arcs.forEach((l, i) => {
        for (const { j, d } of l) {
          const c = cols[`x${i}_${j}`];
          if (c) worst = Math.max(worst, Math.abs(c.Dual - (d - sg * (y(i) + (z.get(j) ?? 0)))));
        }
      });
      return worst;
    };
    if (mismatch(1) > 1e-5) {
      sign = -1;
      if (mismatch(-1) > 1e-5) throw new Error("HiGHS's duals do not price the model's columns");
    }
    const reduced = (i: number, j: number, d: number) => d - sign * (y(i) + (z.get(j) ?? 0));
    let added = 0;
    arcs.forEach((l, i) => {
      for (const { j, d } of l) {
        if (inModel[i]!.has(j)) continue;
        if (reduced(i, j, d) < -1e-7) {
          inModel[i]!.add(j);
          added++;
        }
      }
    });
    if (added === 0) {
      const agencyOf = day.map((_, i) => {
        for (const j of inModel[i]!) if ((cols[`x${i}_${j}`]?.Primal ?? 0) > 0.5) return j;
        return null;
      });
      const totalKm = agencyOf.reduce<number>((s, j, i) => (j === null ? s : s + km(world.agencies[j]!, day[i]!.spec)), 0);
      const fractional = Object.values(cols).filter((c) => c.Primal > 1e-6 && c.Primal < 1 - 1e-6).length;
      if (fractional) throw new Error(`the LP's solution is not integral (${fractional} fractional values)`);
      return { agencyOf, totalKm, rounds, columns: inModel.reduce((s, m) => s + m.size, 0), arcsTotal };
    }
  }
}
