/**
 * Sign-in throttling: after too many failures for one username (guessing a password) or
 * from one address (trying many usernames), further attempts are refused for a while.
 * Counts come from the database, so every web process enforces the same limit.
 */
export const LOGIN_WINDOW_MINUTES = 15;
export const MAX_FAILURES_PER_USER = 5;
export const MAX_FAILURES_PER_IP = 30;

export type ThrottleDecision = { allowed: true } | { allowed: false; retryAfterMinutes: number };

export function decideLoginThrottle(failures: { forUser: number; forIp: number }): ThrottleDecision {
  if (failures.forUser >= MAX_FAILURES_PER_USER || failures.forIp >= MAX_FAILURES_PER_IP) {
    return { allowed: false, retryAfterMinutes: LOGIN_WINDOW_MINUTES };
  }
  return { allowed: true };
}

export function throttleWindowStart(now: Date): Date {
  return new Date(now.getTime() - LOGIN_WINDOW_MINUTES * 60_000);
}
