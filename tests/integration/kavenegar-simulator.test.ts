/**
 * The Kavenegar client (platform/kavenegar.ts) against the Kavenegar simulator over real HTTP: sending with
 * a localid (a resend returns the first message, never a second SMS), delivery statuses, inbound SMS,
 * verify/lookup templates, and every failure class — provider codes, 5xx from a gateway, a wrong key,
 * answers that come too late, dropped connections — with the outcome the outbox acts on. Then the circuit
 * breaker in front of the client, and the simulator's control API as people and the inbox page use it.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { CircuitBreaker } from "../../platform/circuit-breaker";
import { createKavenegarClient, KavenegarError, type KavenegarClient } from "../../platform/kavenegar";
import { startKavenegarSimulator, type KavenegarSimulator } from "../../workers/kavenegar-simulator/index";

const KEY = "test-key-0123456789";
const LINE = "2000660110";

let sim: KavenegarSimulator;
let fast: KavenegarSimulator;
let client: KavenegarClient;

beforeAll(async () => {
  // delivery takes an hour here: statuses stay where the test puts them
  sim = await startKavenegarSimulator({ port: 0, apiKey: KEY, defaultSender: LINE, deliveryMs: 3_600_000 });
  // delivery is immediate here: a message's final status is known at once
  fast = await startKavenegarSimulator({ port: 0, apiKey: KEY, deliveryMs: 0, blockedNumbers: ["+989350000000"] });
  client = createKavenegarClient({ apiKey: KEY, baseUrl: `${sim.url}/v1`, timeoutMs: 2_000 });
});

afterAll(async () => {
  await sim?.close();
  await fast?.close();
});

beforeEach(() => {
  sim.reset();
  fast.reset();
});

async function failureOf(p: Promise<unknown>): Promise<KavenegarError> {
  const e = await p.then(
    () => null,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(KavenegarError);
  return e as KavenegarError;
}

describe("message ids across restarts", () => {
  it("a simulator started again hands out ids above every id the earlier one gave (the database keeps them, unique)", async () => {
    const first = await startKavenegarSimulator({ port: 0, apiKey: KEY, defaultSender: LINE, deliveryMs: 3_600_000 });
    const before = createKavenegarClient({ apiKey: KEY, baseUrl: `${first.url}/v1`, timeoutMs: 2_000 });
    const given: number[] = [];
    for (let k = 1; k <= 5; k++) given.push(Number((await before.send({ receptor: "09121234567", message: `پیام ${k}`, localid: String(900 + k) })).messageid));
    await first.close();
    const again = await startKavenegarSimulator({ port: 0, apiKey: KEY, defaultSender: LINE, deliveryMs: 3_600_000 });
    try {
      const after = createKavenegarClient({ apiKey: KEY, baseUrl: `${again.url}/v1`, timeoutMs: 2_000 });
      // the same localid as before: the new simulator has no memory of it, and must not reuse an id for it
      const m = await after.send({ receptor: "09121234567", message: "پیام ۱", localid: "901" });
      expect(Number(m.messageid)).toBeGreaterThan(Math.max(...given));
      expect(Number.isSafeInteger(Number(m.messageid))).toBe(true);
    } finally {
      await again.close();
    }
  });
});

describe("sending", () => {
  it("sends to the number in 09… form and returns Kavenegar's entry", async () => {
    const m = await client.send({ receptor: "+98 ۹۱۲ ۱۲۳ ۴۵۶۷", message: "درخواست شما ثبت شد", localid: "101" });
    expect(m).toMatchObject({
      message: "درخواست شما ثبت شد",
      receptor: "09121234567",
      sender: LINE,
      status: 1,
      delivery: "queued",
      cost: 1200,
    });
    expect(m.messageid).toMatch(/^\d+$/);
    expect(m.statustext).not.toBe("");
    expect(sim.messages()).toEqual([
      expect.objectContaining({ direction: "outbound", localid: "101", receptor: "09121234567", messageid: Number(m.messageid) }),
    ]);
  });

  it("a resend with the same localid returns the first message and sends nothing more", async () => {
    const first = await client.send({ receptor: "09121234567", message: "یک", localid: "202" });
    const again = await client.send({ receptor: "09121234567", message: "یک", localid: "202" });
    expect(again.messageid).toBe(first.messageid);
    expect(sim.messages()).toHaveLength(1);
    const health = (await (await fetch(`${sim.url}/sim/health`)).json()) as { repeatedLocalIds: number };
    expect(health.repeatedLocalIds).toBe(1);
    const other = await client.send({ receptor: "09121234567", message: "یک", localid: "203" });
    expect(other.messageid).not.toBe(first.messageid);
    expect(sim.messages()).toHaveLength(2);
  });

  it("uses the sender line it is given; an unknown line is refused as permanent (412)", async () => {
    const strict = await startKavenegarSimulator({ port: 0, apiKey: KEY, senders: ["3000505"] });
    try {
      const c = createKavenegarClient({ apiKey: KEY, baseUrl: `${strict.url}/v1` });
      expect((await c.send({ receptor: "09121234567", message: "x", sender: "3000505", localid: "1" })).sender).toBe("3000505");
      const e = await failureOf(c.send({ receptor: "09121234567", message: "x", sender: "3000999", localid: "2" }));
      expect(e).toMatchObject({ outcome: "permanent", failure: "provider", code: 412 });
    } finally {
      await strict.close();
    }
  });

  it("refuses a number that is not an Iranian mobile before calling anyone", async () => {
    const e = await failureOf(client.send({ receptor: "02188776655", message: "x", localid: "1" }));
    expect(e).toMatchObject({ outcome: "permanent", failure: "invalid_request" });
    expect(sim.messages()).toHaveLength(0);
  });
});

describe("delivery status", () => {
  it("statuslocalmessageid tells whether a message reached Kavenegar, and where it is", async () => {
    const m = await client.send({ receptor: "09121234567", message: "x", localid: "301" });
    const [known, unknown] = await client.statusByLocalId(["301", "999"]);
    expect(known).toMatchObject({ localid: "301", messageid: m.messageid, status: 1, delivery: "queued" });
    expect(unknown).toMatchObject({ localid: "999", messageid: null, status: 100, delivery: "not_found" });
  });

  it("status follows the message to its final state", async () => {
    const a = await client.send({ receptor: "09121234567", message: "x", localid: "401" });
    const b = await client.send({ receptor: "09129876543", message: "y", localid: "402" });
    sim.setDelivery({ messageid: Number(a.messageid) }, 10);
    sim.setDelivery({ localid: "402" }, 11);
    const statuses = await client.status([a.messageid, b.messageid, "123"]);
    expect(statuses.map((s) => [s.messageid, s.status, s.delivery])).toEqual([
      [a.messageid, 10, "delivered"],
      [b.messageid, 11, "undelivered"],
      ["123", 100, "not_found"],
    ]);
  });

  it("delivery moves on by itself; a number on the opt-out list ends blocked (14)", async () => {
    const c = createKavenegarClient({ apiKey: KEY, baseUrl: `${fast.url}/v1` });
    const ok = await c.send({ receptor: "09121234567", message: "x", localid: "1" });
    const blocked = await c.send({ receptor: "09350000000", message: "x", localid: "2" });
    const statuses = await c.status([ok.messageid, blocked.messageid]);
    expect(statuses.map((s) => s.delivery)).toEqual(["delivered", "blocked"]);
  });

  it("a scheduled message is status 2 until its time", async () => {
    const m = await client.send({ receptor: "09121234567", message: "x", localid: "501", date: Math.floor(Date.now() / 1000) + 3600 });
    expect(m).toMatchObject({ status: 2, delivery: "scheduled" });
  });
});

describe("inbound SMS", () => {
  it("receive returns unread messages to a line once, then they are read", async () => {
    sim.injectInbound({ from: "09121234567", message: "۵" });
    sim.injectInbound({ from: "+989129876543", message: "ممنون" });
    sim.injectInbound({ from: "09121234567", to: "3000111", message: "another line" });
    const unread = await client.receive(LINE);
    expect(unread.map((m) => [m.sender, m.receptor, m.message])).toEqual([
      ["09121234567", LINE, "۵"],
      ["09129876543", LINE, "ممنون"],
    ]);
    expect(unread[0]?.messageid).toMatch(/^\d+$/);
    expect(await client.receive(LINE)).toEqual([]);
    expect((await client.receive(LINE, true)).map((m) => m.message)).toEqual(["۵", "ممنون"]);
  });
});

describe("verify/lookup", () => {
  it("sends the template with its tokens", async () => {
    const m = await client.lookup({ receptor: "09121234567", template: "ticket-registered", token: "14050923-0042", token2: "https://x.ir/t/abc" });
    expect(m.message).toBe("درخواست شما با شماره 14050923-0042 ثبت شد. پیگیری: https://x.ir/t/abc");
    expect(sim.messages()[0]).toMatchObject({ via: "lookup", template: "ticket-registered" });
  });

  it("an unknown template (424) and a token with a space (431) are permanent", async () => {
    expect(await failureOf(client.lookup({ receptor: "09121234567", template: "nope", token: "1" }))).toMatchObject({
      outcome: "permanent",
      code: 424,
    });
    expect(await failureOf(client.lookup({ receptor: "09121234567", template: "verify", token: "1 2" }))).toMatchObject({
      outcome: "permanent",
      code: 431,
    });
    expect(sim.messages()).toHaveLength(0);
  });
});

describe("failures and what the outbox does with them", () => {
  it.each([
    [409, "retry", "provider"],
    [418, "permanent", "provider"],
    [411, "permanent", "provider"],
    [401, "permanent", "provider"],
    [503, "retry", "http"],
    [500, "retry", "http"],
  ] as const)("code %i → %s (%s)", async (code, outcome, failure) => {
    sim.failNext(code);
    const e = await failureOf(client.send({ receptor: "09121234567", message: "x", localid: "1" }));
    expect(e).toMatchObject({ outcome, failure, code });
    expect(sim.messages()).toHaveLength(0);
    // the fault was for one request only
    await client.send({ receptor: "09121234567", message: "x", localid: "1" });
    expect(sim.messages()).toHaveLength(1);
  });

  it("a wrong API key is 403, permanent, and the key is not in the error", async () => {
    const wrong = createKavenegarClient({ apiKey: "wrong-key-secret", baseUrl: `${sim.url}/v1` });
    const e = await failureOf(wrong.send({ receptor: "09121234567", message: "x", localid: "1" }));
    expect(e).toMatchObject({ outcome: "permanent", failure: "provider", code: 403 });
    expect(e.message).not.toContain("wrong-key-secret");
    expect(e.message).not.toContain(sim.url);
  });

  it("no answer in time is retryable, and the resend does not send a second SMS", async () => {
    const impatient = createKavenegarClient({ apiKey: KEY, baseUrl: `${sim.url}/v1`, timeoutMs: 200 });
    sim.setLatencyMs(1_500);
    const e = await failureOf(impatient.send({ receptor: "09121234567", message: "x", localid: "601" }));
    expect(e).toMatchObject({ outcome: "retry", failure: "timeout" });
    sim.setLatencyMs(0);
    // the request did reach the provider before the answer was lost: the outbox asks, then resends safely
    const [st] = await impatient.statusByLocalId(["601"]);
    expect(st?.delivery).toBe("queued");
    const again = await impatient.send({ receptor: "09121234567", message: "x", localid: "601" });
    expect(again.messageid).toBe(st?.messageid);
    expect(sim.messages()).toHaveLength(1);
  });

  it("a dropped connection is a retryable network error and nothing was sent", async () => {
    sim.dropConnections(true);
    const e = await failureOf(client.send({ receptor: "09121234567", message: "x", localid: "701" }));
    expect(e).toMatchObject({ outcome: "retry", failure: "network" });
    sim.dropConnections(false);
    expect(sim.messages()).toHaveLength(0);
    expect((await client.statusByLocalId(["701"]))[0]?.delivery).toBe("not_found");
  });

  it("a provider that is not listening is a retryable network error", async () => {
    const gone = await startKavenegarSimulator({ port: 0, apiKey: KEY });
    const url = gone.url;
    await gone.close();
    const c = createKavenegarClient({ apiKey: KEY, baseUrl: `${url}/v1` });
    expect(await failureOf(c.receive(LINE))).toMatchObject({ outcome: "retry", failure: "network" });
  });
});

describe("circuit breaker in front of the client", () => {
  it("opens after consecutive transient failures, refuses without calling, probes after the cool-down, closes on success", async () => {
    let now = 1_000_000;
    const breaker = new CircuitBreaker({ failureThreshold: 2, coolDownMs: 30_000 }, () => now);
    const c = createKavenegarClient({ apiKey: KEY, baseUrl: `${sim.url}/v1`, breaker });
    const send = (localid: string) => c.send({ receptor: "09121234567", message: "x", localid });

    sim.failNext(503, 3);
    expect(await failureOf(send("1"))).toMatchObject({ failure: "http" });
    expect(breaker.state.kind).toBe("closed");
    expect(await failureOf(send("1"))).toMatchObject({ failure: "http" });
    expect(breaker.state.kind).toBe("open");

    now += 10_000;
    const refused = await failureOf(send("1"));
    expect(refused).toMatchObject({ outcome: "retry", failure: "circuit_open", retryInMs: 20_000 });
    // refused calls never reached the provider: one of the three faults is still waiting
    const health = (await (await fetch(`${sim.url}/sim/health`)).json()) as { faults: { failCount: number } };
    expect(health.faults.failCount).toBe(1);

    now += 20_000;
    expect(await failureOf(send("1"))).toMatchObject({ failure: "http" }); // the probe meets the last fault
    expect(breaker.state.kind).toBe("open");
    now += 30_000;
    await send("1"); // the next probe succeeds
    expect(breaker.state.kind).toBe("closed");
    expect(sim.messages()).toHaveLength(1);
  });

  it("a permanent answer does not open the circuit (the provider is up)", async () => {
    const breaker = new CircuitBreaker({ failureThreshold: 1, coolDownMs: 30_000 });
    const c = createKavenegarClient({ apiKey: KEY, baseUrl: `${sim.url}/v1`, breaker });
    sim.failNext(418);
    expect(await failureOf(c.send({ receptor: "09121234567", message: "x", localid: "1" }))).toMatchObject({ code: 418 });
    expect(breaker.state.kind).toBe("closed");
  });
});

describe("control API", () => {
  async function call(method: string, path: string, body?: unknown) {
    const res = await fetch(`${sim.url}${path}`, {
      method,
      headers: body === undefined ? {} : { "Content-Type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> & unknown[] };
  }

  it("shows a phone's inbox: what it was sent and what it sent", async () => {
    await client.send({ receptor: "09121234567", message: "به شما", localid: "1" });
    await client.send({ receptor: "09120000000", message: "به دیگری", localid: "2" });
    expect((await call("POST", "/sim/inbound", { from: "+989121234567", message: "پاسخ" })).status).toBe(201);
    const inbox = await call("GET", "/sim/messages?number=09121234567");
    expect(inbox.status).toBe(200);
    expect((inbox.body as unknown as { message: string; direction: string }[]).map((m) => [m.direction, m.message])).toEqual([
      ["outbound", "به شما"],
      ["inbound", "پاسخ"],
    ]);
    const numbers = await call("GET", "/sim/numbers");
    expect((numbers.body as unknown as { number: string }[]).map((n) => n.number).sort()).toEqual(["09120000000", "09121234567"]);
  });

  it("sets faults and delivery over HTTP", async () => {
    expect((await call("POST", "/sim/fail", { code: 409, count: 1 })).status).toBe(200);
    expect(await failureOf(client.receive(LINE))).toMatchObject({ code: 409, outcome: "retry" });
    const m = await client.send({ receptor: "09121234567", message: "x", localid: "9" });
    expect((await call("POST", "/sim/delivery", { localid: "9", status: 13 })).status).toBe(200);
    expect((await client.status([m.messageid]))[0]?.delivery).toBe("cancelled");
    expect((await call("POST", "/sim/latency", { ms: 0 })).status).toBe(200);
    expect((await call("POST", "/sim/drop", { drop: false })).status).toBe(200);
  });

  it("answers bad input with 400 and a message, unknown paths with 404", async () => {
    const bad = await call("POST", "/sim/inbound", { from: "not a number", message: "" });
    expect(bad.status).toBe(400);
    expect(String(bad.body.message)).toMatch(/from/);
    expect((await call("POST", "/sim/fail", { code: 200 })).status).toBe(400);
    expect((await call("POST", "/sim/delivery", { status: 10 })).status).toBe(400);
    expect((await call("POST", "/sim/delivery", { messageid: 42, status: 10 })).status).toBe(404);
    expect((await call("GET", "/sim/nothing")).status).toBe(404);
    const notJson = await fetch(`${sim.url}/sim/inbound`, { method: "POST", body: "{" });
    expect(notJson.status).toBe(400);
  });
});
