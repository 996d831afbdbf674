import { CALLBACK_DIGIT, ivrChoiceForDigit, parseKeyedTicketNumber, TICKET_NUMBER_END_DIGIT } from "../../core/call";
import {
  attemptAnswered,
  attemptEnded,
  callEnded,
  enqueueCall,
  recordIvrChoice,
  requestCallback,
  startInboundCall,
  type Offer,
} from "../../services/calls";
import { isGone, type AriEvent } from "../ari";
import { endpointFor, type TelephonyContext } from "../context";
import { CallBase } from "./call-base";

/** appArgs of an operator's leg originated for an inbound call: operator,<callId>,<attemptId>. */
export const OPERATOR_LEG = "operator";

type Phase = "ivr" | "queued" | "connected" | "leaving" | "ended";

/**
 * One inbound call, from StasisStart to hang-up: answer → menu (digit, or none = breakdown) → for a follow-up
 * the ticket number keyed until # → the holding bridge with music on hold (queued: the ACD rings operators
 * through `ring`) → an operator answers: both into a mixing bridge, recorded → either side hangs up. A caller
 * who waits long enough hears the call-back offer and may press 9. Every change of the call goes through
 * services/calls.ts; this object only holds what Asterisk needs (channel and bridge ids, timers).
 */
export class InboundCall extends CallBase {
  private phase: Phase = "ivr";
  private digits: string[] = [];
  private holdingBridgeId: string | null = null;
  private bridgeId: string | null = null;
  private recordingName: string | null = null;
  private operatorChannelId: string | null = null;
  private callbackOffered = false;
  /** operator legs ringing for this call: channel → attempt and its ring timer */
  private readonly ringing = new Map<string, { attemptId: number; timer: NodeJS.Timeout }>();

  constructor(
    ctx: TelephonyContext,
    callId: number,
    readonly callerChannelId: string,
  ) {
    super(ctx, callId);
  }

  /** StasisStart of a caller: the call is recorded, the handler registered, the IVR started. */
  static async start(ctx: TelephonyContext, event: AriEvent): Promise<InboundCall | null> {
    const channel = event.channel;
    if (!channel) return null;
    const { callId } = await startInboundCall(ctx.db, {
      channelId: channel.id,
      callerNumber: channel.caller?.number || null,
      calledNumber: channel.dialplan?.exten || null,
      nodeId: ctx.nodeId,
    });
    const call = new InboundCall(ctx, callId, channel.id);
    ctx.dispatcher.register(call, channel.id);
    ctx.log.info(`call ${callId}: incoming from ${channel.caller?.number || "unknown"}`);
    void call.runIvr().catch((error: unknown) => {
      if (isGone(error) || call.ended) return;
      ctx.log.warn(`call ${callId}: IVR failed; hanging up`, error);
      call.hangup(call.callerChannelId);
    });
    return call;
  }

  get waiting(): boolean {
    return this.phase === "queued";
  }

  async handle(event: AriEvent, channelId: string): Promise<void> {
    if (channelId === this.callerChannelId) return this.onCallerEvent(event);
    return this.onOperatorLegEvent(event, channelId);
  }

  // ---------- the caller's channel ----------

  private async onCallerEvent(event: AriEvent): Promise<void> {
    switch (event.type) {
      case "ChannelDtmfReceived":
        if (event.digit) this.onDigit(event.digit);
        return;
      case "PlaybackFinished":
        this.onPlaybackFinished(event);
        return;
      case "ChannelHangupRequest":
      case "ChannelDestroyed":
      case "StasisEnd":
        return this.callerGone(typeof event.cause === "number" ? event.cause : null);
    }
  }

  private onDigit(digit: string): void {
    if (this.phase === "ivr") {
      this.digits.push(digit);
      this.changed();
    } else if (this.phase === "queued" && this.callbackOffered && digit === CALLBACK_DIGIT) {
      void this.ctx.dispatcher.run(this.callId, () => this.takeCallback(), "call-back request");
    }
  }

  private async runIvr(): Promise<void> {
    const { env, timing } = this.ctx;
    const ari = this.ctx.ari();
    // The holding bridge is made while the caller hears the menu (one request less after the key); a call
    // that ends first has it destroyed with the call (holdingBridgeId) or here.
    const holding = `hold-${this.callId}-${Date.now()}`;
    const bridge = ari.bridges.create({ type: "holding", bridgeId: holding, name: `queue-${this.callId}` }).then(
      () => {
        this.holdingBridgeId = holding;
        if (this.ended) this.destroyBridge(holding);
        return true;
      },
      (error: unknown) => {
        if (!isGone(error) && !this.ended) this.ctx.log.warn(`call ${this.callId}: could not make the holding bridge`, error);
        return false;
      },
    );
    await ari.channels.answer({ channelId: this.callerChannelId });
    const first = await this.menu(env.ARI_SOUND_MENU);
    if (this.ended) return void (await bridge);
    const choice = ivrChoiceForDigit(first);
    let keyed: number | null = null;
    if (choice === "follow_up") {
      const digits = await this.collectUntilEnd(env.ARI_SOUND_TICKET_NUMBER);
      keyed = parseKeyedTicketNumber(digits);
      if (this.ended) return void (await bridge);
    }
    this.digits = [];
    const made = await bridge;
    // a caller who never reaches the queue keeps their choice on the call-detail record all the same
    const recordChoice = () => recordIvrChoice(this.ctx.db, this.callId, { choice, keyedTicketNumber: keyed });
    if (!made || this.ended) {
      await recordChoice();
      if (!made && !this.ended) this.hangup(this.callerChannelId);
      return;
    }
    try {
      await ari.bridges.addChannel({ bridgeId: holding, channel: this.callerChannelId });
    } catch (error) {
      await recordChoice();
      throw error;
    }
    this.quietly(ari.bridges.startMoh({ bridgeId: holding, mohClass: env.ARI_MOH_CLASS }));
    // one statement: the choice recorded and the caller queued
    const queued = await enqueueCall(this.ctx.db, this.callId, { holdingBridgeId: holding, choice, keyedTicketNumber: keyed });
    if (!queued || this.ended) return;
    this.phase = "queued";
    this.ctx.log.info(`call ${this.callId}: queued (${choice}${keyed ? `, ticket ${keyed}` : ""})`);
    const offerIn = Math.max(0, queued.enqueuedAt.getTime() + timing.callbackOfferAfterMs - Date.now());
    this.after(offerIn, "call-back offer", () => this.offerCallback());
    this.ctx.kick();
  }

  /** Plays the menu and returns the first key pressed (during it or within the IVR timeout after it). */
  private async menu(sound: string): Promise<string | null> {
    const playback = await this.play(this.callerChannelId, sound);
    while (!this.ended && this.digits.length === 0 && !this.playbackDone(playback)) await this.nextChange(60_000);
    if (this.digits.length > 0) this.stopPlayback(playback);
    const deadline = Date.now() + this.ctx.timing.ivrTimeoutMs;
    while (!this.ended && this.digits.length === 0 && Date.now() < deadline) await this.nextChange(deadline - Date.now());
    return this.digits.shift() ?? null;
  }

  /** Plays the prompt and collects keys until # or the IVR timeout after the last key (or the prompt). */
  private async collectUntilEnd(sound: string): Promise<string> {
    const playback = await this.play(this.callerChannelId, sound);
    let collected = "";
    let deadline = Number.POSITIVE_INFINITY;
    for (;;) {
      while (this.digits.length > 0) {
        const d = this.digits.shift()!;
        this.stopPlayback(playback);
        if (d === TICKET_NUMBER_END_DIGIT) return collected;
        collected += d;
        deadline = Date.now() + this.ctx.timing.ivrTimeoutMs;
      }
      if (this.ended) return collected;
      if (deadline === Number.POSITIVE_INFINITY && this.playbackDone(playback)) deadline = Date.now() + this.ctx.timing.ivrTimeoutMs;
      if (Date.now() >= deadline) return collected;
      await this.nextChange(Math.min(60_000, deadline - Date.now()));
    }
  }

  private async offerCallback(): Promise<void> {
    if (this.phase !== "queued") return;
    this.callbackOffered = true;
    await this.play(this.callerChannelId, this.ctx.env.ARI_SOUND_CALLBACK_OFFER);
  }

  /** The caller pressed 9: the call-back keeps their place; they hear a confirmation and are hung up. */
  private async takeCallback(): Promise<void> {
    if (this.phase !== "queued") return;
    this.phase = "leaving";
    const cb = await requestCallback(this.ctx.db, this.callId);
    if (!cb) return;
    this.ctx.log.info(`call ${this.callId}: call-back ${cb.callbackId} requested`);
    for (const [channelId, r] of this.ringing) {
      this.ringing.delete(channelId);
      this.cancelTimer(r.timer);
      await attemptEnded(this.ctx.db, r.attemptId, { outcome: "cancelled" });
      this.hangup(channelId);
    }
    // Not awaited: the PlaybackFinished it waits for is handled by this call's event queue.
    void this.confirmAndHangUp().catch((error: unknown) => {
      if (!isGone(error)) this.ctx.log.warn(`call ${this.callId}: call-back confirmation failed`, error);
      this.hangup(this.callerChannelId);
    });
  }

  private async confirmAndHangUp(): Promise<void> {
    const playback = await this.play(this.callerChannelId, this.ctx.env.ARI_SOUND_CALLBACK_CONFIRMED);
    await this.waitPlayback(playback, 10_000);
    this.hangup(this.callerChannelId);
  }

  private async callerGone(cause: number | null): Promise<void> {
    if (this.phase === "ended") return;
    this.phase = "ended";
    this.dispose();
    this.ctx.endingCall(this.callId);
    const ended = await callEnded(this.ctx.db, this.callId, { cause });
    for (const channelId of [...this.ringing.keys(), ...(ended?.ringingChannelIds ?? [])]) this.hangup(channelId);
    this.ringing.clear();
    this.hangup(this.operatorChannelId);
    this.stopRecording(this.recordingName);
    this.destroyBridge(this.holdingBridgeId);
    this.destroyBridge(this.bridgeId);
    if (ended) this.ctx.log.info(`call ${this.callId}: ended (${ended.disposition})`);
    this.ctx.dispatcher.remove(this.callId);
    this.ctx.kick();
  }

  // ---------- operators' legs ----------

  /** The ACD chose an operator (services offerWaitingWork): their phone rings, into this app. */
  async ring(offer: Offer): Promise<void> {
    if (this.phase !== "queued") {
      await attemptEnded(this.ctx.db, offer.attemptId, { outcome: "cancelled" });
      return;
    }
    const { env, timing } = this.ctx;
    const timer = this.after((timing.ringSeconds + 3) * 1000, "ring timeout", () => this.ringTimeout(offer.channelId));
    this.ringing.set(offer.channelId, { attemptId: offer.attemptId, timer });
    this.ctx.dispatcher.register(this, offer.channelId);
    try {
      await this.ctx.ari().channels.originate({
        endpoint: endpointFor(env.ARI_OPERATOR_ENDPOINT, { extension: offer.extension }),
        app: env.ARI_APP,
        appArgs: `${OPERATOR_LEG},${this.callId},${offer.attemptId}`,
        channelId: offer.channelId,
        timeout: timing.ringSeconds,
        callerId: offer.callerNumber ?? undefined,
      });
      this.ctx.log.info(`call ${this.callId}: ringing operator ${offer.operatorUserId} (${offer.extension})`);
    } catch (error) {
      this.ctx.log.warn(`call ${this.callId}: could not ring ${offer.extension}`, error);
      this.ringing.delete(offer.channelId);
      this.cancelTimer(timer);
      this.ctx.dispatcher.release(offer.channelId);
      await attemptEnded(this.ctx.db, offer.attemptId, { outcome: "failed" });
      this.ctx.kick();
    }
  }

  private async ringTimeout(channelId: string): Promise<void> {
    const r = this.ringing.get(channelId);
    if (!r) return;
    this.ringing.delete(channelId);
    await attemptEnded(this.ctx.db, r.attemptId, { outcome: "no_answer" });
    this.hangup(channelId);
    this.ctx.kick();
  }

  private async onOperatorLegEvent(event: AriEvent, channelId: string): Promise<void> {
    switch (event.type) {
      case "StasisStart":
        return this.operatorAnswered(channelId);
      case "ChannelHangupRequest":
      case "ChannelDestroyed":
      case "StasisEnd": {
        const cause = typeof event.cause === "number" ? event.cause : null;
        const r = this.ringing.get(channelId);
        if (r) {
          this.ringing.delete(channelId);
          this.cancelTimer(r.timer);
          const ended = await attemptEnded(this.ctx.db, r.attemptId, { cause });
          if (ended) this.ctx.log.info(`call ${this.callId}: operator ${ended.operatorUserId} did not answer (${ended.outcome})`);
          this.ctx.dispatcher.release(channelId);
          this.ctx.kick();
          return;
        }
        if (channelId === this.operatorChannelId && this.phase === "connected") {
          // The operator hung up: the call is over for the caller too.
          this.hangup(this.callerChannelId);
          return this.callerGone(cause);
        }
        if (event.type === "ChannelDestroyed") this.ctx.dispatcher.release(channelId);
        return;
      }
    }
  }

  /** The operator picked up: caller and operator meet in a mixing bridge that is recorded. */
  private async operatorAnswered(channelId: string): Promise<void> {
    const r = this.ringing.get(channelId);
    if (!r || this.phase !== "queued") {
      this.hangup(channelId);
      return;
    }
    this.ringing.delete(channelId);
    this.cancelTimer(r.timer);
    const stamp = Date.now();
    const bridgeId = `mix-${this.callId}-${stamp}`;
    const recordingName = `call-${this.callId}-${stamp}`;
    const answered = await attemptAnswered(this.ctx.db, r.attemptId, { bridgeId, recordingName });
    if (!answered) {
      this.hangup(channelId);
      return;
    }
    this.phase = "connected";
    this.operatorChannelId = channelId;
    this.bridgeId = bridgeId;
    this.recordingName = recordingName;
    this.ctx.log.info(`call ${this.callId}: answered by operator ${answered.operatorUserId}`);
    const ari = this.ctx.ari();
    await ari.bridges.create({ type: "mixing", bridgeId, name: `call-${this.callId}` });
    if (this.holdingBridgeId) {
      const holding = this.holdingBridgeId;
      this.holdingBridgeId = null;
      await ari.bridges.removeChannel({ bridgeId: holding, channel: this.callerChannelId }).catch(ignoreGone);
      this.destroyBridge(holding);
    }
    await ari.bridges.addChannel({ bridgeId, channel: `${this.callerChannelId},${channelId}` });
    await ari.bridges.record({ bridgeId, name: recordingName, format: "wav", ifExists: "overwrite", beep: false });
  }
}

function ignoreGone(error: unknown): void {
  if (!isGone(error)) throw error;
}
