/**
 * A call's end runs the ACD of the process that ended it once: its handler kicks the ACD, and the call's own
 * call_ended NOTIFY (which other processes hear and run their ACD on) does not run it there again.
 * The sweep is off (an hour) so only the call's own kicks run the ACD.
 */
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DESK_EVENTS_CHANNEL, parseDeskEvent } from "../../core/call";
import { TELEPHONY_COMMANDS_CHANNEL } from "../../services/calls";
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

    // Other test files share the database and its NOTIFY channels: a window in which another file's presence
    // change or call end (which rightly kick this ACD too) was heard is measured again.
    const listener = new pg.Client({ connectionString: rig.dbUrl });
    await listener.connect();
    const heard: { callId: number | null; type: string }[] = [];
    listener.on("notification", (n) => {
      if (n.channel === TELEPHONY_COMMANDS_CHANNEL) return void heard.push({ callId: null, type: "command" });
      const e = parseDeskEvent(n.payload ?? "");
      if (e?.type === "call_ended" || e?.type === "presence") heard.push({ callId: e.type === "call_ended" ? e.callId : null, type: e.type });
    });
    await listener.query(`listen ${DESK_EVENTS_CHANNEL}`);
    await listener.query(`listen ${TELEPHONY_COMMANDS_CHANNEL}`);
    try {
      const windows: { runs: number; foreign: number }[] = [];
      for (let attempt = 0; attempt < 5; attempt++) {
        const { id } = (await sim(rig.sim, "/sim/calls", { from: "09121110901", to: "1500", dtmf: "1" })) as { id: string };
        const call = await waitFor(async () => {
          const c = await callByChannel(rig.db, id);
          return c?.state === "connected" ? c : null;
        }, 10_000, "the call to be answered");
        await settle();
        heard.length = 0;
        const before = rig.tel.acdRuns();
        await sim(rig.sim, `/sim/calls/${id}/hangup`);
        await waitFor(async () => (await callRow(rig.db, call.id)).state === "ended");
        await waitFor(() => heard.some((h) => h.callId === call.id), 10_000, "the call_ended NOTIFY");
        await settle();
        const window = { runs: rig.tel.acdRuns() - before, foreign: heard.filter((h) => h.callId !== call.id).length };
        windows.push(window);
        if (window.foreign === 0) break;
      }
      const quiet = windows.find((w) => w.foreign === 0);
      if (quiet) expect(quiet.runs, JSON.stringify(windows)).toBe(1);
      // (every window noisy: each foreign event may add a run, the call's own NOTIFY none)
      else for (const w of windows) expect(w.runs).toBeLessThanOrEqual(1 + w.foreign);
    } finally {
      await listener.end();
    }
  });
});
