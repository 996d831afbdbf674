/**
 * The automated follow-up call, end to end through the real ARI simulator and the real telephony shell
 * (ari-client): the workers' request (services/satisfaction.ts requestSurveyCall: a calls row and NOTIFY) is
 * dialled by telephony, the simulated customer answers and keys a digit, the score is recorded; a wrong key is
 * asked again; no answer, busy, silence and a hang-up before a key take the no-answer path (retry, then the SMS
 * survey).
 */
import { randomUUID } from "node:crypto";
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Actor } from "../../services/actor";
import { registerFromCall } from "../../services/intake";
import { requestSurveyCall, surveyConfigOf } from "../../services/satisfaction";
import { changeTicketStatus } from "../../services/tickets";
import { callRow, endpointBehaviour, printLogOnFailure, sim, startRig, waitFor, type Rig } from "../support/telephony";

let rig: Rig;
let operator: Actor;
printLogOnFailure(() => [rig?.log]);

beforeAll(async () => {
  rig = await startRig({
    env: {
      SATISFACTION_DELAY_DAYS: "0",
      SATISFACTION_CALL_ATTEMPTS: "2",
      SATISFACTION_RETRY_MINUTES: "0",
      SATISFACTION_KEY_TIMEOUT_SECONDS: "1",
      SATISFACTION_RING_SECONDS: "2",
    },
  });
  const u = await rig.db
    .insertInto("users")
    .values({ username: "survey-op", display_name: "سارا محمدی", role: "operator", password_hash: "x" })
    .returning("id")
    .executeTakeFirstOrThrow();
  operator = { kind: "user", userId: u.id };
});

afterAll(async () => {
  await rig?.tel.stop();
  await rig?.sim.close();
});

/** A completed job of a customer on `local` (09…), its follow-up due now; returns the survey. */
async function dueFollowUp(local: string) {
  const r = await registerFromCall(rig.db, operator, {
    idempotencyKey: randomUUID(),
    kind: "breakdown",
    customer: { fullName: "حمید صادقی", mobile: `+98${local.slice(1)}`, nationalCode: null },
    description: "کولر گازی روشن نمی‌شود",
  });
  await changeTicketStatus(rig.db, operator, { ticketId: r.ticketId, to: "in_progress" });
  await changeTicketStatus(rig.db, operator, { ticketId: r.ticketId, to: "completed", followUp: surveyConfigOf(rig.env) });
  const s = await rig.db.selectFrom("satisfaction_surveys").select(["id", "ticket_id"]).where("ticket_id", "=", r.ticketId).executeTakeFirstOrThrow();
  return s;
}

async function survey(id: number) {
  return rig.db.selectFrom("satisfaction_surveys").selectAll().where("id", "=", id).executeTakeFirstOrThrow();
}

/** What the workers' satisfaction__call job does: ask for the call (telephony is told over NOTIFY). */
async function placeCall(surveyId: number): Promise<number> {
  await rig.db.updateTable("satisfaction_surveys").set({ next_attempt_at: sql<Date>`now()` }).where("id", "=", surveyId).where("next_attempt_at", "is not", null).execute();
  const r = await requestSurveyCall(rig.db, surveyId);
  if (!r) throw new Error("no call requested");
  return r.callId;
}

async function connected(callId: number) {
  return waitFor(async () => {
    const c = await callRow(rig.db, callId);
    return c.state === "connected" ? c : null;
  }, 10_000, `call ${callId} answered`);
}

async function ended(callId: number) {
  return waitFor(async () => {
    const c = await callRow(rig.db, callId);
    return c.state === "ended" ? c : null;
  }, 15_000, `call ${callId} ended`);
}

describe("the automated follow-up call on the ARI simulator", () => {
  it("the customer answers and presses 4: the score is recorded from the key, thanks, hang-up", async () => {
    await endpointBehaviour(rig.sim, "09121230001", "auto", 200);
    const s = await dueFollowUp("09121230001");
    const callId = await placeCall(s.id);
    const call = await connected(callId);
    expect(call).toMatchObject({ direction: "outbound", called_number: "+989121230001", ticket_id: s.ticket_id, operator_user_id: null });
    expect(call.node_id).toBe(rig.tel.nodeId);
    await sim(rig.sim, `/sim/calls/${call.channel_id}/dtmf`, { digits: "4" });
    const done = await ended(callId);
    expect(done.disposition).toBe("answered");
    expect(await survey(s.id)).toMatchObject({ status: "answered", score: 4, channel: "ivr_dtmf", attempts: 1, call_id: callId, complaint_ticket_id: null });
    const event = await rig.db
      .selectFrom("ticket_events")
      .select(["actor_kind", "data"])
      .where("ticket_id", "=", s.ticket_id)
      .where("event_type", "=", "survey_answered")
      .executeTakeFirstOrThrow();
    expect(event).toMatchObject({ actor_kind: "customer", data: { score: 4, channel: "ivr_dtmf", callId } });
    // the channel is gone from the simulated Asterisk
    await waitFor(async () => {
      const res = await fetch(`${rig.sim.url}/sim/calls`);
      const channels = (await res.json()) as { id: string }[];
      return !channels.some((c) => c.id === call.channel_id);
    });
  });

  it("a key that is not a score is asked again; then 2 opens a complaint linked to the job", async () => {
    await endpointBehaviour(rig.sim, "09121230002", "auto", 200);
    const s = await dueFollowUp("09121230002");
    const callId = await placeCall(s.id);
    const call = await connected(callId);
    await sim(rig.sim, `/sim/calls/${call.channel_id}/dtmf`, { digits: "9" });
    await waitFor(() => rig.log.some((l) => l.message.includes(`call ${callId}: key 9 is not a score`)), 5000, "the re-prompt");
    expect((await survey(s.id)).status).toBe("pending");
    await sim(rig.sim, `/sim/calls/${call.channel_id}/dtmf`, { digits: "2" });
    await ended(callId);
    const answered = await survey(s.id);
    expect(answered).toMatchObject({ status: "answered", score: 2, channel: "ivr_dtmf" });
    const complaint = await rig.db.selectFrom("tickets").select(["type", "related_ticket_id", "status"]).where("id", "=", answered.complaint_ticket_id!).executeTakeFirstOrThrow();
    expect(complaint).toEqual({ type: "complaint", related_ticket_id: s.ticket_id, status: "new" });
  });

  it("busy, then no answer: a second call is made after the retry interval, then the SMS survey is sent", async () => {
    await endpointBehaviour(rig.sim, "09121230003", "busy", 100);
    const s = await dueFollowUp("09121230003");
    const first = await placeCall(s.id);
    expect((await ended(first)).disposition).toBe("busy");
    const retry = await waitFor(async () => {
      const row = await survey(s.id);
      return row.next_attempt_at ? row : null;
    });
    expect(retry).toMatchObject({ status: "pending", attempts: 1, channel: "ivr_dtmf" });
    await endpointBehaviour(rig.sim, "09121230003", "never");
    const second = await placeCall(s.id);
    expect((await ended(second)).disposition).toBe("missed");
    const fallback = await waitFor(async () => {
      const row = await survey(s.id);
      return row.channel === "sms" ? row : null;
    });
    expect(fallback).toMatchObject({ status: "pending", attempts: 2 });
    const sms = await rig.db.selectFrom("sms_messages").select(["purpose", "receptor", "status"]).where("id", "=", fallback.sms_id!).executeTakeFirstOrThrow();
    expect(sms).toEqual({ purpose: "satisfaction_survey", receptor: "+989121230003", status: "queued" });
  });

  it("answered but silent through every question, or hung up before a key: no score, the no-answer path", async () => {
    await endpointBehaviour(rig.sim, "09121230004", "auto", 100);
    const s = await dueFollowUp("09121230004");
    const silent = await placeCall(s.id);
    await connected(silent);
    const done = await ended(silent);
    expect(done.disposition).toBe("answered");
    const after = await waitFor(async () => {
      const row = await survey(s.id);
      return row.next_attempt_at ? row : null;
    });
    expect(after).toMatchObject({ status: "pending", attempts: 1, score: null });
    const hangsUp = await placeCall(s.id);
    const call = await connected(hangsUp);
    await sim(rig.sim, `/sim/calls/${call.channel_id}/hangup`);
    await ended(hangsUp);
    const last = await waitFor(async () => {
      const row = await survey(s.id);
      return row.channel === "sms" ? row : null;
    });
    expect(last).toMatchObject({ status: "pending", attempts: 2, score: null });
  });
});
