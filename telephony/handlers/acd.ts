import { assignCallback, claimOutboundCall, offerWaitingWork, pendingOutboundCalls } from "../../services/calls";
import type { TelephonyContext } from "../context";
import { InboundCall } from "./inbound";
import { OutboundCall } from "./outbound";

/** Rounds of one ACD run: a round whose offers all stood ends the run; lost offers (another process was first) read again. */
const MAX_ROUNDS = 10;

/**
 * The ACD loop of this process: what waits (its own queued callers and every waiting call-back, oldest
 * place first) is offered to free operators, all at once: one round (services offerWaitingWork: one read, one
 * write) rings an operator for every waiting call that has one, each operator for one call. The ringing rows
 * are in PostgreSQL under unique indexes, so processes sharing operators never ring one twice.
 * Runs on a kick (a call queued, a phone stopped ringing, a call ended, an operator became available)
 * and on the periodic sweep; kicks during a run make it run once more.
 */
export function createAcd(ctx: TelephonyContext) {
  let running: Promise<void> | null = null;
  let again = false;
  let runs = 0;
  /** phones being rung and call-backs being dialled: not awaited by the loop, awaited by idle() */
  const inFlight = new Set<Promise<void>>();

  function track(p: Promise<void>): void {
    inFlight.add(p);
    void p.finally(() => inFlight.delete(p));
  }

  /** This process's callers waiting in the holding bridge (the handler's phase, not only the row's state). */
  function waitingCalls(): InboundCall[] {
    return ctx.dispatcher.handlers().filter((h): h is InboundCall => h instanceof InboundCall && h.waiting);
  }

  async function runOnce(): Promise<void> {
    for (let round = 0; round < MAX_ROUNDS; round++) {
      if (!ctx.ready()) return;
      const waiting = new Map(waitingCalls().map((h) => [h.callId, h]));
      const { offers, callbacks, lost } = await offerWaitingWork(ctx.db, { nodeId: ctx.nodeId, callIds: [...waiting.keys()] });
      for (const offer of offers) {
        const handler = waiting.get(offer.callId)!;
        // The offer is committed (the desk's call_offered is on its way); each phone is rung in its call's own
        // order of work, all at once: one caller's originate never holds up another's.
        track(ctx.dispatcher.run(offer.callId, () => handler.ring(offer), "ringing an operator"));
      }
      for (const callbackId of callbacks) {
        const dial = await assignCallback(ctx.db, callbackId, ctx.nodeId);
        if (!dial) continue;
        ctx.log.info(`call-back ${callbackId}: operator ${dial.operatorUserId} calls ${dial.calledNumber} back`);
        track(new OutboundCall(ctx, dial).start().catch((error: unknown) => ctx.log.warn(`call-back ${callbackId}: dialling failed`, error)));
      }
      if (lost === 0) return;
    }
  }

  function kick(): Promise<void> {
    if (running) {
      again = true;
      return running;
    }
    running = (async () => {
      do {
        again = false;
        runs++;
        try {
          await runOnce();
        } catch (error) {
          ctx.log.warn("ACD run failed", error);
        }
      } while (again);
      running = null;
    })();
    return running;
  }

  /** Click-to-dial calls queued by the web that no process has taken: take them and dial. */
  async function dialPending(callIds?: readonly number[]): Promise<void> {
    if (!ctx.ready()) return;
    for (const callId of callIds ?? (await pendingOutboundCalls(ctx.db))) {
      const dial = await claimOutboundCall(ctx.db, callId, ctx.nodeId);
      if (!dial) continue;
      await new OutboundCall(ctx, dial).start();
    }
  }

  async function idle(): Promise<void> {
    await running;
    await Promise.all([...inFlight]);
  }

  return { kick, dialPending, idle, runs: () => runs };
}
