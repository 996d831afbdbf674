/**
 * The simulated Asterisk: channels, bridges, playbacks and recordings with the state transitions and the
 * event sequences a real Asterisk produces for an ARI application (see the README's simulator section).
 * It knows nothing of HTTP: the REST layer (rest.ts) and the control API (control.ts) call its methods,
 * and events leave through the `deliver` callback, addressed to a Stasis application by name.
 * Errors are AriError(status, message), the status and message Asterisk would answer with.
 */
import { randomBytes } from "node:crypto";
import { readdirSync, statSync } from "node:fs";
import { mkdir, readFile, rename, unlink, writeFile } from "node:fs/promises";
import path from "node:path";
import { HANGUP_CAUSES } from "../../core/call";
import { conversationWav, readWavInfo } from "../../platform/wav";
import type { EventType } from "./api-docs";

export class AriError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export type ChannelState = "Down" | "Ring" | "Ringing" | "Up";
export type AnswerBehaviour = "auto" | "never" | "busy" | "reject";
export interface EndpointBehaviour {
  answer: AnswerBehaviour;
  afterMs: number;
}

export interface CallerId {
  name: string;
  number: string;
}

interface Channel {
  id: string;
  protocolId: string;
  name: string;
  state: ChannelState;
  caller: CallerId;
  connected: CallerId;
  dialplan: { context: string; exten: string; priority: number; app_name: string; app_data: string };
  creationtime: Date;
  direction: "inbound" | "outbound";
  tech: string;
  resource: string;
  /** the trunk an originated call was dialled through (PJSIP/0912…@trunk), null for a phone dialled directly */
  host: string | null;
  /** the Stasis application subscribed to this channel (the one it is in, or the originator's) */
  app: string;
  inStasis: boolean;
  args: string[];
  bridgeId: string | null;
  moh: string | null;
  ringing: boolean;
  vars: Map<string, string>;
  /** digits the caller keys once the channel is answered */
  pendingDtmf: string;
  timers: Set<NodeJS.Timeout>;
}

interface Bridge {
  id: string;
  name: string;
  type: "mixing" | "holding";
  channels: string[];
  creationtime: Date;
  /** applications subscribed to the bridge: those of the channels that entered it */
  apps: Set<string>;
  moh: string | null;
}

interface Playback {
  id: string;
  media: string[];
  index: number;
  language: string;
  target: Target;
  state: "queued" | "playing" | "continuing" | "done" | "failed";
  apps: Set<string>;
  timer: NodeJS.Timeout | null;
}

interface LiveRecording {
  name: string;
  format: string;
  target: Target;
  state: "queued" | "recording" | "done" | "failed" | "canceled";
  apps: Set<string>;
  startedAt: number;
  ifExists: "fail" | "overwrite" | "append";
  timer: NodeJS.Timeout | null;
  duration?: number;
}

type Target = { kind: "channel" | "bridge"; id: string };

export interface SimulatorLog {
  info(m: string): void;
  warn(m: string): void;
  error(m: string, e?: unknown): void;
}

export interface AsteriskOptions {
  recordingsDir: string;
  /** how long one sound takes to play (ms) */
  playbackMs: number;
  /** how long after a channel is answered the digits its caller keyed early arrive (ms); default 300 */
  dtmfAfterAnswerMs?: number;
  /** how a phone dialled through a trunk (tech/number@host) answers when its number has no behaviour of its own; default DEFAULT_BEHAVIOUR */
  trunkBehaviour?: EndpointBehaviour;
  /** where an event for an application goes (dropped when no socket is connected for it) */
  deliver(app: string, event: Record<string, unknown>): void;
  log: SimulatorLog;
}

/** Asterisk's Q.850 cause texts (ast_cause2str) for the causes the simulator produces. */
const CAUSE_TEXT: Record<number, string> = {
  0: "Unknown",
  1: "Unallocated (unassigned) number",
  16: "Normal Clearing",
  17: "User busy",
  18: "No user responding",
  19: "User alerting, no answer",
  21: "Call Rejected",
  26: "Answered elsewhere",
  27: "Destination out of order",
  28: "Invalid number format (incomplete number)",
  31: "Normal, unspecified",
  34: "Circuit/channel congestion",
  38: "Network out of order",
  58: "Bearer capability not available",
  127: "Interworking, unspecified",
};

/** DELETE /channels/{id}?reason=… → cause, as Asterisk maps them. */
export const HANGUP_REASON_CAUSES: Record<string, number> = {
  normal: HANGUP_CAUSES.NORMAL_CLEARING,
  busy: HANGUP_CAUSES.USER_BUSY,
  congestion: 34,
  no_answer: HANGUP_CAUSES.NO_ANSWER,
  timeout: HANGUP_CAUSES.NO_USER_RESPONSE,
  rejected: HANGUP_CAUSES.CALL_REJECTED,
  unallocated: 1,
  normal_unspecified: 31,
  number_incomplete: 28,
  codec_mismatch: 58,
  interworking: 127,
  failure: 38,
  answered_elsewhere: 26,
};

export function causeText(cause: number): string {
  return CAUSE_TEXT[cause] ?? "Unknown";
}

/** Asterisk's timestamp format in events and models: 2026-11-30T19:36:22.123+0000. */
export function astTime(d: Date): string {
  return d.toISOString().replace("Z", "+0000");
}

const MEDIA_SCHEMES = ["sound:", "recording:", "number:", "digits:", "characters:", "tone:"];
/** Recording names: relative paths of safe segments (Asterisk allows sub-directories of its spool). */
const RECORDING_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]*(\/[A-Za-z0-9][A-Za-z0-9_.-]*)*$/;
const RECORDING_FORMATS = ["wav"];
const DTMF_DELAY_AFTER_ANSWER_MS = 300;
const DTMF_GAP_MS = 150;
const DTMF_DURATION_MS = 100;

export const DEFAULT_BEHAVIOUR: EndpointBehaviour = { answer: "auto", afterMs: 300 };

export class SimulatedAsterisk {
  readonly asteriskId: string;
  readonly startedAt = new Date();
  private readonly channels = new Map<string, Channel>();
  private readonly bridges = new Map<string, Bridge>();
  private readonly playbacks = new Map<string, Playback>();
  private readonly recordings = new Map<string, LiveRecording>();
  private readonly behaviours = new Map<string, EndpointBehaviour>();
  private trunkBehaviour: EndpointBehaviour;
  private readonly timers = new Set<NodeJS.Timeout>();
  /** recordings being written to the spool */
  private readonly writing = new Set<Promise<void>>();
  private readonly idPrefix = Math.floor(Date.now() / 1000);
  private seq = 0;
  private closed = false;

  constructor(private readonly opts: AsteriskOptions) {
    const mac = randomBytes(6);
    mac[0] = (mac[0]! | 0x02) & 0xfe; // locally administered, unicast: like Asterisk's entity id, never a real NIC's
    this.asteriskId = [...mac].map((b) => b.toString(16).padStart(2, "0")).join(":");
    this.trunkBehaviour = opts.trunkBehaviour ?? DEFAULT_BEHAVIOUR;
  }

  // ---------- models (the JSON Asterisk sends) ----------

  channelJson(c: Channel) {
    return {
      id: c.id,
      name: c.name,
      state: c.state,
      protocol_id: c.protocolId,
      caller: { ...c.caller },
      connected: { ...c.connected },
      accountcode: "",
      dialplan: { ...c.dialplan },
      creationtime: astTime(c.creationtime),
      language: "en",
    };
  }

  bridgeJson(b: Bridge) {
    const technology = b.type === "holding" ? "holding_bridge" : b.channels.length > 2 ? "softmix" : "simple_bridge";
    return {
      id: b.id,
      technology,
      bridge_type: b.type,
      bridge_class: "stasis",
      creator: "Stasis",
      name: b.name,
      channels: [...b.channels],
      creationtime: astTime(b.creationtime),
      video_mode: b.type === "holding" ? "none" : "talker",
    };
  }

  playbackJson(p: Playback) {
    const next = p.media[p.index + 1];
    return {
      id: p.id,
      media_uri: p.media[p.index] ?? p.media[0]!,
      ...(next !== undefined ? { next_media_uri: next } : {}),
      target_uri: `${p.target.kind}:${p.target.id}`,
      language: p.language,
      state: p.state,
    };
  }

  recordingJson(r: LiveRecording) {
    return {
      name: r.name,
      format: r.format,
      state: r.state,
      target_uri: `${r.target.kind}:${r.target.id}`,
      ...(r.duration !== undefined ? { duration: r.duration } : {}),
    };
  }

  // ---------- events ----------

  private emit(apps: Iterable<string>, type: EventType, payload: Record<string, unknown>) {
    if (this.closed) return;
    const timestamp = astTime(new Date());
    for (const application of new Set(apps)) {
      this.opts.deliver(application, { type, timestamp, ...payload, asterisk_id: this.asteriskId, application });
    }
  }

  private later(ms: number, fn: () => void, owner?: Set<NodeJS.Timeout>): NodeJS.Timeout {
    const t = setTimeout(() => {
      this.timers.delete(t);
      owner?.delete(t);
      if (this.closed) return;
      try {
        fn();
      } catch (e) {
        this.opts.log.error("ari-sim: a scheduled step failed", e);
      }
    }, ms);
    this.timers.add(t);
    owner?.add(t);
    return t;
  }

  private cancel(t: NodeJS.Timeout | null, owner?: Set<NodeJS.Timeout>) {
    if (!t) return;
    clearTimeout(t);
    this.timers.delete(t);
    owner?.delete(t);
  }

  /** Stops every timer and forgets everything: the simulator is shutting down (recordings being written finish first). */
  async shutdown() {
    this.closed = true;
    await Promise.allSettled([...this.writing]);
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    this.channels.clear();
    this.bridges.clear();
    this.playbacks.clear();
    this.recordings.clear();
  }

  // ---------- ids ----------

  private uniqueId(): string {
    return `${this.idPrefix}.${++this.seq}`;
  }

  private channelName(tech: string, base: string): string {
    return `${tech}/${base}-${(++this.seq).toString(16).padStart(8, "0")}`;
  }

  private protocolCallId(): string {
    return `${randomBytes(8).toString("hex")}@127.0.0.1`;
  }

  // ---------- lookups ----------

  private channel(id: string): Channel {
    const c = this.channels.get(id);
    if (!c) throw new AriError(404, "Channel not found");
    return c;
  }

  private stasisChannel(id: string): Channel {
    const c = this.channel(id);
    if (!c.inStasis) throw new AriError(409, "Channel not in Stasis application");
    return c;
  }

  private bridge(id: string): Bridge {
    const b = this.bridges.get(id);
    if (!b) throw new AriError(404, "Bridge not found");
    return b;
  }

  listChannels() {
    return [...this.channels.values()].map((c) => this.channelJson(c));
  }

  getChannel(id: string) {
    return this.channelJson(this.channel(id));
  }

  /** For the control API's listing: the model plus what the simulator knows about the call. */
  describeChannels() {
    return [...this.channels.values()].map((c) => ({
      ...this.channelJson(c),
      direction: c.direction,
      app: c.app,
      in_stasis: c.inStasis,
      bridge_id: c.bridgeId,
      moh: c.moh,
      /** the outside party's number on a trunk call (the caller of an inbound call, the number dialled through a trunk); null for a phone of our own */
      outside_number: c.direction === "inbound" ? c.caller.number : c.host !== null ? c.resource : null,
      /** the media playing to the channel now (on it, or on its bridge), or null */
      playing: this.playingTo(c),
    }));
  }

  private playingTo(c: Channel): string | null {
    for (const pb of this.playbacks.values()) {
      if (pb.state !== "playing" && pb.state !== "continuing") continue;
      if ((pb.target.kind === "channel" && pb.target.id === c.id) || (pb.target.kind === "bridge" && pb.target.id === c.bridgeId)) {
        return pb.media[pb.index] ?? null;
      }
    }
    return null;
  }

  counts() {
    return { channels: this.channels.size, bridges: this.bridges.size, playbacks: this.playbacks.size, recordings: this.recordings.size };
  }

  // ---------- endpoints ----------

  setBehaviour(resource: string, behaviour: EndpointBehaviour) {
    this.behaviours.set(resource, behaviour);
  }

  behaviourOf(resource: string): EndpointBehaviour {
    return this.behaviours.get(resource) ?? DEFAULT_BEHAVIOUR;
  }

  /** How phones dialled through a trunk answer when their number has no behaviour of its own. */
  setTrunkBehaviour(behaviour: EndpointBehaviour) {
    this.trunkBehaviour = behaviour;
  }

  getTrunkBehaviour(): EndpointBehaviour {
    return this.trunkBehaviour;
  }

  listBehaviours() {
    return [...this.behaviours.entries()].map(([resource, b]) => ({ resource, ...b }));
  }

  private endpointJson(tech: string, resource: string) {
    const channelIds = [...this.channels.values()].filter((c) => c.tech === tech && c.resource === resource).map((c) => c.id);
    return { technology: tech, resource, state: "online", channel_ids: channelIds };
  }

  listEndpoints(tech?: string) {
    const seen = new Map<string, { tech: string; resource: string }>();
    for (const resource of this.behaviours.keys()) seen.set(`PJSIP/${resource}`, { tech: "PJSIP", resource });
    for (const c of this.channels.values()) seen.set(`${c.tech}/${c.resource}`, { tech: c.tech, resource: c.resource });
    const list = [...seen.values()].filter((e) => !tech || e.tech.toLowerCase() === tech.toLowerCase());
    if (tech && list.length === 0) throw new AriError(404, "Endpoints not found");
    return list.map((e) => this.endpointJson(e.tech, e.resource));
  }

  getEndpoint(tech: string, resource: string) {
    return this.endpointJson(tech, resource);
  }

  // ---------- inbound calls (control API) ----------

  /** A call arrives from the trunk: the dialplan sends it to Stasis(app) while it is still ringing. */
  inboundCall(p: { from: string; to: string; app: string; callerName?: string; dtmf?: string }): string {
    const c: Channel = {
      id: this.uniqueId(),
      protocolId: this.protocolCallId(),
      name: this.channelName("PJSIP", "trunk"),
      state: "Ring",
      caller: { name: p.callerName ?? "", number: p.from },
      connected: { name: "", number: "" },
      dialplan: { context: "from-trunk", exten: p.to, priority: 2, app_name: "Stasis", app_data: p.app },
      creationtime: new Date(),
      direction: "inbound",
      tech: "PJSIP",
      resource: "trunk",
      host: null,
      app: p.app,
      inStasis: true,
      args: [],
      bridgeId: null,
      moh: null,
      ringing: false,
      vars: new Map(),
      pendingDtmf: p.dtmf ?? "",
      timers: new Set(),
    };
    this.channels.set(c.id, c);
    this.emit([c.app], "StasisStart", { args: [], channel: this.channelJson(c) });
    return c.id;
  }

  /** The caller (or a phone) keys digits; they arrive once the channel is answered. */
  keyDigits(id: string, digits: string) {
    const c = this.channel(id);
    if (c.state !== "Up") {
      c.pendingDtmf += digits;
      return;
    }
    this.sendDigits(c, digits, 0);
  }

  private sendDigits(c: Channel, digits: string, delayMs: number) {
    [...digits].forEach((digit, i) => {
      this.later(
        delayMs + i * DTMF_GAP_MS,
        () => {
          if (!this.channels.has(c.id) || !c.inStasis) return;
          this.emit([c.app], "ChannelDtmfReceived", { digit, duration_ms: DTMF_DURATION_MS, channel: this.channelJson(c) });
        },
        c.timers,
      );
    });
  }

  /**
   * The far end hangs up (the caller, or an operator's phone). A channel that was never answered and is
   * not in Stasis (an originated call still ringing) just ends with the cause, as a failed dial does.
   */
  remoteHangup(id: string, cause: number = HANGUP_CAUSES.NORMAL_CLEARING) {
    const c = this.channel(id);
    if (!c.inStasis && c.state !== "Up") {
      this.destroy(c, cause);
      return;
    }
    this.emit([c.app], "ChannelHangupRequest", { cause, channel: this.channelJson(c) });
    this.destroy(c, cause);
  }

  /** A ringing originated channel is picked up now (whatever its endpoint's behaviour). */
  remoteAnswer(id: string) {
    const c = this.channel(id);
    if (c.direction !== "outbound" || c.state === "Up") throw new AriError(409, "Channel is not an originated channel that is ringing");
    this.originatedAnswered(c);
  }

  // ---------- channels (ARI) ----------

  originate(p: {
    endpoint?: string;
    app?: string;
    extension?: string;
    appArgs?: string;
    callerId?: string;
    timeout?: number;
    channelId?: string;
    otherChannelId?: string;
    variables?: Record<string, string>;
  }) {
    if (!p.endpoint) throw new AriError(400, "Endpoint must be specified");
    const m = /^([A-Za-z0-9_-]+)\/([^@/]+)(?:@(.+))?$/.exec(p.endpoint);
    if (!m) throw new AriError(400, "Invalid endpoint specified");
    if (!p.app) {
      throw new AriError(400, p.extension ? "The ARI simulator has no dialplan: originate into a Stasis application (app)" : "Application or extension must be specified");
    }
    if (p.channelId && (this.channels.has(p.channelId) || p.channelId === p.otherChannelId)) {
      throw new AriError(409, "Channel with given unique ID already exists");
    }
    const [, tech, resource, host] = m as unknown as [string, string, string, string | undefined];
    const caller = parseCallerId(p.callerId ?? "");
    const c: Channel = {
      id: p.channelId || this.uniqueId(),
      protocolId: "",
      name: this.channelName(tech, host ?? resource),
      state: "Down",
      caller,
      connected: { name: "", number: "" },
      dialplan: { context: "default", exten: "s", priority: 1, app_name: "", app_data: "" },
      creationtime: new Date(),
      direction: "outbound",
      tech,
      resource,
      host: host ?? null,
      app: p.app,
      inStasis: false,
      args: p.appArgs ? p.appArgs.split(",") : [],
      bridgeId: null,
      moh: null,
      ringing: false,
      vars: new Map(),
      pendingDtmf: "",
      timers: new Set(),
    };
    for (const [k, v] of Object.entries(p.variables ?? {})) c.vars.set(k, v);
    this.channels.set(c.id, c);
    const snapshot = this.channelJson(c);
    const behaviour = this.behaviours.get(resource) ?? (host !== undefined ? this.trunkBehaviour : DEFAULT_BEHAVIOUR);
    if (behaviour.answer !== "busy") {
      this.later(
        Math.min(20, behaviour.afterMs),
        () => {
          c.state = "Ringing";
          c.protocolId = this.protocolCallId();
          this.emit([c.app], "ChannelStateChange", { channel: this.channelJson(c) });
        },
        c.timers,
      );
    }
    switch (behaviour.answer) {
      case "auto":
        this.later(behaviour.afterMs, () => this.originatedAnswered(c), c.timers);
        break;
      case "busy":
        this.later(behaviour.afterMs, () => this.destroy(c, HANGUP_CAUSES.USER_BUSY), c.timers);
        break;
      case "reject":
        this.later(behaviour.afterMs, () => this.destroy(c, HANGUP_CAUSES.CALL_REJECTED), c.timers);
        break;
      case "never":
        break;
    }
    const timeout = p.timeout ?? 30;
    if (timeout > 0) {
      this.later(
        timeout * 1000,
        () => {
          if (c.state !== "Up") this.destroy(c, HANGUP_CAUSES.NO_ANSWER);
        },
        c.timers,
      );
    }
    return snapshot;
  }

  private originatedAnswered(c: Channel) {
    if (!this.channels.has(c.id) || c.state === "Up") return;
    if (!c.protocolId) c.protocolId = this.protocolCallId();
    c.state = "Up";
    this.emit([c.app], "ChannelStateChange", { channel: this.channelJson(c) });
    c.inStasis = true;
    c.dialplan = { ...c.dialplan, app_name: "Stasis", app_data: [c.app, ...c.args].join(",") };
    this.emit([c.app], "StasisStart", { args: [...c.args], channel: this.channelJson(c) });
  }

  /** DELETE /channels/{id}: the application hangs a channel up. */
  hangup(id: string, reason?: string, reasonCode?: string) {
    const c = this.channel(id);
    let cause: number = HANGUP_CAUSES.NORMAL_CLEARING;
    if (reasonCode !== undefined && reasonCode !== "") {
      const n = Number(reasonCode);
      if (!Number.isInteger(n) || n < 0 || n > 127) throw new AriError(400, "Invalid reason for hangup provided");
      cause = n;
    } else if (reason !== undefined && reason !== "") {
      const mapped = HANGUP_REASON_CAUSES[reason];
      if (mapped === undefined) throw new AriError(400, "Invalid reason for hangup provided");
      cause = mapped;
    }
    this.emit([c.app], "ChannelHangupRequest", { cause, soft: true, channel: this.channelJson(c) });
    this.destroy(c, cause);
  }

  /** The channel goes away: playbacks end, it leaves its bridge and Stasis, then it is destroyed. */
  private destroy(c: Channel, cause: number) {
    if (!this.channels.has(c.id)) return;
    for (const t of c.timers) this.cancel(t);
    c.timers.clear();
    for (const p of [...this.playbacks.values()]) {
      if (p.target.kind === "channel" && p.target.id === c.id) this.finishPlayback(p, "done");
    }
    for (const r of [...this.recordings.values()]) {
      if (r.target.kind === "channel" && r.target.id === c.id) this.endRecording(r);
    }
    if (c.bridgeId) this.leaveBridge(c);
    if (c.inStasis) {
      c.inStasis = false;
      this.emit([c.app], "StasisEnd", { channel: this.channelJson(c) });
    }
    this.channels.delete(c.id);
    this.emit([c.app], "ChannelDestroyed", { cause, cause_txt: causeText(cause), channel: this.channelJson(c) });
  }

  answer(id: string) {
    const c = this.stasisChannel(id);
    if (c.state === "Up") return;
    c.state = "Up";
    c.ringing = false;
    this.emit([c.app], "ChannelStateChange", { channel: this.channelJson(c) });
    if (c.pendingDtmf) {
      const digits = c.pendingDtmf;
      c.pendingDtmf = "";
      this.sendDigits(c, digits, this.opts.dtmfAfterAnswerMs ?? DTMF_DELAY_AFTER_ANSWER_MS);
    }
  }

  ring(id: string, on: boolean) {
    const c = this.stasisChannel(id);
    c.ringing = on;
  }

  channelMoh(id: string, mohClass: string | null) {
    const c = this.stasisChannel(id);
    c.moh = mohClass;
  }

  getChannelVar(id: string, variable: string | undefined) {
    if (!variable) throw new AriError(400, "Variable name is required");
    const c = this.stasisChannel(id);
    const builtIn: Record<string, string> = {
      "CALLERID(num)": c.caller.number,
      "CALLERID(name)": c.caller.name,
      "CHANNEL(name)": c.name,
      UNIQUEID: c.id,
    };
    const value = c.vars.get(variable) ?? builtIn[variable];
    if (value === undefined) throw new AriError(404, "Provided variable was not found");
    return { value };
  }

  setChannelVar(id: string, variable: string | undefined, value: string | undefined) {
    if (!variable) throw new AriError(400, "Variable name is required");
    const c = this.stasisChannel(id);
    c.vars.set(variable, value ?? "");
    this.emit([c.app], "ChannelVarset", { variable, value: value ?? "", channel: this.channelJson(c) });
  }

  // ---------- bridges ----------

  createBridge(p: { type?: string; bridgeId?: string; name?: string }) {
    const types = (p.type ?? "mixing")
      .split(",")
      .map((t) => t.trim())
      .filter(Boolean);
    const known = ["mixing", "holding", "dtmf_events", "proxy_media", "video_sfu", "video_single", "sdp_label"];
    if (types.some((t) => !known.includes(t))) throw new AriError(400, "Invalid bridge type");
    if (p.bridgeId && this.bridges.has(p.bridgeId)) throw new AriError(409, "Bridge with the same bridgeId already exists");
    const b: Bridge = {
      id: p.bridgeId || randomUuid(),
      name: p.name ?? "",
      type: types.includes("holding") ? "holding" : "mixing",
      channels: [],
      creationtime: new Date(),
      apps: new Set(),
      moh: null,
    };
    this.bridges.set(b.id, b);
    return this.bridgeJson(b);
  }

  listBridges() {
    return [...this.bridges.values()].map((b) => this.bridgeJson(b));
  }

  getBridge(id: string) {
    return this.bridgeJson(this.bridge(id));
  }

  addChannels(bridgeId: string, channelIds: string[]) {
    const b = this.bridge(bridgeId);
    const list = channelIds.map((id) => {
      const c = this.channels.get(id);
      if (!c) throw new AriError(400, "Channel not found");
      return c;
    });
    for (const c of list) if (!c.inStasis) throw new AriError(422, "Channel not in Stasis application");
    for (const c of list) {
      if (c.bridgeId === b.id) continue;
      if (c.bridgeId) this.leaveBridge(c);
      c.bridgeId = b.id;
      b.channels.push(c.id);
      b.apps.add(c.app);
      this.emit(b.apps, "ChannelEnteredBridge", { bridge: this.bridgeJson(b), channel: this.channelJson(c) });
    }
  }

  removeChannels(bridgeId: string, channelIds: string[]) {
    const b = this.bridge(bridgeId);
    const list = channelIds.map((id) => {
      const c = this.channels.get(id);
      if (!c) throw new AriError(400, "Channel not found");
      return c;
    });
    for (const c of list) if (c.bridgeId !== b.id) throw new AriError(422, "Channel not in this bridge");
    for (const c of list) this.leaveBridge(c);
  }

  private leaveBridge(c: Channel) {
    const b = c.bridgeId ? this.bridges.get(c.bridgeId) : undefined;
    c.bridgeId = null;
    if (!b) return;
    b.channels = b.channels.filter((id) => id !== c.id);
    this.emit([...b.apps, c.app], "ChannelLeftBridge", { bridge: this.bridgeJson(b), channel: this.channelJson(c) });
    if (b.channels.length === 0) {
      for (const r of [...this.recordings.values()]) {
        if (r.target.kind === "bridge" && r.target.id === b.id) this.endRecording(r);
      }
    }
  }

  destroyBridge(id: string) {
    const b = this.bridge(id);
    for (const channelId of [...b.channels]) {
      const c = this.channels.get(channelId);
      if (c) this.leaveBridge(c);
    }
    for (const p of [...this.playbacks.values()]) {
      if (p.target.kind === "bridge" && p.target.id === b.id) this.finishPlayback(p, "done");
    }
    for (const r of [...this.recordings.values()]) {
      if (r.target.kind === "bridge" && r.target.id === b.id) this.endRecording(r);
    }
    this.bridges.delete(b.id);
    this.emit(b.apps, "BridgeDestroyed", { bridge: this.bridgeJson(b) });
  }

  bridgeMoh(id: string, mohClass: string | null) {
    const b = this.bridge(id);
    b.moh = mohClass;
  }

  // ---------- playbacks ----------

  /** Who hears about a playback or recording: the channel's application, or the bridge's subscribers. */
  private appsOf(target: Target): Set<string> {
    if (target.kind === "channel") return new Set([this.stasisChannel(target.id).app]);
    return this.bridge(target.id).apps;
  }

  play(target: Target, p: { media?: string; lang?: string; playbackId?: string }) {
    const apps = this.appsOf(target);
    const media = (p.media ?? "")
      .split(",")
      .map((m) => m.trim())
      .filter(Boolean);
    if (media.length === 0) throw new AriError(400, "media is required");
    if (p.playbackId && this.playbacks.has(p.playbackId)) throw new AriError(409, "A playback with the same id already exists");
    const pb: Playback = { id: p.playbackId || randomUuid(), media, index: 0, language: p.lang || "en", target, state: "queued", apps, timer: null };
    this.playbacks.set(pb.id, pb);
    const snapshot = this.playbackJson(pb);
    // playbacks on one channel or bridge play one after the other, as Asterisk queues them
    if (!this.activePlaybackOn(target, pb.id)) this.later(0, () => this.startPlayback(pb));
    return snapshot;
  }

  private activePlaybackOn(target: Target, except: string): Playback | undefined {
    return [...this.playbacks.values()].find((p) => p.id !== except && p.target.kind === target.kind && p.target.id === target.id);
  }

  private startPlayback(pb: Playback) {
    if (!this.playbacks.has(pb.id) || pb.state !== "queued") return;
    const uri = pb.media[pb.index]!;
    if (!MEDIA_SCHEMES.some((s) => uri.startsWith(s))) {
      this.finishPlayback(pb, "failed");
      return;
    }
    pb.state = "playing";
    this.emit(pb.apps, "PlaybackStarted", { playback: this.playbackJson(pb) });
    this.scheduleMedia(pb);
  }

  private scheduleMedia(pb: Playback) {
    const uri = pb.media[pb.index]!;
    if (uri.startsWith("tone:")) return; // tones play until stopped
    pb.timer = this.later(this.opts.playbackMs, () => {
      pb.timer = null;
      if (pb.index + 1 < pb.media.length) {
        pb.index++;
        pb.state = "continuing";
        this.emit(pb.apps, "PlaybackContinuing", { playback: this.playbackJson(pb) });
        pb.state = "playing";
        this.scheduleMedia(pb);
      } else {
        this.finishPlayback(pb, "done");
      }
    });
  }

  private finishPlayback(pb: Playback, state: "done" | "failed") {
    if (!this.playbacks.has(pb.id)) return;
    this.cancel(pb.timer);
    pb.timer = null;
    pb.state = state;
    this.playbacks.delete(pb.id);
    this.emit(pb.apps, "PlaybackFinished", { playback: this.playbackJson(pb) });
    const next = [...this.playbacks.values()].find((p) => p.state === "queued" && p.target.kind === pb.target.kind && p.target.id === pb.target.id);
    if (next) this.later(0, () => this.startPlayback(next));
  }

  getPlayback(id: string) {
    const pb = this.playbacks.get(id);
    if (!pb) throw new AriError(404, "Playback not found");
    return this.playbackJson(pb);
  }

  stopPlayback(id: string) {
    const pb = this.playbacks.get(id);
    if (!pb) throw new AriError(404, "Playback not found");
    this.finishPlayback(pb, "done");
  }

  // ---------- recordings ----------

  record(target: Target, p: { name?: string; format?: string; maxDurationSeconds?: number; ifExists?: string }) {
    const apps = this.appsOf(target);
    if (target.kind === "channel" && this.channels.get(target.id)?.bridgeId) throw new AriError(409, "Channel is currently bridged");
    if (!p.name || !RECORDING_NAME.test(p.name) || p.name.split("/").includes("..")) throw new AriError(400, "Recording name invalid");
    if (!p.format) throw new AriError(400, "format is required");
    if (!RECORDING_FORMATS.includes(p.format)) throw new AriError(422, `Unknown format: ${p.format}`);
    const ifExists = p.ifExists ?? "fail";
    if (ifExists !== "fail" && ifExists !== "overwrite" && ifExists !== "append") throw new AriError(400, `ifExists invalid: ${ifExists}`);
    if (this.recordings.has(p.name)) throw new AriError(409, "Recording with the same name is already in progress");
    if (ifExists === "fail" && this.storedPath(p.name)) throw new AriError(409, `Recording '${p.name}' already exists and can not be overwritten`);
    const r: LiveRecording = { name: p.name, format: p.format, target, state: "queued", apps, startedAt: Date.now(), ifExists, timer: null };
    this.recordings.set(r.name, r);
    const snapshot = this.recordingJson(r);
    this.later(0, () => {
      if (this.recordings.get(r.name) !== r || r.state !== "queued") return;
      r.state = "recording";
      r.startedAt = Date.now();
      this.emit(r.apps, "RecordingStarted", { recording: this.recordingJson(r) });
      if (p.maxDurationSeconds && p.maxDurationSeconds > 0) {
        r.timer = this.later(p.maxDurationSeconds * 1000, () => this.endRecording(r));
      }
    });
    return snapshot;
  }

  getLiveRecording(name: string) {
    const r = this.recordings.get(name);
    if (!r) throw new AriError(404, "Recording not found");
    return this.recordingJson(r);
  }

  stopRecording(name: string) {
    const r = this.recordings.get(name);
    if (!r) throw new AriError(404, "Recording not found");
    this.endRecording(r);
  }

  cancelRecording(name: string) {
    const r = this.recordings.get(name);
    if (!r) throw new AriError(404, "Recording not found");
    this.cancel(r.timer);
    this.recordings.delete(name);
    r.state = "canceled";
    this.emit(r.apps, "RecordingFinished", { recording: this.recordingJson(r) });
  }

  /**
   * The recording ends: a WAV file of the recorded wall-clock time (at least a second) of generated
   * conversation is written to the spool, then RecordingFinished tells its duration; it is now stored.
   */
  private endRecording(r: LiveRecording) {
    const p = this.finishRecording(r).finally(() => this.writing.delete(p));
    this.writing.add(p);
  }

  private async finishRecording(r: LiveRecording) {
    if (this.recordings.get(r.name) !== r) return;
    this.recordings.delete(r.name);
    this.cancel(r.timer);
    const seconds = Math.max(1, (Date.now() - r.startedAt) / 1000);
    const file = this.fileOf(r.name, r.format);
    try {
      let total = seconds;
      if (r.ifExists === "append") {
        const previous = await readFile(file).catch(() => null);
        const info = previous ? readWavInfo(previous) : null;
        if (info) total += info.durationSeconds;
      }
      await mkdir(path.dirname(file), { recursive: true });
      const temp = `${file}.${process.pid}.part`;
      await writeFile(temp, conversationWav(total, seedOf(r.name)));
      await rename(temp, file);
      r.state = "done";
      r.duration = Math.round(total);
      this.emit(r.apps, "RecordingFinished", { recording: this.recordingJson(r) });
    } catch (e) {
      this.opts.log.error(`ari-sim: could not write recording ${r.name}`, e);
      r.state = "failed";
      this.emit(r.apps, "RecordingFailed", { recording: { ...this.recordingJson(r), cause: e instanceof Error ? e.message : String(e) } });
    }
  }

  private fileOf(name: string, format: string): string {
    return path.join(this.opts.recordingsDir, ...`${name}.${format}`.split("/"));
  }

  private storedPath(name: string): { file: string; format: string } | null {
    if (!RECORDING_NAME.test(name) || name.split("/").includes("..")) return null;
    for (const format of RECORDING_FORMATS) {
      const file = this.fileOf(name, format);
      try {
        if (statSync(file).isFile()) return { file, format };
      } catch {
        // not this format
      }
    }
    return null;
  }

  listStored() {
    const out: { name: string; format: string }[] = [];
    const walk = (dir: string, prefix: string) => {
      let entries;
      try {
        entries = readdirSync(dir, { withFileTypes: true });
      } catch {
        return;
      }
      for (const e of entries) {
        if (e.isDirectory()) walk(path.join(dir, e.name), `${prefix}${e.name}/`);
        else {
          const dot = e.name.lastIndexOf(".");
          const format = dot > 0 ? e.name.slice(dot + 1) : "";
          if (RECORDING_FORMATS.includes(format)) out.push({ name: `${prefix}${e.name.slice(0, dot)}`, format });
        }
      }
    };
    walk(this.opts.recordingsDir, "");
    return out.sort((a, b) => a.name.localeCompare(b.name));
  }

  getStored(name: string) {
    const s = this.storedPath(name);
    if (!s) throw new AriError(404, "Recording not found");
    return { name, format: s.format };
  }

  async storedFile(name: string): Promise<{ data: Buffer; format: string }> {
    const s = this.storedPath(name);
    if (!s) throw new AriError(404, "Recording not found");
    try {
      return { data: await readFile(s.file), format: s.format };
    } catch {
      throw new AriError(403, "The recording file could not be opened");
    }
  }

  async deleteStored(name: string) {
    const s = this.storedPath(name);
    if (!s) throw new AriError(404, "Recording not found");
    await unlink(s.file);
  }
}

/** "Name <number>", "<number>" or "number" → CallerID. */
export function parseCallerId(s: string): CallerId {
  const m = /^\s*"?([^"<]*?)"?\s*<([^>]*)>\s*$/.exec(s);
  if (m) return { name: m[1]!.trim(), number: m[2]!.trim() };
  return { name: "", number: s.trim() };
}

function randomUuid(): string {
  return globalThis.crypto.randomUUID();
}

function seedOf(name: string): number {
  let h = 2166136261;
  for (let i = 0; i < name.length; i++) h = Math.imul(h ^ name.charCodeAt(i), 16777619);
  return h >>> 0 || 1;
}
