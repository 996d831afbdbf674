import { outboundDispositionForCause, type CallDisposition } from "../../core/call";
import { SURVEY_MAX_PROMPTS, scoreFromDtmf } from "../../core/satisfaction";
import { dialableNumber } from "../../services/calls";
import { recordSurveyScore, surveyCallAnswered, surveyCallEnded, surveyConfigOf, type SurveyDial } from "../../services/satisfaction";
import { isGone, type AriEvent } from "../ari";
import { endpointFor, type TelephonyContext } from "../context";
import { CallBase } from "./call-base";

/** appArgs of the customer's leg of an automated follow-up call: survey-customer,<callId>. */
export const SURVEY_CUSTOMER_LEG = "survey-customer";

/** How long a prompt other than the question (thanks, "not a score") may play before the call goes on anyway. */
const THANKS_MAX_MS = 15_000;

/**
 * One automated follow-up call (تماس نظرسنجی): the customer's number is dialled; when they answer, the question
 * is played and one key is read — 1 to 5 is the score (recorded at once through services/satisfaction.ts),
 * another key is told it is not a score and the question is asked again, silence asks again; after
 * SURVEY_MAX_PROMPTS questions without a score the call ends. Thanks, hang-up. Whatever ends the call without
 * a score (no answer, busy, rejected, ring timeout, hung up before a key, no valid key) takes the survey's
 * no-answer path in the service: another call later, or the SMS survey.
 */
export class SurveyCall extends CallBase {
  private answered = false;
  private scored = false;
  private digits: string[] = [];
  private ringTimer: NodeJS.Timeout | null = null;

  constructor(
    ctx: TelephonyContext,
    private readonly dial: SurveyDial,
  ) {
    super(ctx, dial.callId);
  }

  async start(): Promise<void> {
    const { env } = this.ctx;
    const ringSeconds = env.SATISFACTION_RING_SECONDS;
    this.ctx.dispatcher.register(this, this.dial.channelId);
    this.ringTimer = this.after((ringSeconds + 3) * 1000, "survey ring timeout", () => this.gone(null, true));
    try {
      await this.ctx.ari().channels.originate({
        endpoint: endpointFor(env.ARI_OUTBOUND_ENDPOINT, { number: dialableNumber(this.dial.calledNumber) }),
        app: env.ARI_APP,
        appArgs: `${SURVEY_CUSTOMER_LEG},${this.callId}`,
        channelId: this.dial.channelId,
        timeout: ringSeconds,
        ...(env.ARI_OUTBOUND_CALLER_ID ? { callerId: env.ARI_OUTBOUND_CALLER_ID } : {}),
      });
      this.ctx.log.info(`call ${this.callId}: follow-up survey call to ${this.dial.calledNumber} (survey ${this.dial.surveyId})`);
    } catch (error) {
      this.ctx.log.warn(`call ${this.callId}: could not dial ${this.dial.calledNumber} for the survey`, error);
      await this.end({ disposition: "failed" });
    }
  }

  async handle(event: AriEvent, channelId: string): Promise<void> {
    if (channelId !== this.dial.channelId) return;
    switch (event.type) {
      case "StasisStart":
        return this.onAnswered();
      case "ChannelDtmfReceived":
        if (event.digit) {
          this.digits.push(event.digit);
          this.changed();
        }
        return;
      case "PlaybackFinished":
        this.onPlaybackFinished(event);
        return;
      case "ChannelHangupRequest":
      case "ChannelDestroyed":
      case "StasisEnd":
        return this.gone(typeof event.cause === "number" ? event.cause : null, false);
    }
  }

  private async onAnswered(): Promise<void> {
    if (this.ended || this.answered) return;
    this.cancelTimer(this.ringTimer);
    if (!(await surveyCallAnswered(this.ctx.db, this.callId))) {
      this.hangup(this.dial.channelId);
      return;
    }
    this.answered = true;
    this.ctx.log.info(`call ${this.callId}: the customer answered the survey call`);
    // The questions wait for keys, which arrive as events of this call: run beside the call's event queue.
    void this.runSurvey().catch((error: unknown) => {
      if (isGone(error) || this.ended) return;
      this.ctx.log.warn(`call ${this.callId}: survey failed; hanging up`, error);
      this.hangup(this.dial.channelId);
    });
  }

  private async runSurvey(): Promise<void> {
    const { env } = this.ctx;
    for (let prompt = 0; prompt < SURVEY_MAX_PROMPTS && !this.ended; prompt++) {
      const key = await this.ask(env.ARI_SOUND_SURVEY_QUESTION);
      if (this.ended) return;
      if (key === null) continue;
      const score = scoreFromDtmf(key);
      if (score === null) {
        this.ctx.log.info(`call ${this.callId}: key ${key} is not a score; asking again`);
        await this.say(env.ARI_SOUND_SURVEY_INVALID);
        continue;
      }
      const result = await recordSurveyScore(
        this.ctx.db,
        { kind: "customer", label: "کلید تلفن مشتری" },
        { surveyId: this.dial.surveyId, score, channel: "ivr_dtmf", callId: this.callId },
      );
      this.scored = true;
      this.ctx.log.info(
        `call ${this.callId}: survey ${this.dial.surveyId} scored ${score}${result.complaintTicketId ? ` (complaint ticket ${result.complaintTicketId})` : ""}`,
      );
      if (!this.ended) await this.waitPlayback(await this.play(this.dial.channelId, env.ARI_SOUND_SURVEY_THANKS), THANKS_MAX_MS);
      break;
    }
    if (!this.ended) {
      if (!this.scored) this.ctx.log.info(`call ${this.callId}: no score after ${SURVEY_MAX_PROMPTS} questions; hanging up`);
      await this.ctx.dispatcher.run(this.callId, () => this.end({}), "survey finished");
    }
  }

  /**
   * The next key: one pressed already (during the "not a score" prompt, say) is taken at once; otherwise the
   * prompt is played and the first key pressed during it or within the key timeout after it is returned; null on
   * silence.
   */
  private async ask(sound: string): Promise<string | null> {
    if (this.digits.length === 0) {
      const playback = await this.play(this.dial.channelId, sound);
      while (!this.ended && this.digits.length === 0 && !this.playbackDone(playback)) await this.nextChange(60_000);
      if (this.digits.length > 0) this.stopPlayback(playback);
      const deadline = Date.now() + this.ctx.env.SATISFACTION_KEY_TIMEOUT_SECONDS * 1000;
      while (!this.ended && this.digits.length === 0 && Date.now() < deadline) await this.nextChange(deadline - Date.now());
    }
    return this.digits.shift() ?? null;
  }

  /** Plays a prompt to its end, or until a key is pressed (the key is kept for the next question). */
  private async say(sound: string): Promise<void> {
    const playback = await this.play(this.dial.channelId, sound);
    const deadline = Date.now() + THANKS_MAX_MS;
    while (!this.ended && this.digits.length === 0 && !this.playbackDone(playback) && Date.now() < deadline) await this.nextChange(deadline - Date.now());
    if (!this.playbackDone(playback)) this.stopPlayback(playback);
  }

  private async gone(cause: number | null, timedOut: boolean): Promise<void> {
    if (this.ended) return;
    if (!this.answered) {
      if (timedOut) this.hangup(this.dial.channelId);
      const disposition: CallDisposition = timedOut || cause === null ? "missed" : outboundDispositionForCause(cause);
      return this.end({ disposition, cause });
    }
    return this.end({ cause });
  }

  private async end(input: { disposition?: CallDisposition; cause?: number | null }): Promise<void> {
    if (this.ended) return;
    this.dispose();
    this.hangup(this.dial.channelId);
    const { noAnswer } = await surveyCallEnded(this.ctx.db, this.callId, input, surveyConfigOf(this.ctx.env));
    this.ctx.log.info(`call ${this.callId}: survey call ended${this.scored ? " with a score" : noAnswer ? " without a score (no-answer path)" : ""}`);
    this.ctx.dispatcher.remove(this.callId);
  }
}
