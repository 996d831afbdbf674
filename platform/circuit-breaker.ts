import {
  breakerFailure,
  breakerRequest,
  breakerSuccess,
  CLOSED,
  type BreakerConfig,
  type BreakerState,
} from "../core/circuit-breaker";

export type { BreakerConfig, BreakerState };

/**
 * The per-process holder of core/circuit-breaker.ts's state machine, with a clock. One instance per
 * provider per process (each worker process keeps its own view of whether the provider is up).
 */
export class CircuitBreaker {
  private current: BreakerState = CLOSED;

  constructor(
    readonly config: BreakerConfig,
    private readonly now: () => number = Date.now,
    private readonly onChange?: (from: BreakerState["kind"], to: BreakerState["kind"]) => void,
  ) {}

  get state(): BreakerState {
    return this.current;
  }

  /** May a call go out now? When it may not, how long to wait (ms). */
  request(): { allowed: true } | { allowed: false; retryInMs: number } {
    const decision = breakerRequest(this.current, this.now(), this.config);
    this.set(decision.state);
    return decision.allowed ? { allowed: true } : { allowed: false, retryInMs: decision.retryInMs };
  }

  success(): void {
    this.set(breakerSuccess(this.current));
  }

  failure(): void {
    this.set(breakerFailure(this.current, this.now(), this.config));
  }

  private set(next: BreakerState) {
    const from = this.current.kind;
    this.current = next;
    if (from !== next.kind) this.onChange?.(from, next.kind);
  }
}
