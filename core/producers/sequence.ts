// Producer sequence numbers (KIP-98): int32 values that wrap from Integer.MAX_VALUE back to 0.
// A batch of n records starting at s covers s .. s+n-1 modulo that wrap.

import { assert } from "../assert.ts";

export const SEQUENCE_MAX = 2 ** 31 - 1;

/** Kafka's DefaultRecordBatch.incrementSequence: `sequence + delta` wrapping past int32 max to 0. */
export function incrementSequence(sequence: number, delta: number): number {
  assertSequence(sequence);
  assert(Number.isInteger(delta) && delta >= 0 && delta <= SEQUENCE_MAX, `sequence delta ${delta}`);
  if (sequence > SEQUENCE_MAX - delta) return delta - (SEQUENCE_MAX - sequence) - 1;
  return sequence + delta;
}

/** Kafka's DefaultRecordBatch.decrementSequence: the inverse of incrementSequence. */
export function decrementSequence(sequence: number, delta: number): number {
  assertSequence(sequence);
  assert(Number.isInteger(delta) && delta >= 0 && delta <= SEQUENCE_MAX, `sequence delta ${delta}`);
  if (sequence - delta < 0) return SEQUENCE_MAX - (delta - sequence) + 1;
  return sequence - delta;
}

/** Whether `next` directly follows `last` (0 follows int32 max). */
export function inSequence(last: number, next: number): boolean {
  return next === last + 1 || (next === 0 && last === SEQUENCE_MAX);
}

export function assertSequence(sequence: number): void {
  assert(
    Number.isInteger(sequence) && sequence >= 0 && sequence <= SEQUENCE_MAX,
    `sequence ${sequence}`,
  );
}
