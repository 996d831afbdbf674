/**
 * A call's end runs the ACD of the process that ended it once: its handler kicks the ACD, and the call's own
 * call_ended NOTIFY (which other processes hear and run their ACD on) does not run it there again.
 * The sweep is off (an hour) so only the call's own kicks run the ACD.
 */
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DESK_EVENTS_CHANNEL, parseDeskEvent } from "../../core/call";
import { addOperator, callByChannel, callRow, endpointBehaviour, printLogOnFailure, sim, startRig, waitFor, type Rig } from "../support/telephony";

let rig: Rig;
printLogOnFailure(() => [rig?.log]);

beforeAll(async () => {
  rig = await startRig({ telephony: { sweepMs: 3_600_000 } });
});

afterAll(async () => {
  await rig?.tel.stop();
  await rig?.sim.close();
});

const settle = () => new Promise((r) => setTimeout(r, 1000));

describe("the end of a connected call", () => {
  it("runs this process's ACD once, though its call_ended NOTIFY comes back to it", async () => {
    await rig.db.updateTable("operators").set({ presence: "offline" }).execute();
    await addOperator(rig.db, "901");
    await endpointBehaviour(rig.sim, "901", "auto", 50);
    const { id } = (await sim(rig.sim, "/sim/calls", { from: "09121110901", to: "1500", dtmf: "1" })) as { id: string };
    const call = await waitFor(async () => {
      const c = await callByChannel(rig.db, id);
      return c?.state === "connected" ? c : null;
    }, 10_000, "the call to be answered");
    await settle();

    const listener = new pg.Client({ connectionString: rig.dbUrl });
    await listener.connect();
    const heard: number[] = [];
    listener.on("notification", (n) => {
      const e = parseDeskEvent(n.payload ?? "");
      if (e?.type === "call_ended") heard.push(e.callId);
    });
    await listener.query(`listen ${DESK_EVENTS_CHANNEL}`);
    try {
      const before = rig.tel.acdRuns();
      await sim(rig.sim, `/sim/calls/${id}/hangup`);
      await waitFor(async () => (await callRow(rig.db, call.id)).state === "ended");
      await waitFor(() => heard.includes(call.id), 10_000, "the call_ended NOTIFY");
      await settle();
      expect(rig.tel.acdRuns() - before).toBe(1);
    } finally {
      await listener.end();
    }
  });
});
