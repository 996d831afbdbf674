import { createHmac, randomBytes } from "node:crypto";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { z } from "zod";
import { DEFAULT_DISPATCH_WEIGHTS, parseDispatchWeights, type DispatchWeights } from "../core/dispatch";
import { DEV_WARRANTY_CODE_SECRET } from "./warranty-code";

/**
 * Every environment variable the system reads, validated once at start-up.
 * A bad value stops the process with a message naming the variable, instead of
 * failing later in some request.
 */
/** An on/off setting written true/false/1/0; unset: `fallback`. */
function flag(fallback: boolean) {
  return optionalFlag().transform((v) => v ?? fallback);
}

/** An on/off setting written true/false/1/0; unset: undefined (the caller decides). */
function optionalFlag() {
  return z
    .enum(["true", "false", "1", "0"])
    .optional()
    .transform((v) => (v === undefined ? undefined : v === "true" || v === "1"));
}

const envSchema = z.object({
  NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
  PORT: z.coerce.number().int().min(1).max(65535).default(3000),
  HOST: z.string().min(1).default("0.0.0.0"),
  DATABASE_URL: z
    .string()
    .url()
    .refine((u) => /^postgres(ql)?:\/\//.test(u), "must start with postgres:// or postgresql://")
    .optional(),
  /**
   * Connections in each process's PostgreSQL pool. Unset: 10 for the web server (with what runs in it), 20 for
   * the telephony shell run alone (every live call's handler and the ACD share it: with 10, a new caller's
   * StasisStart waited behind other calls' transactions at 50 calls/s; bench/README.md), and for `npm run workers`
   * 10 with DATABASE_URL, 5 when it joins `npm start`'s embedded database.
   */
  DATABASE_POOL_SIZE: z.coerce.number().int().min(1).max(200).optional(),
  /**
   * How many processes serve the web (node:cluster, one port). 1: the web runs in the server process itself.
   * More: the server process keeps PostgreSQL, migrations, the telephony shell and the workers, and N web
   * processes share the port (a Node process uses one core: on a 2-core machine, 2). Not with --watch.
   */
  WEB_PROCESSES: z.coerce.number().int().min(1).max(64).default(1),
  DATA_DIR: z.string().min(1).default(".data"),
  EMBEDDED_PG_PORT: z.coerce.number().int().min(1).max(65535).default(54329),
  SESSION_SECRET: z.string().min(16, "must be at least 16 characters").optional(),
  /** Unset: seed only an embedded database, never a server named by DATABASE_URL. */
  SEED_ON_EMPTY: optionalFlag(),
  LOG_LEVEL: z.enum(["debug", "info", "warn", "error"]).default("info"),

  // ---------- telephony (Asterisk ARI) ----------
  /** A real Asterisk's ARI base, e.g. http://pbx.example:8088. Unset: the built-in ARI simulator is started and used. */
  ARI_URL: z
    .string()
    .url()
    .refine((u) => /^https?:\/\//.test(u), "must start with http:// or https://")
    .optional(),
  ARI_USER: z.string().min(1).default("dispatch"),
  ARI_PASSWORD: z.string().min(1).default("dispatch"),
  /** The Stasis application name (extensions.conf: Stasis(dispatch)). */
  ARI_APP: z.string().regex(/^[A-Za-z0-9_-]+$/, "letters, digits, _ and - only").default("dispatch"),
  /**
   * `true`: the built-in ARI simulator is started and used on purpose (ARI_URL must then be unset); `false`: a real
   * Asterisk is required (ARI_URL). Unset: the simulator when ARI_URL is unset, except with NODE_ENV=production,
   * which refuses to start without ARI_URL or ARI_SIMULATOR=true.
   */
  ARI_SIMULATOR: optionalFlag(),
  /** Where the simulator listens when ARI_URL is unset. */
  ARI_SIM_PORT: z.coerce.number().int().min(1).max(65535).default(8088),
  /** An operator's phone, {extension} replaced: PJSIP/101. */
  ARI_OPERATOR_ENDPOINT: z.string().includes("{extension}", { message: "must contain {extension}" }).default("PJSIP/{extension}"),
  /** A customer's number dialled out (click-to-dial, call-back), {number} replaced: PJSIP/09121234567@trunk. */
  ARI_OUTBOUND_ENDPOINT: z.string().includes("{number}", { message: "must contain {number}" }).default("PJSIP/{number}@trunk"),
  /** The caller id shown on outbound calls. */
  ARI_OUTBOUND_CALLER_ID: z.string().default(""),
  /** Sound names played by the IVR (Asterisk media URIs). */
  ARI_SOUND_MENU: z.string().min(1).default("sound:custom/dispatch-menu"),
  ARI_SOUND_TICKET_NUMBER: z.string().min(1).default("sound:custom/dispatch-ticket-number"),
  ARI_SOUND_CALLBACK_OFFER: z.string().min(1).default("sound:custom/dispatch-callback-offer"),
  ARI_SOUND_CALLBACK_CONFIRMED: z.string().min(1).default("sound:custom/dispatch-callback-confirmed"),
  /** The longest wait between two attempts to reconnect to ARI (the wait doubles from 0.5 s up to this). */
  ARI_RECONNECT_MAX_SECONDS: z.coerce.number().min(0.1).max(3600).default(30),
  /** Music-on-hold class of the holding bridge. */
  ARI_MOH_CLASS: z.string().min(1).default("default"),
  /** Seconds the IVR waits for a key before taking "breakdown". */
  IVR_TIMEOUT_SECONDS: z.coerce.number().min(0.1).max(60).default(5),
  /** Seconds an operator's phone rings before the next operator is tried. */
  ACD_RING_SECONDS: z.coerce.number().min(1).max(120).default(15),
  /** A caller waiting this long may press 9 to be called back. */
  CALLBACK_OFFER_AFTER_SECONDS: z.coerce.number().min(0).max(3600).default(60),
  /** Call-centre service level: the share of offered calls answered within this many seconds (core/call-kpis.ts). */
  CALL_SERVICE_LEVEL_SECONDS: z.coerce.number().int().min(1).max(600).default(20),
  /** Where call recordings are kept. Default: DATA_DIR/recordings. */
  RECORDINGS_DIR: z.string().min(1).optional(),
  /** Where completion photos are kept (platform/photo-store.ts). Default: DATA_DIR/photos. */
  PHOTOS_DIR: z.string().min(1).optional(),
  /** `false`: `npm start` does not run the telephony shell in-process (it runs apart, `npm run telephony`). */
  TELEPHONY_IN_PROCESS: flag(true),

  // ---------- workers (graphile-worker) ----------
  /** `false`: `npm start` does not run the job workers in-process (they run apart, `npm run workers`). */
  WORKERS_IN_PROCESS: flag(true),
  /** How many jobs one worker process runs at once. */
  WORKER_CONCURRENCY: z.coerce.number().int().min(1).max(100).default(4),
  /**
   * How many outbound SMS one sms__send run may send in one Kavenegar `sms/sendarray` (its own and other due
   * messages of the outbox; workers/tasks/sms__send.ts). 1: one message per request, as sms/send.
   */
  SMS_SEND_BATCH_SIZE: z.coerce.number().int().min(1).max(200).default(100),
  /** The SLA sweep looks at due times at most this many hours past (older breaches are not alerted anew). */
  SLA_SWEEP_LOOKBACK_HOURS: z.coerce.number().min(1).max(24 * 365).default(48),
  /**
   * Minutes of the agency's working time an offer waits for its answer before it goes to the next candidate
   * (services/dispatch.ts on the working-day clock, core/working-time.ts addWorkingMinutes; fractions allowed, e.g. 0.5 in tests). Default 30.
   */
  DISPATCH_OFFER_DEADLINE_MINUTES: z.coerce.number().min(0.05, "must be at least 0.05 (3 seconds)").max(7 * 24 * 60).default(30),
  /**
   * The dispatch score's weights as JSON, some of distance, load, performance, fairness (numbers 0–100; the
   * others keep their defaults, core/dispatch.ts DEFAULT_DISPATCH_WEIGHTS), e.g. {"distance":0.7,"fairness":0}.
   */
  DISPATCH_WEIGHTS: z
    .string()
    .transform((v, ctx) => {
      const r = parseDispatchWeights(v);
      if (!r.ok) {
        ctx.addIssue({ code: z.ZodIssueCode.custom, message: r.message });
        return z.NEVER;
      }
      return r.weights;
    })
    .optional(),
  /** How many times a failed call-recording download is tried by the workers (with growing waits, ~16 h for 12). */
  RECORDING_DOWNLOAD_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(25).default(12),

  // ---------- desk ----------
  /** Map tiles for the address picker ({z}/{x}/{y}); `none` shows the map without tiles. */
  MAP_TILE_URL: z.string().min(1).default("https://tile.openstreetmap.org/{z}/{x}/{y}.png"),
  MAP_TILE_ATTRIBUTION: z.string().default("© OpenStreetMap"),

  // ---------- SMS (Kavenegar) ----------
  /**
   * Kavenegar's API key (panel.kavenegar.com). Unset: messages go to the Kavenegar simulator (`npm run sms-sim`),
   * except with NODE_ENV=production, which refuses to start without it or SMS_SIMULATOR=true.
   */
  KAVENEGAR_API_KEY: z.string().regex(/^[A-Za-z0-9+/=_-]{8,200}$/, "letters, digits and +/=_- only (as shown in Kavenegar's panel)").optional(),
  /**
   * The API's base, the key goes after it: {base}/{API-KEY}/sms/send.json. Default https://api.kavenegar.com/v1
   * (the simulator's http://127.0.0.1:KAVENEGAR_SIM_PORT/v1 when KAVENEGAR_API_KEY is unset). HTTPS only,
   * except to this machine: the key is part of every URL.
   */
  KAVENEGAR_BASE_URL: z
    .string()
    .url()
    .refine(
      (u) => /^https:\/\//.test(u) || /^http:\/\/(127\.0\.0\.1|localhost|\[::1\])(:\d+)?(\/|$)/.test(u),
      "must start with https:// (http:// only to 127.0.0.1 or localhost): the API key travels in the URL",
    )
    .optional(),
  /** The sender line (e.g. 2000660110). Unset: the account's default line. */
  KAVENEGAR_SENDER: z.string().regex(/^\d{3,20}$/, "digits only").optional(),
  /**
   * The sender line per kind of message (sms_messages.purpose), over KAVENEGAR_SENDER:
   * `purpose=line,purpose=line`, e.g. `ticket_registered=2000660110,survey=10004346`. A service line reaches
   * numbers on the operators' advertising opt-out list; an advertising line does not (the message ends blocked).
   */
  KAVENEGAR_SENDERS: z
    .string()
    .transform((v, ctx) => {
      const map: Record<string, string> = {};
      for (const part of v.split(",").map((p) => p.trim()).filter(Boolean)) {
        const m = /^([a-z][a-z0-9_]{0,63})\s*=\s*(\d{3,20})$/.exec(part);
        if (!m) {
          ctx.addIssue({ code: z.ZodIssueCode.custom, message: `"${part.slice(0, 80)}" is not purpose=line (a purpose in lower case, a line in digits)` });
          return z.NEVER;
        }
        if (m[1]! in map) {
          ctx.addIssue({ code: z.ZodIssueCode.custom, message: `purpose "${m[1]}" is given twice` });
          return z.NEVER;
        }
        map[m[1]!] = m[2]!;
      }
      return map;
    })
    .default(""),
  /**
   * `true`: messages go to the Kavenegar simulator on purpose (KAVENEGAR_API_KEY must then be unset); `false`: a
   * real account is required (KAVENEGAR_API_KEY). Unset: the simulator when the key is unset, except in production.
   */
  SMS_SIMULATOR: optionalFlag(),
  /** Consecutive transient failures (timeouts, network errors, 409, 5xx) after which the SMS provider is not called for a while. */
  KAVENEGAR_BREAKER_FAILURES: z.coerce.number().int().min(1).max(1000).default(5),
  /** How long the SMS provider is left alone after the circuit opened, before one probe request is let through. */
  KAVENEGAR_BREAKER_COOLDOWN_MS: z.coerce.number().int().min(100).max(3_600_000).default(30_000),
  /** Where the simulator listens (`npm run sms-sim`, and in-process when KAVENEGAR_API_KEY is unset). */
  KAVENEGAR_SIM_PORT: z.coerce.number().int().min(1).max(65535).default(8089),
  /**
   * The simulator's own base URL, for the dev inbox page (/dev/sms) which reads and writes it through its
   * control API (/sim/…). Default http://127.0.0.1:KAVENEGAR_SIM_PORT. Only used when KAVENEGAR_API_KEY is unset.
   */
  KAVENEGAR_SIM_URL: z
    .string()
    .url()
    .refine((u) => /^https?:\/\//.test(u), "must start with http:// or https://")
    .optional(),
  /** How long one request to Kavenegar may take before it counts as failed (and is retried later). */
  KAVENEGAR_TIMEOUT_MS: z.coerce.number().int().min(100).max(120_000).default(10_000),
  /** The line whose inbound SMS are polled (sms/receive). Default: KAVENEGAR_SENDER (the simulator's line when simulated). */
  KAVENEGAR_INBOUND_LINE: z.string().regex(/^\d{3,20}$/, "digits only").optional(),

  // ---------- follow-up satisfaction surveys ----------
  /** `call`: an automated call (ARI) asks for a DTMF score; `operator`: a task on the operators' happy-call list (/desk/follow-ups). */
  SATISFACTION_MODE: z.enum(["call", "operator"]).default("call"),
  /**
   * Days after completion the follow-up is due (0: at once; fractions allowed). Default 2; in development with
   * the ARI simulator (NODE_ENV=development, ARI_URL unset: a plain `npm start`) 0, so a newcomer sees the call.
   */
  SATISFACTION_DELAY_DAYS: z.coerce.number().min(0).max(90).optional(),
  /** Calls (or operator attempts) before the SMS survey is sent instead. */
  SATISFACTION_CALL_ATTEMPTS: z.coerce.number().int().min(1).max(10).default(3),
  /** Minutes between two attempts after a no-answer. */
  SATISFACTION_RETRY_MINUTES: z.coerce.number().min(0).max(7 * 24 * 60).default(120),
  /** `false`: no SMS survey after the last unanswered call; the follow-up ends as no answer. */
  SATISFACTION_SMS_FALLBACK: flag(true),
  /** Hours an SMS survey waits for the customer's reply. */
  SATISFACTION_SMS_REPLY_HOURS: z.coerce.number().min(0.01).max(24 * 30).default(72),
  /** How long the customer's phone rings on an automated follow-up call. */
  SATISFACTION_RING_SECONDS: z.coerce.number().min(1).max(120).default(30),
  /** Seconds the automated call waits for a key after the question (then asks again). */
  SATISFACTION_KEY_TIMEOUT_SECONDS: z.coerce.number().min(0.1).max(60).default(8),
  /** The automated call's prompts (Asterisk media URIs): the question, "that key is not a score", thanks. */
  ARI_SOUND_SURVEY_QUESTION: z.string().min(1).default("sound:custom/dispatch-survey-question"),
  ARI_SOUND_SURVEY_INVALID: z.string().min(1).default("sound:custom/dispatch-survey-invalid"),
  ARI_SOUND_SURVEY_THANKS: z.string().min(1).default("sound:custom/dispatch-survey-thanks"),

  // ---------- links in messages ----------
  /**
   * The address customers, agencies and technicians reach this site at, as written in SMS links
   * (tracking page /t/…). Default http://localhost:PORT.
   */
  PUBLIC_BASE_URL: z
    .string()
    .url()
    .refine((u) => /^https?:\/\//.test(u), "must start with http:// or https://")
    .optional(),
  /**
   * Signs the tracking links (/t/<token>). Unset: derived from SESSION_SECRET. Changing it makes every
   * tracking link sent so far stop working (a 404), and nothing else.
   */
  TRACKING_SECRET: z.string().min(16, "must be at least 16 characters").optional(),
  /**
   * Keys the hash warranty card codes are stored by (platform/warranty-code.ts). Unset: in production derived
   * from SESSION_SECRET; elsewhere a fixed development key (the demo's cards work on any fresh database).
   * Changing it makes every card printed so far "not genuine".
   */
  WARRANTY_CODE_SECRET: z.string().min(16, "must be at least 16 characters").optional(),
  /** Days a technician's job link (/j/…) keeps working after its job was closed or cancelled. */
  JOB_LINK_DAYS_AFTER_CLOSE: z.coerce.number().min(0).max(365).default(7),

  /**
   * The development pages over the simulators (/dev/sms, /dev/phones: no sign-in). Default: on outside
   * production. With NODE_ENV=production they are a 404 unless this is `true`: a deployment that runs
   * without a Kavenegar key must not show its customers' numbers to anyone who asks.
   */
  DEV_PAGES: optionalFlag(),
});

export type Env = Omit<z.infer<typeof envSchema>, "SESSION_SECRET" | "SATISFACTION_DELAY_DAYS" | "DISPATCH_WEIGHTS"> & {
  SESSION_SECRET: string;
  /** DISPATCH_WEIGHTS, or core/dispatch.ts DEFAULT_DISPATCH_WEIGHTS. */
  DISPATCH_WEIGHTS: DispatchWeights;
  /** SATISFACTION_DELAY_DAYS, or its default (see satisfactionDelayDefault). */
  SATISFACTION_DELAY_DAYS: number;
  /** Absolute path of DATA_DIR. */
  dataDir: string;
  /** Absolute path of RECORDINGS_DIR. */
  recordingsDir: string;
  /** Absolute path of PHOTOS_DIR. */
  photosDir: string;
  /** The built-in ARI simulator is used (ARI_URL unset). */
  ariSimulated: boolean;
  /** /dev/sms is served: the SMS simulator is used and development pages are on (DEV_PAGES). */
  devSmsPage: boolean;
  /** /dev/phones is served: the ARI simulator is used and development pages are on (DEV_PAGES). */
  devPhonesPage: boolean;
  /** The ARI base URL the telephony shell connects to (the simulator's when simulated). */
  ariUrl: string;
  /** The Kavenegar simulator is used (KAVENEGAR_API_KEY unset). */
  smsSimulated: boolean;
  /** The Kavenegar API base the client calls (the simulator's when simulated), without a trailing slash. */
  kavenegarBaseUrl: string;
  /** The key the client sends (the simulator's fixed key when simulated). */
  kavenegarApiKey: string;
  /** The line inbound SMS are polled on; null when unknown (a real account without KAVENEGAR_SENDER or KAVENEGAR_INBOUND_LINE). */
  smsInboundLine: string | null;
  /** The Kavenegar simulator's base URL (its control API is under /sim), without a trailing slash. */
  kavenegarSimUrl: string;
  /** PUBLIC_BASE_URL without a trailing slash. */
  publicBaseUrl: string;
  /** TRACKING_SECRET, or a key derived from SESSION_SECRET. */
  trackingSecret: string;
  /** WARRANTY_CODE_SECRET, or (production) a key derived from SESSION_SECRET, or the development key. */
  warrantyCodeSecret: string;
};

/**
 * The follow-up's delay when SATISFACTION_DELAY_DAYS is unset: 2 days, except in development on the ARI
 * simulator, where it is 0 so that a newcomer who completes a job sees its follow-up call ring at once on
 * /dev/phones. A dev-only default: with NODE_ENV=production or test, or a real Asterisk, it is 2.
 */
export function satisfactionDelayDefault(nodeEnv: string, ariSimulated: boolean): number {
  return nodeEnv === "development" && ariSimulated ? 0 : 2;
}

/** The simulator's line when KAVENEGAR_SENDER is unset (workers/kavenegar-simulator's default sender). */
export const KAVENEGAR_SIMULATOR_LINE = "2000660110";

/** The API key the Kavenegar simulator accepts when KAVENEGAR_API_KEY is unset (it is no secret). */
export const KAVENEGAR_SIMULATOR_API_KEY = "simulator-api-key";

export class EnvError extends Error {}

/** The sentence a production start without a telephony provider stops with. */
export const PRODUCTION_NEEDS_ARI =
  "NODE_ENV=production does not start the telephony simulator unless asked to: set ARI_URL to your Asterisk's ARI address, or ARI_SIMULATOR=true to run on the simulator on purpose.";
/** The sentence a production start without an SMS provider stops with. */
export const PRODUCTION_NEEDS_SMS =
  "NODE_ENV=production does not start the SMS simulator unless asked to: set KAVENEGAR_API_KEY to your Kavenegar API key, or SMS_SIMULATOR=true to send every message to the simulator on purpose.";

export interface LoadEnvOptions {
  /**
   * false: a tool that talks to neither Asterisk nor Kavenegar (migrations, seeding, the simulators' own command
   * lines) starts in production without them. Default true: the server, the telephony shell and the workers.
   */
  providers?: boolean;
}

export function loadEnv(source: Record<string, string | undefined> = process.env, options: LoadEnvOptions = {}): Env {
  // Empty strings mean "not set": a blank line in a .env file must not override a default.
  const cleaned = Object.fromEntries(Object.entries(source).filter(([, v]) => v !== undefined && v !== ""));
  const parsed = envSchema.safeParse(cleaned);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join(".")}: ${i.message}`);
    throw new EnvError(`Invalid configuration:\n${lines.join("\n")}`);
  }
  const env = parsed.data;
  const dataDir = path.resolve(env.DATA_DIR);
  let secret = env.SESSION_SECRET;
  if (!secret) {
    if (env.NODE_ENV === "production") {
      throw new EnvError("Invalid configuration:\n  SESSION_SECRET: required when NODE_ENV=production");
    }
    secret = localSecret(dataDir);
  }
  const providerProblems = providerIssues(env, options.providers ?? true);
  if (providerProblems.length > 0) throw new EnvError(`Invalid configuration:\n${providerProblems.map((l) => `  ${l}`).join("\n")}`);
  const recordingsDir = path.resolve(env.RECORDINGS_DIR ?? path.join(dataDir, "recordings"));
  const photosDir = path.resolve(env.PHOTOS_DIR ?? path.join(dataDir, "photos"));
  const ariSimulated = env.ARI_URL === undefined;
  const ariUrl = (env.ARI_URL ?? `http://127.0.0.1:${env.ARI_SIM_PORT}`).replace(/\/+$/, "");
  const smsSimulated = env.KAVENEGAR_API_KEY === undefined;
  if (smsSimulated && env.KAVENEGAR_BASE_URL !== undefined) {
    throw new EnvError(
      "Invalid configuration:\n  KAVENEGAR_BASE_URL: set, but KAVENEGAR_API_KEY is not (without a key the built-in simulator is used)",
    );
  }
  const kavenegarBaseUrl = (
    env.KAVENEGAR_BASE_URL ?? (smsSimulated ? `http://127.0.0.1:${env.KAVENEGAR_SIM_PORT}/v1` : "https://api.kavenegar.com/v1")
  ).replace(/\/+$/, "");
  const kavenegarApiKey = env.KAVENEGAR_API_KEY ?? KAVENEGAR_SIMULATOR_API_KEY;
  const smsInboundLine = env.KAVENEGAR_INBOUND_LINE ?? env.KAVENEGAR_SENDER ?? (smsSimulated ? KAVENEGAR_SIMULATOR_LINE : null);
  const kavenegarSimUrl = (env.KAVENEGAR_SIM_URL ?? `http://127.0.0.1:${env.KAVENEGAR_SIM_PORT}`).replace(/\/+$/, "");
  const publicBaseUrl = (env.PUBLIC_BASE_URL ?? `http://localhost:${env.PORT}`).replace(/\/+$/, "");
  const devPages = env.DEV_PAGES ?? env.NODE_ENV !== "production";
  const trackingSecret = env.TRACKING_SECRET ?? createHmac("sha256", secret).update("tracking-links").digest("base64url");
  return {
    ...env,
    SESSION_SECRET: secret,
    SATISFACTION_DELAY_DAYS: env.SATISFACTION_DELAY_DAYS ?? satisfactionDelayDefault(env.NODE_ENV, ariSimulated),
    DISPATCH_WEIGHTS: env.DISPATCH_WEIGHTS ?? { ...DEFAULT_DISPATCH_WEIGHTS },
    dataDir,
    recordingsDir,
    photosDir,
    ariSimulated,
    ariUrl,
    smsSimulated,
    devSmsPage: devPages && smsSimulated,
    devPhonesPage: devPages && ariSimulated,
    kavenegarBaseUrl,
    kavenegarApiKey,
    smsInboundLine,
    kavenegarSimUrl,
    publicBaseUrl,
    trackingSecret,
    warrantyCodeSecret:
      env.WARRANTY_CODE_SECRET ??
      (env.NODE_ENV === "production" ? createHmac("sha256", secret).update("warranty-cards").digest("base64url") : DEV_WARRANTY_CODE_SECRET),
  };
}

/**
 * The simulators are a choice: ARI_SIMULATOR / SMS_SIMULATOR must agree with ARI_URL / KAVENEGAR_API_KEY, and in
 * production (when the process needs the providers) an unset provider is refused unless its simulator is asked for.
 */
function providerIssues(env: z.infer<typeof envSchema>, providers: boolean): string[] {
  const issues: string[] = [];
  if (env.ARI_SIMULATOR === true && env.ARI_URL !== undefined) issues.push("ARI_SIMULATOR: true, but ARI_URL is set too: unset one of them");
  else if (env.ARI_SIMULATOR === false && env.ARI_URL === undefined) issues.push("ARI_URL: required when ARI_SIMULATOR=false");
  else if (providers && env.NODE_ENV === "production" && env.ARI_URL === undefined && env.ARI_SIMULATOR !== true) issues.push(PRODUCTION_NEEDS_ARI);
  if (env.SMS_SIMULATOR === true && env.KAVENEGAR_API_KEY !== undefined) issues.push("SMS_SIMULATOR: true, but KAVENEGAR_API_KEY is set too: unset one of them");
  else if (env.SMS_SIMULATOR === false && env.KAVENEGAR_API_KEY === undefined) issues.push("KAVENEGAR_API_KEY: required when SMS_SIMULATOR=false");
  else if (providers && env.NODE_ENV === "production" && env.KAVENEGAR_API_KEY === undefined && env.SMS_SIMULATOR !== true) issues.push(PRODUCTION_NEEDS_SMS);
  return issues;
}

/** Outside production a random secret is kept in DATA_DIR so sessions survive restarts. */
function localSecret(dataDir: string): string {
  const file = path.join(dataDir, "session-secret");
  try {
    return readFileSync(file, "utf8").trim();
  } catch {
    mkdirSync(dataDir, { recursive: true });
    const secret = randomBytes(32).toString("base64url");
    writeFileSync(file, secret, { mode: 0o600 });
    return secret;
  }
}
