// Produce and Fetch through the broker: round trips with acks 0, 1 and all, whole batches from the
// middle of a batch, byte budgets (KIP-74), and every per-partition error code.

import { describe, expect, it } from "vitest";
import { ErrorCode } from "../../../core/error-codes.ts";
import { BatchField, encodeBatch } from "../../../core/log/record-batch.ts";
import { BrokerHarness } from "./support/harness.ts";
import {
  batchOf,
  createTopic,
  fetchBody,
  fetchOnce,
  produce,
  produceBody,
  recordsOf,
} from "./support/requests.ts";

function ready(config = {}) {
  const h = new BrokerHarness({ config }).start();
  createTopic(h, "t", 2);
  return h;
}

function produceError(
  h: BrokerHarness,
  records: Uint8Array | null,
  topic = "t",
  partition = 0,
  acks = 1,
) {
  const response = h.call("Produce", produceBody(topic, partition, records, acks));
  return response.responses[0]?.partitionResponses[0]?.errorCode;
}

describe("produce and fetch", () => {
  it.each([
    [1, "none"],
    [-1, "none"],
    [1, "acks-all"],
    [-1, "acks-all"],
    [1, "acks-all-and-1"],
    [-1, "acks-all-and-1"],
  ] as const)("acks=%i with fsync %s: acknowledged, then fetched whole", (acks, fsync) => {
    const h = ready({ fsyncBeforeAck: fsync });
    const first = produce(h, "t", 0, ["a", "b"], acks);
    const second = produce(h, "t", 0, ["c"], acks);
    expect([first.baseOffset, second.baseOffset]).toEqual([0, 2]);
    expect(first.errorCode).toBe(0);
    expect(first.logAppendTimeMs).toBe(-1);
    const data = fetchOnce(h, "t", 0, 0);
    expect(data).toMatchObject({
      errorCode: 0,
      highWatermark: 3,
      lastStableOffset: 3,
      logStartOffset: 0,
    });
    expect(recordsOf(data.records).map((r) => [r.offset, r.value])).toEqual([
      [0, "a"],
      [1, "b"],
      [2, "c"],
    ]);
    expect(h.events("produce-acknowledged").map((e) => [e.baseOffset, e.count, e.acks])).toEqual([
      [0, 2, acks],
      [2, 1, acks],
    ]);
    expect(h.view.partitions[0]).toMatchObject({ logEndOffset: 3, highWatermark: 3 });
  });

  it("acks=0 answers nothing, yet appends", () => {
    const h = ready();
    const id = h.send("Produce", produceBody("t", 0, batchOf(["x"]), 0));
    expect(h.answers.find((a) => a.correlationId === id)).toBeUndefined();
    const next = h.call("Metadata", { topics: null, allowAutoTopicCreation: false });
    expect(next.topics).toHaveLength(1);
    expect(recordsOf(fetchOnce(h, "t", 0, 0).records).map((r) => r.value)).toEqual(["x"]);
  });

  it("acks=0 with an error closes the connection, Kafka's only signal", () => {
    const h = ready();
    h.send("Produce", produceBody("t", 9, batchOf(["x"]), 0), 4);
    expect(h.closes.map((c) => c.connection)).toEqual([4]);
    expect(h.marks()).toContain("produce-acks0-error-closes-connection");
  });

  it("fetch from the middle of a batch returns the whole batch", () => {
    const h = ready();
    produce(h, "t", 0, ["a", "b", "c"]);
    produce(h, "t", 0, ["d", "e"]);
    const data = fetchOnce(h, "t", 0, 4);
    expect(recordsOf(data.records).map((r) => [r.batchBaseOffset, r.offset])).toEqual([
      [3, 3],
      [3, 4],
    ]);
    const middle = recordsOf(fetchOnce(h, "t", 0, 1).records);
    expect(middle[0]).toMatchObject({ batchBaseOffset: 0, offset: 0 });
  });

  it("returns the first batch even past maxBytes, then stops at the budgets", () => {
    const h = ready();
    const big = "x".repeat(500);
    produce(h, "t", 0, [big]);
    produce(h, "t", 0, [big]);
    produce(h, "t", 1, [big]);
    const one = fetchOnce(h, "t", 0, 0, { maxBytes: 10 });
    expect(recordsOf(one.records).map((r) => r.offset)).toEqual([0]);
    const response = h.call(
      "Fetch",
      fetchBody(
        [
          { topic: "t", partition: 0, offset: 0 },
          { topic: "t", partition: 1, offset: 0 },
        ],
        { maxBytes: 700 },
      ),
    );
    const [p0, p1] = response.responses[0]?.partitions ?? [];
    expect(recordsOf(p0?.records ?? null).map((r) => r.offset)).toEqual([0]);
    expect(p1).toMatchObject({ errorCode: 0, records: new Uint8Array(0), highWatermark: 1 });
    const perPartition = fetchOnce(h, "t", 0, 0, { partitionMaxBytes: 700 });
    expect(recordsOf(perPartition.records).map((r) => r.offset)).toEqual([0]);
    const all = fetchOnce(h, "t", 0, 0, { partitionMaxBytes: 5000 });
    expect(recordsOf(all.records).map((r) => r.offset)).toEqual([0, 1]);
  });

  it("reads up to the HW only, and an offset between HW and LEO is empty, not out of range", () => {
    const h = ready({ fsyncBeforeAck: "acks-all" });
    produce(h, "t", 0, ["a"]);
    h.diskRunning = false;
    const id = h.send("Produce", produceBody("t", 0, batchOf(["b"]), 1));
    expect(h.answer("Produce", id)?.responses[0]?.partitionResponses[0]?.errorCode).toBe(0);
    expect(h.view.partitions[0]).toMatchObject({
      logEndOffset: 2,
      highWatermark: 1,
      durableOffset: 1,
    });
    const below = fetchOnce(h, "t", 0, 0);
    expect(recordsOf(below.records).map((r) => r.value)).toEqual(["a"]);
    expect(fetchOnce(h, "t", 0, 2)).toMatchObject({
      errorCode: 0,
      records: new Uint8Array(0),
      highWatermark: 1,
    });
    expect(fetchOnce(h, "t", 0, 3).errorCode).toBe(ErrorCode.OFFSET_OUT_OF_RANGE);
    h.diskRunning = true;
    h.settle();
    expect(h.view.partitions[0]).toMatchObject({ highWatermark: 2, durableOffset: 2 });
  });

  it("stamps LogAppendTime topics with the broker's clock", () => {
    const h = new BrokerHarness().start();
    createTopic(h, "lat", 1, { "message.timestamp.type": "LogAppendTime" });
    h.advance(12_345);
    const ack = produce(h, "lat", 0, [{ key: null, value: "v", timestamp: 5 }]);
    expect(ack.logAppendTimeMs).toBe(h.now);
    const [record] = recordsOf(fetchOnce(h, "lat", 0, 0).records);
    expect(record?.timestamp).toBe(h.now);
  });
});

describe("produce errors", () => {
  it.each([
    ["an unknown topic (auto-create off)", "none", 0, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION],
    ["a partition past the count", "t", 2, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION],
    ["a negative partition", "t", -1, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION],
  ] as const)("%s", (_label, topic, partition, errorCode) => {
    const h = ready({ autoCreateTopicsEnable: false });
    expect(produceError(h, batchOf(["x"]), topic, partition)).toBe(errorCode);
    expect(h.events("produce-rejected").map((e) => e.errorCode)).toEqual([errorCode]);
  });

  it("MESSAGE_TOO_LARGE past max.message.bytes, RECORD_LIST_TOO_LARGE past segment.bytes", () => {
    const h = ready();
    createTopic(h, "small", 1, { "max.message.bytes": "200" });
    createTopic(h, "seg", 1, { "segment.bytes": "150" });
    expect(produceError(h, batchOf(["y".repeat(300)]), "small")).toBe(ErrorCode.MESSAGE_TOO_LARGE);
    expect(produceError(h, batchOf(["y".repeat(100)]), "small")).toBe(0);
    expect(produceError(h, batchOf(["y".repeat(200)]), "seg")).toBe(
      ErrorCode.RECORD_LIST_TOO_LARGE,
    );
  });

  it("CORRUPT_MESSAGE for a bad CRC or a torn batch, INVALID_RECORD for magic 1 and two batches", () => {
    const h = ready();
    const batch = batchOf(["v"]);
    const flipped = batch.slice();
    flipped[flipped.length - 1] = (flipped[flipped.length - 1] ?? 0) ^ 1;
    expect(produceError(h, flipped)).toBe(ErrorCode.CORRUPT_MESSAGE);
    expect(produceError(h, batch.slice(0, batch.length - 3))).toBe(ErrorCode.CORRUPT_MESSAGE);
    expect(produceError(h, null)).toBe(ErrorCode.CORRUPT_MESSAGE);
    const magic1 = batch.slice();
    magic1[BatchField.magic] = 1;
    expect(produceError(h, magic1)).toBe(ErrorCode.INVALID_RECORD);
    const two = new Uint8Array([...batch, ...batch]);
    expect(produceError(h, two)).toBe(ErrorCode.INVALID_RECORD);
    expect(h.view.partitions[0]?.logEndOffset).toBe(0);
  });

  it("INVALID_RECORD for keyless records on a compacted topic and for control batches", () => {
    const h = ready();
    createTopic(h, "compacted", 1, { "cleanup.policy": "compact" });
    expect(produceError(h, batchOf(["no key"]), "compacted")).toBe(ErrorCode.INVALID_RECORD);
    expect(produceError(h, batchOf([{ key: "k", value: "v" }]), "compacted")).toBe(0);
    const control = encodeBatch({
      isControl: true,
      records: [{ key: new Uint8Array(4), value: new Uint8Array(6) }],
    });
    expect(produceError(h, control)).toBe(ErrorCode.INVALID_RECORD);
  });

  it("UNSUPPORTED_VERSION for v0-2 message sets and INVALID_REQUIRED_ACKS for acks=2", () => {
    const h = ready();
    const legacy = h.call("Produce", {
      ...produceBody("t", 0, batchOf(["x"])),
      legacyMessageSet: true,
    });
    expect(legacy.responses[0]?.partitionResponses[0]?.errorCode).toBe(
      ErrorCode.UNSUPPORTED_VERSION,
    );
    expect(produceError(h, batchOf(["x"]), "t", 0, 2)).toBe(ErrorCode.INVALID_REQUIRED_ACKS);
  });

  it("NOT_ENOUGH_REPLICAS for acks=all when the ISR is below min.insync.replicas", () => {
    const h = ready();
    createTopic(h, "safe", 1, { "min.insync.replicas": "2" });
    expect(produceError(h, batchOf(["x"]), "safe", 0, -1)).toBe(ErrorCode.NOT_ENOUGH_REPLICAS);
    expect(produceError(h, batchOf(["x"]), "safe", 0, 1)).toBe(0);
  });

  it("REQUEST_TIMED_OUT when acks=all cannot be reached in timeoutMs", () => {
    const h = ready({ fsyncBeforeAck: "acks-all" });
    h.diskRunning = false;
    const id = h.send("Produce", produceBody("t", 0, batchOf(["x"]), -1, 500));
    expect(h.answer("Produce", id)).toBeUndefined();
    expect(h.view.pendingProduces).toBe(1);
    h.advance(499);
    expect(h.answer("Produce", id)).toBeUndefined();
    h.advance(1);
    expect(h.answer("Produce", id)?.responses[0]?.partitionResponses[0]?.errorCode).toBe(
      ErrorCode.REQUEST_TIMED_OUT,
    );
    expect(h.view.pendingProduces).toBe(0);
    expect(h.marks()).toContain("produce-timed-out");
  });
});

describe("fetch errors", () => {
  it.each([
    ["an unknown topic", "none", 0, 0, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION],
    ["an unknown partition", "t", 5, 0, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION],
    ["an offset past the LEO", "t", 0, 2, ErrorCode.OFFSET_OUT_OF_RANGE],
    ["a negative offset", "t", 0, -1, ErrorCode.OFFSET_OUT_OF_RANGE],
  ] as const)("%s", (_label, topic, partition, offset, errorCode) => {
    const h = ready();
    produce(h, "t", 0, ["x"]);
    const data = fetchOnce(h, topic, partition, offset);
    expect(data).toMatchObject({ errorCode, highWatermark: -1, records: new Uint8Array(0) });
  });

  it("checks the client's leader epoch (KIP-320)", () => {
    const h = ready();
    const epoch = h.view.partitions[0]?.leaderEpoch ?? 0;
    expect(fetchOnce(h, "t", 0, 0, { currentLeaderEpoch: epoch }).errorCode).toBe(0);
    expect(fetchOnce(h, "t", 0, 0, { currentLeaderEpoch: epoch + 1 }).errorCode).toBe(
      ErrorCode.UNKNOWN_LEADER_EPOCH,
    );
    h.restart();
    expect(fetchOnce(h, "t", 0, 0, { currentLeaderEpoch: epoch }).errorCode).toBe(
      ErrorCode.FENCED_LEADER_EPOCH,
    );
  });

  it("refuses fetch sessions it does not keep", () => {
    const h = ready();
    const body = { ...fetchBody([{ topic: "t", partition: 0, offset: 0 }]), sessionId: 5 };
    expect(h.call("Fetch", body).errorCode).toBe(ErrorCode.FETCH_SESSION_ID_NOT_FOUND);
    const newSession = { ...fetchBody([{ topic: "t", partition: 0, offset: 0 }]), sessionEpoch: 0 };
    expect(h.call("Fetch", newSession)).toMatchObject({ errorCode: 0, sessionId: 0 });
  });
});

describe("partition-state events", () => {
  it("show the LEO move at the append, then durable offset and HW at the sync", () => {
    const h = ready({ fsyncBeforeAck: "acks-all" });
    const before = h.events("partition-state").length;
    h.diskRunning = false;
    h.send("Produce", produceBody("t", 0, batchOf(["a", "b"]), -1));
    h.diskRunning = true;
    h.settle();
    const states = h.events("partition-state").slice(before);
    expect(
      states.map((s) => [s.partition, s.logEndOffset, s.durableOffset, s.highWatermark]),
    ).toEqual([
      [0, 2, 0, 0],
      [0, 2, 2, 2],
    ]);
    expect(states[0]).toMatchObject({ topic: "t", leader: 1, isr: [1], logStartOffset: 0 });
  });
});
