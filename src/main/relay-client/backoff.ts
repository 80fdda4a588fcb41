// Reconnect delays: exponential backoff with full jitter, so many devices dropped by one relay restart
// do not all come back in the same instant.

export type BackoffOptions = {
  /** Delay ceiling of the first retry, in milliseconds. */
  baseMs: number;
  /** Largest delay ever returned, in milliseconds. */
  maxMs: number;
};

export const DEFAULT_BACKOFF: BackoffOptions = { baseMs: 250, maxMs: 30_000 };

/** Upper bound of the delay before retry number `attempt` (0-based): min(maxMs, baseMs · 2^attempt). */
export function backoffCeiling(attempt: number, options: BackoffOptions): number {
  if (!Number.isInteger(attempt) || attempt < 0) throw new RangeError(`attempt must be a non-negative integer, got ${attempt}`);
  // 2^attempt overflows to Infinity for huge attempts, which min() caps; no special case needed.
  return Math.min(options.maxMs, options.baseMs * 2 ** attempt);
}

/** Full jitter: a uniform delay in [0, ceiling]; random() returns [0, 1) like Math.random. */
export function backoffDelay(attempt: number, options: BackoffOptions, random: () => number = Math.random): number {
  return Math.floor(random() * (backoffCeiling(attempt, options) + 1));
}
