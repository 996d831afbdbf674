import { describeError, type Logger } from "../platform/logger";
import { isGone, type AriEvent } from "./ari";

/**
 * One handler per live call this process drives; the dispatcher routes each ARI event to it by channel id
 * (the caller's channel, an operator's leg, a customer's leg: a call registers each channel it owns).
 * Events of one call are handled one after another, in arrival order, so a handler never races itself.
 * Failures are logged; "channel not found" after a caller hung up is expected and ignored.
 */
export interface CallHandler {
  readonly callId: number;
  handle(event: AriEvent, channelId: string): Promise<void>;
}

/** The ARI events a call handler receives (the rest are not about a call's phase). */
export const CALL_EVENTS = [
  "StasisStart",
  "StasisEnd",
  "ChannelDestroyed",
  "ChannelHangupRequest",
  "ChannelDtmfReceived",
  "ChannelStateChange",
  "PlaybackFinished",
] as const;

export class Dispatcher {
  private readonly byChannel = new Map<string, CallHandler>();
  private readonly byCall = new Map<number, CallHandler>();
  private readonly queues = new Map<number, Promise<void>>();

  constructor(
    private readonly log: Logger,
    /** a StasisStart for a channel no handler owns: a new inbound call, or a stray leg */
    private readonly onUnknownStasisStart: (event: AriEvent) => Promise<void>,
  ) {}

  register(handler: CallHandler, channelId?: string): void {
    this.byCall.set(handler.callId, handler);
    if (channelId) this.byChannel.set(channelId, handler);
  }

  /** Forgets a channel (after its ChannelDestroyed). */
  release(channelId: string): void {
    this.byChannel.delete(channelId);
  }

  /** Forgets a call and its channels. */
  remove(callId: number): void {
    this.byCall.delete(callId);
    for (const [channelId, h] of this.byChannel) if (h.callId === callId) this.byChannel.delete(channelId);
  }

  handlerOf(callId: number): CallHandler | undefined {
    return this.byCall.get(callId);
  }

  get size(): number {
    return this.byCall.size;
  }

  handlers(): CallHandler[] {
    return [...this.byCall.values()];
  }

  /** Routes one event. Never throws. */
  dispatch(event: AriEvent): void {
    const channelId = channelOf(event);
    if (!channelId) return;
    const handler = this.byChannel.get(channelId);
    if (!handler) {
      if (event.type === "StasisStart") this.run(-1, () => this.onUnknownStasisStart(event), event.type);
      return;
    }
    this.run(handler.callId, () => handler.handle(event, channelId), event.type);
  }

  /** Runs work for a call after the work already queued for it. */
  run(callId: number, work: () => Promise<void>, what: string): Promise<void> {
    const previous = callId < 0 ? Promise.resolve() : (this.queues.get(callId) ?? Promise.resolve());
    const next = previous.then(work).catch((error: unknown) => {
      if (isGone(error)) this.log.debug(`call ${callId}: ${what}: ${describeError(error)} (already gone)`);
      else this.log.warn(`call ${callId}: ${what} failed`, error);
    });
    if (callId >= 0) {
      this.queues.set(callId, next);
      void next.then(() => {
        if (this.queues.get(callId) === next) this.queues.delete(callId);
      });
    }
    return next;
  }
}

/** The channel an event is about: its channel, or the channel a playback plays to. */
export function channelOf(event: AriEvent): string | null {
  if (event.channel?.id) return event.channel.id;
  const uri = event.playback?.target_uri;
  if (uri?.startsWith("channel:")) return uri.slice("channel:".length);
  return null;
}
