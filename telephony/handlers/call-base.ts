import { randomUUID } from "node:crypto";
import { isGone, type AriEvent } from "../ari";
import type { CallHandler } from "../dispatcher";
import type { TelephonyContext } from "../context";

/** What inbound and outbound call handlers share: waiting for events, playbacks, best-effort clean-up. */
export abstract class CallBase implements CallHandler {
  protected ended = false;
  private waiters: (() => void)[] = [];
  private readonly playbacks = new Map<string, boolean>();
  private readonly timers = new Set<NodeJS.Timeout>();

  constructor(
    protected readonly ctx: TelephonyContext,
    readonly callId: number,
  ) {}

  abstract handle(event: AriEvent, channelId: string): Promise<void>;

  /** Clears timers and wakes waiting flows (the call is over, or the process stops). */
  dispose(): void {
    this.ended = true;
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    this.changed();
  }

  /** Wakes every flow waiting for something to happen. */
  protected changed(): void {
    const w = this.waiters;
    this.waiters = [];
    for (const f of w) f();
  }

  /** Resolves on the next change, or after ms. */
  protected nextChange(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      const waiters = this.waiters;
      function done() {
        clearTimeout(timer);
        resolve();
      }
      waiters.push(done);
    });
  }

  /** Runs fn after ms (as work of this call), unless the call ends first. */
  protected after(ms: number, what: string, fn: () => Promise<void>): NodeJS.Timeout {
    const t = setTimeout(() => {
      this.timers.delete(t);
      if (!this.ended) void this.ctx.dispatcher.run(this.callId, fn, what);
    }, ms);
    this.timers.add(t);
    return t;
  }

  protected cancelTimer(t: NodeJS.Timeout | null | undefined): void {
    if (!t) return;
    clearTimeout(t);
    this.timers.delete(t);
  }

  /** Starts a playback on a channel; its id, to wait for with playbackDone. */
  protected async play(channelId: string, media: string): Promise<string> {
    const playbackId = `pb-${randomUUID()}`;
    this.playbacks.set(playbackId, false);
    try {
      await this.ctx.ari().channels.play({ channelId, media, playbackId });
    } catch (error) {
      this.playbacks.set(playbackId, true);
      if (!isGone(error)) this.ctx.log.warn(`call ${this.callId}: could not play ${media}`, error);
    }
    return playbackId;
  }

  protected playbackDone(playbackId: string): boolean {
    return this.playbacks.get(playbackId) !== false;
  }

  protected stopPlayback(playbackId: string): void {
    if (this.playbackDone(playbackId)) return;
    this.playbacks.set(playbackId, true);
    this.quietly(this.ctx.ari().playbacks.stop({ playbackId }));
  }

  /** Marks a playback finished (PlaybackFinished). */
  protected onPlaybackFinished(event: AriEvent): void {
    const id = event.playback?.id;
    if (id && this.playbacks.has(id)) {
      this.playbacks.set(id, true);
      this.changed();
    }
  }

  /** Waits until the playback finished, the call ended, or ms passed. */
  protected async waitPlayback(playbackId: string, ms: number): Promise<void> {
    const deadline = Date.now() + ms;
    while (!this.ended && !this.playbackDone(playbackId) && Date.now() < deadline) await this.nextChange(deadline - Date.now());
    this.playbacks.delete(playbackId);
  }

  /** Hangs up a channel, ignoring one already gone. */
  protected hangup(channelId: string | null | undefined): void {
    if (!channelId || !this.ctx.connected()) return;
    this.quietly(this.ctx.ari().channels.hangup({ channelId }));
  }

  protected destroyBridge(bridgeId: string | null | undefined): void {
    if (!bridgeId || !this.ctx.connected()) return;
    this.quietly(this.ctx.ari().bridges.destroy({ bridgeId }));
  }

  protected stopRecording(recordingName: string | null | undefined): void {
    if (!recordingName || !this.ctx.connected()) return;
    this.quietly(this.ctx.ari().recordings.stop({ recordingName }));
  }

  /** An ARI request whose failure matters only when it is not "already gone". */
  protected quietly(p: Promise<unknown>): void {
    p.catch((error: unknown) => {
      if (!isGone(error)) this.ctx.log.warn(`call ${this.callId}: ARI request failed`, error);
    });
  }
}
