// Exponential reconnect backoff in the manner of Kafka's reconnect.backoff.ms and
// reconnect.backoff.max.ms: the wait doubles per consecutive failure, with ±20% jitter so that
// peers do not retry in lockstep, and never exceeds the maximum.

import { assert } from "../../core/assert.ts";

export interface BackoffPolicy {
  /** The wait after the first failure (Kafka's reconnect.backoff.ms, 50). */
  readonly initialMs: number;
  /** The bound of every wait (Kafka's reconnect.backoff.max.ms, 1000). */
  readonly maxMs: number;
  /** The relative spread of each wait (Kafka uses 0.2). */
  readonly jitter: number;
}

export const defaultBackoff: BackoffPolicy = { initialMs: 50, maxMs: 1000, jitter: 0.2 };

/**
 * The wait after `failures` consecutive failures (>= 1): initialMs * 2^(failures - 1) capped at
 * maxMs, times a factor in [1 - jitter, 1 + jitter) drawn from `random` in [0, 1), capped again.
 */
export function backoffDelayMs(policy: BackoffPolicy, failures: number, random: number): number {
  assert(Number.isInteger(failures) && failures >= 1, `failures ${failures} must be >= 1`);
  assert(random >= 0 && random < 1, `random ${random} must be in [0, 1)`);
  assert(policy.initialMs > 0 && policy.initialMs <= policy.maxMs, "0 < initialMs <= maxMs");
  // 2^(failures - 1) overflows to Infinity long after the cap applies; min() keeps it finite.
  const exponential = Math.min(policy.maxMs, policy.initialMs * 2 ** Math.min(failures - 1, 60));
  const factor = 1 + policy.jitter * (2 * random - 1);
  const delay = Math.min(policy.maxMs, Math.round(exponential * factor));
  assert(delay >= 0 && delay <= policy.maxMs, `backoff ${delay} within [0, ${policy.maxMs}]`);
  return delay;
}
