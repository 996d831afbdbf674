/**
 * A circuit breaker as a pure state machine (time is passed in): after `failureThreshold` consecutive
 * transient failures the circuit opens and calls are refused without touching the provider; after
 * `coolDownMs` one probe call is let through (half-open); its success closes the circuit, its failure
 * opens it again for another cool-down. A probe that never reports back (its process died) is replaced by
 * a new one after another cool-down. Refused calls are not failures of the message: it waits and is sent
 * once the circuit closes.
 */
export interface BreakerConfig {
  /** consecutive transient failures that open the circuit (≥ 1) */
  failureThreshold: number;
  /** how long the circuit stays open before a probe is let through */
  coolDownMs: number;
}

export type BreakerState =
  | { kind: "closed"; failures: number }
  | { kind: "open"; openedAt: number }
  | { kind: "half_open"; probeStartedAt: number };

export const CLOSED: BreakerState = { kind: "closed", failures: 0 };

export interface BreakerDecision {
  allowed: boolean;
  state: BreakerState;
  /** when refused: how long until a call may be let through (0: a probe is in flight) */
  retryInMs: number;
}

/** May a call go out now? A call let through in the open state becomes the half-open probe. */
export function breakerRequest(state: BreakerState, now: number, config: BreakerConfig): BreakerDecision {
  switch (state.kind) {
    case "closed":
      return { allowed: true, state, retryInMs: 0 };
    case "open": {
      const waited = now - state.openedAt;
      if (waited >= config.coolDownMs) return { allowed: true, state: { kind: "half_open", probeStartedAt: now }, retryInMs: 0 };
      return { allowed: false, state, retryInMs: config.coolDownMs - waited };
    }
    case "half_open": {
      const waited = now - state.probeStartedAt;
      if (waited >= config.coolDownMs) return { allowed: true, state: { kind: "half_open", probeStartedAt: now }, retryInMs: 0 };
      return { allowed: false, state, retryInMs: config.coolDownMs - waited };
    }
  }
}

/** The provider answered (success, or an answer that proves it is up, such as a permanent error). */
export function breakerSuccess(_state: BreakerState): BreakerState {
  return CLOSED;
}

/** A transient failure: timeout, network error, 409, 5xx. */
export function breakerFailure(state: BreakerState, now: number, config: BreakerConfig): BreakerState {
  switch (state.kind) {
    case "closed": {
      const failures = state.failures + 1;
      return failures >= Math.max(1, config.failureThreshold) ? { kind: "open", openedAt: now } : { kind: "closed", failures };
    }
    case "half_open":
      return { kind: "open", openedAt: now };
    case "open":
      // a call that went out before the circuit opened reports late: the cool-down is not extended
      return state;
  }
}
