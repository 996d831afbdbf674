import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { requestClickToDial } from "../../services/calls";
import { addOperator, callByChannel, callRow, endpointBehaviour, setPresence, sim, startRig, waitFor, printLogOnFailure, type Rig } from "../support/telephony";

let rig: Rig;
printLogOnFailure(() => [rig?.log]);

beforeAll(async () => {
  // A caller is offered the call-back key after 1 s of waiting.
  rig = await startRig({ env: { CALLBACK_OFFER_AFTER_SECONDS: "1" } });
});

afterAll(async () => {
  await rig?.tel.stop();
  await rig?.sim.close();
});

describe("call-backs and click-to-dial through the ARI simulator", () => {
  it("a follow-up caller's keyed ticket number is kept with the call", async () => {
    await rig.db.updateTable("operators").set({ presence: "offline" }).execute();
    const { id } = (await sim(rig.sim, "/sim/calls", { from: "09121110000", to: "1500", dtmf: "210000042#" })) as { id: string };
    const call = await waitFor(async () => {
      const row = await callByChannel(rig.db, id);
      return row?.state === "queued" ? row : null;
    });
    expect(call.ivr_choice).toBe("follow_up");
    expect(call.keyed_ticket_number).toBe(10000042);
    await sim(rig.sim, `/sim/calls/${id}/hangup`);
    await waitFor(async () => (await callRow(rig.db, call.id)).state === "ended");
  });

  it("a waiting caller who presses 9 is called back by the next free operator, before later callers", async () => {
    await rig.db.updateTable("operators").set({ presence: "offline" }).execute();
    const op = await addOperator(rig.db, "501", { presence: "on_break" });
    await endpointBehaviour(rig.sim, "501", "auto");
    await endpointBehaviour(rig.sim, "09127770001", "auto");
    const first = (await sim(rig.sim, "/sim/calls", { from: "09127770001", to: "1500", dtmf: "1" })) as { id: string };
    const firstCall = await waitFor(async () => {
      const row = await callByChannel(rig.db, first.id);
      return row?.state === "queued" ? row : null;
    });
    // a second caller joins the queue later
    const second = (await sim(rig.sim, "/sim/calls", { from: "09127770002", to: "1500", dtmf: "1" })) as { id: string };
    const secondCall = await waitFor(async () => {
      const row = await callByChannel(rig.db, second.id);
      return row?.state === "queued" ? row : null;
    });
    // after the offer (1 s), the first caller presses 9
    await new Promise((r) => setTimeout(r, 1500));
    await sim(rig.sim, `/sim/calls/${first.id}/dtmf`, { digits: "9" });
    const ended = await waitFor(async () => {
      const row = await callRow(rig.db, firstCall.id);
      return row.state === "ended" ? row : null;
    });
    expect(ended.disposition).toBe("missed");
    const cb = await rig.db.selectFrom("call_callbacks").selectAll().where("call_id", "=", firstCall.id).executeTakeFirstOrThrow();
    expect(cb.place_at.getTime()).toBe(firstCall.enqueued_at!.getTime());
    expect(cb.number).toBe("+989127770001");
    expect(cb.status).toBe("waiting");

    // The operator becomes free: the call-back (older place) goes first, ahead of the second caller.
    await setPresence(rig.db, op, "available");
    const outbound = await waitFor(async () => {
      const c = await rig.db.selectFrom("call_callbacks").select(["status", "outbound_call_id", "operator_user_id"]).where("id", "=", cb.id).executeTakeFirstOrThrow();
      return c.outbound_call_id ? c : null;
    });
    expect(outbound.operator_user_id).toBe(op);
    expect((await callRow(rig.db, secondCall.id)).state).toBe("queued");
    const connected = await waitFor(async () => {
      const row = await callRow(rig.db, outbound.outbound_call_id!);
      return row.state === "connected" ? row : null;
    });
    expect(connected.direction).toBe("outbound");
    expect(connected.called_number).toBe("+989127770001");
    expect(connected.callback_id).toBe(cb.id);
    await sim(rig.sim, `/sim/calls/${connected.channel_id}/hangup`);
    const done = await waitFor(async () => {
      const row = await callRow(rig.db, connected.id);
      return row.state === "ended" ? row : null;
    });
    expect(done.disposition).toBe("answered");
    expect((await rig.db.selectFrom("call_callbacks").select("status").where("id", "=", cb.id).executeTakeFirstOrThrow()).status).toBe("done");
    // then the second caller gets the operator
    await waitFor(async () => (await callRow(rig.db, secondCall.id)).state === "connected");
    await sim(rig.sim, `/sim/calls/${second.id}/hangup`);
    await waitFor(async () => (await callRow(rig.db, secondCall.id)).state === "ended");
    await waitFor(() => rig.db.selectFrom("recordings").select("id").where("call_id", "=", connected.id).executeTakeFirst(), 10_000, "the call-back's recording");
  });

  it("click-to-dial rings the operator, then the customer; the outbound record and its recording are kept", async () => {
    await rig.db.updateTable("operators").set({ presence: "offline" }).execute();
    const op = await addOperator(rig.db, "601", { presence: "offline" });
    await endpointBehaviour(rig.sim, "601", "auto");
    await endpointBehaviour(rig.sim, "09128880000", "auto", 300);
    const { callId } = await requestClickToDial(rig.db, { kind: "user", userId: op, ip: "127.0.0.1" }, { number: "۰۹۱۲ ۸۸۸ ۰۰۰۰" });
    const connected = await waitFor(async () => {
      const row = await callRow(rig.db, callId);
      return row.state === "connected" ? row : null;
    });
    expect(connected.direction).toBe("outbound");
    expect(connected.called_number).toBe("+989128880000");
    expect(connected.created_by).toBe(op);
    expect(connected.operator_user_id).toBe(op);
    await new Promise((r) => setTimeout(r, 1100));
    await sim(rig.sim, `/sim/calls/${connected.channel_id}/hangup`);
    const ended = await waitFor(async () => {
      const row = await callRow(rig.db, callId);
      return row.state === "ended" ? row : null;
    });
    expect(ended.disposition).toBe("answered");
    expect(ended.talk_seconds).toBeGreaterThanOrEqual(1);
    const audit = await rig.db.selectFrom("audit_log").select(["action", "entity_type", "entity_id", "actor_user_id"]).where("action", "=", "call.click_to_dial").executeTakeFirstOrThrow();
    expect(audit).toEqual({ action: "call.click_to_dial", entity_type: "call", entity_id: String(callId), actor_user_id: op });
    await waitFor(() => rig.db.selectFrom("recordings").select("id").where("call_id", "=", callId).executeTakeFirst(), 10_000, "the recording");
  });

  it("click-to-dial to a busy number ends as busy, and one nobody answers as missed", async () => {
    const op = await addOperator(rig.db, "602", { presence: "offline" });
    await endpointBehaviour(rig.sim, "602", "auto");
    await endpointBehaviour(rig.sim, "09129990001", "busy");
    const busy = await requestClickToDial(rig.db, { kind: "user", userId: op }, { number: "09129990001" });
    const b = await waitFor(async () => {
      const row = await callRow(rig.db, busy.callId);
      return row.state === "ended" ? row : null;
    });
    expect(b.disposition).toBe("busy");
    expect(b.hangup_cause).toBe(17);

    await endpointBehaviour(rig.sim, "602", "never");
    const missed = await requestClickToDial(rig.db, { kind: "user", userId: op }, { number: "09129990002" });
    const m = await waitFor(async () => {
      const row = await callRow(rig.db, missed.callId);
      return row.state === "ended" ? row : null;
    }, 10_000);
    expect(m.disposition).toBe("missed");
    const attempts = await rig.db.selectFrom("call_attempts").select("outcome").where("call_id", "=", missed.callId).execute();
    expect(attempts.map((a) => a.outcome)).toEqual(["no_answer"]);
  });
});
