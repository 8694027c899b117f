// murmur2 and the key partitioner against the Java client: Kafka's own UtilsTest vectors, a table
// of partition choices derived from them, and KafkaJS's Java-compatible murmur2 as an oracle.

import { createRequire } from "node:module";
import { fc, test } from "@fast-check/vitest";
import { describe, expect, it } from "vitest";
import { murmur2 } from "../../../core/client/murmur2.ts";
import { partitionForKey, toPositive } from "../../../core/client/partitioner.ts";

const utf8 = (text: string) => new TextEncoder().encode(text);
const require = createRequire(import.meta.url);
const kafkajsMurmur2 = require("kafkajs/src/producer/partitioners/default/murmur2.js") as (
  key: Buffer,
) => number;

describe("murmur2", () => {
  // apache/kafka clients/src/test/java/org/apache/kafka/common/utils/UtilsTest.java testMurmur2.
  it.each([
    ["21", -973932308],
    ["foobar", -790332482],
    ["a-little-bit-long-string", -985981536],
    ["a-little-bit-longer-string", -1486304829],
    ["lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8", -58897971],
    ["abc", 479470107],
  ])("Kafka's UtilsTest vector %j", (key, expected) => {
    expect(murmur2(utf8(key))).toBe(expected);
  });

  it("hashes every tail length (0..3 leftover bytes) like KafkaJS's port of the Java code", () => {
    for (let length = 0; length < 12; length++) {
      const bytes = Uint8Array.from({ length }, (_, i) => (i * 67 + 200) & 0xff);
      expect(murmur2(bytes)).toBe(kafkajsMurmur2(Buffer.from(bytes)));
    }
  });

  test.prop([fc.uint8Array({ maxLength: 64 })])("agrees with KafkaJS on random bytes", (bytes) => {
    expect(murmur2(bytes)).toBe(kafkajsMurmur2(Buffer.from(bytes)));
  });

  test.prop([fc.uint8Array({ maxLength: 32 })])("returns a signed int32", (bytes) => {
    const hash = murmur2(bytes);
    expect(hash).toBe(hash | 0);
  });
});

describe("partitionForKey", () => {
  // toPositive(h) for the vectors above: 21 -> 1173551340, foobar -> 1357151166,
  // a-little-bit-long-string -> 1161502112, abc -> 479470107.
  it.each([
    ["21", 3, 0],
    ["21", 12, 0],
    ["21", 50, 40],
    ["foobar", 3, 0],
    ["foobar", 10, 6],
    ["foobar", 12, 6],
    ["foobar", 50, 16],
    ["a-little-bit-long-string", 7, 1],
    ["a-little-bit-long-string", 50, 12],
    ["abc", 6, 3],
    ["abc", 100, 7],
    ["abc", 1, 0],
  ])("key %j over %i partitions -> %i", (key, partitions, expected) => {
    expect(partitionForKey(utf8(key), partitions)).toBe(expected);
  });

  it("clears only the sign bit (toPositive, not abs)", () => {
    expect(toPositive(-790332482)).toBe(1357151166);
    expect(toPositive(-(2 ** 31))).toBe(0);
    expect(toPositive(-1)).toBe(0x7fffffff);
    expect(toPositive(479470107)).toBe(479470107);
  });

  test.prop([fc.uint8Array({ maxLength: 40 }), fc.integer({ min: 1, max: 10_000 })])(
    "matches the Java formula with KafkaJS's hash",
    (key, partitions) => {
      const expected = (kafkajsMurmur2(Buffer.from(key)) & 0x7fffffff) % partitions;
      expect(partitionForKey(key, partitions)).toBe(expected);
    },
  );

  it("asserts on zero partitions", () => {
    expect(() => partitionForKey(utf8("k"), 0)).toThrow(/numPartitions/);
  });
});
