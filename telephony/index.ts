import { randomBytes } from "node:crypto";
import { sql } from "kysely";
import { hostname } from "node:os";
import path from "node:path";
import type { DB } from "../db/connection";
import { listen, type Listener } from "../db/listener";
import { DESK_EVENTS_CHANNEL, parseDeskEvent } from "../core/call";
import type { Env } from "../platform/env";
import { logger, type Logger } from "../platform/logger";
import { RecordingStore } from "../platform/recording-store";
import {
  parseTelephonyCommand,
  reclaimDeadProcessOffers,
  reconcileLiveCalls,
  registerTelephonyNode,
  reportTelephonyHealth,
  TELEPHONY_COMMANDS_CHANNEL,
  telephonyNodeStopped,
} from "../services/calls";
import type { AriClient, AriEvent } from "./ari";
import { AriConnection, type ConnectionState } from "./connection";
import { NotConnectedError, type TelephonyContext } from "./context";
import { CALL_EVENTS, Dispatcher } from "./dispatcher";
import { createAcd } from "./handlers/acd";
import { InboundCall, OPERATOR_LEG } from "./handlers/inbound";
import { OUTBOUND_CUSTOMER_LEG, OUTBOUND_OPERATOR_LEG } from "./handlers/outbound";
import { fetchMissedRecordings, onRecordingFinished } from "./handlers/recording";
import { SURVEY_CUSTOMER_LEG, SurveyCall } from "./handlers/survey";
import { claimSurveyCall, pendingSurveyCalls } from "../services/satisfaction";
import { startAriSimulator, type AriSimulator } from "./simulator";

export interface TelephonyOptions {
  db: DB;
  env: Env;
  log: Logger;
  /** the database's connection string, for the LISTEN connection (desk presence, click-to-dial commands) */
  databaseUrl: string;
  /** for tests: a fixed node id, a faster sweep, reconnection delays */
  nodeId?: string;
  sweepMs?: number;
  initialReconnectDelayMs?: number;
  pingIntervalMs?: number;
}

export interface Telephony {
  nodeId: string;
  state: Readonly<ConnectionState>;
  /** runs the ACD once now (tests) */
  kick(): Promise<void>;
  /** how many ACD runs this process has made (tests, benches) */
  acdRuns(): number;
  stop(): Promise<void>;
}

/**
 * The telephony shell: one ARI connection (kept up forever, telephony/connection.ts), one dispatcher keyed
 * by channel id, a handler per call, and the ACD. The state of calls, the queue and who is ringing is in
 * PostgreSQL (services/calls.ts); this process keeps only what Asterisk needs to drive the calls it took
 * (their channel and bridge ids, timers). Runs inside `npm start` (server.ts) or alone (telephony/main.ts).
 */
export function startTelephony(o: TelephonyOptions): Telephony {
  const { db, env, log } = o;
  const nodeId = o.nodeId ?? `${hostname()}-${process.pid}-${randomBytes(3).toString("hex")}`;
  let client: AriClient | null = null;
  let reconciled = false;
  let stopped = false;
  /**
   * Calls this process is ending or ended, each followed by a kick of its ACD (ctx.endingCall): the call_ended
   * NOTIFY of such a call (sent for a call that had an operator) is not a reason for this process to run it
   * again. Forgotten when that NOTIFY comes, or after a minute (a call without an operator sends none).
   */
  const endedHere = new Map<number, number>();

  const dispatcher = new Dispatcher(log, (event) => onNewChannel(event));
  const ctx: TelephonyContext = {
    db,
    env,
    log,
    nodeId,
    dispatcher,
    store: new RecordingStore(env.recordingsDir),
    ari() {
      if (!client || !connection.current) throw new NotConnectedError();
      return client;
    },
    connected: () => client !== null && connection.current !== null,
    ready: () => reconciled && client !== null && connection.current !== null,
    kick: () => void acd.kick(),
    endingCall: (callId: number) => void endedHere.set(callId, Date.now()),
    timing: {
      ivrTimeoutMs: env.IVR_TIMEOUT_SECONDS * 1000,
      ringSeconds: env.ACD_RING_SECONDS,
      outboundRingSeconds: Math.max(30, env.ACD_RING_SECONDS * 2),
      callbackOfferAfterMs: env.CALLBACK_OFFER_AFTER_SECONDS * 1000,
    },
  };
  const acd = createAcd(ctx);

  /** Automated follow-up calls queued by the workers (services/satisfaction.ts) that no process has taken: take them and dial. */
  let surveysDialling: Promise<void> = Promise.resolve();
  function dialSurveys(callIds?: readonly number[]): Promise<void> {
    surveysDialling = surveysDialling
      .then(async () => {
        if (!ctx.ready()) return;
        for (const callId of callIds ?? (await pendingSurveyCalls(db))) {
          const dial = await claimSurveyCall(db, callId, nodeId);
          if (dial) await new SurveyCall(ctx, dial).start();
        }
      })
      .catch((error: unknown) => log.warn("dialling follow-up survey calls failed", error));
    return surveysDialling;
  }

  /** A StasisStart no handler owns: a caller (no app args), or a leg of a call this process no longer drives. */
  async function onNewChannel(event: AriEvent): Promise<void> {
    const channelId = event.channel?.id;
    if (!channelId) return;
    const [kind, callIdText] = event.args ?? [];
    if (kind === OPERATOR_LEG || kind === OUTBOUND_OPERATOR_LEG || kind === OUTBOUND_CUSTOMER_LEG || kind === SURVEY_CUSTOMER_LEG) {
      const handler = dispatcher.handlerOf(Number(callIdText));
      if (handler) {
        dispatcher.register(handler, channelId);
        await dispatcher.run(handler.callId, () => handler.handle(event, channelId), event.type);
        return;
      }
      log.info(`hanging up ${channelId}: a leg of call ${callIdText ?? "?"} this process does not drive`);
      await ctx.ari().channels.hangup({ channelId });
      return;
    }
    await InboundCall.start(ctx, event);
  }

  // ---------- health in PostgreSQL ----------
  let healthWrite: Promise<void> = Promise.resolve();
  function writeHealth() {
    const s = { ...connection.state };
    healthWrite = healthWrite
      .then(() => reportTelephonyHealth(db, nodeId, s))
      .catch((error: unknown) => log.warn("could not write the telephony health row", error));
    return healthWrite;
  }

  const connection = new AriConnection({
    url: env.ariUrl,
    user: env.ARI_USER,
    password: env.ARI_PASSWORD,
    app: env.ARI_APP,
    log,
    maxDelayMs: env.ARI_RECONNECT_MAX_SECONDS * 1000,
    initialDelayMs: o.initialReconnectDelayMs,
    pingIntervalMs: o.pingIntervalMs,
    onState: () => void writeHealth(),
    async onConnected(c) {
      client = c;
      reconciled = false;
      for (const type of CALL_EVENTS) c.on(type, (event) => dispatcher.dispatch(event));
      c.on("RecordingFinished", (event) => void dispatcher.run(-1, () => onRecordingFinished(ctx, event), "RecordingFinished"));
      // Calls that ended while nobody listened: Asterisk no longer has their channels. Calls arriving
      // meanwhile are taken (events flow already) and are not in the list: only older ones are looked at.
      const { rows } = await sql<{ now: Date }>`select now() as now`.execute(db);
      const channels = await c.channels.list({});
      const ended = await reconcileLiveCalls(db, channels.map((ch) => ch.id), { nodeId, startedBefore: rows[0]!.now });
      for (const callId of ended) {
        const handler = dispatcher.handlerOf(callId) as { dispose?: () => void } | undefined;
        handler?.dispose?.();
        dispatcher.remove(callId);
      }
      if (ended.length) log.info(`reconciled after connecting: ${ended.length} call(s) had ended meanwhile`);
      reconciled = true;
      void acd.kick();
      void acd.dialPending().catch((error: unknown) => log.warn("dialling queued outbound calls failed", error));
      void dialSurveys();
    },
    onDisconnected() {
      client = null;
      reconciled = false;
    },
  });

  // ---------- notifications: presence changes, click-to-dial ----------
  let listener: Listener | null = null;
  listener = listen(
    o.databaseUrl,
    [DESK_EVENTS_CHANNEL, TELEPHONY_COMMANDS_CHANNEL],
    (channel, payload) => {
      if (channel === TELEPHONY_COMMANDS_CHANNEL) {
        const command = parseTelephonyCommand(payload);
        if (command?.type === "dial") void acd.dialPending([command.callId]).catch((e: unknown) => log.warn("click-to-dial failed", e));
        else if (command?.type === "acd" && command.nodeId === nodeId) void acd.kick();
        else if (command?.type === "survey") void dialSurveys([command.callId]);
        return;
      }
      const event = parseDeskEvent(payload);
      // An operator became available (or finished a call): waiting callers may be offered to them. A call this
      // process ended kicks its ACD itself (ctx.endingCall): the end is run for once, not twice.
      if (event?.type === "call_ended" && endedHere.delete(event.callId)) return;
      if (event && (event.type === "presence" || event.type === "call_ended")) void acd.kick();
    },
    { log, onReconnect: () => void acd.kick() },
  );

  // ---------- the sweep: heartbeat, missed notifications, missed recordings ----------
  let sweeps = 0;
  const sweep = setInterval(() => {
    if (stopped) return;
    sweeps++;
    for (const [callId, at] of endedHere) if (Date.now() - at > 60_000) endedHere.delete(callId);
    void writeHealth();
    // operators rung by a process that died meanwhile are freed for the live processes' callers
    void reclaimDeadProcessOffers(db).then(
      (ended) => {
        if (ended.length === 0) return;
        log.info(`freed ${ended.length} operator(s) rung for a telephony process that stopped`);
        void acd.kick();
      },
      (error: unknown) => log.warn("reclaiming a stopped process's offers failed", error),
    );
    void acd.kick();
    void acd.dialPending().catch((error: unknown) => log.warn("dialling queued outbound calls failed", error));
    void dialSurveys();
    if (sweeps % 10 === 0 && ctx.ready()) void fetchMissedRecordings(ctx).catch((e: unknown) => log.debug(String(e)));
  }, o.sweepMs ?? 3000);
  sweep.unref?.();

  const started = registerTelephonyNode(db, { nodeId, host: hostname(), pid: process.pid, ariUrl: redactUrl(env.ariUrl), ariApp: env.ARI_APP })
    .catch((error: unknown) => log.error("could not register this telephony process", error))
    .then(() => connection.start());

  return {
    nodeId,
    state: connection.state,
    kick: () => acd.kick(),
    acdRuns: () => acd.runs(),
    async stop() {
      if (stopped) return;
      stopped = true;
      clearInterval(sweep);
      await started;
      await connection.stop();
      for (const h of dispatcher.handlers()) (h as { dispose?: () => void }).dispose?.();
      await listener?.close();
      await acd.idle();
      await surveysDialling;
      await healthWrite;
      await telephonyNodeStopped(db, nodeId).catch(() => {});
    },
  };
}

/** The URL without credentials, for the health row. */
function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    u.username = "";
    u.password = "";
    return u.toString().replace(/\/$/, "");
  } catch {
    return url;
  }
}

/**
 * When ARI_URL is unset: the ARI simulator on ARI_SIM_PORT (recordings under DATA_DIR/ari-sim-recordings),
 * unless one (started by another process of this project) already listens there. Undefined in that case.
 */
export async function ensureSimulator(env: Env, log: Logger): Promise<AriSimulator | undefined> {
  try {
    return await startAriSimulator({
      port: env.ARI_SIM_PORT,
      user: env.ARI_USER,
      password: env.ARI_PASSWORD,
      recordingsDir: path.join(env.dataDir, "ari-sim-recordings"),
      // in development customers' phones ring until someone answers them on /dev/phones (tests keep "answer at once")
      trunkBehaviour: env.NODE_ENV === "development" ? { answer: "never", afterMs: 300 } : undefined,
      log: logger("ari-sim"),
    });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "EADDRINUSE") {
      log.info(`an ARI simulator already listens on port ${env.ARI_SIM_PORT}: using it`);
      return undefined;
    }
    throw error;
  }
}

