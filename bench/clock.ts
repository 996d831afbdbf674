/**
 * The working-day clock's speed (issue 15 §6): one million deadline computations — an SLA due time or an
 * offer deadline (addWorkingMinutes) from random instants over Jalali 1404–1406 (Nowruz and the year's end
 * included), with the call centre's hours and the 1405 official holidays, and with a handful of per-agency
 * hours; then the same number of workingMinutesBetween and addWorkingDays. Prints the rate of each.
 * Target: ≥ 1,000,000 deadline computations per second.
 *   npm run bench:clock [-- --n 1000000]
 */
import { holidayIsoDays, OFFICIAL_HOLIDAYS_SEED } from "../core/holidays";
import { addWorkingDays, addWorkingMinutes, DEFAULT_OFFICE_HOURS, makeWorkingCalendar, workingMinutesBetween, type WeeklyHours } from "../core/working-time";

const nArg = process.argv.indexOf("--n");
const N = nArg > 0 ? Number(process.argv[nArg + 1]) : 1_000_000;
const holidays = holidayIsoDays(OFFICIAL_HOLIDAYS_SEED);

const agencyHours: WeeklyHours[] = [
  DEFAULT_OFFICE_HOURS,
  { sat: ["09:00", "18:00"], sun: ["09:00", "18:00"], mon: ["09:00", "18:00"], tue: ["09:00", "18:00"], wed: ["09:00", "18:00"], thu: ["09:00", "14:00"], fri: null },
  { sat: ["08:00", "20:00"], sun: ["08:00", "20:00"], mon: ["08:00", "20:00"], tue: ["08:00", "20:00"], wed: ["08:00", "20:00"], thu: ["08:00", "14:00"], fri: null },
  { sat: ["18:00", "02:00"], sun: ["18:00", "02:00"], mon: ["18:00", "02:00"], tue: ["18:00", "02:00"], wed: ["18:00", "02:00"], thu: null, fri: null },
];
const t0 = performance.now();
const calendars = agencyHours.map((h) => makeWorkingCalendar(h, holidays));
const buildMs = (performance.now() - t0) / calendars.length;

// inputs drawn beforehand (a fixed-seed LCG), so the loop times the clock alone
let seed = 42;
const rand = () => ((seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648) / 2_147_483_648);
const from = Date.parse("2025-03-01T00:00:00+03:30");
const span = Date.parse("2027-04-30T00:00:00+03:30") - from;
const starts = new Float64Array(N);
const minutes = new Int32Array(N);
const cals = new Uint8Array(N);
for (let i = 0; i < N; i++) {
  starts[i] = from + Math.floor(rand() * span);
  // an offer's 30 minutes … a resolution's 10 working days
  minutes[i] = [30, 60, 240, 480, 1440, 2880, 4800][Math.floor(rand() * 7)]!;
  cals[i] = Math.floor(rand() * calendars.length);
}

function run(name: string, f: (i: number) => number): void {
  let sink = 0;
  for (let i = 0; i < Math.min(N, 50_000); i++) sink += f(i); // warm-up
  const t = performance.now();
  const cpu0 = process.cpuUsage();
  for (let i = 0; i < N; i++) sink += f(i);
  const cpu = process.cpuUsage(cpu0);
  const s = (performance.now() - t) / 1000;
  const cpuS = (cpu.user + cpu.system) / 1e6;
  const fmt = (x: number) => Math.round(x).toLocaleString("en");
  // the CPU rate says what one core does when the machine is shared (wall time then includes waiting for it)
  console.log(`${name.padEnd(24)} ${N.toLocaleString("en")} in ${(s * 1000).toFixed(0)} ms  →  ${fmt(N / s)} /s  (${fmt(N / cpuS)} per CPU second)${sink === 42 ? " " : ""}`);
}

console.log(`calendar build: ${buildMs.toFixed(2)} ms each (${calendars.length} calendars, Jalali 1400–1420 table)`);
run("addWorkingMinutes", (i) => addWorkingMinutes(starts[i]!, minutes[i]!, calendars[cals[i]!]!).getTime());
run("workingMinutesBetween", (i) => workingMinutesBetween(starts[i]!, starts[i]! + minutes[i]! * 180_000, calendars[cals[i]!]!));
run("addWorkingDays (7)", (i) => addWorkingDays(starts[i]!, 7, calendars[cals[i]!]!).getTime());
