import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loader as healthz } from "../../app/routes/healthz";
import { addOperator, callByChannel, callRow, endpointBehaviour, sim, startRig, startSimulator, waitFor, printLogOnFailure, type Rig } from "../support/telephony";
import { testContext } from "../support/context";

let rig: Rig;
printLogOnFailure(() => [rig?.log]);

beforeAll(async () => {
  rig = await startRig({ telephony: { pingIntervalMs: 1000 } });
});

afterAll(async () => {
  await rig?.tel.stop();
  await rig?.sim.close();
});

async function health() {
  const res = await healthz({ request: new Request("http://localhost/healthz"), context: testContext(rig.db), params: {} } as never);
  return (await res.json()) as {
    status: string;
    telephony: { status: string; nodes: { nodeId: string; connected: boolean; lastError: string | null; reconnects: number; lastConnectedAt: string | null }[] };
  };
}

function ourNode(h: Awaited<ReturnType<typeof health>>) {
  return h.telephony.nodes.find((n) => n.nodeId === rig.tel.nodeId);
}

describe("the telephony app survives what kills ari-client", () => {
  it("reports its connection in /healthz from PostgreSQL", async () => {
    await waitFor(async () => ourNode(await health())?.connected === true);
    const h = await health();
    expect(h.status).toBe("ok");
    expect(h.telephony.status).toBe("connected");
  });

  it("logs, reports and ignores an event type ari-client does not know, and keeps taking calls", async () => {
    rig.sim.emitRaw({ type: "SomethingAsteriskInventedLater", application: "dispatch", timestamp: new Date().toISOString() });
    await waitFor(async () => ourNode(await health())?.lastError?.includes("SomethingAsteriskInventedLater"), 5000, "the unknown event in /healthz");
    expect(rig.log.some((l) => l.level === "warn" && l.message.includes('unknown ARI event type "SomethingAsteriskInventedLater"'))).toBe(true);
    expect(rig.tel.state.connected).toBe(true);
    const { id } = (await sim(rig.sim, "/sim/calls", { from: "09120000001", to: "1500" })) as { id: string };
    const call = await waitFor(() => callByChannel(rig.db, id));
    await sim(rig.sim, `/sim/calls/${id}/hangup`);
    await waitFor(async () => (await callRow(rig.db, call.id)).state === "ended");
  });

  it("survives a rejected login: logs it, reports it, retries, and connects once the credentials are accepted", async () => {
    rig.sim.setRejectLogins(true);
    await rig.sim.stop(); // drop the connection; the next logins are refused
    await rig.sim.start();
    await waitFor(async () => {
      const node = ourNode(await health());
      return node && !node.connected && node.lastError?.includes("login rejected");
    }, 15_000, "the rejected login in /healthz");
    expect(rig.log.some((l) => l.level === "warn" && l.message.includes("login rejected"))).toBe(true);
    const before = rig.tel.state.reconnects;
    await waitFor(() => rig.tel.state.reconnects >= before + 2, 15_000, "more attempts");
    rig.sim.setRejectLogins(false);
    await waitFor(() => rig.tel.state.connected, 15_000, "the connection after the login is accepted");
    await waitFor(async () => ourNode(await health())?.connected === true);
  });

  it("reconnects after the simulator was gone for more than 60 s, ends the calls that ended meanwhile, and takes the next call", async () => {
    await rig.db.updateTable("operators").set({ presence: "offline" }).execute();
    const op = await addOperator(rig.db, "701");
    await endpointBehaviour(rig.sim, "701", "auto");
    // a call in progress when Asterisk goes away
    const first = (await sim(rig.sim, "/sim/calls", { from: "09120000002", to: "1500", dtmf: "1" })) as { id: string };
    const firstCall = await waitFor(async () => {
      const row = await callByChannel(rig.db, first.id);
      return row?.state === "connected" ? row : null;
    });
    const lastConnected = rig.tel.state.lastConnectedAt!.getTime();
    // Asterisk goes away (and with it every channel: the caller's call is gone) for more than 60 s.
    const port = Number(new URL(rig.sim.url).port);
    await rig.sim.close();
    await waitFor(() => !rig.tel.state.connected, 10_000, "the disconnection");
    await waitFor(async () => ourNode(await health())?.connected === false, 10_000, "the disconnection in /healthz");
    await new Promise((r) => setTimeout(r, 62_000));
    expect(rig.tel.state.connected).toBe(false);
    // It comes back on the same port.
    rig.sim = await startSimulator(rig.dir, port);
    await waitFor(() => rig.tel.state.connected && rig.tel.state.lastConnectedAt!.getTime() > lastConnected, 10_000, "the reconnection");
    // The call that ended while nobody listened is closed (answered: it had been answered).
    const reconciled = await waitFor(async () => {
      const row = await callRow(rig.db, firstCall.id);
      return row.state === "ended" ? row : null;
    }, 10_000, "the call to be reconciled");
    expect(reconciled.disposition).toBe("answered");
    // and the next call is taken
    const next = (await sim(rig.sim, "/sim/calls", { from: "09120000003", to: "1500", dtmf: "1" })) as { id: string };
    const nextCall = await waitFor(async () => {
      const row = await callByChannel(rig.db, next.id);
      return row?.state === "connected" ? row : null;
    });
    expect(nextCall.operator_user_id).toBe(op);
    expect(nextCall.node_id).toBe(rig.tel.nodeId);
    await sim(rig.sim, `/sim/calls/${next.id}/hangup`);
    await waitFor(async () => (await callRow(rig.db, nextCall.id)).state === "ended");
    const node = ourNode(await health())!;
    expect(node.connected).toBe(true);
    expect(node.reconnects).toBeGreaterThan(5);
  }, 120_000);
});
