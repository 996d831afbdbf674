import { outboundDispositionForCause, type CallDisposition } from "../../core/call";
import { attemptEnded, callEnded, dialableNumber, outboundConnected, outboundOperatorAnswered, type OutboundDial } from "../../services/calls";
import type { AriEvent } from "../ari";
import { endpointFor, type TelephonyContext } from "../context";
import { CallBase } from "./call-base";

/** appArgs of the legs of an outbound call: outbound-operator,<callId>,<attemptId> and outbound-customer,<callId>. */
export const OUTBOUND_OPERATOR_LEG = "outbound-operator";
export const OUTBOUND_CUSTOMER_LEG = "outbound-customer";

/**
 * One outbound call (click-to-dial, or a call-back): the operator's phone rings first; when they pick up,
 * they wait in a mixing bridge while the customer's number is dialled; when the customer answers, the
 * bridge is recorded. The call-detail record ends busy / missed / failed by the customer leg's cause, or
 * answered.
 */
export class OutboundCall extends CallBase {
  private operatorUp = false;
  private connected = false;
  private customerChannelId: string | null = null;
  private bridgeId: string | null = null;
  private recordingName: string | null = null;
  private ringTimer: NodeJS.Timeout | null = null;

  constructor(
    ctx: TelephonyContext,
    private readonly dial: OutboundDial,
  ) {
    super(ctx, dial.callId);
  }

  async start(): Promise<void> {
    const { env, timing } = this.ctx;
    this.ctx.dispatcher.register(this, this.dial.operatorChannelId);
    this.ringTimer = this.after((timing.ringSeconds + 3) * 1000, "operator ring timeout", () => this.operatorGone(null, true));
    try {
      await this.ctx.ari().channels.originate({
        endpoint: endpointFor(env.ARI_OPERATOR_ENDPOINT, { extension: this.dial.extension }),
        app: env.ARI_APP,
        appArgs: `${OUTBOUND_OPERATOR_LEG},${this.callId},${this.dial.attemptId}`,
        channelId: this.dial.operatorChannelId,
        timeout: timing.ringSeconds,
        callerId: this.dial.calledNumber,
      });
      this.ctx.log.info(`call ${this.callId}: outbound to ${this.dial.calledNumber}, ringing operator ${this.dial.operatorUserId} first`);
    } catch (error) {
      this.ctx.log.warn(`call ${this.callId}: could not ring the operator's phone`, error);
      await attemptEnded(this.ctx.db, this.dial.attemptId, { outcome: "failed" });
      await this.end({ disposition: "failed", operatorLegAnswered: false });
    }
  }

  async handle(event: AriEvent, channelId: string): Promise<void> {
    const gone = event.type === "ChannelHangupRequest" || event.type === "ChannelDestroyed" || event.type === "StasisEnd";
    const cause = typeof event.cause === "number" ? event.cause : null;
    if (event.type === "PlaybackFinished") return this.onPlaybackFinished(event);
    if (channelId === this.dial.operatorChannelId) {
      if (event.type === "StasisStart") return this.operatorAnswered();
      if (gone) return this.operatorGone(cause, false);
    } else if (channelId === this.customerChannelId) {
      if (event.type === "StasisStart") return this.customerAnswered();
      if (gone) return this.customerGone(cause);
    }
  }

  private async operatorAnswered(): Promise<void> {
    if (this.ended || this.operatorUp) return;
    this.cancelTimer(this.ringTimer);
    const next = await outboundOperatorAnswered(this.ctx.db, this.dial.attemptId);
    if (!next) {
      this.hangup(this.dial.operatorChannelId);
      return;
    }
    this.operatorUp = true;
    this.customerChannelId = next.customerChannelId;
    this.ctx.dispatcher.register(this, next.customerChannelId);
    const { env, timing } = this.ctx;
    const ari = this.ctx.ari();
    const stamp = Date.now();
    this.bridgeId = `mix-${this.callId}-${stamp}`;
    this.recordingName = `call-${this.callId}-${stamp}`;
    await ari.bridges.create({ type: "mixing", bridgeId: this.bridgeId, name: `call-${this.callId}` });
    await ari.bridges.addChannel({ bridgeId: this.bridgeId, channel: this.dial.operatorChannelId });
    this.ringTimer = this.after((timing.outboundRingSeconds + 3) * 1000, "customer ring timeout", () => this.customerGone(null));
    try {
      await ari.channels.originate({
        endpoint: endpointFor(env.ARI_OUTBOUND_ENDPOINT, { number: dialableNumber(next.calledNumber) }),
        app: env.ARI_APP,
        appArgs: `${OUTBOUND_CUSTOMER_LEG},${this.callId}`,
        channelId: next.customerChannelId,
        timeout: timing.outboundRingSeconds,
        ...(env.ARI_OUTBOUND_CALLER_ID ? { callerId: env.ARI_OUTBOUND_CALLER_ID } : {}),
      });
    } catch (error) {
      this.ctx.log.warn(`call ${this.callId}: could not dial ${next.calledNumber}`, error);
      await this.end({ disposition: "failed", operatorLegAnswered: true });
    }
  }

  private async customerAnswered(): Promise<void> {
    if (this.ended || this.connected || !this.bridgeId || !this.recordingName || !this.customerChannelId) return;
    this.cancelTimer(this.ringTimer);
    if (!(await outboundConnected(this.ctx.db, this.callId, { bridgeId: this.bridgeId, recordingName: this.recordingName }))) {
      this.hangup(this.customerChannelId);
      return;
    }
    this.connected = true;
    this.ctx.log.info(`call ${this.callId}: the customer answered`);
    const ari = this.ctx.ari();
    await ari.bridges.addChannel({ bridgeId: this.bridgeId, channel: this.customerChannelId });
    await ari.bridges.record({ bridgeId: this.bridgeId, name: this.recordingName, format: "wav", ifExists: "overwrite", beep: false });
  }

  private async operatorGone(cause: number | null, timedOut: boolean): Promise<void> {
    if (this.ended) return;
    if (!this.operatorUp) {
      await attemptEnded(this.ctx.db, this.dial.attemptId, timedOut ? { outcome: "no_answer" } : { cause });
      if (timedOut) this.hangup(this.dial.operatorChannelId);
      return this.end({ disposition: "missed", operatorLegAnswered: false, cause });
    }
    return this.end({ cause, operatorLegAnswered: true, ...(this.connected ? {} : { disposition: "missed" as const }) });
  }

  private async customerGone(cause: number | null): Promise<void> {
    if (this.ended) return;
    if (!this.connected) {
      const disposition: CallDisposition = cause === null ? "missed" : outboundDispositionForCause(cause);
      return this.end({ disposition, operatorLegAnswered: true, cause });
    }
    return this.end({ cause, operatorLegAnswered: true });
  }

  private async end(input: { disposition?: CallDisposition; operatorLegAnswered: boolean; cause?: number | null }): Promise<void> {
    if (this.ended) return;
    this.dispose();
    this.ctx.endingCall(this.callId);
    const ended = await callEnded(this.ctx.db, this.callId, input);
    this.hangup(this.dial.operatorChannelId);
    this.hangup(this.customerChannelId);
    this.stopRecording(this.recordingName);
    this.destroyBridge(this.bridgeId);
    if (ended) this.ctx.log.info(`call ${this.callId}: outbound call ended (${ended.disposition})`);
    this.ctx.dispatcher.remove(this.callId);
    this.ctx.kick();
  }
}
