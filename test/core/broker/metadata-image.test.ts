// The metadata image changes only by records: apply them, watch the changes reported, and check
// that snapshot -> restore and toRecords -> apply rebuild exactly the same image.

import { describe, expect, it } from "vitest";
import { type ImageChange, MetadataImage } from "../../../core/broker/metadata-image.ts";
import { nodeId } from "../../../core/ids.ts";
import type { MetadataRecord } from "../../../core/metadata/records.ts";

const b1 = nodeId(1);
const b2 = nodeId(2);

const records: MetadataRecord[] = [
  {
    type: "register-broker",
    brokerId: b1,
    incarnationId: "i1",
    brokerEpoch: 0,
    listeners: [{ name: "PLAINTEXT", host: "h", port: 1 }],
  },
  { type: "unfence-broker", brokerId: b1, brokerEpoch: 0 },
  { type: "register-broker", brokerId: b2, incarnationId: "i2", brokerEpoch: 2, listeners: [] },
  { type: "topic", name: "t", topicId: "T" },
  { type: "config", resourceType: 2, resourceName: "t", name: "retention.ms", value: "5" },
  {
    type: "partition",
    topicId: "T",
    partition: 0,
    replicas: [b1, b2],
    isr: [b1, b2],
    leader: 1,
    leaderEpoch: 0,
    partitionEpoch: 0,
  },
  {
    type: "partition",
    topicId: "T",
    partition: 1,
    replicas: [b2, b1],
    isr: [b2],
    leader: 2,
    leaderEpoch: 0,
    partitionEpoch: 0,
  },
  {
    type: "partition-change",
    topicId: "T",
    partition: 1,
    isr: [b2, b1],
    leaderEpoch: 0,
    partitionEpoch: 1,
  },
  {
    type: "partition-change",
    topicId: "T",
    partition: 0,
    leader: 2,
    leaderEpoch: 1,
    partitionEpoch: 1,
  },
  { type: "topic", name: "gone", topicId: "G" },
  { type: "config", resourceType: 2, resourceName: "gone", name: "retention.ms", value: "7" },
  { type: "remove-topic", topicId: "G" },
  { type: "producer-ids", brokerId: b1, brokerEpoch: 0, nextProducerId: 1000 },
];

function build(
  list: readonly MetadataRecord[],
  listener?: (c: ImageChange) => void,
): MetadataImage {
  const image = new MetadataImage(listener);
  for (const [i, r] of list.entries()) image.apply(r, i, 1);
  image.checkConsistency();
  return image;
}

describe("MetadataImage", () => {
  it("folds records into topics, partitions, brokers and configs", () => {
    const changes: string[] = [];
    const image = build(records, (c) => changes.push(c.type));
    expect(image.nextOffset).toBe(records.length);
    expect(image.topics().map((t) => t.name)).toEqual(["t"]);
    expect(image.partition("t", 0)).toMatchObject({
      leader: 2,
      leaderEpoch: 1,
      partitionEpoch: 1,
      isr: [1, 2],
    });
    expect(image.partition("t", 1)).toMatchObject({ leader: 2, isr: [2, 1], partitionEpoch: 1 });
    expect(image.broker(1)?.fenced).toBe(false);
    expect(image.broker(2)?.fenced).toBe(true);
    expect([...image.configs(2, "t")]).toEqual([["retention.ms", "5"]]);
    expect(image.configs(2, "gone").size).toBe(0);
    expect(image.nextProducerId).toBe(1000);
    expect(changes).toContain("topic-removed");
    expect(changes.filter((c) => c === "partition-changed")).toHaveLength(4);
  });

  it("ignores a fence for an older registration", () => {
    const image = build([
      ...records.slice(0, 3),
      { type: "register-broker", brokerId: b1, incarnationId: "i3", brokerEpoch: 3, listeners: [] },
      { type: "unfence-broker", brokerId: b1, brokerEpoch: 3 },
      { type: "fence-broker", brokerId: b1, brokerEpoch: 0 },
    ]);
    expect(image.broker(1)).toMatchObject({ fenced: false, brokerEpoch: 3 });
  });

  it("rebuilds the same image from a snapshot and from its records", () => {
    const image = build(records);
    const restored = new MetadataImage();
    const changes: string[] = [];
    restored.setListener((c) => changes.push(c.type));
    restored.restore(image.snapshot());
    expect(changes).toEqual(["reset"]);
    expect(restored.snapshot()).toEqual(image.snapshot());
    expect(restored.nextOffset).toBe(image.nextOffset);
    const rebuilt = build(image.toRecords());
    expect(rebuilt.topics()).toEqual(image.topics());
    expect(rebuilt.brokers()).toEqual(image.brokers());
    expect(rebuilt.nextProducerId).toBe(1000);
  });

  it("treats an out-of-order or inconsistent record as a bug", () => {
    const image = build(records.slice(0, 4));
    expect(() => image.apply(records[4]!, 2, 1)).toThrow(/applied after/);
    expect(() => image.apply({ type: "topic", name: "t", topicId: "X" }, 10, 1)).toThrow(/exists/);
    expect(() => image.apply({ type: "remove-topic", topicId: "nope" }, 11, 1)).toThrow(/unknown/);
  });
});
