// The key map: a bijection between workload keys and topic-partitions whose record keys Kafka's
// murmur2 partitioner routes to the same partition; and the strict decimal codec of values.

import { fc, test } from "@fast-check/vitest";
import { describe, expect, it } from "vitest";
import { partitionForKey } from "../../../core/client/partitioner.ts";
import { decodeInt, encodeInt, KeyMap } from "../../../core/client/workload-keys.ts";

describe("KeyMap", () => {
  test.prop([fc.integer({ min: 1, max: 300 }), fc.integer({ min: 1, max: 64 })], { numRuns: 50 })(
    "is a bijection whose record keys hash to their key's partition",
    (keyCount, partitionsPerTopic) => {
      const map = new KeyMap({ keyCount, partitionsPerTopic, topicPrefix: "t" });
      const seen = new Set<string>();
      for (const key of map.keys()) {
        const { topic, partition } = map.topicPartitionOf(key);
        expect(map.keyOf(topic, partition)).toBe(key);
        seen.add(`${topic}/${partition}`);
        expect(partitionForKey(map.recordKeyOf(key), partitionsPerTopic)).toBe(partition);
      }
      expect(seen.size).toBe(keyCount);
      const partitions = map.topics().reduce((sum, t) => sum + t.partitions, 0);
      expect(partitions).toBeGreaterThanOrEqual(keyCount);
      expect(partitions - keyCount).toBeLessThan(partitionsPerTopic);
    },
  );

  it.each([
    ["t0", 5, undefined],
    ["t9", 0, undefined],
    ["x0", 0, undefined],
    ["t0", -1, undefined],
    ["t1", 1, 4],
  ])("keyOf(%s, %i) is %s outside the map", (topic, partition, key) => {
    const map = new KeyMap({ keyCount: 5, partitionsPerTopic: 3, topicPrefix: "t" });
    expect(map.keyOf(topic, partition)).toBe(key);
  });
});

describe("value codec", () => {
  it.each([
    [0, "0"],
    [7, "7"],
    [1234567, "1234567"],
    [Number.MAX_SAFE_INTEGER, "9007199254740991"],
  ])("encodes %i as %s and back", (value, text) => {
    expect(new TextDecoder().decode(encodeInt(value))).toBe(text);
    expect(decodeInt(encodeInt(value))).toBe(value);
  });

  it.each([
    [null],
    [""],
    ["-1"],
    ["01"],
    [" 1"],
    ["1a"],
    ["12345678901234567"],
    ["9007199254740993"],
  ])("rejects %j", (text) => {
    expect(decodeInt(text === null ? null : new TextEncoder().encode(text))).toBeUndefined();
  });
});
