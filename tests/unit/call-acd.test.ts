import { describe, expect, it } from "vitest";
import { byPlaceInQueue, chooseOperator, mayOfferCallback, nextRoundNeeded, planOffers, shareOfPlan, type AcdCandidate, type WaitingCall } from "../../core/acd";
import {
  attemptOutcomeForCause,
  digitForIvrChoice,
  IVR_CHOICES,
  ivrChoiceForDigit,
  outboundDispositionForCause,
  parseDeskEvent,
  parseKeyedTicketNumber,
  secondsBetween,
} from "../../core/call";

const op = (userId: number, over: Partial<AcdCandidate> = {}): AcdCandidate => ({
  userId,
  presence: "available",
  skills: ["breakdown", "follow_up", "complaint"],
  busy: false,
  idleSince: "2026-11-30T08:00:00Z",
  ...over,
});

describe("IVR menu", () => {
  it("maps 1, 2, 3 to breakdown, follow-up, complaint and anything else to breakdown", () => {
    expect(ivrChoiceForDigit("1")).toBe("breakdown");
    expect(ivrChoiceForDigit("2")).toBe("follow_up");
    expect(ivrChoiceForDigit("3")).toBe("complaint");
    expect(ivrChoiceForDigit("7")).toBe("breakdown");
    expect(ivrChoiceForDigit(null)).toBe("breakdown");
    for (const c of IVR_CHOICES) expect(ivrChoiceForDigit(digitForIvrChoice(c))).toBe(c);
  });

  it("accepts an 8-digit ticket number keyed by a caller", () => {
    expect(parseKeyedTicketNumber("10000298#")).toBe(10000298);
    expect(parseKeyedTicketNumber("123")).toBeNull();
    expect(parseKeyedTicketNumber("01234567")).toBeNull();
  });
});

describe("hang-up causes", () => {
  it("reads busy, no answer and rejected as Asterisk reports them", () => {
    expect(attemptOutcomeForCause(17)).toBe("busy");
    expect(attemptOutcomeForCause(19)).toBe("no_answer");
    expect(attemptOutcomeForCause(18)).toBe("no_answer");
    expect(attemptOutcomeForCause(21)).toBe("rejected");
    expect(attemptOutcomeForCause(34)).toBe("failed");
    expect(attemptOutcomeForCause(undefined)).toBe("failed");
    expect(outboundDispositionForCause(17)).toBe("busy");
    expect(outboundDispositionForCause(19)).toBe("missed");
    expect(outboundDispositionForCause(21)).toBe("missed");
    expect(outboundDispositionForCause(38)).toBe("failed");
  });

  it("counts whole seconds, never negative", () => {
    expect(secondsBetween("2026-11-30T08:00:00Z", "2026-11-30T08:00:41.6Z")).toBe(42);
    expect(secondsBetween("2026-11-30T08:00:05Z", "2026-11-30T08:00:00Z")).toBe(0);
    expect(secondsBetween(null, "2026-11-30T08:00:00Z")).toBeNull();
  });
});

describe("ACD: which operator rings next", () => {
  it("rings the longest-idle available operator with the queue's skill", () => {
    const ops = [
      op(1, { idleSince: "2026-11-30T08:05:00Z" }),
      op(2, { idleSince: "2026-11-30T08:01:00Z" }),
      op(3, { idleSince: "2026-11-30T07:00:00Z", skills: ["complaint"] }),
      op(4, { idleSince: "2026-11-30T06:00:00Z", presence: "on_break" }),
      op(5, { idleSince: "2026-11-30T06:00:00Z", busy: true }),
    ];
    expect(chooseOperator(ops, "breakdown")?.userId).toBe(2);
    expect(chooseOperator(ops, "complaint")?.userId).toBe(3);
  });

  it("skips operators already tried for the call, and returns null when nobody is left", () => {
    const ops = [op(1, { idleSince: "2026-11-30T08:00:00Z" }), op(2, { idleSince: "2026-11-30T08:10:00Z" })];
    expect(chooseOperator(ops, "breakdown", [1])?.userId).toBe(2);
    expect(chooseOperator(ops, "breakdown", new Set([1, 2]))).toBeNull();
    expect(nextRoundNeeded(ops, "breakdown", new Set([1, 2]))).toBe(true);
    expect(nextRoundNeeded(ops, "breakdown", new Set([1]))).toBe(false);
    expect(nextRoundNeeded([op(1, { busy: true })], "breakdown", new Set([1]))).toBe(false);
  });

  it("counts a never-idle operator as the longest idle and breaks ties by id", () => {
    expect(chooseOperator([op(7), op(3, { idleSince: null })], "breakdown")?.userId).toBe(3);
    expect(chooseOperator([op(7), op(3)], "breakdown")?.userId).toBe(3);
  });

  it("offers a call-back after the configured wait and keeps the caller's place", () => {
    expect(mayOfferCallback("2026-11-30T08:00:00Z", Date.parse("2026-11-30T08:00:59Z"), 60)).toBe(false);
    expect(mayOfferCallback("2026-11-30T08:00:00Z", Date.parse("2026-11-30T08:01:00Z"), 60)).toBe(true);
    const order = byPlaceInQueue([
      { id: 3, placeAt: "2026-11-30T08:02:00Z" },
      { id: 1, placeAt: "2026-11-30T08:00:00Z" },
      { id: 2, placeAt: "2026-11-30T08:00:00Z" },
    ]);
    expect(order.map((x) => x.id)).toEqual([1, 2, 3]);
  });
});

describe("desk events", () => {
  it("parses the payloads telephony sends and rejects anything else", () => {
    const e = { type: "call_offered", operatorUserId: 4, callId: 9, at: "2026-11-30T08:00:00Z" };
    expect(parseDeskEvent(JSON.stringify(e))).toEqual(e);
    expect(parseDeskEvent(JSON.stringify({ ...e, callId: "9" }))).toBeNull();
    expect(parseDeskEvent(JSON.stringify({ type: "presence", operatorUserId: 4, presence: "away", at: "x" }))).toBeNull();
    expect(parseDeskEvent("not json")).toBeNull();
    expect(parseDeskEvent(JSON.stringify({ type: "unknown", operatorUserId: 1, at: "x" }))).toBeNull();
  });

  it("parses a complaint alert (ticket and score) and rejects one without them", () => {
    const e = { type: "complaint_opened", operatorUserId: 3, ticketId: 12, score: 2, at: "2026-12-01T08:00:00Z" };
    expect(parseDeskEvent(JSON.stringify(e))).toEqual(e);
    expect(parseDeskEvent(JSON.stringify({ ...e, ticketId: "12" }))).toBeNull();
    expect(parseDeskEvent(JSON.stringify({ ...e, score: undefined }))).toBeNull();
  });
});

describe("ACD: every waiting call at once (planOffers)", () => {
  const call = (id: number, placeAt: string, over: Partial<WaitingCall> = {}): WaitingCall => ({
    kind: "call",
    id,
    queue: "breakdown",
    placeAt,
    nodeId: "a",
    tried: [],
    ...over,
  });
  const byId = (plan: ReturnType<typeof planOffers>) => plan.offers.map((o) => [o.callId, o.operator.userId]);

  it("gives each waiting call its own operator, the oldest caller the longest-idle one", () => {
    const ops = [op(1, { idleSince: "2026-11-30T08:05:00Z" }), op(2, { idleSince: "2026-11-30T08:01:00Z" }), op(3, { idleSince: "2026-11-30T08:03:00Z" })];
    const plan = planOffers([call(11, "2026-11-30T09:00:02Z"), call(10, "2026-11-30T09:00:01Z")], ops);
    expect(byId(plan)).toEqual([
      [10, 2],
      [11, 3],
    ]);
  });

  it("never one operator for two calls: more callers than free operators leaves the newest waiting", () => {
    const plan = planOffers([call(1, "2026-11-30T09:00:01Z"), call(2, "2026-11-30T09:00:02Z"), call(3, "2026-11-30T09:00:03Z")], [op(7), op(8, { busy: true }), op(9)]);
    expect(byId(plan)).toEqual([
      [1, 7],
      [2, 9],
    ]);
    expect(new Set(plan.offers.map((o) => o.operator.userId)).size).toBe(plan.offers.length);
  });

  it("skips the operators already tried for a call, starts a new round when all were, and honours exclude", () => {
    const ops = [op(1), op(2)];
    expect(byId(planOffers([call(1, "2026-11-30T09:00:01Z", { tried: [1] })], ops))).toEqual([[1, 2]]);
    expect(byId(planOffers([call(1, "2026-11-30T09:00:01Z", { tried: [1, 2] })], ops))).toEqual([[1, 1]]);
    expect(byId(planOffers([call(1, "2026-11-30T09:00:01Z")], ops, [1]))).toEqual([[1, 2]]);
  });

  it("matches skills per call: a complaint waits for an operator who takes complaints", () => {
    const ops = [op(1, { skills: ["breakdown"] }), op(2, { skills: ["breakdown", "complaint"] })];
    const plan = planOffers([call(1, "2026-11-30T09:00:01Z", { queue: "complaint" }), call(2, "2026-11-30T09:00:02Z")], ops);
    expect(byId(plan)).toEqual([
      [1, 2],
      [2, 1],
    ]);
  });

  it("holds an operator for an older call-back; callers of every process are served by their place, whichever process plans", () => {
    const ops = [op(1), op(2), op(3)];
    const items = [
      call(5, "2026-11-30T09:00:05Z"),
      { kind: "callback" as const, id: 40, queue: "breakdown" as const, placeAt: "2026-11-30T09:00:01Z" },
      call(6, "2026-11-30T09:00:06Z"),
      call(7, "2026-11-30T09:00:02Z", { nodeId: "b" }),
    ];
    const plan = planOffers(items, ops);
    expect(plan.callbacks).toEqual([40]); // operator 1, by place
    expect(byId(plan)).toEqual([
      [7, 2], // b's older caller
      [5, 3],
    ]); // call 6 waits
    // the same plan from any order of the facts
    expect(byId(planOffers([...items].reverse(), ops))).toEqual(byId(plan));
    expect(shareOfPlan(plan, "a", [5, 6])).toEqual({ mine: [plan.offers[1]], wake: ["b"] });
    expect(shareOfPlan(plan, "b", [7])).toEqual({ mine: [plan.offers[0]], wake: ["a"] });
  });

  it("an older caller at another process who was already offered to the free operator (and to every free one) still wins them: a new round", () => {
    // the defect of planning per process: a process hearing first that operator 1 is free gave them to its own newer caller
    const plan = planOffers([call(5, "2026-11-30T09:00:05Z"), call(2, "2026-11-30T09:00:02Z", { nodeId: "b", tried: [1] })], [op(1)]);
    expect(byId(plan)).toEqual([[2, 1]]);
    expect(shareOfPlan(plan, "a", [5])).toEqual({ mine: [], wake: ["b"] });
  });

  it("a caller of this process not waiting in its holding bridge yet is neither rung nor given away", () => {
    const plan = planOffers([call(5, "2026-11-30T09:00:05Z"), call(6, "2026-11-30T09:00:06Z")], [op(1)]);
    expect(shareOfPlan(plan, "a", [6])).toEqual({ mine: [], wake: [] });
  });
});
