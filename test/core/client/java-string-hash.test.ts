// Java's String.hashCode and Kafka's Utils.abs, as the group coordinator's placement uses them.

import { fc, test } from "@fast-check/vitest";
import { describe, expect, it } from "vitest";
import {
  coordinatorPartitionFor,
  javaStringHash,
  kafkaAbs,
} from "../../../core/client/java-string-hash.ts";

/** The definition with BigInt: sum of s[i] * 31^(n-1-i), reduced to a signed 32-bit integer. */
function naiveHash(text: string): number {
  let hash = 0n;
  for (let i = 0; i < text.length; i++) hash = hash * 31n + BigInt(text.charCodeAt(i));
  return Number(BigInt.asIntN(32, hash));
}

describe("javaStringHash", () => {
  it.each([
    ["", 0],
    ["a", 97],
    ["Aa", 2112],
    ["BB", 2112],
    ["hello", 99162322],
    ["my-group", -1906497762],
    ["console-consumer-12345", 158455506],
    ["polygenelubricants", -(2 ** 31)],
    ["GydZG_", -(2 ** 31)],
    ["\u00e9t\u00e9", 227742],
    ["\ud83d\ude00", 1772899],
  ])("%j -> %i", (text, expected) => {
    expect(javaStringHash(text)).toBe(expected);
    expect(naiveHash(text)).toBe(expected);
  });

  test.prop([fc.string({ unit: "binary", maxLength: 50 })])(
    "matches the BigInt definition",
    (s) => {
      expect(javaStringHash(s)).toBe(naiveHash(s));
    },
  );
});

describe("kafkaAbs", () => {
  // apache/kafka UtilsTest.testAbs.
  it.each([
    [-(2 ** 31), 0],
    [-10, 10],
    [10, 10],
    [0, 0],
    [-1, 1],
    [2 ** 31 - 1, 2 ** 31 - 1],
  ])("abs(%i) = %i", (value, expected) => {
    expect(kafkaAbs(value)).toBe(expected);
  });
});

describe("coordinatorPartitionFor", () => {
  it.each([
    ["", 50, 0],
    ["a", 50, 47],
    ["hello", 50, 22],
    ["my-group", 50, 12],
    ["console-consumer-12345", 50, 6],
    // hashCode is Integer.MIN_VALUE: Utils.abs gives 0, never a negative partition.
    ["polygenelubricants", 50, 0],
    ["polygenelubricants", 7, 0],
  ])("%j over %i partitions -> %i", (group, partitions, expected) => {
    expect(coordinatorPartitionFor(group, partitions)).toBe(expected);
  });

  test.prop([fc.string({ maxLength: 30 }), fc.integer({ min: 1, max: 1000 })])(
    "is always a valid partition",
    (group, partitions) => {
      const p = coordinatorPartitionFor(group, partitions);
      expect(p).toBeGreaterThanOrEqual(0);
      expect(p).toBeLessThan(partitions);
    },
  );
});
