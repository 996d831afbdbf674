import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readWavInfo } from "../../platform/wav";
import { addOperator, callByChannel, callRow, endpointBehaviour, setPresence, sim, startRig, waitFor, printLogOnFailure, type Rig } from "../support/telephony";

let rig: Rig;
printLogOnFailure(() => [rig?.log]);

beforeAll(async () => {
  rig = await startRig();
});

afterAll(async () => {
  await rig?.tel.stop();
  await rig?.sim.close();
});

async function attempts(callId: number) {
  return rig.db.selectFrom("call_attempts").select(["operator_user_id", "outcome", "hangup_cause"]).where("call_id", "=", callId).orderBy("id").execute();
}

async function clearOperators() {
  await rig.db.updateTable("operators").set({ presence: "offline" }).execute();
}

describe("inbound calls through the ARI simulator", () => {
  it("answers, queues, rings the longest-idle operator, bridges and records; the recording is stored with checksum and duration", async () => {
    await clearOperators();
    const older = await addOperator(rig.db, "101", { idleSince: new Date(Date.now() - 600_000) });
    const newer = await addOperator(rig.db, "102", { idleSince: new Date(Date.now() - 60_000) });
    await endpointBehaviour(rig.sim, "101", "auto", 200);
    await endpointBehaviour(rig.sim, "102", "auto", 200);
    const { id } = (await sim(rig.sim, "/sim/calls", { from: "09121234567", to: "1500", dtmf: "1" })) as { id: string };
    const call = await waitFor(async () => {
      const c = await callByChannel(rig.db, id);
      return c?.state === "connected" ? c : null;
    }, 10_000, "the call to be answered");
    expect(call.operator_user_id).toBe(older);
    expect(call.caller_number).toBe("+989121234567");
    expect(call.ivr_choice).toBe("breakdown");
    expect(call.queue).toBe("breakdown");
    expect(call.enqueued_at).not.toBeNull();
    expect(call.recording_name).toMatch(/^call-\d+-\d+$/);
    await new Promise((r) => setTimeout(r, 1500)); // talk a little
    await sim(rig.sim, `/sim/calls/${id}/hangup`);
    const ended = await waitFor(async () => {
      const c = await callRow(rig.db, call.id);
      return c.state === "ended" ? c : null;
    });
    expect(ended.disposition).toBe("answered");
    expect(ended.talk_seconds).toBeGreaterThanOrEqual(1);
    expect(ended.hangup_cause).toBe(16);
    const op = await rig.db.selectFrom("operators").select("last_call_ended_at").where("user_id", "=", older).executeTakeFirstOrThrow();
    expect(op.last_call_ended_at).not.toBeNull();
    expect((await attempts(call.id)).map((a) => [a.operator_user_id, a.outcome])).toEqual([[older, "answered"]]);

    const recording = await waitFor(() => rig.db.selectFrom("recordings").selectAll().where("call_id", "=", call.id).executeTakeFirst(), 10_000, "the recording");
    const stored = readFileSync(path.join(rig.env.recordingsDir, ...recording.storage_key.split("/")));
    const original = readFileSync(path.join(rig.dir, "ari-sim-recordings", `${call.recording_name}.wav`));
    expect(stored.equals(original)).toBe(true);
    expect(recording.checksum_sha256).toBe(createHash("sha256").update(original).digest("hex"));
    expect(recording.size_bytes).toBe(original.length);
    expect(recording.duration_seconds).toBe(Math.round(readWavInfo(original)!.durationSeconds));
    expect(recording.duration_seconds).toBeGreaterThanOrEqual(1);
    expect(recording.format).toBe("wav");
    void newer;
  });

  it("rings the next operator when the first does not answer in time, is busy or rejects", async () => {
    await clearOperators();
    const a = await addOperator(rig.db, "201", { idleSince: new Date(Date.now() - 900_000) });
    const b = await addOperator(rig.db, "202", { idleSince: new Date(Date.now() - 800_000) });
    const c = await addOperator(rig.db, "203", { idleSince: new Date(Date.now() - 700_000) });
    const d = await addOperator(rig.db, "204", { idleSince: new Date(Date.now() - 600_000) });
    await endpointBehaviour(rig.sim, "201", "never");
    await endpointBehaviour(rig.sim, "202", "busy");
    await endpointBehaviour(rig.sim, "203", "reject");
    await endpointBehaviour(rig.sim, "204", "auto");
    const { id } = (await sim(rig.sim, "/sim/calls", { from: "02188776655", to: "1500" })) as { id: string };
    const call = await waitFor(async () => {
      const row = await callByChannel(rig.db, id);
      return row?.state === "connected" ? row : null;
    }, 15_000, "the fourth operator to answer");
    expect(call.operator_user_id).toBe(d);
    expect(call.ivr_choice).toBe("breakdown"); // no key pressed
    expect((await attempts(call.id)).map((x) => [x.operator_user_id, x.outcome, x.hangup_cause])).toEqual([
      [a, "no_answer", 19],
      [b, "busy", 17],
      [c, "rejected", 21],
      [d, "answered", null],
    ]);
    await sim(rig.sim, `/sim/calls/${id}/hangup`);
    await waitFor(async () => (await callRow(rig.db, call.id)).state === "ended");
  });

  it("keeps the caller waiting while every operator is busy and connects them when one becomes free", async () => {
    await clearOperators();
    const only = await addOperator(rig.db, "301", { presence: "on_break" });
    await endpointBehaviour(rig.sim, "301", "auto");
    const { id } = (await sim(rig.sim, "/sim/calls", { from: "09351112233", to: "1500", dtmf: "3" })) as { id: string };
    const queued = await waitFor(async () => {
      const row = await callByChannel(rig.db, id);
      return row?.state === "queued" ? row : null;
    });
    expect(queued.ivr_choice).toBe("complaint");
    await new Promise((r) => setTimeout(r, 1000));
    expect((await callRow(rig.db, queued.id)).state).toBe("queued");
    expect(await attempts(queued.id)).toEqual([]);
    await setPresence(rig.db, only, "available");
    const connected = await waitFor(async () => {
      const row = await callRow(rig.db, queued.id);
      return row.state === "connected" ? row : null;
    });
    expect(connected.operator_user_id).toBe(only);
    expect(connected.wait_seconds).toBeGreaterThanOrEqual(1);
    await sim(rig.sim, `/sim/calls/${id}/hangup`);
    await waitFor(async () => (await callRow(rig.db, queued.id)).state === "ended");
  });

  it("two callers waiting and two operators free: both phones ring at once, each operator for one caller", async () => {
    await clearOperators();
    const ops = [await addOperator(rig.db, "501", { presence: "on_break" }), await addOperator(rig.db, "502", { presence: "on_break" })];
    for (const ext of ["501", "502"]) await endpointBehaviour(rig.sim, ext, "never");
    const channels: string[] = [];
    const calls: number[] = [];
    for (const from of ["09351110001", "09351110002"]) {
      const { id } = (await sim(rig.sim, "/sim/calls", { from, to: "1500", dtmf: "1" })) as { id: string };
      channels.push(id);
      calls.push((await waitFor(async () => ((await callByChannel(rig.db, id))?.state === "queued" ? callByChannel(rig.db, id) : null)))!.id);
    }
    // both operators become available in one change: one ACD round has two callers and two operators
    await rig.db.updateTable("operators").set({ presence: "available" }).where("user_id", "=", ops[0]!).execute();
    await setPresence(rig.db, ops[1]!, "available");
    const ringing = await waitFor(async () => {
      const rows = await rig.db.selectFrom("call_attempts").select(["call_id", "operator_user_id"]).where("outcome", "=", "ringing").where("call_id", "in", calls).execute();
      return rows.length === 2 ? rows : null;
    });
    expect(new Set(ringing.map((r) => r.call_id))).toEqual(new Set(calls));
    expect(new Set(ringing.map((r) => r.operator_user_id))).toEqual(new Set(ops));
    expect((await Promise.all(calls.map((c) => callRow(rig.db, c)))).map((c) => c.state)).toEqual(["ringing", "ringing"]);
    for (const ch of channels) await sim(rig.sim, `/sim/calls/${ch}/hangup`);
    for (const c of calls) await waitFor(async () => (await callRow(rig.db, c)).state === "ended");
    expect(await rig.db.selectFrom("call_attempts").select("id").where("outcome", "=", "ringing").where("call_id", "in", calls).execute()).toEqual([]);
  });

  it("records a caller who hangs up while waiting as an abandoned call, and stops ringing the operator", async () => {
    await clearOperators();
    const ringing = await addOperator(rig.db, "401");
    await endpointBehaviour(rig.sim, "401", "never");
    const { id } = (await sim(rig.sim, "/sim/calls", { from: "09121239999", to: "1500", dtmf: "1" })) as { id: string };
    const call = await waitFor(async () => {
      const row = await callByChannel(rig.db, id);
      return row?.state === "ringing" ? row : null;
    });
    await sim(rig.sim, `/sim/calls/${id}/hangup`);
    const ended = await waitFor(async () => {
      const row = await callRow(rig.db, call.id);
      return row.state === "ended" ? row : null;
    });
    expect(ended.disposition).toBe("abandoned");
    expect(ended.answered_at).toBeNull();
    expect(ended.operator_user_id).toBeNull();
    expect(ended.wait_seconds).not.toBeNull();
    expect((await attempts(call.id)).map((a) => [a.operator_user_id, a.outcome])).toEqual([[ringing, "cancelled"]]);
    // the operator's phone stopped ringing
    await waitFor(async () => {
      const res = await fetch(`${rig.sim.url}/sim/calls`);
      const channels = (await res.json()) as { id: string }[];
      return !JSON.stringify(channels).includes("401");
    }, 5000, "the operator's phone to stop ringing");
  });
});
