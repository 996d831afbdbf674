import { describe, expect, it } from "vitest";
import { breakerFailure, breakerRequest, breakerSuccess, CLOSED, type BreakerState } from "../../core/circuit-breaker";
import { CircuitBreaker } from "../../platform/circuit-breaker";

const config = { failureThreshold: 3, coolDownMs: 10_000 };

describe("circuit breaker state machine", () => {
  it("stays closed below the threshold and a success resets the count", () => {
    let s: BreakerState = CLOSED;
    s = breakerFailure(s, 0, config);
    s = breakerFailure(s, 1, config);
    expect(s).toEqual({ kind: "closed", failures: 2 });
    s = breakerSuccess(s);
    s = breakerFailure(s, 2, config);
    expect(s).toEqual({ kind: "closed", failures: 1 });
    expect(breakerRequest(s, 3, config).allowed).toBe(true);
  });

  it("opens after N consecutive failures and refuses calls during the cool-down", () => {
    let s: BreakerState = CLOSED;
    for (let i = 0; i < 3; i++) s = breakerFailure(s, 1000, config);
    expect(s).toEqual({ kind: "open", openedAt: 1000 });
    const d = breakerRequest(s, 4000, config);
    expect(d).toMatchObject({ allowed: false, retryInMs: 7000 });
    expect(d.state).toBe(s);
    // a late failure of a call that left before the circuit opened does not extend the cool-down
    expect(breakerFailure(s, 5000, config)).toEqual({ kind: "open", openedAt: 1000 });
  });

  it("lets one probe through after the cool-down; others wait while it is in flight", () => {
    const open: BreakerState = { kind: "open", openedAt: 0 };
    const probe = breakerRequest(open, 10_000, config);
    expect(probe).toMatchObject({ allowed: true, state: { kind: "half_open", probeStartedAt: 10_000 } });
    const other = breakerRequest(probe.state, 10_500, config);
    expect(other).toMatchObject({ allowed: false, retryInMs: 9_500 });
  });

  it("a successful probe closes the circuit; a failed one opens it again", () => {
    const half: BreakerState = { kind: "half_open", probeStartedAt: 10_000 };
    expect(breakerSuccess(half)).toEqual(CLOSED);
    expect(breakerFailure(half, 11_000, config)).toEqual({ kind: "open", openedAt: 11_000 });
  });

  it("a probe that never reports back is replaced after another cool-down", () => {
    const half: BreakerState = { kind: "half_open", probeStartedAt: 10_000 };
    expect(breakerRequest(half, 20_000, config)).toMatchObject({ allowed: true, state: { kind: "half_open", probeStartedAt: 20_000 } });
  });

  it("a threshold of 1 opens on the first failure", () => {
    expect(breakerFailure(CLOSED, 5, { failureThreshold: 1, coolDownMs: 1 })).toEqual({ kind: "open", openedAt: 5 });
  });
});

describe("CircuitBreaker (platform holder with a clock)", () => {
  it("walks closed → open → half-open → closed and reports each change", () => {
    let now = 0;
    const changes: string[] = [];
    const b = new CircuitBreaker(config, () => now, (from, to) => changes.push(`${from}→${to}`));
    for (let i = 0; i < 3; i++) {
      expect(b.request()).toEqual({ allowed: true });
      b.failure();
    }
    expect(b.state.kind).toBe("open");
    now = 2_000;
    expect(b.request()).toEqual({ allowed: false, retryInMs: 8_000 });
    now = 10_000;
    expect(b.request()).toEqual({ allowed: true });
    expect(b.state.kind).toBe("half_open");
    b.success();
    expect(b.state).toEqual(CLOSED);
    expect(changes).toEqual(["closed→open", "open→half_open", "half_open→closed"]);
  });
});
