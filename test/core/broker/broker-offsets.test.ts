// ListOffsets (earliest, latest, by timestamp), DeleteRecords (KIP-107) and retention driven by the
// broker's own timer.

import { describe, expect, it } from "vitest";
import { ErrorCode } from "../../../core/error-codes.ts";
import { BrokerHarness } from "./support/harness.ts";
import {
  batchOf,
  createTopic,
  fetchOnce,
  produce,
  produceBody,
  recordsOf,
} from "./support/requests.ts";

function listOffsets(h: BrokerHarness, topic: string, partition: number, timestamp: number) {
  const response = h.call("ListOffsets", {
    replicaId: -1,
    isolationLevel: 0,
    topics: [
      { name: topic, partitions: [{ partitionIndex: partition, timestamp, maxNumOffsets: 1 }] },
    ],
  });
  return response.topics[0]?.partitions[0];
}

function deleteRecords(h: BrokerHarness, topic: string, offset: number, partition = 0) {
  return h.call("DeleteRecords", {
    topics: [{ name: topic, partitions: [{ partitionIndex: partition, offset }] }],
    timeoutMs: 1000,
  }).topics[0]?.partitions[0];
}

describe("ListOffsets", () => {
  it("answers earliest, latest and by timestamp", () => {
    const h = new BrokerHarness().start();
    createTopic(h, "t");
    expect(listOffsets(h, "t", 0, -1)).toMatchObject({ errorCode: 0, offset: 0 });
    produce(h, "t", 0, [
      { key: null, value: "a", timestamp: 100 },
      { key: null, value: "b", timestamp: 200 },
    ]);
    produce(h, "t", 0, [{ key: null, value: "c", timestamp: 300 }]);
    expect(listOffsets(h, "t", 0, -2)).toMatchObject({ offset: 0, timestamp: -1 });
    expect(listOffsets(h, "t", 0, -1)).toMatchObject({ offset: 3, timestamp: -1 });
    expect(listOffsets(h, "t", 0, 150)).toMatchObject({ errorCode: 0, offset: 1, timestamp: 200 });
    expect(listOffsets(h, "t", 0, 300)).toMatchObject({ offset: 2, timestamp: 300 });
    expect(listOffsets(h, "t", 0, 301)).toMatchObject({ errorCode: 0, offset: -1, timestamp: -1 });
    expect(listOffsets(h, "t", 0, 0)).toMatchObject({ offset: 0, timestamp: 100 });
  });

  it("answers unknown topics and partitions", () => {
    const h = new BrokerHarness().start();
    createTopic(h, "t");
    expect(listOffsets(h, "nope", 0, -1)?.errorCode).toBe(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
    expect(listOffsets(h, "t", 3, -2)?.errorCode).toBe(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
  });
});

describe("DeleteRecords", () => {
  it("moves the log start offset; fetch below it is out of range", () => {
    const h = new BrokerHarness().start();
    createTopic(h, "t", 1, { "segment.bytes": "200" });
    for (const v of ["a", "b", "c", "d"]) produce(h, "t", 0, [v]);
    expect(deleteRecords(h, "t", 2)).toMatchObject({ errorCode: 0, lowWatermark: 2 });
    expect(listOffsets(h, "t", 0, -2)?.offset).toBe(2);
    expect(fetchOnce(h, "t", 0, 1).errorCode).toBe(ErrorCode.OFFSET_OUT_OF_RANGE);
    expect(recordsOf(fetchOnce(h, "t", 0, 2).records)[0]?.value).toBe("c");
    expect(h.view.partitions[0]?.logStartOffset).toBe(2);
    h.crashAndRestart();
    expect(h.view.partitions[0]?.logStartOffset).toBe(2);
    expect(fetchOnce(h, "t", 0, 1).errorCode).toBe(ErrorCode.OFFSET_OUT_OF_RANGE);
  });

  it("deletes every record: -1 is the HW, which is the LEO once synced", () => {
    const h = new BrokerHarness().start();
    createTopic(h, "all");
    produce(h, "all", 0, ["a", "b"]);
    expect(deleteRecords(h, "all", -1)).toMatchObject({ errorCode: 0, lowWatermark: 2 });
    expect(fetchOnce(h, "all", 0, 2)).toMatchObject({
      errorCode: 0,
      logStartOffset: 2,
      highWatermark: 2,
    });
    expect(produce(h, "all", 0, ["c"]).baseOffset).toBe(2);
    h.restart();
    expect(listOffsets(h, "all", 0, -2)?.offset).toBe(2);
  });

  it("takes -1 to mean the high watermark", () => {
    const h = new BrokerHarness({ config: { fsyncBeforeAck: "acks-all" } }).start();
    createTopic(h, "t", 1, { "segment.bytes": "200" });
    for (const v of ["a", "b", "c"]) produce(h, "t", 0, [v]);
    h.diskRunning = false;
    h.send("Produce", produceBody("t", 0, batchOf(["unsynced"]), 1));
    expect(h.view.partitions[0]).toMatchObject({ highWatermark: 3, logEndOffset: 4 });
    const id = h.send("DeleteRecords", {
      topics: [{ name: "t", partitions: [{ partitionIndex: 0, offset: -1 }] }],
      timeoutMs: 1000,
    });
    expect(h.answer("DeleteRecords", id)).toBeUndefined();
    h.diskRunning = true;
    h.settle();
    expect(h.answer("DeleteRecords", id)?.topics[0]?.partitions[0]).toMatchObject({
      errorCode: 0,
      lowWatermark: 3,
    });
    expect(recordsOf(fetchOnce(h, "t", 0, 3).records).map((r) => r.value)).toEqual(["unsynced"]);
  });

  it("refuses offsets past the HW, compacted topics and unknown partitions", () => {
    const h = new BrokerHarness().start();
    createTopic(h, "t");
    createTopic(h, "c", 1, { "cleanup.policy": "compact" });
    produce(h, "t", 0, ["a"]);
    expect(deleteRecords(h, "t", 5)?.errorCode).toBe(ErrorCode.OFFSET_OUT_OF_RANGE);
    expect(deleteRecords(h, "t", -7)?.errorCode).toBe(ErrorCode.OFFSET_OUT_OF_RANGE);
    expect(deleteRecords(h, "c", 0)?.errorCode).toBe(ErrorCode.POLICY_VIOLATION);
    expect(deleteRecords(h, "x", 0)?.errorCode).toBe(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
  });
});

describe("retention", () => {
  it("deletes old closed segments on the broker's retention timer", () => {
    const h = new BrokerHarness({ config: { logRetentionCheckIntervalMs: 1_000 } }).start();
    createTopic(h, "r", 1, { "segment.bytes": "100", "retention.ms": "10000" });
    const start = h.now;
    for (const v of ["a", "b", "c"]) {
      produce(h, "r", 0, [{ key: null, value: v, timestamp: start }]);
    }
    produce(h, "r", 0, [{ key: null, value: "new", timestamp: start + 20_000 }]);
    expect(h.view.partitions[0]?.logStartOffset).toBe(0);
    h.advance(5_000);
    expect(h.view.partitions[0]?.logStartOffset).toBe(0);
    h.advance(7_000);
    expect(h.view.partitions[0]?.logStartOffset).toBe(3);
    expect(listOffsets(h, "r", 0, -2)?.offset).toBe(3);
    const states = h.events("partition-state").filter((e) => e.topic === "r");
    expect(states.at(-1)).toMatchObject({ logStartOffset: 3, logEndOffset: 4, highWatermark: 4 });
  });
});

describe("compaction", () => {
  it("keeps the latest value per key on the broker's cleaner timer", () => {
    const h = new BrokerHarness({ config: { logCleanerBackoffMs: 1_000 } }).start();
    createTopic(h, "c", 1, {
      "cleanup.policy": "compact",
      "segment.bytes": "100",
      "min.cleanable.dirty.ratio": "0.01",
    });
    for (const [key, value] of [
      ["k1", "a"],
      ["k2", "b"],
      ["k1", "c"],
      ["k2", "d"],
      ["k3", "e"],
    ] as const) {
      produce(h, "c", 0, [{ key, value }]);
    }
    expect(h.events("log-compacted")).toEqual([]);
    h.advance(1_000);
    expect(h.events("log-compacted")).toHaveLength(1);
    // The tail cache may still serve the old batches (compaction is lazy, as in Kafka): read the disk.
    h.restart();
    const after = recordsOf(fetchOnce(h, "c", 0, 0, { partitionMaxBytes: 100_000 }).records);
    expect(after.map((r) => `${r.offset}:${r.key}=${r.value}`)).toEqual([
      "2:k1=c",
      "3:k2=d",
      "4:k3=e",
    ]);
    expect(h.view.partitions[0]).toMatchObject({ logEndOffset: 5, highWatermark: 5 });
  });
});
