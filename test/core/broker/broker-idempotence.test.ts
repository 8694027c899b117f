// Idempotent producers on one broker: InitProducerId from blocks the controller commits, Kafka's
// sequence rules on Produce (duplicate → the original offsets, gap, old epoch), the state rebuilt
// from the log after a restart (compaction keeps a producer's last batch for it), and expiry after
// producer.id.expiration.ms.

import { describe, expect, it } from "vitest";
import { decodeFetched } from "../../../core/client/consumer-fetch.ts";
import { ErrorCode } from "../../../core/error-codes.ts";
import { encodeBatch, readBatchHeader } from "../../../core/log/record-batch.ts";
import { BrokerHarness } from "./support/harness.ts";
import { createTopic, fetchOnce, produce, produceBody, recordsOf } from "./support/requests.ts";

const text = new TextEncoder();

interface Idem {
  readonly producerId: number;
  readonly producerEpoch: number;
  readonly baseSequence: number;
}

function idemBatch(values: readonly string[], idem: Idem): Uint8Array {
  return encodeBatch({
    baseTimestamp: 1_000,
    producerId: idem.producerId,
    producerEpoch: idem.producerEpoch,
    baseSequence: idem.baseSequence,
    records: values.map((v) => ({ key: text.encode(v), value: text.encode(v) })),
  });
}

function ready(config = {}): BrokerHarness {
  const h = new BrokerHarness({ config }).start();
  createTopic(h, "t", 1);
  return h;
}

/** InitProducerId until it answers (the first waits for the block to commit). */
function initProducerId(h: BrokerHarness): { producerId: number; producerEpoch: number } {
  for (let i = 0; i < 50; i++) {
    const r = h.call("InitProducerId", { transactionalId: null, transactionTimeoutMs: 60_000 });
    if (r.errorCode === ErrorCode.NONE) return r;
    expect(r.errorCode).toBe(ErrorCode.COORDINATOR_LOAD_IN_PROGRESS);
    h.advance(100);
  }
  throw new Error("InitProducerId never answered");
}

function send(h: BrokerHarness, values: readonly string[], idem: Idem, acks = -1) {
  const response = h.call("Produce", produceBody("t", 0, idemBatch(values, idem), acks));
  const result = response.responses[0]?.partitionResponses[0];
  if (result === undefined) throw new Error("no partition answer");
  return result;
}

function values(h: BrokerHarness): (string | null)[] {
  return recordsOf(fetchOnce(h, "t", 0, 0).records).map((r) => r.value);
}

describe("InitProducerId", () => {
  it("hands out ids from a committed block, epoch 0, distinct each time", () => {
    const h = ready();
    const first = initProducerId(h);
    const second = initProducerId(h);
    expect(first.producerEpoch).toBe(0);
    expect(second.producerId).toBe(first.producerId + 1);
    expect(h.marks()).toContain("init-producer-id-waits-for-block");
    const allocated = h.events("producer-ids-allocated");
    expect(allocated).toHaveLength(1);
    expect(allocated[0]).toMatchObject({ brokerId: 1, firstProducerId: 0, size: 1_000 });
  });

  it("never hands out an id twice across restarts: the next block starts past the last one", () => {
    const h = ready();
    const before = initProducerId(h);
    h.restart();
    const after = initProducerId(h);
    expect(after.producerId).toBeGreaterThanOrEqual(before.producerId + 1_000);
    h.crashAndRestart();
    const third = initProducerId(h);
    expect(third.producerId).toBeGreaterThanOrEqual(after.producerId + 1_000);
  });

  it("answers NOT_COORDINATOR to a transactional id (no transaction coordinator)", () => {
    const h = ready();
    const r = h.call("InitProducerId", { transactionalId: "tx", transactionTimeoutMs: 60_000 });
    expect(r).toMatchObject({ errorCode: ErrorCode.NOT_COORDINATOR, producerId: -1 });
  });
});

describe("Produce with a producer id", () => {
  it("accepts sequences in order and answers a retry with the original offset, appending nothing", () => {
    const h = ready();
    const { producerId } = initProducerId(h);
    const p = { producerId, producerEpoch: 0 };
    expect(send(h, ["a", "b"], { ...p, baseSequence: 0 }).baseOffset).toBe(0);
    expect(send(h, ["c"], { ...p, baseSequence: 2 }).baseOffset).toBe(2);
    const retry = send(h, ["a", "b"], { ...p, baseSequence: 0 });
    expect(retry).toMatchObject({ errorCode: ErrorCode.NONE, baseOffset: 0 });
    expect(send(h, ["c"], { ...p, baseSequence: 2 }).baseOffset).toBe(2);
    expect(send(h, ["d"], { ...p, baseSequence: 3 }).baseOffset).toBe(3);
    expect(values(h)).toEqual(["a", "b", "c", "d"]);
    expect(h.events("producer-batch-deduplicated").map((e) => e.firstOffset)).toEqual([0, 2]);
    // A duplicate is not acknowledged as new records (checkers count acknowledged offsets).
    expect(h.events("produce-acknowledged").map((e) => e.baseOffset)).toEqual([0, 2, 3]);
  });

  it("remembers the last five batches only: an older retry is out of order", () => {
    const h = ready();
    const { producerId } = initProducerId(h);
    for (let s = 0; s < 6; s++)
      send(h, [`v${s}`], { producerId, producerEpoch: 0, baseSequence: s });
    expect(send(h, ["v1"], { producerId, producerEpoch: 0, baseSequence: 1 }).baseOffset).toBe(1);
    const old = send(h, ["v0"], { producerId, producerEpoch: 0, baseSequence: 0 });
    expect(old.errorCode).toBe(ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER);
    expect(values(h)).toHaveLength(6);
  });

  it("refuses a gap with OUT_OF_ORDER_SEQUENCE_NUMBER", () => {
    const h = ready();
    const { producerId } = initProducerId(h);
    send(h, ["a"], { producerId, producerEpoch: 0, baseSequence: 0 });
    const gap = send(h, ["c"], { producerId, producerEpoch: 0, baseSequence: 2 });
    expect(gap).toMatchObject({
      errorCode: ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER,
      baseOffset: -1,
    });
    expect(h.marks()).toContain("producer-out-of-order-sequence");
    expect(values(h)).toEqual(["a"]);
  });

  it("fences an older epoch with INVALID_PRODUCER_EPOCH; a new epoch restarts at 0", () => {
    const h = ready();
    const { producerId } = initProducerId(h);
    send(h, ["a"], { producerId, producerEpoch: 1, baseSequence: 0 });
    const old = send(h, ["b"], { producerId, producerEpoch: 0, baseSequence: 1 });
    expect(old.errorCode).toBe(ErrorCode.INVALID_PRODUCER_EPOCH);
    const badStart = send(h, ["b"], { producerId, producerEpoch: 2, baseSequence: 5 });
    expect(badStart.errorCode).toBe(ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER);
    expect(send(h, ["b"], { producerId, producerEpoch: 2, baseSequence: 0 }).errorCode).toBe(0);
    expect(values(h)).toEqual(["a", "b"]);
  });

  it("accepts any sequence from a producer id it has no state for (KIP-360), as Kafka does", () => {
    const h = ready();
    const r = send(h, ["a"], { producerId: 77, producerEpoch: 0, baseSequence: 40 });
    expect(r.errorCode).toBe(ErrorCode.NONE);
    expect(h.marks()).toContain("producer-unknown-id-accepted-mid-sequence");
  });

  it("rebuilds the state from the log after a restart and a crash", () => {
    const h = ready();
    const { producerId } = initProducerId(h);
    const p = { producerId, producerEpoch: 0 };
    send(h, ["a", "b"], { ...p, baseSequence: 0 });
    send(h, ["c"], { ...p, baseSequence: 2 });
    h.restart();
    expect(send(h, ["c"], { ...p, baseSequence: 2 }).baseOffset).toBe(2);
    expect(send(h, ["e"], { ...p, baseSequence: 4 }).errorCode).toBe(
      ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER,
    );
    h.crashAndRestart();
    expect(send(h, ["a", "b"], { ...p, baseSequence: 0 }).baseOffset).toBe(0);
    expect(send(h, ["d"], { ...p, baseSequence: 3 }).baseOffset).toBe(3);
    expect(values(h)).toEqual(["a", "b", "c", "d"]);
    expect(h.marks()).toContain("producer-state-rebuilt-from-log");
  });

  it("forgets a producer idle for producer.id.expiration.ms on the broker's clock", () => {
    const h = ready({ producerIdExpirationMs: 60_000 });
    const { producerId } = initProducerId(h);
    send(h, ["a"], { producerId, producerEpoch: 0, baseSequence: 0 });
    h.advance(30_000);
    expect(send(h, ["a"], { producerId, producerEpoch: 0, baseSequence: 0 }).baseOffset).toBe(0);
    h.advance(70_000);
    expect(h.marks()).toContain("producer-state-expired");
    // Its retry now looks like a new producer: appended again (what Kafka does after expiry).
    expect(send(h, ["a"], { producerId, producerEpoch: 0, baseSequence: 0 }).baseOffset).toBe(1);
  });

  it("keeps producers for Kafka's default day, measured on the broker's clock", () => {
    const h = ready();
    const { producerId } = initProducerId(h);
    send(h, ["a"], { producerId, producerEpoch: 0, baseSequence: 0 });
    // The broker's clock jumps a day on (timers in between would be a day of heartbeats).
    h.now += 86_400_000 - 60_000;
    h.deliver({ type: "timer" });
    expect(send(h, ["a"], { producerId, producerEpoch: 0, baseSequence: 0 }).baseOffset).toBe(0);
    h.now += 86_400_000 + 10_000;
    h.deliver({ type: "timer" });
    expect(send(h, ["a"], { producerId, producerEpoch: 0, baseSequence: 0 }).baseOffset).toBe(1);
  });
});

describe("Idempotence on a compacted topic", () => {
  it("keeps an active producer's last batch, emptied, so its retry after a restart is still a duplicate", () => {
    const h = new BrokerHarness({ config: { logCleanerBackoffMs: 100 } }).start();
    createTopic(h, "c", 1, {
      "cleanup.policy": "compact",
      "segment.bytes": "200",
      "min.cleanable.dirty.ratio": "0.01",
    });
    const { producerId } = initProducerId(h);
    const idem = { producerId, producerEpoch: 0, baseSequence: 0 };
    const first = h.call("Produce", produceBody("c", 0, idemBatch(["k"], idem), -1));
    expect(first.responses[0]?.partitionResponses[0]?.baseOffset).toBe(0);
    // Another producer supersedes key k, and enough records roll segments for the cleaner.
    for (let i = 0; i < 12; i++) produce(h, "c", 0, [{ key: "k", value: `v${i}` }]);
    h.advance(5_000);
    const read = (from: number) => recordsOf(fetchOnce(h, "c", 0, from).records);
    expect(read(0).map((r) => r.offset)).not.toContain(0);
    // The emptied batch is served (offset 0, no records); a consumer's position moves past it.
    const served = fetchOnce(h, "c", 0, 0).records;
    const emptied = served === null ? undefined : readBatchHeader(served);
    expect(emptied?.ok && emptied.value).toMatchObject({ baseOffset: 0, recordCount: 0 });
    expect(decodeFetched(served, 0).end).toBe(13);

    h.restart();
    const retry = h.call("Produce", produceBody("c", 0, idemBatch(["k"], idem), -1));
    const answer = retry.responses[0]?.partitionResponses[0];
    expect(answer?.errorCode).toBe(ErrorCode.NONE);
    expect(answer?.baseOffset).toBe(0);
    expect(read(0).filter((r) => r.value === "k")).toEqual([]);
    expect(h.marks()).not.toContain("producer-unknown-id-accepted-mid-sequence");
  });
});
