import { sql, type Insertable, type Kysely } from "kysely";
import type {
  ActorKind,
  Database,
  OfferStatus,
  Priority,
  Role,
  TicketChannel,
  TicketType,
  WarrantyStatus,
} from "../schema";
import { hashPassword } from "../../platform/password";
import { RecordingStore } from "../../platform/recording-store";
import { conversationSamples, encodeWav } from "../../platform/wav";
import { canTransition, DISPATCH_STATUSES, type TicketStatus } from "../../core/ticket";
import { warrantyExpiry, warrantyStatusOn } from "../../core/warranty";
import { jalaliYearMonth } from "../../core/jalali";
import { bearsReferralFee, referralFeeRials } from "../../core/referral-fee";
import { slaDueTimes } from "../../core/sla";
import { ALWAYS_OPEN } from "../../core/dispatch";
import { refreshAgencyPerformance } from "../repos/dispatch";
import { seedDemoScorecards } from "./demo-scorecards";
import { seedDemoScorecardClaims } from "./demo-scorecard-claims";
import { seedDemoCalls } from "./demo-calls";
import { seedDemoClaims } from "./demo-claims";
import { seedDemoDelays } from "./demo-delays";
import { seedDemoWorkingTime } from "./demo-working-time";
import { insertDemoRevenue } from "./demo-revenue";
import { seedDemoFeedback } from "./demo-feedback";
import { seedDemoParts } from "./demo-parts";
import { seedDemoAdminActions } from "./demo-admin";
import { seedDemoWarranty } from "./demo-warranty";
import {
  ALLEYS, AGENCY_BRANDS, BRANDS, CANCEL_REASONS, CATEGORIES, CITIES, COMPLAINT_PROBLEMS, FEMALE_NAMES,
  FOLLOW_UP_PROBLEMS, HAND_BACK_REASONS, HOLD_REASONS, HOTLINE, LAST_NAMES, MALE_NAMES, MOBILE_PREFIXES,
  REJECT_REASONS, SMS_LINE, STREETS, SURVEY_COMMENTS, TEHRAN_DISTRICTS,
  type BrandDef, type CategoryDef, type CityDef,
} from "./demo-data";
import {
  DAY, HOUR, MINUTE, Rng, addDays, addMs, atTehranTime, insertRows, insertRowsReturningIds, tehranDay,
  tehranHour, toPersianDigits,
} from "./util";

// ---------------------------------------------------------------------------------------------
// Public API
// ---------------------------------------------------------------------------------------------

/** Every demo account signs in with this password. */
export const DEMO_PASSWORD = "demo1234";

export interface DemoUser {
  username: string;
  role: Role;
  /** Code of the agency an agency user belongs to. */
  agencyCode: string | null;
  displayName: string;
}

export const DEMO_USERS: readonly DemoUser[] = [
  { username: "operator", role: "operator", agencyCode: null, displayName: "سارا محمدی" },
  { username: "operator2", role: "operator", agencyCode: null, displayName: "علی رضایی" },
  { username: "supervisor", role: "supervisor", agencyCode: null, displayName: "مهدی حسینی" },
  { username: "manager", role: "manager", agencyCode: null, displayName: "فرهاد کاظمی" },
  { username: "admin", role: "admin", agencyCode: null, displayName: "مدیر سامانه" },
  { username: "agency1", role: "agency_admin", agencyCode: "THR-001", displayName: "حسن اکبری" },
  { username: "agency1staff", role: "agency_staff", agencyCode: "THR-001", displayName: "نرگس صالحی" },
  { username: "agency2", role: "agency_admin", agencyCode: "THR-002", displayName: "رضا نوری" },
];

export interface SeedDemoOptions {
  /** The moment the data set is built around (tickets spread over the 60 days before it). */
  now?: Date;
  log?: (m: string) => void;
  /**
   * The recording store's directory (env.recordingsDir): the demo calls' recordings are written there as real,
   * playable WAV files. Without it the calls are loaded without recordings.
   */
  recordingsDir?: string;
  /** env.warrantyCodeSecret: the demo's warranty cards are hashed with it (default: the development key) */
  warrantyCodeSecret?: string;
}

/** Demo recordings are real generated audio of the call's talk time, capped to keep the data set small. */
export const DEMO_RECORDING_MAX_SECONDS = 20;
/** Distinct generated conversations the demo recordings are cut from (generating audio is the slow part). */
const DEMO_VOICES = 12;
const SAMPLE_RATE = 8000;

/** True when no user exists: the condition for loading the demo data. */
export async function isDatabaseEmpty(db: Kysely<Database>): Promise<boolean> {
  const row = await db.selectFrom("users").select("id").limit(1).executeTakeFirst();
  return row === undefined;
}

/**
 * Loads a believable Persian demo data set in one transaction. Deterministic: with the same
 * `now` it produces the same rows. Refuses to run on a database that already has users.
 */
export async function seedDemo(db: Kysely<Database>, opts: SeedDemoOptions = {}): Promise<void> {
  const now = opts.now ?? new Date();
  const log = opts.log ?? (() => {});
  const started = performance.now();
  if (!(await isDatabaseEmpty(db))) throw alreadySeeded();
  // argon2 is slow on purpose: hash once, outside the transaction, and share the hash.
  const passwordHash = await hashPassword(DEMO_PASSWORD);
  const load = async (trx: Kysely<Database>) => {
    // Two seeders started together must not both see an empty database.
    await sql`lock table users in exclusive mode`.execute(trx);
    if (!(await isDatabaseEmpty(trx))) throw alreadySeeded();
    const leftovers = await sql<{ n: number }>`
      select (select count(*) from agencies) + (select count(*) from brands)
           + (select count(*) from customers) + (select count(*) from tickets) as n`.execute(trx);
    if (Number(leftovers.rows[0]?.n ?? 0) > 0) {
      throw new Error("seedDemo: the database has no users but already holds agencies, catalogue or tickets; empty it first (npm run seed -- --reset)");
    }
    return new DemoBuilder(trx, now, passwordHash, opts.recordingsDir ? new RecordingStore(opts.recordingsDir) : null, opts.warrantyCodeSecret).run();
  };
  // inside a caller's transaction, use it; otherwise open one
  const counts = db.isTransaction ? await load(db) : await db.transaction().execute(load);
  const summary = Object.entries(counts).map(([k, v]) => `${k} ${v}`).join(", ");
  log(`[seed] demo data loaded in ${Math.round(performance.now() - started)} ms: ${summary}`);
}

function alreadySeeded(): Error {
  return new Error("seedDemo: the database already has users; refusing to load demo data on top (npm run seed -- --reset empties it first)");
}

// ---------------------------------------------------------------------------------------------
// Builder
// ---------------------------------------------------------------------------------------------

type DB = Kysely<Database>;

interface BrandRow { id: number; def: BrandDef }
interface CategoryRow { id: number; def: CategoryDef }
interface ModelRow { id: number; brand: BrandRow; category: CategoryRow; code: string; warrantyMonths: number }
interface TechRow { id: number; name: string; mobile: string }
interface RateRow { rate: number; from: string; to: string | null }
interface AgencyRow {
  id: number;
  code: string;
  name: string;
  city: CityDef;
  status: "active" | "suspended" | "terminated";
  mobile: string;
  techs: TechRow[];
  skills: Set<string>;
  provinceWide: boolean;
  rates: RateRow[];
  adminUserId: number | null;
}
interface AddressRow { id: number; city: CityDef; text: string; lat: number; lng: number }
interface ProductRow { id: number; model: ModelRow; expiresOn: string | null }
interface CustomerRow { id: number; name: string; mobile: string; address: AddressRow; products: ProductRow[] }
interface UserRow { id: number; username: string; displayName: string }

interface Actor { kind: ActorKind; userId: number | null; label: string | null }

interface EventPlan {
  at: Date;
  type: "created" | "status_changed" | "offer_sent" | "offer_rejected";
  from: TicketStatus | null;
  to: TicketStatus | null;
  actor: Actor;
  data: Record<string, unknown>;
}

interface OfferPlan {
  agency: AgencyRow;
  attempt: number;
  status: OfferStatus;
  offeredAt: Date;
  deadlineAt: Date;
  respondedAt: Date | null;
  reason: string | null;
  respondedBy: number | null;
  tech: TechRow | null;
  visitFrom: Date | null;
  visitTo: Date | null;
}

interface OfferSlot { outcome: "rejected" | "expired" | "accepted" | "pending" | "withdrawn"; start: number; end: number }

interface CompletionPlan {
  at: Date;
  agency: AgencyRow;
  tech: TechRow | null;
  work: string;
  invoiceNumber: string | null;
  invoice: number;
  parts: { code: string; name: string; serial: string | null; qty: number; price: number }[];
}

interface SurveyPlan {
  channel: "ivr_dtmf" | "operator_call" | "sms" | "web";
  status: "pending" | "answered" | "no_answer" | "refused";
  score: number | null;
  comment: string | null;
  operator: UserRow | null;
  createdAt: Date;
  surveyedAt: Date | null;
  complaintIdx: number | null;
}

interface TicketPlan {
  idx: number;
  id: number;
  number: number;
  type: TicketType;
  channel: TicketChannel;
  customer: CustomerRow;
  product: ProductRow | null;
  description: string;
  warranty: WarrantyStatus;
  priority: Priority;
  status: TicketStatus;
  agency: AgencyRow | null;
  tech: TechRow | null;
  relatedIdx: number | null;
  creator: UserRow | null;
  createdAt: Date;
  updatedAt: Date;
  closedAt: Date | null;
  events: EventPlan[];
  offers: OfferPlan[];
  completion: CompletionPlan | null;
  survey: SurveyPlan | null;
  /** the first inbound call registered it */
  hasInboundCall: boolean;
}

/** Legal paths from `new`, by final status. Each is checked against the status machine. */
const BREAKDOWN_PATHS: Record<TicketStatus, [TicketStatus[], number][]> = {
  new: [[["new"], 1]],
  dispatching: [[["new", "dispatching"], 8], [["new", "dispatching", "new", "dispatching"], 2]],
  assigned: [[["new", "dispatching", "assigned"], 8], [["new", "dispatching", "assigned", "dispatching", "assigned"], 2]],
  scheduled: [[["new", "dispatching", "assigned", "scheduled"], 1]],
  in_progress: [[["new", "dispatching", "assigned", "scheduled", "in_progress"], 7], [["new", "dispatching", "assigned", "in_progress"], 3]],
  on_hold: [[["new", "dispatching", "assigned", "scheduled", "in_progress", "on_hold"], 1]],
  completed: [
    [["new", "dispatching", "assigned", "scheduled", "in_progress", "completed"], 7],
    [["new", "dispatching", "assigned", "scheduled", "in_progress", "on_hold", "in_progress", "completed"], 2],
    [["new", "dispatching", "assigned", "in_progress", "completed"], 2],
  ],
  closed: [
    [["new", "dispatching", "assigned", "scheduled", "in_progress", "completed", "closed"], 14],
    [["new", "dispatching", "assigned", "scheduled", "in_progress", "on_hold", "in_progress", "completed", "closed"], 3],
    [["new", "dispatching", "assigned", "in_progress", "completed", "closed"], 3],
    [["new", "dispatching", "new", "dispatching", "assigned", "scheduled", "in_progress", "completed", "closed"], 1],
    [["new", "dispatching", "assigned", "scheduled", "in_progress", "completed", "in_progress", "completed", "closed"], 1],
    [["new", "dispatching", "assigned", "scheduled", "dispatching", "assigned", "scheduled", "in_progress", "completed", "closed"], 1],
  ],
  cancelled: [
    [["new", "cancelled"], 4],
    [["new", "dispatching", "cancelled"], 2],
    [["new", "dispatching", "new", "cancelled"], 1],
    [["new", "dispatching", "assigned", "cancelled"], 2],
    [["new", "dispatching", "assigned", "scheduled", "cancelled"], 2],
    [["new", "dispatching", "assigned", "scheduled", "in_progress", "on_hold", "cancelled"], 1],
  ],
};

/** Follow-ups and complaints are handled in-house: never offered to an agency. */
const IN_HOUSE_PATHS: Partial<Record<TicketStatus, [TicketStatus[], number][]>> = {
  new: [[["new"], 1]],
  in_progress: [[["new", "in_progress"], 1]],
  on_hold: [[["new", "in_progress", "on_hold"], 1]],
  completed: [[["new", "in_progress", "completed"], 1]],
  closed: [[["new", "closed"], 3], [["new", "in_progress", "completed", "closed"], 2]],
  cancelled: [[["new", "cancelled"], 1]],
};

/** Minutes a ticket stays before each move (dispatching segments come from their offers). */
const DURATIONS: Record<string, [number, number]> = {
  "new>dispatching": [2, 25],
  "new>in_progress": [5, 240],
  "new>closed": [2, 15],
  "new>cancelled": [5, 600],
  "assigned>scheduled": [20, 600],
  "assigned>in_progress": [120, 2880],
  "assigned>dispatching": [30, 300],
  "assigned>cancelled": [60, 2880],
  "scheduled>in_progress": [600, 4320],
  "scheduled>on_hold": [600, 4320],
  "scheduled>dispatching": [120, 1440],
  "scheduled>cancelled": [60, 2880],
  "in_progress>on_hold": [30, 120],
  "in_progress>completed": [30, 180],
  "in_progress>cancelled": [30, 240],
  "on_hold>in_progress": [1440, 7200],
  "on_hold>cancelled": [1440, 7200],
  "completed>closed": [720, 5760],
  "completed>in_progress": [1440, 4320],
};

/** Minutes since the last move, for tickets still open. */
const TAILS: Partial<Record<TicketStatus, [number, number]>> = {
  new: [5, 600],
  assigned: [30, 2400],
  scheduled: [60, 2400],
  in_progress: [30, 4320],
  on_hold: [600, 7200],
  completed: [60, 4320],
};

const STATUS_TARGETS: [TicketStatus, number][] = [
  ["new", 20], ["dispatching", 18], ["assigned", 24], ["scheduled", 24], ["in_progress", 28],
  ["on_hold", 12], ["completed", 32], ["closed", 112], ["cancelled", 24],
];

const HISTORY_DAYS = 60;
const OFFER_WINDOW = 60 * MINUTE;
const SYSTEM: Actor = { kind: "system", userId: null, label: "سامانه" };

const SEED = 1405_09_02;

class DemoBuilder {
  /**
   * Re-seeded per phase and per ticket, so that a draw that depends on the clock (time of day,
   * month boundaries) changes only its own ticket, never the rest of the data set.
   */
  private rng = new Rng(SEED);
  private readonly usedMobiles = new Set<string>();
  private brands: BrandRow[] = [];
  private categories: CategoryRow[] = [];
  private models: ModelRow[] = [];
  private agencies: AgencyRow[] = [];
  private users = new Map<string, UserRow>();
  private customers: CustomerRow[] = [];
  private plans: TicketPlan[] = [];
  private readonly counts: Record<string, number> = {};

  constructor(
    private readonly db: DB,
    private readonly now: Date,
    private readonly passwordHash: string,
    private readonly recordingStore: RecordingStore | null,
    private readonly warrantyCodeSecret?: string,
  ) {}

  async run(): Promise<Record<string, number>> {
    const phases: (() => unknown)[] = [
      () => this.catalogue(),
      () => this.agencyNetwork(),
      () => this.userAccounts(),
      () => this.customerBase(),
      () => this.planTickets(),
      () => this.insertTickets(),
      () => this.insertHistory(),
      () => this.insertCalls(),
      () => this.insertCompletions(),
      () => this.insertSurveys(),
      () => this.insertSms(),
      () => this.insertAudit(),
      async () => Object.assign(this.counts, await seedDemoDelays(this.db, this.now)),
      () => refreshAgencyPerformance(this.db, this.now),
      () => seedDemoCalls(this.db, this.now),
      async () => this.count("agency_ledger", await insertDemoRevenue(this.db, this.now)),
      () => seedDemoFeedback(this.db, this.now),
      async () => this.count("part_requests", await seedDemoParts(this.db, this.now)),
      () => seedDemoScorecards(this.db, this.now),
      async () => Object.assign(this.counts, await seedDemoClaims(this.db, this.now)),
      async () => Object.assign(this.counts, await seedDemoWorkingTime(this.db, this.now)),
      async () => Object.assign(this.counts, await seedDemoWarranty(this.db, this.now, this.warrantyCodeSecret)),
      async () => Object.assign(this.counts, await seedDemoAdminActions(this.db, this.now)),
      () => seedDemoScorecardClaims(this.db, this.now),
    ];
    for (const [i, phase] of phases.entries()) {
      this.rng = new Rng(SEED + i);
      await phase();
    }
    return this.counts;
  }

  private count(table: string, n: number) {
    this.counts[table] = (this.counts[table] ?? 0) + n;
  }

  private async insert<T extends keyof Database>(table: T, rows: Insertable<Database[T]>[]): Promise<void> {
    await insertRows(this.db, table, rows);
    this.count(table, rows.length);
  }

  private async insertIds<T extends keyof Database>(table: T, rows: Insertable<Database[T]>[]): Promise<number[]> {
    const ids = await insertRowsReturningIds(this.db, table, rows);
    this.count(table, rows.length);
    return ids;
  }

  // ----- helpers -----

  private mobile(): string {
    for (;;) {
      const m = `+98${this.rng.pick(MOBILE_PREFIXES)}${this.rng.digits(7)}`;
      if (!this.usedMobiles.has(m)) {
        this.usedMobiles.add(m);
        return m;
      }
    }
  }

  private personName(female = this.rng.chance(0.5)): string {
    return `${this.rng.pick(female ? FEMALE_NAMES : MALE_NAMES)} ${this.rng.pick(LAST_NAMES)}`;
  }

  private minutes([min, max]: [number, number]): number {
    return this.rng.range(min, max) * MINUTE;
  }

  private user(username: string): UserRow {
    const u = this.users.get(username);
    if (!u) throw new Error(`demo user ${username} missing`);
    return u;
  }

  private operator(): UserRow {
    return this.user(this.rng.weighted([["operator", 5], ["operator2", 4], ["supervisor", 1]] as const));
  }

  private userActor(u: UserRow): Actor {
    return { kind: "user", userId: u.id, label: u.displayName };
  }

  private agencyActor(a: AgencyRow): Actor {
    return { kind: "agency", userId: a.adminUserId, label: a.name };
  }

  private techActor(t: TechRow | null, a: AgencyRow | null): Actor {
    return t ? { kind: "technician", userId: null, label: t.name } : a ? this.agencyActor(a) : SYSTEM;
  }

  // ----- catalogue -----

  private async catalogue() {
    const brandIds = await this.insertIds("brands", BRANDS.map((b) => ({ code: b.code, name_fa: b.nameFa, name_en: b.nameEn })));
    this.brands = BRANDS.map((def, i) => ({ id: brandIds[i]!, def }));
    const catIds = await this.insertIds(
      "product_categories",
      CATEGORIES.map((c) => ({ code: c.code, name_fa: c.nameFa, name_en: c.nameEn, default_warranty_months: c.warrantyMonths })),
    );
    this.categories = CATEGORIES.map((def, i) => ({ id: catIds[i]!, def }));

    const rows: Insertable<Database["product_models"]>[] = [];
    const pending: Omit<ModelRow, "id">[] = [];
    for (const brand of this.brands) {
      for (const catCode of brand.def.categories) {
        const category = this.categories.find((c) => c.def.code === catCode)!;
        for (let k = 0; k < 2; k++) {
          const code = `${brand.def.prefix}-${category.def.prefix}${300 + k * 250 + this.rng.int(0, 199)}`;
          const special = this.rng.chance(0.15) ? category.def.warrantyMonths + 12 : null;
          rows.push({
            brand_id: brand.id,
            category_id: category.id,
            model_code: code,
            name: `${category.def.nameFa} ${brand.def.nameFa} مدل ${code}`,
            warranty_months: special,
          });
          pending.push({ brand, category, code, warrantyMonths: special ?? category.def.warrantyMonths });
        }
      }
    }
    const ids = await this.insertIds("product_models", rows);
    this.models = pending.map((m, i) => ({ ...m, id: ids[i]! }));
    // the spare-parts catalogue: each model's parts at a list price between the category's typical bounds
    await this.insert(
      "spare_parts",
      this.models.flatMap((m) =>
        m.category.def.parts.map(([code, name, serialized, min, max]) => ({
          model_id: m.id,
          code,
          name,
          serialized,
          list_price_rials: Math.round((min + (max - min) / 2) / 100_000) * 100_000,
        })),
      ),
    );
  }

  // ----- agencies -----

  private async agencyNetwork() {
    const rng = this.rng;
    const seq = new Map<string, number>();
    const bizNames = rng.shuffle([...AGENCY_BRANDS]);
    let biz = 0;
    const inactive: Record<string, ["suspended" | "terminated", string, number]> = {
      "ISF-004": ["suspended", "تعلیق موقت به دلیل شکایات مکرر مشتریان از تأخیر در مراجعه", 12],
      "KHR-004": ["terminated", "قطع همکاری به دلیل دریافت وجه خارج از تعرفه از مشتریان", 40],
      "KHZ-002": ["suspended", "تعلیق تا تمدید پروانه کسب و قرارداد نمایندگی", 5],
    };
    const managers: Record<string, string> = { "THR-001": "حسن اکبری", "THR-002": "رضا نوری" };
    const pairs = this.models.map((m) => `${m.brand.id}:${m.category.id}`);
    const allSkills = [...new Set(pairs)];

    const rows: Insertable<Database["agencies"]>[] = [];
    const pending: Omit<AgencyRow, "id" | "adminUserId">[] = [];
    const firstInProvince = new Set<string>();
    let tehranDistrict = 0;
    for (const city of CITIES) {
      for (let i = 0; i < city.agencies; i++) {
        const n = (seq.get(city.prefix) ?? 0) + 1;
        seq.set(city.prefix, n);
        const code = `${city.prefix}-${String(n).padStart(3, "0")}`;
        const label = city.city === "تهران" ? TEHRAN_DISTRICTS[tehranDistrict++] ?? city.city : city.city;
        const name = `نمایندگی مجاز ${bizNames[biz++ % bizNames.length]} سرویس - ${label}`;
        const spread = city.city === "تهران" ? 0.06 : 0.015;
        const [status, reason, daysAgo] = inactive[code] ?? ["active", null, 0];
        const contractStart = addDays("2019-03-21", rng.int(0, 1900));
        const mobile = this.mobile();
        const techCount = code === "THR-001" ? 4 : code === "THR-002" ? 3 : rng.int(2, 5);
        const open = rng.pick(["08:00", "08:30", "09:00"]);
        const close = rng.pick(["17:00", "18:00", "19:00"]);
        const hours: Record<string, [string, string] | null> = {
          sat: [open, close], sun: [open, close], mon: [open, close], tue: [open, close], wed: [open, close],
          thu: rng.chance(0.7) ? [open, "13:00"] : null,
          fri: null,
        };
        const provinceWide = city.city === CITIES.find((c) => c.province === city.province)!.city && !firstInProvince.has(city.province);
        if (provinceWide) firstInProvince.add(city.province);
        // THR-001 and THR-002 repair everything: the agency portal demo needs their tickets.
        let skills: Set<string>;
        if (code === "THR-001" || code === "THR-002") skills = new Set(allSkills);
        else {
          skills = new Set();
          for (const b of rng.sample(this.brands, rng.int(3, 5))) {
            const cats = this.models.filter((m) => m.brand.id === b.id).map((m) => m.category.id);
            for (const c of new Set(cats)) if (rng.chance(0.75)) skills.add(`${b.id}:${c}`);
          }
        }
        rows.push({
          code,
          name,
          manager_name: managers[code] ?? this.personName(rng.chance(0.2)),
          phones: [`${city.areaCode}${rng.int(3, 8)}${rng.digits(7)}`, ...(rng.chance(0.5) ? [`${city.areaCode}${rng.int(3, 8)}${rng.digits(7)}`] : [])],
          mobile,
          email: rng.chance(0.6) ? `${code.toLowerCase().replace("-", "")}@agencies.example` : null,
          status,
          status_reason: reason,
          status_changed_at: status === "active" ? new Date(`${contractStart}T05:30:00Z`) : addMs(this.now, -daysAgo * DAY),
          contract_start: contractStart,
          contract_end: rng.chance(0.4) ? addDays(tehranDay(this.now), rng.int(90, 900)) : null,
          province: city.province,
          city: city.city,
          address_text: `${city.city}، خیابان ${rng.pick(STREETS)}، پلاک ${toPersianDigits(rng.int(1, 400))}`,
          lat: round6(city.lat + rng.range(-spread, spread)),
          lng: round6(city.lng + rng.range(-spread, spread)),
          service_radius_km: city.city === "تهران" ? rng.int(10, 25) : rng.int(20, 60),
          technician_count: techCount,
          daily_job_capacity: techCount * rng.int(3, 5),
          working_hours: JSON.stringify(DEMO_DISPATCH_AGENCIES[code] ? ALWAYS_OPEN : hours),
        });
        const fixed = DEMO_DISPATCH_AGENCIES[code];
        if (fixed) {
          // the dispatch demo (README "Try it: dispatch"): 24/7, at a known place, with room for new work
          const row = rows[rows.length - 1]!;
          row.lat = fixed.lat;
          row.lng = fixed.lng;
          row.daily_job_capacity = techCount * 10;
        }
        pending.push({
          code, name, city, status, mobile, techs: Array.from({ length: techCount }, () => ({ id: 0, name: "", mobile: "" })),
          skills, provinceWide, rates: [],
        });
      }
    }
    // The demo product's brand × category (DEMO_PRODUCT_MODEL): near Tehran only THR-001 and THR-002 repair it,
    // so a breakdown of the demo caller's product goes to THR-001 first and THR-002 next, at any hour.
    const demoModel = this.models[DEMO_PRODUCT_MODEL]!;
    const demoSkill = `${demoModel.brand.id}:${demoModel.category.id}`;
    const tehran = CITIES[0]!;
    for (const a of pending) {
      if (!DEMO_DISPATCH_AGENCIES[a.code] && distanceKm(a.city, tehran) < DEMO_EXCLUSIVE_KM) a.skills.delete(demoSkill);
    }
    const ids = await this.insertIds("agencies", rows);
    this.agencies = pending.map((a, i) => ({ ...a, id: ids[i]!, adminUserId: null }));

    // service areas, authorisations, fee rates, technicians
    const areas: Insertable<Database["agency_service_areas"]>[] = [];
    const auths: Insertable<Database["agency_authorizations"]>[] = [];
    const rates: Insertable<Database["agency_fee_rates"]>[] = [];
    const techRows: Insertable<Database["technicians"]>[] = [];
    const rateChangeDay = tehranDay(addMs(this.now, -25 * DAY));
    this.agencies.forEach((a, i) => {
      const contractStart = rows[i]!.contract_start as string;
      areas.push({ agency_id: a.id, province: a.city.province, city: a.city.city });
      if (a.provinceWide || a.code === "THR-002") areas.push({ agency_id: a.id, province: a.city.province, city: null });
      for (const s of [...a.skills].sort()) {
        const [brandId, categoryId] = s.split(":").map(Number) as [number, number];
        auths.push({ agency_id: a.id, brand_id: brandId, category_id: categoryId, granted_on: contractStart });
      }
      if (a.code === "THR-001") {
        // the one agency whose referral rate changed: a closed range, then the current one
        a.rates = [{ rate: 10, from: contractStart, to: rateChangeDay }, { rate: 12, from: rateChangeDay, to: null }];
      } else {
        a.rates = [{ rate: this.rng.pick([8, 9, 10, 10, 11, 12, 12.5, 13, 14, 15]), from: contractStart, to: null }];
      }
      for (const r of a.rates) rates.push({ agency_id: a.id, rate_percent: r.rate, effective_from: r.from, effective_to: r.to });
      for (const t of a.techs) {
        t.name = this.personName(this.rng.chance(0.08));
        t.mobile = this.mobile();
        techRows.push({ agency_id: a.id, full_name: t.name, mobile: t.mobile, created_at: new Date(`${contractStart}T06:00:00Z`) });
      }
    });
    await this.insert("agency_service_areas", areas);
    await this.insert("agency_authorizations", auths);
    await this.insert("agency_fee_rates", rates);
    const techIds = await this.insertIds("technicians", techRows);
    let k = 0;
    for (const a of this.agencies) for (const t of a.techs) t.id = techIds[k++]!;
  }

  private agencyByCode(code: string): AgencyRow {
    const a = this.agencies.find((x) => x.code === code);
    if (!a) throw new Error(`demo agency ${code} missing`);
    return a;
  }

  // ----- users -----

  private async userAccounts() {
    const rows = DEMO_USERS.map((u) => ({
      username: u.username,
      display_name: u.displayName,
      role: u.role,
      agency_id: u.agencyCode ? this.agencyByCode(u.agencyCode).id : null,
      password_hash: this.passwordHash,
      mobile: this.mobile(),
      created_at: addMs(this.now, -(HISTORY_DAYS + 30) * DAY),
    }));
    const ids = await this.insertIds("users", rows);
    DEMO_USERS.forEach((u, i) => {
      this.users.set(u.username, { id: ids[i]!, username: u.username, displayName: u.displayName });
      if (u.role === "agency_admin" && u.agencyCode) this.agencyByCode(u.agencyCode).adminUserId = ids[i]!;
    });
    // call-centre staff have a phone extension and take every queue; they start signed out of the queue
    const deskUsers = DEMO_USERS.flatMap((u, i) => (u.role === "operator" || u.role === "supervisor" ? [ids[i]!] : []));
    await this.insert(
      "operators",
      deskUsers.map((userId, i) => ({
        user_id: userId,
        extension: String(101 + i),
        skills: ["breakdown", "follow_up", "complaint"],
        presence: "offline" as const,
        presence_since: this.now,
      })),
    );
  }

  // ----- customers -----

  private async customerBase() {
    const rng = this.rng;
    const cityWeights = CITIES.map((c) => [c, c.customerWeight] as const);
    const people: { name: string; mobile: string; city: CityDef; created: Date }[] = [];
    const rows: Insertable<Database["customers"]>[] = [];
    for (let i = 0; i < 150; i++) {
      const city = rng.weighted(cityWeights);
      const name = this.personName();
      const mobile = this.mobile();
      const created = addMs(this.now, -rng.range(HISTORY_DAYS + 1, 900) * DAY);
      const other: string[] = [];
      if (rng.chance(0.25)) other.push(`${city.areaCode}${rng.int(2, 8)}${rng.digits(7)}`);
      if (rng.chance(0.08)) other.push(this.mobile());
      people.push({ name, mobile, city, created });
      rows.push({
        full_name: name,
        mobile,
        other_phones: other,
        national_code: rng.chance(0.4) ? nationalCode(rng) : null,
        notes: rng.chance(0.05) ? "ترجیح می‌دهد بعد از ساعت ۱۷ با او تماس گرفته شود" : null,
        created_at: created,
        updated_at: created,
      });
    }
    const ids = await this.insertIds("customers", rows);

    const addrRows: Insertable<Database["customer_addresses"]>[] = [];
    const defaults: Omit<AddressRow, "id">[] = [];
    // the first customer is the desk's demo caller (db/repos/desk.ts demoCallerMobile): in Tehran, at a known place
    people[0]!.city = CITIES[0]!;
    people.forEach((p, i) => {
      const spread = p.city.city === "تهران" ? 0.08 : 0.025;
      const text = `خیابان ${rng.pick(STREETS)}، کوچه ${rng.pick(ALLEYS)}، پلاک ${toPersianDigits(rng.int(1, 250))}، واحد ${toPersianDigits(rng.int(1, 12))}`;
      let lat = round6(p.city.lat + rng.range(-spread, spread));
      let lng = round6(p.city.lng + rng.range(-spread, spread));
      if (i === 0) [lat, lng] = [DEMO_CALLER_PLACE.lat, DEMO_CALLER_PLACE.lng];
      addrRows.push({
        customer_id: ids[i]!, label: "منزل", province: p.city.province, city: p.city.city, address_text: text,
        postal_code: rng.chance(0.5) ? `${rng.int(1, 9)}${rng.digits(9)}` : null, lat, lng, is_default: true, created_at: p.created,
      });
      defaults.push({ city: p.city, text, lat, lng });
    });
    const addrIds = await this.insertIds("customer_addresses", addrRows);
    // a few customers also have a work address
    const extra: Insertable<Database["customer_addresses"]>[] = [];
    people.forEach((p, i) => {
      if (!rng.chance(0.1)) return;
      extra.push({
        customer_id: ids[i]!, label: "محل کار", province: p.city.province, city: p.city.city,
        address_text: `بلوار ${rng.pick(STREETS)}، ساختمان ${rng.pick(AGENCY_BRANDS)}، طبقه ${toPersianDigits(rng.int(1, 9))}`,
        lat: round6(p.city.lat + rng.range(-0.02, 0.02)), lng: round6(p.city.lng + rng.range(-0.02, 0.02)), is_default: false,
        created_at: p.created,
      });
    });
    await this.insert("customer_addresses", extra);

    const prodRows: Insertable<Database["customer_products"]>[] = [];
    const prodOwners: { customer: number; model: ModelRow; expiresOn: string | null }[] = [];
    const serials = new Set<string>();
    people.forEach((p, i) => {
      const n = rng.weighted([[1, 70], [2, 25], [3, 5]] as const);
      for (let k = 0; k < n; k++) {
        const drawn = rng.pick(this.models);
        const model = i === 0 && k === 0 ? this.models[DEMO_PRODUCT_MODEL]! : drawn;
        const r = rng.float();
        const purchase = r < 0.05 ? null : tehranDay(addMs(this.now, -(r < 0.55 ? rng.range(20, 700) : rng.range(700, 2200)) * DAY));
        const expiresOn = warrantyExpiry(purchase, model.warrantyMonths);
        let serial: string;
        do {
          serial = `${model.brand.def.prefix}${model.category.def.prefix}${(purchase ?? "2000").slice(2, 4)}${rng.digits(7)}`;
        } while (serials.has(serial));
        serials.add(serial);
        prodRows.push({
          customer_id: ids[i]!, model_id: model.id, serial_number: serial, purchase_date: purchase,
          warranty_months: model.warrantyMonths, warranty_expires_on: expiresOn,
          invoice_ref: purchase && rng.chance(0.6) ? `F-${rng.digits(6)}` : null, created_at: p.created,
        });
        prodOwners.push({ customer: i, model, expiresOn });
      }
    });
    const prodIds = await this.insertIds("customer_products", prodRows);
    this.customers = people.map((p, i) => ({
      id: ids[i]!, name: p.name, mobile: p.mobile, address: { id: addrIds[i]!, ...defaults[i]! }, products: [],
    }));
    prodOwners.forEach((o, k) => this.customers[o.customer]!.products.push({ id: prodIds[k]!, model: o.model, expiresOn: o.expiresOn }));
  }

  // ----- tickets: planning -----

  private planTickets() {
    const statuses: TicketStatus[] = [];
    for (const [s, n] of STATUS_TARGETS) for (let i = 0; i < n; i++) statuses.push(s);
    this.rng.shuffle(statuses);
    const tehranis = this.customers.filter((c) => c.address.city.city === "تهران");
    let waiting = 0;
    for (const [k, status] of statuses.entries()) {
      const rng = (this.rng = new Rng(SEED + 7919 * (k + 1)));
      const dispatchOnly = (DISPATCH_STATUSES as readonly TicketStatus[]).includes(status);
      const type: TicketType = dispatchOnly ? "breakdown" : rng.weighted([["breakdown", 82], ["follow_up", 12], ["complaint", 6]] as const);
      // the agency portal demo needs offers waiting for THR-001 and THR-002
      const preferAgency = status === "dispatching" && waiting < 6 ? (waiting++ % 2 === 0 ? "THR-001" : "THR-002") : undefined;
      const customer = rng.pick(preferAgency ? tehranis : this.customers);
      const product = type === "breakdown" || rng.chance(type === "follow_up" ? 0.6 : 0.5) ? rng.pick(customer.products) : null;
      const paths = type === "breakdown" ? BREAKDOWN_PATHS[status] : IN_HOUSE_PATHS[status]!;
      const path = rng.weighted(paths);
      this.planTicket({ type, customer, product, path, preferAgency });
    }
    // complaints raised in unhappy satisfaction calls
    let spawned = 0;
    for (const p of [...this.plans]) {
      const s = p.survey;
      if (!s || s.status !== "answered" || (s.score ?? 5) > 2 || !s.surveyedAt) continue;
      const rng = (this.rng = new Rng(SEED - 7919 * (p.idx + 1)));
      if (spawned >= 2 && !rng.chance(0.5)) continue;
      const created = addMs(s.surveyedAt, rng.range(5, 30) * MINUTE);
      if (created.getTime() > this.now.getTime() - 5 * MINUTE) continue;
      const c = this.planComplaint(p, created, s);
      s.complaintIdx = c.idx;
      spawned++;
    }
    // follow-ups usually concern an earlier request of the same customer
    const rng = (this.rng = new Rng(SEED - 1));
    for (const p of this.plans) {
      const [link, r] = [rng.chance(0.7), rng.float()];
      if (p.type !== "follow_up" || !link) continue;
      const earlier = this.plans.filter((q) => q.customer === p.customer && q.idx !== p.idx && q.createdAt < p.createdAt);
      if (earlier.length) p.relatedIdx = earlier[Math.floor(r * earlier.length)]!.idx;
    }
    this.checkPlans();
  }

  private planTicket(o: {
    type: TicketType;
    customer: CustomerRow;
    product: ProductRow | null;
    path: TicketStatus[];
    createdAt?: Date;
    channel?: TicketChannel;
    creator?: UserRow;
    description?: string;
    priority?: Priority;
    relatedIdx?: number;
    preferAgency?: string;
  }): TicketPlan {
    const rng = this.rng;
    const { type, path } = o;
    for (let i = 1; i < path.length; i++) {
      if (!canTransition(path[i - 1]!, path[i]!, type)) throw new Error(`demo path ${path.join(">")} is illegal for ${type}`);
    }
    const final = path[path.length - 1]!;

    // durations of each move, and the offers made while dispatching
    const durations: number[] = [];
    const offerSlots = new Map<number, OfferSlot[]>();
    for (let i = 1; i < path.length; i++) {
      const from = path[i - 1]!;
      const to = path[i]!;
      if (from === "dispatching") {
        const { slots, duration } = this.offerSlots(to);
        offerSlots.set(i - 1, slots);
        durations.push(duration);
      } else {
        const range = DURATIONS[`${from}>${to}`];
        if (!range) throw new Error(`no duration for ${from}>${to}`);
        durations.push(this.minutes(type === "breakdown" || from !== "in_progress" || to !== "completed" ? range : [60, 2880]));
      }
    }
    const total = durations.reduce((a, b) => a + b, 0);
    let createdAt: Date;
    if (o.createdAt) {
      createdAt = o.createdAt;
    } else {
      let tail: number;
      if (final === "dispatching") {
        const { slots, duration } = this.offerSlots(null);
        offerSlots.set(path.length - 1, slots);
        tail = duration;
      } else if (final === "closed" || final === "cancelled") {
        tail = rng.range(0, Math.max(HOUR, HISTORY_DAYS * DAY - total));
      } else {
        tail = this.minutes(TAILS[final]!);
      }
      createdAt = addMs(this.now, -(tail + total));
      // older requests were registered in call-centre hours
      const [hour, minute] = [rng.int(9, 19), rng.int(0, 59)];
      if (["closed", "cancelled", "completed", "on_hold"].includes(final)) {
        const h = tehranHour(createdAt);
        if (h < 8 || h >= 21) {
          let moved = atTehranTime(createdAt, hour, minute);
          if (moved > createdAt) moved = addMs(moved, -DAY);
          createdAt = moved;
        }
      }
    }
    const times: Date[] = [createdAt];
    for (const d of durations) times.push(addMs(times[times.length - 1]!, d));

    const channel = o.channel ?? (type === "complaint"
      ? rng.weighted([["phone", 70], ["web", 20], ["email", 10]] as const)
      : type === "follow_up"
        ? rng.weighted([["phone", 85], ["sms", 10], ["web", 5]] as const)
        : rng.weighted([["phone", 80], ["web", 8], ["sms", 5], ["walk_in", 4], ["email", 3]] as const));
    const creator = o.creator ?? (channel === "phone" || channel === "walk_in" ? this.operator() : null);
    const product = o.product;
    const warranty = product ? warrantyStatusOn(product.expiresOn, tehranDay(createdAt)) : "unknown";
    const category = product?.model.category.def;
    const description = o.description ?? (type === "breakdown"
      ? rng.pick(category!.problems)
      : rng.pick(type === "follow_up" ? FOLLOW_UP_PROBLEMS : COMPLAINT_PROBLEMS));
    const priority: Priority = o.priority ?? (type === "complaint"
      ? rng.weighted([["normal", 6], ["high", 4]] as const)
      : rng.weighted([["normal", 70], ["high", 15], ["urgent", 5], ["low", 10]] as const));

    const plan: TicketPlan = {
      idx: this.plans.length, id: 0, number: 0, type, channel, customer: o.customer, product, description, warranty, priority,
      status: final, agency: null, tech: null, relatedIdx: o.relatedIdx ?? null, creator, createdAt,
      updatedAt: times[times.length - 1]!, closedAt: final === "closed" || final === "cancelled" ? times[times.length - 1]! : null,
      events: [], offers: [], completion: null, survey: null,
      hasInboundCall: channel === "phone" && !o.createdAt,
    };
    this.plans.push(plan);

    plan.events.push({
      at: createdAt, type: "created", from: null, to: "new",
      actor: creator ? this.userActor(creator) : SYSTEM,
      data: { type, channel, priority },
    });

    let agency: AgencyRow | null = null;
    let tech: TechRow | null = null;
    // set by the offers of a dispatching spell
    const st = { acceptedOffer: null as OfferPlan | null, acceptedAgency: null as AgencyRow | null };
    const tried = new Set<number>();
    const dispatchAt = (i: number) => {
      // offers made while the ticket sits in `dispatching` (path index i)
      const slots = offerSlots.get(i) ?? [];
      const base = times[i]!;
      const mainSlot = slots.find((s) => s.outcome !== "rejected" && s.outcome !== "expired");
      const main = this.chooseAgency(plan, tried, true, o.preferAgency);
      if (mainSlot) tried.add(main.id);
      for (const slot of slots) {
        const a = slot === mainSlot ? main : this.chooseAgency(plan, tried, false);
        tried.add(a.id);
        const offeredAt = addMs(base, slot.start);
        const respondedAt = slot.outcome === "pending" ? null : addMs(base, slot.end);
        const offer: OfferPlan = {
          agency: a, attempt: plan.offers.length + 1, status: slot.outcome, offeredAt,
          deadlineAt: addMs(offeredAt, OFFER_WINDOW), respondedAt,
          reason: slot.outcome === "rejected" ? rng.pick(REJECT_REASONS)
            : slot.outcome === "expired" ? "مهلت پاسخ به پایان رسید"
              : slot.outcome === "withdrawn" ? "درخواست لغو شد" : null,
          respondedBy: slot.outcome === "accepted" || slot.outcome === "rejected" ? a.adminUserId : null,
          tech: null, visitFrom: null, visitTo: null,
        };
        plan.offers.push(offer);
        plan.events.push({ at: offeredAt, type: "offer_sent", from: null, to: null, actor: SYSTEM, data: { agency_id: a.id, agency_code: a.code, attempt: offer.attempt } });
        if (slot.outcome === "rejected") {
          plan.events.push({ at: respondedAt!, type: "offer_rejected", from: null, to: null, actor: this.agencyActor(a), data: { agency_id: a.id, reason: offer.reason } });
        }
        if (slot.outcome === "accepted") {
          st.acceptedOffer = offer;
          st.acceptedAgency = a;
        }
      }
    };

    for (let i = 1; i < path.length; i++) {
      const from = path[i - 1]!;
      const to = path[i]!;
      const at = times[i]!;
      let actor: Actor;
      const data: Record<string, unknown> = {};
      const key = `${from}>${to}`;
      if (to === "cancelled") {
        actor = this.userActor(this.operator());
        data.reason = rng.pick(CANCEL_REASONS);
      } else if (key === "new>dispatching") {
        actor = rng.chance(0.6) ? SYSTEM : this.userActor(creator ?? this.operator());
      } else if (key === "dispatching>assigned") {
        agency = st.acceptedAgency!;
        actor = this.agencyActor(agency);
        data.agency_id = agency.id;
        data.agency_code = agency.code;
      } else if (key === "dispatching>new") {
        actor = SYSTEM;
        data.reason = "هیچ نمایندگی ارجاع را نپذیرفت";
      } else if (to === "dispatching") {
        // the agency handed the job back
        actor = this.agencyActor(agency!);
        data.reason = rng.pick(HAND_BACK_REASONS);
        agency = null;
        tech = null;
        st.acceptedOffer = null;
      } else if (key === "assigned>scheduled") {
        tech = rng.pick(agency!.techs);
        const next = path[i + 1];
        const visitFrom = next === "in_progress" ? floorHour(addMs(times[i + 1]!, -rng.range(0, 50) * MINUTE)) : this.visitSlot(next ? times[i + 1]! : this.now);
        const visitTo = addMs(visitFrom, 3 * HOUR);
        actor = this.agencyActor(agency!);
        data.technician_id = tech.id;
        data.visit_from = visitFrom.toISOString();
        data.visit_to = visitTo.toISOString();
        const offer = st.acceptedOffer;
        if (offer) {
          offer.tech = tech;
          offer.visitFrom = visitFrom;
          offer.visitTo = visitTo;
        }
      } else if (to === "in_progress" && type === "breakdown") {
        if (!tech) tech = rng.pick(agency!.techs);
        actor = from === "completed" ? this.userActor(this.operator()) : this.techActor(tech, agency);
        if (from === "on_hold") data.reason = "قطعه رسید و کار ادامه یافت";
        if (from === "completed") data.reason = "مشتری اعلام کرد مشکل برطرف نشده است";
        data.technician_id = tech.id;
      } else if (to === "on_hold") {
        actor = type === "breakdown" ? this.techActor(tech, agency) : this.userActor(this.operator());
        data.reason = type === "breakdown" ? rng.pick(HOLD_REASONS) : "در انتظار پاسخ واحد فنی کارخانه";
      } else if (to === "completed") {
        if (type === "breakdown") {
          actor = this.techActor(tech, agency);
          plan.completion = this.completion(plan, at, agency!, tech);
          data.invoice_amount_rials = plan.completion.invoice;
        } else {
          actor = this.userActor(this.operator());
        }
      } else if (to === "closed") {
        if (from === "new") {
          actor = this.userActor(creator ?? this.operator());
          data.reason = "پاسخ تلفنی داده شد";
        } else if (type === "breakdown" && plan.completion) {
          plan.survey = this.survey(plan.completion.at, at);
          const s = plan.survey;
          if ((s.status === "answered" && s.channel === "operator_call") || s.status === "refused") {
            actor = this.userActor(s.operator!);
            if (s.score) data.survey_score = s.score;
          } else {
            actor = SYSTEM;
            data.reason = s.status === "answered" ? "بستن پس از نظرسنجی" : "بسته شدن خودکار سه روز پس از انجام کار";
          }
        } else {
          actor = this.userActor(this.operator());
        }
      } else {
        actor = this.userActor(this.operator());
      }
      plan.events.push({ at, type: "status_changed", from, to, actor, data });
      if (to === "dispatching") dispatchAt(i);
    }
    plan.agency = agency;
    plan.tech = tech;
    plan.events.sort((a, b) => a.at.getTime() - b.at.getTime());
    return plan;
  }

  /** Offer outcomes while dispatching, relative to entering `dispatching`; `next` null = still dispatching. */
  private offerSlots(next: TicketStatus | null): { slots: OfferSlot[]; duration: number } {
    const rng = this.rng;
    const slots: OfferSlot[] = [];
    let t = rng.range(1, 3) * MINUTE;
    const rejections = next === "assigned" ? rng.weighted([[0, 60], [1, 30], [2, 10]] as const)
      : next === "new" ? rng.int(2, 3)
        : rng.int(0, 1);
    for (let k = 0; k < rejections; k++) {
      const expired = next === "new" && rng.chance(0.4);
      const d = expired ? OFFER_WINDOW : rng.range(4, 45) * MINUTE;
      slots.push({ outcome: expired ? "expired" : "rejected", start: t, end: t + d });
      t += d + rng.range(1, 4) * MINUTE;
    }
    if (next === "new") return { slots, duration: t };
    if (next === null) {
      slots.push({ outcome: "pending", start: t, end: t });
      return { slots, duration: t + rng.range(2, 40) * MINUTE };
    }
    const d = rng.range(3, next === "cancelled" ? 50 : 55) * MINUTE;
    slots.push({ outcome: next === "assigned" ? "accepted" : "withdrawn", start: t, end: t + d });
    return { slots, duration: t + d };
  }

  /** An agency for an offer: active, serving the customer's area, authorised for the product. */
  private chooseAgency(plan: TicketPlan, exclude: Set<number>, main: boolean, prefer?: string): AgencyRow {
    const rng = this.rng;
    const city = plan.customer.address.city;
    const skill = plan.product ? `${plan.product.model.brand.id}:${plan.product.model.category.id}` : null;
    const active = this.agencies.filter((a) => a.status === "active" && !exclude.has(a.id));
    const authorised = active.filter((a) => !skill || a.skills.has(skill));
    const local = authorised.filter((a) => a.city === city || (a.provinceWide && a.city.province === city.province));
    const candidates = local.length ? local
      : authorised.filter((a) => a.city.province === city.province).length ? authorised.filter((a) => a.city.province === city.province)
        : [...(authorised.length ? authorised : active)]
          .sort((a, b) => distanceKm(a.city, city) - distanceKm(b.city, city))
          .slice(0, 2);
    if (!candidates.length) throw new Error("no active agency left to offer to");
    if (main && city.city === "تهران") {
      // the two agencies with portal logins get a good share of Tehran's work
      const favourite = prefer ?? rng.weighted([["THR-001", 35], ["THR-002", 25], ["", 40]] as const);
      const f = candidates.find((a) => a.code === favourite);
      if (f) return f;
    }
    return rng.pick(candidates);
  }

  private visitSlot(after: Date): Date {
    const v = addMs(after, this.rng.range(2, 40) * HOUR);
    const h = tehranHour(v);
    if (h < 9) return atTehranTime(v, 9);
    if (h >= 17) return atTehranTime(addMs(v, DAY), 9);
    return floorHour(v);
  }

  private completion(plan: TicketPlan, at: Date, agency: AgencyRow, tech: TechRow | null): CompletionPlan {
    const rng = this.rng;
    const cat = plan.product!.model.category.def;
    const paid = plan.warranty !== "in_warranty";
    const parts: CompletionPlan["parts"] = [];
    for (const [code, name, hasSerial, min, max] of rng.sample(cat.parts, rng.weighted([[0, 25], [1, 50], [2, 20], [3, 5]] as const))) {
      parts.push({
        code, name, serial: hasSerial ? `${code.replace(/-/g, "")}${rng.digits(8)}` : null, qty: name.startsWith("گاز") ? rng.int(1, 2) : 1,
        price: paid ? Math.round(rng.range(min, max) / 10_000) * 10_000 : 0,
      });
    }
    let invoice = 0;
    if (paid) {
      const labour = rng.int(15, 40) * 100_000;
      parts.sort((a, b) => a.price * a.qty - b.price * b.qty);
      while (labour + parts.reduce((s, p) => s + p.price * p.qty, 0) > 25_000_000) parts.pop();
      invoice = labour + parts.reduce((s, p) => s + p.price * p.qty, 0);
    }
    return {
      at, agency, tech, work: rng.pick(cat.works), invoice, parts,
      invoiceNumber: paid ? `INV-${agency.code.replace("-", "")}-${rng.digits(5)}` : null,
    };
  }

  private survey(completedAt: Date, closedAt: Date): SurveyPlan {
    const rng = this.rng;
    const status = rng.weighted([["answered", 80], ["no_answer", 8], ["refused", 4], ["pending", 8]] as const);
    const channel = status === "answered"
      ? rng.weighted([["ivr_dtmf", 45], ["operator_call", 40], ["sms", 15]] as const)
      : status === "pending" ? rng.pick(["ivr_dtmf", "operator_call"] as const) : "operator_call";
    const score = status === "answered" ? rng.weighted([[5, 45], [4, 30], [3, 12], [2, 8], [1, 5]] as const) : null;
    return {
      channel, status, score,
      comment: score && rng.chance(0.5) ? rng.pick(SURVEY_COMMENTS[score]!) : null,
      operator: channel === "operator_call" ? this.user(rng.pick(["operator", "operator2"])) : null,
      createdAt: addMs(completedAt, rng.range(1, 3) * HOUR),
      surveyedAt: status === "pending" ? null : addMs(closedAt, -rng.range(1, 15) * MINUTE),
      complaintIdx: null,
    };
  }

  private planComplaint(original: TicketPlan, created: Date, s: SurveyPlan): TicketPlan {
    const age = this.now.getTime() - created.getTime();
    const options: TicketStatus[][] = [
      ["new", "in_progress", "completed", "closed"],
      ["new", "in_progress", "completed"],
      ["new", "in_progress"],
      ["new"],
    ];
    // the longest history that fits between the call and now
    let path: TicketStatus[] = ["new"];
    for (const p of options) {
      // the longest each path can take (DURATIONS, in-house completion up to two days)
      const need = p.length === 4 ? 6.5 * DAY : p.length === 3 ? 2.5 * DAY : p.length === 2 ? 5 * HOUR : 0;
      if (age > need) {
        path = p;
        break;
      }
    }
    return this.planTicket({
      type: "complaint",
      customer: original.customer,
      product: original.product,
      path,
      createdAt: created,
      channel: "phone",
      creator: s.operator ?? this.user("operator"),
      description: `نارضایتی در تماس نظرسنجی: ${s.comment ?? "مشتری از کیفیت خدمات نمایندگی ناراضی است"}`,
      priority: "high",
      relatedIdx: original.idx,
    });
  }

  private checkPlans() {
    const last = this.now.getTime();
    for (const p of this.plans) {
      for (const e of p.events) if (e.at.getTime() > last) throw new Error(`demo plan: event after now (${p.status})`);
    }
    for (const code of ["THR-001", "THR-002"]) {
      const mine = this.plans.filter((p) => p.agency?.code === code);
      const statuses = new Set(mine.map((p) => p.status));
      if (mine.length < 6 || statuses.size < 4) throw new Error(`demo plan: ${code} has too few tickets (${mine.length})`);
    }
  }

  // ----- tickets: writing -----

  private async insertTickets() {
    this.plans.sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime());
    const rows: Insertable<Database["tickets"]>[] = this.plans.map((p) => {
      const sla = slaDueTimes(p.createdAt, p.priority, p.type);
      return {
        type: p.type,
        channel: p.channel,
        customer_id: p.customer.id,
        customer_product_id: p.product?.id ?? null,
        problem_category_id: p.product?.model.category.id ?? null,
        problem_description: p.description,
        warranty_status: p.warranty,
        priority: p.priority,
        address_id: p.customer.address.id,
        province: p.customer.address.city.province,
        city: p.customer.address.city.city,
        address_text: p.customer.address.text,
        lat: p.customer.address.lat,
        lng: p.customer.address.lng,
        status: p.status,
        assigned_agency_id: p.agency?.id ?? null,
        technician_id: p.tech?.id ?? null,
        created_by: p.creator?.id ?? null,
        sla_accept_due_at: sla.acceptDueAt,
        sla_visit_due_at: sla.visitDueAt,
        sla_resolve_due_at: sla.resolveDueAt,
        created_at: p.createdAt,
        updated_at: p.updatedAt,
        closed_at: p.closedAt,
      };
    });
    const out: { id: number; number: number }[] = [];
    for (let i = 0; i < rows.length; i += 200) {
      const part = rows.slice(i, i + 200);
      const got = await this.db.insertInto("tickets").values(part).returning(["id", "number"]).execute();
      if (got.length !== part.length) throw new Error("ticket insert count mismatch");
      out.push(...got);
    }
    this.count("tickets", rows.length);
    this.plans.forEach((p, i) => {
      p.id = Number(out[i]!.id);
      p.number = Number(out[i]!.number);
    });
    const byIdx = new Map(this.plans.map((p) => [p.idx, p]));
    for (const p of this.plans) {
      if (p.relatedIdx === null) continue;
      await this.db.updateTable("tickets").set({ related_ticket_id: byIdx.get(p.relatedIdx)!.id }).where("id", "=", p.id).execute();
    }
  }

  private planByIdx(idx: number): TicketPlan {
    const p = this.plans.find((q) => q.idx === idx);
    if (!p) throw new Error(`no ticket plan ${idx}`);
    return p;
  }

  private async insertHistory() {
    const events: Insertable<Database["ticket_events"]>[] = [];
    const offers: Insertable<Database["dispatch_offers"]>[] = [];
    for (const p of this.plans) {
      for (const e of p.events) {
        events.push({
          ticket_id: p.id, at: e.at, actor_kind: e.actor.kind, actor_user_id: e.actor.userId, actor_label: e.actor.label,
          event_type: e.type, from_status: e.from, to_status: e.to, data: JSON.stringify(e.data),
        });
      }
      for (const o of p.offers) {
        offers.push({
          ticket_id: p.id, agency_id: o.agency.id, attempt: o.attempt, status: o.status, offered_at: o.offeredAt,
          deadline_at: o.deadlineAt, responded_at: o.respondedAt, response_reason: o.reason, responded_by: o.respondedBy,
          technician_id: o.tech?.id ?? null, visit_from: o.visitFrom, visit_to: o.visitTo,
        });
      }
    }
    await this.insert("ticket_events", events);
    await this.insert("dispatch_offers", offers);
  }

  private async insertCalls() {
    const rng = this.rng;
    type CallRow = Insertable<Database["calls"]> & { recorded?: boolean };
    const calls: CallRow[] = [];
    let seq = 0;
    const channelId = (at: Date) => `${Math.floor(at.getTime() / 1000)}.${++seq}`;
    for (const p of this.plans) {
      if (!p.hasInboundCall) continue;
      const wait = rng.int(5, 150);
      const talk = rng.int(90, 420);
      const started = addMs(p.createdAt, -(wait + talk * 0.7) * 1000);
      const answered = addMs(started, wait * 1000);
      calls.push({
        channel_id: channelId(started), direction: "inbound", caller_number: p.customer.mobile, called_number: HOTLINE,
        queue: "breakdown", operator_user_id: p.creator?.id ?? null, customer_id: p.customer.id, ticket_id: p.id,
        started_at: started, answered_at: answered, ended_at: addMs(answered, talk * 1000), wait_seconds: wait,
        talk_seconds: talk, disposition: "answered", recorded: true,
      });
    }
    // happy calls made by operators
    for (const p of this.plans) {
      const s = p.survey;
      if (!s || s.channel !== "operator_call" || s.status === "pending" || !s.surveyedAt) continue;
      const talk = s.status === "no_answer" ? 0 : rng.int(40, 200);
      const started = addMs(s.surveyedAt, -(talk + 20) * 1000);
      const answered = s.status === "no_answer" ? null : addMs(started, 20_000);
      calls.push({
        channel_id: channelId(started), direction: "outbound", caller_number: HOTLINE, called_number: p.customer.mobile,
        queue: "survey", operator_user_id: s.operator?.id ?? null, customer_id: p.customer.id, ticket_id: p.id,
        started_at: started, answered_at: answered, ended_at: addMs(started, (talk + 20) * 1000),
        wait_seconds: answered ? 20 : null, talk_seconds: answered ? talk : null,
        disposition: answered ? "answered" : "missed", recorded: answered !== null,
      });
    }
    // calls that never became a ticket
    for (let i = 0; i < 28; i++) {
      const known = rng.chance(0.6) ? rng.pick(this.customers) : null;
      let started = addMs(this.now, -rng.range(0.1, HISTORY_DAYS) * DAY);
      const [hour, minute] = [rng.int(8, 20), rng.int(0, 59)];
      if (tehranHour(started) < 8) started = atTehranTime(started, hour, minute);
      if (started > this.now) started = addMs(started, -DAY);
      const disposition = rng.weighted([["abandoned", 55], ["missed", 35], ["busy", 10]] as const);
      const wait = disposition === "busy" ? 0 : rng.int(10, 180);
      calls.push({
        channel_id: channelId(started), direction: "inbound", caller_number: known?.mobile ?? (rng.chance(0.7) ? this.mobile() : `021${rng.int(2, 8)}${rng.digits(7)}`),
        called_number: HOTLINE, queue: "breakdown", operator_user_id: null, customer_id: known?.id ?? null, ticket_id: null,
        started_at: started, answered_at: null, ended_at: addMs(started, wait * 1000), wait_seconds: wait, talk_seconds: null, disposition,
      });
    }
    calls.sort((a, b) => (a.started_at as Date).getTime() - (b.started_at as Date).getTime());
    const recorded = calls.map((c) => c.recorded === true);
    const ids = await this.insertIds("calls", calls.map(({ recorded: _r, ...c }) => c));
    await this.insert(
      "ticket_calls",
      calls.flatMap((c, i) => (c.ticket_id ? [{ ticket_id: c.ticket_id, call_id: ids[i]!, linked_at: c.ended_at as Date, linked_by: c.operator_user_id ?? null }] : [])),
    );
    await this.insert("recordings", await this.writeRecordings(calls, ids, recorded));
  }

  /**
   * Real recordings for the recorded calls: a generated two-voice conversation (platform/wav.ts, one of
   * DEMO_VOICES chosen by the call id, so the same data set gives the same files) as long as the talk time, capped at
   * DEMO_RECORDING_MAX_SECONDS, saved in the recording store under the call's key; the row carries the
   * file's real size, checksum and duration. Files are written a few at a time while the next are generated.
   */
  private async writeRecordings(calls: Insertable<Database["calls"]>[], ids: number[], recorded: boolean[]) {
    const store = this.recordingStore;
    if (!store) return [];
    const rows: Insertable<Database["recordings"]>[] = [];
    const pending = new Set<Promise<void>>();
    const voices = new Map<number, Int16Array>();
    for (const [i, c] of calls.entries()) {
      if (!recorded[i]) continue;
      const callId = ids[i]!;
      const seconds = Math.min(c.talk_seconds ?? 0, DEMO_RECORDING_MAX_SECONDS);
      if (seconds <= 0) continue;
      const key = RecordingStore.keyForCall(callId, c.started_at as Date);
      // a shorter conversation of a seed is the start of its longer one: generate each voice pair once
      const seed = (callId % DEMO_VOICES) + 1;
      let full = voices.get(seed);
      if (!full) voices.set(seed, (full = conversationSamples(DEMO_RECORDING_MAX_SECONDS, seed, SAMPLE_RATE)));
      const wav = encodeWav(full.subarray(0, seconds * SAMPLE_RATE), SAMPLE_RATE);
      const write = store.save(key, wav).then((info) => {
        rows.push({
          call_id: callId, storage_key: info.key, format: info.format, duration_seconds: info.durationSeconds,
          size_bytes: info.sizeBytes, checksum_sha256: info.sha256, created_at: c.ended_at as Date,
        });
      });
      pending.add(write);
      void write.finally(() => pending.delete(write));
      if (pending.size >= 8) await Promise.race(pending);
    }
    await Promise.all(pending);
    return rows.sort((a, b) => Number(a.call_id) - Number(b.call_id));
  }

  private async insertCompletions() {
    const done = this.plans.filter((p) => p.completion && (p.status === "completed" || p.status === "closed"));
    const ids = await this.insertIds("completion_reports", done.map((p) => {
      const c = p.completion!;
      return {
        ticket_id: p.id, agency_id: c.agency.id, technician_id: c.tech?.id ?? null, completed_at: c.at,
        work_description: c.work, invoice_number: c.invoiceNumber, invoice_amount_rials: c.invoice, created_at: addMs(c.at, 10 * MINUTE),
      };
    }));
    const parts: Insertable<Database["completion_parts"]>[] = [];
    done.forEach((p, i) => {
      for (const part of p.completion!.parts) {
        parts.push({ report_id: ids[i]!, part_code: part.code, name: part.name, serial_number: part.serial, quantity: part.qty, unit_price_rials: part.price });
      }
    });
    await this.insert("completion_parts", parts);

    // referral fees: the manufacturer's share of what an out-of-warranty customer paid (the agency ledger)
    const currentPeriod = jalaliYearMonth(this.now);
    const dimRows = done.length
      ? await this.db
          .selectFrom("tickets")
          .leftJoin("customer_products", "customer_products.id", "tickets.customer_product_id")
          .leftJoin("product_models", "product_models.id", "customer_products.model_id")
          .select(["tickets.id", "tickets.province", "product_models.brand_id", "product_models.category_id"])
          .where("tickets.id", "in", done.map((p) => p.id))
          .execute()
      : [];
    const dims = new Map(dimRows.map((r) => [r.id, r]));
    const fees: (Insertable<Database["agency_ledger"]> & { code: string })[] = [];
    for (const p of done) {
      const c = p.completion!;
      if (!bearsReferralFee(p.warranty, c.invoice)) continue;
      const day = tehranDay(c.at);
      const rate = c.agency.rates.find((r) => r.from <= day && (r.to === null || day < r.to));
      if (!rate) throw new Error(`no fee rate for ${c.agency.code} on ${day}`);
      const d = dims.get(p.id);
      fees.push({
        agency_id: c.agency.id, kind: "referral_fee", ticket_id: p.id, period: jalaliYearMonth(c.at), invoice_amount_rials: c.invoice,
        rate_percent: rate.rate, amount_rials: referralFeeRials(c.invoice, rate.rate), at: c.at,
        brand_id: d?.brand_id ?? null, category_id: d?.category_id ?? null, province: d?.province ?? null, code: c.agency.code,
      });
    }
    // past months' statements are mostly settled, per agency and month: one payment entry each
    const groups = new Map<string, typeof fees>();
    for (const f of fees) {
      const k = `${f.agency_id}|${f.period}`;
      groups.set(k, [...(groups.get(k) ?? []), f]);
    }
    const payments: Insertable<Database["agency_ledger"]>[] = [];
    for (const group of groups.values()) {
      const period = group[0]!.period;
      const [settle, after] = [this.rng.chance(0.8), this.rng.range(5, 15)];
      if (period >= currentPeriod || !settle) continue;
      const latest = Math.max(...group.map((f) => (f.at as Date).getTime()));
      const settledAt = new Date(Math.min(latest + after * DAY, this.now.getTime() - HOUR));
      if (settledAt.getTime() <= latest) continue;
      payments.push({
        agency_id: group[0]!.agency_id, kind: "payment", period, amount_rials: -group.reduce((s, f) => s + f.amount_rials, 0),
        at: settledAt, reference: `STL-${period}-${group[0]!.code}`, paid_on: tehranDay(settledAt),
      });
    }
    await this.insert("agency_ledger", fees.map(({ code: _c, ...f }) => f));
    await this.insert("agency_ledger", payments);
  }

  private async insertSurveys() {
    const rows: Insertable<Database["satisfaction_surveys"]>[] = [];
    for (const p of this.plans) {
      const s = p.survey;
      if (!s) continue;
      rows.push({
        ticket_id: p.id, channel: s.channel, status: s.status, score: s.score, comment: s.comment,
        operator_user_id: s.operator?.id ?? null,
        complaint_ticket_id: s.complaintIdx === null ? null : this.planByIdx(s.complaintIdx).id,
        created_at: s.createdAt, surveyed_at: s.surveyedAt,
      });
    }
    await this.insert("satisfaction_surveys", rows);
  }

  private async insertSms() {
    const rng = this.rng;
    const when = new Intl.DateTimeFormat("fa-IR-u-ca-persian", { timeZone: "Asia/Tehran", month: "long", day: "numeric", hour: "2-digit", minute: "2-digit", hourCycle: "h23" });
    const clock = new Intl.DateTimeFormat("fa-IR", { timeZone: "Asia/Tehran", hour: "2-digit", minute: "2-digit", hourCycle: "h23" });
    const rows: Insertable<Database["sms_messages"]>[] = [];
    const providerId = () => rng.digits(10);
    // Historical messages only: each has its provider id and a final status (none is queued, so a first start
    // sends nothing and the delivery-status poller has nothing to ask about).
    const offerSms = (p: TicketPlan, o: OfferPlan, late: boolean): Insertable<Database["sms_messages"]> => {
      const deliveredAt = addMs(o.offeredAt, late ? 95_000 : 19_000);
      const cat = p.product?.model.category.def.nameFa ?? "دستگاه";
      const brand = p.product?.model.brand.def.nameFa ?? "";
      return {
        direction: "outbound", local_id: rng.uuid(), provider_message_id: providerId(), sender: SMS_LINE, receptor: o.agency.mobile,
        body: `ارجاع جدید: درخواست خدمت ${toPersianDigits(p.number)} — ${cat} ${brand}، ${p.customer.address.city.city}. لطفاً تا ساعت ${clock.format(o.deadlineAt)} در سامانه پاسخ دهید.`,
        purpose: "dispatch_offer", status: "delivered", provider_status: 10, attempts: 1, ticket_id: p.id, agency_id: o.agency.id,
        created_at: o.offeredAt, sent_at: addMs(o.offeredAt, 4000), delivered_at: deliveredAt,
        status_at: deliveredAt, status_checked_at: deliveredAt,
      };
    };
    for (const p of this.plans) for (const o of p.offers) if (o.status === "pending") rows.push(offerSms(p, o, rng.chance(0.6)));
    const portalOffers = this.plans
      .flatMap((p) => p.offers.filter((o) => o.status !== "pending" && (o.agency.code === "THR-001" || o.agency.code === "THR-002")).map((o) => [p, o] as const))
      .sort((a, b) => b[1].offeredAt.getTime() - a[1].offeredAt.getTime())
      .slice(0, 10);
    for (const [p, o] of portalOffers) rows.push(offerSms(p, o, true));
    // visit notices to customers
    for (const p of this.plans.filter((q) => q.status === "scheduled").slice(0, 6)) {
      const offer = p.offers.find((o) => o.status === "accepted" && o.visitFrom);
      if (!offer || !offer.visitFrom || !p.tech) continue;
      const at = p.events.find((e) => e.to === "scheduled")!.at;
      rows.push({
        direction: "outbound", local_id: rng.uuid(), provider_message_id: providerId(), sender: SMS_LINE, receptor: p.customer.mobile,
        body: `مشتری گرامی، تکنسین ${p.tech.name} از ${p.agency!.name} ${when.format(offer.visitFrom)} برای درخواست ${toPersianDigits(p.number)} مراجعه می‌کند.`,
        purpose: "visit_notice", status: "delivered", provider_status: 10, attempts: 1, ticket_id: p.id, agency_id: p.agency!.id, technician_id: p.tech.id,
        created_at: addMs(at, MINUTE), sent_at: addMs(at, MINUTE + 3000), delivered_at: addMs(at, MINUTE + 15_000),
        status_at: addMs(at, MINUTE + 15_000), status_checked_at: addMs(at, MINUTE + 15_000),
      });
    }
    // one blocked (the customer's number is on the operators' advertising opt-out list), one received
    const failTarget = this.plans.find((p) => p.status === "scheduled" && p.tech);
    if (failTarget) {
      const at = addMs(failTarget.createdAt, MINUTE);
      rows.push({
        direction: "outbound", local_id: rng.uuid(), provider_message_id: providerId(), sender: SMS_LINE, receptor: failTarget.customer.mobile,
        body: `مشتری گرامی، درخواست ${toPersianDigits(failTarget.number)} ثبت شد.`, purpose: "ticket_registered", status: "blocked",
        provider_status: 14, attempts: 1, ticket_id: failTarget.id, created_at: at, sent_at: addMs(at, 3000),
        status_at: addMs(at, 40_000), status_checked_at: addMs(at, 40_000),
      });
    }
    const waiting = this.plans.find((p) => p.status === "assigned");
    if (waiting) {
      const at = new Date((waiting.updatedAt.getTime() + this.now.getTime()) / 2);
      rows.push({
        direction: "inbound", local_id: rng.uuid(), provider_message_id: providerId(), sender: waiting.customer.mobile, receptor: SMS_LINE,
        body: `سلام، برای درخواست ${toPersianDigits(waiting.number)} هنوز کسی با من تماس نگرفته. لطفاً پیگیری کنید.`,
        purpose: null, status: "received", attempts: 0, ticket_id: waiting.id, created_at: at, received_at: at, status_at: at,
      });
    }
    await this.insert("sms_messages", rows);
  }

  private async insertAudit() {
    const admin = this.user("admin");
    const manager = this.user("manager");
    const rows: Insertable<Database["audit_log"]>[] = [];
    const at = (days: number) => addMs(this.now, -days * DAY);
    for (const u of DEMO_USERS) {
      rows.push({ at: at(HISTORY_DAYS + 29), actor_user_id: admin.id, action: "user.create", entity_type: "user", entity_id: String(this.user(u.username).id), ip: "10.10.1.5", details: JSON.stringify({ username: u.username, role: u.role }) });
    }
    for (const a of this.agencies.filter((x) => x.status !== "active")) {
      const reason = a.code === "ISF-004" ? "شکایات مکرر" : a.code === "KHR-004" ? "دریافت وجه خارج از تعرفه" : "پایان اعتبار پروانه";
      const days = a.code === "ISF-004" ? 12 : a.code === "KHR-004" ? 40 : 5;
      rows.push({ at: at(days), actor_user_id: manager.id, action: `agency.${a.status === "suspended" ? "suspend" : "terminate"}`, entity_type: "agency", entity_id: String(a.id), ip: "10.10.1.7", details: JSON.stringify({ code: a.code, reason }) });
    }
    const thr1 = this.agencyByCode("THR-001");
    rows.push({ at: at(26), actor_user_id: manager.id, action: "agency.fee_rate_change", entity_type: "agency", entity_id: String(thr1.id), ip: "10.10.1.7", details: JSON.stringify({ code: thr1.code, from_percent: 10, to_percent: 12, effective_from: thr1.rates[1]!.from }) });
    rows.push({ at: at(1), actor_user_id: this.user("operator").id, action: "auth.sign_in", entity_type: "user", entity_id: String(this.user("operator").id), ip: "10.10.2.21", details: JSON.stringify({}) });
    rows.push({ at: at(0.2), actor_user_id: this.user("agency1").id, action: "auth.sign_in", entity_type: "user", entity_id: String(this.user("agency1").id), ip: "5.160.12.44", details: JSON.stringify({}) });
    rows.sort((a, b) => (a.at as Date).getTime() - (b.at as Date).getTime());
    await this.insert("audit_log", rows);
  }
}

// ---------------------------------------------------------------------------------------------

function round6(x: number): number {
  return Math.round(x * 1e6) / 1e6;
}

/** Down to the whole hour on Tehran's clock. */
function floorHour(d: Date): Date {
  return atTehranTime(d, Math.floor(tehranHour(d)));
}

/**
 * The dispatch demo (README "Try it: dispatch"): THR-001 and THR-002 are open around the clock, with room
 * for new work; THR-001 about 1 km from the demo caller's home, THR-002 about 10 km; they are the only
 * agencies within DEMO_EXCLUSIVE_KM of Tehran authorized for the demo product's brand × category (the demo
 * caller's first product: the catalogue's first model). With the default weights distance decides between
 * them (THR-001 first, THR-002 when THR-001 lets the deadline pass or declines).
 */
const DEMO_DISPATCH_AGENCIES: Record<string, { lat: number; lng: number }> = {
  "THR-001": { lat: 35.7061, lng: 51.4087 },
  "THR-002": { lat: 35.7702, lng: 51.4705 },
};
const DEMO_CALLER_PLACE = { lat: 35.6997, lng: 51.3998 };
const DEMO_PRODUCT_MODEL = 0;
const DEMO_EXCLUSIVE_KM = 150;

function distanceKm(a: { lat: number; lng: number }, b: { lat: number; lng: number }): number {
  const rad = Math.PI / 180;
  const dLat = (b.lat - a.lat) * rad;
  const dLng = (b.lng - a.lng) * rad;
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(a.lat * rad) * Math.cos(b.lat * rad) * Math.sin(dLng / 2) ** 2;
  return 2 * 6371 * Math.asin(Math.sqrt(h));
}

/** A 10-digit Iranian national code with a valid check digit. */
function nationalCode(rng: Rng): string {
  for (;;) {
    const body = `${rng.int(0, 6)}${rng.digits(8)}`;
    if (/^(\d)\1{8}$/.test(body)) continue;
    const sum = [...body].reduce((s, d, i) => s + Number(d) * (10 - i), 0);
    const r = sum % 11;
    return body + String(r < 2 ? r : 11 - r);
  }
}
