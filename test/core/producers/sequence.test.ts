// Sequence arithmetic with the int32 wrap, as Kafka's DefaultRecordBatch does it.

import { fc, test } from "@fast-check/vitest";
import { describe, expect, it } from "vitest";
import {
  decrementSequence,
  incrementSequence,
  inSequence,
  SEQUENCE_MAX,
} from "../../../core/producers/sequence.ts";

describe("sequences", () => {
  it.each([
    [0, 0, 0],
    [5, 3, 8],
    [SEQUENCE_MAX, 0, SEQUENCE_MAX],
    [SEQUENCE_MAX, 1, 0],
    [SEQUENCE_MAX - 1, 3, 1],
    [SEQUENCE_MAX - 4, 4, SEQUENCE_MAX],
  ])("incrementSequence(%i, %i) = %i", (sequence, delta, expected) => {
    expect(incrementSequence(sequence, delta)).toBe(expected);
    expect(decrementSequence(expected, delta)).toBe(sequence);
  });

  it.each([
    [4, 5, true],
    [4, 6, false],
    [4, 4, false],
    [SEQUENCE_MAX, 0, true],
    [SEQUENCE_MAX - 1, 0, false],
    [-1, 0, true],
  ])("inSequence(%i, %i) = %s", (last, next, expected) => {
    expect(inSequence(last, next)).toBe(expected);
  });

  const sequence = fc.integer({ min: 0, max: SEQUENCE_MAX });
  test.prop([sequence, sequence])("increment is addition modulo 2^31", (s, d) => {
    expect(incrementSequence(s, d)).toBe((s + d) % 2 ** 31);
    expect(decrementSequence(incrementSequence(s, d), d)).toBe(s);
  });
});
