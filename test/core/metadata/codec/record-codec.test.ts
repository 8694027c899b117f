// Every metadata record kind round-trips through its binary form; bad bytes are a Result error.

import { fc, test as fcTest } from "@fast-check/vitest";
import { describe, expect, it } from "vitest";
import { nodeId } from "../../../../core/ids.ts";
import { ByteWriter } from "../../../../core/metadata/codec/byte-writer.ts";
import { readRecord, writeRecord } from "../../../../core/metadata/codec/record-codec.ts";
import type { RaftRecord } from "../../../../core/metadata/records.ts";

function encode(record: RaftRecord): Uint8Array {
  const w = new ByteWriter();
  writeRecord(w, record);
  return w.finish();
}

const samples: [string, RaftRecord][] = [
  ["opaque", { type: "opaque", bytes: new Uint8Array([1, 2, 3]) }],
  ["opaque empty", { type: "opaque", bytes: new Uint8Array(0) }],
  [
    "register-broker",
    {
      type: "register-broker",
      brokerId: nodeId(3),
      incarnationId: "inc-α",
      brokerEpoch: 2 ** 40,
      listeners: [
        { name: "PLAINTEXT", host: "127.0.0.1", port: 9092 },
        { name: "CONTROLLER", host: "h", port: 9093 },
      ],
    },
  ],
  ["fence-broker", { type: "fence-broker", brokerId: nodeId(1), brokerEpoch: 17 }],
  ["unfence-broker", { type: "unfence-broker", brokerId: nodeId(1), brokerEpoch: 17 }],
  ["topic", { type: "topic", name: "orders", topicId: "t-1" }],
  [
    "partition",
    {
      type: "partition",
      topicId: "t-1",
      partition: 4,
      replicas: [nodeId(1), nodeId(2), nodeId(3)],
      isr: [nodeId(1), nodeId(3)],
      leader: 1,
      leaderEpoch: 7,
      partitionEpoch: 9,
    },
  ],
  [
    "partition-change full",
    {
      type: "partition-change",
      topicId: "t-1",
      partition: 0,
      isr: [nodeId(2)],
      leader: -1,
      leaderEpoch: 8,
      partitionEpoch: 10,
    },
  ],
  [
    "partition-change bare",
    { type: "partition-change", topicId: "t", partition: 1, leaderEpoch: 1, partitionEpoch: 2 },
  ],
  [
    "config set",
    { type: "config", resourceType: 2, resourceName: "orders", name: "retention.ms", value: "1" },
  ],
  ["config delete", { type: "config", resourceType: 4, resourceName: "1", name: "x", value: null }],
  ["remove-topic", { type: "remove-topic", topicId: "t-1" }],
  [
    "producer-ids",
    { type: "producer-ids", brokerId: nodeId(2), brokerEpoch: 5, nextProducerId: 1000 },
  ],
  [
    "leader-change",
    { type: "leader-change", leaderId: nodeId(2), voters: [nodeId(1), nodeId(2), nodeId(3)] },
  ],
  ["no-op", { type: "no-op" }],
];

describe("record codec", () => {
  it.each(samples)("%s round-trips", (_name, record) => {
    const bytes = encode(record);
    const decoded = readRecord(bytes, 0, bytes.length);
    expect(decoded).toEqual({ ok: true, value: record });
    expect(encode((decoded as { value: RaftRecord }).value)).toEqual(bytes);
  });

  it.each(
    samples.filter(([, r]) => r.type !== "opaque" && r.type !== "no-op"),
  )("%s cut short is an error, never a throw", (_name, record) => {
    const bytes = encode(record);
    for (let cut = 1; cut < bytes.length; cut++) {
      expect(readRecord(bytes, 0, cut).ok).toBe(false);
    }
  });

  it.each([
    ["unknown type", [200]],
    ["empty", []],
    ["trailing bytes", [11, 0]],
    ["bad boolean", [7, 2, 0, 0, 0, 0, 7]],
  ])("rejects %s", (_name, bytes) => {
    const input = new Uint8Array(bytes);
    expect(readRecord(input, 0, input.length).ok).toBe(false);
  });

  fcTest.prop([fc.uint8Array({ maxLength: 64 })])("never throws on random bytes", (bytes) => {
    const result = readRecord(bytes, 0, bytes.length);
    if (result.ok) {
      const again = encode(result.value);
      expect(readRecord(again, 0, again.length)).toEqual(result);
    }
  });
});
