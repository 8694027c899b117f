// Scenario tests of the idempotent producer against the fake cluster's model of the broker's
// producer state: InitProducerId first, sequences per partition, retries that keep their sequence
// (the broker's window answers the original offset), and the epoch bump after a sequence gap.

import { describe, expect, it } from "vitest";
import type { ProducerIdOp, SendOp } from "../../../core/client/history.ts";
import { ErrorCode } from "../../../core/error-codes.ts";
import { scanBatches } from "../../../core/log/record-batch.ts";
import { modelValues, PRODUCER_ID, producerSetup } from "./support/producer-setup.ts";

const idempotent = {
  enableIdempotence: true,
  acks: -1,
  maxInFlightRequestsPerConnection: 5,
  requestTimeoutMs: 1_000,
  deliveryTimeoutMs: 10_000,
  retryBackoffMs: 20,
  lingerMs: 0,
} as const;

function producerIdOps(s: ReturnType<typeof producerSetup>): ProducerIdOp[] {
  return s.h.history(PRODUCER_ID).filter((op): op is ProducerIdOp => op.type === "producer-id");
}

/** Every value appears once in the model log of its key's partition. */
function expectNoDuplicates(s: ReturnType<typeof producerSetup>): void {
  for (const t of s.keyMap.topics()) {
    for (let p = 0; p < t.partitions; p++) {
      const values = modelValues(s.cluster, t.name, p).map((r) => r.value);
      expect(new Set(values).size).toBe(values.length);
    }
  }
}

describe("idempotent producer", () => {
  it("asks for a producer id before its first batch, then stamps sequences per partition", () => {
    const s = producerSetup(idempotent, { partitioning: "explicit" });
    s.send({ key: 0, value: 1 }, { key: 0, value: 2 });
    s.h.runFor(50);
    s.send({ key: 0, value: 3 });
    s.h.runFor(200);
    const apis = s.h.requests().map((r) => r.effect.request.api);
    expect(apis.indexOf("InitProducerId")).toBeLessThan(apis.indexOf("Produce"));
    const ids = producerIdOps(s);
    expect(ids.map((op) => op.phase)).toEqual(["invoke", "ok"]);
    expect(ids[1]!.producerId).toBe(1000);
    const headers = s.h
      .requests("Produce")
      .flatMap((r) =>
        r.effect.request.api === "Produce"
          ? r.effect.request.body.topicData.flatMap((t) => t.partitionData)
          : [],
      )
      .map((p) => scanBatches(p.records!).batches[0]!.header);
    expect(headers.map((h) => [h.producerId, h.producerEpoch, h.baseSequence])).toEqual([
      [1000, 0, 0],
      [1000, 0, 2],
    ]);
    const done = s.completions();
    expect(done.every((op) => op.phase === "ok" && op.idempotent === true)).toBe(true);
    expect(done[1]!.sends[0]!.sequence).toEqual({
      producerId: 1000,
      producerEpoch: 0,
      sequence: 2,
    });
  });

  it("a retry after a lost answer keeps its sequence, and the broker's window answers the first offset", () => {
    const s = producerSetup(idempotent, { partitioning: "explicit" });
    s.h.runFor(20);
    s.cluster.once((c) => c.request.api === "Produce", { type: "drop-after" });
    s.send({ key: 0, value: 1 });
    s.h.runFor(1_000);
    expect(s.cluster.producers.duplicates).toBe(1);
    expectNoDuplicates(s);
    const done = s.completions();
    expect(done).toHaveLength(1);
    expect(done[0]!.phase).toBe("ok");
    expect(done[0]!.sends[0]!.offset).toBe(0);
  });

  it("retries across a leader change keep every record exactly once and in order", () => {
    const s = producerSetup(idempotent, {
      partitioning: "explicit",
      keyCount: 2,
      partitionsPerTopic: 2,
    });
    s.h.runFor(20);
    // The first leader appends but its answers are lost as it steps down; the new leader has the
    // producer state (replicated with the log) and dedupes the resent batches.
    const { topic } = s.keyMap.topicPartitionOf(0);
    s.cluster.rules.push((c) =>
      c.request.api === "Produce" && c.to === 1 ? { type: "drop-after" } : undefined,
    );
    for (let v = 0; v < 20; v++) s.send({ key: v % 2, value: v });
    s.h.runFor(30);
    expect(s.cluster.partition(topic, 0).logEndOffset).toBeGreaterThan(0);
    s.cluster.partition(topic, 0).leader = 2 as never;
    s.cluster.rules = [];
    s.h.runFor(3_000);
    expectNoDuplicates(s);
    expect(s.completions().every((op) => op.phase === "ok")).toBe(true);
    const values = modelValues(s.cluster, topic, 0).map((r) => r.value);
    expect(values).toEqual([...values].sort((a, b) => a - b));
  });

  it("OUT_OF_ORDER_SEQUENCE_NUMBER on the next expected batch bumps the epoch and restarts at 0", () => {
    const s = producerSetup(idempotent, { partitioning: "explicit" });
    s.send({ key: 0, value: 1 });
    s.h.runFor(100);
    s.cluster.once((c) => c.request.api === "Produce", {
      type: "error",
      errorCode: ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER,
    });
    s.send({ key: 0, value: 2 });
    s.h.runFor(500);
    const ids = producerIdOps(s).filter((op) => op.phase === "ok");
    expect(ids.map((op) => [op.reason, op.producerEpoch])).toEqual([
      ["init", 0],
      ["epoch-bump", 1],
    ]);
    const last = s.completions().at(-1) as SendOp;
    expect(last.phase).toBe("ok");
    expect(last.sends[0]!.sequence).toEqual({ producerId: 1000, producerEpoch: 1, sequence: 0 });
    expect(s.h.marks()).toContain("producer-idempotent-bump-out-of-order-sequence");
    expectNoDuplicates(s);
  });

  it("UNKNOWN_PRODUCER_ID (a leader without our state) bumps the epoch and the batch goes through", () => {
    const s = producerSetup(idempotent, { partitioning: "explicit" });
    s.send({ key: 0, value: 1 });
    s.h.runFor(100);
    s.cluster.producers.forget(`${s.keyMap.topicPartitionOf(0).topic}-0`);
    s.send({ key: 0, value: 2 });
    s.h.runFor(500);
    expect(s.h.marks()).toContain("producer-idempotent-bump-unknown-producer-id");
    expect(s.completions().every((op) => op.phase === "ok")).toBe(true);
    expectNoDuplicates(s);
  });

  it("a batch that may be in the log is not resent under a new epoch: it ends as info", () => {
    const s = producerSetup(
      { ...idempotent, deliveryTimeoutMs: 2_000 },
      { partitioning: "explicit" },
    );
    s.h.runFor(20);
    // Appended, answer lost, then every attempt times out until the delivery timeout.
    s.cluster.rules.push((c) => (c.request.api === "Produce" ? { type: "drop-after" } : undefined));
    s.send({ key: 0, value: 1 });
    s.h.runFor(2_500);
    s.cluster.rules = [];
    s.send({ key: 0, value: 2 });
    s.h.runFor(1_000);
    const done = s.completions();
    expect(done[0]!.phase).toBe("info");
    expect(done[1]!.phase).toBe("ok");
    expect(producerIdOps(s).some((op) => op.reason === "epoch-bump" && op.phase === "ok")).toBe(
      true,
    );
    expectNoDuplicates(s);
  });

  it("retries InitProducerId with backoff while the broker cannot answer it", () => {
    const s = producerSetup(idempotent, { partitioning: "explicit" });
    for (let i = 0; i < 3; i++) {
      s.cluster.once((c) => c.request.api === "InitProducerId", {
        type: "error",
        errorCode: ErrorCode.COORDINATOR_NOT_AVAILABLE,
      });
    }
    s.send({ key: 0, value: 1 });
    s.h.runFor(2_000);
    const ids = producerIdOps(s).filter((op) => op.phase !== "invoke");
    expect(ids.map((op) => op.phase)).toEqual(["fail", "fail", "fail", "ok"]);
    expect(s.completions()[0]!.phase).toBe("ok");
  });
});
