import { anyOperatorFree, assignCallback, claimOutboundCall, offerToNextOperator, pendingOutboundCalls, waitingWork } from "../../services/calls";
import type { TelephonyContext } from "../context";
import { InboundCall } from "./inbound";
import { OutboundCall } from "./outbound";

/**
 * The ACD loop of this process: what waits (its own queued callers and every waiting call-back, oldest
 * place first) is offered to free operators, one ringing at a time per call. The choice and the ringing
 * rows are in services/calls.ts (PostgreSQL), so processes sharing operators never ring one twice.
 * Runs on a kick (a call queued, a phone stopped ringing, a call ended, an operator became available)
 * and on the periodic sweep; kicks during a run make it run once more.
 */
export function createAcd(ctx: TelephonyContext) {
  let running: Promise<void> | null = null;
  let again = false;
  /** phones being rung (originate in flight): not awaited by the loop, awaited by idle() */
  const ringing = new Set<Promise<void>>();

  async function runOnce(): Promise<void> {
    if (!ctx.ready()) return;
    const items = await waitingWork(ctx.db, ctx.nodeId);
    if (items.length === 0 || !(await anyOperatorFree(ctx.db))) return;
    for (const item of items) {
      if (!ctx.ready()) return;
      let placed = false;
      if (item.kind === "call") {
        const handler = ctx.dispatcher.handlerOf(item.id);
        if (!(handler instanceof InboundCall) || !handler.waiting) continue;
        const offer = await offerToNextOperator(ctx.db, item.id);
        if (offer) {
          placed = true;
          // The offer is committed (the desk's call_offered is on its way); the phone is rung in the call's own
          // order of work while this loop offers the next waiting call: one caller's originate never holds up
          // the screen-pop of the calls queued behind it.
          const ring = ctx.dispatcher.run(item.id, () => handler.ring(offer), "ringing an operator");
          ringing.add(ring);
          void ring.finally(() => ringing.delete(ring));
        }
      } else {
        const dial = await assignCallback(ctx.db, item.id, ctx.nodeId);
        if (dial) {
          placed = true;
          ctx.log.info(`call-back ${item.id}: operator ${dial.operatorUserId} calls ${dial.calledNumber} back`);
          await new OutboundCall(ctx, dial).start();
        }
      }
      if (!placed && !(await anyOperatorFree(ctx.db))) return;
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
    await Promise.all([...ringing]);
  }

  return { kick, dialPending, idle };
}
