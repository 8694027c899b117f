// Scenario tests of SimProducer against the scripted fake cluster: batching and linger, retries
// with backoff, timeouts and lost connections as info, non-retriable errors as fail, in-flight
// limits, metadata refresh on a leader change, acks=0, delivery timeout and crashes.

import { describe, expect, it } from "vitest";
import { partitionForKey } from "../../../core/client/partitioner.ts";
import { ErrorCode } from "../../../core/error-codes.ts";
import { nodeId } from "../../../core/ids.ts";
import { decodeRecords, scanBatches } from "../../../core/log/record-batch.ts";
import type { ProduceRequest } from "../../../core/protocol/index.ts";
import { modelValues, PRODUCER_ID, producerSetup } from "./support/producer-setup.ts";

const isProduce = (c: { request: { api: string } }) => c.request.api === "Produce";

function produceBodies(
  s: ReturnType<typeof producerSetup>,
): { at: number; to: number; body: ProduceRequest }[] {
  return s.h.requests("Produce").map((r) => ({
    at: r.at,
    to: r.effect.to,
    body: r.effect.request.body as ProduceRequest,
  }));
}

describe("batching", () => {
  it("holds records for linger.ms and sends them as one record batch", () => {
    const s = producerSetup({ lingerMs: 10 });
    s.send({ key: 0, value: 1 });
    s.h.runFor(2);
    s.send({ key: 0, value: 2 });
    s.h.runFor(2);
    s.send({ key: 0, value: 3 });
    s.h.runFor(100);
    const produces = produceBodies(s);
    expect(produces).toHaveLength(1);
    // The batch opens when metadata names the partition count (t=2), then lingers 10 ms.
    expect(produces[0]!.at).toBe(12);
    const records = produces[0]!.body.topicData[0]!.partitionData[0]!.records!;
    const scan = scanBatches(records);
    expect(scan.batches).toHaveLength(1);
    expect(scan.batches[0]!.header.recordCount).toBe(3);
    expect(scan.batches[0]!.header.producerId).toBe(-1);
    expect(scan.batches[0]!.header.baseSequence).toBe(-1);
    expect(s.completions().map((op) => [op.phase, op.sends[0]!.offset])).toEqual([
      ["ok", 0],
      ["ok", 1],
      ["ok", 2],
    ]);
    expect(modelValues(s.cluster, "t0", 0)).toEqual([
      { offset: 0, value: 1 },
      { offset: 1, value: 2 },
      { offset: 2, value: 3 },
    ]);
  });

  it("sends a batch as soon as it reaches batch.size, without waiting for linger", () => {
    const s = producerSetup({ lingerMs: 1_000, batchSizeBytes: 100 });
    s.h.runFor(5); // nothing to do yet: metadata is fetched with the first send
    for (let v = 0; v < 3; v++) s.send({ key: 1, value: 10 + v });
    s.h.runFor(50);
    const produces = produceBodies(s);
    expect(produces).toHaveLength(1);
    expect(produces[0]!.at).toBeLessThan(50);
    expect(s.completions().every((op) => op.phase === "ok")).toBe(true);
  });

  it("puts one batch per partition into a request to each leader", () => {
    const s = producerSetup({ lingerMs: 5 }, { keyCount: 6, partitionsPerTopic: 3 });
    for (let k = 0; k < 6; k++) s.send({ key: k, value: 100 + k });
    s.h.runFor(100);
    for (const p of produceBodies(s)) {
      const partitions = p.body.topicData.flatMap((t) =>
        t.partitionData.map((d) => `${t.name}-${d.index}`),
      );
      expect(new Set(partitions).size).toBe(partitions.length);
      for (const t of p.body.topicData) {
        for (const d of t.partitionData) {
          expect(s.cluster.partition(t.name, d.index).leader).toBe(p.to);
        }
      }
    }
    expect(s.completions()).toHaveLength(6);
    expect(s.completions().every((op) => op.phase === "ok" && op.sends[0]!.offset === 0)).toBe(
      true,
    );
  });
});

describe("retries", () => {
  it("retries a retriable error with backoff until it succeeds", () => {
    const s = producerSetup({ lingerMs: 0, retryBackoffMs: 50, retryBackoffMaxMs: 400 });
    for (let i = 0; i < 3; i++) {
      s.cluster.once(isProduce, { type: "error", errorCode: ErrorCode.NOT_ENOUGH_REPLICAS });
    }
    s.send({ key: 0, value: 7 });
    s.h.runFor(2_000);
    const times = produceBodies(s).map((p) => p.at);
    expect(times).toHaveLength(4);
    const gaps = times.slice(1).map((t, i) => t - times[i]!);
    // Answers take 2 ms; KIP-580 backoff doubles from 50 ms with ±20% jitter.
    expect(gaps[0]).toBeGreaterThanOrEqual(2 + 40);
    expect(gaps[0]).toBeLessThanOrEqual(2 + 60);
    expect(gaps[1]).toBeGreaterThanOrEqual(2 + 80);
    expect(gaps[2]).toBeGreaterThanOrEqual(2 + 160);
    expect(s.completions()).toMatchObject([
      { phase: "ok", sends: [{ key: 0, value: 7, offset: 0 }] },
    ]);
    expect(s.h.marks()).toContain("producer-batch-retried");
  });

  it("reports info, not fail, when retriable errors outlast delivery.timeout.ms after an append", () => {
    const s = producerSetup({ lingerMs: 0, requestTimeoutMs: 100, deliveryTimeoutMs: 400 });
    s.cluster.rules.push((c) =>
      isProduce(c)
        ? { type: "error-after-apply", errorCode: ErrorCode.NOT_ENOUGH_REPLICAS_AFTER_APPEND }
        : undefined,
    );
    s.send({ key: 0, value: 1 });
    s.h.runFor(2_000);
    // The last retry waits in the queue when delivery.timeout.ms passes.
    expect(s.completions()).toMatchObject([{ phase: "info", error: "DELIVERY_TIMEOUT" }]);
    expect(modelValues(s.cluster, "t0", 0).length).toBeGreaterThan(1); // every retry appended
  });

  it("reports fail when every attempt was rejected before any append", () => {
    const s = producerSetup({ lingerMs: 0, retries: 2, retryBackoffMs: 10 });
    s.cluster.rules.push((c) =>
      isProduce(c) ? { type: "error", errorCode: ErrorCode.NOT_ENOUGH_REPLICAS } : undefined,
    );
    s.send({ key: 0, value: 1 });
    s.h.runFor(2_000);
    expect(produceBodies(s)).toHaveLength(3);
    expect(s.completions()).toMatchObject([{ phase: "fail", error: "NOT_ENOUGH_REPLICAS" }]);
    expect(s.h.marks()).toContain("producer-retries-exhausted");
  });
});

describe("unknown outcomes", () => {
  it("turns a request timeout into a retry and finally info", () => {
    const s = producerSetup({ lingerMs: 0, requestTimeoutMs: 100, deliveryTimeoutMs: 350 });
    s.cluster.rules.push((c) => (isProduce(c) ? { type: "black-hole" } : undefined));
    s.send({ key: 2, value: 9 });
    s.h.runFor(5_000);
    expect(s.completions()).toMatchObject([{ phase: "info", error: "DELIVERY_TIMEOUT" }]);
    expect(s.h.marks()).toContain("client-request-timed-out");
    // The black hole appended every attempt: the model holds the value more than once.
    expect(modelValues(s.cluster, "t1", 0).every((r) => r.value === 9)).toBe(true);
  });

  it("retries after a lost connection and reports the offset of the attempt that was answered", () => {
    const s = producerSetup({ lingerMs: 0 });
    s.cluster.once(isProduce, { type: "drop-after" });
    s.send({ key: 0, value: 5 });
    s.h.runFor(2_000);
    expect(s.completions()).toMatchObject([
      { phase: "ok", sends: [{ key: 0, value: 5, offset: 1 }] },
    ]);
    expect(modelValues(s.cluster, "t0", 0)).toEqual([
      { offset: 0, value: 5 },
      { offset: 1, value: 5 },
    ]);
    expect(s.h.marks()).toContain("metadata-refresh-connection-lost");
  });

  it("reports a non-retriable error after an unknown attempt as info", () => {
    const s = producerSetup({ lingerMs: 0 });
    s.cluster.once(isProduce, { type: "drop-after" });
    s.cluster.once(isProduce, { type: "error", errorCode: ErrorCode.MESSAGE_TOO_LARGE });
    s.send({ key: 0, value: 5 });
    s.h.runFor(2_000);
    expect(s.completions()).toMatchObject([{ phase: "info", error: "MESSAGE_TOO_LARGE" }]);
  });

  it("reports acks=0 sends as info: nothing is ever acknowledged", () => {
    const s = producerSetup({ lingerMs: 0, acks: 0 });
    s.send({ key: 0, value: 1 });
    s.h.runFor(100);
    expect(s.completions()).toMatchObject([{ phase: "info", error: "ACKS_0" }]);
    expect(modelValues(s.cluster, "t0", 0)).toEqual([{ offset: 0, value: 1 }]);
    expect(s.producer.view().inFlightRequests).toHaveLength(0);
  });

  it("ends every open op as info when the process crashes", () => {
    const s = producerSetup({ lingerMs: 1_000 });
    s.send({ key: 0, value: 1 }, { key: 1, value: 2 });
    s.h.runFor(10);
    s.h.act(PRODUCER_ID, (now) => s.producer.crash(now));
    expect(s.completions()).toMatchObject([{ phase: "info", error: "crash" }]);
    expect(s.h.history(PRODUCER_ID).map((op) => `${op.type}:${op.phase}`)).toEqual([
      "send:invoke",
      "send:info",
      "crash:invoke",
      "crash:info",
    ]);
  });
});

describe("failures", () => {
  it("fails a send answered with a non-retriable error before any append", () => {
    const s = producerSetup({ lingerMs: 0 });
    s.cluster.once(isProduce, { type: "error", errorCode: ErrorCode.MESSAGE_TOO_LARGE });
    s.send({ key: 0, value: 1 });
    s.h.runFor(1_000);
    expect(s.completions()).toMatchObject([
      { phase: "fail", error: "MESSAGE_TOO_LARGE", sends: [{ key: 0, value: 1, offset: null }] },
    ]);
    expect(modelValues(s.cluster, "t0", 0)).toEqual([]);
    expect(s.h.marks()).toContain("producer-non-retriable-error");
  });

  it("fails records whose topic metadata never arrives once delivery.timeout.ms passes", () => {
    const s = producerSetup({ lingerMs: 0, requestTimeoutMs: 100, deliveryTimeoutMs: 500 });
    s.cluster.topics.delete("t0"); // the topic is unknown to the cluster
    s.send({ key: 0, value: 1 });
    s.h.runFor(400);
    expect(s.completions()).toEqual([]);
    s.h.runFor(200);
    expect(s.completions()).toMatchObject([{ phase: "fail", error: "METADATA_TIMEOUT" }]);
    expect(s.h.marks()).toEqual(
      expect.arrayContaining(["metadata-incomplete", "producer-metadata-wait-expired"]),
    );
  });

  it("fails queued batches that never found a leader once delivery.timeout.ms passes", () => {
    const s = producerSetup(
      { lingerMs: 0, requestTimeoutMs: 100, deliveryTimeoutMs: 500 },
      { partitioning: "explicit" },
    );
    s.cluster.topics.delete("t0");
    s.send({ key: 0, value: 1 });
    s.h.runFor(600);
    expect(s.completions()).toMatchObject([{ phase: "fail", error: "DELIVERY_TIMEOUT" }]);
    expect(s.h.marks()).toContain("producer-batch-expired");
  });

  it("routes with Kafka's murmur2 partitioner: each record key hashes to its key's partition", () => {
    const s = producerSetup({ lingerMs: 0 }, { keyCount: 12, partitionsPerTopic: 4 });
    for (let k = 0; k < 12; k++) s.send({ key: k, value: k });
    s.h.runFor(500);
    for (const p of produceBodies(s)) {
      for (const t of p.body.topicData) {
        for (const d of t.partitionData) {
          const records = decodeRecords(d.records!);
          if (!records.ok) throw new Error("bad batch");
          for (const r of records.value) expect(partitionForKey(r.key!, 4)).toBe(d.index);
        }
      }
    }
    expect(s.completions().map((op) => op.phase)).toEqual(Array(12).fill("ok"));
    for (let k = 0; k < 12; k++) {
      const { topic, partition } = s.keyMap.topicPartitionOf(k);
      expect(modelValues(s.cluster, topic, partition)).toEqual([{ offset: 0, value: k }]);
    }
  });

  it("mixes outcomes of one op into info", () => {
    const s = producerSetup({ lingerMs: 0 });
    s.cluster.once((c) => isProduce(c) && c.to === s.cluster.partition("t0", 1).leader, {
      type: "error",
      errorCode: ErrorCode.MESSAGE_TOO_LARGE,
    });
    s.send({ key: 0, value: 1 }, { key: 1, value: 2 });
    s.h.runFor(1_000);
    expect(s.completions()).toMatchObject([
      {
        phase: "info",
        sends: [
          { key: 0, value: 1, offset: 0 },
          { key: 1, value: 2, offset: null },
        ],
      },
    ]);
  });
});

describe("in-flight limits and metadata", () => {
  it("never exceeds max.in.flight.requests.per.connection, and reaches it under load", () => {
    const s = producerSetup(
      { lingerMs: 0, maxInFlightRequestsPerConnection: 2 },
      { keyCount: 8, partitionsPerTopic: 8 },
    );
    s.cluster.rules.push((c) => (isProduce(c) ? { type: "delay", delayMs: 20 } : undefined));
    let peak = 0;
    const check = s.producer.checkInvariants.bind(s.producer);
    s.producer.checkInvariants = () => {
      check();
      const perNode = new Map<number, number>();
      for (const r of s.producer.view().inFlightRequests)
        perNode.set(r.node, (perNode.get(r.node) ?? 0) + 1);
      for (const n of perNode.values()) peak = Math.max(peak, n);
    };
    for (let round = 0; round < 5; round++) {
      for (let k = 0; k < 8; k++) s.send({ key: k, value: round * 8 + k });
      s.h.runFor(3);
    }
    s.h.runFor(2_000);
    expect(peak).toBe(2);
    expect(s.completions()).toHaveLength(40);
    expect(s.completions().every((op) => op.phase === "ok")).toBe(true);
  });

  it("with max.in.flight 1 keeps each partition's records in order", () => {
    const s = producerSetup({
      lingerMs: 0,
      maxInFlightRequestsPerConnection: 1,
      retryBackoffMs: 5,
    });
    s.cluster.once(isProduce, { type: "error", errorCode: ErrorCode.NOT_ENOUGH_REPLICAS });
    for (let v = 0; v < 10; v++) {
      s.send({ key: 0, value: v });
      s.h.runFor(1);
    }
    s.h.runFor(1_000);
    expect(modelValues(s.cluster, "t0", 0).map((r) => r.value)).toEqual([
      0, 1, 2, 3, 4, 5, 6, 7, 8, 9,
    ]);
  });

  it("refreshes metadata on NOT_LEADER_OR_FOLLOWER and follows the new leader", () => {
    const s = producerSetup({ lingerMs: 0, retryBackoffMs: 10 });
    s.send({ key: 0, value: 1 });
    s.h.runFor(100);
    const partition = s.cluster.partition("t0", 0);
    expect(partition.leader).toBe(nodeId(1));
    partition.leader = nodeId(2);
    s.send({ key: 0, value: 2 });
    s.h.runFor(1_000);
    const targets = produceBodies(s).map((p) => p.to);
    expect(targets).toEqual([1, 1, 2]);
    expect(s.h.marks()).toContain("metadata-refresh-not-leader");
    expect(s.completions()).toMatchObject([
      { phase: "ok", sends: [{ offset: 0 }] },
      { phase: "ok", sends: [{ offset: 1 }] },
    ]);
  });

  it("refreshes metadata every metadata.max.age.ms", () => {
    const s = producerSetup({ lingerMs: 0, metadataMaxAgeMs: 1_000 });
    s.send({ key: 0, value: 1 });
    s.h.runFor(3_500);
    expect(s.h.requests("Metadata").map((r) => r.at)).toEqual([0, 1_002, 2_004, 3_006]);
  });
});
